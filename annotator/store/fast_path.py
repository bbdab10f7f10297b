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

from sqlalchemy import Connection, Dialect, Insert, Select

from annotator.store.rows import (
    DOCUMENT_KEYS,
    INSERT_DOCUMENT,
    INSERT_SPAN,
    SPAN_KEYS,
    ToAdd,
    document_values,
    span_values,
)


def insert_documents(
    conn: Connection, dataset_id: int, documents: Iterable[ToAdd]
) -> tuple[int, int]:
    """Insert documents with their spans in the caller's transaction, one after the other
    as `documents` yields them; return (added, duplicates). A document whose input hash
    the dataset already holds (or that repeats one earlier) is skipped with its spans."""
    insert_document = _compiled(INSERT_DOCUMENT, DOCUMENT_KEYS, conn.dialect)
    insert_span = _compiled(INSERT_SPAN, SPAN_KEYS, conn.dialect)
    added = duplicates = 0
    cursor = _driver(conn).cursor()
    try:
        for document, tokens, *token_json in documents:
            cursor.execute(
                insert_document, document_values(dataset_id, document, tokens, *token_json)
            )
            if cursor.rowcount == 0:
                duplicates += 1
                continue
            added += 1
            document_id = cursor.lastrowid
            assert document_id is not None
            if document.spans:
                cursor.executemany(insert_span, span_values(document_id, document.spans))
    finally:
        cursor.close()
    return added, duplicates


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
