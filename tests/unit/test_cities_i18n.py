"""Every interface string of the cities templates has a German translation."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from jinja2.ext import babel_extract

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "theme" / "templates"
CATALOG = ROOT / "theme" / "translations" / "de" / "LC_MESSAGES" / "messages.po"
CITY_TEMPLATES = sorted(
    [TEMPLATES / n for n in ("city.html", "city_articles.html", "cities.html", "rankings.html")]
    + list((TEMPLATES / "partials").glob("city_*.html"))
)
OPTIONS = {"extensions": "jinja2.ext.i18n", "trim_blocks": "True", "lstrip_blocks": "True"}


def messages(path: Path) -> list[tuple[int, tuple[str, ...]]]:
    found = []
    with path.open("rb") as handle:
        for line, _func, message, _comments in babel_extract(
            handle, ("_", "gettext", "ngettext"), [], OPTIONS
        ):
            strings = (message,) if isinstance(message, str) else (message or ())
            strings = tuple(s for s in strings if isinstance(s, str))  # `_(variable)`: none
            if strings:
                found.append((line, strings))
    return found


@pytest.fixture(scope="module")
def catalog():
    with CATALOG.open("rb") as handle:
        return read_po(handle, locale="de")


@pytest.mark.parametrize("template", CITY_TEMPLATES, ids=lambda p: p.name)
def test_every_string_has_a_german_msgstr(template, catalog):
    found = messages(template)
    assert found, f"{template.name} has no interface strings?"
    for line, strings in found:
        entry = catalog.get(strings[0])
        assert entry is not None, f"{template.name}:{line}: no msgid {strings[0]!r}"
        translated = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        assert all(translated), f"{template.name}:{line}: empty msgstr for {strings[0]!r}"
        if len(strings) == 2:
            assert entry.pluralizable, f"{template.name}:{line}: {strings[0]!r} needs a plural"


def test_region_names_are_translated(catalog):
    from portal.model import ModelSettings

    for region in ModelSettings.__dataclass_fields__["regions"].default:
        entry = catalog.get(region)
        assert entry is not None and entry.string, region
