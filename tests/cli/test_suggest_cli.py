"""`annotator suggest` as a user runs it, with a real pipeline folder as the model."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import spacy


@pytest.fixture
def rules_model(tmp_path: Path) -> Path:
    """A spaCy pipeline on disk whose entities come from rules (no trained weights)."""
    nlp = spacy.blank("en")
    nlp.add_pipe("entity_ruler").add_patterns(
        [
            {"label": "PERSON", "pattern": "Zaha Hadid"},
            {"label": "GPE", "pattern": "Baghdad"},
            {"label": "GPE", "pattern": "London"},
            {"label": "DATE", "pattern": "1950"},
        ]
    )
    nlp.meta["name"] = "rules"
    nlp.to_disk(tmp_path / "rules-model")
    return tmp_path / "rules-model"


@pytest.fixture
def articles(tmp_path: Path) -> Path:
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "a.txt").write_text("Zaha Hadid was born in Baghdad in 1950.", encoding="utf-8")
    (folder / "b.txt").write_text("Hadid later worked in London.", encoding="utf-8")
    return folder


def test_suggest_then_nothing_then_force(cli, db_path: Path, rules_model: Path, articles: Path):
    assert cli("datasets", "create", "bios", "--labels", "PERSON,GPE", "--db", db_path).code == 0
    assert cli("import", articles, "-d", "bios", "--db", db_path).code == 0

    first = cli("suggest", "-d", "bios", "--model", rules_model, "--db", db_path)
    assert first.code == 0, first.err
    assert "Suggested 3 entities in 2 document(s) of 'bios' (3 from en_rules)" in first.out

    second = cli("suggest", "-d", "bios", "--model", rules_model, "--db", db_path)
    assert "Nothing to suggest in 'bios'" in second.out

    forced = cli("suggest", "-d", "bios", "--model", rules_model, "--force", "--db", db_path)
    assert "in 2 document(s)" in forced.out

    out = db_path.parent / "out.jsonl"
    cli("export", out, "-d", "bios", "--status", "all", "--include-suggestions", "--db", db_path)
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    spans = [
        (r["text"][s["start"] : s["end"]], s["label"], s["source"])
        for r in records
        for s in r["spans"]
    ]
    assert spans == [
        ("Zaha Hadid", "PERSON", "en_rules"),
        ("Baghdad", "GPE", "en_rules"),
        ("London", "GPE", "en_rules"),
    ]  # DATE is not a label of this dataset: dropped, not shown


def test_an_unknown_model_is_one_clear_line(cli, db_path: Path, articles: Path) -> None:
    cli("import", articles, "--db", db_path)
    result = cli("suggest", "--model", "xx_no_such_model", "--db", db_path)
    assert result.code == 1
    assert "no spaCy pipeline 'xx_no_such_model'" in result.err
    assert "Traceback" not in result.err


def test_bad_numbers_are_refused(cli, db_path: Path) -> None:
    result = cli("suggest", "--n-process", "0", "--db", db_path)
    assert result.code == 1
    assert "must be at least 1" in result.err


def test_a_document_that_cannot_be_read_is_named_and_the_others_suggested(
    cli, db_path: Path, rules_model: Path, articles: Path
) -> None:
    import sqlite3

    assert cli("datasets", "create", "bios", "--labels", "PERSON,GPE", "--db", db_path).code == 0
    assert cli("import", articles, "-d", "bios", "--db", db_path).code == 0
    with sqlite3.connect(db_path) as raw:  # meta that a store from an older version may hold
        raw.execute("UPDATE document SET meta = ? WHERE id = 1", ("[" * 5000 + "]" * 5000,))
    raw.close()

    result = cli("suggest", "-d", "bios", "--model", rules_model, "--db", db_path)
    assert result.code == 0, result.err
    assert "Skipped 1 document(s) that could not be suggested" in result.err
    assert "document 1: its meta or other fields are nested too deeply to be read" in result.out
    assert "annotator documents delete ID" in result.out
    assert "Suggested 1 entities in 1 document(s) of 'bios'" in result.out
