"""From the annotator's keys and clicks to edits: the current span and the selection.

`Editing` reads what the keys act on (the current span, or the text just selected) from
the view state, asks `core.annotating.Gestures` for the edit, and hands it to the session.
After a decision it moves on the way a reviewer expects: Enter and Delete go to the next
open suggestion, a relabel or a resize keeps the span current, a new span becomes current.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal, Slot

from annotator.core.annotating import Gestures
from annotator.core.assistance import ALL_ON, Assistance
from annotator.core.edits import Edit
from annotator.core.errors import EditError
from annotator.core.model import Document, Span, Status
from annotator.core.navigation import gold_at, next_open, step, successor, visible
from annotator.core.snapping import Direction, Edge, snap_selection
from annotator.core.tokens import Tokens
from annotator.ui.controllers.session import DocumentSession
from annotator.ui.state.view_state import ViewState

_NO_TOKENS = Tokens((), ())


class Editing(QObject):
    message = Signal(str)  # a short note for the status bar
    document_finished = Signal(int)  # a document was marked done or skipped: open the next

    def __init__(
        self,
        session: DocumentSession,
        state: ViewState,
        parent: QObject | None = None,
        *,
        assistance: Assistance = ALL_ON,
    ) -> None:
        super().__init__(parent)
        self._session = session
        self._state = state
        self._spread = assistance.propagate

    # -- state ----------------------------------------------------------------------------

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
        self._state.set_selection((start, end))

    @Slot(object)
    def choose(self, span: Span | None) -> None:
        """A span was clicked in the article or chosen in the list (None: no span)."""
        self._state.set_selection(None)
        self._state.set_current_span(span)

    # -- gestures -------------------------------------------------------------------------

    @Slot(str)
    def label(self, name: str) -> None:
        """A label key or button: label the selection, else relabel the current span."""
        selection, current = self._state.selection, self._state.current_span
        if selection is not None:
            start, end = selection
            self._apply(lambda g: g.label_range(start, end, name), follow=(start, end))
        elif current is not None:
            span = current
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
        span = self._state.current_span
        if span is not None:
            self._apply(lambda g: g.accept(span), advance_from=span)

    @Slot()
    def reject(self) -> None:
        span = self._state.current_span
        if span is not None:
            self._apply(lambda g: g.reject(span), advance_from=span)

    def move_edge(self, edge: Edge, direction: Direction) -> None:
        span = self._state.current_span
        if span is not None:
            self._apply(lambda g: g.move_edge(span, edge, direction), follow=None, keep=span)

    @Slot()
    def accept_all(self) -> None:
        self._apply(lambda g: g.accept_all())

    @Slot()
    def label_all_occurrences(self) -> None:
        span = self._state.current_span
        if span is not None:
            self._apply(lambda g: g.label_all(span), follow=(span.start, span.end))

    @Slot()
    def remove_all_occurrences(self) -> None:
        span = self._state.current_span
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
        self._state.set_selection(None)
        self._state.set_current_span(None)

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
            spread=self._spread,
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
            self._state.set_current_span(next_open(after.spans, advance_from))
        elif follow is not None:
            self._state.set_current_span(gold_at(after.spans, *follow))
        elif keep is not None:
            moved = edit.changes().added
            self._state.set_current_span(moved[0] if moved else successor(after.spans, keep))
        self._state.set_selection(None)
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
        state = self._state
        shown = visible(document.spans, show_rejected=state.show_rejected)
        offset = state.selection[0] if state.selection else 0
        current = state.current_span
        state.set_selection(None)
        state.set_current_span(step(shown, current, offset=offset, forward=forward))
