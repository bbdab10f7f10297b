"""`annotator merge`: each annotator's store brought into the lead's, as a team works."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from annotator.core.annotating import Gestures
from annotator.core.edits import SetStatus
from annotator.core.model import SpanState, Status
from annotator.store import Store

ARTICLES = [
    {
        "text": "Ada Lovelace met Charles Babbage in London.",
        "spans": [
            {"start": 0, "end": 12, "label": "PERSON"},
            {"start": 17, "end": 32, "label": "PERSON"},
            {"start": 36, "end": 42, "label": "GPE"},
        ],
    },
    {
        "text": "Grace Hopper worked for the Navy in Arlington.",
        "spans": [
            {"start": 0, "end": 12, "label": "PERSON"},
            {"start": 36, "end": 45, "label": "GPE"},
        ],
    },
]


@pytest.fixture
def lead(cli, tmp_path: Path) -> Path:
    """The lead's store: two articles with the model's suggestions, nobody's decisions."""
    source = tmp_path / "articles.jsonl"
    source.write_text("\n".join(json.dumps(a) for a in ARTICLES) + "\n", encoding="utf-8")
    db = tmp_path / "lead.db"
    assert cli("import", source, "-d", "news", "--add-labels", "--db", db).code == 0
    return db


def copy_for(lead: Path, name: str) -> Path:
    copy = lead.with_name(f"{name}.db")
    shutil.copyfile(lead, copy)
    return copy


def annotate(db: Path, annotator: str, *, reject: tuple[str, ...] = ()) -> None:
    """`annotator` accepts every suggestion except the words in `reject`, then marks done."""
    with Store.open(db, annotator=annotator) as store:
        dataset = store.get_dataset("news")
        for document_id in store.document_ids(dataset.id):
            document = store.get_document(document_id)
            for span in document.spans:
                current = store.get_document(document_id)
                target = next(s for s in current.spans if s.key == span.key)
                wanted = "reject" if document.covered_text(span) in reject else "accept"
                edit = getattr(Gestures(current), wanted)(target)
                assert edit is not None
                store.apply(current, edit)
            current = store.get_document(document_id)
            store.apply(current, SetStatus(current.status, Status.DONE))


def test_two_annotators_stores_merge_into_the_leads_with_every_version(cli, lead: Path) -> None:
    ada, grace = copy_for(lead, "ada"), copy_for(lead, "grace")
    annotate(ada, "ada")
    annotate(grace, "grace", reject=("London",))
    first = cli("merge", ada, "--db", lead)
    assert first.code == 0, first.err
    assert "0 new document(s), 2 new version(s)" in first.out
    assert cli("merge", grace, "--db", lead).code == 0
    with Store.open(lead, annotator="ada") as store:
        dataset = store.get_dataset("news")
        first_id = store.document_ids(dataset.id)[0]
        versions = {v.annotator: v for v in store.versions_of(first_id)}
        assert set(versions) == {"ada", "grace"}
        assert [s.state for s in versions["ada"].spans] == [SpanState.ACCEPTED] * 3
        london = next(s for s in versions["grace"].spans if s.start == 36)
        assert london.state is SpanState.REJECTED
        assert store.stats(dataset.id).documents_by_annotator == {
            "ada": {"done": 2},
            "grace": {"done": 2},
        }
        # the lead, who annotated nothing, still sees the shared suggestions
        store.annotator = "lead"
        shown = store.get_document(first_id)
        assert shown.status is Status.NEW and shown.annotator is None
        assert {s.state for s in shown.spans} == {SpanState.SUGGESTED}
    shown = cli("documents", "show", first_id, "--annotator", "grace", "--db", lead)
    assert "annotator  grace" in shown.out and "rejected" in shown.out
    listed = cli("documents", "list", "-d", "news", "--annotator", "nobody", "--db", lead)
    rows = [line.split() for line in listed.out.splitlines() if line[:1].isdigit()]
    assert [row[1] for row in rows] == ["new", "new"]  # nobody's statuses: new
    again = cli("merge", grace, "--db", lead)  # nothing new: nothing changes
    assert "0 new version(s), 0 updated, 2 unchanged" in again.out
    agreement = cli("agreement", "-d", "news", "--json", "--db", lead)
    assert agreement.code == 0, agreement.err
    overall = json.loads(agreement.out)["overall"]
    # ada has 5 spans, grace 4 of the same: precision/recall of 4 matches
    assert overall["spans"]["f1"] == pytest.approx(2 * 4 / 9)


def test_later_edits_come_in_and_edits_on_both_sides_keep_both(cli, lead: Path) -> None:
    laptop = copy_for(lead, "laptop")
    annotate(laptop, "ada")
    assert cli("merge", laptop, "--db", lead).code == 0
    # ada goes on in her store: the lead's copy of her version is older, so it is updated
    with Store.open(laptop, annotator="ada") as store:
        document = store.get_document(1)
        store.apply(document, SetStatus(document.status, Status.SKIPPED))
    updated = cli("merge", laptop, "--db", lead)
    assert "1 updated" in updated.out, updated.out
    with Store.open(lead, annotator="ada") as store:
        assert store.get_document(1).status is Status.SKIPPED
        # ada also edits the lead's copy: now both sides changed it since they met
        document = store.get_document(1)
        store.apply(document, SetStatus(document.status, Status.DONE))
    with Store.open(laptop, annotator="ada") as store:
        document = store.get_document(1)
        store.apply(document, SetStatus(document.status, Status.REJECTED))
    conflicted = cli("merge", laptop, "--db", lead)
    assert conflicted.code == 0, conflicted.err
    said = " ".join((conflicted.out + conflicted.err).split())
    assert "Conflict: ada's version of document 1" in said
    with Store.open(lead, annotator="ada") as store:
        assert store.get_document(1).status is Status.REJECTED  # the newer one
        assert store.stats().versions_by_kind == {"annotation": 2, "conflict": 1}
    shown = cli("stats", "-d", "news", "--annotator", "ada", "--db", lead)
    assert "Documents (2), as ada has them" in shown.out
    assert "conflict copies (from merges)   1" in shown.out


def test_hostile_merges_get_one_line_and_change_nothing(cli, lead: Path, tmp_path: Path) -> None:
    before = lead.read_bytes()
    text = tmp_path / "notes.txt"
    text.write_text("not a store\n" * 100, encoding="utf-8")
    damaged = tmp_path / "damaged.db"
    damaged.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4000)
    newer = copy_for(lead, "newer")
    connection = sqlite3.connect(newer)
    connection.execute("PRAGMA user_version = 99")
    connection.close()
    other_labels = copy_for(lead, "labels")
    assert cli("labels", "add", "EVENT", "-d", "news", "--db", other_labels).code == 0
    cases = {
        text: "not an annotator store",
        damaged: "nothing was merged",
        lead: "is this store itself",
        newer: "newer version of annotator",
        other_labels: "has labels this one lacks: EVENT",
        tmp_path / "missing.db": "no such file",
    }
    for other, reason in cases.items():
        result = cli("merge", other, "--db", lead)
        assert result.code == 1, (other, result.out)
        assert reason in result.err, (other, result.err)
        assert "Traceback" not in result.err and len(result.err.strip().splitlines()) == 1
    assert lead.read_bytes() == before


def test_a_merge_of_many_documents_brings_each_version_with_its_own_spans(
    cli, tmp_path: Path
) -> None:
    """More documents than a merge takes together, each with two people's versions."""
    from annotator.core.hashing import input_hash
    from annotator.core.model import Document, Span

    texts = [f"Report {n}: Ada Lovelace met Charles Babbage in London." for n in range(600)]
    lead, team = tmp_path / "lead.db", tmp_path / "team.db"
    with Store.open(lead) as store:
        dataset = store.create_dataset("news")
        store.add_documents(
            dataset.id,
            [(Document(0, 0, text, input_hash=input_hash(text)), None) for text in texts],
        )
    shutil.copyfile(lead, team)

    def version(n: int, text: str, annotator: str) -> Document:
        start = text.index("Ada") if annotator == "ada" else text.index("London")
        spans = (Span(start, start + 3 + n % 5, "PERSON" if annotator == "ada" else "GPE"),)
        status = Status.DONE if n % 3 else Status.SKIPPED
        return Document(0, 0, text, spans, status, input_hash=input_hash(text), annotator=annotator)

    with Store.open(team) as store:
        dataset = store.get_dataset("news")
        for name in ("ada", "bo"):
            made = [(version(n, text, name), None) for n, text in enumerate(texts)]
            assert store.add_documents(dataset.id, made).versions == len(texts)
    result = cli("merge", team, "--db", lead)
    assert result.code == 0, result.err
    assert "0 new document(s), 1200 new version(s)" in result.out

    def versions(db: Path) -> list[tuple[str, str | None, str, tuple[Span, ...]]]:
        with Store.open(db) as store:
            dataset = store.get_dataset("news")
            return [
                (v.text, v.annotator, v.status.value, v.spans)
                for document_id in store.document_ids(dataset.id)
                for v in store.versions_of(document_id)
            ]

    assert versions(lead) == versions(team)
    again = cli("merge", team, "--db", lead)
    assert "0 new document(s), 0 new version(s)" in again.out
    assert versions(lead) == versions(team)
