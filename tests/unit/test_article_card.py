"""The article card of every list (theme/templates/partials/article_summary.html)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from jinja2 import Environment, FileSystemLoader, pass_context
from lxml import html

ROOT = Path(__file__).resolve().parents[2]


def render_card(entry: SimpleNamespace, page_lang: str) -> html.HtmlElement:
    from i18n import load_catalogs, localdate, page_language

    env = Environment(
        loader=FileSystemLoader(str(ROOT / "theme" / "templates")),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    env.install_gettext_translations(
        load_catalogs(str(ROOT / "theme"), [page_lang])[page_lang], newstyle=True
    )
    env.filters["localdate"] = localdate
    env.globals["page_language"] = pass_context(page_language)
    template = env.from_string(
        '{% set lang = page_language() %}{% include "partials/article_summary.html" %}'
    )
    out = template.render(
        entry=entry, heading_level=2, SITEURL="../..", DEFAULT_LANG="en", page_lang=page_lang
    )
    return html.fragment_fromstring(out)


class Category(str):
    """Pelican's Category prints as its name and has a URL."""

    url = "category/cooperation/"


def entry(lang: str) -> SimpleNamespace:
    return SimpleNamespace(
        lang=lang,
        url=f"{lang}/news/2009/06/kathmandu-mou/",
        title="Seoul & Kathmandu sign an MOU",
        date=dt.datetime(2009, 6, 22, tzinfo=ZoneInfo("Europe/Berlin")),
        category=Category("Cooperation"),
        record=SimpleNamespace(summary="The two cities agreed to share <e-government> know-how."),
    )


@pytest.mark.parametrize(("card_lang", "page_lang"), [("en", "en"), ("de", "en"), ("en", "de")])
def test_a_card_marks_a_foreign_language_title_and_summary_only(card_lang: str, page_lang: str):
    item = entry(card_lang)
    card = render_card(item, page_lang)
    title, summary = card.find(".//h2"), card.find(".//p[@class='portal-card__summary']")
    expected = card_lang if card_lang != page_lang else None
    assert title.get("lang") == expected and summary.get("lang") == expected
    assert title.find("a").get("href") == f"../../{item.url}"
    assert title.text_content() == "Seoul & Kathmandu sign an MOU"
    assert summary.text_content() == item.record.summary  # escaped, shown as text
    time = card.find(".//time")
    assert time.get("datetime") == "2009-06-22T00:00:00+02:00"
    assert time.text == ("22 June 2009" if page_lang == "en" else "22. Juni 2009")
    category = card.find(".//p[@class='portal-card__meta']/a")
    assert category.get("href") == "../../category/cooperation/"
    assert category.text == ("Cooperation" if page_lang == "en" else "Zusammenarbeit")
