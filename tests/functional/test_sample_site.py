"""The sample content builds into the pages the portal promises, saying what it must."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from lxml import html

from tests.conftest import ROOT, read_page

PAGES = [
    "",
    "news/2009/07/seoul-mous-june/",
    "de/news/2009/07/seoul-absichtserklaerungen-juni/",
    "cities/",
    "cities/seoul/",
    "cities/la-manche/",
    "cities/san-francisco/",
    "cities/kathmandu/",
    "events/",
    "events/wego-inaugural-assembly-2010/",
    "about/",
    "accessibility/",
    "archives/",
    "archives/2009/",
    "tag/",
    "tag/mou/",
    "category/",
    "category/cooperation/",
]


@pytest.mark.parametrize("url", PAGES)
def test_clean_urls_are_folders_with_an_index(sample_output: Path, url: str):
    assert (sample_output / url / "index.html").is_file()


def test_every_content_file_is_accounted_for(sample_site):
    content_files = [
        p for p in (ROOT / "content").rglob("*")
        if p.is_file() and p.relative_to(ROOT / "content").parts[0] not in ("images", "extra")
    ]
    counts = sample_site.report.counts()
    assert sum(counts.values()) == len(content_files)
    assert counts["rejected"] == 0


def _main(page: str):
    return html.fromstring(page).get_element_by_id("main-content")


def test_kathmandu_profile_names_the_mou_of_22_june_2009(sample_output: Path):
    main = _main(read_page(sample_output, "cities/kathmandu/"))
    times = main.xpath(".//time[@datetime='2009-06-22']")
    assert times and times[0].text_content() == "22 June 2009"
    links = [a.get("href") for a in main.xpath(".//a")]
    assert any("mous/seoul-kathmandu-2009/" in href for href in links)


def test_moscow_mou_shows_no_invented_date(sample_output: Path):
    main = _main(read_page(sample_output, "cities/moscow/"))
    text = " ".join(main.text_content().split())
    assert "Date not published — reported by 10 July 2009" in text
    # The only dates in the MOU timeline (group heading and entry) are the report's
    # date, at its own precision.
    timeline = main.xpath(".//section[@aria-labelledby='mous-heading']")[0]
    assert {t.get("datetime") for t in timeline.xpath(".//time")} == {"2009-07-10"}


def test_german_translation_links_to_the_english_original(sample_output: Path):
    german = "de/news/2009/07/seoul-absichtserklaerungen-juni/"
    page = html.fromstring(read_page(sample_output, german))
    assert page.get("lang") == "de"
    originals = page.xpath("//a[@hreflang='en']")
    assert originals, "the German article links to its English original"
    assert all(a.get("href").endswith("news/2009/07/seoul-mous-june/") for a in originals)
    assert "Zum Hauptinhalt springen" in page.text_content()  # German interface


def test_english_original_links_to_its_translation(sample_output: Path):
    page = html.fromstring(read_page(sample_output, "news/2009/07/seoul-mous-june/"))
    assert page.get("lang") == "en"
    assert page.xpath("//a[@hreflang='de']")


def test_article_cites_its_source(sample_output: Path):
    main = _main(read_page(sample_output, "news/2009/07/seoul-mous-june/"))
    text = main.text_content()
    assert "The Korea Herald" in text
    assert main.xpath(".//time[@datetime='2009-07-10']")


def test_links_are_relative_so_a_sub_path_deployment_works(sample_output: Path):
    page = read_page(sample_output, "cities/seoul/")
    hrefs = re.findall(r'href="([^"]+)"', page)
    internal = [h for h in hrefs if not h.startswith(("http://", "https://", "#", "mailto:"))]
    assert internal and all(not h.startswith("/") for h in internal)


# --- strictness and any content folder -------------------------------------


@pytest.fixture(scope="session")
def small_content(tmp_path_factory) -> Path:
    """A minimal site with a city whose name needs transliteration."""
    root = tmp_path_factory.mktemp("small") / "content"
    (root / "cities").mkdir(parents=True)
    (root / "articles").mkdir()
    (root / "cities" / "wroclaw.md").write_text(
        "Name: Wrocław\nCountry: PL\nRegion: Europe\nCoordinates: 51.11, 17.03\n\n"
        "A city in Poland.\n",
        encoding="utf-8",
    )
    (root / "articles" / "a.md").write_text(
        "Title: Wrocław joins\nId: 2010-wroclaw\nDate: 2010-01-05\nCategory: Cooperation\n"
        "Cities: wroclaw\nSource: Example Daily | 2010-01-04\nSummary: A test.\n\nText.\n",
        encoding="utf-8",
    )
    return root


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, check=False
    )


@pytest.fixture(scope="session")
def small_build(small_content: Path, tmp_path_factory) -> tuple[subprocess.CompletedProcess, Path]:
    out = tmp_path_factory.mktemp("small-out") / "site"
    return run("invoke", "build", "--content", str(small_content), "--output", str(out)), out


def test_invoke_builds_any_content_folder(small_build):
    result, out = small_build
    assert result.returncode == 0, result.stderr
    assert (out / "cities" / "wroclaw" / "index.html").is_file()
    assert (out / "news" / "2010" / "01" / "wroclaw-joins" / "index.html").is_file()
    assert "Account: 2 content files: 2 published" in result.stdout


def test_plain_pelican_builds_any_content_folder(small_content: Path, tmp_path: Path):
    result = run("pelican", str(small_content), "-s", "pelicanconf.py", "-o", str(tmp_path / "o"))
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "o" / "cities" / "wroclaw" / "index.html").is_file()


def test_a_content_error_fails_the_plain_pelican_build(small_content: Path, tmp_path: Path):
    bad = tmp_path / "content"
    subprocess.run(["cp", "-r", str(small_content), str(bad)], check=True)
    (bad / "articles" / "b.md").write_text(
        "Title: Bad\nId: bad\nDate: 2009-02-30\nCategory: Cooperation\n"
        "Source: X | 2009\nSummary: s\n\nText.\n",
        encoding="utf-8",
    )
    result = run("pelican", str(bad), "-s", "pelicanconf.py", "-o", str(tmp_path / "o"))
    assert result.returncode == 1
    printed = " ".join((result.stdout + result.stderr).split())  # Rich wraps long lines
    assert "articles/b.md:3: Date: '2009-02-30' is not a date in the calendar" in printed


def test_an_empty_content_folder_never_succeeds(tmp_path: Path):
    (tmp_path / "content").mkdir()
    result = run(
        "invoke", "build", "--content", str(tmp_path / "content"), "--output", str(tmp_path / "o")
    )
    assert result.returncode == 1
    assert "no content was published at all" in result.stderr
    assert not (tmp_path / "o").exists()
