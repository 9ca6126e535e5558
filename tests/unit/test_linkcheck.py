"""tools/linkcheck.py: internal links and #fragments over small hand-written sites."""

from __future__ import annotations

from pathlib import Path

import pytest

from tools.linkcheck import check_links, main

PAGE = """<!DOCTYPE html>
<html lang="en"><head><title>t</title>{head}</head>
<body>
{body}
</body></html>
"""


def write_site(root: Path, files: dict[str, str]) -> Path:
    """Write `files` ({path: body HTML or raw text}) under `root`; .html files get a shell."""
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if relative.endswith(".html") and not text.lstrip().startswith("<!DOCTYPE"):
            text = PAGE.format(head="", body=text)
        path.write_text(text, encoding="utf-8")
    return root


def broken(report) -> set[tuple[str, str]]:
    return {(b.page, b.url) for b in report.broken}


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return write_site(
        tmp_path,
        {
            "index.html": """
                <a href="./news/2009/07/story/">story</a>
                <a href="news/2009/07/story/#details">details</a>
                <a href="./cities/seoul/">Seoul</a>
                <img src="./images/map.png" alt="">
                <a href="https://elsewhere.example/">other host</a>
                <a href="mailto:editors@example.org">mail</a>
                <a href="#main">skip</a><main id="main"></main>""",
            "news/2009/07/story/index.html": """
                <h2 id="details">Details</h2>
                <a href="../../../../">home</a>
                <a href="../../../../cities/seoul/#profile">profile</a>
                <a href="#details">here</a>
                <a href="#top">top</a>""",
            "cities/seoul/index.html": '<section id="profile">Seoul</section>',
            "images/map.png": "png",
        },
    )


def test_a_sound_site_has_no_broken_links(site: Path) -> None:
    report = check_links(site)
    assert report.ok, [str(b) for b in report.broken]
    assert report.pages == 3
    assert report.links == 9  # the external and mailto links are not counted


def test_missing_page_is_reported_with_page_line_and_reason(site: Path) -> None:
    write_site(site, {"about/index.html": '<p>x</p>\n<a href="../no-such-page/">gone</a>'})
    report = check_links(site)
    assert len(report.broken) == 1
    problem = report.broken[0]
    assert (problem.page, problem.url) == ("about/index.html", "../no-such-page/")
    assert problem.line == 5  # the <a>'s own line in the written file
    assert problem.reason == "no such file or folder in the output"
    assert str(problem) == (
        "about/index.html:5: ../no-such-page/: no such file or folder in the output"
    )


def test_missing_fragment_in_another_page(site: Path) -> None:
    write_site(site, {"about/index.html": '<a href="/cities/seoul/#rankings">ranks</a>'})
    report = check_links(site)
    assert broken(report) == {("about/index.html", "/cities/seoul/#rankings")}
    assert report.broken[0].reason == "no element with id 'rankings' in cities/seoul/index.html"


def test_missing_fragment_on_the_same_page(site: Path) -> None:
    write_site(site, {"about/index.html": '<a href="#nowhere">x</a><p id="somewhere"></p>'})
    report = check_links(site)
    assert broken(report) == {("about/index.html", "#nowhere")}
    assert "this page" in report.broken[0].reason


def test_name_anchors_and_percent_encoded_fragments_count(site: Path) -> None:
    write_site(
        site,
        {
            "a/index.html": '<a name="old-anchor"></a><h2 id="straße">S</h2>',
            "b/index.html": '<a href="/a/#old-anchor">1</a><a href="/a/#stra%C3%9Fe">2</a>',
        },
    )
    assert check_links(site).ok


def test_missing_image_stylesheet_script_and_srcset(site: Path) -> None:
    write_site(
        site,
        {
            "p/index.html": PAGE.format(
                head='<link rel="stylesheet" href="/theme/css/none.css">'
                '<script src="/theme/js/none.js"></script>',
                body='<img src="/images/map.png" srcset="/images/map.png 1x, /images/big.png 2x"'
                ' alt=""><video poster="/images/poster.jpg"></video>',
            )
        },
    )
    assert broken(check_links(site)) == {
        ("p/index.html", "/theme/css/none.css"),
        ("p/index.html", "/theme/js/none.js"),
        ("p/index.html", "/images/big.png"),
        ("p/index.html", "/images/poster.jpg"),
    }


def test_absolute_links_to_the_site_url_are_checked(site: Path) -> None:
    write_site(
        site,
        {
            "p/index.html": PAGE.format(
                head='<link rel="canonical" href="https://egov.example.org/p/">'
                '<meta property="og:image" content="https://egov.example.org/images/og.png">',
                body='<a href="https://egov.example.org/cities/seoul/">ok</a>'
                '<a href="https://egov.example.org/cities/paris/">missing</a>'
                '<a href="http://other.example.org/cities/paris/">other host</a>',
            )
        },
    )
    report = check_links(site, "https://egov.example.org")
    assert broken(report) == {
        ("p/index.html", "https://egov.example.org/images/og.png"),
        ("p/index.html", "https://egov.example.org/cities/paris/"),
    }
    # Without the site's address, the same absolute links count as another host's.
    assert broken(check_links(site)) == set()


def test_site_under_a_sub_path(tmp_path: Path) -> None:
    write_site(
        tmp_path,
        {
            "index.html": '<a href="/portal/about/">in</a><a href="/about/">outside</a>'
            '<a href="https://example.org/portal">root without slash</a>',
            "about/index.html": "<p>about</p>",
        },
    )
    report = check_links(tmp_path, "https://example.org/portal/")
    assert broken(report) == {("index.html", "/about/")}
    assert report.broken[0].reason == "outside the site's base path /portal/"


def test_folder_links_need_an_index(site: Path) -> None:
    write_site(
        site,
        {
            "files/report.pdf": "%PDF",
            "p/index.html": '<a href="/files/">list</a><a href="/files/report.pdf">pdf</a>'
            '<a href="/cities/seoul">no slash</a>',
        },
    )
    report = check_links(site)
    assert broken(report) == {("p/index.html", "/files/")}
    assert report.broken[0].reason == "folder without index.html"


def test_query_strings_and_base_element(site: Path) -> None:
    write_site(
        site,
        {
            "p/index.html": PAGE.format(
                head='<base href="/cities/">',
                body='<a href="seoul/?from=p">base-relative</a><a href="paris/">missing</a>',
            )
        },
    )
    assert broken(check_links(site)) == {("p/index.html", "paris/")}


def test_inline_svg_use_and_svg_file_fragments(site: Path) -> None:
    write_site(
        site,
        {
            "theme/icons.svg": '<svg xmlns="http://www.w3.org/2000/svg">'
            '<symbol id="feed"></symbol></svg>',
            "p/index.html": '<svg><use href="/theme/icons.svg#feed"></use></svg>'
            '<svg><use href="/theme/icons.svg#mail"></use></svg>',
        },
    )
    report = check_links(site)
    assert broken(report) == {("p/index.html", "/theme/icons.svg#mail")}


def test_preconnect_and_other_schemes_are_ignored(site: Path) -> None:
    write_site(
        site,
        {
            "p/index.html": PAGE.format(
                head='<link rel="preconnect" href="/nowhere/">',
                body='<a href="tel:+4930123">call</a><a href="data:text/plain,hi">data</a>'
                '<a href="//elsewhere.example/x">other host, scheme-relative</a>',
            )
        },
    )
    assert check_links(site).ok


def test_command_line(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(site)]) == 0
    write_site(site, {"about/index.html": '<a href="/gone/">x</a>'})
    assert main([str(site)]) == 1
    out, err = capsys.readouterr()
    assert out.strip() == "about/index.html:4: /gone/: no such file or folder in the output"
    assert "1 broken" in err


def test_missing_output_folder(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="no such output folder"):
        check_links(tmp_path / "nothing")


def test_a_non_http_site_url_is_refused(site: Path) -> None:
    with pytest.raises(ValueError, match="absolute http"):
        check_links(site, "egov.example.org")
