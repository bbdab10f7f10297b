"""`annotator documents`: list, show and delete one document, as a user runs them."""

from __future__ import annotations

import io
import json
import sqlite3
from pathlib import Path

import pytest

ARTICLES = [
    {
        "text": "Zaha Hadid was born in Baghdad.",
        "meta": {"title": "Hadid", "source": {"paper": "The Times", "page": 4}},
        "spans": [
            {"start": 0, "end": 10, "label": "PERSON"},
            {"start": 23, "end": 30, "label": "GPE", "answer": "reject"},
        ],
    },
    {"text": "Rain fell on Accra again.", "spans": [{"start": 13, "end": 18, "label": "GPE"}]},
    {"text": "Nothing to see here."},
]


@pytest.fixture
def imported(cli, db_path: Path, tmp_path: Path) -> Path:
    source = tmp_path / "articles.jsonl"
    source.write_text("\n".join(json.dumps(a) for a in ARTICLES) + "\n", encoding="utf-8")
    result = cli("import", source, "-d", "bios", "--add-labels", "--db", db_path)
    assert result.code == 0, result.err
    return db_path


def test_list_shows_each_documents_id_status_and_title(cli, imported: Path) -> None:
    result = cli("documents", "list", "-d", "bios", "--db", imported)
    assert result.code == 0, result.err
    assert "Documents of 'bios' (3)" in result.out
    rows = [line.split() for line in result.out.splitlines() if line[:1].isdigit()]
    assert [row[:2] for row in rows] == [["1", "new"], ["2", "new"], ["3", "new"]]
    assert "Hadid" in rows[0] and "Rain" in rows[1]
    limited = cli("documents", "list", "-d", "bios", "--limit", "1", "--db", imported)
    assert "... and 2 more" in limited.out
    for nonsense in ("0", "-1"):  # showed one row and "... and 3 more"
        refused = cli("documents", "list", "-d", "bios", "--limit", nonsense, "--db", imported)
        assert refused.code == 2
        assert "Invalid value for '--limit'" in refused.err


def test_show_prints_dataset_status_title_meta_length_and_spans(
    cli, imported: Path, tmp_path: Path
) -> None:
    result = cli("documents", "show", "1", "--db", imported)
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    start = lines.index("Document 1") + 2
    fields = dict(line.split(None, 1) for line in lines[start : start + 6])
    assert fields == {
        "dataset": "bios",
        "status": "new",
        "annotator": "unknown",  # who imported it: the file rejects a span, names nobody
        "title": "Hadid",
        "text": "31 characters",
        "source": str(tmp_path / "articles.jsonl"),
    }
    assert '"paper": "The Times"' in result.out  # the meta, readable
    assert "Spans (2)" in result.out
    spans = [line.split() for line in result.out.splitlines() if line[:2] in ("0 ", "23")]
    assert spans == [
        ["0", "10", "PERSON", "suggested", "import", "Zaha", "Hadid"],
        ["23", "30", "GPE", "rejected", "-", "Baghdad"],
    ]


def test_show_of_an_unknown_id_says_so_in_one_line(cli, imported: Path) -> None:
    result = cli("documents", "show", "99", "--db", imported)
    assert result.code == 1
    assert result.err.strip() == (
        "\u2718 there is no document with id 99; 'annotator documents list' shows them"
    )


def test_delete_asks_first_and_a_no_keeps_the_document(
    cli, imported: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("n\n"))
    result = cli("documents", "delete", "1", "--db", imported)
    assert result.code == 1
    assert "Delete document 1 'Hadid' of dataset 'bios' with its 2 span(s)?" in result.out
    assert cli("documents", "show", "1", "--db", imported).code == 0


def test_delete_removes_one_document_and_its_spans_and_nothing_else(
    cli, imported: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("y\n"))
    result = cli("documents", "delete", "1", "--db", imported)
    assert result.code == 0, result.err
    assert "Deleted document 1 'Hadid' of dataset 'bios' with its 2 span(s)" in result.out
    with sqlite3.connect(imported) as raw:
        assert raw.execute("SELECT id FROM document ORDER BY id").fetchall() == [(2,), (3,)]
        assert raw.execute("SELECT document_id FROM span").fetchall() == [(2,)]
    raw.close()
    assert cli("documents", "delete", "1", "--yes", "--db", imported).code == 1


def test_a_document_too_deep_to_read_is_named_and_can_be_deleted(cli, imported: Path) -> None:
    with sqlite3.connect(imported) as raw:  # written by a version that accepted such meta
        raw.execute("UPDATE document SET meta = ? WHERE id = 2", ("[" * 5000 + "]" * 5000,))
    raw.close()
    shown = cli("documents", "show", "2", "--db", imported)
    assert shown.code == 1
    assert "document 2: its meta or other fields are nested too deeply to be read" in shown.err
    assert "'annotator documents delete 2' removes it" in shown.err
    deleted = cli("documents", "delete", "2", "--yes", "--db", imported)
    assert deleted.code == 0, deleted.err
    assert "Deleted document 2" in deleted.out
    assert "Documents of 'bios' (2)" in cli("documents", "list", "-d", "bios", "--db", imported).out
