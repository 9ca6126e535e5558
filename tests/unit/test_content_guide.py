"""CONTENT_GUIDE.md stays true: its field tables are the model's, its messages the checks'."""

from __future__ import annotations

import re

import pytest
from portal.model import CONTENT_TYPES

from tests.conftest import ROOT

GUIDE = (ROOT / "CONTENT_GUIDE.md").read_text(encoding="utf-8")
FIXTURES = ROOT / "tests" / "fixtures" / "bad-content"


def section(heading: str) -> str:
    start = GUIDE.index(f"\n## {heading}")
    end = GUIDE.find("\n## ", start + 1)
    return GUIDE[start : end if end > 0 else None]


def table_rows(text: str) -> list[list[str]]:
    rows = []
    for line in text.splitlines():
        if line.startswith("|") and not set(line) <= set("|-: "):
            cells = re.split(r"(?<!\\)\|", line.strip().strip("|"))
            rows.append([cell.strip() for cell in cells])
    return rows[1:]  # without the heading row


@pytest.mark.parametrize("kind", sorted(CONTENT_TYPES))
def test_the_field_table_is_the_models(kind: str):
    content_type = CONTENT_TYPES[kind]
    heading = {"mou": "MOU"}.get(kind, kind.capitalize())
    rows = table_rows(section(f"{heading} (`content/{content_type.folder}/`)"))
    documented = [(row[0], row[1] == "yes") for row in rows]
    assert documented == [(f.name, f.required) for f in content_type.fields]
    assert all(row[2] for row in rows), "every field has an example"


def documented_messages() -> list[re.Pattern[str]]:
    text = GUIDE[GUIDE.index("## Messages") :]
    spans = re.findall(r"^\| ``(.+?)``|^\| `(.+?)`", text, re.M)
    patterns = []
    for double, single in spans:
        message = (double or single).replace("\\|", "|")
        parts = [re.escape(part) for part in message.split("…")]
        patterns.append(re.compile(".*?".join(parts)))
    return patterns


def test_every_message_of_the_fixtures_is_explained():
    patterns = documented_messages()
    assert len(patterns) > 60
    for expected in FIXTURES.glob("*/expected.txt"):
        for line in expected.read_text(encoding="utf-8").splitlines():
            problem = line.split(": ", 1)[1]  # without "error: "
            located = re.sub(r"^[^:]+:\d+: ", "", problem)  # "field: message"
            assert any(p.fullmatch(located) or p.fullmatch(problem) for p in patterns), (
                f"{expected.parent.name}: not in CONTENT_GUIDE.md: {located}"
            )
