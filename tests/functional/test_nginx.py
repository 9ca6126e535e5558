"""deploy/nginx.conf, for real: Debian's nginx serves the production build on 127.0.0.1.

The site is built once (publishconf.py, PORTAL_SITEURL=http://127.0.0.1:<port>), the
sample server block is rendered with this run's port and root, and nginx runs in the
foreground as a child of the test session until the session ends.
"""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import feedparser
import pytest

from tools.build import build_site

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_CONTENT = ROOT / "content"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
SAMPLE_CONF = ROOT / "deploy" / "nginx.conf"
HEADERS_FILE = ROOT / "deploy" / "_headers"
ARTICLE = "/news/2009/07/kathmandu-cooperation/"

pytestmark = pytest.mark.skipif(
    not Path(NGINX).exists(), reason="nginx is not installed (make test installs nginx-light)"
)


@dataclass
class Server:
    base: str
    root: Path
    log: Path

    def get(self, path: str) -> tuple[int, dict[str, str], bytes]:
        """Status, headers (lower-case names) and body; redirects are not followed."""
        opener = urllib.request.build_opener(_NoRedirect)
        try:
            with opener.open(self.base + path, timeout=10) as response:
                return response.status, _headers(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, _headers(error.headers), error.read()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # noqa: ANN002, ANN003
        return None


def _headers(message) -> dict[str, str]:  # noqa: ANN001
    return {name.lower(): value for name, value in message.items()}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def render_server_block(sample: str, port: int, root: Path) -> str:
    """The sample with this run's address and root; each edited line must exist once."""
    edits = [
        (r"^(\s*)listen 80;.*$", rf"\1listen 127.0.0.1:{port};"),
        (r"^\s*listen \[::\]:80;.*$", ""),
        (r"^(\s*)server_name [^;]+;.*$", r"\1server_name 127.0.0.1;"),
        (r"^(\s*)root [^;]+;.*$", rf"\1root {root};"),
    ]
    for pattern, replacement in edits:
        sample, count = re.subn(pattern, replacement, sample, flags=re.MULTILINE)
        assert count == 1, f"deploy/nginx.conf: expected one line matching {pattern!r}"
    return sample


def main_config(work: Path, server_block: Path) -> str:
    """A minimal nginx.conf around the server block: everything under `work`."""
    temp = "\n".join(
        f"    {kind}_temp_path {work / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return f"""
user root;
worker_processes 1;
daemon off;
pid {work / "nginx.pid"};
error_log {work / "error.log"} warn;
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log {work / "access.log"};
{temp}
    include {server_block};
}}
"""


@pytest.fixture(scope="session")
def nginx(tmp_path_factory: pytest.TempPathFactory) -> Server:
    port = _free_port()
    work = tmp_path_factory.mktemp("nginx")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("PORTAL_SITEURL", f"http://127.0.0.1:{port}")
        site = build_site(
            SAMPLE_CONTENT,
            work / "site",
            ROOT / "publishconf.py",
            overrides={"CACHE_PATH": str(work / "cache")},
        ).output
    # Files of the types the site does not have itself, and a private dotfile.
    (site / "probe.atom").write_text('<feed xmlns="http://www.w3.org/2005/Atom"/>\n')
    (site / "probe.rss").write_text('<rss version="2.0"/>\n')
    (site / ".portal-publish.json").write_text("{}\n")
    block = work / "portal.conf"
    block.write_text(render_server_block(SAMPLE_CONF.read_text(encoding="utf-8"), port, site))
    conf = work / "nginx.conf"
    conf.write_text(main_config(work, block))
    checked = subprocess.run(
        [NGINX, "-t", "-p", str(work), "-c", str(conf)],
        capture_output=True,
        encoding="utf-8",
        errors="replace",
    )
    assert checked.returncode == 0, checked.stderr
    process = subprocess.Popen(
        [NGINX, "-p", str(work), "-c", str(conf)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        encoding="utf-8",
        errors="replace",
    )
    try:
        for _ in range(200):  # readiness, not timing: wait until it accepts connections
            if process.poll() is not None:
                pytest.fail(f"nginx exited: {process.stderr.read()}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.05)
        else:
            pytest.fail("nginx did not start listening")
        yield Server(f"http://127.0.0.1:{port}", site, work / "error.log")
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_home_page_is_served(nginx: Server) -> None:
    status, headers, body = nginx.get("/")
    assert status == 200
    assert headers["content-type"] == "text/html; charset=utf-8"
    assert body == (nginx.root / "index.html").read_bytes()


def test_pretty_url_serves_the_folder_index(nginx: Server) -> None:
    status, headers, body = nginx.get(ARTICLE)
    assert status == 200
    assert headers["content-type"].startswith("text/html")
    assert body == (nginx.root / ARTICLE.strip("/") / "index.html").read_bytes()
    assert b"Kathmandu" in body


def test_pretty_url_without_slash_still_reaches_the_page(nginx: Server) -> None:
    status, headers, body = nginx.get(ARTICLE.rstrip("/"))
    if status == 301:  # nginx's own redirect to the folder URL, relative (absolute_redirect off)
        assert headers["location"] == ARTICLE
        status, headers, body = nginx.get(headers["location"])
    assert status == 200
    assert body == (nginx.root / ARTICLE.strip("/") / "index.html").read_bytes()


def test_missing_path_gets_the_sites_404_page(nginx: Server) -> None:
    status, headers, body = nginx.get("/news/2031/01/no-such-story/")
    assert status == 404
    assert headers["content-type"].startswith("text/html")
    assert body == (nginx.root / "404.html").read_bytes()
    assert b"Page not found" in body


def test_missing_feed_also_gets_the_404_page(nginx: Server) -> None:
    status, _, body = nginx.get("/feeds/no-such-feed.atom.xml")
    assert status == 404
    assert body == (nginx.root / "404.html").read_bytes()


def test_dotfiles_are_not_served(nginx: Server) -> None:
    status, _, body = nginx.get("/.portal-publish.json")
    assert status == 404
    assert body == (nginx.root / "404.html").read_bytes()


@pytest.mark.parametrize(
    ("path", "media_type"),
    [
        ("/feeds/all.atom.xml", "application/atom+xml"),
        ("/feeds/all.rss.xml", "application/rss+xml"),
        ("/feeds/city/seoul.atom.xml", "application/atom+xml"),
        ("/feeds/all.json", "application/feed+json"),
        ("/feeds/events.ics", "text/calendar"),
        ("/feeds/feeds.opml", "text/x-opml"),
        ("/feeds/feed.xsl", "text/xsl"),
        ("/sitemap.xml", "application/xml"),
        ("/mous/mous.json", "application/json"),
        ("/probe.atom", "application/atom+xml"),
        ("/probe.rss", "application/rss+xml"),
        ("/theme/css/portal.css", "text/css"),
    ],
)
def test_content_types(nginx: Server, path: str, media_type: str) -> None:
    assert (nginx.root / path.lstrip("/")).is_file(), f"the site has no {path}"
    status, headers, body = nginx.get(path)
    assert status == 200
    assert headers["content-type"].split(";")[0].strip() == media_type
    if media_type != "text/css":
        assert headers["content-type"].endswith("charset=utf-8")
    assert body == (nginx.root / path.lstrip("/")).read_bytes()


def test_feed_over_http_parses_and_its_links_work(nginx: Server) -> None:
    status, _, body = nginx.get("/feeds/all.atom.xml")
    assert status == 200
    feed = feedparser.parse(body)
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert feed.entries
    for entry in feed.entries[:3]:
        assert entry.link.startswith(nginx.base + "/")
        status, headers, _ = nginx.get(entry.link[len(nginx.base) :])
        assert status == 200, entry.link
        assert headers["content-type"].startswith("text/html")


def _csp(value: str) -> dict[str, list[str]]:
    directives = {}
    for part in value.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


@pytest.mark.parametrize("path", ["/", ARTICLE, "/feeds/all.atom.xml", "/no/such/page/"])
def test_security_headers(nginx: Server, path: str) -> None:
    from pelican.settings import read_settings

    _, headers, _ = nginx.get(path)
    csp = _csp(headers["content-security-policy"])
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'", "'wasm-unsafe-eval'"]
    assert csp["style-src"] == ["'self'"]
    assert csp["img-src"] == ["'self'", "data:"]
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"]
    assert csp["form-action"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"]
    iframe_hosts = read_settings(str(ROOT / "pelicanconf.py"))["PORTAL"]["iframe_hosts"]
    assert sorted(csp["frame-src"]) == sorted(f"https://{host}" for host in iframe_hosts)
    assert "unsafe-inline" not in headers["content-security-policy"]
    assert headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"


def test_header_policy_agrees_with_the_pages_own_policy(nginx: Server) -> None:
    """Browsers enforce both the header and the <meta> policy: they must not differ."""
    from lxml import html

    for path in ("/", "/search/", ARTICLE):
        _, headers, body = nginx.get(path)
        header = _csp(headers["content-security-policy"])
        meta = html.fromstring(body).xpath(
            "//meta[@http-equiv='Content-Security-Policy']/@content"
        )
        assert len(meta) == 1, path
        for directive, values in _csp(meta[0]).items():
            assert sorted(header.get(directive, [])) == sorted(values), (path, directive)


def test_caching_headers(nginx: Server) -> None:
    assert nginx.get("/")[1]["cache-control"] == "no-cache"
    assert nginx.get(ARTICLE)[1]["cache-control"] == "no-cache"
    assert nginx.get("/theme/css/portal.css")[1]["cache-control"] == "public, max-age=3600"
    assert nginx.get("/feeds/all.atom.xml")[1]["cache-control"] == "public, max-age=900"
    _, headers, _ = nginx.get("/")
    assert "etag" in headers and "last-modified" in headers


def test_revalidation_answers_304(nginx: Server) -> None:
    _, headers, _ = nginx.get("/")
    request = urllib.request.Request(nginx.base + "/", headers={"If-None-Match": headers["etag"]})
    with pytest.raises(urllib.error.HTTPError) as answer:
        urllib.request.urlopen(request, timeout=10)
    assert answer.value.code == 304


def test_feeds_and_open_data_allow_other_origins(nginx: Server) -> None:
    assert nginx.get("/feeds/all.json")[1]["access-control-allow-origin"] == "*"
    assert nginx.get("/mous/timeline.json")[1]["access-control-allow-origin"] == "*"
    assert "access-control-allow-origin" not in nginx.get("/")[1]


def _headers_file_rules(text: str) -> dict[str, dict[str, str]]:
    """deploy/_headers as {path pattern: {header: value}} (Netlify/Cloudflare syntax)."""
    rules: dict[str, dict[str, str]] = {}
    current = None
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line[0].isspace():
            current = rules.setdefault(line.strip(), {})
        else:
            name, _, value = line.strip().partition(":")
            assert current is not None, f"header outside a rule: {line!r}"
            current[name.strip().lower()] = value.strip()
    return rules


def test_headers_file_matches_nginx(nginx: Server) -> None:
    """deploy/_headers and deploy/nginx.conf send the same headers."""
    rules = _headers_file_rules(HEADERS_FILE.read_text(encoding="utf-8"))
    _, page, _ = nginx.get(ARTICLE)
    for name, value in rules["/*"].items():
        assert page[name] == value, name
    for pattern, expected in rules.items():
        if pattern == "/*":
            continue
        sample = {
            "/theme/*": "/theme/css/portal.css",
            "/feeds/*": "/feeds/all.json",
            "/mous/*": "/mous/timeline.json",
            "/images/*": None,
            "/pagefind/*": "/pagefind/pagefind.js",
        }[pattern]
        if sample is None or not (nginx.root / sample.lstrip("/")).is_file():
            continue
        _, headers, _ = nginx.get(sample)
        for name, value in expected.items():
            assert headers[name] == value, (pattern, name)


def test_published_tree_has_no_inline_code_the_policy_would_block(nginx: Server) -> None:
    from tools.publish import check_inline_code

    assert check_inline_code(nginx.root) == []
