"""The portal's core plugin: content model, strict reader, site index, build report.

Every other portal plugin reads `context["portal"]` (a `SiteIndex`) and the typed
`record` on each content object; none of them parses metadata.
"""

from __future__ import annotations

import logging
from typing import Any

from pelican import signals

from . import checks, incremental, performance, report
from .cache import CachedPortalReader
from .generator import PortalGenerator, account_for_content
from .reader import PortalMarkdownReader
from .sanitize import content_security_policy

logger = logging.getLogger(__name__)


def use_portal_reader(readers: Any) -> None:
    for extension in PortalMarkdownReader.file_extensions:
        readers.reader_classes[extension] = CachedPortalReader  # a PortalMarkdownReader


def add_generator(_pelican: Any) -> type:
    return PortalGenerator


def install_csp(generator: Any) -> None:
    """Templates write `portal_csp` into every page's Content-Security-Policy meta tag."""
    if hasattr(generator, "env"):
        generator.env.globals["portal_csp"] = content_security_policy(generator.settings)


def stop_on_errors(generators: list[Any]) -> None:
    """After every generator has read its content and before anything is written."""
    context = generators[0].context
    settings = generators[0].settings
    build = report.current()
    checks.remember(context)
    with incremental.untracked():  # checks read bodies; no page depends on that
        build.add_problems(checks.check_content(context, settings))
    account_for_content(context, settings)
    if build.collect_only:
        return  # `invoke check` goes on to collect the problems of the output phase
    for warning in build.warnings:
        logger.warning("%s", warning)
    if build.failed:
        raise report.BuildFailed(build)


def stop_on_late_errors(pelican: Any) -> None:
    """Errors logged while writing (a template, a plugin's output) fail the build too.

    Links to site URLs are checked here, against the files actually written.
    """
    build = report.current()
    items = checks.content_items(checks.remembered())
    produced = incremental.output_inventory(pelican.output_path)
    build.add_problems(checks.check_site_links(items, produced, pelican.settings))
    logger.info("portal: %s", build.account_line())
    if build.failed:
        raise report.BuildFailed(build)


def register() -> None:
    report.start()  # one report per Pelican instance, i.e. per build
    performance.register()  # read cache, Pelican speed-ups, incremental writer
    # Our reader for every .md file (replaces Pelican's MarkdownReader).
    signals.readers_init.connect(use_portal_reader)
    # Cities, MOUs and events, and the site index; after articles and pages.
    signals.get_generators.connect(add_generator)
    # Every template gets the Content-Security-Policy of the site (portal_csp).
    signals.generator_init.connect(install_csp)
    # Run the checks across files, account for every content file, and stop before
    # writing when anything failed.
    signals.all_generators_finalized.connect(stop_on_errors)
    # Errors logged during writing also fail the build.
    signals.finalized.connect(stop_on_late_errors)
