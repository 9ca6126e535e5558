"""Build, check, preview, publish and benchmark tools behind tasks.py."""
