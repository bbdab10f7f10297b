"""The line above the article in review mode: the open document's disagreements, and at a
stop who chose what, each choice with the key that takes it."""

from __future__ import annotations

from html import escape, unescape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

from annotator.core.model import Document
from annotator.core.review import Disagreement, Review


class ReviewPanel(QLabel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("review_panel")
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setContentsMargins(6, 4, 6, 4)
        self.hide()

    def show_review(
        self,
        document: Document | None,
        review: Review | None,
        stop: Disagreement | None,
    ) -> None:
        """What the reviewer needs now: the stop's choices, else the document's tally."""
        if document is None:
            rich = ""
        elif review is None:
            rich = "Fewer than two annotators marked this article done: nothing to compare."
        elif stop is not None:
            rich = _stop_text(document, review, stop)
        else:
            rich = escape(_tally(document, review))
        self.setText(rich)
        self.setAccessibleDescription(_plain(rich))

    def plain_text(self) -> str:
        """The text shown, without its markup (what a screen reader says)."""
        return self.accessibleDescription()


def _plain(rich: str) -> str:
    for tag in ("<b>", "</b>", "<u>", "</u>"):
        rich = rich.replace(tag, "")
    return unescape(rich)


def _tally(document: Document, review: Review) -> str:
    names = ", ".join(review.annotators)
    count = len(review.disagreements)
    if not count:
        return f"{names} agree on every span. Ctrl+Enter marks it reviewed."
    settled = sum(taken is not None for taken in review.settled(document))
    return (
        f"{names} agree on {_count(len(review.proposal), 'span')} and differ in "
        f"{_count(count, 'place')} ({settled} settled as one of them chose). "
        "N / Shift+N: go to one."
    )


def _stop_text(document: Document, review: Review, stop: Disagreement) -> str:
    number = review.disagreements.index(stop) + 1 if stop in review.disagreements else 0
    taken = stop.taken(document)
    choices = []
    for index, choice in enumerate(stop.choices):
        key = f"<b>{index + 1}</b> {escape(choice.describe(document.text))}"
        choices.append(f"<u>{key}</u> (in the review)" if index == taken else key)
    where = f"Disagreement {number} of {len(review.disagreements)}"
    return f"{where}: " + " · ".join(choices) + " · <b>0</b> reject all"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"
