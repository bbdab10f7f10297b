"""Where an export's bytes go, decided by what is at the destination.

- nothing, or a regular file: written beside it and renamed onto it when complete
  (`atomic.py`); a file that is replaced keeps its permission bits;
- a symbolic link: the same, at the file the link points to; the link stays;
- a named pipe (FIFO) or a character device (`/dev/null`, a terminal): written straight
  into it, as a stream; nothing is ever put in its place;
- `-`: the standard output, as a stream;
- refused: a folder, a block device or socket, the store being exported and its
  `-wal`/`-shm`/`-journal` files (compared by device and inode, links followed), and,
  unless forced, an SQLite database (a store, a backup of one) or a read-only file.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import IO

from annotator.core.errors import AnnotatorError
from annotator.formats.atomic import BUFFER_BYTES, atomic_output

SQLITE_HEADER = b"SQLite format 3\x00"


class StandardOutput(Enum):
    """The `-` destination: the process's standard output."""

    STDOUT = "-"


STDOUT = StandardOutput.STDOUT
Target = Path | StandardOutput


class OutputClosedError(AnnotatorError):
    """The program reading the standard output closed it before the export ended."""


class Kind(Enum):
    FILE = "file"  # replaced atomically
    STREAM = "stream"  # a FIFO or character device, written in place
    STDOUT = "stdout"


@dataclass(frozen=True, slots=True)
class Destination:
    shown: str  # the destination as the user named it
    kind: Kind
    path: Path | None = None  # what is written, links followed; None for stdout
    keep: os.stat_result | None = None  # the regular file being replaced


def describe(out: Target) -> str:
    return "the standard output" if out is STDOUT else str(out)


def find_destination(
    out: Target, *, protected: Sequence[Path] = (), force: bool = False, binary: bool = False
) -> Destination:
    """Decide how `out` is written, or raise `AnnotatorError` saying why it is refused.

    `protected` are files that are never written (the store and its companions);
    `force` allows replacing an SQLite database or a read-only file; `binary` output
    is refused on a terminal.
    """
    if out is STDOUT:
        if binary and _is_terminal(sys.stdout):
            raise AnnotatorError(
                "the .spacy format is binary: redirect the standard output to a file or a pipe"
            )
        if _stdout_is_protected(protected):
            raise AnnotatorError(
                "the standard output is the store being exported (or its journal); writing "
                "there would destroy it. Redirect it to another file."
            )
        return Destination("-", Kind.STDOUT)
    assert isinstance(out, Path)
    shown = str(out)
    target = Path(os.path.realpath(out))
    named = f"{shown} (a link to {target})" if out.is_symlink() else shown
    if _is_protected(target, protected):
        raise AnnotatorError(
            f"{named} is the store being exported (or its journal); writing there would "
            "destroy it. Choose another file."
        )
    try:
        status = target.stat()
    except FileNotFoundError:
        folder = target.parent
        if not folder.is_dir():
            raise AnnotatorError(
                f"cannot write {named}: the folder {folder} does not exist"
            ) from None
        return Destination(shown, Kind.FILE, target)
    except OSError as error:
        raise AnnotatorError(f"cannot write {named}: {error.strerror or error}") from None
    mode = status.st_mode
    if stat.S_ISDIR(mode):
        raise AnnotatorError(f"{named} is a directory; give a file name to export to")
    if stat.S_ISFIFO(mode) or stat.S_ISCHR(mode):
        return Destination(shown, Kind.STREAM, target)
    if not stat.S_ISREG(mode):
        kind = "a block device" if stat.S_ISBLK(mode) else "a socket"
        raise AnnotatorError(
            f"{named} is {kind}; export writes to files, pipes and character devices only"
        )
    if not force and _is_sqlite(target):
        raise AnnotatorError(
            f"{named} is an SQLite database (a store, or a backup of one); exporting would "
            "replace it. Choose another file, or use --force to replace it."
        )
    if not force and _is_read_only(target, status):
        raise AnnotatorError(f"{named} is read-only; use --force to replace it anyway")
    return Destination(shown, Kind.FILE, target, status)


@contextlib.contextmanager
def open_output(
    out: Target, *, protected: Sequence[Path] = (), force: bool = False, binary: bool = False
) -> Iterator[IO[bytes]]:
    """A binary handle for `out`, written as `find_destination` decides."""
    destination = find_destination(out, protected=protected, force=force, binary=binary)
    if destination.kind is Kind.FILE:
        assert destination.path is not None
        with atomic_output(destination.path, binary=True, keep=destination.keep) as handle:
            yield handle  # type: ignore[misc]
    elif destination.kind is Kind.STREAM:
        with _stream(destination, binary) as handle:
            yield handle
    else:
        with _standard_output() as handle:
            yield handle


@contextlib.contextmanager
def _stream(destination: Destination, binary: bool) -> Iterator[IO[bytes]]:
    """Write into a FIFO or character device as it is (blocks until a FIFO has a reader)."""
    assert destination.path is not None
    name = destination.shown
    try:
        descriptor = os.open(destination.path, os.O_WRONLY | os.O_NOCTTY | os.O_CLOEXEC)
    except OSError as error:
        raise AnnotatorError(f"cannot write {name}: {error.strerror or error}") from None
    mode = os.fstat(descriptor).st_mode
    if not (stat.S_ISFIFO(mode) or stat.S_ISCHR(mode)):  # replaced since it was looked at
        os.close(descriptor)
        raise AnnotatorError(f"{name} changed while the export started; try again")
    if binary and os.isatty(descriptor):
        os.close(descriptor)
        raise AnnotatorError(f"the .spacy format is binary: {name} is a terminal")
    handle = os.fdopen(descriptor, "wb", BUFFER_BYTES)
    try:
        with handle:
            yield handle
    except OSError as error:
        with contextlib.suppress(OSError):
            handle.close()
        if error.errno == errno.EPIPE:
            raise AnnotatorError(
                f"cannot write {name}: the program reading it closed it before the end"
            ) from None
        raise AnnotatorError(f"cannot write {name}: {error.strerror or error}") from None


@contextlib.contextmanager
def _standard_output() -> Iterator[IO[bytes]]:
    """The standard output's bytes; a reader that goes away raises `OutputClosedError`.

    Once the reader has gone, the standard output is pointed at the null device, so the
    interpreter's own flush at exit has nowhere to fail (the advice of Python's `signal`
    documentation for SIGPIPE).
    """
    if sys.stdout is None:  # started with the standard output closed (`>&-`)
        raise AnnotatorError("the standard output is closed: name a file to export to")
    sys.stdout.flush()
    handle = sys.stdout.buffer
    try:
        yield handle
        handle.flush()
    except OSError as error:
        with contextlib.suppress(OSError, ValueError, AttributeError):
            null = os.open(os.devnull, os.O_WRONLY)
            os.dup2(null, handle.fileno())
            os.close(null)
        if isinstance(error, BrokenPipeError):
            raise OutputClosedError(
                "the program reading the standard output closed it before the end"
            ) from None
        raise AnnotatorError(  # a full disk behind a redirection, a quota...
            f"cannot write to the standard output: {error.strerror or error}"
        ) from None


def _is_terminal(handle: IO[str]) -> bool:
    try:
        return handle.isatty()
    except (OSError, ValueError):
        return False


def _is_protected(target: Path, protected: Sequence[Path]) -> bool:
    """Is `target` one of `protected`: the same inode, or the same resolved name?"""
    for path in protected:
        if Path(os.path.realpath(path)) == target:
            return True
        with contextlib.suppress(OSError):
            if path.samefile(target):
                return True
    return False


def _stdout_is_protected(protected: Sequence[Path]) -> bool:
    """`annotator export - >> store.db`: is the standard output one of `protected`?"""
    try:
        output = os.fstat(sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # no real file (a test's capture)
        return False
    for path in protected:
        with contextlib.suppress(OSError):
            found = path.stat()
            if (found.st_dev, found.st_ino) == (output.st_dev, output.st_ino):
                return True
    return False


def _is_sqlite(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(len(SQLITE_HEADER)) == SQLITE_HEADER
    except OSError:
        return False


def _is_read_only(path: Path, status: os.stat_result) -> bool:
    """No write permission bit at all (root may write anyway), or no access for us."""
    return not status.st_mode & 0o222 or not os.access(path, os.W_OK)
