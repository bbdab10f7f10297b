"""From the annotator's keys and clicks to edits: the current span and the selection.

`Editing` reads what the keys act on (the current span, or the text just selected) from
the view state, asks `core.annotating.Gestures` for the edit, and hands it to the session.
After a decision it moves on the way a reviewer expects: Enter, Delete and a label key on
a suggestion go to the next open suggestion; a relabel of a decided span or a resize keeps
the span current; a new span becomes current. Ctrl+Enter accepts what is still open as it
marks the document done.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal, Slot

from annotator.core.annotating import Gestures
from annotator.core.assistance import ALL_ON, Assistance
from annotator.core.edit_summary import other_mentions, quoted, status_line
from annotator.core.edits import Edit
from annotator.core.errors import EditError
from annotator.core.labels import label_with_hotkey
from annotator.core.model import Document, Span, SpanState, Status
from annotator.core.navigation import gold_at, next_open, step, successor, visible
from annotator.core.snapping import Direction, Edge, snap_selection, word_from
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
        self._on_screen: Callable[[Span], bool] = _always

    def set_on_screen(self, check: Callable[[Span], bool]) -> None:
        """How to tell whether a span is on screen: a key acts on no span out of sight."""
        self._on_screen = check

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
        selection = self._state.selection
        current = None if selection is not None else self._visible_current()
        if selection is not None:
            start, end = selection
        elif current is not None:
            start, end = current.start, current.end
        else:
            if self._state.current_span is None:
                self.message.emit("Select some text or a span first, then press a label key.")
            return
        span = current if selection is None else None

        def make(gestures: Gestures) -> Edit | None:
            if span is not None:
                return gestures.relabel(span, name)
            return gestures.label_range(start, end, name)

        said = lambda text: f"{quoted(text, start, end)} → {name}"  # noqa: E731
        if span is not None and span.state is SpanState.SUGGESTED:
            # a decision on a suggestion, as Enter and Delete: on to the next one to decide
            self._apply(make, advance_from=span, said=said)
        else:
            self._apply(make, follow=(start, end), said=said)

    def label_by_hotkey(self, hotkey: str) -> None:
        found = label_with_hotkey(self._state.labels, hotkey)
        if found is None:
            self.message.emit(f"No label has the key {hotkey}.")
            return
        self.label(found.name)

    @Slot()
    def accept(self) -> None:
        span = self._visible_current()
        if span is not None:
            self._apply(lambda g: g.accept(span), advance_from=span, said=_saying("Accepted", span))

    @Slot()
    def reject(self) -> None:
        span = self._visible_current()
        if span is not None:
            self._apply(lambda g: g.reject(span), advance_from=span, said=_saying("Rejected", span))

    @Slot()
    def reject_one(self) -> None:
        """Shift+Delete: reject the current suggestion only; the same words elsewhere
        (another sense of them: "German" the language) keep theirs."""
        span = self._visible_current()
        if span is not None:
            self._apply(
                lambda g: g.reject(span, spread=False),
                advance_from=span,
                said=_saying("Rejected only", span),
            )

    @property
    def spreads(self) -> bool:
        """Whether a decision spreads to the same words elsewhere (propagation is on)."""
        return self._spread

    def move_edge(self, edge: Edge, direction: Direction) -> None:
        span = self._visible_current()
        if span is not None:
            self._apply(lambda g: g.move_edge(span, edge, direction), follow=None, keep=span)

    @Slot()
    def accept_all(self) -> None:
        self._apply(lambda g: g.accept_all())

    @Slot()
    def label_all_occurrences(self) -> None:
        span = self._visible_current()
        if span is not None:
            self._apply(
                lambda g: g.label_all(span),
                follow=(span.start, span.end),
                said=_saying(f"Labelled {span.label}:", span),
            )

    @Slot()
    def remove_all_occurrences(self) -> None:
        span = self._visible_current()
        if span is not None:
            self._apply(
                lambda g: g.remove_all(span), advance_from=span, said=_saying("Removed", span)
            )

    def next_span(self, caret: int = 0) -> None:
        """Tab: the next span after the current one, else after the caret."""
        self._step(forward=True, caret=caret)

    def previous_span(self, caret: int = 0) -> None:
        self._step(forward=False, caret=caret)

    def next_open(self, caret: int = 0) -> None:
        """N: the next suggestion still to decide, skipping the decided spans."""
        self._step(forward=True, caret=caret, open_only=True)

    def previous_open(self, caret: int = 0) -> None:
        self._step(forward=False, caret=caret, open_only=True)

    def grow_selection(self, caret: int) -> None:
        """E: select the word at the caret, or add the next word to the selection."""
        document, tokens = self._session.document, self._session.tokens
        if document is None:
            return
        if tokens is None:
            self.message.emit("The article's words are still being read; try again.")
            return
        selection = self._state.selection
        word = word_from(tokens, document.text, selection[1] if selection else caret)
        if word is None:
            return
        self._state.set_selection((selection[0] if selection else word[0], word[1]))

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
        said: Callable[[str], str] | None = None,
    ) -> bool:
        """Make the edit, apply it, move the current span; `said(text)` names what was
        done for the status bar, which adds how many other mentions changed with it."""
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
        if said is not None:
            target = follow or ((advance_from.start, advance_from.end) if advance_from else None)
            others = other_mentions(edit, *target) if target else 0
            self.message.emit(status_line(said(document.text), others))
        if advance_from is not None:
            self._state.set_current_span(next_open(after.spans, advance_from))
        elif follow is not None:
            self._state.set_current_span(gold_at(after.spans, *follow))
        elif keep is not None:
            moved = edit.changes().added
            following = successor(after.spans, keep, show_rejected=self._state.show_rejected)
            self._state.set_current_span(moved[0] if moved else following)
        self._state.set_selection(None)
        return True

    def _finish(self, status: Status) -> None:
        """Done (its open suggestions accepted) or skipped, then the next document."""
        document = self._session.document
        if document is None:
            return
        if status is Status.DONE:
            if self._apply(lambda g: g.mark_done()):
                after = self._session.document
                accepted = _open_count(document) - (_open_count(after) if after else 0)
                if accepted:
                    noun = "suggestion" if accepted == 1 else "suggestions"
                    self.message.emit(f"Marked done, {accepted} open {noun} accepted.")
        elif document.status is not status:
            self._apply(lambda g: g.set_status(status))
        self.document_finished.emit(document.id)

    def _step(self, *, forward: bool, caret: int, open_only: bool = False) -> None:
        document = self._session.document
        if document is None:
            return
        state = self._state
        shown = visible(document.spans, show_rejected=state.show_rejected)
        offset = state.selection[0] if state.selection else caret
        current = state.current_span
        found = step(shown, current, offset=offset, forward=forward, open_only=open_only)
        if found is None and open_only:
            self.message.emit("No suggestion is left to decide in this article.")
            return
        state.set_selection(None)
        state.set_current_span(found)

    def _visible_current(self) -> Span | None:
        """The current span, if the annotator can see it outlined; else None, said."""
        span = self._state.current_span
        if span is not None and not self._on_screen(span):
            self.message.emit("The current span is off screen: Tab or N brings it back.")
            return None
        return span


def _open_count(document: Document) -> int:
    return sum(1 for span in document.spans if span.state is SpanState.SUGGESTED)


def _always(_span: Span) -> bool:
    return True


def _saying(verb: str, span: Span) -> Callable[[str], str]:
    def say(text: str) -> str:
        return f"{verb} {quoted(text, span.start, span.end)} ({span.label})"

    return say
