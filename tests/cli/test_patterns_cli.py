"""`annotator patterns` as a user runs it: import, suggest with them, list, export, remove."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import spacy

PATTERNS = [
    {"label": "ORG", "pattern": "Apple Inc.", "id": "apple"},
    {"label": "GPE", "pattern": [{"LOWER": "san"}, {"LOWER": "francisco"}]},
]
TEXT = "Apple Inc. opened a store in San Francisco."


@pytest.fixture
def patterns_file(tmp_path: Path) -> Path:
    path = tmp_path / "patterns.jsonl"
    path.write_text("".join(json.dumps(p) + "\n" for p in PATTERNS), encoding="utf-8")
    return path


@pytest.fixture
def rules_model(tmp_path: Path) -> Path:
    """A pipeline that finds nothing, so that the suggestions are the patterns' alone."""
    nlp = spacy.blank("en")
    nlp.add_pipe("entity_ruler").add_patterns([{"label": "PERSON", "pattern": "Nobody"}])
    nlp.meta["name"] = "rules"
    nlp.to_disk(tmp_path / "rules")
    return tmp_path / "rules"


def test_import_suggest_list_export_remove(
    cli, db_path: Path, tmp_path: Path, patterns_file: Path, rules_model: Path
) -> None:
    assert cli("datasets", "create", "news", "--labels", "ORG,GPE", "--db", db_path).code == 0
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    assert cli("import", tmp_path / "a.txt", "-d", "news", "--db", db_path).code == 0

    done = cli("patterns", "import", patterns_file, "-d", "news", "--db", db_path)
    assert done.code == 0 and "Imported 2 pattern(s) into dataset 'news'" in done.out
    again = cli("patterns", "import", patterns_file, "-d", "news", "--db", db_path)
    assert again.code == 0 and "No new patterns" in again.out

    suggested = cli("suggest", "-d", "news", "--model", rules_model, "--db", db_path)
    assert suggested.code == 0 and "(2 from patterns)" in suggested.out
    shown = cli("documents", "show", "1", "--db", db_path)
    assert "Apple Inc." in shown.out and shown.out.count("patterns") == 2

    listed = cli("patterns", "list", "-d", "news", "--db", db_path)
    assert "patterns.jsonl" in listed.out and "ORG, GPE" in listed.out

    out = tmp_path / "out.jsonl"
    exported = cli("patterns", "export", out, "-d", "news", "--db", db_path)
    assert exported.code == 0 and "Wrote 2 pattern(s)" in exported.out
    assert [json.loads(line) for line in out.read_text("utf-8").splitlines()] == PATTERNS
    piped = cli("patterns", "export", "-", "-d", "news", "--db", db_path)
    assert [json.loads(line) for line in piped.out.splitlines()] == PATTERNS  # data only
    assert "Wrote 2 pattern(s) of 'news' to the standard output" in piped.err

    removed = cli("patterns", "remove", "patterns.jsonl", "-d", "news", "--db", db_path)
    assert removed.code == 0 and "Removed 2 pattern(s)" in removed.out
    assert "No patterns" in cli("patterns", "list", "-d", "news", "--db", db_path).out


def test_a_bad_file_gets_one_line_per_problem_and_nothing_is_imported(
    cli, db_path: Path, tmp_path: Path
) -> None:
    assert cli("datasets", "create", "news", "--labels", "ORG", "--db", db_path).code == 0
    bad = tmp_path / "bad.jsonl"
    bad.write_text(
        '{"label": "ORG", "pattern": "Apple"}\n{"label": "ORG", "pattern": [{"LOWR": "x"}]}\n',
        encoding="utf-8",
    )
    result = cli("patterns", "import", bad, "-d", "news", "--db", db_path)
    assert result.code == 1
    assert f"{bad}:2: token 1, LOWR: not a token attribute spaCy's Matcher knows" in result.err
    assert "Nothing imported: 1 problem(s)" in result.err
    assert "Traceback" not in result.err + result.out
    assert "No patterns" in cli("patterns", "list", "-d", "news", "--db", db_path).out


def test_remove_needs_a_file_or_all(cli, db_path: Path) -> None:
    assert cli("datasets", "create", "news", "--db", db_path).code == 0
    assert cli("patterns", "remove", "-d", "news", "--db", db_path).code == 1
    missing = cli("patterns", "remove", "x.jsonl", "-d", "news", "--db", db_path)
    assert missing.code == 1 and "no patterns of 'news' came from 'x.jsonl'" in missing.err
