"""Building the site safely: into a staging folder, swapped in only on success.

`build_site()` is what `invoke build`, the preview server, the publish gate and the
tests call. A failed build raises `BuildError` and leaves the previous output
folder byte-identical.
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT / "plugins") not in sys.path:
    sys.path.insert(0, str(ROOT / "plugins"))

from pelican import Pelican  # noqa: E402
from pelican.log import init as init_logging  # noqa: E402
from pelican.settings import read_settings  # noqa: E402
from portal import checks as portal_checks  # noqa: E402
from portal import report as portal_report  # noqa: E402

logger = logging.getLogger("portal.build")
_logging_ready = False


class BuildError(Exception):
    """The build failed; `problems` lists every error, `report` has the rest."""

    def __init__(self, message: str, report: portal_report.BuildReport | None = None):
        super().__init__(message)
        self.report = report


@dataclass
class BuildResult:
    output: Path
    report: portal_report.BuildReport
    settings: dict[str, Any]


def load_settings(
    settings_file: str | os.PathLike[str] = ROOT / "pelicanconf.py",
    content: str | os.PathLike[str] | None = None,
    output: str | os.PathLike[str] | None = None,
    overrides: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Pelican's settings from `settings_file`, with paths and `overrides` applied."""
    override: dict[str, Any] = dict(overrides or {})
    if content is not None:
        override["PATH"] = str(Path(content).resolve())
    if output is not None:
        override["OUTPUT_PATH"] = str(Path(output).resolve())
    portal_overrides = override.pop("PORTAL", None)
    settings = read_settings(str(settings_file), override=override)
    if portal_overrides:
        settings["PORTAL"] = {**settings.get("PORTAL", {}), **portal_overrides}
    return settings


def _ensure_logging(verbose: bool) -> None:
    global _logging_ready
    if not _logging_ready:
        init_logging(level=logging.INFO if verbose else logging.WARNING)
        _logging_ready = True


def build_site(
    content: str | os.PathLike[str] = ROOT / "content",
    output: str | os.PathLike[str] = ROOT / "output",
    settings_file: str | os.PathLike[str] = ROOT / "pelicanconf.py",
    overrides: dict[str, Any] | None = None,
    *,
    verbose: bool = False,
) -> BuildResult:
    """Build `content` into `output`, replacing it only if the whole build succeeds."""
    _ensure_logging(verbose)
    output = Path(output).resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{output.name}-building-", dir=output.parent))
    try:
        settings = load_settings(settings_file, content, staging, overrides)
        settings["DELETE_OUTPUT_DIRECTORY"] = False
        problems = portal_checks.check_settings(settings, Path(settings_file).name)
        if problems:
            failed = portal_report.BuildReport(problems=problems)
            raise BuildError(str(portal_report.BuildFailed(failed)), failed)
        try:
            pelican = Pelican(settings)
            pelican.run()
        except portal_report.BuildFailed as exc:
            raise BuildError(str(exc), exc.report) from None
        except Exception as exc:  # a template or plugin error: still a failed build
            build = portal_report.current()
            problem = portal_checks.overwrite_problem(str(exc), staging)
            if problem is not None:  # two pages with one URL
                build.add_problems([problem])
                raise BuildError(str(portal_report.BuildFailed(build)), build) from None
            raise BuildError(f"{type(exc).__name__}: {exc}", build) from exc
        build = portal_report.current()
        if build.failed:
            raise BuildError(str(portal_report.BuildFailed(build)), build)
        _swap_in(staging, output)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    settings["OUTPUT_PATH"] = str(output)
    return BuildResult(output, build, settings)


def _swap_in(staging: Path, output: Path) -> None:
    """Replace `output` by `staging` with two renames; the old tree is removed after."""
    retired = None
    if output.exists():
        retired = output.with_name(f".{output.name}-retired-{os.getpid()}")
        if retired.exists():
            shutil.rmtree(retired)
        output.rename(retired)
    staging.rename(output)
    if retired is not None:
        shutil.rmtree(retired, ignore_errors=True)
