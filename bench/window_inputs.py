"""The simulated annotator's hands on the real window: Qt's own test events, recorded.

Every input is one key press (with its modifiers), one click or one drag on the article,
or one click in the scroll bar's page area (a page of scrolling). Each is sent with
`QTest` exactly as a test sends it, and recorded as an `Input` of plain numbers, so that
`Hands.perform` can send the same list to a fresh window. Waiting for the worker to bring
a document's suggestions is recorded too (as `wait`, not counted as an input): a person
also waits for them before deciding.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QScrollBar, QStyle, QStyleOptionSlider

from annotator.core.text import QtOffsets
from annotator.ui.shell.launch import Parts

Kind = Literal["key", "click", "drag", "page", "line", "wait"]
NO_MODIFIER = Qt.KeyboardModifier.NoModifier
LEFT = Qt.MouseButton.LeftButton
WAIT_SECONDS = 120.0


class WindowTimeout(RuntimeError):
    """The window did not reach a state in time (the model did not answer, say)."""


@dataclass(frozen=True, slots=True)
class Input:
    """One recorded input. `key`/`modifiers` are Qt's values; `points` viewport pixels;
    `page` is +1 (down) or -1 (up) for a page or a line of scrolling."""

    kind: Kind
    key: int = 0
    modifiers: int = 0
    points: tuple[tuple[int, int], ...] = ()
    page: int = 0


class Hands:
    """Sends inputs to the window's article and records them."""

    def __init__(self, parts: Parts) -> None:
        self.parts = parts
        self.recorded: list[Input] = []
        self._analysed: set[int] = set()
        parts.worker.analysed.connect(lambda analysis: self._analysed.add(analysis.document_id))
        parts.worker.analysis_failed.connect(lambda document_id, _: self._analysed.add(document_id))

    @property
    def count(self) -> int:
        """Inputs so far (waiting is not one)."""
        return sum(1 for made in self.recorded if made.kind != "wait")

    # -- inputs ---------------------------------------------------------------------------

    def key(self, key: Qt.Key, modifiers: Qt.KeyboardModifier = NO_MODIFIER) -> None:
        self.perform(Input("key", key=key.value, modifiers=modifiers.value))

    def click(self, point: QPoint) -> None:
        self.perform(Input("click", points=((point.x(), point.y()),)))

    def drag(self, start: QPoint, end: QPoint) -> None:
        self.perform(Input("drag", points=((start.x(), start.y()), (end.x(), end.y()))))

    def page(self, direction: int) -> None:
        """One click in the scroll bar's trough, below (+1) or above (-1) its handle."""
        self.perform(Input("page", page=direction))

    def line(self, direction: int) -> None:
        """One click on the scroll bar's arrow, down (+1) or up (-1): one line."""
        self.perform(Input("line", page=direction))

    def wait_for_document(self) -> None:
        """Wait until the open document's suggestions are in (not an input)."""
        self.perform(Input("wait"))

    def perform(self, made: Input) -> None:
        """Send one input (recorded or replayed) and let the window finish with it."""
        self.recorded.append(made)
        view = self.parts.window.article
        if made.kind == "key":
            key = Qt.Key(made.key)
            QTest.keyClick(view, key, Qt.KeyboardModifier(made.modifiers))
        elif made.kind == "click":
            point = QPoint(*made.points[0])
            QTest.mouseClick(view.viewport(), LEFT, NO_MODIFIER, point)
        elif made.kind == "drag":
            start, end = QPoint(*made.points[0]), QPoint(*made.points[1])
            QTest.mousePress(view.viewport(), LEFT, NO_MODIFIER, start)
            QTest.mouseMove(view.viewport(), end)
            QTest.mouseRelease(view.viewport(), LEFT, NO_MODIFIER, end)
        elif made.kind == "page":
            bar = view.verticalScrollBar()
            QTest.mouseClick(bar, LEFT, NO_MODIFIER, _part(bar, made.page, page=True))
        elif made.kind == "line":
            bar = view.verticalScrollBar()
            QTest.mouseClick(bar, LEFT, NO_MODIFIER, _part(bar, made.page, page=False))
        else:
            self._until(self._document_analysed)
        self.settle()

    # -- waiting --------------------------------------------------------------------------

    def settle(self) -> None:
        """Process events until the article's spans are all formatted (positions hold)."""
        QTest.qWait(0)
        self._until(self.parts.window.article.formatting_done)

    def _document_analysed(self) -> bool:
        document = self.parts.session.document
        return document is not None and document.id in self._analysed

    def _until(self, done: Callable[[], bool]) -> None:
        deadline = time.monotonic() + WAIT_SECONDS
        while not done():
            if time.monotonic() > deadline:
                raise WindowTimeout(f"the window did not get there in {WAIT_SECONDS:.0f} s")
            QTest.qWait(5)


# -- where things are on screen ---------------------------------------------------------------


def character_box(parts: Parts, offset: int) -> tuple[QPoint, QPoint]:
    """Viewport points just inside the left and right edges of the character at `offset`,
    at the middle of its line."""
    view = parts.window.article
    offsets = QtOffsets(view.text())
    left_rect = view.cursorRect(_cursor(parts, offsets.to_qt(offset)))
    after = view.cursorRect(_cursor(parts, offsets.to_qt(offset + 1)))
    y = left_rect.center().y()
    if after.center().y() == y and after.left() > left_rect.left():
        right = after.left()
    else:  # the character ends its line
        right = left_rect.left() + view.fontMetrics().horizontalAdvance(view.text()[offset])
    return QPoint(left_rect.left() + 1, y), QPoint(right - 1, y)


def on_screen(parts: Parts, offset: int) -> int:
    """0 when the character at `offset` is inside the viewport, +1 below it, -1 above."""
    view = parts.window.article
    rect = view.cursorRect(_cursor(parts, QtOffsets(view.text()).to_qt(offset)))
    if rect.top() < 0:
        return -1
    if rect.bottom() > view.viewport().height():
        return 1
    return 0


def pages_to(parts: Parts, offset: int) -> int:
    """About how many page scrolls bring the character at `offset` on screen."""
    view = parts.window.article
    rect = view.cursorRect(_cursor(parts, QtOffsets(view.text()).to_qt(offset)))
    height = view.viewport().height()
    page = max(height - rect.height(), 1)
    if rect.top() < 0:
        return math.ceil(-rect.top() / page)
    if rect.bottom() > height:
        return math.ceil((rect.bottom() - height) / page)
    return 0


def _cursor(parts: Parts, qt_position: int) -> QTextCursor:
    cursor = QTextCursor(parts.window.article.document())
    cursor.setPosition(qt_position)
    return cursor


def _part(bar: QScrollBar, direction: int, *, page: bool) -> QPoint:
    """The middle of the scroll bar's trough below (+1) or above (-1) its handle, or of
    its arrow down or up."""
    option = QStyleOptionSlider()
    bar.initStyleOption(option)
    sub = QStyle.SubControl
    if page:
        part = sub.SC_ScrollBarAddPage if direction > 0 else sub.SC_ScrollBarSubPage
    else:
        part = sub.SC_ScrollBarAddLine if direction > 0 else sub.SC_ScrollBarSubLine
    rect = bar.style().subControlRect(QStyle.ComplexControl.CC_ScrollBar, option, part, bar)
    return rect.center()
