"""The store's statements that run on the `sqlite3` cursor rather than through Core.

Every statement of the store is built with SQLAlchemy Core over `tables.py`; SQLAlchemy
executes all but these, which are compiled for the connection's dialect and run on the
driver's cursor with plain tuples, where users wait on many rows. Measured by `python
bench/store_statements.py --documents 10000 --repeat 5` (CPU seconds, medians of two
runs), Core's execution against the cursor's:

- an import's bulk insert (`insert_documents`): 10,000 documents of about 1,000
  characters with 10 spans each took 2.4 to 2.5 times as long one document at a time,
  and 1.6 to 1.9 times with 500 documents per multi-row INSERT ... RETURNING;
- the document list's ids (`SummaryQueries.matching_ids`, every matching id of a
  dataset when the list opens or changes its order): 1.7 to 1.9 times;
- an opened article's spans (`get_document`, 10,000 in a long article): 1.3 times.

Streaming documents for an export took the same time either way and stays Core.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, Dialect, Insert, Select, select

from annotator.core.model import Document, is_decided
from annotator.store.perspective import ANNOTATION, REVIEW
from annotator.store.rows import (
    DOCUMENT_KEYS,
    INSERT_DOCUMENT,
    INSERT_SPAN,
    INSERT_VERSION,
    SPAN_KEYS,
    VERSION_KEYS,
    ToAdd,
    document_values,
    span_values,
    version_values,
)
from annotator.store.tables import DOCUMENT, INPUT, VERSION


def insert_documents(
    conn: Connection, dataset_id: int, documents: Iterable[ToAdd], annotator: str
) -> tuple[int, int, int]:
    """Insert documents with their spans in the caller's transaction, one after the other
    as `documents` yields them; return (added, duplicates, versions).

    A document with an annotator is that person's version (its spans and status); one that
    names nobody is `annotator`'s if anyone decided on it (a status other than new, a span
    other than a suggestion), else its spans are the shared input. A document whose input
    hash the dataset already holds (or that repeats one earlier) is a duplicate, unless it
    brings the version of an annotator the stored document does not have yet: that version
    is added to it.
    """
    insert_document = _compiled(INSERT_DOCUMENT, DOCUMENT_KEYS, conn.dialect)
    insert_span = _compiled(INSERT_SPAN, SPAN_KEYS, conn.dialect)
    insert_version = _compiled(INSERT_VERSION, VERSION_KEYS, conn.dialect)
    added = duplicates = versions = 0
    cursor = _driver(conn).cursor()
    try:
        for document, tokens, *token_json in documents:
            owner = document.annotator
            if owner is None and is_decided(document):
                owner = annotator
            cursor.execute(
                insert_document, document_values(dataset_id, document, tokens, *token_json)
            )
            if cursor.rowcount == 1:
                added += 1
                document_id = cursor.lastrowid
                assert document_id is not None
            else:
                document_id = _version_wanted(conn, dataset_id, document, owner)
                if document_id is None:
                    duplicates += 1
                    continue
            version_id = INPUT
            if owner is not None:
                kind = REVIEW if document.reviewed else ANNOTATION
                cursor.execute(insert_version, version_values(document_id, owner, document, kind))
                version_id = cursor.lastrowid or INPUT
                versions += 1
            if document.spans:
                cursor.executemany(
                    insert_span, span_values(document_id, version_id, document.spans)
                )
    finally:
        cursor.close()
    return added, duplicates, versions


def _version_wanted(
    conn: Connection, dataset_id: int, document: Document, owner: str | None
) -> int | None:
    """The stored document this one repeats, if it brings a version that document lacks."""
    if owner is None:
        return None
    found = ids(
        conn,
        select(DOCUMENT.c.id).where(
            DOCUMENT.c.dataset_id == dataset_id, DOCUMENT.c.input_hash == document.input_hash
        ),
    )
    if not found:
        return None
    taken = ids(
        conn,
        select(VERSION.c.id).where(
            VERSION.c.document_id == found[0],
            VERSION.c.annotator == owner,
            VERSION.c.kind == (REVIEW if document.reviewed else ANNOTATION),
        ),
    )
    return None if taken else found[0]


def _compiled(statement: Insert, keys: Sequence[str], dialect: Dialect) -> str:
    """The statement's SQL for `dialect`, taking its values in the order of `keys`."""
    compiled = statement.compile(dialect=dialect, column_keys=list(keys))
    assert compiled.positiontup == list(keys), (compiled.positiontup, keys)
    return compiled.string


def rows(conn: Connection, statement: Select[Any]) -> list[tuple[Any, ...]]:
    """The rows of a Core query as the `sqlite3` cursor gives them: plain tuples.

    Parameters and values pass unconverted, so only for queries whose parameters and
    columns the driver takes and gives as they are (integers, text, floats).
    """
    compiled = statement.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
    values: dict[str, Any] = compiled.params
    parameters = [values[name] for name in compiled.positiontup or ()]
    return _driver(conn).execute(compiled.string, parameters).fetchall()


def ids(conn: Connection, statement: Select[Any]) -> list[int]:
    """The values of a Core query of one integer column, read by the `sqlite3` cursor."""
    return [row[0] for row in rows(conn, statement)]


def _driver(conn: Connection) -> sqlite3.Connection:
    driver = conn.connection.driver_connection
    assert isinstance(driver, sqlite3.Connection)
    return driver
