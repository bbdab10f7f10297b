"""Changing the open document, and its undo history: the only object that changes
annotations.

Every change goes through `DocumentSession.edit`: the core edit is applied to the value,
written to the store in one transaction, and only then pushed on the document's undo stack
and handed to the view state, which announces it. An edit that does not fit, or that the
store refuses, changes nothing and is reported through `refused`. Each document keeps its
own `QUndoStack` in a `QUndoGroup` for as long as the window runs, so going back to a
document keeps its history; its review (in review mode) has a history of its own.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoGroup, QUndoStack

from annotator.core.edits import Edit
from annotator.core.errors import AnnotatorError, StoreMovedError
from annotator.core.model import Dataset, Document
from annotator.core.tokens import Tokens
from annotator.store import Store
from annotator.ui.state.view_state import ViewState


class EditCommand(QUndoCommand):
    """A core edit on the undo stack: redo applies it, undo applies its inverse.

    The session applies an edit before pushing it (so a refused edit never reaches the
    stack), hence the first `redo`, which `QUndoStack.push` calls, does nothing. If a later
    undo or redo is refused (the document changed underneath, the store is locked), the
    command is made obsolete and the stack drops it.
    """

    def __init__(self, session: DocumentSession, document_id: int, edit: Edit) -> None:
        super().__init__(edit.description)
        self._session = session
        self._document_id = document_id
        self._edit = edit
        self._pushed = False

    def redo(self) -> None:
        if not self._pushed:
            self._pushed = True
            return
        if not self._session.replay(self._document_id, self._edit):
            self.setObsolete(True)

    def undo(self) -> None:
        if not self._session.replay(self._document_id, self._edit.inverted()):
            self.setObsolete(True)


class DocumentSession(QObject):
    refused = Signal(str)  # why an edit changed nothing, for the status bar
    store_lost = Signal(str)  # the store's file was moved, deleted or replaced: why

    def __init__(
        self,
        store: Store,
        state: ViewState | None = None,
        *,
        annotator: str | None = None,
        parent: QObject | None = None,
    ) -> None:
        """`state`: the window's view state, which the session tells of every change (a
        session used without a window keeps its own)."""
        super().__init__(parent)
        self.store = store
        if annotator is not None:
            store.annotator = annotator
        self.undo_group = QUndoGroup(self)
        self.state = state if state is not None else ViewState(self)
        self._state = self.state
        self._stacks: dict[tuple[int, bool], QUndoStack] = {}
        self._tokens: Tokens | None = None

    @property
    def annotator(self) -> str:
        """Whose version of each document the session reads and edits."""
        return self.store.annotator

    def switch_annotator(self, name: str) -> None:
        """Act as `name` from now on: their versions, and no undo of another's edits."""
        if name == self.store.annotator:
            return
        self.store.annotator = name
        for stack in self._stacks.values():
            self.undo_group.removeStack(stack)
            stack.deleteLater()
        self._stacks.clear()

    @property
    def reviewing(self) -> bool:
        """Whether the session reads and edits the annotator's reviews (`Store.reviewing`)."""
        return self.store.reviewing

    def set_reviewing(self, reviewing: bool) -> None:
        """Act on the annotator's reviews (True) or their own versions from now on; each
        keeps its undo history. The caller opens the document again."""
        self.store.reviewing = reviewing

    @property
    def dataset(self) -> Dataset | None:
        return self._state.dataset

    @property
    def document(self) -> Document | None:
        return self._state.document

    @property
    def tokens(self) -> Tokens | None:
        """The open document's token offsets, once known (from the store or the worker)."""
        return self._tokens

    def set_dataset(self, dataset: Dataset | None) -> None:
        """Work in `dataset` (labels and overlap rule); closes a document of another one."""
        document = self.document
        if document is not None and (dataset is None or document.dataset_id != dataset.id):
            self.open(None)
        self._state.set_dataset(dataset)

    def open(self, document_id: int | None) -> Document | None:
        """Open a document from the store (None closes it); its own undo stack comes back."""
        if document_id is None:
            self._tokens = None
            self.undo_group.setActiveStack(None)  # type: ignore[arg-type]
            self._state.set_document(None)
            return None
        try:
            document = self.store.get_document(document_id)
            tokens = self.store.get_tokens(document_id)
        except AnnotatorError as error:
            self.refused.emit(str(error))
            return None
        self._tokens = tokens
        self.undo_group.setActiveStack(self._stack(document_id))
        self._state.set_document(document)
        return document

    def reload(self) -> None:
        """Read the open document again (another program may have changed it)."""
        if self.document is not None:
            self.open(self.document.id)

    def set_tokens(self, document_id: int, tokens: Tokens) -> None:
        if self.document is not None and self.document.id == document_id:
            self._tokens = tokens

    def edit(self, edit: Edit | None) -> bool:
        """Apply, write and record `edit` as one undo step; False when nothing changed."""
        document = self.document
        if edit is None or document is None:
            return False
        if not self._write(edit):
            return False
        self._stack(document.id).push(EditCommand(self, document.id, edit))
        return True

    def apply_unrecorded(self, write: Callable[[Document], Document]) -> bool:
        """Write a change nobody made by hand (suggestions arriving): not undoable.

        `write` takes the open document, stores the change and returns the result.
        """
        document = self.document
        if document is None:
            return False
        try:
            changed = write(document)
        except AnnotatorError as error:
            self._refuse(error)
            return False
        self._state.set_document(changed)
        return True

    def replay(self, document_id: int, edit: Edit) -> bool:
        """Undo or redo: apply `edit` to the open document if it is `document_id`."""
        if self.document is None or self.document.id != document_id:
            self.refused.emit("that change belongs to a document that is not open")
            return False
        return self._write(edit)

    def _write(self, edit: Edit) -> bool:
        document = self.document
        assert document is not None
        try:
            changed = self.store.apply(document, edit)
        except AnnotatorError as error:
            self._refuse(error)
            return False
        self._state.set_document(changed)
        return True

    def _refuse(self, error: AnnotatorError) -> None:
        self.refused.emit(str(error))
        if isinstance(error, StoreMovedError):
            self.store_lost.emit(str(error))

    def _stack(self, document_id: int) -> QUndoStack:
        key = (document_id, self.store.reviewing)
        stack = self._stacks.get(key)
        if stack is None:
            stack = QUndoStack(self.undo_group)
            self._stacks[key] = stack
        return stack
