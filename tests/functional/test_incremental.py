"""Incremental builds: a rebuild after a change equals a clean build of the same content.

Each scenario is one session fixture on a small generated corpus (tools/corpus.py):
build, change something, rebuild into the same output (incrementally: read cache,
skipped pages, hard links into the previous output), then build the changed content
from scratch into another folder with its own empty cache. The two trees must be
byte-identical, file for file — nothing is excluded.

One caveat, not ours: Pagefind 1.5 writes its filter values in hash-map order, so
two clean builds of the same site already differ in each shard's `filter/*` and
the `*.pf_meta`/`pagefind-entry.json` that name them. Those few files are compared by
what they say (decoded, order-normalized); every other Pagefind file — fragments,
index chunks, scripts — byte for byte like the rest of the site.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import os
import re
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import search
from portal import incremental

from tests.conftest import ROOT
from tools import corpus
from tools.build import BuildError, build_site

pytestmark = pytest.mark.slow

SPEC = corpus.CorpusSpec(articles=26, cities=10, mous=10, events=3, seed=11)
# About 60 content pages: a search index in several shards (plugins/search/pagefind.py).
SHARDED = {"SEARCH": {"shard_pages": 16}}


@dataclass
class Scenario:
    root: Path
    content: Path
    output: Path  # built, changed, rebuilt
    clean: Path  # the changed content built from scratch
    stats: dict[str, int] = field(default_factory=dict)
    rendered: list[str] = field(default_factory=list)
    full: bool = True
    notes: dict[str, Any] = field(default_factory=dict)


def tree(root: Path) -> dict[str, bytes]:
    files = {}
    for folder, _dirs, names in os.walk(root):
        for name in names:
            path = Path(folder) / name
            files[path.relative_to(root).as_posix()] = path.read_bytes()
    return files


def _cbor(data: bytes, i: int = 0) -> tuple[Any, int]:
    """The part of CBOR that Pagefind writes (ints, strings, arrays, maps)."""
    head, i = data[i], i + 1
    major, info = head >> 5, head & 31
    if info < 24:
        value = info
    else:
        size = {24: 1, 25: 2, 26: 4, 27: 8}[info]
        value, i = int.from_bytes(data[i:i + size], "big"), i + size
    if major == 0:
        return value, i
    if major == 1:
        return -1 - value, i
    if major in (2, 3):
        chunk = data[i:i + value]
        return (chunk.decode() if major == 3 else bytes(chunk)), i + value
    if major in (4, 5):
        items = []
        for _ in range(value * (2 if major == 5 else 1)):
            item, i = _cbor(data, i)
            items.append(item)
        return (items if major == 4 else dict(zip(items[::2], items[1::2], strict=True))), i
    if major == 7 and info in (20, 21, 22):
        return {20: False, 21: True, 22: None}[info], i
    raise ValueError(f"CBOR major type {major} not expected from Pagefind")


def _pagefind_file(data: bytes) -> Any:
    raw = gzip.decompress(data)
    assert raw.startswith(b"pagefind_dcd")
    return _cbor(raw, len(b"pagefind_dcd"))[0]


def pagefind_meaning(files: dict[str, bytes], bundle: str) -> dict[str, Any]:
    """Pagefind's filter and meta files of one bundle by content, in a stable order."""
    filters = {
        name.rsplit("/", 1)[1].removesuffix(".pf_filter"): _pagefind_file(data)
        for name, data in files.items() if name.startswith(f"{bundle}filter/")
    }
    entry = json.loads(files[f"{bundle}pagefind-entry.json"])
    meaning: dict[str, Any] = {}
    for lang, info in sorted(entry["languages"].items()):
        meta = _pagefind_file(files[f"{bundle}pagefind.{info['hash']}.pf_meta"])
        version, pages, chunks, filter_refs, *rest = meta
        named = sorted(
            (name, sorted(map(repr, filters[ref][1]))) for name, ref in filter_refs
        )
        assert all(filters[ref][0] == name for name, ref in filter_refs)
        meaning[lang] = [version, pages, chunks, named, rest,
                         {k: v for k, v in info.items() if k != "hash"}]
    meaning["entry"] = {k: v for k, v in entry.items() if k != "languages"}
    return meaning


def pagefind_bundles(files: dict[str, bytes]) -> list[str]:
    """The folders (ending in /) of the search index's shards."""
    return sorted(name.removesuffix("pagefind-entry.json") for name in files
                  if name.startswith("pagefind/") and name.endswith("/pagefind-entry.json"))


def _hash_named(name: str) -> bool:
    """A Pagefind file that names filter values in hash-map order (see the top)."""
    base = name.rsplit("/", 1)[-1]
    return name.startswith("pagefind/") and (
        "/filter/" in name or base == "pagefind-entry.json"
        or (base.startswith("pagefind.") and base.endswith(".pf_meta"))
    )


def inodes(root: Path) -> dict[str, int]:
    return {
        (Path(folder) / name).relative_to(root).as_posix(): os.lstat(Path(folder) / name).st_ino
        for folder, _dirs, names in os.walk(root)
        for name in names
    }


def assert_same_tree(rebuilt: Path, clean: Path) -> None:
    a, b = tree(rebuilt), tree(clean)
    bundles = pagefind_bundles(a)
    assert bundles and bundles == pagefind_bundles(b)
    for bundle in bundles:
        assert pagefind_meaning(a, bundle) == pagefind_meaning(b, bundle), bundle
    a = {k: v for k, v in a.items() if not _hash_named(k)}
    b = {k: v for k, v in b.items() if not _hash_named(k)}
    assert sorted(a) == sorted(b), (
        f"only in the rebuild: {sorted(set(a) - set(b))[:10]}; "
        f"only in the clean build: {sorted(set(b) - set(a))[:10]}"
    )
    differing = sorted(name for name in a if a[name] != b[name])
    if differing:
        name = differing[0]
        first, second = a[name].decode("utf-8", "replace"), b[name].decode("utf-8", "replace")
        at = next((i for i, (x, y) in enumerate(zip(first, second, strict=False)) if x != y),
                  min(len(first), len(second)))
        pytest.fail(
            f"{len(differing)} files differ, e.g. {differing[:5]}; {name} at {at}:\n"
            f"rebuild: {first[max(0, at - 80):at + 80]!r}\n"
            f"clean:   {second[max(0, at - 80):at + 80]!r}"
        )


@pytest.fixture(scope="session")
def base_content(tmp_path_factory: pytest.TempPathFactory) -> Path:
    content = tmp_path_factory.mktemp("incremental-corpus") / "content"
    corpus.generate(content, SPEC)
    return content


def _uncited_articles(content: Path) -> list[Path]:
    """Originals without translations that nothing cites or links to."""
    others = "\n".join(
        p.read_text(encoding="utf-8") for p in content.rglob("*.md") if "articles" not in p.parts
    )
    links = "\n".join(p.read_text(encoding="utf-8") for p in (content / "articles").rglob("*.md"))
    found = []
    for path in sorted((content / "articles").rglob("*.md")):
        if path.name.endswith(".de.md") or path.with_name(path.stem + ".de.md").exists():
            continue
        article_id = re.search(r"^Id: (.+)$", path.read_text(encoding="utf-8"), re.M)[1]
        relative = path.relative_to(content).as_posix()
        if article_id not in others and relative not in links:
            found.append(path)
    return found


def touch(path: Path) -> None:
    """A new mtime (and ctime), the same bytes."""
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))


def run_scenario(
    tmp_path_factory: pytest.TempPathFactory,
    base: Path,
    name: str,
    change: Callable[[Scenario], dict[str, Any] | None],
    *,
    own_theme: bool = False,
    recycled: bool = False,
) -> Scenario:
    """Build, change, rebuild, and build the changed content cleanly.

    `recycled`: build twice before the change, so that the rebuild recycles the
    spare tree (the output before the last) as its staging folder.
    """
    root = tmp_path_factory.mktemp(f"incremental-{name}")
    content = root / "content"
    shutil.copytree(base, content)
    scenario = Scenario(root, content, root / "output", root / "clean")
    overrides: dict[str, Any] = {"CACHE_PATH": str(root / "cache"), **SHARDED}
    if own_theme:
        shutil.copytree(ROOT / "theme", root / "theme")
        overrides["THEME"] = str(root / "theme")
    build_site(content, scenario.output, overrides=overrides)
    if recycled:
        touch(next(content.rglob("*.md")))  # else nothing changed and Pelican would not run
        assert not build_site(content, scenario.output, overrides=overrides).kept
        assert any((root / "cache" / "portal").glob("spare-*"))
    overrides.update(change(scenario) or {})
    build_site(content, scenario.output, overrides=overrides)
    state = incremental.current()
    assert state is not None
    scenario.stats, scenario.rendered, scenario.full = dict(state.stats), state.rendered, state.full
    scenario.notes["search_index"] = search.last_index()
    clean_overrides = {**overrides, "CACHE_PATH": str(root / "clean-cache")}
    build_site(content, scenario.clean, overrides=clean_overrides)
    return scenario


@pytest.fixture(scope="session")
def edited(tmp_path_factory: pytest.TempPathFactory, base_content: Path) -> Scenario:
    """One article's body edited (after a rebuild with nothing changed, and one after a
    file was touched)."""

    def change(s: Scenario) -> None:
        before = inodes(s.output)
        overrides = {"CACHE_PATH": str(s.root / "cache"), **SHARDED}
        s.notes["kept"] = build_site(s.content, s.output, overrides=overrides).kept
        s.notes["inodes_kept"] = inodes(s.output)
        touch(sorted((s.content / "cities").glob("*.md"))[0])  # the same bytes
        s.notes["touched_kept"] = build_site(s.content, s.output, overrides=overrides).kept
        state = incremental.current()
        s.notes["unchanged_stats"] = dict(state.stats)
        s.notes["unchanged_search"] = search.last_index()
        s.notes["inodes_before"], s.notes["inodes_after"] = before, inodes(s.output)
        article = sorted((s.content / "articles").rglob("*.md"))[3]
        s.notes["article"] = article
        corpus.edit_body(article, "A paragraph that only this page shows.")

    return run_scenario(tmp_path_factory, base_content, "edit", change)


@pytest.fixture(scope="session")
def added(tmp_path_factory: pytest.TempPathFactory, base_content: Path) -> Scenario:
    return run_scenario(tmp_path_factory, base_content, "add",
                        lambda s: corpus.add_article(s.content, 900) and None, recycled=True)


@pytest.fixture(scope="session")
def deleted(tmp_path_factory: pytest.TempPathFactory, base_content: Path) -> Scenario:
    def change(s: Scenario) -> None:
        _uncited_articles(s.content)[0].unlink()

    return run_scenario(tmp_path_factory, base_content, "delete", change, recycled=True)


@pytest.fixture(scope="session")
def renamed(tmp_path_factory: pytest.TempPathFactory, base_content: Path) -> Scenario:
    def change(s: Scenario) -> None:
        article = _uncited_articles(s.content)[-1]
        article.rename(article.with_name(article.stem + "-moved.md"))

    return run_scenario(tmp_path_factory, base_content, "rename", change, recycled=True)


@pytest.fixture(scope="session")
def city_changed(tmp_path_factory: pytest.TempPathFactory, base_content: Path) -> Scenario:
    def change(s: Scenario) -> None:
        city = sorted((s.content / "cities").glob("*.md"))[0]
        text = city.read_text(encoding="utf-8")
        text = re.sub(r"^Name: .*$", f"Name: Neustadt am See\nSlug: {city.stem}", text,
                      count=1, flags=re.M)  # renamed, same URL
        text = re.sub(r"^Population: .*$", "Population: 123456", text, count=1, flags=re.M)
        city.write_text(text + "\nThe profile was updated.\n", encoding="utf-8")

    return run_scenario(tmp_path_factory, base_content, "city", change)


@pytest.fixture(scope="session")
def city_body_edited(tmp_path_factory: pytest.TempPathFactory, base_content: Path) -> Scenario:
    """Only a city's profile text: the feeds and article pages are reused whole."""

    def change(s: Scenario) -> None:
        city = sorted((s.content / "cities").glob("*.md"))[1]
        corpus.edit_body(city, "The city opened a digital service centre.")
        s.notes["city"] = city.stem

    return run_scenario(tmp_path_factory, base_content, "city-body", change, recycled=True)


@pytest.fixture(scope="session")
def template_changed(tmp_path_factory: pytest.TempPathFactory, base_content: Path) -> Scenario:
    def change(s: Scenario) -> None:
        footer = s.root / "theme" / "templates" / "partials" / "footer.html"
        footer.write_text(
            footer.read_text(encoding="utf-8").replace(
                "</footer>", "<p class=\"portal-footer__note\">Template changed.</p></footer>", 1
            ),
            encoding="utf-8",
        )

    return run_scenario(tmp_path_factory, base_content, "template", change, own_theme=True)


@pytest.fixture(scope="session")
def setting_changed(tmp_path_factory: pytest.TempPathFactory, base_content: Path) -> Scenario:
    return run_scenario(tmp_path_factory, base_content, "setting",
                        lambda s: {"SITESUBTITLE": "A subtitle set for this test"})


SCENARIOS = ["edited", "added", "deleted", "renamed", "city_changed", "city_body_edited",
             "template_changed", "setting_changed"]


@pytest.mark.parametrize("name", SCENARIOS)
def test_rebuild_is_byte_identical_to_a_clean_build(name: str, request: pytest.FixtureRequest):
    scenario: Scenario = request.getfixturevalue(name)
    assert_same_tree(scenario.output, scenario.clean)


def test_the_changes_reached_the_output(added, deleted, city_changed, template_changed,
                                        setting_changed):
    assert "added-report-900" in "\n".join(tree(added.output))
    assert len(tree(deleted.output)) < len(tree(added.output))
    city_pages = tree(city_changed.output)
    assert any(b"Neustadt am See" in data for name, data in city_pages.items()
               if name.startswith("cities/"))
    assert b"Template changed." in (template_changed.output / "index.html").read_bytes()
    assert b"A subtitle set for this test" in (setting_changed.output / "index.html").read_bytes()


def test_a_rebuild_with_nothing_changed_keeps_the_output_without_running_pelican(edited):
    assert edited.notes["kept"] is True
    assert edited.notes["inodes_kept"] == edited.notes["inodes_before"]
    assert edited.notes["touched_kept"] is False  # a touched file: a real build


def test_a_rebuild_with_nothing_changed_renders_nothing_and_keeps_every_inode(edited):
    stats = edited.notes["unchanged_stats"]
    assert stats["rendered"] == 0
    assert stats["skipped"] > 50
    before, after = edited.notes["inodes_before"], edited.notes["inodes_after"]
    assert sorted(before) == sorted(after)
    changed = sorted(name for name in before if before[name] != after[name])
    assert changed == [], f"files rewritten although nothing changed: {changed[:10]}"


def test_the_search_index_reindexes_only_the_shard_of_a_changed_page(edited, city_changed):
    unchanged = edited.notes["unchanged_search"]
    assert len(unchanged.shards) >= 3
    assert len(unchanged.reused) == len(unchanged.shards)  # nothing changed: all taken over
    index = edited.notes["search_index"]
    slug = re.search(r"^Slug: (.+)$", edited.notes["article"].read_text(encoding="utf-8"), re.M)[1]
    (shard,) = [s for s in index.shards if any(f"/{slug}/" in page for page in s.pages)]
    assert sorted(index.reused) == [s.number for s in index.shards if s is not shard]
    # A renamed city changes its page and the pages of articles and MOUs that name it.
    assert len(city_changed.notes["search_index"].reused) < len(index.shards) - 1


def test_a_city_text_edit_renders_the_city_page_and_reuses_the_feeds(city_body_edited):
    scenario = city_body_edited
    assert not scenario.full
    assert scenario.rendered and all(
        name.startswith(f"cities/{scenario.notes['city']}/") for name in scenario.rendered
    ), scenario.rendered
    assert scenario.stats["skipped"] > 100


def test_editing_a_body_renders_only_the_pages_that_show_it(edited):
    assert not edited.full
    article = edited.notes["article"].read_text(encoding="utf-8")
    slug = re.search(r"^Slug: (.+)$", article, re.M)[1]
    assert edited.rendered, "the edited article's page was not rendered again"
    assert all(slug in name for name in edited.rendered), edited.rendered
    page = next(edited.output.rglob(f"{slug}/index.html")).read_text(encoding="utf-8")
    assert "A paragraph that only this page shows." in page


@pytest.mark.parametrize("name", ["added", "deleted", "renamed", "city_changed",
                                  "template_changed", "setting_changed"])
def test_a_change_to_what_every_page_may_show_renders_everything(
    name: str, request: pytest.FixtureRequest
):
    scenario: Scenario = request.getfixturevalue(name)
    assert scenario.full
    assert scenario.stats["skipped"] == 0
    assert scenario.stats["unchanged"] > 0  # yet unchanged pages kept their inode


@pytest.fixture(scope="session")
def failed(tmp_path_factory: pytest.TempPathFactory, base_content: Path) -> dict[str, Any]:
    """A rebuild that fails while writing, after many pages were linked or written."""
    root = tmp_path_factory.mktemp("incremental-failed")
    content, output = root / "content", root / "output"
    shutil.copytree(base_content, content)
    shutil.copytree(ROOT / "theme", root / "theme")
    overrides = {"CACHE_PATH": str(root / "cache"), "THEME": str(root / "theme")}
    build_site(content, output, overrides=overrides)
    before, before_inodes = tree(output), inodes(output)
    articles = sorted((content / "articles").rglob("*.md"))
    corpus.edit_body(articles[1])
    last_id = re.search(r"^Id: (.+)$", articles[-1].read_text(encoding="utf-8"), re.M)[1]
    template = root / "theme" / "templates" / "article.html"
    broken = f'{{% if article.record.id == "{last_id}" %}}{{{{ no_such_thing.here }}}}{{% endif %}}'
    text = template.read_text(encoding="utf-8")
    assert "{% endblock content %}" in text
    template.write_text(text.replace("{% endblock content %}", broken + "{% endblock content %}"),
                        encoding="utf-8")
    with pytest.raises(BuildError) as raised:
        build_site(content, output, overrides=overrides)
    return {"before": before, "before_inodes": before_inodes, "output": output,
            "error": str(raised.value)}


def test_a_failed_incremental_build_leaves_the_output_untouched(failed):
    assert "no_such_thing" in failed["error"]
    assert tree(failed["output"]) == failed["before"]
    assert inodes(failed["output"]) == failed["before_inodes"]
    leftovers = [p.name for p in failed["output"].parent.iterdir() if p.name.startswith(".output")]
    assert leftovers == []


@pytest.fixture(scope="session")
def parallel_and_serial(tmp_path_factory: pytest.TempPathFactory,
                        base_content: Path) -> dict[str, Any]:
    """The corpus rendered by two worker processes, and in-process: same bytes."""
    root = tmp_path_factory.mktemp("incremental-parallel")
    outputs = {}
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(incremental, "PARALLEL_MIN", 1)  # the small corpus, on every CPU
        for name, workers in (("parallel", 2), ("serial", 1)):
            overrides = {"CACHE_PATH": str(root / f"cache-{name}"),
                         "PERFORMANCE": {"workers": workers}}
            build_site(base_content, root / name, overrides=overrides)
            outputs[name] = root / name
            outputs[f"{name}-stats"] = dict(incremental.current().stats)
        shutil.copytree(ROOT / "theme", root / "theme")
        template = root / "theme" / "templates" / "city.html"
        text = template.read_text(encoding="utf-8")
        template.write_text(
            text.replace("{% endblock content %}", "{{ no_such_city.here }}{% endblock content %}"),
            encoding="utf-8",
        )
        with pytest.raises(BuildError) as raised:
            build_site(base_content, root / "broken", overrides={
                "CACHE_PATH": str(root / "cache-parallel"), "THEME": str(root / "theme"),
                "PERFORMANCE": {"workers": 2}})
    outputs["error"] = str(raised.value)
    outputs["broken"] = root / "broken"
    return outputs


def test_pages_rendered_by_worker_processes_are_the_same_bytes(parallel_and_serial):
    assert parallel_and_serial["parallel-stats"]["rendered"] > 100
    assert parallel_and_serial["parallel-stats"] == parallel_and_serial["serial-stats"]
    assert_same_tree(parallel_and_serial["parallel"], parallel_and_serial["serial"])


def test_a_template_error_in_a_worker_fails_the_build_and_names_it(parallel_and_serial):
    assert "no_such_city" in parallel_and_serial["error"]
    assert not parallel_and_serial["broken"].exists()


def test_the_cache_forgets_output_folders_that_are_gone(tmp_path_factory, base_content):
    root = tmp_path_factory.mktemp("incremental-forget")
    overrides = {"CACHE_PATH": str(root / "cache"), "PERFORMANCE": {"workers": 1}}
    content = root / "content"
    shutil.copytree(base_content, content)
    for _ in range(2):  # the second build keeps the first output as its spare tree
        touch(next(content.rglob("*.md")))  # else the second build would keep the output
        build_site(content, root / "first", overrides=overrides)
    portal_cache = root / "cache" / "portal"
    assert len(list(portal_cache.glob("spare-*.owner"))) == 1
    assert [p for p in portal_cache.glob("spare-*") if p.is_dir()]
    shutil.rmtree(root / "first")
    build_site(content, root / "second", overrides=overrides)
    owners = [p.read_text(encoding="utf-8") for p in portal_cache.glob("spare-*.owner")]
    assert owners == [str(root / "second")]
    assert not [p for p in portal_cache.glob("spare-*") if p.is_dir()]
    assert len(list(portal_cache.glob("output-*.pickle"))) == 1


def test_folders_of_killed_builds_are_removed_later(tmp_path_factory, base_content):
    root = tmp_path_factory.mktemp("incremental-killed")
    abandoned = root / ".site-building-deadbeef"
    (abandoned / "news").mkdir(parents=True)
    young = root / ".site-building-running"
    young.mkdir()
    old = 1_000_000_000
    os.utime(abandoned, (old, old))
    build_site(base_content, root / "site", overrides={"CACHE_PATH": str(root / "cache")})
    assert not abandoned.exists()
    assert young.exists()  # perhaps a build running right now


@pytest.fixture(scope="session")
def kept_or_built(tmp_path_factory: pytest.TempPathFactory, base_content: Path) -> dict[str, Any]:
    """Rebuilds after each kind of change: which ones found nothing changed.

    A step's value is `BuildResult.kept`; every change must give a real build, and
    the build right after it (nothing changed) must keep the output as it is.
    """
    root = tmp_path_factory.mktemp("incremental-kept")
    content, output = root / "content", root / "output"
    shutil.copytree(base_content, content)
    shutil.copytree(ROOT / "theme", root / "theme")
    overrides: dict[str, Any] = {"CACHE_PATH": str(root / "cache"), "THEME": str(root / "theme")}
    steps: dict[str, bool] = {}

    def step(name: str, change: Callable[[], None] = lambda: None) -> None:
        change()
        steps[name] = build_site(content, output, overrides=overrides).kept
        steps[f"{name}, then again"] = build_site(content, output, overrides=overrides).kept

    step("first")
    city = sorted((content / "cities").glob("*.md"))[0]
    step("a content file touched", lambda: touch(city))
    step("a setting edited", lambda: overrides.update(SITESUBTITLE="Kept or built"))
    footer = root / "theme" / "templates" / "partials" / "footer.html"
    step("a template edited", lambda: footer.write_text(
        footer.read_text(encoding="utf-8") + "\n", encoding="utf-8"))
    page = next(output.rglob("news/**/index.html")).relative_to(output)
    step("a page deleted from the output", lambda: (output / page).unlink())
    step("a file added to the output", lambda: (output / "stray.txt").write_text("x"))
    feed = output / "feeds" / "all.atom.xml"
    step("an output file edited in place", lambda: feed.write_bytes(feed.read_bytes() + b" "))
    step("a content file added", lambda: corpus.add_article(content, 901))

    def come_due() -> None:  # as when a scheduled article's date is reached
        file = incremental.manifest_file({"CACHE_PATH": overrides["CACHE_PATH"]}, output)
        manifest = incremental.load_manifest(file, output)
        manifest.due = time.time() - 1
        incremental.save_manifest(manifest, file)

    step("a scheduled date reached", come_due)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(incremental, "day_stamp", lambda settings: "another day")
        step("another day")
    clean = root / "clean"
    build_site(content, clean, overrides={**overrides, "CACHE_PATH": str(root / "clean-cache")})
    return {"steps": steps, "output": output, "clean": clean, "page": page}


def test_only_a_build_with_nothing_changed_keeps_the_output(kept_or_built):
    steps = kept_or_built["steps"]
    built = [name for name, kept in steps.items() if not kept]
    assert built == [name for name in steps if not name.endswith(", then again")]


def test_a_kept_output_is_what_a_clean_build_makes(kept_or_built):
    output = kept_or_built["output"]
    assert (output / kept_or_built["page"]).is_file()  # deleted, then built again
    assert not (output / "stray.txt").exists()
    assert_same_tree(output, kept_or_built["clean"])


def test_the_first_content_date_after_a_build_is_when_it_comes_due():
    class Item:
        def __init__(self, when: dt.datetime | None) -> None:
            self.date = when

    start = dt.datetime(2026, 1, 1, 12, tzinfo=dt.UTC)
    items = [Item(start - dt.timedelta(days=1)), Item(start + dt.timedelta(hours=2)),
             Item(start + dt.timedelta(minutes=5)), Item(None)]
    assert incremental.next_due(items, start.timestamp()) == (
        start + dt.timedelta(minutes=5)).timestamp()
    assert incremental.next_due(items[:1], start.timestamp()) is None
