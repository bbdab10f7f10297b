"""Review mode: settling the annotators' done versions of a document, from the keyboard.

In review mode the store acts on the reviewer's versions (`Store.reviewing`). A document
two or more annotators marked done opens as the reviewer's review, begun from what all
of them agree on (`core.review`); each disagreement is a stop (N, Shift+N), where a digit
takes that annotator's choice and 0 rejects them all, as one undoable edit each.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from annotator.core.edits import Edit
from annotator.core.errors import AnnotatorError
from annotator.core.model import Status
from annotator.core.review import Disagreement, Review, review
from annotator.ui.controllers.session import DocumentSession
from annotator.ui.state.view_state import ViewState


class Reviewing(QObject):
    message = Signal(str)

    def __init__(
        self, session: DocumentSession, state: ViewState, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._session = session
        self._state = state

    def set_reviewing(self, reviewing: bool) -> None:
        """Act on the reviewer's reviews (True) or their own versions; the caller opens
        the document again."""
        self._session.set_reviewing(reviewing)
        self._state.set_reviewing(reviewing)

    def prepare(self, document_id: int) -> Review | None:
        """Before a document opens in review mode: what its done versions say, and the
        reviewer's review begun from their proposal (once); None with fewer than two."""
        store = self._session.store
        try:
            versions = store.versions_of(document_id)
            done = {
                v.annotator: v.spans
                for v in versions
                if not v.reviewed and v.status is Status.DONE and v.annotator is not None
            }
            if len(done) < 2:
                return None
            found = review(done)
            store.start_review(document_id, found.proposal)
        except AnnotatorError as error:
            self.message.emit(str(error))
            return None
        return found

    def opened(self, found: Review | None) -> None:
        """After the document opened: its review shown, and what to do next said."""
        self._state.set_review(found)
        if found is None:
            self.message.emit(
                "Fewer than two annotators marked this article done: there is nothing to "
                "compare. The list's filter “Needs review” shows the ones there are."
            )
            return
        count = len(found.disagreements)
        names = ", ".join(found.annotators)
        if count:
            self.message.emit(
                f"{names} agree on {_count(len(found.proposal), 'span')} and differ in "
                f"{_count(count, 'place')}: N goes to the next one."
            )
        else:
            self.message.emit(f"{names} agree on every span: Ctrl+Enter marks it reviewed.")

    def refuses_done(self) -> bool:
        """In review mode, an article with nothing compared is not marked reviewed (said)."""
        if not self._state.reviewing or self._state.review is not None:
            return False
        if self._session.document is not None:
            self.message.emit(
                "Fewer than two annotators marked this article done: there is no review "
                "to mark done."
            )
        return True

    def step(self, *, forward: bool, caret: int) -> bool:
        """N, Shift+N: the next (previous) disagreement after the current one, else after
        the caret, wrapping; False when there is no review open."""
        found = self._state.review
        if found is None:
            return False
        stops = found.disagreements
        if not stops:
            self.message.emit("The annotators agree on every span of this article.")
            return True
        current = self._state.disagreement
        at = current.start if current is not None else caret
        if forward:
            later = [d for d in stops if d.start > at or (current is None and d.start == at)]
            target = later[0] if later else stops[0]
        else:
            earlier = [d for d in stops if d.start < at]
            target = earlier[-1] if earlier else stops[-1]
        self._show(target)
        return True

    def take(self, index: int) -> bool:
        """A digit at a stop: the `index`th annotator's choice; False when no stop is current
        (the digit is a label key then)."""
        disagreement = self._state.disagreement
        document = self._session.document
        if disagreement is None or document is None:
            return False
        if not 0 <= index < len(disagreement.choices):
            self.message.emit(f"Only {len(disagreement.choices)} annotators chose here.")
            return True
        dataset = self._session.dataset
        overlap = dataset.allow_overlap if dataset is not None else False
        edit = disagreement.take(document, index, allow_overlap=overlap)
        if self._settle(edit):
            self.message.emit(f"Took {disagreement.choices[index].describe(document.text)}")
        self._show(disagreement)
        return True

    def reject_all(self) -> None:
        """0 at a stop: nothing there."""
        disagreement = self._state.disagreement
        document = self._session.document
        if disagreement is None or document is None:
            self.message.emit("No disagreement is current: N goes to the next one.")
            return
        if self._settle(disagreement.reject_all(document)):
            self.message.emit("Rejected every choice here.")
        self._show(disagreement)

    def _settle(self, edit: Edit) -> bool:
        """Apply a choice as one undo step; one the review has already changes nothing."""
        changes = edit.changes()
        if not (changes.removed or changes.added):
            self.message.emit("The review already has that here.")
            return False
        return self._session.edit(edit)

    def _show(self, disagreement: Disagreement) -> None:
        """Make `disagreement` the stop: the review's first span there current, else its
        region selected (so the article shows where it is)."""
        document = self._session.document
        if document is None:
            return
        inside = [
            s
            for s in document.gold_spans
            if disagreement.start <= s.start and s.end <= disagreement.end
        ]
        if inside:
            self._state.set_current_span(inside[0])
        else:
            self._state.set_selection((disagreement.start, disagreement.end))
        self._state.set_disagreement(disagreement)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"
