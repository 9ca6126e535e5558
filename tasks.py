"""Editor and developer tasks (invoke). `invoke --list` shows them all.

The Makefile's targets delegate here; the logic lives in `tools/`.
"""

from __future__ import annotations

import os
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


def _end_now_if_last(task_name: str, code: int) -> None:
    """End the process at once if `task_name` is the last task invoke was asked to run.

    At exit, Python frees a built site's millions of objects one by one: ~2 s after a
    10,000-article build, which the editor would wait for and nothing needs. Every
    file the build writes is closed by now; only the standard streams need flushing.
    Does nothing when the task was called some other way (from another task, a test).
    """
    from invoke.main import program

    requested = getattr(program, "tasks", None)
    if not requested or requested[-1].name != task_name:
        return
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


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
        _end_now_if_last("build", 1)
        raise Exit(code=1) from None
    _print_problems(result.report)
    print(f"Account: {result.report.account_line()}")
    if result.kept:
        print(f"Nothing changed since the last build: {result.output}/ kept as it is")
    else:
        print(f"Built {content}/ into {result.output}/")
    print("Open it with: invoke serve   (then http://127.0.0.1:8000/)")
    _end_now_if_last("build", 0)


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


@task(
    help={
        "content": "content folder to check (default: content)",
        "settings": "settings file (default: pelicanconf.py)",
    }
)
def check(c, content="content", settings="pelicanconf.py"):
    """Check all content as a build would, writing nothing; every problem at once."""
    from tools.check import main as run_check

    code = run_check(["--content", str(ROOT / content), "--settings", str(ROOT / settings)])
    if code:
        raise Exit(code=code)


@task(
    positional=["kind", "name"],
    iterable=["city", "source", "party"],
    help={
        "kind": "article, city, mou, event or page",
        "name": 'the title or name; for an MOU the cities: "seoul barcelona"',
        "lang": "article/page language (default: the site's); a translation is named .de.md",
        "original": "translation (with --lang): the Id of its article, the Slug of its page",
        "city": "article: a city slug (repeatable); event: its city",
        "category": "article: its category (default: the first configured one)",
        "country": "city: ISO code like NP (default: ZZ, marked to fill in)",
        "region": "city: its region (default: the first configured one)",
        "coordinates": 'city: "latitude, longitude" (default: 0, 0, marked to fill in)',
        "signed": "mou: the signing date (default: unknown)",
        "party": "mou: one more city slug (repeatable)",
        "source": "mou/event: the Id of an article that reports it (repeatable)",
        "start": "event: its first day (default: today)",
        "content": "content folder (default: content)",
        "settings": "settings file (default: pelicanconf.py)",
    },
)
def new(
    c,
    kind,
    name,
    lang=None,
    original=None,
    city=None,
    category=None,
    country=None,
    region=None,
    coordinates=None,
    signed=None,
    party=None,
    source=None,
    start=None,
    content="content",
    settings="pelicanconf.py",
):
    """Start a content file: invoke new article "Title" [--lang de] [--city seoul ...]."""
    from tools.scaffold import Scaffolder, ScaffoldError, create, report_lines

    try:
        scaffolder = Scaffolder(ROOT / content, ROOT / settings)
        created = create(
            kind,
            name,
            scaffolder,
            lang=lang,
            original=original,
            city=city,
            category=category,
            country=country,
            region=region,
            coordinates=coordinates,
            signed=signed,
            party=party,
            source=source,
            start=start,
        )
    except ScaffoldError as exc:
        print(f"new: {exc}", file=sys.stderr)
        raise Exit(code=1) from None
    print("\n".join(report_lines(created, scaffolder)))


@task(
    help={
        "port": "port on 127.0.0.1 (default 8000)",
        "content": "content folder (default: content)",
        "output": "preview folder (default: .build/preview; never output/)",
        "settings": "settings file (default: pelicanconf.py)",
    }
)
def livereload(c, port=8000, content="content", output=".build/preview", settings="pelicanconf.py"):
    """Preview with drafts on http://127.0.0.1:PORT/, rebuilt and reloaded on every edit."""
    from tools.preview import serve_preview

    serve_preview(ROOT / content, ROOT / output, ROOT / settings, port=int(port))


@task(
    help={
        "articles": "articles in the synthetic corpus (default 10000)",
        "out": "JSON file for the results (default .bench/bench-N.json)",
        "stock": "also measure stock Pelican on the same articles (default: yes)",
    }
)
def bench(c, articles=10000, out=None, stock=True):
    """Stock Pelican vs our cold, unchanged, edit-one and add-one builds (tools/bench.py)."""
    from tools.bench import run

    report = run(int(articles), Path(out).resolve() if out else None, stock=stock)
    if any(r["exit_code"] for r in report["results"]):
        raise Exit(code=1)
