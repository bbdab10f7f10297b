"""From the annotator's keys and clicks to edits: the current span and the selection.

`Editing` keeps what the keys act on (the current span, or the text just selected), asks
`core.annotating.Gestures` for the edit, and hands it to the session. After a decision it
moves on the way a reviewer expects: Enter and Delete go to the next open suggestion, a
relabel or a resize keeps the span current, a new span becomes current.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal, Slot

from annotator.core.annotating import Gestures
from annotator.core.edits import Edit
from annotator.core.errors import EditError
from annotator.core.model import Document, Span, SpanState, Status
from annotator.core.navigation import contains, gold_at, next_open, step, successor, visible
from annotator.core.snapping import Direction, Edge, snap_selection
from annotator.core.tokens import Tokens
from annotator.ui.controllers.session import DocumentSession

_NO_TOKENS = Tokens((), ())


class Editing(QObject):
    current_changed = Signal(object)  # Span | None
    selection_cleared = Signal()
    message = Signal(str)  # a short note for the status bar
    document_finished = Signal(int)  # a document was marked done or skipped: open the next

    def __init__(self, session: DocumentSession, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self._current: Span | None = None
        self._selection: tuple[int, int] | None = None
        self._show_rejected = False
        session.opened.connect(self._on_opened)
        session.changed.connect(self._on_changed)

    # -- state ----------------------------------------------------------------------------

    @property
    def current(self) -> Span | None:
        return self._current

    @property
    def selection(self) -> tuple[int, int] | None:
        return self._selection

    def snap(self, start: int, end: int, exact: bool) -> tuple[int, int] | None:
        """The view's snapper: to the open document's tokens, exact until they are known."""
        document, tokens = self._session.document, self._session.tokens
        if document is None:
            return None
        if tokens is None:  # not known yet: take the selection as it is
            return snap_selection(document.text, _NO_TOKENS, start, end, exact=True)
        return snap_selection(document.text, tokens, start, end, exact=exact)

    @Slot(int, int)
    def select(self, start: int, end: int) -> None:
        """Text was selected: the next label key draws a span there."""
        self._selection = (start, end) if start < end else None
        if self._selection is not None:
            self._set_current(None)

    @Slot(object)
    def choose(self, span: Span | None) -> None:
        """A span was clicked in the article or chosen in the list."""
        self._selection = None
        self._set_current(span)

    @Slot(bool)
    def set_show_rejected(self, show: bool) -> None:
        self._show_rejected = show
        if not show and self._current is not None and self._current.state is SpanState.REJECTED:
            self._set_current(None)

    # -- gestures -------------------------------------------------------------------------

    @Slot(str)
    def label(self, name: str) -> None:
        """A label key or button: label the selection, else relabel the current span."""
        if self._selection is not None:
            start, end = self._selection
            self._apply(lambda g: g.label_range(start, end, name), follow=(start, end))
        elif self._current is not None:
            span = self._current
            self._apply(lambda g: g.relabel(span, name), follow=(span.start, span.end))
        else:
            self.message.emit("Select some text or a span first, then press a label key.")

    def label_by_hotkey(self, hotkey: str) -> None:
        dataset = self._session.dataset
        found = (
            next((lb for lb in dataset.labels if lb.hotkey == hotkey), None) if dataset else None
        )
        if found is None:
            self.message.emit(f"No label has the key {hotkey}.")
            return
        self.label(found.name)

    @Slot()
    def accept(self) -> None:
        span = self._current
        if span is not None:
            self._apply(lambda g: g.accept(span), advance_from=span)

    @Slot()
    def reject(self) -> None:
        span = self._current
        if span is not None:
            self._apply(lambda g: g.reject(span), advance_from=span)

    def move_edge(self, edge: Edge, direction: Direction) -> None:
        span = self._current
        if span is not None:
            self._apply(lambda g: g.move_edge(span, edge, direction), follow=None, keep=span)

    @Slot()
    def accept_all(self) -> None:
        self._apply(lambda g: g.accept_all())

    @Slot()
    def label_all_occurrences(self) -> None:
        span = self._current
        if span is not None:
            self._apply(lambda g: g.label_all(span), follow=(span.start, span.end))

    @Slot()
    def remove_all_occurrences(self) -> None:
        span = self._current
        if span is not None:
            self._apply(lambda g: g.remove_all(span), advance_from=span)

    @Slot()
    def next_span(self) -> None:
        self._step(forward=True)

    @Slot()
    def previous_span(self) -> None:
        self._step(forward=False)

    @Slot()
    def clear(self) -> None:
        self._selection = None
        self._set_current(None)
        self.selection_cleared.emit()

    @Slot()
    def mark_done(self) -> None:
        self._finish(Status.DONE)

    @Slot()
    def skip(self) -> None:
        self._finish(Status.SKIPPED)

    # -- helpers --------------------------------------------------------------------------

    def _gestures(self, document: Document) -> Gestures:
        dataset = self._session.dataset
        return Gestures(
            document,
            self._session.tokens,
            allow_overlap=dataset.allow_overlap if dataset else False,
        )

    def _apply(
        self,
        make: Callable[[Gestures], Edit | None],
        *,
        follow: tuple[int, int] | None = None,
        advance_from: Span | None = None,
        keep: Span | None = None,
    ) -> bool:
        document = self._session.document
        if document is None:
            return False
        try:
            edit = make(self._gestures(document))
        except EditError as error:
            self.message.emit(str(error))
            return False
        if edit is None or not self._session.edit(edit):
            return False
        after = self._session.document
        assert after is not None
        if advance_from is not None:
            self._set_current(next_open(after.spans, advance_from))
        elif follow is not None:
            self._set_current(gold_at(after.spans, *follow))
        elif keep is not None:
            moved = edit.changes().added
            self._set_current(moved[0] if moved else successor(after.spans, keep))
        self._selection = None
        return True

    def _finish(self, status: Status) -> None:
        document = self._session.document
        if document is None:
            return
        if document.status is not status:
            self._apply(lambda g: g.set_status(status))
        self.document_finished.emit(document.id)

    def _step(self, *, forward: bool) -> None:
        document = self._session.document
        if document is None:
            return
        shown = visible(document.spans, show_rejected=self._show_rejected)
        offset = self._selection[0] if self._selection else 0
        self._selection = None
        self._set_current(step(shown, self._current, offset=offset, forward=forward))

    def _set_current(self, span: Span | None) -> None:
        if span != self._current:
            self._current = span
            self.current_changed.emit(span)

    @Slot(object)
    def _on_opened(self, _document: Document | None) -> None:
        self._selection = None
        self._current = None
        self.current_changed.emit(None)

    @Slot(object)
    def _on_changed(self, document: Document) -> None:
        """After undo, redo or new suggestions: keep the current span if it is still there."""
        current = self._current
        if current is not None and not contains(document.spans, current):
            self._set_current(successor(document.spans, current))
