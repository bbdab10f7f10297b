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
from pathlib import Path

import pytest
from sqlalchemy import literal, select
from sqlalchemy.dialects import sqlite

from annotator.core.edits import SetStatus
from annotator.core.hashing import input_hash
from annotator.core.model import Document, Label, Status
from annotator.store import Store
from annotator.store.perspective import seen_version, status_of, with_status
from annotator.store.tables import DOCUMENT

V4 = Path(__file__).parent / "data" / "annotations-v4.db"


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


@pytest.mark.parametrize("make", [new_store, upgraded_v4], ids=["new", "upgraded from v4"])
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
            assert "ux_version_owner (document_id=? AND annotator=? AND kind=?)" in step, step


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
