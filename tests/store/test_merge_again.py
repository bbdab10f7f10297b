"""Merging the same store a second time changes nothing and compares clocks, not spans.

A version both stores hold is settled by its clock: one whose clock has seen every edit
the other's counts stays as it is. A second merge of the same store used to look each
version up and read both copies' spans (about 6 s per 1,000 documents); now our versions
of a chunk of documents are read together and spans only where the clocks differ.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from sqlalchemy import event

from annotator.core.edits import AddSpan, SetStatus
from annotator.core.hashing import input_hash
from annotator.core.model import Document, Label, Span, Status
from annotator.store import Store


def statements_during(store: Store, action: Any) -> list[str]:
    found: list[str] = []

    def trace(connection: Any, _record: Any) -> None:
        connection.set_trace_callback(found.append)

    store._engine.dispose()
    event.listen(store._engine, "connect", trace)
    try:
        action()
    finally:
        event.remove(store._engine, "connect", trace)
        store._engine.dispose()
    return found


def team_store(path: Path, documents: int) -> None:
    with Store.open(path, annotator="ada") as store:
        dataset = store.create_dataset("news", labels=(Label("ORG"),))
        texts = [f"Story {number}: Acme buys Initech." for number in range(documents)]
        store.add_documents(
            dataset.id, [(Document(0, 0, t, input_hash=input_hash(t)), None) for t in texts]
        )
        for name in ("ada", "bob"):
            store.annotator = name
            for document_id in store.document_ids(dataset.id):
                document = store.get_document(document_id)
                document = store.apply(document, AddSpan(Span(10, 14, "ORG")))
                store.apply(document, SetStatus(document.status, Status.DONE))


def test_a_second_merge_of_the_same_store_reads_no_span_and_changes_nothing(
    tmp_path: Path,
) -> None:
    theirs, ours = tmp_path / "theirs.db", tmp_path / "ours.db"
    team_store(theirs, 30)
    with Store.open(ours, annotator="lead") as store:
        first = store.merge_from(theirs)
        assert (first.documents, first.versions) == (30, 60)
        dataset = store.get_dataset("news")
        before = {i: store.versions_of(i) for i in store.document_ids(dataset.id)}
        second: list[Any] = []
        statements = statements_during(store, lambda: second.append(store.merge_from(theirs)))
        (report,) = second
        assert (report.documents, report.versions, report.updated) == (0, 0, 0)
        assert report.unchanged == 60 and not report.conflicts
        assert {i: store.versions_of(i) for i in store.document_ids(dataset.id)} == before
    span_reads = [sql for sql in statements if "FROM span" in sql]
    assert span_reads == [], span_reads[:3]


def test_a_version_changed_on_one_side_only_is_taken_by_the_next_merge(tmp_path: Path) -> None:
    theirs, ours = tmp_path / "theirs.db", tmp_path / "ours.db"
    team_store(theirs, 3)
    with Store.open(ours, annotator="lead") as store:
        store.merge_from(theirs)
    shutil.copyfile(ours, tmp_path / "kept.db")
    with Store.open(theirs, annotator="bob") as store:
        first = store.document_ids(store.get_dataset("news").id)[0]
        document = store.get_document(first)
        store.apply(document, AddSpan(Span(0, 5, "ORG")))
    with Store.open(ours, annotator="bob") as store:
        report = store.merge_from(theirs)
        assert (report.updated, report.unchanged, report.conflicts) == (1, 5, [])
        dataset = store.get_dataset("news")
        first = store.document_ids(dataset.id)[0]
        assert [s.start for s in store.get_document(first).spans] == [0, 10]
