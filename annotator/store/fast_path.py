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
from sqlalchemy.dialects.postgresql import insert as server_insert

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
    writer = _CursorWriter(conn) if conn.dialect.name == "sqlite" else _CoreWriter(conn)
    added = duplicates = versions = 0
    try:
        for document, tokens, *token_json in documents:
            owner = document.annotator
            if owner is None and is_decided(document):
                owner = annotator
            values = document_values(dataset_id, document, tokens, *token_json)
            document_id = writer.document(values)
            if document_id is not None:
                added += 1
            else:
                document_id = _version_wanted(conn, dataset_id, document, owner)
                if document_id is None:
                    duplicates += 1
                    continue
            version_id = INPUT
            if owner is not None:
                kind = REVIEW if document.reviewed else ANNOTATION
                version_id = writer.version(
                    version_values(document_id, dataset_id, owner, document, kind)
                )
                versions += 1
            if document.spans:
                writer.spans(span_values(document_id, version_id, document.spans))
    finally:
        writer.close()
    return added, duplicates, versions


class _CursorWriter:
    """The rows of an import written on SQLite's own cursor (the measured fast path)."""

    def __init__(self, conn: Connection) -> None:
        self._document = _compiled(INSERT_DOCUMENT, DOCUMENT_KEYS, conn.dialect)
        self._span = _compiled(INSERT_SPAN, SPAN_KEYS, conn.dialect)
        self._version = _compiled(INSERT_VERSION, VERSION_KEYS, conn.dialect)
        self._cursor = _driver(conn).cursor()

    def document(self, values: tuple[Any, ...]) -> int | None:
        """The new document's id, or None when the dataset already holds its input hash."""
        self._cursor.execute(self._document, values)
        if self._cursor.rowcount != 1:
            return None
        assert self._cursor.lastrowid is not None
        return self._cursor.lastrowid

    def version(self, values: tuple[Any, ...]) -> int:
        self._cursor.execute(self._version, values)
        return self._cursor.lastrowid or INPUT

    def spans(self, rows: list[tuple[Any, ...]]) -> None:
        self._cursor.executemany(self._span, rows)

    def close(self) -> None:
        self._cursor.close()


class _CoreWriter:
    """The same rows through Core, on a server (whose driver is no faster by hand)."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._document = server_insert(DOCUMENT).on_conflict_do_nothing().returning(DOCUMENT.c.id)
        self._version = INSERT_VERSION.returning(VERSION.c.id)

    def document(self, values: tuple[Any, ...]) -> int | None:
        row = dict(zip(DOCUMENT_KEYS, values, strict=True))
        return self._conn.execute(self._document, row).scalar_one_or_none()

    def version(self, values: tuple[Any, ...]) -> int:
        row = dict(zip(VERSION_KEYS, values, strict=True))
        return int(self._conn.execute(self._version, row).scalar_one())

    def spans(self, rows: list[tuple[Any, ...]]) -> None:
        self._conn.execute(INSERT_SPAN, [dict(zip(SPAN_KEYS, r, strict=True)) for r in rows])

    def close(self) -> None:
        pass


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
    if conn.dialect.name != "sqlite":
        return [tuple(row) for row in conn.execute(statement)]
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
