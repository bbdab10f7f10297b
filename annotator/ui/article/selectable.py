"""Read-only text whose selections are code-point ranges: the article view's base.

Qt counts UTF-16 units; this widget speaks code points, through `QtOffsets`. A left
press and release is a click (reported as the span under it, which the subclass finds)
or a drag whose selection is snapped by the window's snapper (exactly as made with Alt
held); Shift and the arrow keys select as a drag does. Either way the range the label
keys act on is reported once, as `selection_made`.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPointF, Qt, Signal
from PySide6.QtGui import QKeyEvent, QMouseEvent, QTextCursor
from PySide6.QtWidgets import QApplication, QPlainTextEdit, QWidget

from annotator.core.model import Span
from annotator.core.text import QtOffsets
from annotator.ui.article.geometry import position_at

Snapper = Callable[[int, int, bool], tuple[int, int] | None]


class SelectableText(QPlainTextEdit):
    """A read-only text view that reports snapped selections and clicks in code points."""

    # Code-point start and end of a selection made with the mouse or the keys, snapped;
    # start == end: the selection the annotator made labels nothing (whitespace only).
    selection_made = Signal(int, int)
    span_clicked = Signal(object)  # the Span under a click or typed tag, or None

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self.setUndoRedoEnabled(False)
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self._text = ""
        self._offsets = QtOffsets("")
        self._snapper: Snapper | None = None
        self._press: QPointF | None = None
        self._press_alt = False
        self._reported: tuple[int, int] | None = None  # the last selection reported

    def span_at(self, offset: int) -> Span | None:
        """The span a click on the character at code-point `offset` chooses, if any."""
        return None

    def set_snapper(self, snap: Snapper | None) -> None:
        """`snap(start, end, exact)` fits a mouse selection (exact with Alt held), or None."""
        self._snapper = snap

    def text(self) -> str:
        """The document's text, as given (the widget's own text may differ, see QtOffsets)."""
        return self._text

    def caret_offset(self) -> int:
        """The caret's code-point offset: where Tab starts from without a current span."""
        return self._offsets.from_qt(self.textCursor().position())

    def offset_at(self, point: QPointF) -> int | None:
        """Code-point offset of the character under viewport `point`, None off the text.

        The chip after a span counts as the span's last character.
        """
        position = position_at(self, point)
        return None if position is None else self._offsets.from_qt(position)

    # Selection ----------------------------------------------------------------------------

    def selected_range(self) -> tuple[int, int] | None:
        """The selection in code points, or None without one."""
        cursor = self.textCursor()
        if not cursor.hasSelection():
            return None
        start = self._offsets.from_qt(cursor.selectionStart())
        end = self._offsets.from_qt(cursor.selectionEnd(), round_up=True)
        return (start, end) if start < end else None

    def select_range(self, start: int, end: int) -> None:
        """Select code points `start:end` (and scroll to the selection)."""
        length = len(self._text)
        start, end = sorted((max(0, min(start, length)), max(0, min(end, length))))
        cursor = QTextCursor(self.document())
        cursor.setPosition(self._offsets.to_qt(start))
        cursor.setPosition(self._offsets.to_qt(end), QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(cursor)

    def show_selection(self, selection: tuple[int, int] | None) -> None:
        """Show the selection the label keys act on: none clears the text selected; a
        range the view did not report itself (the grow key's) is selected."""
        if selection is None:
            self._reported = None
            self.clear_selection()
        elif selection != self._reported:
            self._reported = selection
            self.select_range(*selection)

    def clear_selection(self) -> None:
        cursor = self.textCursor()
        if cursor.hasSelection():
            cursor.clearSelection()
            self.setTextCursor(cursor)

    # Mouse --------------------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._press = event.position()
            self._press_alt = bool(event.modifiers() & Qt.KeyboardModifier.AltModifier)
            shift = event.modifiers() & Qt.KeyboardModifier.ShiftModifier
            if not shift and self.textCursor().hasSelection():
                # A press inside the old selection would start dragging its text out:
                # start a new selection instead.
                self.setTextCursor(self.cursorForPosition(event.position().toPoint()))
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        if event.button() != Qt.MouseButton.LeftButton or self._press is None:
            return
        press, self._press = self._press, None
        exact = self._press_alt or bool(event.modifiers() & Qt.KeyboardModifier.AltModifier)
        selected = self.selected_range()
        if selected is not None:
            self._finish_selection(*selected, exact=exact)
            return
        moved = (event.position() - press).manhattanLength()
        if moved < QApplication.startDragDistance():
            offset = self.offset_at(event.position())
            self.span_clicked.emit(None if offset is None else self.span_at(offset))
        else:  # a drag that selected nothing: the annotator meant something else
            self.span_clicked.emit(None)

    def _finish_selection(self, start: int, end: int, *, exact: bool) -> None:
        snapped = (start, end) if self._snapper is None else self._snapper(start, end, exact)
        if snapped is None:  # whitespace only: nothing selected, nothing current
            self.clear_selection()
            self.span_clicked.emit(None)
            return
        if snapped != (start, end):
            self.select_range(*snapped)
        self._reported = snapped
        self.selection_made.emit(*snapped)

    # Keys ---------------------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        before = self.selected_range()
        super().keyPressEvent(event)
        after = self.selected_range()
        if after != before and event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            self._report_key_selection(after)

    def _report_key_selection(self, selected: tuple[int, int] | None) -> None:
        """Shift and the arrow keys select: the selection the label keys act on, snapped
        as a drag is, while the text shown selected stays as the keys made it."""
        snapped = None
        if selected is not None:
            snapped = selected if self._snapper is None else self._snapper(*selected, False)
        self._reported = snapped
        if snapped is None:
            caret = self.caret_offset()
            self.selection_made.emit(caret, caret)
        else:
            self.selection_made.emit(*snapped)
