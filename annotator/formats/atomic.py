"""Write a file so that readers see either the old file or the complete new one."""

from __future__ import annotations

import contextlib
import glob
import os
import stat
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from annotator.core.errors import AnnotatorError

# A partial file untouched this long was left by an export that was killed: a running
# export writes to its own all the time.
STALE_SECONDS = 60.0
# Export lines run to many kilobytes: with the default 8 KiB buffer each one is a system
# call of its own, which made writing 141 MB take three times as long.
BUFFER_BYTES = 1 << 20


@contextlib.contextmanager
def atomic_output(
    path: Path, *, binary: bool = False, keep: os.stat_result | None = None
) -> Iterator[IO[str] | IO[bytes]]:
    """Yield a file in `path`'s folder; rename it onto `path` only if the block succeeds.

    The data is flushed to disk before the rename, so an interrupted export (an error,
    Ctrl-C or a killed process) never leaves a truncated file at `path`. A new file is
    created readable by its owner only; `keep`, the status of the file being replaced,
    gives the new one that file's permission bits (and owner, where allowed). Hidden
    partial files a killed export left beside `path` are removed.
    """
    folder = path.parent if str(path.parent) else Path()
    if path.is_dir():
        raise AnnotatorError(f"{path} is a directory; give a file name to export to")
    if not folder.is_dir():
        raise AnnotatorError(f"cannot write {path}: the folder {folder} does not exist")
    remove_leftovers(folder, path.name)
    try:
        descriptor, temporary = tempfile.mkstemp(
            prefix=f".{path.name}.", suffix=".partial", dir=folder
        )
    except OSError as error:
        raise AnnotatorError(f"cannot write in {folder}: {error.strerror or error}") from None
    try:
        if keep is not None:
            _take_over(descriptor, keep)
        mode = "wb" if binary else "w"
        encoding = None if binary else "utf-8"
        newline = None if binary else "\n"
        with os.fdopen(
            descriptor, mode, BUFFER_BYTES, encoding=encoding, newline=newline
        ) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        Path(temporary).replace(path)
    except OSError as error:  # disk full, quota, the target became a folder...
        Path(temporary).unlink(missing_ok=True)
        raise AnnotatorError(f"cannot write {path}: {error.strerror or error}") from None
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _take_over(descriptor: int, keep: os.stat_result) -> None:
    """Give the new file the replaced file's permission bits, and its owner if allowed."""
    if (keep.st_uid, keep.st_gid) != (os.geteuid(), os.getegid()):
        with contextlib.suppress(PermissionError):
            os.fchown(descriptor, keep.st_uid, keep.st_gid)
    os.fchmod(descriptor, stat.S_IMODE(keep.st_mode))


def remove_leftovers(folder: Path, name: str) -> list[Path]:
    """Delete the partial files of earlier exports to `name` that were killed; returns them.

    Only files nobody has written to for `STALE_SECONDS`: another export to the same file,
    running now, keeps its own.
    """
    removed = []
    stale = time.time() - STALE_SECONDS
    for found in folder.glob(f".{glob.escape(name)}.*.partial"):
        with contextlib.suppress(OSError):
            if found.is_file() and found.stat().st_mtime < stale:
                found.unlink()
                removed.append(found)
    return removed
