"""tools/publish.py, piece by piece: settings, targets, feed and inline-code checks, WebSub."""

from __future__ import annotations

import base64
import http.server
import re
import threading
import urllib.parse
from pathlib import Path

import pytest

from tools import publish as pub
from tools.publish import (
    GateResult,
    PublishError,
    SiteUrlError,
    check_feeds,
    check_inline_code,
    resolve_target,
    site_url_from,
)

SITE = "https://egov.example.org"
ATOM = "http://www.w3.org/2005/Atom"


# --------------------------------------------------------------------------
# The site address


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://egov.example.org", "https://egov.example.org"),
        ("https://egov.example.org/", "https://egov.example.org"),
        ("  http://127.0.0.1:8080/portal/ ", "http://127.0.0.1:8080/portal"),
    ],
)
def test_site_url_from_environment(value: str, expected: str) -> None:
    assert site_url_from({"PORTAL_SITEURL": value}) == expected


def test_missing_site_url_says_what_to_set() -> None:
    with pytest.raises(SiteUrlError) as error:
        site_url_from({})
    assert str(error.value) == (
        "PORTAL_SITEURL is not set: publishing needs the site's absolute address, "
        "e.g. PORTAL_SITEURL=https://egov.example.org"
    )


@pytest.mark.parametrize(
    "value", ["egov.example.org", "/portal", "ftp://egov.example.org", "https://x.org/?a=1"]
)
def test_site_url_must_be_absolute_http(value: str) -> None:
    with pytest.raises(SiteUrlError, match=re.escape(f"but received: {value!r}")):
        site_url_from({"PORTAL_SITEURL": value})


def test_site_url_must_not_carry_a_user() -> None:
    with pytest.raises(SiteUrlError, match="must not contain a user name"):
        site_url_from({"PORTAL_SITEURL": "https://me:secret@egov.example.org"})


# --------------------------------------------------------------------------
# Targets


def settings(**publish: object) -> dict[str, object]:
    return {"PUBLISH": publish}


def test_folder_target_from_dest() -> None:
    target = resolve_target(settings(), "folder", "/srv/www", {})
    assert target.kind == "folder" and target.options == {"path": "/srv/www"}
    assert target.describe() == "folder /srv/www"


def test_target_from_settings_and_environment() -> None:
    conf = settings(target="rsync", rsync={"host": "web1", "path": "/srv/portal"})
    target = resolve_target(conf, None, None, {"PORTAL_RSYNC_USER": "deploy"})
    assert target.kind == "rsync"
    assert target.options == {"host": "web1", "user": "deploy", "path": "/srv/portal", "port": 22}
    # The environment overrides the settings; --dest overrides both.
    env = {"PORTAL_RSYNC_HOST": "web2", "PORTAL_RSYNC_PORT": "2222"}
    assert resolve_target(conf, None, None, env).options["host"] == "web2"
    assert resolve_target(conf, None, None, env).options["port"] == 2222
    dest = resolve_target(conf, None, "ops@web3:/var/www/egov", env)
    assert (dest.options["user"], dest.options["host"], dest.options["path"]) == (
        "ops",
        "web3",
        "/var/www/egov",
    )
    assert dest.describe() == "rsync over SSH: ops@web3:/var/www/egov (port 2222)"


def test_unknown_target_lists_the_choices() -> None:
    with pytest.raises(PublishError) as error:
        resolve_target(settings(), "ftp", None, {})
    assert str(error.value).startswith(
        "--target: expected one of: rsync, ghpages, folder, but received: 'ftp'"
    )


def test_missing_rsync_host_names_every_way_to_set_it() -> None:
    with pytest.raises(PublishError) as error:
        resolve_target(settings(), "rsync", None, {})
    assert str(error.value) == (
        "rsync needs a host: pass --dest [user@]host:path, set PUBLISH['rsync']['host'] "
        "in publishconf.py or PORTAL_RSYNC_HOST"
    )


@pytest.mark.parametrize("dest", ["web1", "web1:", "a@b@c:/x"])
def test_bad_rsync_dest(dest: str) -> None:
    with pytest.raises(PublishError, match=r"expected \[user@\]host:path"):
        resolve_target(settings(), "rsync", dest, {})


@pytest.mark.parametrize("path", ["/", "~", "."])
def test_rsync_refuses_whole_home_or_root(path: str) -> None:
    with pytest.raises(PublishError, match="refusing to publish into"):
        resolve_target(settings(), "rsync", f"web1:{path}", {})


@pytest.mark.parametrize("key", ["password", "ssh_key", "identity_file", "token"])
def test_credentials_in_settings_are_refused(key: str) -> None:
    conf = settings(rsync={"host": "web1", "path": "/srv", key: "x"})
    with pytest.raises(PublishError, match="credentials must not be kept in settings files"):
        resolve_target(conf, "rsync", None, {})


def test_token_in_a_repository_url_from_settings_is_refused() -> None:
    conf = settings(ghpages={"repository": "https://me:ghp_abc@github.com/org/portal.git"})
    with pytest.raises(PublishError, match="contains a password or token"):
        resolve_target(conf, "ghpages", None, {})


def test_unknown_publish_settings_are_flagged() -> None:
    with pytest.raises(PublishError, match="PUBLISH: unknown setting"):
        resolve_target(settings(targte="folder"), "folder", "/x", {})
    with pytest.raises(PublishError, match=r"PUBLISH\['folder'\]: unknown setting"):
        resolve_target(settings(folder={"pth": "/x"}), "folder", None, {})


def test_ghpages_target_defaults_and_masking() -> None:
    env = {"PORTAL_GHPAGES_REPOSITORY": "https://x-access-token:s3cret@github.com/o/p.git"}
    target = resolve_target(settings(), "ghpages", None, env)
    assert target.options["branch"] == "gh-pages"
    assert "s3cret" not in target.describe()
    assert target.describe() == "GitHub Pages: branch gh-pages of https://***@github.com/o/p.git"
    with pytest.raises(PublishError, match="not a branch name"):
        resolve_target(settings(ghpages={"branch": "--force"}), "ghpages", "/r.git", {})


def test_git_token_travels_in_the_environment_only() -> None:
    env = pub._git_env("https://github.com/o/p.git", {"PORTAL_GIT_TOKEN": "t0ken"})
    header = base64.b64encode(b"x-access-token:t0ken").decode()
    assert env["GIT_CONFIG_KEY_0"] == "http.extraHeader"
    assert env["GIT_CONFIG_VALUE_0"] == f"AUTHORIZATION: basic {header}"
    assert env["GIT_TERMINAL_PROMPT"] == "0"
    # Not for SSH remotes, and never prompting either way.
    ssh_env = pub._git_env("git@github.com:o/p.git", {"PORTAL_GIT_TOKEN": "t0ken"})
    assert "GIT_CONFIG_COUNT" not in ssh_env
    assert ssh_env["GIT_SSH_COMMAND"] == "ssh -o BatchMode=yes"


def test_rsync_command_sends_by_checksum_with_readable_modes() -> None:
    options = {"host": "web1", "user": "deploy", "path": "/srv/portal/", "port": 22}
    command = pub.rsync_command(Path("/tmp/site"), options, "ssh -o BatchMode=yes", delete=False)
    assert command[0] == "rsync"
    assert "--checksum" in command and "--chmod=D755,F644" in command
    assert "--delete-after" not in command
    assert command[-2:] == ["/tmp/site/", "deploy@web1:/srv/portal/"]
    with_delete = pub.rsync_command(Path("/tmp/site"), options, "ssh", delete=True)
    assert "--delete-after" in with_delete


def test_rsync_itemized_changes() -> None:
    itemized = "\n".join(
        [
            "*deleting   old/index.html",
            "*deleting   old/",
            "cd+++++++++ news/",
            ">f+++++++++ news/index.html",
            ">f.c....... index.html",
            ".d..t...... feeds/",
            ">f..t...... same.css",
        ]
    )
    changes = pub._rsync_changes(itemized)
    assert changes.added == ["news/index.html"]
    assert changes.changed == ["index.html", "same.css"]
    assert changes.removed == ["old/index.html"]
    assert changes.summary() == "1 new, 2 changed, 1 removed file(s)"


def test_folder_guard_refuses_dangerous_destinations(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    for dest in (Path("/"), pub.ROOT, pub.ROOT.parent, site / "inner"):
        with pytest.raises(PublishError, match="refusing|overlaps"):
            pub._guard_folder(dest, site)


# --------------------------------------------------------------------------
# Inline code the Content-Security-Policy would block


def write(root: Path, relative: str, text: str) -> None:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_inline_code_check(tmp_path: Path) -> None:
    write(
        tmp_path,
        "ok/index.html",
        '<html><head><script src="/theme/js/a.js"></script>'
        '<script type="application/ld+json">{"@type": "NewsArticle"}</script>'
        "</head><body><p>Seoul on=the map</p></body></html>",
    )
    write(
        tmp_path,
        "bad/index.html",
        "<html><head><script>alert(1)</script><style>p{}</style></head>\n"
        '<body><p style="color:red" onclick="x()">a</p>\n'
        '<a href="javascript:void(0)">b</a></body></html>',
    )
    assert sorted(check_inline_code(tmp_path)) == [
        "bad/index.html:1: <style> element: move it to the stylesheet",
        "bad/index.html:1: inline <script>: move it to a .js file",
        "bad/index.html:2: event handler attribute onclick=",
        "bad/index.html:2: style attribute on <p>: use a class",
        "bad/index.html:3: javascript: URL in href",
    ]


# --------------------------------------------------------------------------
# Feeds


def atom(self_href: str, entry_link: str, content: str = "&lt;p&gt;Hi&lt;/p&gt;") -> str:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="{ATOM}">
  <id>tag:egov.example.org,2026:feeds/all</id>
  <title>All</title>
  <updated>2010-07-21T00:00:00+02:00</updated>
  <link rel="self" href="{self_href}"/>
  <link rel="hub" href="https://hub.example.net/"/>
  <entry>
    <id>tag:egov.example.org,2010-07-20:story</id>
    <title>Story</title>
    <updated>2010-07-20T00:00:00+02:00</updated>
    <link rel="alternate" href="{entry_link}"/>
    <content type="html">{content}</content>
  </entry>
</feed>
"""


@pytest.fixture
def site(tmp_path: Path) -> Path:
    write(tmp_path, "index.html", "<p>home</p>")
    write(tmp_path, "news/story/index.html", "<p>story</p>")
    write(tmp_path, "sitemap.xml", '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"/>')
    write(tmp_path, "mous/mous.json", '{"version": 1, "mous": []}')
    return tmp_path


def test_a_sound_atom_feed_passes(site: Path) -> None:
    write(site, "feeds/all.atom.xml", atom(f"{SITE}/feeds/all.atom.xml", f"{SITE}/news/story/"))
    feeds, problems = check_feeds(site, SITE)
    assert problems == []
    assert [(f.path, f.kind, f.self_url, f.hubs) for f in feeds] == [
        ("feeds/all.atom.xml", "atom", f"{SITE}/feeds/all.atom.xml", ("https://hub.example.net/",))
    ]


def test_feed_problems_are_each_named(site: Path) -> None:
    content = "&lt;p&gt;&lt;a href=&quot;../other/&quot;&gt;x&lt;/a&gt;&lt;/p&gt;"
    write(
        site,
        "feeds/all.atom.xml",
        atom(f"{SITE}/feeds/other.atom.xml", f"{SITE}/news/missing/", content),
    )
    _, problems = check_feeds(site, SITE)
    assert problems == [
        f"feeds/all.atom.xml:6: <link href> {SITE}/feeds/other.atom.xml leads nowhere: "
        "no such file in the output",
        f"feeds/all.atom.xml:12: <link href> {SITE}/news/missing/ leads nowhere: "
        "no such file or folder in the output",
        "feeds/all.atom.xml:13: relative URL in <content> HTML <a href>: '../other/'",
        f'feeds/all.atom.xml: rel="self" is {SITE}/feeds/other.atom.xml, '
        f"expected {SITE}/feeds/all.atom.xml",
    ]


def test_feed_stylesheet_must_exist(site: Path) -> None:
    text = atom(f"{SITE}/feeds/all.atom.xml", f"{SITE}/news/story/").replace(
        "<feed ", '<?xml-stylesheet type="text/xsl" href="/feeds/feed.xsl"?>\n<feed ', 1
    )
    write(site, "feeds/all.atom.xml", text)
    _, problems = check_feeds(site, SITE)
    assert problems == [
        "feeds/all.atom.xml: stylesheet /feeds/feed.xsl: no such file in the output"
    ]
    write(site, "feeds/feed.xsl", "<xsl:stylesheet/>")
    assert check_feeds(site, SITE)[1] == []


def test_feed_that_feedparser_rejects(site: Path) -> None:
    """Well-formed for lxml, but feedparser (like real readers) refuses the DOCTYPE."""
    text = atom(f"{SITE}/feeds/all.atom.xml", f"{SITE}/news/story/")
    text = text.replace(
        f'<feed xmlns="{ATOM}">', f'<!DOCTYPE feed [<!ENTITY who "Seoul">]>\n<feed xmlns="{ATOM}">'
    ).replace("<title>Story</title>", "<title>&who;</title>")
    write(site, "feeds/all.atom.xml", text)
    _, problems = check_feeds(site, SITE)
    assert len(problems) == 1
    assert problems[0].startswith("feeds/all.atom.xml: feedparser: ")


def test_feed_that_is_not_well_formed(site: Path) -> None:
    text = atom(f"{SITE}/feeds/all.atom.xml", f"{SITE}/news/story/").replace("</feed>", "")
    write(site, "feeds/all.atom.xml", text)
    feeds, problems = check_feeds(site, SITE)
    assert feeds == []
    assert len(problems) == 1
    assert problems[0].startswith("feeds/all.atom.xml: not well-formed XML: ")


def test_rss_json_ics_and_opml(site: Path) -> None:
    write(
        site,
        "feeds/all.rss.xml",
        f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:atom="{ATOM}"><channel>
<title>All</title><link>{SITE}/</link><description>d</description>
<atom:link rel="self" href="{SITE}/feeds/all.rss.xml"/>
<item><title>S</title><link>/news/story/</link><guid isPermaLink="false">tag:x,2010:s</guid>
<description>&lt;img src="/images/a.png"&gt;</description></item>
</channel></rss>""",
    )
    write(
        site,
        "feeds/all.json",
        '{"version": "https://jsonfeed.org/version/1.1", "title": "All",'
        f' "home_page_url": "{SITE}/", "feed_url": "{SITE}/feeds/all.json",'
        ' "items": [{"id": "1", "url": "news/story/", "content_html": "<p>x</p>"}]}',
    )
    write(
        site,
        "feeds/events.ics",
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:1\r\n"
        f"URL:{SITE}/news/\r\n story/\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
    )
    write(
        site,
        "feeds/feeds.opml",
        f'<opml version="2.0"><head/><body><outline text="All" xmlUrl="{SITE}/feeds/all.rss.xml"'
        ' htmlUrl="/"/></body></opml>',
    )
    feeds, problems = check_feeds(site, SITE)
    assert sorted(f.kind for f in feeds) == ["ics", "json", "opml", "rss"]
    assert problems == [
        "feeds/all.json: item 1: relative URL in url: 'news/story/'",
        "feeds/all.rss.xml:5: relative URL in <link>: '/news/story/'",
        "feeds/all.rss.xml:6: relative URL in <description> HTML <img src>: '/images/a.png'",
        "feeds/feeds.opml:1: relative URL in htmlUrl: '/'",
    ]


def test_ics_url_must_lead_somewhere(site: Path) -> None:
    write(
        site,
        "feeds/events.ics",
        f"BEGIN:VCALENDAR\nVERSION:2.0\nURL:{SITE}/events/nope/\nEND:VCALENDAR\n",
    )
    _, problems = check_feeds(site, SITE)
    assert problems == [
        f"feeds/events.ics:3: URL {SITE}/events/nope/ leads nowhere: "
        "no such file or folder in the output"
    ]


# --------------------------------------------------------------------------
# WebSub


class _Hub(http.server.BaseHTTPRequestHandler):
    received: list[list[tuple[str, str]]] = []

    def do_POST(self) -> None:  # noqa: N802
        length = int(self.headers["Content-Length"])
        _Hub.received.append(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def test_websub_ping_after_publishing(tmp_path: Path) -> None:
    server = http.server.HTTPServer(("127.0.0.1", 0), _Hub)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    hub = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        gate = GateResult(
            site=tmp_path,
            site_url=SITE,
            settings={"FEEDS": {"websub_hub": hub}},
            feeds=[
                pub.FeedFile("feeds/all.atom.xml", "atom", f"{SITE}/feeds/all.atom.xml", (hub,)),
                pub.FeedFile("feeds/all.rss.xml", "rss", f"{SITE}/feeds/all.rss.xml", (hub,)),
                pub.FeedFile("feeds/feeds.opml", "opml", f"{SITE}/feeds/feeds.opml"),
            ],
        )
        said: list[str] = []
        pinged = pub.ping_websub(gate, said.append)
    finally:
        server.shutdown()
        server.server_close()
    assert pinged == [f"{SITE}/feeds/all.atom.xml", f"{SITE}/feeds/all.rss.xml"]
    assert _Hub.received == [
        [
            ("hub.mode", "publish"),
            ("hub.url", f"{SITE}/feeds/all.atom.xml"),
            ("hub.url", f"{SITE}/feeds/all.rss.xml"),
        ]
    ]
    assert said == [f"  WebSub: pinged {hub} for 2 feed(s)"]


def test_websub_failure_is_a_warning_not_an_error(tmp_path: Path) -> None:
    hub = "http://127.0.0.1:9/"  # discard port: nobody answers
    gate = GateResult(
        site=tmp_path,
        site_url=SITE,
        settings={"FEEDS": {"websub_hub": hub}},
        feeds=[pub.FeedFile("feeds/all.atom.xml", "atom", f"{SITE}/feeds/all.atom.xml", (hub,))],
    )
    said: list[str] = []
    assert pub.ping_websub(gate, said.append) == []
    assert said[0].startswith(f"  WebSub: pinging {hub} failed")


def test_no_hub_no_ping(tmp_path: Path) -> None:
    gate = GateResult(site=tmp_path, site_url=SITE, settings={"FEEDS": {}})
    assert pub.ping_websub(gate, print) == []
