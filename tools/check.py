"""`invoke check`: validate all content without writing any output.

Runs what a build runs up to writing — the portal reader and model on every file,
every generator's `generate_context()`, the checks across files — then the output
phase with `DryWriter`, which records the paths a build would write and renders and
writes nothing (so links to site URLs and two files with one URL are checked too).
Every problem is printed at once, like a compiler:

    articles/2009/2009-07-13-x.md:5: Catgory: unknown field for articles; did you mean 'Category'?

warnings first, then errors, then the account of every content file. Exit status 1
when there is any error.
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
for _path in (ROOT, ROOT / "plugins"):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

from pelican import Pelican, signals  # noqa: E402
from pelican.generators import StaticGenerator  # noqa: E402
from portal import checks, report  # noqa: E402
from portal.drywriter import DryWriter  # noqa: E402
from portal.model import ERROR, Problem  # noqa: E402

from tools.build import load_settings  # noqa: E402


@dataclass
class CheckResult:
    report: report.BuildReport
    settings: dict[str, Any]

    @property
    def ok(self) -> bool:
        return not self.report.failed


def check_site(
    content: str | os.PathLike[str] = ROOT / "content",
    settings_file: str | os.PathLike[str] = ROOT / "pelicanconf.py",
    overrides: dict[str, Any] | None = None,
) -> CheckResult:
    """Check every file under `content` as a build would; write nothing."""
    scratch = Path(tempfile.mkdtemp(prefix="portal-check-"))
    try:
        settings = load_settings(settings_file, content, scratch / "output", overrides)
        problems = checks.check_settings(settings, Path(settings_file).name)
        if any(p.severity == ERROR for p in problems):
            return CheckResult(report.BuildReport(problems=problems), settings)
        pelican = Pelican(settings)  # registers the plugins: a fresh report
        build = report.current()
        build.collect_only = True
        build.add_problems(problems)
        try:
            _run_without_writing(pelican, build)
        except Exception as exc:  # a plugin's crash is a failed check, not a traceback
            if not build.failed:
                build.add_problems([_crash(exc)])
        return CheckResult(build, settings)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _run_without_writing(pelican: Pelican, build: report.BuildReport) -> None:
    """Pelican.run() up to writing; then the output phase with a DryWriter."""
    settings = pelican.settings
    context = settings.copy()
    context["generated_content"] = {}
    context["static_links"] = set()
    context["static_content"] = {}
    context["localsiteurl"] = settings["SITEURL"]
    generators = [
        cls(
            context=context,
            settings=settings,
            path=pelican.path,
            theme=pelican.theme,
            output_path=pelican.output_path,
        )
        for cls in pelican._get_generator_classes()
    ]
    for generator in generators:
        if hasattr(generator, "generate_context"):
            generator.generate_context()
        if hasattr(generator, "check_disabled_readers"):
            generator.check_disabled_readers()
    signals.all_generators_finalized.send(generators)  # the portal's checks and account
    for generator in generators:
        if hasattr(generator, "refresh_metadata_intersite_links"):
            generator.refresh_metadata_intersite_links()

    writer = DryWriter(pelican.output_path, settings=settings)
    for generator in generators:
        if isinstance(generator, StaticGenerator) or not hasattr(generator, "generate_output"):
            continue  # static files are known from the context: nothing to copy
        try:
            generator.generate_output(writer)
        except Exception as exc:
            if build.failed:
                continue  # most likely a consequence of the content's own errors
            build.add_problems([_crash(exc, type(generator).__name__)])
    produced = set(writer.claims) | checks.output_files(pelican.output_path)
    produced |= {item.save_as for item in context.get("staticfiles", []) if item.save_as}
    produced |= _theme_files(settings, pelican.theme)
    items = checks.content_items(context)
    build.add_problems(checks.check_site_links(items, produced, settings))


def _theme_files(settings: dict[str, Any], theme: str) -> set[str]:
    """The theme's static files, where the build copies them."""
    found = set()
    target = settings.get("THEME_STATIC_DIR", "theme")
    for folder in settings.get("THEME_STATIC_PATHS", ["static"]):
        source = Path(theme, folder)
        for path in checks.output_files(source):
            found.add(f"{target}/{path}")
    return found


def _crash(exc: Exception, where: str = "build") -> Problem:
    return Problem(where, 1, type(exc).__name__, str(exc).splitlines()[0] if str(exc) else "")


def format_result(result: CheckResult) -> list[str]:
    """The lines `invoke check` prints: warnings, errors, the account, a verdict."""
    build = result.report
    lines: list[str] = []
    if build.warnings:
        lines.append(f"{len(build.warnings)} warning(s):")
        lines.extend(str(p) for p in build.warnings)
    errors = [str(p) for p in build.errors] + list(build.logged_errors)
    if errors:
        lines.append(f"{len(errors)} error(s):")
        lines.extend(errors)
    lines.append(f"Account: {build.account_line()}")
    if errors:
        lines.append("Check failed: fix the errors above (nothing was written).")
    else:
        lines.append("Check passed: no errors (nothing was written).")
    return lines


# Pelican's warnings that the portal's checks report better (file, line, field).
_COVERED = (
    "Unable to find",
    "Replacement Indicator",
    "Cannot get modification stamp",
    "{filename} used for linking to static",
)


class _Uncovered(logging.Filter):
    """Errors reach the report, and so do the warnings of `_COVERED`: print the rest."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return record.levelno < logging.ERROR and not message.startswith(_COVERED)


def _quiet_logging() -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(_Uncovered())
    handler.setFormatter(logging.Formatter("%(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.WARNING)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--content", default=str(ROOT / "content"))
    parser.add_argument("--settings", default=str(ROOT / "pelicanconf.py"))
    args = parser.parse_args(argv)
    _quiet_logging()
    result = check_site(args.content, args.settings)
    for line in format_result(result):
        print(line)
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main())
