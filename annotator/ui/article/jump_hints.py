"""The article's jump mode: a letter tag on every span on screen; typing one makes that
span current (`core.hints` makes the tags).

The view owns one `JumpHints`: `start` tags the spans it is given, `type` takes each key
and says whether a span was reached, `paint` draws the tags at the spans' first lines.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter

from annotator.core.hints import hint_tags, matching
from annotator.core.model import Span

RectsOf = Callable[[Span], Iterable[QRectF]]
_BACKGROUND = QColor("#fff3a0")
_BORDER = QColor("#806000")
_TEXT = QColor("#000000")


class JumpHints:
    """The tags on screen and what has been typed of one."""

    def __init__(self) -> None:
        self._spans: list[Span] = []
        self._tags: list[str] = []
        self._typed = ""

    @property
    def active(self) -> bool:
        return bool(self._spans)

    def start(self, spans: Sequence[Span]) -> bool:
        """Tag `spans` (those on screen, in text order); False when there are none."""
        self._spans = list(spans)
        self._tags = hint_tags(len(self._spans))
        self._typed = ""
        return self.active

    def stop(self) -> None:
        self._spans, self._tags, self._typed = [], [], ""

    def tags(self) -> dict[str, Span]:
        return dict(zip(self._tags, self._spans, strict=True))

    def type(self, letter: str) -> Span | None:
        """One typed key: the span reached, or None (still typing, or the mode ended).

        Anything but a single letter some tag continues with ends the mode without a
        span, as Escape (an empty `letter`) does.
        """
        typed = self._typed + letter.lower()
        found = matching(self._tags, typed) if len(letter) == 1 and letter.isalpha() else []
        if not found:
            self.stop()
            return None
        if len(found) == 1 and self._tags[found[0]] == typed:
            span = self._spans[found[0]]
            self.stop()
            return span
        self._typed = typed
        return None

    def paint(self, painter: QPainter, font: QFont, rects_of: RectsOf) -> None:
        """Each tag still possible, at the top left of its span's first line on screen."""
        small = QFont(font)
        small.setBold(True)
        small.setPointSizeF(max(6.0, font.pointSizeF() * 0.8))
        metrics = QFontMetricsF(small)
        painter.setFont(small)
        for index in matching(self._tags, self._typed):
            first = next(iter(rects_of(self._spans[index])), None)
            if first is None:
                continue
            tag = self._tags[index].upper()
            width = metrics.horizontalAdvance(tag) + 6
            box = QRectF(first.left() - 2, first.top() - 2, width, metrics.height() + 2)
            painter.setPen(_BORDER)
            painter.setBrush(_BACKGROUND)
            painter.drawRoundedRect(box, 3, 3)
            painter.setPen(_TEXT)
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, tag)
