"""The incremental writer: new inodes only for new bytes; body reads tracked per page."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from jinja2 import Template
from pelican.contents import Article
from portal import incremental

from tools.build import load_settings


@pytest.fixture
def settings(tmp_path: Path) -> dict:
    (tmp_path / "content").mkdir()
    return load_settings(content=tmp_path / "content", output=tmp_path / "out",
                         overrides={"CACHE_PATH": str(tmp_path / "cache")})


def writer_for(settings: dict, output: Path, previous: Path | None = None):
    incremental.begin_build()
    settings = {**settings, "OUTPUT_PATH": str(output),
                "PORTAL_BUILD": {"previous": str(previous) if previous else None}}
    return incremental.IncrementalWriter(str(output), settings=settings)


def write(writer, name: str, template: str, **kwargs) -> None:
    """Write one page now (the writer queues renders until flushed)."""
    writer.write_file(name, Template(template), {"localsiteurl": ""}, **kwargs)
    writer.flush()


def test_same_bytes_keep_the_inode_and_new_bytes_get_a_new_one(settings, tmp_path):
    output = tmp_path / "out"
    writer = writer_for(settings, output)
    write(writer, "a/index.html", "A {{ x }}", x=1)
    first = os.stat(output / "a" / "index.html").st_ino
    writer = writer_for(settings, output)
    write(writer, "a/index.html", "A {{ x }}", x=1)
    assert os.stat(output / "a" / "index.html").st_ino == first
    assert writer.state.stats["unchanged"] == 1 and not writer.state.changed
    writer = writer_for(settings, output)
    write(writer, "a/index.html", "A {{ x }}", x=2)
    assert (output / "a" / "index.html").read_text() == "A 2"
    assert os.stat(output / "a" / "index.html").st_ino != first
    assert writer.state.changed == {"a/index.html"}


def test_into_a_staging_folder_unchanged_pages_are_links_to_the_previous_output(settings,
                                                                                tmp_path):
    previous, staging = tmp_path / "out", tmp_path / "staging"
    write(writer_for(settings, previous), "p/index.html", "same")
    writer = writer_for(settings, staging, previous)
    write(writer, "p/index.html", "same")
    write(writer, "q/index.html", "new")
    assert os.stat(staging / "p" / "index.html").st_ino == os.stat(
        previous / "p" / "index.html").st_ino
    assert (staging / "q" / "index.html").read_text() == "new"


def test_a_second_write_of_one_file_fails_as_in_pelican(settings, tmp_path):
    writer = writer_for(settings, tmp_path / "out")
    write(writer, "x.html", "1")
    with pytest.raises(RuntimeError, match="already written"):
        write(writer, "x.html", "2")


def test_body_reads_are_recorded_for_the_page_being_rendered(settings, tmp_path):
    incremental.install_tracking()
    article = Article("<p>Body</p>", {"title": "T", "date": dt.datetime(2020, 1, 1)},
                      settings=settings, source_path=str(tmp_path / "content" / "a.md"))
    writer = writer_for(settings, tmp_path / "out")
    write(writer, "with/index.html", "{{ article.content }}", article=article)
    write(writer, "without/index.html", "{{ article.title }}", article=article)
    files = writer.state.files
    assert files["with/index.html"].deps == ("a.md",)
    assert files["without/index.html"].deps == ()
    with incremental.untracked():
        assert article._content == "<p>Body</p>"
    assert incremental.tracker.everywhere == set()


def test_clone_tree_links_the_named_files_of_the_last_output(tmp_path: Path):
    source, dest = tmp_path / "output", tmp_path / "staging"
    for name in ("index.html", "news/2009/a/index.html", "feeds/all.atom.xml"):
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        (source / name).write_text(name, encoding="utf-8")
    dest.mkdir()
    names = ["index.html", "news/2009/a/index.html", "news/gone/index.html"]  # one is gone
    incremental.clone_tree(source, dest, names)
    incremental.wait_for_staging()
    assert (dest / "news/2009/a/index.html").stat().st_ino == (
        source / "news/2009/a/index.html"
    ).stat().st_ino
    assert (dest / "index.html").stat().st_ino == (source / "index.html").stat().st_ino
    assert not (dest / "feeds").exists()  # not named: another writer's file
    assert not (dest / "news/gone").exists()  # no folder for a file that is gone
    incremental.wait_for_staging()  # nothing at work: returns at once
