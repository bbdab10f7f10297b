"""Is the file whole, and is it still the file the store opened?

SQLite only: `quick_check`, SQLite's error codes and its `-wal`/`-shm` files, on the
`sqlite3` driver's own read-only connections.

`PRAGMA quick_check` reads every page: 0.7 to 1 s on the 100,000-document store, too
slow for every open (the window and each command). So it runs only when the file is not
as this program last left it: at a clean close (the last connection gone, the write-ahead
log checkpointed and removed) a stamp of the file (device, inode, size, modification
time in ns) is written beside it, `.NAME.checked`. Any change made outside the program
(a restored backup, a copy, bytes written into it, another program) changes the size or
the time, and a store without a stamp (new to this version, moved, copied) is checked
once. A crash leaves the stamp of the last clean close, and the checkpoints since have
changed the file, so the next open checks it too.

The check runs on a read-only connection: a stale write-ahead log beside a restored file
is then never checkpointed into it, and the damaged file stays as it was for
`annotator store recover` or `restore`.

SQLite cannot tell a `-wal` that belongs to the file (a crash: it holds committed work and
must be merged) from one left behind by a file that was since replaced (a backup copied
over it by hand: merging would write that older log into the backup). The file's time
tells them apart: SQLite writes the file only while checkpointing, milliseconds after the
log, while a copy over it happens much later. So a store not known clean, with a
non-empty log beside it that no other process has open, whose file was last modified
more than `STALE_LOG_SECONDS` after its log, is refused before any connection reads the
log (`refuse_stale_log`). A copy that keeps the backup's old time (`cp -p`) is not seen.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import struct
from pathlib import Path
from urllib.parse import quote

from annotator.core.errors import StoreDamagedError, StoreError, StoreMovedError

FileIdentity = tuple[int, int]  # (st_dev, st_ino)
_CORRUPT_CODES = (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)
QUICK_PROBLEMS = 20  # quick_check stops after this many
STALE_LOG_SECONDS = 2  # a checkpoint writes the file milliseconds after the log


def stamp_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.checked")


def wal_path(path: Path) -> Path:
    return path.with_name(f"{path.name}-wal")


def shm_path(path: Path) -> Path:
    return path.with_name(f"{path.name}-shm")


def identity(path: Path) -> FileIdentity | None:
    """The file's (device, inode), or None when nothing is at `path`."""
    try:
        found = path.stat()
    except OSError:
        return None
    return (found.st_dev, found.st_ino)


def open_elsewhere(path: Path) -> bool:
    """True when another process has the store open (it holds a lock in the `-shm` file).

    Each connection in WAL mode keeps a shared lock on byte 128 of the `-shm` file (the
    "DMS" slot of SQLite's unix VFS); `F_GETLK` asks about it without taking any lock.
    This process must not have the store open itself: closing the descriptor used here
    would drop its own locks on the file.
    """
    try:
        import fcntl
    except ImportError:  # not a POSIX system: cannot tell
        return False
    try:
        descriptor = os.open(shm_path(path), os.O_RDONLY)
    except OSError:
        return False
    try:
        query = struct.pack("hhqqi", fcntl.F_WRLCK, os.SEEK_SET, 128, 1, 0)
        answer = fcntl.fcntl(descriptor, fcntl.F_GETLK, query)
    except OSError:
        return False
    finally:
        os.close(descriptor)
    return bool(struct.unpack("hhqqi", answer)[0] != fcntl.F_UNLCK)


def _fingerprint(path: Path) -> list[int] | None:
    try:
        found = path.stat()
    except OSError:
        return None
    return [found.st_dev, found.st_ino, found.st_size, found.st_mtime_ns]


def known_clean(path: Path) -> bool:
    """True when the file is exactly as the last clean close left it (no check needed)."""
    try:
        recorded = json.loads(stamp_path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return bool(recorded == _fingerprint(path))


def forget_clean(path: Path) -> None:
    """Drop the stamp: the next open checks the file."""
    with contextlib.suppress(OSError):
        stamp_path(path).unlink()


def record_clean(path: Path) -> None:
    """Stamp the file after a clean close; if it cannot be written, the next open checks."""
    if wal_path(path).exists():  # another process still has it open, or it was not clean
        forget_clean(path)
        return
    fingerprint = _fingerprint(path)
    if fingerprint is None:
        return
    target = stamp_path(path)
    partial = target.with_name(target.name + ".partial")
    try:
        descriptor = os.open(partial, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as out:
            json.dump(fingerprint, out)
        partial.replace(target)
    except OSError:
        forget_clean(path)


def stale_log(path: Path) -> bool:
    """True when the `-wal` beside `path` is older than the file: see the module doc."""
    try:
        store = path.stat()
        log = wal_path(path).stat()
    except OSError:
        return False
    if log.st_size == 0 or store.st_mtime_ns - log.st_mtime_ns <= STALE_LOG_SECONDS * 10**9:
        return False
    # Asked last: `open_elsewhere` must not run while this process has the store open,
    # and a log that is still being used is never older than its file by seconds.
    return not known_clean(path) and not open_elsewhere(path)


def refuse_stale_log(path: Path) -> None:
    """Raise `StoreError` when opening `path` would merge a log older than the file."""
    if not stale_log(path):
        return
    log, index = wal_path(path), shm_path(path)
    raise StoreError(
        f"the store {path} was replaced after its log {log} was last written (a backup "
        "copied over it?); opening it would merge that older log into it. To use the store "
        f"as it is, move {log} and {index} away (keep them if you want the changes they "
        f"hold), or put a backup back with `annotator --db {path} store restore BACKUP`"
    )


def check(path: Path, *, thorough: bool = False) -> list[str]:
    """`problems`, refused (`StoreError`) when a stale log lies beside the file."""
    refuse_stale_log(path)
    return problems(path, thorough=thorough)


def read_only_uri(path: Path, *, leave_nothing: bool = False) -> str:
    """The URI of a read-only connection to `path`.

    A read-only connection to a file in WAL mode still creates its `-wal` and `-shm`.
    With `leave_nothing`, a file without a `-wal` of its own is opened `immutable=1`,
    which creates neither; only for a file no program is writing to (a backup).
    """
    quiet = leave_nothing and not wal_path(path).exists()
    return f"file:{quote(str(path))}?{'immutable=1' if quiet else 'mode=ro'}"


def problems(path: Path, *, thorough: bool = False, leave_nothing: bool = False) -> list[str]:
    """What SQLite finds wrong with the file (empty when it is whole), read-only.

    `thorough` runs `integrity_check` (indexes against their tables too, about twice
    the time) instead of `quick_check`; `leave_nothing` as in `read_only_uri`.
    """
    pragma = "integrity_check" if thorough else f"quick_check({QUICK_PROBLEMS})"
    try:
        connection = sqlite3.connect(read_only_uri(path, leave_nothing=leave_nothing), uri=True)
    except sqlite3.Error as error:
        return [str(error)]
    try:
        rows = connection.execute(f"PRAGMA {pragma}").fetchall()
    except sqlite3.DatabaseError as error:
        if error_code(error) == sqlite3.SQLITE_NOTADB:
            return []  # not an SQLite file at all: opening says so in its own words
        return [str(error)]
    finally:
        connection.close()
    found = [
        line.strip()
        for row in rows
        for line in str(row[0]).splitlines()
        if line.strip() and not line.startswith("*** in database")
    ]
    return [] if found == ["ok"] else found


def error_code(error: BaseException) -> int | None:
    """SQLite's primary result code of a driver error (or SQLAlchemy's wrapper of one)."""
    original = getattr(error, "orig", None) or error
    code = getattr(original, "sqlite_errorcode", None)
    return None if code is None else code & 0xFF


def is_corruption(error: BaseException) -> bool:
    return error_code(error) in _CORRUPT_CODES


def damaged(path: Path, reason: str) -> StoreDamagedError:
    return StoreDamagedError(
        f"the store {path} is damaged ({reason}) and nothing more is written to it: "
        f"`annotator --db {path} store check` lists the problems, `store recover NEW.db` "
        "saves what can still be read, `store restore BACKUP` puts a backup back"
    )


def ensure_same_file(path: Path, opened: FileIdentity, *, writing: bool = True) -> None:
    """Raise `StoreMovedError` when `path` is no longer the file the store opened."""
    now = identity(path)
    if now == opened:
        return
    what = "deleted or moved away" if now is None else "replaced by another file"
    lost = "this change was not saved, and no later one would" if writing else "nothing would"
    raise StoreMovedError(
        f"the store {path} was {what} while it was open: {lost} reach the file there; "
        "open the store where it is now (--db)"
    )
