"""Finding an annotator's version of a document goes straight to it through an index.

Every read of a document as its annotator sees it (the list's status column, its status
filter and order, an opened article's spans) looks up (document, annotator, kind). With
an index SQLite could not use for that, each lookup scanned all the annotator's versions:
a page of 50 rows took over 5 s on a store of 100,000 documents. The plans are asserted
here (timings belong to `bench/`), on a new store and on one upgraded from schema 4.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, literal, select
from sqlalchemy.dialects import sqlite

from annotator.core.edits import SetStatus
from annotator.core.hashing import input_hash
from annotator.core.model import Document, Label, Status
from annotator.core.summaries import DocumentQuery
from annotator.store import Store
from annotator.store.list_filters import list_filter
from annotator.store.perspective import Viewer, seen_version, status_of, with_status
from annotator.store.tables import DOCUMENT

V4 = Path(__file__).parent / "data" / "annotations-v4.db"
V6 = Path(__file__).parent / "data" / "annotations-v6.db"


def plan(path: Path, statement: object) -> list[str]:
    """SQLite's plan of a Core statement on the store file, one line per step."""
    sql = str(
        statement.compile(  # type: ignore[attr-defined]
            dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True}
        )
    )
    connection = sqlite3.connect(path)
    try:
        return [str(row[3]) for row in connection.execute(f"EXPLAIN QUERY PLAN {sql}")]
    finally:
        connection.close()


def version_searches(path: Path, statement: object) -> list[str]:
    return [step for step in plan(path, statement) if " version " in f" {step} "]


def new_store(path: Path) -> Path:
    with Store.open(path, annotator="ada") as store:
        dataset = store.create_dataset("news", labels=(Label("PERSON"),))
        texts = [f"Article {number} about Berlin." for number in range(3)]
        store.add_documents(
            dataset.id,
            [(Document(0, 0, text, input_hash=input_hash(text)), None) for text in texts],
        )
        first = store.document_ids(dataset.id)[0]
        store.apply(store.get_document(first), SetStatus(Status.NEW, Status.DONE))
    return path


def upgraded_v4(path: Path) -> Path:
    shutil.copyfile(V4, path)
    Store.open(path, annotator="ada").close()
    return path


def upgraded_v6(path: Path) -> Path:
    shutil.copyfile(V6, path)
    Store.open(path, annotator="ada").close()
    return path


@pytest.mark.parametrize(
    "make", [new_store, upgraded_v4, upgraded_v6], ids=["new", "from v4", "from v6"]
)
def test_a_document_s_status_and_spans_are_found_by_document_annotator_and_kind(
    make: object, tmp_path: Path
) -> None:
    path = make(tmp_path / "store.db")  # type: ignore[operator]
    status = select(DOCUMENT.c.id, status_of("ada"))
    spans_version = select(seen_version("ada", literal(1)))
    for statement in (status, spans_version):
        searches = version_searches(path, statement)
        assert searches, plan(path, statement)
        for step in searches:
            # the unique key, or the one that also holds the status and last change
            assert "(document_id=? AND annotator=? AND kind=?)" in step, step
            assert "ux_version_owner" in step or "ix_version_seen" in step, step


@pytest.mark.parametrize("statuses", [["new"], ["new", "in_progress"], ["done"]])
def test_the_status_filter_reads_the_annotator_s_versions_once_not_per_document(
    statuses: list[str], tmp_path: Path
) -> None:
    path = new_store(tmp_path / "store.db")
    statement = select(DOCUMENT.c.id).where(with_status("ada", statuses))
    steps = plan(path, statement)
    assert not [step for step in steps if "CORRELATED" in step], steps
    with Store.open(path, annotator="ada") as store:
        wanted = {Status(value) for value in statuses}
        dataset = store.list_datasets()[0]
        shown = {store.get_document(i).status for i in store.document_ids(dataset.id, wanted)}
        assert shown and shown <= wanted


def executed(store: Store, action: Callable[[], object]) -> list[str]:
    """The SQL `action` runs on the store's connections, with its values in place."""
    found: list[str] = []

    def trace(connection: Any, _record: Any) -> None:
        connection.set_trace_callback(found.append)

    store._engine.dispose()  # every connection from here on is traced
    event.listen(store._engine, "connect", trace)
    try:
        action()
    finally:
        event.remove(store._engine, "connect", trace)
        store._engine.dispose()
    return [sql for sql in found if sql.lstrip().upper().startswith(("SELECT", "WITH"))]


def steps_of(path: Path, sql: str) -> list[str]:
    connection = sqlite3.connect(path)
    try:
        return [str(row[3]) for row in connection.execute(f"EXPLAIN QUERY PLAN {sql}")]
    finally:
        connection.close()


QUERIES = {
    "open statuses": DocumentQuery(statuses=frozenset({Status.NEW, Status.IN_PROGRESS})),
    "done": DocumentQuery(statuses=frozenset({Status.DONE})),
    "by status": DocumentQuery(sort="status"),
    "by status, open, descending": DocumentQuery(
        statuses=frozenset({Status.NEW, Status.IN_PROGRESS}), sort="status", descending=True
    ),
}


@pytest.mark.parametrize("name", list(QUERIES))
def test_the_status_filter_and_order_read_ranges_not_every_document(
    name: str, tmp_path: Path
) -> None:
    """An annotator with a version of most documents: the list reads their versions by
    status, and of the documents only the stretches between them, never each document
    of the dataset or a version per document."""
    path = tmp_path / "store.db"
    with Store.open(path, annotator="ada") as store:
        dataset = store.create_dataset("news", labels=(Label("PERSON"),))
        texts = [f"Article {number} about Berlin." for number in range(40)]
        store.add_documents(
            dataset.id,
            [(Document(0, 0, text, input_hash=input_hash(text)), None) for text in texts],
        )
        every = store.document_ids(dataset.id)
        for number, document_id in enumerate(every):
            if number not in (5, 6, 30):  # three she has not opened: "new" all the same
                status = (Status.DONE, Status.IN_PROGRESS, Status.NEW)[number % 3]
                store.apply(store.get_document(document_id), SetStatus(Status.NEW, status))
        query = QUERIES[name]
        shown = store.matching_ids(dataset.id, query)
        statuses = {store.get_document(i).status for i in shown}
        assert statuses == (query.statuses or {Status.NEW, Status.DONE, Status.IN_PROGRESS})
        if query.statuses & {Status.NEW}:
            assert {every[5], every[6], every[30]} <= set(shown)
        statements = executed(store, lambda: store.matching_ids(dataset.id, query))
    assert statements
    for sql in statements:
        for step in steps_of(path, sql):
            assert "CORRELATED" not in step, (sql, step)
            if " document " in f" {step} ":
                assert "rowid>" in step or "rowid<" in step, (sql, step)


def test_the_annotators_of_a_dataset_are_found_by_searches_not_a_scan(tmp_path: Path) -> None:
    path = new_store(tmp_path / "store.db")
    with Store.open(path, annotator="bob") as store:
        dataset = store.list_datasets()[0]
        first = store.document_ids(dataset.id)[1]
        store.apply(store.get_document(first), SetStatus(Status.NEW, Status.DONE))
        assert store.annotators(dataset.id) == ["ada", "bob"]
        statements = executed(store, lambda: store.annotators(dataset.id))
    for sql in statements:
        for step in steps_of(path, sql):
            assert step.startswith("SEARCH version USING COVERING INDEX"), (sql, step)
            assert "document" not in step, (sql, step)


@pytest.mark.parametrize("fixture", [V4, V6], ids=["v4", "v6"])
def test_an_upgraded_store_s_versions_name_their_dataset_and_its_list_is_as_before(
    fixture: Path, tmp_path: Path
) -> None:
    """Schema 7 gives every version its document's dataset (the list's index reads it):
    the upgrade fills it in, and each annotator's list shows the statuses their
    documents had before, by the status filter and order as by each document."""
    path = tmp_path / "store.db"
    shutil.copyfile(fixture, path)
    for name in ("ada", "grace", "nobody"):
        with Store.open(path, annotator=name) as store:
            (dataset,) = store.list_datasets()
            every = store.document_ids(dataset.id)
            status = {i: store.get_document(i).status for i in every}
            by_status = store.matching_ids(dataset.id, DocumentQuery(sort="status"))
            ranks = [list(Status).index(status[i]) for i in by_status]
            assert sorted(by_status) == every and ranks == sorted(ranks)
            for wanted in Status:
                query = DocumentQuery(statuses=frozenset({wanted}))
                assert store.matching_ids(dataset.id, query) == [
                    i for i in every if status[i] is wanted
                ]
    connection = sqlite3.connect(path)
    try:
        wrong = connection.execute(
            "SELECT count(*) FROM version v JOIN document d ON d.id = v.document_id "
            "WHERE v.dataset_id IS NOT d.dataset_id"
        ).fetchone()[0]
        versions = connection.execute("SELECT count(*) FROM version").fetchone()[0]
    finally:
        connection.close()
    assert versions > 0 and wrong == 0


@pytest.mark.parametrize("make", [new_store, upgraded_v6], ids=["new", "from v6"])
def test_the_label_filter_reads_the_label_s_spans_from_an_index_alone(
    make: object, tmp_path: Path
) -> None:
    """Each span of the label is checked for its state and whose version it is in: with
    those columns in the index, no span row is read (schema 9)."""
    path = make(tmp_path / "store.db")  # type: ignore[operator]
    query = DocumentQuery(label="PERSON")
    statement = select(DOCUMENT.c.id).where(list_filter(1, query, Viewer("ada", "annotation")))
    span_steps = [step for step in plan(path, statement) if " span " in f" {step} "]
    assert span_steps, plan(path, statement)
    for step in span_steps:
        assert "COVERING INDEX" in step and "label=?" in step, step
