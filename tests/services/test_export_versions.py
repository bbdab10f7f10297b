"""Exporting one version of each document, or every version, from a store of several people."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.core.errors import AnnotatorError
from annotator.core.hashing import input_hash
from annotator.core.model import Document, Span, SpanState, Status
from annotator.services.exporting import ExportOptions, export_dataset
from annotator.store import Store

TEXT = "Ada Lovelace met Charles Babbage in London."
ADA = Span(0, 12, "PERSON", SpanState.MANUAL)
BABBAGE = Span(17, 32, "PERSON", SpanState.MANUAL)
LONDON = Span(36, 42, "GPE", SpanState.MANUAL)
OTHER = "Grace Hopper worked in Arlington."


def version(
    text: str, annotator: str, status: Status, *spans: Span, reviewed: bool = False
) -> Document:
    return Document(
        id=0,
        dataset_id=0,
        text=text,
        spans=spans,
        status=status,
        input_hash=input_hash(text),
        annotator=annotator,
        reviewed=reviewed,
    )


@pytest.fixture
def team(db_path: Path) -> Path:
    """Two articles: the first done by ada and bo and settled by rita, the second only
    done by bo (ada skipped it)."""
    with Store.open(db_path) as store:
        dataset = store.create_dataset("news")
        store.add_documents(
            dataset.id,
            [
                (version(TEXT, "ada", Status.DONE, ADA, BABBAGE), None),
                (version(OTHER, "ada", Status.SKIPPED), None),
            ],
        )
        store.add_documents(
            dataset.id,
            [
                (version(TEXT, "bo", Status.DONE, ADA), None),
                (version(OTHER, "bo", Status.DONE, Span(0, 12, "PERSON")), None),
                (version(TEXT, "rita", Status.DONE, ADA, BABBAGE, LONDON, reviewed=True), None),
            ],
        )
    return db_path


class RecordedProgress:
    def __init__(self) -> None:
        self.total = 0
        self.advanced = 0

    def stage(self, name: str, total: int, unit: str) -> None:
        self.total = total

    def advance(self, count: int = 1) -> None:
        self.advanced += count


def exported(db: Path, out: Path, reader: str = "lee", **options: object) -> list[dict]:
    with Store.open(db, annotator=reader) as store:
        progress = RecordedProgress()
        report = export_dataset(store, "news", out, ExportOptions(**options), progress=progress)  # type: ignore[arg-type]
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    # What the bar counts is what went out.
    assert progress.total == progress.advanced == report.documents == len(lines)
    return lines


def summary(task: dict) -> tuple[str | None, str, str | None, list[tuple[int, int, str]]]:
    spans = [(s["start"], s["end"], s["label"]) for s in task["spans"]]
    return task.get("_annotator_id"), task["_view_id"], task.get("answer"), spans


def test_by_default_a_document_goes_out_as_reviewed_else_as_its_input(
    team: Path, tmp_path: Path
) -> None:
    """The reader "lee" has no version of either: the first goes out as settled; the
    second, of two annotators and settled by nobody, as the shared input ("new")."""
    lines = exported(team, tmp_path / "out.jsonl")
    assert [summary(task) for task in lines] == [
        ("rita", "review", "accept", [(0, 12, "PERSON"), (17, 32, "PERSON"), (36, 42, "GPE")]),
    ]
    every = exported(team, tmp_path / "out.jsonl", statuses=None)
    assert [(task.get("_annotator_id"), task.get("answer")) for task in every] == [
        ("rita", "accept"),
        (None, None),
    ]


def test_the_exporter_s_own_version_comes_before_another_s(team: Path, tmp_path: Path) -> None:
    lines = exported(team, tmp_path / "out.jsonl", reader="bo")
    assert [summary(task)[0] for task in lines] == ["rita", "bo"]


def test_reviewed_gives_only_settled_documents(team: Path, tmp_path: Path) -> None:
    lines = exported(team, tmp_path / "out.jsonl", version="reviewed", statuses=None)
    assert [summary(task)[:2] for task in lines] == [("rita", "review")]


def test_a_name_gives_only_that_annotator_s_versions(team: Path, tmp_path: Path) -> None:
    lines = exported(team, tmp_path / "out.jsonl", version="ada", statuses=None)
    assert [summary(task) for task in lines] == [
        ("ada", "ner_manual", "accept", [(0, 12, "PERSON"), (17, 32, "PERSON")]),
        ("ada", "ner_manual", "ignore", []),
    ]


def test_an_unknown_name_is_refused_naming_the_annotators(team: Path, tmp_path: Path) -> None:
    with Store.open(team) as store, pytest.raises(AnnotatorError) as refused:
        export_dataset(store, "news", tmp_path / "out.jsonl", ExportOptions(version="eve"))
    assert str(refused.value) == "dataset 'news' has no version by 'eve'; its annotators: ada, bo"
    assert not (tmp_path / "out.jsonl").exists()


def test_all_gives_one_record_per_version_in_document_order(team: Path, tmp_path: Path) -> None:
    lines = exported(team, tmp_path / "out.jsonl", version="all", statuses=None)
    assert [(task["text"][:3], *summary(task)[:3]) for task in lines] == [
        ("Ada", "ada", "ner_manual", "accept"),
        ("Ada", "bo", "ner_manual", "accept"),
        ("Ada", "rita", "review", "accept"),
        ("Gra", "ada", "ner_manual", "ignore"),
        ("Gra", "bo", "ner_manual", "accept"),
    ]
    assert all(task["_session_id"] == task["_annotator_id"] for task in lines)
    done = exported(team, tmp_path / "out.jsonl", version="all")
    assert [(task["text"][:3], task["_annotator_id"]) for task in done] == [
        ("Ada", "ada"),
        ("Ada", "bo"),
        ("Ada", "rita"),
        ("Gra", "bo"),
    ]


def test_stream_versions_gives_each_version_s_own_spans(team: Path) -> None:
    with Store.open(team) as store:
        dataset = store.get_dataset("news")
        found = [
            (document.annotator, document.reviewed, document.status, document.spans, tokens)
            for document, tokens, _ in store.stream_versions(dataset.id, with_tokens=False)
        ]
    assert found == [
        ("ada", False, Status.DONE, (ADA, BABBAGE), None),
        ("bo", False, Status.DONE, (ADA,), None),
        ("rita", True, Status.DONE, (ADA, BABBAGE, LONDON), None),
        ("ada", False, Status.SKIPPED, (), None),
        ("bo", False, Status.DONE, (Span(0, 12, "PERSON"),), None),
    ]
