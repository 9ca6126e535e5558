"""Publishing end to end: the gate over the sample content, then each target for real.

One production gate (content check, build with publishconf.py, CSP, link and feed
checks) runs once per session; the deploy tests publish its staged site to a local
folder, to a local bare git repository (gh-pages) and over rsync with a stand-in for
ssh. Failing gates use their own small variations of the sample content.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tools.linkcheck import check_links
from tools.publish import (
    MARKER,
    GateResult,
    NotConfirmed,
    PublishError,
    SiteUrlError,
    deploy_folder,
    deploy_ghpages,
    deploy_rsync,
    publish,
    run_gate,
)

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_CONTENT = ROOT / "content"
PUBLISHCONF = ROOT / "publishconf.py"
SITE_URL = "https://egov.example.org"

DRAFT = """Title: An unfinished story about Seoul
Id: 2010-unfinished-draft
Date: 2010-07-20
Category: Cooperation
Cities: seoul
Source: The Korea Herald | 2010-07-20
Summary: Not ready yet.
Status: draft

Still being written.
"""


def article(slug: str, body: str) -> str:
    return f"""Title: Test story {slug}
Id: 2010-{slug}
Date: 2010-07-20
Category: Cooperation
Cities: seoul
Source: The Korea Herald | 2010-07-20
Summary: A story for the publish tests.
Slug: {slug}

{body}
"""


def content_with(tmp: Path, files: dict[str, str]) -> Path:
    """A copy of the sample content with `files` added (paths relative to content/)."""
    content = tmp / "content"
    shutil.copytree(SAMPLE_CONTENT, content)
    for relative, text in files.items():
        (content / relative).write_text(text, encoding="utf-8")
    return content


def tree(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


@pytest.fixture(scope="session")
def gate(tmp_path_factory: pytest.TempPathFactory) -> GateResult:
    """The sample content plus a draft, through the whole gate, once."""
    work = tmp_path_factory.mktemp("publish-gate")
    content = content_with(work, {"articles/2010/2010-07-20-unfinished.md": DRAFT})
    with pytest.MonkeyPatch.context() as env:
        env.setenv("PORTAL_SITEURL", SITE_URL)
        return run_gate(
            content,
            work / "staging",
            PUBLISHCONF,
            site_url=SITE_URL,
            say=print,
            overrides={"CACHE_PATH": str(work / "cache")},
        )


# --------------------------------------------------------------------------
# The gate and the production build


def test_gate_runs_every_check(gate: GateResult) -> None:
    steps = [line.split(":")[0] for line in gate.passed]
    assert steps == [
        "content check",
        "production build",
        "security headers",
        "Content-Security-Policy check",
        "internal link check",
        "feed check",
    ]
    assert gate.passed[4].endswith(" 0 broken")


def test_production_build_links_absolutely(gate: GateResult) -> None:
    home = (gate.site / "index.html").read_text(encoding="utf-8")
    assert f'href="{SITE_URL}/cities/"' in home
    assert 'href="./' not in home and 'href="../' not in home
    article = (gate.site / "news/2009/07/kathmandu-cooperation/index.html").read_text("utf-8")
    assert f'href="{SITE_URL}/theme/css/portal.css"' in article
    # The same site checked against another address has every absolute link "elsewhere".
    assert check_links(gate.site, SITE_URL).links > check_links(gate.site).links


def test_production_build_leaves_drafts_out(gate: GateResult) -> None:
    assert gate.settings["PORTAL"]["preview"] is False
    for path in gate.site.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".xml", ".json"):
            text = path.read_text(encoding="utf-8")
            assert "unfinished" not in text.lower(), path


def test_feeds_are_checked_and_absolute(gate: GateResult) -> None:
    kinds = {feed.kind for feed in gate.feeds}
    assert {"atom", "rss", "json", "ics", "opml"} <= kinds
    for feed in gate.feeds:
        assert feed.self_url == f"{SITE_URL}/{feed.path}", feed.path
    atom = (gate.site / "feeds/all.atom.xml").read_text(encoding="utf-8")
    assert f'href="{SITE_URL}/feeds/all.atom.xml"' in atom


def test_headers_file_is_in_the_published_tree(gate: GateResult) -> None:
    assert (gate.site / "_headers").read_bytes() == (ROOT / "deploy/_headers").read_bytes()


def test_publishconf_settings(gate: GateResult, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = gate.settings
    assert settings["SITEURL"] == SITE_URL
    assert settings["RELATIVE_URLS"] is False
    assert settings["FEED_DOMAIN"] == SITE_URL
    assert settings["DRAFT_SAVE_AS"] == "" and settings["DRAFT_LANG_SAVE_AS"] == ""
    assert settings["WITH_FUTURE_DATES"] is False
    assert settings["PUBLISH"]["strict"] is True
    # A clean build: no reuse of earlier pages, and a read cache apart from development's.
    assert settings["LOAD_CONTENT_CACHE"] is False
    assert settings["PERFORMANCE"]["incremental"] is False
    from tools.build import load_settings

    monkeypatch.setenv("PORTAL_SITEURL", SITE_URL)
    assert Path(load_settings(PUBLISHCONF)["CACHE_PATH"]) == ROOT / ".cache" / "publish"


def test_publishconf_refuses_to_load_without_a_site_url(monkeypatch: pytest.MonkeyPatch) -> None:
    from tools.build import load_settings

    monkeypatch.delenv("PORTAL_SITEURL", raising=False)
    with pytest.raises(SiteUrlError, match="PORTAL_SITEURL is not set"):
        load_settings(PUBLISHCONF)
    monkeypatch.setenv("PORTAL_SITEURL", "egov.example.org")
    with pytest.raises(SiteUrlError, match="expected an absolute http"):
        load_settings(PUBLISHCONF)


# --------------------------------------------------------------------------
# Target: a local folder


def test_folder_target_receives_the_site(gate: GateResult, tmp_path: Path) -> None:
    dest = tmp_path / "www" / "portal"
    said: list[str] = []
    changes = deploy_folder(gate.site, dest, site_url=SITE_URL, dry_run=False, say=said.append)
    assert tree(dest) == tree(gate.site) | {MARKER}
    assert len(changes.added) == len(tree(gate.site)) and not changes.removed
    for relative in ("index.html", "feeds/all.atom.xml", "_headers", "cities/seoul/index.html"):
        assert (dest / relative).read_bytes() == (gate.site / relative).read_bytes()
    marker = json.loads((dest / MARKER).read_text(encoding="utf-8"))
    assert marker["site_url"] == SITE_URL and marker["files"] == len(tree(gate.site))
    # Readable by a web server's user, whatever the staging folder's mode was.
    assert stat.S_IMODE(dest.stat().st_mode) == 0o755
    assert stat.S_IMODE((dest / "index.html").stat().st_mode) == 0o644
    assert said[0].endswith(f"{len(tree(gate.site))} new, 0 changed, 0 removed file(s)")


def test_folder_target_updates_and_keeps_unchanged_dates(gate: GateResult, tmp_path: Path) -> None:
    dest = tmp_path / "www"
    deploy_folder(gate.site, dest, site_url=SITE_URL, dry_run=False, say=lambda _: None)
    old_stamp = 1_000_000_000
    os.utime(dest / "404.html", (old_stamp, old_stamp))
    (dest / "stale").mkdir()
    (dest / "stale" / "index.html").write_text("gone soon", encoding="utf-8")
    edited = tmp_path / "edited"
    shutil.copytree(gate.site, edited)
    (edited / "index.html").write_text("<!DOCTYPE html><title>new</title>", encoding="utf-8")

    preview = deploy_folder(edited, dest, site_url=SITE_URL, dry_run=True, say=lambda _: None)
    assert (preview.added, preview.changed, preview.removed) == (
        [],
        ["index.html"],
        ["stale/index.html"],
    )
    assert (dest / "stale" / "index.html").exists()  # a dry run changes nothing

    deploy_folder(edited, dest, site_url=SITE_URL, dry_run=False, say=lambda _: None)
    assert (dest / "index.html").read_text(encoding="utf-8").endswith("<title>new</title>")
    assert not (dest / "stale").exists()
    assert (dest / "404.html").stat().st_mtime == old_stamp  # unchanged: date kept
    assert not list(dest.parent.glob(".www.*"))  # no incoming/retired leftovers


def test_folder_target_on_a_mount_point_is_updated_in_place(
    gate: GateResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dest = tmp_path / "volume"
    deploy_folder(gate.site, dest, site_url=SITE_URL, dry_run=False, say=lambda _: None)
    inode = dest.stat().st_ino
    edited = tmp_path / "edited"
    shutil.copytree(gate.site, edited)
    (edited / "index.html").write_text("<!DOCTYPE html><title>new</title>", encoding="utf-8")
    shutil.rmtree(edited / "about")
    (edited / "new" / "deep").mkdir(parents=True)
    (edited / "new" / "deep" / "index.html").write_text("new page", encoding="utf-8")
    monkeypatch.setattr(os.path, "ismount", lambda path: Path(path) == dest)
    said: list[str] = []
    changes = deploy_folder(edited, dest, site_url=SITE_URL, dry_run=False, say=said.append)
    assert "updating in place" in said[-1]
    assert dest.stat().st_ino == inode  # the same folder, not a replacement
    assert tree(dest) == tree(edited) | {MARKER}
    assert changes.added == ["new/deep/index.html"] and changes.changed == ["index.html"]
    assert not (dest / "about").exists()  # emptied folders go too
    assert (dest / "new" / "deep" / "index.html").read_text(encoding="utf-8") == "new page"
    assert stat.S_IMODE((dest / "new" / "deep" / "index.html").stat().st_mode) == 0o644


def test_folder_target_refuses_a_folder_it_did_not_publish(
    gate: GateResult, tmp_path: Path
) -> None:
    dest = tmp_path / "home"
    dest.mkdir()
    (dest / "thesis.txt").write_text("precious", encoding="utf-8")
    with pytest.raises(PublishError, match="was not published by this task"):
        deploy_folder(gate.site, dest, site_url=SITE_URL, dry_run=False, say=lambda _: None)
    assert tree(dest) == {"thesis.txt"}


# --------------------------------------------------------------------------
# Target: GitHub Pages (a local bare repository stands in for GitHub)


def git(*args: str) -> str:
    return subprocess.run(
        ["git", *args], capture_output=True, encoding="utf-8", errors="replace", check=True
    ).stdout


def test_ghpages_target_pushes_the_site_to_the_branch(gate: GateResult, tmp_path: Path) -> None:
    bare = tmp_path / "portal.git"
    git("init", "--quiet", "--bare", str(bare))
    branches_before = git("-C", str(ROOT), "branch", "--list")
    options = {"repository": str(bare), "branch": "gh-pages", "cname": "egov.example.org"}
    said: list[str] = []

    preview = deploy_ghpages(
        gate.site, options, message="dry", dry_run=True, say=said.append, environ=os.environ
    )
    assert len(preview.added) == len(tree(gate.site)) + 2  # + .nojekyll and CNAME
    assert git("--git-dir", str(bare), "branch", "--list") == ""  # nothing pushed

    deploy_ghpages(
        gate.site,
        options,
        message="Publish 1",
        dry_run=False,
        say=said.append,
        environ=os.environ,
    )
    files = set(git("--git-dir", str(bare), "ls-tree", "-r", "--name-only", "gh-pages").split())
    assert files == tree(gate.site) | {".nojekyll", "CNAME"}
    shown = git("--git-dir", str(bare), "show", "gh-pages:index.html")
    assert shown == (gate.site / "index.html").read_text(encoding="utf-8")
    assert git("--git-dir", str(bare), "show", "gh-pages:CNAME").strip() == "egov.example.org"

    # The same site again: no empty commit. A changed site: a new commit on top.
    deploy_ghpages(
        gate.site,
        options,
        message="Publish 2",
        dry_run=False,
        say=said.append,
        environ=os.environ,
    )
    assert "nothing changed" in said[-1]
    edited = tmp_path / "edited"
    shutil.copytree(gate.site, edited)
    (edited / "feeds" / "all.json").unlink()
    changes = deploy_ghpages(
        edited, options, message="Publish 3", dry_run=False, say=said.append, environ=os.environ
    )
    assert changes.removed == ["feeds/all.json"] and not changes.added and not changes.changed
    log = git("--git-dir", str(bare), "log", "--format=%s", "gh-pages").split("\n")
    assert log[:2] == ["Publish 3", "Publish 1"]
    # This checkout's own branches were never touched.
    assert git("-C", str(ROOT), "branch", "--list") == branches_before


def test_ghpages_target_reports_an_unreachable_repository(gate: GateResult, tmp_path: Path) -> None:
    options = {"repository": str(tmp_path / "missing.git"), "branch": "gh-pages", "cname": None}
    with pytest.raises(PublishError, match="reaching .*missing.git"):
        deploy_ghpages(
            gate.site,
            options,
            message="m",
            dry_run=False,
            say=lambda _: None,
            environ=os.environ,
        )


# --------------------------------------------------------------------------
# Target: rsync over SSH (a stand-in for ssh runs rsync's server side locally)

FAKE_SSH = """#!/bin/sh
# Stands in for ssh: drops ssh's options and the host, runs the command locally.
while [ $# -gt 0 ]; do
  case "$1" in
    -l|-p|-o) shift 2 ;;
    -*) shift ;;
    *) break ;;
  esac
done
shift
exec "$@"
"""


@pytest.fixture
def fake_ssh(tmp_path: Path) -> dict[str, str]:
    if shutil.which("rsync") is None:
        pytest.skip("rsync is not installed (make test installs it)")
    script = tmp_path / "fake-ssh"
    script.write_text(FAKE_SSH, encoding="utf-8")
    script.chmod(0o755)
    return {**os.environ, "PORTAL_RSYNC_RSH": str(script)}


def test_rsync_target_delete_needs_confirmation(
    gate: GateResult, tmp_path: Path, fake_ssh: dict[str, str]
) -> None:
    remote = tmp_path / "srv"
    remote.mkdir()
    (remote / "old-page.html").write_text("old", encoding="utf-8")
    options = {"host": "web.example.org", "user": "deploy", "path": str(remote), "port": 22}
    said: list[str] = []
    asked: list[str] = []

    def no(question: str) -> bool:
        asked.append(question)
        return False

    with pytest.raises(NotConfirmed, match="would remove 1 file"):
        deploy_rsync(
            gate.site,
            options,
            delete=True,
            confirm_delete=False,
            dry_run=False,
            say=said.append,
            ask=no,
            environ=fake_ssh,
        )
    assert tree(remote) == {"old-page.html"}  # nothing sent, nothing removed
    assert asked == ["Delete 1 file(s) on web.example.org? [y/N] "]
    assert "    - old-page.html" in said  # the dry-run summary named it first

    changes = deploy_rsync(
        gate.site,
        options,
        delete=True,
        confirm_delete=True,
        dry_run=False,
        say=said.append,
        ask=None,
        environ=fake_ssh,
    )
    assert changes.removed == ["old-page.html"]
    assert tree(remote) == tree(gate.site)
    assert (remote / "index.html").read_bytes() == (gate.site / "index.html").read_bytes()
    assert stat.S_IMODE((remote / "index.html").stat().st_mode) == 0o644

    # Again, unchanged: checksums, not dates, decide, so nothing is sent.
    again = deploy_rsync(
        gate.site,
        options,
        delete=False,
        confirm_delete=False,
        dry_run=False,
        say=said.append,
        ask=None,
        environ=fake_ssh,
    )
    assert (again.added, again.changed, again.removed) == ([], [], [])


def test_rsync_without_delete_keeps_extra_files(
    gate: GateResult, tmp_path: Path, fake_ssh: dict[str, str]
) -> None:
    remote = tmp_path / "srv"
    remote.mkdir()
    (remote / "keep.txt").write_text("kept", encoding="utf-8")
    options = {"host": "web.example.org", "user": None, "path": str(remote), "port": 22}
    preview = deploy_rsync(
        gate.site,
        options,
        delete=False,
        confirm_delete=False,
        dry_run=True,
        say=lambda _: None,
        ask=None,
        environ=fake_ssh,
    )
    assert len(preview.added) == len(tree(gate.site))
    assert tree(remote) == {"keep.txt"}  # dry run
    deploy_rsync(
        gate.site,
        options,
        delete=False,
        confirm_delete=False,
        dry_run=False,
        say=lambda _: None,
        ask=None,
        environ=fake_ssh,
    )
    assert tree(remote) == tree(gate.site) | {"keep.txt"}


# --------------------------------------------------------------------------
# The whole command, and gates that fail


def run_invoke(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "invoke", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        encoding="utf-8",
        errors="replace",
    )


def test_invoke_publish_to_a_folder(tmp_path: Path) -> None:
    dest = tmp_path / "public"
    env = {**os.environ, "PORTAL_SITEURL": SITE_URL}
    done = run_invoke("publish", "--target", "folder", "--dest", str(dest), env=env)
    assert done.returncode == 0, done.stderr
    assert "  ok  internal link check" in done.stdout
    assert "  ok  feed check" in done.stdout
    assert done.stdout.rstrip().endswith(f"Published {SITE_URL}.")
    assert (dest / "index.html").is_file() and (dest / "_headers").is_file()
    assert (dest / MARKER).is_file()
    assert f'href="{SITE_URL}/' in (dest / "index.html").read_text(encoding="utf-8")


def test_invoke_publish_without_site_url_publishes_nothing(tmp_path: Path) -> None:
    dest = tmp_path / "public"
    env = {k: v for k, v in os.environ.items() if k != "PORTAL_SITEURL"}
    done = run_invoke("publish", "--target", "folder", "--dest", str(dest), env=env)
    assert done.returncode == 1
    assert "Publishing stopped: PORTAL_SITEURL is not set" in done.stderr
    assert "Nothing was deployed." in done.stderr
    assert not dest.exists()


def test_broken_internal_link_stops_publishing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    content = content_with(
        tmp_path,
        {
            "articles/2010/2010-07-20-broken-link.md": article(
                "broken-link", "See [the profile](/cities/seoul/#no-such-section)."
            )
        },
    )
    monkeypatch.setenv("PORTAL_SITEURL", SITE_URL)
    dest = tmp_path / "public"
    said: list[str] = []
    with pytest.raises(PublishError) as stopped:
        publish(
            "folder",
            str(dest),
            content=content,
            staging=tmp_path / "staging",
            overrides={"CACHE_PATH": str(tmp_path / "cache")},
            say=said.append,
        )
    message = str(stopped.value)
    assert message.startswith("internal link check: 1 broken link(s):")
    assert "news/2010/07/broken-link/index.html" in message
    assert "no element with id 'no-such-section' in cities/seoul/index.html" in message
    assert not dest.exists()
    assert not any(line.startswith("Deploy") for line in said)


def test_warning_stops_a_strict_publish(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    content = content_with(
        tmp_path,
        {
            "articles/2010/2010-07-20-styled.md": article(
                "styled", '<p style="color: red">Red text.</p>'
            )
        },
    )
    monkeypatch.setenv("PORTAL_SITEURL", SITE_URL)
    dest = tmp_path / "public"
    with pytest.raises(PublishError) as stopped:
        publish(
            "folder",
            str(dest),
            content=content,
            staging=tmp_path / "staging",
            overrides={"CACHE_PATH": str(tmp_path / "cache")},
            say=print,
        )
    message = str(stopped.value)
    assert "strict" in message and "warning(s) stop publishing" in message
    assert "2010-07-20-styled.md" in message and "inline styles were removed" in message
    assert not dest.exists()


def test_content_error_stops_publishing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bad = article("bad-city", "Body.").replace("Cities: seoul", "Cities: atlantis")
    content = content_with(tmp_path, {"articles/2010/2010-07-20-bad-city.md": bad})
    monkeypatch.setenv("PORTAL_SITEURL", SITE_URL)
    dest = tmp_path / "public"
    with pytest.raises(PublishError) as stopped:
        publish(
            "folder",
            str(dest),
            content=content,
            staging=tmp_path / "staging",
            overrides={"CACHE_PATH": str(tmp_path / "cache")},
            say=print,
        )
    message = str(stopped.value)
    assert message.startswith("content check:")
    assert "2010-07-20-bad-city.md" in message and "atlantis" in message
    assert not dest.exists()
