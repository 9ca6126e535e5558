"""Screenshots of the home and a city page at both widths, for people to judge the design."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from tests.browser.conftest import WIDTHS

pytestmark = pytest.mark.browser

SHOTS = {"home": "/", "city": "/cities/seoul/", "article": "/news/2009/07/seoul-mous-june/"}


def png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", header[16:24])


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
@pytest.mark.parametrize("name", SHOTS)
def test_screenshot(open_page, artifacts: Path, name: str, width: int, scheme: str):
    page = open_page(width=width, color_scheme=scheme)
    page.goto(SHOTS[name])
    suffix = "" if scheme == "light" else "-dark"
    path = artifacts / f"{name}-{width}{suffix}.png"
    page.screenshot(path=str(path), full_page=True)
    shot_width, shot_height = png_size(path)
    assert shot_width == width
    assert shot_height >= 600
