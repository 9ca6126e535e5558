"""A writer that writes nothing: the output phase of `invoke check`.

`DryWriter` renders no template and writes no file; it records every path a build
would write. `invoke check` runs every generator's `generate_output()` with it, to
learn the site's URLs (for links to site URLs) and to find two writers of one path
— a page whose Slug is a section of the site (`cities`), say — without output.
(The build itself finds the same collision when Pelican refuses the second write:
`checks.overwrite_problem()` explains it.)
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from pelican.paginator import Paginator
from pelican.writers import Writer

from . import report
from .model import Problem


@dataclass(frozen=True)
class Owner:
    """Who writes an output file: a content file, or a template of the site."""

    path: str | None  # the content file, if any
    line: int
    description: str


def owner_of(template: Any, kwargs: dict[str, Any]) -> Owner:
    """The content object among a write's template variables, else the template."""
    for value in kwargs.values():
        record = getattr(value, "record", None)
        if record is not None and hasattr(record, "path"):
            line = record.line_of("Slug") if "slug" in record.lines else 1
            return Owner(record.path, line, record.path)
    name = getattr(template, "name", None) or str(template)
    return Owner(None, 1, f"the site's {name} template")


def collision(relative: str, first: Owner, second: Owner) -> Problem:
    """The problem of two writers of one output path, placed at a content file."""
    at, other = (second, first) if second.path is not None else (first, second)
    if at.path is None:
        return Problem(
            relative,
            1,
            "output",
            f"written twice: by {first.description} and by {second.description}",
        )
    return Problem(
        at.path,
        at.line,
        "Slug",
        f"its page {relative} is also written by "
        f"{other.path or 'another page of the site'}; "
        "two pages cannot have the same URL, so change the Slug",
    )


class DryWriter(Writer):
    """Records the paths a build would write; renders and writes nothing."""

    def __init__(self, output_path: str, settings: dict[str, Any] | None = None):
        super().__init__(output_path, settings=settings)
        self.claims: dict[str, Owner] = {}

    def write_file(
        self,
        name: Any,
        template: Any,
        context: Any,
        relative_urls: bool = False,
        paginated: dict[str, Any] | None = None,
        template_name: str | None = None,
        override_output: bool = False,
        url: str | None = None,
        **kwargs: Any,
    ) -> None:
        if not name:
            return
        owner = owner_of(template, kwargs)
        for path in self._page_names(name, url, paginated, template_name, kwargs):
            self.claim(path, owner, override_output)

    def write_feed(
        self, elements: Any, context: Any, path: Any = None, *args: Any, **kwargs: Any
    ) -> None:
        if path:
            relative = str(path).replace(os.sep, "/")
            self.claim(relative, Owner(None, 1, "a feed"), bool(kwargs.get("override_output")))

    def claim(self, relative: str, owner: Owner, override: bool = False) -> None:
        """Note who writes `relative`; a second writer is a problem.

        Two content files with one URL are reported by `checks.check_output_paths`.
        """
        first = self.claims.setdefault(relative, owner)
        if first is owner or override or (first.path and owner.path):
            return
        report.current().add_problems([collision(relative, first, owner)])

    def _page_names(
        self,
        name: str,
        url: str | None,
        paginated: dict[str, Any] | None,
        template_name: str | None,
        kwargs: dict[str, Any],
    ) -> list[str]:
        """`name`, or every page of it when the template is paginated (as Pelican does)."""
        if paginated is None:
            paginated = {k: v for k, v in kwargs.items() if k in {"articles", "dates"}}
        templates = self.settings["PAGINATED_TEMPLATES"]
        if not (paginated and template_name in templates):
            return [name]
        per_page = templates[template_name] or self.settings["DEFAULT_PAGINATION"]
        paginator = Paginator(name, url, next(iter(paginated.values())), self.settings, per_page)
        return [paginator.page(number).save_as for number in range(1, paginator.num_pages + 1)]
