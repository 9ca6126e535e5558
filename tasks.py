"""Editor and developer tasks (invoke). `invoke --list` shows them all.

The Makefile's targets delegate here; the logic lives in `tools/`.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from invoke import Exit, task

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))


def _print_problems(report) -> None:
    errors, warnings = report.errors, report.warnings
    if warnings:
        print(f"{len(warnings)} warning(s):", file=sys.stderr)
        for problem in warnings:
            print(f"  {problem}", file=sys.stderr)
    if errors:
        print(f"{len(errors)} error(s):", file=sys.stderr)
        for problem in errors:
            print(f"  {problem}", file=sys.stderr)
    for line in report.logged_errors:
        print(f"  {line}", file=sys.stderr)


@task(
    help={
        "content": "content folder to build (default: content)",
        "output": "output folder (default: output); replaced only if the build succeeds",
        "settings": "settings file (default: pelicanconf.py; publishconf.py for production)",
        "verbose": "show Pelican's progress messages",
    }
)
def build(c, content="content", output="output", settings="pelicanconf.py", verbose=False):
    """Build the site; a failed build leaves the previous output untouched."""
    from tools.build import BuildError, build_site

    try:
        result = build_site(ROOT / content, ROOT / output, ROOT / settings, verbose=verbose)
    except BuildError as exc:
        if exc.report is not None:
            _print_problems(exc.report)
            print(f"Account: {exc.report.account_line()}", file=sys.stderr)
        print(f"Build failed; {output}/ was left as it was.", file=sys.stderr)
        if exc.report is None or not (exc.report.errors or exc.report.logged_errors):
            print(str(exc), file=sys.stderr)
        raise Exit(code=1) from None
    _print_problems(result.report)
    print(f"Account: {result.report.account_line()}")
    print(f"Built {content}/ into {result.output}/")
    print("Open it with: invoke serve   (then http://127.0.0.1:8000/)")


@task
def clean(c, output="output"):
    """Remove the output folder and build caches."""
    for path in (ROOT / output, ROOT / ".cache"):
        shutil.rmtree(path, ignore_errors=True)


@task(pre=[clean])
def rebuild(c, content="content", output="output", settings="pelicanconf.py"):
    """Clean, then build from scratch."""
    build(c, content=content, output=output, settings=settings)


@task(help={"port": "port on 127.0.0.1 (default 8000)", "output": "folder to serve"})
def serve(c, port=8000, output="output"):
    """Serve the built site on http://127.0.0.1:PORT/ (pretty URLs, the 404 page)."""
    from tools.serve import serve_forever

    serve_forever(ROOT / output, int(port))


@task(
    help={
        "target": "rsync, ghpages or folder (default: PUBLISH['target'] or PORTAL_PUBLISH_TARGET)",
        "dest": "rsync: [user@]host:path; ghpages: repository URL or path; folder: a folder",
        "dry_run": "run the whole gate and show what would change; deploy nothing",
        "delete": "rsync: also remove files the site no longer has (listed first)",
        "confirm_delete": "rsync: go ahead with the removals listed by --delete without asking",
        "content": "content folder (default: content)",
        "settings": "production settings (default: publishconf.py)",
    }
)
def publish(
    c,
    target=None,
    dest=None,
    dry_run=False,
    delete=False,
    confirm_delete=False,
    content="content",
    settings="publishconf.py",
):
    """Gate (checks, production build, links, feeds), then deploy. Needs PORTAL_SITEURL."""
    from tools.publish import DeployError, PublishError
    from tools.publish import publish as run_publish

    try:
        run_publish(
            target,
            dest,
            content=ROOT / content,
            settings_file=ROOT / settings,
            dry_run=dry_run,
            delete=delete,
            confirm_delete=confirm_delete,
        )
    except DeployError as exc:
        print(f"Deploy failed: {exc}", file=sys.stderr)
        raise Exit(code=1) from None
    except PublishError as exc:
        print(f"Publishing stopped: {exc}", file=sys.stderr)
        print("Nothing was deployed.", file=sys.stderr)
        raise Exit(code=1) from None
