"""From the annotator's keys and clicks to edits: the current span and the selection.

`Editing` keeps what the keys act on (the current span, or the text just selected), asks
`core.annotating.Gestures` for the edit, and hands it to the session. After a decision it
moves on the way a reviewer expects: Enter and Delete go to the next open suggestion, a
relabel or a resize keeps the span current, a new span becomes current.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from itertools import chain

from PySide6.QtCore import QObject, Signal, Slot

from annotator.core.annotating import Gestures
from annotator.core.edits import Edit
from annotator.core.errors import EditError
from annotator.core.model import Document, Span, SpanState, Status, sort_key
from annotator.core.navigation import step, visible
from annotator.core.snapping import Direction, Edge, snap_selection
from annotator.core.tokens import Tokens
from annotator.ui.session import DocumentSession

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
            self._set_current(_next_open(after.spans, advance_from))
        elif follow is not None:
            self._set_current(_span_at(after.spans, follow))
        elif keep is not None:
            moved = edit.changes().added
            self._set_current(moved[0] if moved else _successor(after.spans, keep))
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
        if current is not None and not _contains(document.spans, current):
            self._set_current(_successor(document.spans, current))


# A document's spans are sorted by key (start, end, label): the helpers below find spans by
# bisection, so that an edit in an article of 10,000 spans never walks all of them.


def _first_at(spans: Sequence[Span], start: int, end: int = 0) -> int:
    """The index of the first span at or after (`start`, `end`) in key order."""
    return bisect_left(spans, (start, end, ""), key=sort_key)


def _contains(spans: Sequence[Span], span: Span) -> bool:
    index = bisect_left(spans, span.key, key=sort_key)
    return index < len(spans) and spans[index] == span


def _same_range(spans: Sequence[Span], start: int, end: int) -> list[Span]:
    found = []
    for index in range(_first_at(spans, start, end), len(spans)):
        if spans[index].start != start or spans[index].end != end:
            break
        found.append(spans[index])
    return found


def _successor(spans: Sequence[Span], span: Span) -> Span | None:
    """The span at `span`'s place after an edit changed it: same range (same label first),
    else the first span from its start on, wrapping around (`navigation.successor`)."""
    same = _same_range(spans, span.start, span.end)
    if same:
        return next((s for s in same if s.label == span.label), same[0])
    return spans[_first_at(spans, span.start) % len(spans)] if spans else None


def _next_open(spans: Sequence[Span], after: Span) -> Span | None:
    """The first suggestion after `after`, wrapping around (`navigation.step`, open only)."""
    index = bisect_right(spans, after.key, key=sort_key)
    for position in chain(range(index, len(spans)), range(index)):
        if spans[position].state is SpanState.SUGGESTED:
            return spans[position]
    return None


def _span_at(spans: Sequence[Span], where: tuple[int, int]) -> Span | None:
    return next((s for s in _same_range(spans, *where) if s.state.is_gold), None)
