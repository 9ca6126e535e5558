"""An OPML 2.0 subscription list of every feed, for importing into a feed reader."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from email.utils import format_datetime

from lxml import etree


def render_opml(
    *,
    title: str,
    owner: str,
    docs_url: str,
    updated: dt.datetime,
    groups: Iterable[tuple[str, Iterable[Mapping[str, str]]]],
) -> bytes:
    """The OPML document of `groups`: (folder title, outlines) pairs.

    Each outline has text, title, xmlUrl, htmlUrl, type and optionally language.
    """
    root = etree.Element("opml", version="2.0")
    head = etree.SubElement(root, "head")
    etree.SubElement(head, "title").text = title
    etree.SubElement(head, "dateCreated").text = format_datetime(updated)
    etree.SubElement(head, "dateModified").text = format_datetime(updated)
    etree.SubElement(head, "ownerName").text = owner
    etree.SubElement(head, "docs").text = "http://opml.org/spec2.opml"
    etree.SubElement(head, "ownerId").text = docs_url
    body = etree.SubElement(root, "body")
    for folder_title, outlines in groups:
        folder = etree.SubElement(body, "outline", text=folder_title, title=folder_title)
        for outline in outlines:
            etree.SubElement(folder, "outline", {k: v for k, v in outline.items() if v})
    etree.indent(root, space="  ")
    return etree.tostring(root, encoding="UTF-8", xml_declaration=True) + b"\n"
