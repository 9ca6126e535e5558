"""City profiles: a page per city (`/cities/<slug>/`) and the cities index."""

from __future__ import annotations

from .generator import CitiesGenerator, register

__all__ = ["CitiesGenerator", "register"]
