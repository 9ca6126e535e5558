"""Rules for MOUs that need the whole build, not one record: each a small function.

The content model checks each MOU record and every reference (unknown party, the
same party twice, fewer than two parties, unknown or non-article source, a date
that cannot be parsed). These rules need what only the build knows: which articles
are published, and which URLs this plugin's own pages take.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping

from portal.model import Mou, Problem


def unpublished_sources(
    mous: Iterable[Mou], published_ids: Collection[str], draft_ids: Collection[str]
) -> list[Problem]:
    """A source that is a draft or scheduled article: the MOU would cite no page."""
    return [
        Problem(
            mou.path,
            mou.line_of("Sources"),
            "Sources",
            f"source article {ref!r} is a draft or scheduled, not published; publish it "
            "first or cite a published article",
        )
        for mou in mous
        for ref in mou.sources
        if ref not in published_ids and ref in draft_ids
    ]


def reserved_slugs(mous: Iterable[Mou], reserved: Mapping[str, str]) -> list[Problem]:
    """An MOU slug that one of the timeline's own pages or files needs (`data`, …)."""
    return [
        Problem(
            mou.path,
            mou.line_of("Slug"),
            "Slug",
            f"{mou.slug!r} is reserved for /{reserved[mou.slug]}; choose another slug",
        )
        for mou in mous
        if mou.slug in reserved
    ]
