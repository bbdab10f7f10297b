"""User-facing errors. Every message says what went wrong and, where it helps, what to do.

The command line and the window show `str(error)` and nothing else: no traceback ever
reaches a user for something they can fix.
"""

from __future__ import annotations

from pathlib import PurePath


class AnnotatorError(Exception):
    """Base of every error the user can act on."""


class InputError(AnnotatorError):
    """A file (or one record in it) cannot be imported.

    `line` is 1-based for line-oriented formats and `None` when the whole file is at fault.
    """

    def __init__(self, path: PurePath | str, line: int | None, reason: str) -> None:
        self.path = str(path)
        self.line = line
        self.reason = reason
        super().__init__(self.location + ": " + reason)

    @property
    def location(self) -> str:
        return self.path if self.line is None else f"{self.path}:{self.line}"


class EditError(AnnotatorError):
    """An edit does not fit the document it is applied to (it never reaches the store)."""


class StoreError(AnnotatorError):
    """The store cannot be opened or written (locked, too new, not a store...)."""


class StoreDamagedError(StoreError):
    """SQLite found the store's file damaged: it is read no further and never written."""


class StoreMovedError(StoreError):
    """The store's file was deleted, moved or replaced while it was open."""


class UnreadableDocument(StoreError):
    """A stored document whose fields cannot be decoded (a `meta` nested too deeply for
    Python's JSON reader, written before import refused those)."""


class NotFoundError(AnnotatorError):
    """A dataset or document named by the user does not exist."""


class AnnotatorNameError(AnnotatorError):
    """An annotator name (given, in `ANNOTATOR_NAME` or saved) breaks the name rules."""
