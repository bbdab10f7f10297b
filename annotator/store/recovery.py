"""Saving what can still be read from a damaged store into a new one (SQLite only).

SQLite's own recovery (`sqlite3_recover`, the shell's `.recover`) needs the
`sqlite_dbpage` virtual table: Python's `sqlite3` module does not expose the API, and the
`sqlite3` shell of Debian 12 (3.40.1, built on the system library without that table)
fails with "SQL logic error" even on a healthy file. So the salvage is done here, with
the driver alone: every table is read in rowid order through a read-only connection,
and where a damaged page stops the read, the walk probes further and further ahead for
the next row it can reach, then narrows back to lose as little as possible. Every row
that can be reached through intact pages is saved; rows on a page that cannot be read,
or only reachable through one, are lost.

The damaged file is opened read-only and left as it was; a stale `-wal` beside it (one
older than the file: see store/integrity.py) is refused, since the reader would take
that log's pages for the store's. The new store gets the damaged one's schema and version,
its rows, then its indexes; rows whose document or dataset did not survive are dropped,
so the new file opens and passes `integrity_check`.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from annotator.core.errors import StoreError
from annotator.store.integrity import problems, refuse_stale_log

_BATCH = 500
_FURTHEST = 2**62  # past any rowid the program writes


@dataclass
class Salvage:
    """What a recovery saved: rows per table, and how many stretches could not be read."""

    rows: dict[str, int] = field(default_factory=dict)
    unreadable: int = 0
    orphans: int = 0


def recover(source: Path, target: Path) -> Salvage:
    """Copy every readable row of the store at `source` into a new store at `target`."""
    if not source.is_file():
        raise StoreError(f"no store at {source}")
    if target.exists():
        raise StoreError(f"{target} already exists; name a new file to recover into")
    if target.parent.resolve() == source.parent.resolve() and target.name == source.name:
        raise StoreError("recover into a new file, not the damaged store itself")
    if not target.parent.is_dir():
        raise StoreError(f"cannot write {target}: the folder {target.parent} does not exist")
    refuse_stale_log(source)  # the read-only connection would read that log as the store's
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    try:
        reader = sqlite3.connect(f"file:{quote(str(source))}?mode=ro", uri=True)
    except sqlite3.Error as error:
        raise StoreError(f"cannot read {source}: {error}") from None
    try:
        salvage = _salvage(reader, partial, source)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        reader.close()
    found = problems(partial, thorough=True)
    if found:
        partial.unlink(missing_ok=True)
        raise StoreError(f"the recovered copy of {source} is not whole either ({found[0]})")
    partial.replace(target)
    return salvage


def _salvage(reader: sqlite3.Connection, partial: Path, source: Path) -> Salvage:
    try:
        version = reader.execute("PRAGMA user_version").fetchone()[0]
        schema = reader.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL "
            "AND name NOT LIKE 'sqlite_%' ORDER BY rowid"
        ).fetchall()
    except sqlite3.DatabaseError as error:
        raise StoreError(
            f"cannot read the list of tables of {source} ({error}): nothing can be recovered "
            "from it; put a backup back with `annotator store restore BACKUP`"
        ) from None
    tables = [(name, sql) for kind, name, sql in schema if kind == "table"]
    others = [sql for kind, _name, sql in schema if kind != "table"]
    if not version or "document" not in {name for name, _sql in tables}:
        raise StoreError(f"{source} is not an annotator store; nothing was recovered")
    descriptor = os.open(partial, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600)
    os.close(descriptor)
    writer = sqlite3.connect(partial, isolation_level=None)
    salvage = Salvage()
    try:
        writer.execute("BEGIN")
        for name, sql in tables:
            writer.execute(sql)
            salvage.rows[name] = _copy_table(reader, writer, name, salvage)
        for sql in others:
            writer.execute(sql)
        salvage.orphans = _drop_orphans(writer, salvage)
        writer.execute(f"PRAGMA user_version = {int(version)}")
        writer.execute("COMMIT")
    finally:
        writer.close()
    return salvage


def _copy_table(
    reader: sqlite3.Connection, writer: sqlite3.Connection, table: str, salvage: Salvage
) -> int:
    columns = [row[1] for row in reader.execute(f'PRAGMA table_info("{table}")')]
    names = ", ".join(f'"{column}"' for column in columns)
    insert = (
        f'INSERT OR IGNORE INTO "{table}" (rowid, {names}) '
        f"VALUES (?, {', '.join('?' for _ in columns)})"
    )
    select = f'SELECT rowid, {names} FROM "{table}" WHERE rowid > ? ORDER BY rowid LIMIT ?'
    exact = f'SELECT rowid, {names} FROM "{table}" WHERE rowid = ?'
    copied = 0
    after = -_FURTHEST
    while True:
        rows: list[Row]
        try:
            rows = reader.execute(select, (after, _BATCH)).fetchall()
        except sqlite3.DatabaseError:
            rows = _rows_one_by_one(reader, select, after)
            if not rows:
                resumed = _next_readable(reader, select, after)
                if resumed is None:
                    break
                salvage.unreadable += 1
                # The row at the bound itself may sit past the damage, where a search by
                # its exact rowid still leads.
                rows = _exact_row(reader, exact, resumed)
                after = resumed
                if not rows:
                    continue
        if not rows:
            break
        before = writer.total_changes
        writer.executemany(insert, rows)
        copied += writer.total_changes - before
        after = int(rows[-1][0])
    return copied


Row = tuple[Any, ...]


def _rows_one_by_one(reader: sqlite3.Connection, select: str, after: int) -> list[Row]:
    """The rows after `after` up to the first one that cannot be read."""
    rows: list[Row] = []
    with contextlib.suppress(sqlite3.DatabaseError):
        while len(rows) < _BATCH:
            found = reader.execute(select, (after, 1)).fetchall()
            if not found:
                break
            rows.extend(found)
            after = int(found[0][0])
    return rows


def _exact_row(reader: sqlite3.Connection, exact: str, rowid: int) -> list[Row]:
    try:
        return reader.execute(exact, (rowid,)).fetchall()
    except sqlite3.DatabaseError:
        return []


def _readable_from(reader: sqlite3.Connection, select: str, after: int) -> bool:
    try:
        reader.execute(select, (after, 1)).fetchall()
    except sqlite3.DatabaseError:
        return False
    return True


def _next_readable(reader: sqlite3.Connection, select: str, after: int) -> int | None:
    """The smallest rowid bound past `after` from which reading works again, or None."""
    step = 1
    while not _readable_from(reader, select, after + step):
        if after + step >= _FURTHEST:
            return None
        step *= 2
    low, high = after + step // 2, after + step  # unreadable from low, readable from high
    while high - low > 1:
        middle = (low + high) // 2
        if _readable_from(reader, select, middle):
            high = middle
        else:
            low = middle
    return high


def _drop_orphans(writer: sqlite3.Connection, salvage: Salvage) -> int:
    """Delete rows whose parent row was lost (a span without its document, ...)."""
    dropped = 0
    while True:
        orphans = writer.execute("PRAGMA foreign_key_check").fetchall()
        if not orphans:
            return dropped
        for table, rowid, _parent, _key in orphans:
            writer.execute(f'DELETE FROM "{table}" WHERE rowid = ?', (rowid,))
            salvage.rows[table] -= 1
            dropped += 1
