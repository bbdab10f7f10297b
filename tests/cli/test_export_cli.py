"""`annotator export` as a user types it: formats, filters, messages and refusals."""

from __future__ import annotations

import json
from pathlib import Path

import spacy
from spacy.tokens import DocBin

TASKS = [
    {
        "text": "Angela Merkel met Emmanuel Macron in Berlin.",
        "meta": {"source": "wire"},
        "spans": [
            {"start": 0, "end": 13, "label": "PERSON"},
            {"start": 18, "end": 33, "label": "PERSON", "answer": "accept"},
            {"start": 37, "end": 43, "label": "ORG", "answer": "reject"},
        ],
        "answer": "accept",
    },
    {"text": "Nobody has looked at this one.", "meta": {}},
    {"text": "This one was skipped.", "meta": {}, "answer": "ignore"},
]


def write_jsonl(path: Path, records: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def read_jsonl(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def imported(cli, db_path: Path, tmp_path: Path, *extra: str) -> None:
    source = write_jsonl(tmp_path / "tasks.jsonl", TASKS)
    result = cli("import", source, "--dataset", "news", "--db", db_path, *extra)
    assert result.code == 0, result.out + result.err


def test_default_export_is_prodigy_done_documents(cli, db_path: Path, tmp_path: Path) -> None:
    imported(cli, db_path, tmp_path)
    out = tmp_path / "out.jsonl"
    result = cli("export", out, "--dataset", "news", "--db", db_path)
    assert result.code == 0, result.err
    assert "Exported 1 documents and 2 spans from dataset 'news'" in result.out
    (task,) = read_jsonl(out)
    assert task["text"] == TASKS[0]["text"]
    assert [s["label"] for s in task["spans"]] == ["PERSON", "PERSON"]


def test_status_is_repeatable_and_suggestions_are_opt_in(
    cli, db_path: Path, tmp_path: Path
) -> None:
    imported(cli, db_path, tmp_path)
    out = tmp_path / "out.jsonl"
    args = ("--dataset", "news", "--db", db_path, "--include-suggestions")
    result = cli("export", out, "--status", "done", "--status", "skipped", *args)
    assert result.code == 0, result.err
    tasks = read_jsonl(out)
    assert [t.get("answer") for t in tasks] == ["accept", "ignore"]
    assert [s.get("answer") for s in tasks[0]["spans"]] == [None, "accept", "reject"]
    assert cli("export", out, "--status", "all", *args).code == 0
    assert len(read_jsonl(out)) == 3


def test_doccano_export(cli, db_path: Path, tmp_path: Path) -> None:
    imported(cli, db_path, tmp_path)
    out = tmp_path / "out.jsonl"
    assert cli("export", out, "-d", "news", "-f", "doccano", "--db", db_path).code == 0
    assert read_jsonl(out) == [
        {
            "text": TASKS[0]["text"],
            "label": [[0, 13, "PERSON"], [18, 33, "PERSON"]],
            "source": "wire",
        }
    ]


def overlapping(cli, db_path: Path, tmp_path: Path) -> None:
    task = {
        "text": "Bank of America Tower opened.",
        "spans": [
            {"start": 0, "end": 15, "label": "ORG"},
            {"start": 0, "end": 21, "label": "FAC"},
        ],
        "answer": "accept",
    }
    source = write_jsonl(tmp_path / "overlap.jsonl", [task])
    result = cli("import", source, "-d", "o", "--allow-overlap", "--db", db_path)
    assert result.code == 0, result.err


def test_conll_reports_overlapping_spans_it_left_out(cli, db_path: Path, tmp_path: Path) -> None:
    overlapping(cli, db_path, tmp_path)
    out = tmp_path / "out.conll"
    result = cli("export", out, "-d", "o", "-f", "conll", "--db", db_path)
    assert result.code == 0
    assert "Exported 1 documents and 1 spans" in result.out
    assert "Left out 1 overlapping spans" in result.out + result.err
    assert out.read_text(encoding="utf-8").splitlines()[2:4] == ["Bank\tB-FAC", "of\tI-FAC"]


def test_spacy_keeps_overlapping_spans_in_span_group(cli, db_path: Path, tmp_path: Path) -> None:
    overlapping(cli, db_path, tmp_path)
    out = tmp_path / "out.spacy"
    result = cli("export", out, "-d", "o", "-f", "spacy", "--db", db_path)
    assert result.code == 0
    assert "1 overlapping spans are in doc.spans['sc']" in result.out + result.err
    (doc,) = DocBin().from_disk(out).get_docs(spacy.blank("en").vocab)
    assert [e.label_ for e in doc.ents] == ["FAC"]
    assert sorted(s.label_ for s in doc.spans["sc"]) == ["FAC", "ORG"]


def test_empty_dataset_writes_an_empty_file(cli, db_path: Path, tmp_path: Path) -> None:
    assert cli("datasets", "create", "empty", "--db", db_path).code == 0
    out = tmp_path / "out.jsonl"
    result = cli("export", out, "-d", "empty", "--db", db_path)
    assert result.code == 0
    assert "Exported 0 documents" in result.out
    assert out.read_text() == ""


def refusal(result) -> str:
    assert result.code == 1
    text = (result.out + result.err).strip()
    assert "Traceback" not in text
    assert len(text.splitlines()) == 1, text
    return text


def test_bad_arguments_get_one_clear_line(cli, db_path: Path, tmp_path: Path) -> None:
    imported(cli, db_path, tmp_path)
    base = ("--db", db_path, "-d", "news")
    assert "is a directory" in refusal(cli("export", tmp_path, *base))
    missing = tmp_path / "no" / "out.jsonl"
    assert "does not exist" in refusal(cli("export", missing, *base))
    assert "unknown format 'xml'" in refusal(cli("export", tmp_path / "o", "-f", "xml", *base))
    assert "unknown status 'finished'" in refusal(
        cli("export", tmp_path / "o", "--status", "finished", *base)
    )
    unknown = refusal(cli("export", tmp_path / "o", "--db", db_path, "-d", "nope"))
    assert "no dataset named 'nope'" in unknown and "news" in unknown
    assert not (tmp_path / "o").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".partial")]


def test_a_failed_export_keeps_the_previous_file(cli, db_path: Path, tmp_path: Path) -> None:
    imported(cli, db_path, tmp_path)
    out = tmp_path / "out.jsonl"
    out.write_text("previous\n")
    assert cli("export", out, "-d", "nope", "--db", db_path).code == 1
    assert out.read_text() == "previous\n"


def test_progress_bar_for_slow_exports(cli, db_path: Path, tmp_path: Path, monkeypatch) -> None:
    records = [{"text": f"Article number {n} about Oslo.", "answer": "accept"} for n in range(250)]
    source = write_jsonl(tmp_path / "many.jsonl", records)
    assert cli("import", source, "--db", db_path).code == 0
    out = tmp_path / "out.jsonl"
    monkeypatch.setattr("annotator.cli.progress.SHOW_AFTER_SECONDS", 60)  # a loaded machine
    quick = cli("export", out, "--db", db_path)
    assert "Exporting" not in quick.err  # done before a bar was worth showing
    monkeypatch.setattr("annotator.cli.progress.SHOW_AFTER_SECONDS", 0)
    result = cli("export", out, "--db", db_path)
    assert "Exporting:" in result.err
    assert "/250 [" in result.err  # the bar, on stderr; it clears itself when done
    assert len(read_jsonl(out)) == 250
    none = cli("export", out, "--db", db_path, "--status", "new")
    assert "Exported 0 documents" in none.out
