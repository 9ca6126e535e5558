"""Internal link check over a built site: every link to the site's own files exists.

One pass over every HTML file with lxml collects the ids it defines and the links it
makes (`href`, `src`, `srcset`, `poster`, `data`, `action`, OpenGraph images); then
every link that points into the site is resolved to a file of the output — a folder
URL to its `index.html` — and a `#fragment` to an id of the target page. Links to
other hosts are not fetched. Root-relative links must stay under the site's base
path (`/portal/…` when `SITEURL` is `https://example.org/portal`).

    python -m tools.linkcheck output/ --site-url https://example.org

prints one line per broken link, `page:line: url: reason`, and exits 1 if any.
"""

from __future__ import annotations

import argparse
import os
import posixpath
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from lxml import etree

# Stands in for the site's address when the site was built with relative URLs.
_PLACEHOLDER_ORIGIN = "http://site.invalid"
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")

# Attributes holding one URL, by element.
_URL_ATTRIBUTES: dict[str, tuple[str, ...]] = {
    "a": ("href",),
    "area": ("href",),
    "link": ("href",),
    "img": ("src",),
    "source": ("src",),
    "script": ("src",),
    "iframe": ("src",),
    "embed": ("src",),
    "video": ("src", "poster"),
    "audio": ("src",),
    "track": ("src",),
    "object": ("data",),
    "form": ("action",),
    "use": ("href", "xlink:href"),  # inline SVG, as the HTML parser names them
    "image": ("href", "xlink:href"),
}
_LINK_TAGS = (*_URL_ATTRIBUTES, "meta", "base")
_IDS = etree.XPath("//@id | //a/@name", smart_strings=False)  # no tree kept alive
_SRCSET_TAGS = frozenset({"img", "source"})
# <meta> whose content is a URL of the site (OpenGraph and card images, og:url).
_META_URL_KEYS = frozenset({"og:url", "og:image", "og:image:url", "twitter:image"})
# Link relations that are not fetched as documents of this site.
_SKIP_RELS = frozenset({"preconnect", "dns-prefetch", "me", "external"})


@dataclass(frozen=True)
class BrokenLink:
    """One link from `page` (relative to the output folder) that leads nowhere."""

    page: str
    line: int
    url: str
    reason: str

    def __str__(self) -> str:
        return f"{self.page}:{self.line}: {self.url}: {self.reason}"


@dataclass
class LinkReport:
    """What the check saw and every broken link it found, in page order."""

    pages: int = 0
    links: int = 0
    broken: list[BrokenLink] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.broken

    def summary(self) -> str:
        return (
            f"{self.links} internal links on {self.pages} pages checked, {len(self.broken)} broken"
        )


@dataclass
class _Page:
    ids: set[str]
    links: list[tuple[int, str]]  # (line, url as written)
    base: str | None  # from <base href>, if the page has one


def _srcset_urls(value: str) -> Iterator[str]:
    for candidate in value.split(","):
        parts = candidate.split()
        if parts:
            yield parts[0]


def _scan(path: Path, page_url: str, parser: etree.HTMLParser) -> _Page:
    """Ids and outgoing links of one HTML page: an XPath for ids, one walk for links."""
    try:
        root = etree.parse(str(path), parser).getroot()
    except (etree.XMLSyntaxError, OSError):
        root = None
    if root is None:
        return _Page(set(), [], None)
    ids = set(_IDS(root))
    links: list[tuple[int, str]] = []
    base: str | None = None
    for element in root.iter(*_LINK_TAGS):
        tag = element.tag
        attrib = element.attrib
        line = element.sourceline or 0
        if tag == "meta":
            key = attrib.get("property") or attrib.get("name") or ""
            if key in _META_URL_KEYS and attrib.get("content"):
                links.append((line, attrib["content"].strip()))
            continue
        if tag == "base":
            if attrib.get("href") and base is None:
                base = urljoin(page_url, attrib["href"].strip())
            continue
        if tag == "link" and _SKIP_RELS.intersection(attrib.get("rel", "").lower().split()):
            continue
        for name in _URL_ATTRIBUTES[tag]:
            value = attrib.get(name)
            if value is not None and value.strip():
                links.append((line, value.strip()))
        if tag in _SRCSET_TAGS and attrib.get("srcset"):
            links.extend((line, url) for url in _srcset_urls(attrib["srcset"]))
    return _Page(ids, links, base)


class SiteFiles:
    """The output folder as a URL space: which URLs exist, and their ids."""

    def __init__(self, output: Path, site_url: str):
        self.output = output
        split = urlsplit(site_url.rstrip("/") if site_url else _PLACEHOLDER_ORIGIN)
        if split.scheme not in ("http", "https") or not split.netloc:
            raise ValueError(f"site URL must be an absolute http(s) URL, got {site_url!r}")
        self.netloc = split.netloc.lower()
        self.base_path = split.path.rstrip("/") + "/"
        self.origin = f"{split.scheme}://{split.netloc}"
        self._targets: dict[str, tuple[str | None, str | None]] = {}
        self.files: set[str] = set()
        self.folders: set[str] = {""}
        for folder, dirs, files in os.walk(output):
            relative = os.path.relpath(folder, output).replace(os.sep, "/")
            prefix = "" if relative == "." else relative + "/"
            self.folders.update(prefix + d for d in dirs)
            self.files.update(prefix + f for f in files)
        self.pages: dict[str, _Page] = {}
        self._other_ids: dict[str, set[str]] = {}

    def resolve(self, page_dir: str, base: str | None, url: str) -> tuple[str, str] | None:
        """(URL path, fragment) of a link into this site; None for other hosts and schemes.

        `page_dir` is the URL path of the linking page's folder (`/news/x/`); the
        common cases are resolved with string operations, `urljoin` only handles
        `<base href>` and scheme-relative links.
        """
        if base is not None or url.startswith("//"):
            split = urlsplit(urljoin(base or self.origin + page_dir, url))
            if split.scheme not in ("http", "https") or split.netloc.lower() != self.netloc:
                return None
            return split.path or "/", split.fragment
        rest, _, fragment = url.partition("#")
        rest = rest.partition("?")[0]
        if _SCHEME.match(rest):
            split = urlsplit(rest)
            if split.scheme.lower() not in ("http", "https"):
                return None
            if split.netloc.lower() != self.netloc:
                return None
            return split.path or "/", fragment
        if rest.startswith("/"):
            return rest, fragment
        if not rest:
            return "", fragment  # this very page
        path = posixpath.normpath(page_dir + rest)
        last = rest.rsplit("/", 1)[-1]
        if (rest.endswith("/") or last in (".", "..")) and not path.endswith("/"):
            path += "/"
        return path, fragment

    def locate(self, url: str) -> tuple[str | None, str | None]:
        """Where an absolute URL of this site leads: (output file, None) or (None, why not).

        (None, None) when the URL is not one of this site's (another host or scheme).
        """
        resolved = self.resolve("/", None, url)
        if resolved is None:
            return None, None
        return self.target(resolved[0] or "/")

    def target(self, path: str) -> tuple[str | None, str | None]:
        """(output file, None) for a URL path of this site, or (None, why not)."""
        found = self._targets.get(path)
        if found is None:
            found = self._targets[path] = self._find(unquote(path))
        return found

    def _find(self, path: str) -> tuple[str | None, str | None]:
        if not (path + "/").startswith(self.base_path):
            return None, f"outside the site's base path {self.base_path}"
        relative = path[len(self.base_path) :]
        if relative == "" or relative.endswith("/"):
            if relative + "index.html" in self.files:
                return relative + "index.html", None
            if relative.rstrip("/") in self.folders:
                return None, "folder without index.html"
            return None, "no such file or folder in the output"
        if relative in self.files:
            return relative, None
        if relative in self.folders:
            if relative + "/index.html" in self.files:
                return relative + "/index.html", None
            return None, "folder without index.html"
        return None, "no such file in the output"

    def ids_of(self, relative: str) -> set[str] | None:
        """The ids a fragment can point to in `relative`; None if not checkable."""
        page = self.pages.get(relative)
        if page is not None:
            return page.ids
        if not relative.endswith(".svg"):
            return None
        if relative not in self._other_ids:
            ids: set[str] = set()
            try:
                parser = etree.XMLParser(resolve_entities=False, no_network=True)
                tree = etree.parse(str(self.output / relative), parser)
                ids = {e.get("id") for e in tree.iter() if e.get("id")}
            except (etree.XMLSyntaxError, OSError):
                pass
            self._other_ids[relative] = ids
        return self._other_ids[relative]


def _html_files(files: Iterable[str]) -> list[str]:
    return sorted(f for f in files if f.endswith((".html", ".htm")))


def check_links(output: str | os.PathLike[str], site_url: str = "") -> LinkReport:
    """Check every internal link of every HTML page under `output`.

    `site_url` is the site's absolute address (Pelican's SITEURL); leave it empty for
    a site built with relative URLs.
    """
    output = Path(output)
    if not output.is_dir():
        raise FileNotFoundError(f"no such output folder: {output}")
    site = SiteFiles(output, site_url)
    parser = etree.HTMLParser(remove_comments=True, no_network=True, encoding="utf-8")
    for relative in _html_files(site.files):
        page_url = site.origin + site.base_path + relative
        site.pages[relative] = _scan(output / relative, page_url, parser)

    report = LinkReport(pages=len(site.pages))
    for relative, page in site.pages.items():
        page_path = site.base_path + relative
        page_dir = page_path.rsplit("/", 1)[0] + "/"
        for line, url in page.links:
            resolved = site.resolve(page_dir, page.base, url)
            if resolved is None:
                continue
            report.links += 1
            path, fragment = resolved
            target, reason = site.target(path or page_path)
            if target is None:
                report.broken.append(BrokenLink(relative, line, url, reason or "not found"))
                continue
            fragment = unquote(fragment)
            if not fragment or fragment.lower() == "top" or fragment.startswith(":~:"):
                continue
            ids = site.ids_of(target)
            if ids is not None and fragment not in ids:
                where = "this page" if target == relative else target
                report.broken.append(
                    BrokenLink(relative, line, url, f"no element with id {fragment!r} in {where}")
                )
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("output", help="the built site's folder")
    parser.add_argument("--site-url", default="", help="SITEURL the site was built with")
    args = parser.parse_args(argv)
    report = check_links(args.output, args.site_url)
    for broken in report.broken:
        print(broken)
    print(report.summary(), file=sys.stderr)
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
