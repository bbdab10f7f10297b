"""An edit of an existing version written on a server in one round trip.

On a file each statement of an edit runs in-process; on a server each is a round trip the
annotator waits for at every key, and the COMMIT is one more. Written one after another,
an edit was six round trips before its COMMIT (BEGIN, the version's lock, reading its
clock, writing it, removing spans, adding spans). Here the same statements go to the
server together in psycopg's pipeline mode and their results come back together:

- the lock of `versions.lock_version`, with the same key, so that edits written either
  way queue behind each other;
- the version's status, time and clock written by the server (the clock's count for this
  store plus one, as `versions.edited_version` counts it), returning the version's id;
- the removed spans deleted, and the added spans inserted, each one statement whose text
  never changes (the spans go as arrays), so that the server prepares it once.

Both span statements find the version by its owner, so they need nothing from an
earlier result. When the annotator has no version yet (their first edit of the
document), no row matched any statement: `write_pipelined` says so, and the caller
writes the edit the general way, which makes the version from the shared input.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError, StatementError

from annotator.core.edits import Changes
from annotator.core.errors import StoreError
from annotator.core.model import Span
from annotator.store.server import is_idle
from annotator.store.versions import lock_key, stored_id

_OWNED = "document_id = %(document)s AND annotator = %(annotator)s AND kind = %(kind)s"

_LOCK = "SELECT pg_advisory_xact_lock(hashtextextended(%(lock)s, 0))"

_TOUCH = (
    "UPDATE version SET status = %(status)s, updated_at = %(now)s, clock = (clock::jsonb"
    " || jsonb_build_object(%(here)s::text, coalesce((clock::jsonb ->> %(here)s)::bigint, 0)"
    f" + 1))::text WHERE {_OWNED} RETURNING id"
)

_REMOVE = (
    "DELETE FROM span WHERE document_id = %(document)s AND version_id = (SELECT id FROM"
    f' version WHERE {_OWNED}) AND (start, "end", label, state) IN (SELECT * FROM'
    " unnest(%(starts)s::integer[], %(ends)s::integer[], %(labels)s::text[],"
    " %(states)s::text[]))"
)

_BATCH = "an edit's statements (server_edits.py)"

_ADD = (
    'INSERT INTO span (document_id, version_id, start, "end", label, state, source, score)'
    " SELECT %(document)s, owned.id, added.* FROM (SELECT id FROM version WHERE"
    f" {_OWNED}) AS owned, unnest(%(starts)s::integer[], %(ends)s::integer[],"
    " %(labels)s::text[], %(states)s::text[], %(sources)s::text[],"
    " %(scores)s::double precision[]) AS added"
)


def write_pipelined(
    conn: Connection,
    document_id: int,
    annotator: str,
    kind: str,
    status: str,
    now: float,
    changes: Changes,
) -> int | None:
    """Write the edit to the annotator's version of the document, giving it `status` at
    `now`, inside the caller's transaction; how many of the removed spans were deleted,
    or None when nothing was written: the annotator has no version yet, or the store no
    id for its clock yet (both made by the general path, after the version's lock)."""
    here = stored_id(conn)
    if here is None:
        return None
    owner = {
        "document": document_id,
        "annotator": annotator,
        "kind": kind,
        "lock": lock_key(document_id, annotator, kind),
        "status": status,
        "now": now,
        "here": here,
    }
    removed, added = changes.removed, changes.added
    driver = conn.connection.driver_connection
    assert driver is not None  # a server's connection is a psycopg one
    begin = driver.autocommit and is_idle(driver)  # a deferred BEGIN (server_transaction)
    try:
        with driver.pipeline():
            if begin:
                driver.execute("BEGIN")
            driver.execute(_LOCK, owner)
            touched = driver.execute(_TOUCH, owner)
            deleted = driver.execute(_REMOVE, {**owner, **_keys(removed)}) if removed else None
            inserted = (
                driver.execute(_ADD, {**owner, **_keys(added), **_extras(added)}) if added else None
            )
    except driver.Error as error:
        raise _translated(conn, _BATCH, error) from None
    if touched.fetchone() is not None:
        return 0 if deleted is None else deleted.rowcount
    if any(cursor is not None and cursor.rowcount for cursor in (deleted, inserted)):
        # Spans of a version whose row the server does not let this person change.
        raise StoreError(
            f"the server refused the change: document {document_id}'s version of "
            f"{annotator} may not be changed by this database user; nothing was saved"
        )
    return None


def _keys(spans: Sequence[Span]) -> dict[str, list[Any]]:
    return {
        "starts": [s.start for s in spans],
        "ends": [s.end for s in spans],
        "labels": [s.label for s in spans],
        "states": [s.state.value for s in spans],
    }


def _extras(spans: Sequence[Span]) -> dict[str, list[Any]]:
    return {"sources": [s.source for s in spans], "scores": [s.score for s in spans]}


def _translated(conn: Connection, statement: str, error: Any) -> StatementError:
    """The driver's error as SQLAlchemy raises it for its own statements, so that the
    callers tell a refusal, a conflict and a lost server apart as they always do; a lost
    connection is dropped from the pool (SQLAlchemy would drop the others too, through
    its private `Pool._invalidate`; each of those that was used within the last
    `server.PING_AFTER_IDLE_S` may fail one edit, and the next one reconnects)."""
    driver = conn.dialect.loaded_dbapi
    gone = conn.dialect.is_disconnect(error, conn.connection.dbapi_connection, None)
    if gone:
        conn.invalidate()
    translated: StatementError = DBAPIError.instance(
        statement, None, error, driver.Error, connection_invalidated=gone
    )
    return translated
