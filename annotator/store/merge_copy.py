"""The other store of a merge, as a private copy: read-only through SQLite's backup, upgraded
in the copy if it is older (never in place), and removed when the merge ends, or by the
next merge when the process was killed."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from annotator.core.errors import StoreError
from annotator.store.backups import private_copy
from annotator.store.db import SCHEMA_VERSION


@contextmanager
def opened_copy(other: Path, here: Path | None) -> Iterator[Any]:
    """A private copy of the store at `other`, opened as a `Store`; checks first."""
    from annotator.store.repository import Store  # the facade, once the file is known good

    if not other.exists():
        raise StoreError(f"{other}: no such file")
    if not other.is_file():
        raise StoreError(f"{other}: not a store file (a folder or a device)")
    if here is not None and (other.resolve() == here.resolve() or other.samefile(here)):
        raise StoreError(f"{other} is this store itself; name another person's store")
    _remove_killed_copies()
    with tempfile.TemporaryDirectory(prefix=f"{_COPY_PREFIX}{os.getpid()}-") as folder:
        copy = Path(folder) / "other.db"
        private_copy(other, copy, SCHEMA_VERSION)
        with Store.open(copy, create=False) as store:
            yield store


_COPY_PREFIX = "annotator-merge-"


def _remove_killed_copies() -> None:
    """Remove the copies merges left when they were killed (their process is gone): a
    copy is a whole store, and nothing else would ever remove it."""
    for folder in Path(tempfile.gettempdir()).glob(f"{_COPY_PREFIX}*"):
        pid = folder.name[len(_COPY_PREFIX) :].split("-", 1)[0]
        if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True
