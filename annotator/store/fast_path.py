"""The store's one raw path: an import's documents and spans, written by the driver's cursor.

Every other statement of the store is a SQLAlchemy Core statement that SQLAlchemy
executes. Adding documents builds the same Core statements (`rows.INSERT_DOCUMENT`,
`rows.INSERT_SPAN`), compiled once per call for the connection's dialect, and executes
them on the `sqlite3` cursor with plain tuples. Measured by `python
bench/store_statements.py --documents 10000 --repeat 5` (CPU seconds, medians): 10,000
documents of about 1,000 characters with 10 spans each, added in one transaction, took
0.88 s here, 2.49 s through `Connection.execute` one document at a time (2.8 times as
long) and 1.55 s with 500 documents per multi-row INSERT ... RETURNING (1.8 times): the
difference is what an import of a large file waits through. Reads stay Core: streaming
the same documents for an export cost 1.12 times the cursor's time, and a 10,000-span
article 1.21 times.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence

from sqlalchemy import Connection, Dialect, Insert

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


def _driver(conn: Connection) -> sqlite3.Connection:
    driver = conn.connection.driver_connection
    assert isinstance(driver, sqlite3.Connection)
    return driver
