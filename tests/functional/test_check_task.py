"""`invoke check`: every rule's exact message, every problem at once, nothing written.

The cases are in tests/fixtures/bad-content/ (see its README): each is a small valid
site plus one bad file, checked in-process with `tools.check.check_site()`.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest
from jinja2 import BytecodeCache
from jinja2.bccache import Bucket

from tests.conftest import ROOT, SAMPLE_CONTENT
from tools.build import build_site, load_settings
from tools.check import check_site

CASES = ROOT / "tests" / "fixtures" / "bad-content"
BASE = CASES / "_base" / "content"
CASE_NAMES = sorted(p.name for p in CASES.iterdir() if p.is_dir() and not p.name.startswith("_"))


class _MemoryBytecodeCache(BytecodeCache):
    """Compiled templates shared by the cases (compiling them is most of a check's time)."""

    def __init__(self) -> None:
        self.store: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        if bucket.key in self.store:
            bucket.bytecode_from_string(self.store[bucket.key])

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.store[bucket.key] = bucket.bytecode_to_string()


_JINJA = {**load_settings()["JINJA_ENVIRONMENT"], "bytecode_cache": _MemoryBytecodeCache()}


def make_case(name: str, target: Path) -> tuple[Path, dict[str, Any]]:
    """The base site with the case's files laid over it, in `target`/content."""
    content = target / "content"
    shutil.copytree(BASE, content)
    meta = json.loads((CASES / name / "case.json").read_text(encoding="utf-8"))
    for folder in meta.get("remove", []):
        shutil.rmtree(content / folder)
    if (CASES / name / "content").is_dir():
        shutil.copytree(CASES / name / "content", content, dirs_exist_ok=True)
    return content, meta


def problem_lines(report: Any, content: Path) -> list[str]:
    lines = [f"error: {p}" for p in report.errors]
    lines += [f"error: {line}" for line in report.logged_errors]
    lines += [f"warning: {p}" for p in report.warnings]
    return sorted(line.replace(str(content), "{content}") for line in lines)


def expected_lines(name: str) -> list[str]:
    text = (CASES / name / "expected.txt").read_text(encoding="utf-8")
    return sorted(line for line in text.splitlines() if line.strip())


def test_the_base_site_checks_clean(tmp_path: Path):
    content = tmp_path / "content"
    shutil.copytree(BASE, content)
    result = check_site(content, overrides={"JINJA_ENVIRONMENT": _JINJA})
    assert result.report.problems == [] and result.report.logged_errors == []
    assert result.ok
    assert result.report.counts()["published"] == 7


@pytest.mark.parametrize("name", CASE_NAMES)
def test_each_bad_file_gives_its_exact_message(name: str, tmp_path: Path):
    content, meta = make_case(name, tmp_path)
    overrides = {"JINJA_ENVIRONMENT": _JINJA, **meta.get("overrides", {})}
    result = check_site(content, overrides=overrides)
    expected = expected_lines(name)
    assert problem_lines(result.report, content) == expected, meta["doc"]
    assert result.ok == (not any(line.startswith("error:") for line in expected))


def test_every_case_documents_what_it_shows():
    for name in CASE_NAMES:
        meta = json.loads((CASES / name / "case.json").read_text(encoding="utf-8"))
        assert meta["doc"].strip(), name
        assert expected_lines(name), f"{name} expects no problem at all"


def test_every_problem_is_reported_at_once(tmp_path: Path):
    """Problems of the reader, the model, the checks and the site's URLs, in one run."""
    content = tmp_path / "content"
    shutil.copytree(BASE, content)
    cases = [
        "encoding-not-utf8",
        "city-country",
        "translation-suffix-not-a-language",
        "event-city-unknown",
        "link-site-url",
        "output-path-site",
        "file-not-read-folder",
    ]
    expected: list[str] = []
    for name in cases:
        shutil.copytree(CASES / name / "content", content, dirs_exist_ok=True)
        expected += expected_lines(name)
    result = check_site(content, overrides={"JINJA_ENVIRONMENT": _JINJA})
    assert problem_lines(result.report, content) == sorted(expected)
    assert len(expected) == len(cases)


def _tree_digest(root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        digest.update(str(path.relative_to(root)).encode())
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()


def test_check_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    content, _meta = make_case("link-site-url", tmp_path)
    before = _tree_digest(tmp_path)
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    result = check_site(content, overrides={"JINJA_ENVIRONMENT": _JINJA})
    assert not result.ok
    assert list(scratch.iterdir()) == [], "the check's scratch folder is removed"
    scratch.rmdir()
    assert _tree_digest(tmp_path) == before, "the content folder is untouched, no output"


def test_check_sees_what_the_build_sees(tmp_path: Path):
    """The build runs the same checks: a failed build reports the same lines."""
    from tools.build import BuildError

    for name in ("translation-without-original", "link-site-url", "output-path-site"):
        content, meta = make_case(name, tmp_path / name)
        with pytest.raises(BuildError) as failed:
            build_site(content, tmp_path / name / "output", overrides=meta.get("overrides"))
        assert problem_lines(failed.value.report, content) == expected_lines(name)
        assert not (tmp_path / name / "output").exists()


# --------------------------------------------------------------------------
# The real task


def invoke(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "invoke", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )


_PROBLEM_LINE = re.compile(r"^[^\s:][^:]*:\d+: [^:]+: .+$")


def test_invoke_check_prints_groups_like_a_compiler_and_fails(tmp_path: Path):
    content = tmp_path / "content"
    shutil.copytree(BASE, content)
    article = (BASE / "articles/2020/2020-01-15-seoul-kathmandu.md").read_text(encoding="utf-8")
    story = article.replace("Id: 2020-seoul-kathmandu", "Id: 2020-story").replace(
        "Slug: seoul-kathmandu", "Slug: story"
    )
    files = {
        "articles/2020/2020-03-01-styled.md": story.replace("story", "styled")
        + '<p style="color: red">Red.</p>\n',
        "articles/2020/2020-03-02-sport.md": story.replace("story", "sport").replace(
            "Category: Cooperation", "Category: Sport"
        ),
        "articles/2020/2020-03-03-dated.md": story.replace("story", "dated").replace(
            "Date: 2020-01-15", "Date: 01.03.2020"
        ),
    }
    for relative, text in files.items():
        (content / relative).write_text(text, encoding="utf-8")
    done = invoke("check", "--content", str(content))
    assert done.returncode == 1, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert lines == [
        "1 warning(s):",
        "articles/2020/2020-03-01-styled.md:13: body: inline styles were removed; "
        "the theme styles content",
        "2 error(s):",
        "articles/2020/2020-03-02-sport.md:4: Category: expected one of: Cooperation, "
        "Rankings, Events, Organizations but received: 'Sport'",
        "articles/2020/2020-03-03-dated.md:3: Date: expected a date as YYYY, YYYY-MM, "
        "YYYY-MM-DD or 'YYYY-MM-DD HH:MM', got '01.03.2020'",
        "Account: 10 content files: 8 published, 0 draft, 0 scheduled, 0 hidden, 2 rejected",
        "Check failed: fix the errors above (nothing was written).",
    ]
    assert all(_PROBLEM_LINE.match(line) for line in (lines[1], lines[3], lines[4]))


def test_invoke_check_passes_the_sample_content():
    done = invoke("check")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "error(s):" not in done.stdout
    assert done.stdout.splitlines()[-1] == "Check passed: no errors (nothing was written)."
    files = [
        p
        for p in SAMPLE_CONTENT.rglob("*")
        if p.is_file() and p.relative_to(SAMPLE_CONTENT).parts[0] not in ("images", "extra")
    ]
    assert f"Account: {len(files)} content files: {len(files)} published" in done.stdout


def test_invoke_check_accepts_only_a_usable_time_zone(tmp_path: Path):
    settings = tmp_path / "settings.py"
    settings.write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT)!r})\n"
        "from pelicanconf import *  # noqa: F403\nTIMEZONE = 'Asia/Soul'\n",
        encoding="utf-8",
    )
    done = invoke("check", "--settings", str(settings))
    assert done.returncode == 1
    assert (
        "settings.py:1: TIMEZONE: 'Asia/Soul' is not a known time zone; use an IANA name "
        "like 'Europe/Berlin'; did you mean 'Asia/Seoul'?"
    ) in done.stdout


# --------------------------------------------------------------------------
# invoke new → invoke check


def test_invoke_new_output_passes_invoke_check_unchanged(tmp_path: Path):
    content = tmp_path / "content"
    shutil.copytree(SAMPLE_CONTENT, content)
    commands = [
        ("new", "article", "Seoul opens a data portal", "--city", "seoul", "--city", "barcelona"),
        ("new", "article", "Seoul öffnet ein Datenportal", "--lang", "de",
         "--original", "2010-seoul-mou-partners"),
        ("new", "article", "Ein Artikel, dessen Original noch fehlt", "--lang", "de"),
        ("new", "city", "Wrocław"),
        ("new", "mou", "seoul wroclaw"),
        ("new", "mou", "seoul", "--party", "barcelona", "--signed", "2011-03"),
        ("new", "event", "WEGO general assembly", "--city", "seoul", "--start", "2012-10"),
        ("new", "page", "Contact"),
    ]  # fmt: skip
    created = []
    for command in commands:
        done = invoke(*command, "--content", str(content))
        assert done.returncode == 0, done.stderr
        first = done.stdout.splitlines()[0]
        assert first.startswith("Created ")
        created.append(tmp_path / first.removeprefix("Created "))
    assert all(path.is_file() for path in created)
    before = {path: path.read_bytes() for path in created}

    done = invoke("check", "--content", str(content))
    assert done.returncode == 0, done.stdout
    assert "error(s):" not in done.stdout
    warned = {line.split(":", 1)[0] for line in done.stdout.splitlines() if "[TODO" in line}
    assert warned == {path.relative_to(content).as_posix() for path in created}
    assert {path: path.read_bytes() for path in created} == before, "check changed nothing"


def test_invoke_new_refuses_to_overwrite(tmp_path: Path):
    content = tmp_path / "content"
    shutil.copytree(BASE, content)
    first = invoke("new", "page", "Contact", "--content", str(content))
    assert first.returncode == 0, first.stderr
    page = content / "pages" / "contact.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nEdited.\n", encoding="utf-8")
    edited = page.read_bytes()
    again = invoke("new", "page", "Contact", "--content", str(content))
    assert again.returncode == 1
    assert again.stderr.strip() == (
        f"new: {page.relative_to(tmp_path).as_posix()} exists already; it was not overwritten"
    )
    assert page.read_bytes() == edited
