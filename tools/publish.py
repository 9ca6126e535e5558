"""Publishing: a gate of checks over a production build, then a deploy.

`publish()` is what `invoke publish` runs, in this order:

1. the site's address: `PORTAL_SITEURL` must be an absolute http(s) URL;
2. the target — rsync over SSH, GitHub Pages (ghp-import) or a local folder — from
   `PUBLISH` in publishconf.py, the environment and `--dest`;
3. the gate, into a staging folder: content check, production build with
   publishconf.py, inline-code check against the Content-Security-Policy, internal
   link check (tools/linkcheck.py) and feed check;
4. the deploy, only if every gate step passed (`--dry-run`: only show what would
   change);
5. a WebSub ping for the feeds that name a hub (tools/websub.py).

Any failure raises `PublishError` naming the step and every problem found; nothing
has been deployed then. Credentials come from the environment or the SSH agent only:
settings that look like passwords, tokens or keys are refused.
"""

from __future__ import annotations

import datetime as dt
import filecmp
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

from lxml import etree
from lxml import html as lxml_html

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

TARGETS = ("rsync", "ghpages", "folder")
SITEURL_VARIABLE = "PORTAL_SITEURL"
HEADERS_FILE = ROOT / "deploy" / "_headers"
MARKER = ".portal-publish.json"  # written into a folder target: "published by us"
SHOWN = 25  # problems listed per failed step before "… and N more"
PARALLEL_FEEDS = 200  # feeds parsed in a process per CPU from this many on

# PUBLISH settings (publishconf.py) and the environment variables overriding them.
DEFAULTS: dict[str, Any] = {
    "target": None,
    "strict": True,
    "rsync": {"host": None, "user": None, "path": None, "port": 22},
    "ghpages": {"repository": None, "branch": "gh-pages", "cname": None},
    "folder": {"path": None},
}
ENVIRONMENT = {
    ("target",): "PORTAL_PUBLISH_TARGET",
    ("rsync", "host"): "PORTAL_RSYNC_HOST",
    ("rsync", "user"): "PORTAL_RSYNC_USER",
    ("rsync", "path"): "PORTAL_RSYNC_PATH",
    ("rsync", "port"): "PORTAL_RSYNC_PORT",
    ("ghpages", "repository"): "PORTAL_GHPAGES_REPOSITORY",
    ("ghpages", "branch"): "PORTAL_GHPAGES_BRANCH",
    ("ghpages", "cname"): "PORTAL_GHPAGES_CNAME",
    ("folder", "path"): "PORTAL_PUBLISH_FOLDER",
}
RSH_VARIABLE = "PORTAL_RSYNC_RSH"  # the remote shell for rsync; default: ssh, agent only
TOKEN_VARIABLE = "PORTAL_GIT_TOKEN"  # HTTPS token for ghpages pushes (e.g. GITHUB_TOKEN)
_CREDENTIAL_WORDS = re.compile(
    r"pass(word|phrase)?|token|secret|credential|private|identity|key", re.IGNORECASE
)

Say = Callable[[str], None]
Ask = Callable[[str], bool]


class PublishError(Exception):
    """Publishing stopped before deploying (or a deploy failed); says where and why."""


class DeployError(PublishError):
    """The gate passed but the deploy itself failed (the target may be partly updated)."""


class NotConfirmed(PublishError):
    """`--delete` would remove files and nobody confirmed it: nothing was changed."""


class SiteUrlError(PublishError):
    """PORTAL_SITEURL is missing or not an absolute http(s) URL."""


def site_url_from(environ: Mapping[str, str]) -> str:
    """The production SITEURL from `environ`, without a trailing slash."""
    value = environ.get(SITEURL_VARIABLE, "").strip()
    if not value:
        raise SiteUrlError(
            f"{SITEURL_VARIABLE} is not set: publishing needs the site's absolute address, "
            f"e.g. {SITEURL_VARIABLE}=https://egov.example.org"
        )
    split = urlsplit(value)
    if split.scheme not in ("http", "https") or not split.netloc or split.query or split.fragment:
        raise SiteUrlError(
            f"{SITEURL_VARIABLE}: expected an absolute http(s) URL without query or "
            f"fragment (e.g. https://egov.example.org or https://example.org/portal), "
            f"but received: {value!r}"
        )
    if split.username or split.password:
        raise SiteUrlError(f"{SITEURL_VARIABLE}: a site address must not contain a user name")
    return value.rstrip("/")


def _listed(title: str, problems: list[str]) -> str:
    shown = [f"  {p}" for p in problems[:SHOWN]]
    if len(problems) > SHOWN:
        shown.append(f"  … and {len(problems) - SHOWN} more")
    return "\n".join([title, *shown])


def _masked(url: str) -> str:
    """`url` without a password or token in it, for messages and logs."""
    split = urlsplit(url)
    if split.password or (split.username and split.scheme in ("http", "https")):
        host = split.hostname or ""
        if split.port:
            host += f":{split.port}"
        return urlunsplit((split.scheme, f"***@{host}", split.path, split.query, ""))
    return url


# --------------------------------------------------------------------------
# Where to: the target and its configuration


@dataclass(frozen=True)
class Target:
    """A resolved deploy target; `options` are the target's settings, complete."""

    kind: str
    options: dict[str, Any]

    def describe(self) -> str:
        o = self.options
        if self.kind == "rsync":
            user = f"{o['user']}@" if o["user"] else ""
            return f"rsync over SSH: {user}{o['host']}:{o['path']} (port {o['port']})"
        if self.kind == "ghpages":
            return f"GitHub Pages: branch {o['branch']} of {_masked(o['repository'])}"
        return f"folder {o['path']}"


def _check_no_credentials(name: str, value: Any) -> None:
    if isinstance(value, Mapping):
        for key, inner in value.items():
            if _CREDENTIAL_WORDS.search(str(key)):
                raise PublishError(
                    f"PUBLISH[{name!r}][{key!r}]: credentials must not be kept in settings "
                    "files; use the SSH agent, or an environment variable (see "
                    "docs/PUBLISHING.md)"
                )
            _check_no_credentials(name, inner)


def resolve_target(
    settings: Mapping[str, Any],
    target: str | None,
    dest: str | None,
    environ: Mapping[str, str],
) -> Target:
    """The target from `--target`/`--dest`, the environment and settings, checked."""
    given = dict(settings.get("PUBLISH") or {})
    unknown = sorted(set(given) - set(DEFAULTS))
    if unknown:
        raise PublishError(
            f"PUBLISH: unknown setting(s) {', '.join(unknown)}; "
            f"expected one of: {', '.join(DEFAULTS)}"
        )
    for name in TARGETS:
        if name in given:
            if not isinstance(given[name], Mapping):
                raise PublishError(f"PUBLISH[{name!r}]: expected a dict, got {given[name]!r}")
            _check_no_credentials(name, given[name])
            extra = sorted(set(given[name]) - set(DEFAULTS[name]))
            if extra:
                raise PublishError(
                    f"PUBLISH[{name!r}]: unknown setting(s) {', '.join(extra)}; "
                    f"expected one of: {', '.join(DEFAULTS[name])}"
                )
    kind = target or environ.get(ENVIRONMENT[("target",)]) or given.get("target")
    if kind not in TARGETS:
        raise PublishError(
            f"--target: expected one of: {', '.join(TARGETS)}, but received: {kind!r} "
            f"(or set PUBLISH['target'] in publishconf.py or {ENVIRONMENT[('target',)]})"
        )
    options: dict[str, Any] = {**DEFAULTS[kind], **dict(given.get(kind) or {})}
    for key in DEFAULTS[kind]:
        variable = ENVIRONMENT.get((kind, key))
        if variable and environ.get(variable):
            options[key] = environ[variable]
    if kind == "rsync":
        if dest:
            match = re.fullmatch(r"(?:([^@/:]+)@)?([^@/:]+):(.+)", dest)
            if not match:
                raise PublishError(
                    f"--dest: expected [user@]host:path for rsync, but received: {dest!r}"
                )
            options["user"], options["host"], options["path"] = match.groups()
        for key in ("host", "path"):
            if not options[key]:
                variable = ENVIRONMENT[("rsync", key)]
                raise PublishError(
                    f"rsync needs a {key}: pass --dest [user@]host:path, set "
                    f"PUBLISH['rsync']['{key}'] in publishconf.py or {variable}"
                )
        try:
            options["port"] = int(options["port"])
        except (TypeError, ValueError):
            raise PublishError(
                f"rsync port: expected a whole number, but received: {options['port']!r}"
            ) from None
        if str(options["path"]).strip().rstrip("/") in ("", "~", "."):
            raise PublishError(
                f"rsync path: refusing to publish into {options['path']!r}; name the "
                "site's own folder, e.g. /var/www/egov-portal"
            )
    elif kind == "ghpages":
        if dest:
            options["repository"] = dest
        if not options["repository"]:
            raise PublishError(
                "ghpages needs a repository: pass --dest URL-or-path, set "
                "PUBLISH['ghpages']['repository'] in publishconf.py or "
                f"{ENVIRONMENT[('ghpages', 'repository')]}"
            )
        from_settings = dict(given.get("ghpages") or {}).get("repository")
        if from_settings and urlsplit(str(from_settings)).password:
            raise PublishError(
                "PUBLISH['ghpages']['repository'] contains a password or token; keep it "
                f"out of settings files and set {TOKEN_VARIABLE} in the environment"
            )
        if not re.fullmatch(r"[A-Za-z0-9._/-]+", str(options["branch"])) or str(
            options["branch"]
        ).startswith(("-", "/")):
            raise PublishError(f"ghpages branch: not a branch name: {options['branch']!r}")
    else:
        if dest:
            options["path"] = dest
        if not options["path"]:
            raise PublishError(
                "folder needs a path: pass --dest FOLDER, set PUBLISH['folder']['path'] "
                f"in publishconf.py or {ENVIRONMENT[('folder', 'path')]}"
            )
    return Target(kind, options)


# --------------------------------------------------------------------------
# The gate


@dataclass
class FeedFile:
    """One feed document of the built site."""

    path: str  # relative to the output folder
    kind: str  # atom, rss, json, ics or opml
    self_url: str | None = None
    hubs: tuple[str, ...] = ()


@dataclass
class GateResult:
    """A production build that passed every check, ready to deploy."""

    site: Path
    site_url: str
    settings: dict[str, Any]
    feeds: list[FeedFile] = field(default_factory=list)
    passed: list[str] = field(default_factory=list)


_INLINE_HINT = re.compile(
    rb"<script(?![^>]*\bsrc\s*=)(?![^>]*\btype\s*=\s*[\"']?application/(?:ld\+)?json)"
    rb"|<style|\sstyle\s*=|\son[a-z]+\s*=|javascript:",
    re.IGNORECASE,
)
_DATA_SCRIPT_TYPES = frozenset(
    {"application/ld+json", "application/json", "text/plain", "text/template"}
)
_URL_ATTRS = ("href", "src", "action", "formaction", "xlink:href")


def check_inline_code(output: Path) -> list[str]:
    """Inline script, style, event handlers and `javascript:` URLs in the HTML.

    The published Content-Security-Policy (deploy/_headers, deploy/nginx.conf) lets
    browsers run only the site's own script and style files, so any of these would
    silently not work on the live site.
    """
    problems: list[str] = []
    parser = etree.HTMLParser(no_network=True, encoding="utf-8")
    for path in sorted(output.rglob("*.html")):
        raw = path.read_bytes()
        if not _INLINE_HINT.search(raw):
            continue  # most pages: one regex pass, no parse
        relative = path.relative_to(output).as_posix()
        root = etree.fromstring(raw, parser)
        if root is None:
            continue
        for element in root.iter():
            if not isinstance(element.tag, str):
                continue
            where = f"{relative}:{element.sourceline}"
            tag = element.tag
            if tag == "script" and not element.get("src"):
                kind = (element.get("type") or "").strip().lower()
                if kind not in _DATA_SCRIPT_TYPES:
                    problems.append(f"{where}: inline <script>: move it to a .js file")
            elif tag == "style":
                problems.append(f"{where}: <style> element: move it to the stylesheet")
            for name, value in element.attrib.items():
                lowered = name.lower()
                if lowered.startswith("on"):
                    problems.append(f"{where}: event handler attribute {name}=")
                elif lowered == "style":
                    problems.append(f"{where}: style attribute on <{tag}>: use a class")
                elif lowered in _URL_ATTRS and value.strip().lower().startswith("javascript:"):
                    problems.append(f"{where}: javascript: URL in {name}")
    return problems


# Feeds -------------------------------------------------------------------

_ATOM = "{http://www.w3.org/2005/Atom}"
_CONTENT_NS = "{http://purl.org/rss/1.0/modules/content/}"
_XML_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
# Element texts that are URLs: RSS link, image url, comments, docs; Atom uri, icon, logo.
_URL_TEXT = frozenset(
    {"link", "url", "comments", "docs", f"{_ATOM}uri", f"{_ATOM}icon", f"{_ATOM}logo"}
)
# Element texts that are escaped HTML.
_HTML_TEXT = frozenset({"description", f"{_CONTENT_NS}encoded"})
_HTML_URL_ATTRS = ("href", "src", "poster", "cite")


def _is_absolute(url: str) -> bool:
    split = urlsplit(url)
    return bool(split.scheme) and (split.scheme not in ("http", "https") or bool(split.netloc))


def _feedparser_verdict(path: str) -> str | None:
    """What feedparser objects to in one feed file; None when `bozo == 0`.

    Only well-formedness and structure matter here: feedparser's HTML sanitizing and
    link resolving would cost ten times as much and find nothing more.
    """
    import feedparser

    with open(path, "rb") as handle:
        parsed = feedparser.parse(handle.read(), sanitize_html=False, resolve_relative_uris=False)
    if not parsed.bozo:
        return None
    return f"{type(parsed.bozo_exception).__name__}: {parsed.bozo_exception}"


def _feedparser_verdicts(paths: list[str]) -> list[str | None]:
    """`_feedparser_verdict` for every path; in a process per CPU for many feeds."""
    workers = os.cpu_count() or 1
    if len(paths) < PARALLEL_FEEDS or workers < 2:
        return [_feedparser_verdict(path) for path in paths]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(_feedparser_verdict, paths, chunksize=16))


class _FeedChecker:
    """Checks the feeds of one output folder; collects problems and feed files."""

    def __init__(self, output: Path, site_url: str):
        from tools.linkcheck import SiteFiles

        self.output = output
        self.site_url = site_url
        self.site = SiteFiles(output, site_url)
        self.problems: list[str] = []
        self.feeds: list[FeedFile] = []
        self.xml_feeds: list[str] = []  # Atom and RSS files, for feedparser

    def url_of(self, relative: str) -> str:
        return f"{self.site_url}/{relative}"

    def check_url(self, where: str, url: str, what: str) -> None:
        url = url.strip()
        if not url:
            return
        if not _is_absolute(url):
            self.problems.append(f"{where}: relative URL in {what}: {url!r}")
            return
        target, reason = self.site.locate(url)
        if target is None and reason is not None:
            self.problems.append(f"{where}: {what} {url} leads nowhere: {reason}")

    def check_html(self, where: str, text: str | None, what: str) -> None:
        if not text or "<" not in text:
            return
        try:
            fragment = lxml_html.fragment_fromstring(text, create_parent="div")
        except (etree.ParserError, ValueError):
            return
        for element in fragment.iter():
            if not isinstance(element.tag, str):
                continue
            for name in _HTML_URL_ATTRS:
                value = element.get(name)
                if value:
                    self.check_url(where, value, f"{what} <{element.tag} {name}>")
            for candidate in (element.get("srcset") or "").split(","):
                if candidate.split():
                    self.check_url(where, candidate.split()[0], f"{what} <{element.tag} srcset>")

    def run(self) -> None:
        for relative in sorted(self.site.files):
            if relative.endswith((".xml", ".atom", ".rss")):
                self.xml_feed(relative)
            elif relative.endswith(".json"):
                self.json_feed(relative)
            elif relative.endswith(".ics"):
                self.ics(relative)
            elif relative.endswith(".opml"):
                self.opml(relative)
        paths = [str(self.output / relative) for relative in self.xml_feeds]
        for relative, verdict in zip(self.xml_feeds, _feedparser_verdicts(paths), strict=True):
            if verdict is not None:
                self.problems.append(f"{relative}: feedparser: {verdict}")

    def _parse_xml(self, relative: str) -> etree._ElementTree | None:
        try:
            return etree.parse(str(self.output / relative), _XML_PARSER)
        except etree.XMLSyntaxError as exc:
            self.problems.append(f"{relative}: not well-formed XML: {exc}")
            return None

    def xml_feed(self, relative: str) -> None:
        tree = self._parse_xml(relative)
        if tree is None:
            return
        root = tree.getroot()
        if root.tag == f"{_ATOM}feed":
            kind = "atom"
        elif root.tag == "rss":
            kind = "rss"
        else:
            return  # a sitemap, an XSL stylesheet, …: not a feed
        self.xml_feeds.append(relative)
        own_url = self.url_of(relative)
        self_url, hubs = None, []
        for pi in root.itersiblings(preceding=True):
            if isinstance(pi, etree._ProcessingInstruction) and pi.target == "xml-stylesheet":
                href = pi.get("href") if hasattr(pi, "get") else None
                if href:
                    target, reason = self.site.locate(urljoin(own_url, href))
                    if target is None and reason is not None:
                        self.problems.append(f"{relative}: stylesheet {href}: {reason}")
        for element in root.iter():
            if not isinstance(element.tag, str):
                continue
            line = f"{relative}:{element.sourceline}"
            local = element.tag.rsplit("}", 1)[-1]
            for name in ("href", "url", "src"):
                value = element.get(name)
                if value is not None:
                    self.check_url(line, value, f"<{local} {name}>")
            if element.tag == f"{_ATOM}link":  # Atom's own, or atom:link in RSS
                rel = element.get("rel", "alternate")
                if rel == "self":
                    self_url = element.get("href")
                elif rel == "hub" and element.get("href"):
                    hubs.append(element.get("href"))
            text = element.text or ""
            if element.tag in _URL_TEXT:
                if len(element) == 0 and text.strip():
                    self.check_url(line, text, f"<{local}>")
            elif element.tag == "guid" and element.get("isPermaLink", "true") == "true":
                self.check_url(line, text, "<guid> (a permalink)")
            elif element.tag in _HTML_TEXT or (
                element.tag in (f"{_ATOM}content", f"{_ATOM}summary")
                and element.get("type") == "html"
            ):
                self.check_html(line, text, f"<{local}> HTML")
        if self_url is None:
            self.problems.append(f'{relative}: no rel="self" link to {own_url}')
        elif self_url != own_url:
            self.problems.append(f'{relative}: rel="self" is {self_url}, expected {own_url}')
        self.feeds.append(FeedFile(relative, kind, self_url, tuple(hubs)))

    def json_feed(self, relative: str) -> None:
        try:
            data = json.loads((self.output / relative).read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError) as exc:
            if relative.startswith("feeds/"):
                self.problems.append(f"{relative}: not valid JSON: {exc}")
            return
        if not (
            isinstance(data, dict)
            and str(data.get("version", "")).startswith("https://jsonfeed.org/version/")
        ):
            if relative.startswith("feeds/"):
                self.problems.append(f"{relative}: not a JSON Feed (no jsonfeed.org version)")
            return
        own_url = self.url_of(relative)
        for key in ("home_page_url", "feed_url", "next_url", "icon", "favicon"):
            if data.get(key):
                self.check_url(relative, data[key], key)
        if data.get("feed_url") != own_url:
            self.problems.append(
                f"{relative}: feed_url is {data.get('feed_url')!r}, expected {own_url}"
            )
        hubs = []
        for hub in data.get("hubs") or []:
            if isinstance(hub, dict) and hub.get("url"):
                self.check_url(relative, hub["url"], "hubs url")
                hubs.append(hub["url"])
        items = data.get("items")
        if not isinstance(items, list):
            self.problems.append(f"{relative}: JSON Feed without an items list")
            items = []
        for number, item in enumerate(items, 1):
            where = f"{relative}: item {number}"
            for key in ("url", "external_url", "image", "banner_image"):
                if item.get(key):
                    self.check_url(where, item[key], key)
            for attachment in item.get("attachments") or []:
                self.check_url(where, attachment.get("url", ""), "attachment url")
            self.check_html(where, item.get("content_html"), "content_html")
        self.feeds.append(FeedFile(relative, "json", data.get("feed_url"), tuple(hubs)))

    def ics(self, relative: str) -> None:
        text = (self.output / relative).read_text(encoding="utf-8", errors="replace")
        lines = re.sub(r"\r?\n[ \t]", "", text).splitlines()  # unfold (RFC 5545 3.1)
        if not lines or lines[0] != "BEGIN:VCALENDAR" or lines[-1] != "END:VCALENDAR":
            self.problems.append(f"{relative}: not an iCalendar file (BEGIN/END:VCALENDAR)")
            return
        for number, line in enumerate(lines, 1):
            name, _, value = line.partition(":")
            if name.split(";")[0].upper() == "URL":
                self.check_url(f"{relative}:{number}", value, "URL")
        self.feeds.append(FeedFile(relative, "ics", self.url_of(relative)))

    def opml(self, relative: str) -> None:
        tree = self._parse_xml(relative)
        if tree is None or tree.getroot().tag != "opml":
            self.problems.append(f"{relative}: not an OPML document")
            return
        for outline in tree.iter("outline"):
            for name in ("xmlUrl", "htmlUrl", "url"):
                if outline.get(name):
                    self.check_url(f"{relative}:{outline.sourceline}", outline.get(name), name)
        self.feeds.append(FeedFile(relative, "opml", self.url_of(relative)))


def check_feeds(output: Path, site_url: str) -> tuple[list[FeedFile], list[str]]:
    """Every feed, calendar and OPML file of the output, and every problem in them.

    Atom and RSS must parse with feedparser (`bozo == 0`); every URL in any of them
    is absolute, those into the site lead to files of the output, and each feed's
    `rel="self"` (JSON Feed: `feed_url`) is its own address.
    """
    checker = _FeedChecker(output, site_url)
    checker.run()
    return checker.feeds, checker.problems


# The gate itself ------------------------------------------------------------


def _content_check(
    content: Path, settings_file: Path, strict: bool, overrides: dict[str, Any] | None
) -> str | None:
    """`invoke check`'s validation (tools/check.py) with the production settings.

    It reports every problem of every file at once; the build would stop at the first
    failing phase. Returns None when tools/check.py does not exist: the build runs the
    same rules then.
    """
    try:
        from tools.check import check_site
    except ImportError:
        return None
    result = check_site(content, settings_file, overrides)
    build = result.report
    errors = [str(p) for p in build.errors] + list(build.logged_errors)
    if errors:
        raise PublishError(_listed(f"content check: {len(errors)} error(s):", errors))
    if strict and build.warnings:
        raise PublishError(
            _listed(
                f"content check (strict): {len(build.warnings)} warning(s) stop publishing "
                "(PUBLISH['strict'] in publishconf.py):",
                [str(w) for w in build.warnings],
            )
        )
    return f"content check: {build.account_line()}; {len(build.warnings)} warning(s)"


def run_gate(
    content: Path,
    staging: Path,
    settings_file: Path,
    *,
    site_url: str,
    strict: bool = True,
    say: Say = print,
    overrides: dict[str, Any] | None = None,
) -> GateResult:
    """Build `content` for production into `staging` and check it; raise if anything fails.

    `overrides` are settings laid over `settings_file` (tests give a private CACHE_PATH).
    """
    from tools.build import BuildError, build_site

    passed: list[str] = []
    started = [time.perf_counter()]

    def ok(line: str) -> None:
        """One passed step: kept for the result, shown with the time it took."""
        now = time.perf_counter()
        passed.append(line)
        say(f"  ok  {line} ({now - started[0]:.1f} s)")
        started[0] = now

    checked = _content_check(content, settings_file, strict, overrides)
    if checked:
        ok(checked)
    try:
        built = build_site(content, staging, settings_file, overrides)
    except BuildError as exc:
        problems = []
        if exc.report is not None:
            problems = [str(p) for p in exc.report.errors] + list(exc.report.logged_errors)
        raise PublishError(
            _listed("production build failed:", problems or [str(exc).splitlines()[0]])
        ) from None
    report = built.report
    if strict and report.warnings:
        raise PublishError(
            _listed(
                f"strict checks: {len(report.warnings)} warning(s) stop publishing "
                "(PUBLISH['strict'] in publishconf.py):",
                [str(w) for w in report.warnings],
            )
        )
    ok(f"production build: {report.account_line()}")
    if built.settings.get("SITEURL") != site_url:
        raise PublishError(
            f"the production build used SITEURL {built.settings.get('SITEURL')!r}, "
            f"expected {site_url!r}: is {settings_file.name} the production settings?"
        )
    site = built.output
    if HEADERS_FILE.is_file():
        shutil.copyfile(HEADERS_FILE, site / "_headers")
        ok("security headers: _headers copied from deploy/_headers")

    inline = check_inline_code(site)
    if inline:
        raise PublishError(
            _listed(
                f"Content-Security-Policy check: {len(inline)} inline script/style use(s) "
                "that the live site's policy blocks:",
                inline,
            )
        )
    ok("Content-Security-Policy check: no inline script, style or event handler")

    from tools.linkcheck import check_links

    links = check_links(site, site_url)
    if not links.ok:
        raise PublishError(
            _listed(
                f"internal link check: {len(links.broken)} broken link(s):",
                [str(b) for b in links.broken],
            )
        )
    ok(f"internal link check: {links.summary()}")

    feeds, problems = check_feeds(site, site_url)
    if problems:
        raise PublishError(_listed(f"feed check: {len(problems)} problem(s):", problems))
    if not feeds and "feeds" in built.settings.get("PLUGINS", []):
        raise PublishError("feed check: the feeds plugin is on, but the build wrote no feed")
    kinds = ", ".join(
        f"{sum(1 for f in feeds if f.kind == k)} {k}"
        for k in ("atom", "rss", "json", "ics", "opml")
        if any(f.kind == k for f in feeds)
    )
    ok(f"feed check: {len(feeds)} file(s) valid with absolute URLs ({kinds or 'none'})")
    return GateResult(site, site_url, built.settings, feeds, passed)


# --------------------------------------------------------------------------
# Deploying


@dataclass
class Changes:
    """What a deploy adds, changes and removes (files, relative paths)."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{len(self.added)} new, {len(self.changed)} changed, "
            f"{len(self.removed)} removed file(s)"
        )

    def removed_listing(self, limit: int = 20) -> list[str]:
        shown = [f"    - {p}" for p in self.removed[:limit]]
        if len(self.removed) > limit:
            shown.append(f"    … and {len(self.removed) - limit} more")
        return shown


def _files(root: Path) -> set[str]:
    if not root.is_dir():
        return set()
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


def _tree_changes(site: Path, dest: Path, ignore: Iterable[str] = (MARKER,)) -> Changes:
    new, old = _files(site) - set(ignore), _files(dest) - set(ignore)
    changes = Changes(added=sorted(new - old), removed=sorted(old - new))
    changes.changed = sorted(
        p for p in new & old if not filecmp.cmp(site / p, dest / p, shallow=False)
    )
    return changes


def _source_revision() -> str:
    """The commit being published, e.g. "3f2a9c1" or "3f2a9c1+uncommitted changes"."""
    try:
        head = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            encoding="utf-8",
            errors="replace",
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            encoding="utf-8",
            errors="replace",
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown revision"
    return f"{head}+uncommitted changes" if dirty else head


def _guard_folder(dest: Path, site: Path) -> None:
    if dest in (Path("/"), Path.home().resolve()) or ROOT.is_relative_to(dest):
        raise PublishError(f"folder target: refusing to publish into {dest}")
    if dest.is_relative_to(site) or site.is_relative_to(dest):
        raise PublishError(f"folder target: {dest} overlaps the staging folder {site}")
    if dest.exists() and not dest.is_dir():
        raise PublishError(f"folder target: {dest} exists and is not a folder")
    if dest.is_dir() and any(dest.iterdir()) and not (dest / MARKER).is_file():
        raise PublishError(
            f"folder target: {dest} is not empty and was not published by this task "
            f"(no {MARKER} in it); refusing to replace it. Publish into an empty or new "
            "folder, or one this task published before."
        )


def _marker(site: Path, site_url: str) -> str:
    return (
        json.dumps(
            {
                "site_url": site_url,
                "revision": _source_revision(),
                "published": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                "files": len(_files(site)),
            },
            indent=2,
        )
        + "\n"
    )


def _swap_in(site: Path, dest: Path, unchanged: set[str], marker: str) -> None:
    """Copy `site` next to `dest`, then replace `dest` with two renames."""
    incoming = dest.with_name(f".{dest.name}.incoming-{os.getpid()}")
    retired = dest.with_name(f".{dest.name}.retired-{os.getpid()}")
    for leftover in (incoming, retired):
        shutil.rmtree(leftover, ignore_errors=True)
    try:
        incoming.mkdir(mode=0o755)
        os.chmod(incoming, 0o755)
        for source in sorted(site.rglob("*")):
            relative = source.relative_to(site).as_posix()
            target = incoming / relative
            if source.is_dir():
                target.mkdir(mode=0o755)
                os.chmod(target, 0o755)
                continue
            if relative in unchanged:
                shutil.copy2(dest / relative, target)  # keeps its date: caches stay valid
            else:
                shutil.copyfile(source, target)
            os.chmod(target, 0o644)
        (incoming / MARKER).write_text(marker, encoding="utf-8")
        os.chmod(incoming / MARKER, 0o644)
        if dest.exists():
            dest.rename(retired)
        incoming.rename(dest)
    except OSError:
        shutil.rmtree(incoming, ignore_errors=True)
        if retired.exists() and not dest.exists():
            retired.rename(dest)
        raise
    shutil.rmtree(retired, ignore_errors=True)


def _sync_in_place(site: Path, dest: Path, changes: Changes, marker: str) -> None:
    """Update `dest` file by file: for a mount point, or a parent we may not write."""
    for relative in [*changes.added, *changes.changed]:
        target = dest / relative
        for folder in reversed(target.relative_to(dest).parents[:-1]):
            (dest / folder).mkdir(mode=0o755, exist_ok=True)
        incoming = target.with_name(f".{target.name}.incoming-{os.getpid()}")
        shutil.copyfile(site / relative, incoming)
        os.chmod(incoming, 0o644)
        os.replace(incoming, target)  # readers see the old file or the new, never half
    for relative in changes.removed:
        (dest / relative).unlink(missing_ok=True)
    for folder in sorted((p for p in dest.rglob("*") if p.is_dir()), reverse=True):
        if not any(folder.iterdir()):
            folder.rmdir()
    (dest / MARKER).write_text(marker, encoding="utf-8")


def deploy_folder(
    site: Path, dest: str | os.PathLike[str], *, site_url: str, dry_run: bool, say: Say
) -> Changes:
    """Replace folder `dest` by `site` in one rename; unchanged files keep their dates.

    Folders are made 0755 and files 0644, so a web server user can read them. When
    `dest` is a mount point or its parent is not writable, it is updated in place
    instead, each file replaced in one rename.
    """
    dest = Path(dest).expanduser().resolve()
    _guard_folder(dest, site.resolve())
    changes = _tree_changes(site, dest)
    say(f"  {dest}: {changes.summary()}")
    if changes.removed:
        say("\n".join(changes.removed_listing()))
    if dry_run:
        return changes
    marker = _marker(site, site_url)
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        if dest.is_dir() and (os.path.ismount(dest) or not os.access(dest.parent, os.W_OK)):
            say("  (updating in place: the folder cannot be replaced as a whole)")
            _sync_in_place(site, dest, changes, marker)
        else:
            unchanged = _files(site) - set(changes.added) - set(changes.changed)
            _swap_in(site, dest, unchanged, marker)
    except OSError as exc:
        raise PublishError(f"folder target: copying into {dest} failed: {exc}") from exc
    return changes


# rsync ---------------------------------------------------------------------


def _rsync_changes(itemized: str) -> Changes:
    """Changes from `rsync --itemize-changes` output (files only, not folders)."""
    changes = Changes()
    for line in itemized.splitlines():
        if line.startswith("*deleting "):
            path = line[len("*deleting ") :].strip()
            if not path.endswith("/"):
                changes.removed.append(path)
            continue
        flags, _, path = line.partition(" ")
        if len(flags) != 11 or flags[1] != "f" or flags[0] not in "<>ch.":
            continue
        (changes.added if "+++++++" in flags else changes.changed).append(path.strip())
    return changes


def rsync_command(site: Path, options: Mapping[str, Any], rsh: str, *, delete: bool) -> list[str]:
    """The rsync command line: checksums (not dates) decide what is sent."""
    user = f"{options['user']}@" if options.get("user") else ""
    remote = f"{user}{options['host']}:{str(options['path']).rstrip('/')}/"
    command = [
        "rsync",
        "--recursive",
        "--links",
        "--compress",
        "--checksum",
        "--chmod=D755,F644",
        "--delay-updates",
        "--itemize-changes",
        "--protect-args",
        "--rsh",
        rsh,
    ]
    if delete:
        command.append("--delete-after")
    return [*command, f"{site}/", remote]


def _run(command: list[str], what: str, env: Mapping[str, str] | None = None) -> str:
    try:
        done = subprocess.run(
            command, capture_output=True, encoding="utf-8", errors="replace", env=env, check=False
        )
    except OSError as exc:
        raise PublishError(f"{what}: cannot run {command[0]}: {exc}") from exc
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip().splitlines()
        raise PublishError(
            f"{what} failed (exit {done.returncode}): " + ("\n  ".join(detail[-10:]) or "")
        )
    return done.stdout


def deploy_rsync(
    site: Path,
    options: Mapping[str, Any],
    *,
    delete: bool,
    confirm_delete: bool,
    dry_run: bool,
    say: Say,
    ask: Ask | None,
    environ: Mapping[str, str],
) -> Changes:
    """Send `site` with rsync; with `delete`, show what goes and ask first."""
    if shutil.which("rsync") is None:
        raise PublishError("rsync target: rsync is not installed (apt-get install rsync)")
    rsh = environ.get(RSH_VARIABLE) or shlex.join(
        ["ssh", "-p", str(options["port"]), "-o", "BatchMode=yes"]
    )
    command = rsync_command(site, options, rsh, delete=delete)
    changes = Changes()
    if delete or dry_run:
        preview = [*command[:1], "--dry-run", *command[1:]]
        changes = _rsync_changes(_run(preview, "rsync --dry-run"))
        say(f"  dry run: {changes.summary()}" + (" (with --delete)" if delete else ""))
        if changes.removed:
            say("\n".join(changes.removed_listing()))
    if dry_run:
        return changes
    if delete and changes.removed and not confirm_delete:
        question = f"Delete {len(changes.removed)} file(s) on {options['host']}? [y/N] "
        if ask is None or not ask(question):
            raise NotConfirmed(
                f"rsync --delete would remove {len(changes.removed)} file(s) from "
                f"{options['host']}:{options['path']} (listed above); nothing was "
                "changed. Re-run with --confirm-delete to publish and remove them."
            )
    itemized = _run(command, "rsync")
    if not (delete or dry_run):
        changes = _rsync_changes(itemized)
    say(f"  sent: {changes.summary()}")
    return changes


# GitHub Pages -------------------------------------------------------------


# Set inside git hooks or by wrappers; they would point git away from the scratch repository.
_GIT_LOCATION_VARIABLES = frozenset(
    {"GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_NAMESPACE"}
)


def _git_env(repository: str, environ: Mapping[str, str]) -> dict[str, str]:
    """Git's environment: never prompt; a token from the environment as an HTTP header."""
    env = {k: v for k, v in environ.items() if k not in _GIT_LOCATION_VARIABLES}
    env["GIT_TERMINAL_PROMPT"] = "0"
    env.setdefault("GIT_SSH_COMMAND", "ssh -o BatchMode=yes")
    env.setdefault("GIT_COMMITTER_NAME", "Portal publisher")
    env.setdefault("GIT_COMMITTER_EMAIL", "publish@localhost")
    token = environ.get(TOKEN_VARIABLE)
    if token and urlsplit(repository).scheme == "https":
        import base64

        basic = base64.b64encode(f"x-access-token:{token}".encode()).decode()
        count = int(env.get("GIT_CONFIG_COUNT", "0"))
        env[f"GIT_CONFIG_KEY_{count}"] = "http.extraHeader"
        env[f"GIT_CONFIG_VALUE_{count}"] = f"AUTHORIZATION: basic {basic}"
        env["GIT_CONFIG_COUNT"] = str(count + 1)
    return env


def deploy_ghpages(
    site: Path,
    options: Mapping[str, Any],
    *,
    message: str,
    dry_run: bool,
    say: Say,
    environ: Mapping[str, str],
) -> Changes:
    """Commit `site` onto the branch with ghp-import and push it, keeping history.

    Works in a scratch repository, so this checkout's branches are never touched.
    """
    repository, branch = str(options["repository"]), str(options["branch"])
    shown = _masked(repository)
    env = _git_env(repository, environ)
    with tempfile.TemporaryDirectory(prefix="portal-ghpages-") as scratch:

        def git(*args: str, what: str = "git") -> str:
            return _run(
                ["git", "-C", scratch, "-c", "core.quotePath=false", *args], what, env
            ).strip()

        git("init", "--quiet")
        git("remote", "add", "origin", repository)
        heads = git("ls-remote", "origin", f"refs/heads/{branch}", what=f"reaching {shown}")
        exists = bool(heads)
        if exists:
            git(
                "fetch",
                "--quiet",
                "--depth=1",
                "origin",
                f"+refs/heads/{branch}:refs/remotes/origin/{branch}",
                what=f"fetching {branch} from {shown}",
            )
        command = [
            sys.executable,
            "-m",
            "ghp_import",
            "--no-jekyll",
            "--message",
            message,
            "--remote",
            "origin",
            "--branch",
            branch,
        ]
        if options.get("cname"):
            command += ["--cname", str(options["cname"])]
        try:
            done = subprocess.run(
                [*command, str(site)],
                cwd=scratch,
                env=env,
                capture_output=True,
                encoding="utf-8",
                errors="replace",
            )
        except OSError as exc:
            raise PublishError(f"ghp-import: {exc}") from exc
        if done.returncode != 0 or "Failed" in done.stdout:
            raise PublishError(f"ghp-import failed: {(done.stderr or done.stdout).strip()}")
        new_tree = git("rev-parse", f"refs/heads/{branch}^{{tree}}")
        changes = Changes()
        if exists:
            old = f"refs/remotes/origin/{branch}"
            diff = git("diff", "--name-status", "--no-renames", old, f"refs/heads/{branch}")
            for line in diff.splitlines():
                status, _, path = line.partition("\t")
                {"A": changes.added, "D": changes.removed}.get(status, changes.changed).append(path)
            unchanged = git("rev-parse", f"{old}^{{tree}}") == new_tree
        else:
            changes.added = git("ls-tree", "-r", "--name-only", f"refs/heads/{branch}").splitlines()
            unchanged = False
        say(f"  {branch} of {shown}: {changes.summary()}")
        if unchanged:
            say("  nothing changed: no new commit pushed")
            return changes
        if dry_run:
            return changes
        git(
            "push",
            "--quiet",
            "origin",
            f"refs/heads/{branch}:refs/heads/{branch}",
            what=f"pushing {branch} to {shown}",
        )
        pushed = git("ls-remote", "origin", f"refs/heads/{branch}").split()[0]
        if pushed != git("rev-parse", f"refs/heads/{branch}"):
            raise PublishError(f"pushing to {shown}: {branch} is not at the published commit")
        say(f"  pushed {pushed[:12]} to {branch}")
    return changes


# --------------------------------------------------------------------------
# WebSub and the whole run


def ping_websub(gate: GateResult, say: Say) -> list[str]:
    """Tell the configured WebSub hub that the feeds changed; returns the topics pinged."""
    hub = (gate.settings.get("FEEDS") or {}).get("websub_hub")
    if not hub:
        return []
    topics = sorted({f.self_url for f in gate.feeds if hub in f.hubs and f.self_url})
    if not topics:
        say(f"  WebSub: no feed names the hub {hub}; not pinged")
        return []
    try:
        from tools.websub import ping_hub
    except ImportError:
        say(f"  WebSub: hub {hub} is set, but tools/websub.py is missing; not pinged")
        return []
    try:
        ping_hub(hub, topics)
    except Exception as exc:  # noqa: BLE001 — the site is live; a failed ping is a warning
        say(
            f"  WebSub: pinging {hub} failed ({exc}); the site is published, readers "
            "will see the update at their next poll"
        )
        return []
    say(f"  WebSub: pinged {hub} for {len(topics)} feed(s)")
    return topics


@dataclass
class PublishResult:
    target: Target
    gate: GateResult
    changes: Changes
    dry_run: bool
    pinged: list[str] = field(default_factory=list)


def _tty_ask(question: str) -> bool:
    if not sys.stdin.isatty():
        return False
    return input(question).strip().lower() in ("y", "yes")


def _deploy(
    chosen: Target,
    gate: GateResult,
    dry_run: bool,
    delete: bool,
    confirm_delete: bool,
    say: Say,
    ask: Ask | None,
    environ: Mapping[str, str],
) -> Changes:
    if chosen.kind == "folder":
        return deploy_folder(
            gate.site, chosen.options["path"], site_url=gate.site_url, dry_run=dry_run, say=say
        )
    if chosen.kind == "rsync":
        return deploy_rsync(
            gate.site,
            chosen.options,
            delete=delete,
            confirm_delete=confirm_delete,
            dry_run=dry_run,
            say=say,
            ask=ask,
            environ=environ,
        )
    message = f"Publish {_source_revision()} to {gate.site_url}"
    return deploy_ghpages(
        gate.site, chosen.options, message=message, dry_run=dry_run, say=say, environ=environ
    )


def publish(
    target: str | None = None,
    dest: str | None = None,
    *,
    content: Path = ROOT / "content",
    settings_file: Path = ROOT / "publishconf.py",
    staging: Path = ROOT / ".build" / "publish",
    dry_run: bool = False,
    delete: bool = False,
    confirm_delete: bool = False,
    say: Say = print,
    ask: Ask | None = _tty_ask,
    environ: Mapping[str, str] | None = None,
    overrides: dict[str, Any] | None = None,
) -> PublishResult:
    """Check, build and deploy the site; raise `PublishError` and deploy nothing on failure."""
    from tools.build import load_settings

    environ = os.environ if environ is None else environ
    site_url = site_url_from(environ)
    if delete and target not in (None, "rsync"):
        raise PublishError("--delete applies to the rsync target only")
    try:
        settings = load_settings(settings_file)
    except SiteUrlError:
        raise
    except Exception as exc:
        raise PublishError(f"{settings_file.name}: cannot load settings: {exc}") from exc
    chosen = resolve_target(settings, target, dest, environ)
    if delete and chosen.kind != "rsync":
        raise PublishError("--delete applies to the rsync target only")
    strict = bool(dict(settings.get("PUBLISH") or {}).get("strict", DEFAULTS["strict"]))
    say(f"Publishing {site_url} to {chosen.describe()}" + (" (dry run)" if dry_run else ""))
    say("Gate:")
    gate = run_gate(
        Path(content),
        Path(staging),
        Path(settings_file),
        site_url=site_url,
        strict=strict,
        say=say,
        overrides=overrides,
    )
    say("Deploy:" if not dry_run else "Would deploy:")
    try:
        changes = _deploy(chosen, gate, dry_run, delete, confirm_delete, say, ask, environ)
    except (DeployError, NotConfirmed):
        raise
    except PublishError as exc:
        raise DeployError(str(exc)) from exc
    result = PublishResult(chosen, gate, changes, dry_run)
    if dry_run:
        say("Dry run: nothing was deployed.")
        return result
    result.pinged = ping_websub(gate, say)
    say(f"Published {site_url}.")
    return result
