"""Copies of a store made with SQLite's online backup API, and putting one back.

SQLite only: the backup API is the `sqlite3` driver's own (`Connection.backup`). One of
the few store modules that talk to the driver (ARCHITECTURE.md names them;
tests/test_architecture.py keeps it so).

The backup API copies a consistent snapshot page by page from an open connection, so it
is safe while the window (or another command) writes to the store, and it takes in what
the `-wal` file holds. Restoring never copies a backup over the store in place: the
store's stale `-wal` would then be merged into the backup at the next open (the
"restored backup beside a stale log" damage). The current file is moved aside with its
`-wal` (kept, and still consistent together), its `-shm` is removed, and the backup is
copied in under a temporary name and renamed into place.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import time
from pathlib import Path

from sqlalchemy import Engine

from annotator.core.errors import StoreError
from annotator.store import integrity


def backup_engine(engine: Engine, target: Path) -> None:
    """Write a consistent copy of the store behind `engine` to the new file `target`,
    read through one of the engine's connections (the file it opened, even if moved)."""
    raw = engine.raw_connection()
    try:
        driver = raw.driver_connection
        assert isinstance(driver, sqlite3.Connection)
        backup_connection(driver, target)
    finally:
        raw.close()


def backup_connection(connection: sqlite3.Connection, target: Path) -> None:
    """Write a consistent copy of the database behind `connection` to the new file `target`."""
    if target.exists():
        raise StoreError(f"{target} already exists; name a new file for the copy")
    if target.is_dir() or not target.parent.is_dir():
        raise StoreError(f"cannot write {target}: its folder does not exist")
    partial = target.with_name(f".{target.name}.partial")
    try:
        os.close(os.open(partial, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600))
        destination = sqlite3.connect(partial)
        try:
            connection.backup(destination)
        finally:
            destination.close()
        _fsync(partial)
        partial.replace(target)
    except (OSError, sqlite3.Error) as error:
        partial.unlink(missing_ok=True)
        raise StoreError(f"cannot write the copy {target}: {error}") from None


def private_copy(source: Path, target: Path, newest_schema: int) -> None:
    """Copy the store at `source` to the new file `target`, reading it only, for a merge;
    one written by a newer schema than `newest_schema` is refused before it is read."""
    try:
        reader = _read_only(source)  # leaves nothing beside the other person's file
        try:
            version = reader.execute("PRAGMA user_version").fetchone()[0]
            if version > newest_schema:
                raise StoreError(
                    f"{source} was written by a newer version of annotator (schema {version}, "
                    f"this version knows {newest_schema}); nothing was merged. Upgrade "
                    "annotator to merge it."
                )
            backup_connection(reader, target)
        finally:
            reader.close()
    except sqlite3.DatabaseError as error:
        reason = "not an annotator store" if "not a database" in str(error) else str(error)
        raise StoreError(f"{source}: {reason}; nothing was merged") from None


def restore(backup: Path, store: Path) -> Path | None:
    """Put the store copy `backup` in place at `store`; return where the old file went."""
    if not backup.is_file():
        raise StoreError(f"no backup at {backup}")
    if store.exists() and backup.samefile(store):
        raise StoreError(f"{backup} is the store itself; name a backup of it")
    found = integrity.problems(backup, leave_nothing=True)  # no -wal, -shm beside it
    if found:
        raise StoreError(f"the backup {backup} is damaged too ({found[0]}); it was not used")
    reader = _read_only(backup)
    try:
        _ensure_store(reader, backup)
        partial = store.with_name(f".{store.name}.restoring")
        partial.unlink(missing_ok=True)
        backup_connection(reader, partial)
    finally:
        reader.close()
    aside = _move_aside(store)
    partial.replace(store)
    _fsync_folder(store.parent)
    return aside


def _read_only(path: Path) -> sqlite3.Connection:
    try:
        return sqlite3.connect(integrity.read_only_uri(path, leave_nothing=True), uri=True)
    except sqlite3.Error as error:
        raise StoreError(f"cannot read {path}: {error}") from None


def _ensure_store(reader: sqlite3.Connection, path: Path) -> None:
    try:
        version = reader.execute("PRAGMA user_version").fetchone()[0]
        tables = {row[0] for row in reader.execute("SELECT name FROM sqlite_master")}
    except sqlite3.DatabaseError:
        version, tables = 0, set()
    if not version or "document" not in tables:
        raise StoreError(f"{path} is not an annotator store; nothing was restored")


def _move_aside(store: Path) -> Path | None:
    """Move the current file and its log aside together; drop its index and stamp."""
    integrity.forget_clean(store)
    with contextlib.suppress(FileNotFoundError):
        integrity.shm_path(store).unlink()
    if not store.exists():
        integrity.wal_path(store).unlink(missing_ok=True)
        return None
    aside = store.with_name(f"{store.name}.replaced-{time.strftime('%Y%m%d-%H%M%S')}")
    store.replace(aside)
    wal = integrity.wal_path(store)
    if wal.exists():
        wal.replace(integrity.wal_path(aside))
    return aside


def _fsync(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _fsync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError):
        _fsync(folder)
