"""Building the site safely: into a staging folder, swapped in only on success.

`build_site()` is what `invoke build`, the preview server, the publish gate and the
tests call. A failed build raises `BuildError` and leaves the previous output
folder byte-identical.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import secrets
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT / "plugins") not in sys.path:
    sys.path.insert(0, str(ROOT / "plugins"))

from pelican import Pelican  # noqa: E402
from pelican.log import init as init_logging  # noqa: E402
from pelican.settings import read_settings  # noqa: E402
from portal import background as portal_background  # noqa: E402
from portal import cache as portal_cache  # noqa: E402
from portal import checks as portal_checks  # noqa: E402
from portal import incremental, performance  # noqa: E402
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
    kept: bool = False  # nothing had changed: the output was left as it was


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
    _remove_abandoned(output)
    staging = output.with_name(f".{output.name}-building-{secrets.token_hex(4)}")
    session_used = True
    try:
        settings = load_settings(settings_file, content, staging, overrides)
        settings["DELETE_OUTPUT_DIRECTORY"] = False
        problems = portal_checks.check_settings(settings, Path(settings_file).name)
        if problems:
            failed = portal_report.BuildReport(problems=problems)
            raise BuildError(str(portal_report.BuildFailed(failed)), failed)
        # Incremental builds: pages nothing changed for are hard links into the last
        # good output; `manifest` says what that output holds (portal.incremental).
        manifest = incremental.manifest_file(settings, output)
        config = incremental.config_digest(settings)
        began, day = time.time(), incremental.day_stamp(settings)
        stamps = incremental.content_stamps(settings)  # before anything is read
        if portal_cache.performance_settings(settings)["incremental"] and output.is_dir():
            kept_as_is = incremental.nothing_changed(
                settings, output, manifest, config, stamps, began
            )
            if kept_as_is is not None:  # the output is what a build would make
                session_used = False
                settings["OUTPUT_PATH"] = str(output)
                if os.environ.get("PORTAL_BUILD_TIMINGS"):
                    _write_unchanged_timings(Path(os.environ["PORTAL_BUILD_TIMINGS"]), began)
                return BuildResult(output, kept_as_is.report, settings, kept=True)
        settings["PORTAL_BUILD"] = {
            "previous": str(output) if output.is_dir() else None,
            "manifest": str(manifest),
            "config": config,
        }
        # the writer removes what the recycled tree holds and this build did not write
        settings["PORTAL_BUILD"]["recycled"] = _prepare_staging(staging, settings, output, config)
        try:
            started = time.perf_counter()
            pelican = Pelican(settings)
            pelican.run()
            ran = time.perf_counter()
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
        state = incremental.current()
        written = state.files if state is not None else {}
        others = _keep_unchanged(staging, output if output.is_dir() else None, written)
        kept = time.perf_counter()
        retired = _swap_in(staging, output, incremental.spare_folder(settings, output))
        if state is not None:
            described = state.manifest_for(output, others)
            described.day = day if incremental.day_stamp(settings) == day else ""
            described.content = stamps
            items = portal_checks.remembered().get("generated_content", {}).values()
            described.due = incremental.next_due(items, began)
            described.other_stamps = others
            described.report = build
            incremental.save_manifest(described, manifest)
            spare_manifest = incremental.manifest_file(settings, retired) if retired else None
            if spare_manifest is not None and state.manifest is not None:
                incremental.save_manifest(state.manifest, spare_manifest)
        _forget_other_outputs(settings, output)
        if os.environ.get("PORTAL_BUILD_TIMINGS"):
            _write_timings(Path(os.environ["PORTAL_BUILD_TIMINGS"]), started, ran, kept)
    finally:
        incremental.wait_for_staging()
        portal_background.wait_all()  # nothing still writes into the staging folder
        session = portal_cache.current()
        if session is not None and session_used:
            session.save()  # what was read stays valid, whether or not the build failed
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    settings["OUTPUT_PATH"] = str(output)
    return BuildResult(output, build, settings)


def _write_timings(path: Path, started: float, ran: float, kept: float) -> None:
    """Where the build's time went, for the bench: each generator, then the rest."""
    marks, phases = performance.marks, dict(performance.timings)
    context_end = max(
        (v for k, v in marks.items() if k.endswith("generate_context:end")), default=started
    )
    if "writer" in marks:
        phases["checks and signals before writing"] = marks["writer"] - context_end
    if "output:end" in marks:
        phases["finalized: sitemap, search index, link checks"] = ran - marks["output:end"]
    phases["start-up (settings, plugins)"] = marks.get("initialized", started) - started
    phases["keeping unchanged files"] = kept - ran
    phases["swap and manifests"] = time.perf_counter() - kept
    cpu = dict(performance.cpu)
    if "output:end" in performance.cpu_marks:
        cpu["after the output phase: finalized, keeping, swap"] = (
            performance.cpu_seconds() - performance.cpu_marks["output:end"]
        )
    cpu["whole build"] = performance.cpu_seconds()
    state = incremental.current()
    session = portal_cache.current()
    report = {
        "phases": {k: round(v, 2) for k, v in sorted(phases.items(), key=lambda kv: -kv[1])},
        # CPU seconds of each generator phase, its worker processes and Pagefind included
        "cpu_s": {k: round(v, 2) for k, v in sorted(cpu.items(), key=lambda kv: -kv[1])},
        "writer": dict(state.stats) if state else {},
        "render": (("full: " if state.full else "incremental: ") + state.reason) if state else "",
        "reads": dict(session.stats) if session else {},
        "peak_rss_mb": dict(performance.peak_rss),  # the build process's peak after each phase
        # when each phase ended, in seconds since the build started (a timeline)
        "ended_at_s": {
            k.removesuffix(":end"): round(v - started, 2)
            for k, v in sorted(marks.items(), key=lambda kv: kv[1])
        },
    }
    path.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")


def _write_unchanged_timings(path: Path, began: float) -> None:
    """The timings of a build that found nothing changed (Pelican did not run)."""
    report = {
        "phases": {"nothing changed (output kept as it is)": round(time.time() - began, 2)},
        "writer": {"rendered": 0, "skipped": 0, "unchanged": 0, "written": 0},
        "render": "nothing changed: Pelican did not run",
        "reads": {},
    }
    path.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")


def _remove_abandoned(output: Path, age: float = 3600.0) -> None:
    """Staging and retired folders of builds that were killed (older than `age` s)."""
    now = time.time()
    for pattern in (f".{output.name}-building-*", f".{output.name}-retired-*"):
        for folder in output.parent.glob(pattern):
            with contextlib.suppress(OSError):
                if folder.is_dir() and now - folder.stat().st_mtime > age:
                    shutil.rmtree(folder, ignore_errors=True)


def _forget_other_outputs(settings: dict[str, Any], output: Path) -> None:
    """Drop the spare trees and manifests kept for output folders that are gone."""
    root = portal_cache.cache_root(settings)
    owner = incremental.spare_folder(settings, output).with_suffix(".owner")
    with contextlib.suppress(OSError):
        owner.write_text(str(output), encoding="utf-8")
    for marker in root.glob("spare-*.owner"):
        try:
            gone = not Path(marker.read_text(encoding="utf-8")).is_dir()
        except OSError:
            continue
        if gone:
            spare = marker.with_suffix("")
            shutil.rmtree(spare, ignore_errors=True)
            for path in (
                incremental.manifest_file(settings, spare),
                incremental.manifest_file(settings, Path(marker.read_text("utf-8"))),
            ):
                path.unlink(missing_ok=True)
            marker.unlink(missing_ok=True)


def _prepare_staging(
    staging: Path, settings: dict[str, Any], output: Path, config: str
) -> incremental.Manifest | None:
    """Create the staging folder: the recycled spare tree when it can serve, else empty.

    The spare is the output before the last one (kept under the cache). Its pages
    are either links to the current output's or older versions; the writer replaces
    each one by a new name (link or new file), never writing into it. What other
    generators wrote there (static files, feeds, indexes) is deleted first, so that
    they write new files too.
    """
    spare = incremental.spare_folder(settings, output)
    spare_manifest = None
    if spare.is_dir():
        manifest = incremental.load_manifest(incremental.manifest_file(settings, spare), spare)
        options = portal_cache.performance_settings(settings)
        if manifest is not None and manifest.config_digest == config and options["incremental"]:
            try:
                spare.rename(staging)
                spare_manifest = manifest
            except OSError:
                spare_manifest = None
        if spare_manifest is None:
            shutil.rmtree(spare, ignore_errors=True)
    if spare_manifest is None:
        staging.mkdir()
        return _clone_output(staging, settings, output, config)
    for name in spare_manifest.others:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(staging / name)
    return spare_manifest


def _clone_output(
    staging: Path, settings: dict[str, Any], output: Path, config: str
) -> incremental.Manifest | None:
    """No spare tree to recycle: the last output's pages, linked into `staging` meanwhile.

    Only when that output was built with the same settings, code and theme (its pages
    can be kept); its manifest then describes the staging tree as a recycled spare's
    does. Returns None (an empty staging folder) otherwise.
    """
    if not portal_cache.performance_settings(settings)["incremental"] or not output.is_dir():
        return None
    manifest = incremental.load_manifest(incremental.manifest_file(settings, output), output)
    if manifest is None or manifest.config_digest != config:
        return None
    incremental.clone_tree(output, staging, manifest.files)
    return manifest


def _keep_unchanged(
    staging: Path, previous: Path | None, done: Any
) -> dict[str, tuple[int, int, int]]:
    """Unchanged files from outside our writer become links to the previous build's.

    Static files, feeds and indexes are written anew by their generators; when their
    bytes are the same as before they keep the previous inode and mtime. Returns
    all those files (the next recycling of this tree deletes them), each with its
    final inode, size and mtime.
    """
    others = {}
    for relative in incremental.output_names(staging):
        if relative in done:
            continue  # the writer already reused or replaced it
        path = os.path.join(staging, relative)
        try:
            stat = os.lstat(path)
        except OSError:
            others[relative] = (-1, -1, -1)  # never matches: no "nothing changed" next time
            continue
        if previous is not None:
            stat = _link_if_same(path, os.path.join(previous, relative), stat)
        others[relative] = (stat.st_ino, stat.st_size, stat.st_mtime_ns)
    return others


def _link_if_same(path: str, old: str, stat: os.stat_result) -> os.stat_result:
    """Replace `path` by a link to `old` when their bytes are equal; the final stat."""
    try:
        old_stat = os.lstat(old)
        if stat.st_size != old_stat.st_size or stat.st_ino == old_stat.st_ino:
            return stat
        if not _same_bytes(path, old):
            return stat
        temp = f"{path}.keep-{os.getpid()}"
        os.link(old, temp)
        os.replace(temp, path)
    except OSError:
        return stat
    return old_stat


def _same_bytes(a: str | os.PathLike[str], b: str | os.PathLike[str]) -> bool:
    with open(a, "rb") as first, open(b, "rb") as second:
        while True:
            chunk = first.read(1 << 20)
            if chunk != second.read(1 << 20):
                return False
            if not chunk:
                return True


def _swap_in(staging: Path, output: Path, spare: Path) -> Path | None:
    """Replace `output` by `staging` with two renames; the old tree becomes the spare.

    Returns the spare folder, or None when the old tree could not be kept (it is
    removed then).
    """
    retired = None
    if output.exists():
        retired = output.with_name(f".{output.name}-retired-{os.getpid()}")
        if retired.exists():
            shutil.rmtree(retired)
        output.rename(retired)
    staging.rename(output)
    if retired is None:
        return None
    try:
        if spare.exists():
            shutil.rmtree(spare)
        spare.parent.mkdir(parents=True, exist_ok=True)
        retired.rename(spare)  # the next build's staging folder
    except OSError:
        shutil.rmtree(retired, ignore_errors=True)
        return None
    return spare
