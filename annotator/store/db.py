"""Opening the SQLite file: connection settings, schema version and upgrades (the steps
are Alembic revisions, `schema.py`); and the transactions every store module uses, on a
file or on a server (`server.py`).

SQLite only, and one of the few store modules that talk to the driver (ARCHITECTURE.md
names them; tests/test_architecture.py keeps it so): the pragmas, BEGIN IMMEDIATE, the
switch to WAL, `user_version`, the migrations' ALTER TABLE and the backup before them.

Python 3.11's sqlite3 driver opens transactions on its own and never for DDL, which makes a
failed migration half-applied. Each connection is therefore put in autocommit mode and a
`begin` hook issues BEGIN itself: every transaction, DDL included, is real. Writers use
BEGIN IMMEDIATE so that two processes queue on the busy timeout instead of failing with
"database is locked" when a read turns into a write.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlmodel import SQLModel

from annotator.core.errors import StoreError, StoreMovedError
from annotator.store import integrity, schema
from annotator.store.server import server_transaction

SCHEMA_VERSION = 10  # the newest revision in migrations/versions (a test checks it)
BUSY_TIMEOUT_MS = 5000
_WRITE = "annotator_write"
_FILE = "annotator_file"  # (path, (st_dev, st_ino)) of the file the engine opened
FILE_OPTION = _FILE
_DAMAGED = "annotator_damaged"  # set once SQLite reports the file damaged


# Whose version a migration gives work that names nobody, when the caller does not say.
UNKNOWN_OWNER = "unknown"


def open_engine(path: Path, *, create: bool = True, owner: str = UNKNOWN_OWNER) -> Engine:
    """Open (creating or migrating) the store at `path` and return its engine.

    With `create=False` a missing or empty file is refused rather than made into a new
    store: commands that only read must not leave a store behind at a mistyped path.
    """
    path = path.expanduser()
    if path.is_dir():
        raise StoreError(f"{path} is a directory, not a store file")
    if not create and not _has_content(path):
        if path.is_file():
            raise StoreError(f"{path} is empty (0 bytes), not a store")
        raise StoreError(f"no store at {path} (nothing was created there)")
    integrity.refuse_stale_log(path)  # before any connection reads (and merges) the log
    _create_private(path)
    if not integrity.known_clean(path):  # see store/integrity.py for when this runs
        found = integrity.problems(path)
        if found:
            more = ", and more" if len(found) > 1 else ""
            raise integrity.damaged(path, f"SQLite's check: {found[0]}{more}")
    opened = integrity.identity(path)
    engine = create_engine(_url(path))
    engine.update_execution_options(**{_FILE: (path, opened)})
    event.listen(engine, "connect", _configure_connection)
    event.listen(engine, "begin", _begin)
    try:
        _prepare_schema(engine, path, owner)
    except (DBAPIError, sqlite3.DatabaseError) as error:
        engine.dispose()
        if integrity.is_corruption(error) and integrity.error_code(error) != sqlite3.SQLITE_NOTADB:
            raise integrity.damaged(path, _reason(error)) from None
        raise StoreError(f"cannot open the store {path}: {_reason(error)}") from None
    except BaseException:
        engine.dispose()
        raise
    return engine


def close_engine(engine: Engine) -> None:
    """Close every connection; stamp the file as clean when this was the last one."""
    engine.dispose()
    if _FILE not in engine.get_execution_options():
        return  # a server's store: nothing to stamp
    path, opened = engine.get_execution_options()[_FILE]
    if engine.get_execution_options().get(_DAMAGED):
        integrity.forget_clean(path)
    elif integrity.identity(path) == opened:
        integrity.record_clean(path)


@contextlib.contextmanager
def write_transaction(engine: Engine, *, edit: bool = False) -> Iterator[Connection]:
    """One short write transaction (BEGIN IMMEDIATE ... COMMIT), rolled back on error.

    Refused at once in a store found damaged. Just before COMMIT the path is checked to
    still be the file the store opened (one `stat`): a write into a file that was
    deleted, moved or replaced is rolled back and never acknowledged. An `edit` on a
    server sends its BEGIN with its statements (`server.server_transaction`).
    """
    options = engine.get_execution_options()
    if _FILE not in options:
        with server_transaction(engine, deferred_begin=edit) as conn:
            yield conn
        return
    path, opened = options[_FILE]
    if options.get(_DAMAGED):
        raise integrity.damaged(path, options[_DAMAGED])
    try:
        with engine.connect() as conn:
            conn = conn.execution_options(**{_WRITE: True})
            with conn.begin():
                yield conn
                integrity.ensure_same_file(path, opened)
    except (DBAPIError, sqlite3.DatabaseError) as error:
        translated = _translated(engine, error)
        if translated is None:
            raise
        raise translated from None


@contextlib.contextmanager
def read_transaction(engine: Engine) -> Iterator[Connection]:
    """A consistent snapshot for reading; never blocks writers (WAL)."""
    if _FILE not in engine.get_execution_options():
        with server_transaction(engine) as conn:
            yield conn
        return
    try:
        with engine.connect() as conn, conn.begin():
            yield conn
    except (DBAPIError, sqlite3.DatabaseError) as error:
        translated = _translated(engine, error)
        if translated is None:
            raise
        raise translated from None


def _url(path: Path) -> str:
    """The engine's URL: the file opened read-write but never created (`mode=rw`).

    The file exists by now; a connection opened later (another thread, a pool refill)
    after the file was deleted or moved must fail, not leave an empty store behind.
    """
    return f"sqlite:///file:{quote(str(path.absolute()))}?mode=rw&uri=true"


def _translated(engine: Engine, error: Exception) -> StoreError | None:
    """A damaged file or a busy store as one `StoreError` line; anything else unchanged.

    An error on a file that is no longer at its path says so first: that is the cause.
    """
    path, opened = engine.get_execution_options()[_FILE]
    try:
        integrity.ensure_same_file(path, opened, writing=False)
    except StoreMovedError as moved:
        return moved
    if integrity.is_corruption(error):
        reason = _reason(error)
        engine.update_execution_options(**{_DAMAGED: reason})
        return integrity.damaged(path, reason)
    if isinstance(error, OperationalError | sqlite3.OperationalError):
        return StoreError(_reason(error))
    return None


def _reason(error: BaseException) -> str:
    original = getattr(error, "orig", None) or error
    text = str(original)
    if "locked" in text or "busy" in text:
        return (
            "the store is busy: another annotator process has been writing to it for more "
            f"than {BUSY_TIMEOUT_MS / 1000:g} s; try again when it has finished"
        )
    if "not a database" in text:
        return "the file is not an annotator store (not an SQLite database)"
    return text


def _has_content(path: Path) -> bool:
    try:
        return path.stat().st_size > 0
    except OSError:
        return False


def _create_private(path: Path) -> None:
    """Create the file readable and writable by its owner only, before SQLite opens it."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    except OSError as error:
        raise StoreError(f"cannot create the store {path}: {error.strerror}") from None


def _configure_connection(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # we issue BEGIN ourselves (see module doc)
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.close()


def _begin(conn: Connection) -> None:
    immediate = conn.get_execution_options().get(_WRITE, False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _prepare_schema(engine: Engine, path: Path, owner: str) -> None:
    with engine.connect() as conn:
        version = conn.exec_driver_sql("PRAGMA user_version").scalar_one()
        names = {row[0] for row in conn.exec_driver_sql("SELECT name FROM sqlite_master")}
        recorded = schema.recorded(conn) if "alembic_version" in names else None
    if version > SCHEMA_VERSION or (recorded is not None and not 0 < recorded <= SCHEMA_VERSION):
        found = version if recorded is None or recorded < 0 else max(version, recorded)
        raise StoreError(
            f"the store {path} was written by a newer version of annotator (schema "
            f"{found}, this version knows {SCHEMA_VERSION}); it was not changed. "
            "Upgrade annotator to open it."
        )
    if version == 0 and names - {"sqlite_sequence"}:
        raise StoreError(f"{path} is an SQLite file but not an annotator store")
    # Only now that the file is known to be ours: WAL is a property of the file, and
    # switching a refused file to it would rewrite that file's header.
    _use_wal(engine)
    if version == 0:
        with write_transaction(engine) as conn:
            SQLModel.metadata.create_all(conn)
            schema.stamp(conn, SCHEMA_VERSION)
            conn.exec_driver_sql(f"PRAGMA user_version = {SCHEMA_VERSION}")
        return
    if version == SCHEMA_VERSION:
        if recorded is None:  # made before Alembic kept the number: recorded now
            with write_transaction(engine) as conn:
                schema.stamp(conn, SCHEMA_VERSION)
        return
    backup = _backup(engine, path, version)
    try:
        with write_transaction(engine) as conn:
            if recorded is None:
                schema.stamp(conn, version)
            schema.upgrade(conn, owner, SCHEMA_VERSION)
            conn.exec_driver_sql(f"PRAGMA user_version = {SCHEMA_VERSION}")
    except StoreError:
        raise
    except Exception as error:
        raise StoreError(
            f"upgrading the store {path} from schema {version} to {SCHEMA_VERSION} "
            f"failed ({error}); it was not changed, and a copy is at {backup}"
        ) from error


def _use_wal(engine: Engine) -> None:
    """Switch the file to WAL (outside any transaction, which SQLite requires)."""
    raw = engine.raw_connection()
    try:
        driver = raw.driver_connection
        assert driver is not None
        if driver.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            driver.execute("PRAGMA journal_mode = WAL")
    finally:
        raw.close()


def _backup(engine: Engine, path: Path, version: int) -> Path:
    """Copy the store next to itself before a migration touches it."""
    target = path.with_name(f"{path.name}.bak-v{version}")
    raw = engine.raw_connection()
    try:
        driver = raw.driver_connection
        assert isinstance(driver, sqlite3.Connection)
        destination = sqlite3.connect(target)
        try:
            driver.backup(destination)
        finally:
            destination.close()
    finally:
        raw.close()
    target.chmod(0o600)
    return target
