"""The synthetic corpus: deterministic, at the requested scale, in the content model."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from portal.model import CONTENT_TYPES, ModelSettings, content_type_for, parse_record
from portal.reader import split_header

from tools.build import load_settings
from tools.corpus import MARKER, CorpusSpec, add_article, edit_body, generate

SPEC = CorpusSpec(articles=40, cities=12, mous=15, events=4, seed=5)


def files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def corpus_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("corpus") / "content"
    generate(root, SPEC)
    return root


def test_the_same_seed_gives_the_same_bytes(corpus_dir: Path, tmp_path: Path):
    again = generate(tmp_path / "again", SPEC)
    assert files(again.root) == files(corpus_dir)


def test_another_seed_gives_another_corpus(corpus_dir: Path, tmp_path: Path):
    other = generate(tmp_path / "other", CorpusSpec(articles=40, cities=12, mous=15, events=4,
                                                     seed=6))
    assert files(other.root) != files(corpus_dir)


def test_counts_and_translations(corpus_dir: Path):
    articles = sorted((corpus_dir / "articles").rglob("*.md"))
    german = [p for p in articles if p.name.endswith(".de.md")]
    assert len(articles) - len(german) == 40
    assert 1 <= len(german) <= 15  # about 15%
    assert len(list((corpus_dir / "cities").glob("*.md"))) == 12
    assert len(list((corpus_dir / "mous").glob("*.md"))) == 15
    assert len(list((corpus_dir / "events").glob("*.md"))) == 4
    for translation in german:
        original = translation.with_name(translation.name.replace(".de.md", ".md"))
        ids = [re.search(r"^Id: (.+)$", p.read_text(encoding="utf-8"), re.M)[1]
               for p in (original, translation)]
        assert ids[0] == ids[1]
        assert "\nLang: de\n" in translation.read_text(encoding="utf-8")


def test_every_file_parses_under_the_content_model(corpus_dir: Path):
    model = ModelSettings.from_pelican(load_settings())
    records = {}
    for path in sorted(corpus_dir.rglob("*.md")):
        relative = path.relative_to(corpus_dir).as_posix()
        fields, body, _line, problems = split_header(path.read_text(encoding="utf-8"), relative)
        content_type = content_type_for(relative)
        record, more = parse_record(content_type, fields, relative, model,
                                    default_slug=path.stem.split(".")[0])
        assert record is not None and not problems and not more, (relative, problems + more)
        assert body.strip()
        records[relative] = record
    cities = {r.slug for r in records.values() if isinstance(r, CONTENT_TYPES["city"].record)}
    ids = {r.id for r in records.values() if isinstance(r, CONTENT_TYPES["article"].record)}
    for record in records.values():
        for slug in getattr(record, "cities", ()) + getattr(record, "parties", ()):
            assert slug in cities
        if isinstance(record, CONTENT_TYPES["mou"].record | CONTENT_TYPES["event"].record):
            assert set(record.sources) <= ids


def test_articles_are_realistic_markdown(corpus_dir: Path):
    article = next(p for p in sorted((corpus_dir / "articles").rglob("*.md"))
                   if not p.name.endswith(".de.md"))
    body = article.read_text(encoding="utf-8").split("\n\n", 1)[1]
    assert len(body.split()) >= 650
    assert re.search(r"^## ", body, re.M)
    assert re.search(r"^- ", body, re.M)
    assert re.search(r"^\| Year \| Service \| Users \|$", body, re.M)
    assert "](https://" in body or "]({filename}/" in body


def test_edit_and_add_keep_the_corpus_valid(corpus_dir: Path, tmp_path: Path):
    copy = generate(tmp_path / "copy", SPEC).root
    article = sorted((copy / "articles").rglob("*.md"))[0]
    header = article.read_text(encoding="utf-8").split("\n\n", 1)[0]
    edit_body(article, "One more sentence.")
    text = article.read_text(encoding="utf-8")
    assert text.startswith(header + "\n\n") and text.rstrip().endswith("One more sentence.")
    added = add_article(copy, 99)
    assert added.exists() and "Id: 2025-added-report-99" in added.read_text(encoding="utf-8")
    assert (copy / MARKER).exists()


def test_refuses_to_overwrite_a_folder_it_did_not_make(tmp_path: Path):
    (tmp_path / "precious.md").write_text("mine", encoding="utf-8")
    with pytest.raises(FileExistsError):
        generate(tmp_path, SPEC)
