"""A local static server for the built site: 127.0.0.1 only, pretty URLs, 404 page."""

from __future__ import annotations

import functools
import http.server
import mimetypes
from pathlib import Path

# Content types the portal publishes that Python's table may lack.
EXTRA_TYPES = {
    ".atom": "application/atom+xml",
    ".rss": "application/rss+xml",
    ".xml": "application/xml",
    ".json": "application/json",
    ".ics": "text/calendar",
    ".opml": "text/x-opml",
    ".xsl": "text/xsl",
    ".webmanifest": "application/manifest+json",
}


class PortalRequestHandler(http.server.SimpleHTTPRequestHandler):
    """Serves `index.html` for folders and the site's `404.html` for misses."""

    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, **EXTRA_TYPES}

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code == 404 and page.is_file():
            body = page.read_bytes()
            self.send_response(404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
            return
        super().send_error(code, message, explain)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


def make_server(root: Path, port: int) -> http.server.ThreadingHTTPServer:
    for suffix, mime in EXTRA_TYPES.items():
        mimetypes.add_type(mime, suffix)
    handler = functools.partial(PortalRequestHandler, directory=str(root))
    return http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)


def serve_forever(root: Path, port: int) -> None:
    server = make_server(root, port)
    print(f"Serving {root} on http://127.0.0.1:{server.server_address[1]}/ (Ctrl-C stops)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
