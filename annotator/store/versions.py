"""Each person's version of a document: made on their first edit, counted on every edit.

A version is a row of `VERSION` (owner, kind, status, clock) and the spans that point to
it. An annotator's first edit of a document copies the shared input (the spans they saw,
`perspective.py`) into a new version and applies the edit there, in the same transaction.
Every write to a version adds one to this store's entry of its `clock`, the version
vector a merge compares (`store/merging.py`).

An edit's transaction first takes `lock_version`: on a file BEGIN IMMEDIATE already makes
writers queue, but a server runs each transaction at READ COMMITTED, where two edits of
one version (the same person in two windows) could each read the version before the
other wrote it: both made it, or both counted the same clock value. The lock makes the
second wait for the first's COMMIT, then read what it wrote, as on a file.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, delete, func, insert, literal, select, update

from annotator.core.errors import NotFoundError
from annotator.store.db import FILE_OPTION
from annotator.store.perspective import ANNOTATION
from annotator.store.tables import DOCUMENT, INPUT, SPAN, STORE_INFO, VERSION

_STORE_ID = "store_id"
_STORE_FILE = "store_file"
_KNOWN_ID = "annotator_store_id"  # the engine's cache of the id, once read from the file


def store_id(conn: Connection) -> str:
    """This store file's id in version clocks.

    Made the first time it is asked for, and made again when the file is not the one that
    made it: a store copied to another person (or machine) must count its own edits apart
    from the original's, or a merge could not tell that both changed a version.
    """
    known = stored_id(conn)
    if known is not None:
        return known
    made = uuid.uuid4().hex
    here = _here(conn.engine.get_execution_options())
    conn.execute(delete(STORE_INFO).where(STORE_INFO.c.key.in_((_STORE_ID, _STORE_FILE))))
    conn.execute(
        insert(STORE_INFO), [{"key": _STORE_ID, "value": made}, {"key": _STORE_FILE, "value": here}]
    )
    return made


def stored_id(conn: Connection) -> str | None:
    """This store's id as `store_id` gives it, when one is already stored for this file
    (or server); None when `store_id` would make one."""
    options = conn.engine.get_execution_options()
    if _KNOWN_ID in options:  # read once per opened store: every edit asks (`touch`)
        return str(options[_KNOWN_ID])
    rows = dict(
        conn.execute(
            select(STORE_INFO.c.key, STORE_INFO.c.value).where(
                STORE_INFO.c.key.in_((_STORE_ID, _STORE_FILE))
            )
        ).all()
    )
    if rows.get(_STORE_FILE) != _here(options) or _STORE_ID not in rows:
        return None
    # Only an id read back is kept: one made here is not in the file until COMMIT.
    conn.engine.update_execution_options(**{_KNOWN_ID: rows[_STORE_ID]})
    return str(rows[_STORE_ID])


def _here(options: dict[str, Any]) -> str:
    """Where this store is, as `store_id` records it beside the id."""
    if FILE_OPTION in options:
        path, opened = options[FILE_OPTION]
        return json.dumps([str(Path(path).resolve()), list(opened or ())])
    return json.dumps(["server"])  # a server's database is never copied as a file


def lock_version(conn: Connection, document_id: int, annotator: str, kind: str) -> None:
    """Hold, until the transaction ends, the annotator's version of the document (made
    or not yet) against every other edit of it; on a server only (see above).

    A transaction-level advisory lock on a hash of the three: it needs no row, so the
    first edit of a version is covered too, and no privilege a team member lacks."""
    if conn.dialect.name != "postgresql":
        return
    key = func.hashtextextended(lock_key(document_id, annotator, kind), 0)
    conn.execute(select(func.pg_advisory_xact_lock(key)))


def lock_key(document_id: int, annotator: str, kind: str) -> str:
    """What `lock_version` locks, hashed (`server_edits.py` takes the same lock)."""
    return f"{document_id}/{kind}/{annotator}"


def version_of(
    conn: Connection, document_id: int, annotator: str, kind: str = ANNOTATION
) -> int | None:
    """The id of the annotator's version of the document, or None."""
    found = conn.execute(
        select(VERSION.c.id).where(
            VERSION.c.document_id == document_id,
            VERSION.c.annotator == annotator,
            VERSION.c.kind == kind,
        )
    ).scalar()
    return None if found is None else int(found)


def ensure_version(
    conn: Connection, document_id: int, annotator: str, now: float, kind: str = ANNOTATION
) -> int:
    """The annotator's version of the document, made from the shared input if they have none."""
    found = version_of(conn, document_id, annotator, kind)
    if found is not None:
        return found
    dataset_id = conn.execute(
        select(DOCUMENT.c.dataset_id).where(DOCUMENT.c.id == document_id)
    ).scalar()
    if dataset_id is None:
        raise NotFoundError(
            f"document {document_id} is no longer in the store (its dataset was "
            "deleted?); the change was not saved"
        )
    version_id = int(
        conn.execute(
            insert(VERSION)
            .values(
                document_id=document_id,
                dataset_id=dataset_id,
                annotator=annotator,
                kind=kind,
                status="new",
                created_at=now,
                updated_at=now,
                clock="{}",
            )
            .returning(VERSION.c.id)
        ).scalar_one()
    )
    copy_spans(conn, document_id, INPUT, version_id)
    return version_id


def copy_spans(conn: Connection, document_id: int, from_version: int, to_version: int) -> None:
    """Copy one version's spans of a document (INPUT: the shared ones) into another."""
    columns = (SPAN.c.start, SPAN.c.end, SPAN.c.label, SPAN.c.state, SPAN.c.source, SPAN.c.score)
    conn.execute(
        insert(SPAN).from_select(
            ["document_id", "version_id", "start", "end", "label", "state", "source", "score"],
            select(SPAN.c.document_id, literal(to_version), *columns).where(
                SPAN.c.document_id == document_id, SPAN.c.version_id == from_version
            ),
        )
    )


def touch(conn: Connection, version_id: int, status: str, now: float) -> None:
    """Record an edit of the version: its status, when, and one more edit in this store."""
    clock = conn.execute(select(VERSION.c.clock).where(VERSION.c.id == version_id)).scalar_one()
    _record_edit(conn, version_id, json.loads(clock), status, now)


def edited_version(
    conn: Connection, document_id: int, annotator: str, status: str, now: float, kind: str
) -> int:
    """The annotator's version of the document, made from the shared input on their first
    edit, with this edit recorded as `touch` records it: one read of an existing version
    (its id and clock together) before the write, where each is a round trip to a server."""
    found = conn.execute(
        select(VERSION.c.id, VERSION.c.clock).where(
            VERSION.c.document_id == document_id,
            VERSION.c.annotator == annotator,
            VERSION.c.kind == kind,
        )
    ).first()
    if found is None:
        version_id, clock = ensure_version(conn, document_id, annotator, now, kind), {}
    else:
        version_id, clock = int(found[0]), json.loads(found[1])
    _record_edit(conn, version_id, clock, status, now)
    return version_id


def _record_edit(
    conn: Connection, version_id: int, clock: dict[str, int], status: str, now: float
) -> None:
    here = store_id(conn)
    clock[here] = int(clock.get(here, 0)) + 1
    conn.execute(
        update(VERSION)
        .where(VERSION.c.id == version_id)
        .values(status=status, updated_at=now, clock=json.dumps(clock, sort_keys=True))
    )
