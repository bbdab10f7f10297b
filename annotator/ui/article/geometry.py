"""Where the blocks of a `QPlainTextEdit` are on screen, in viewport coordinates."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from PySide6.QtCore import QPointF
from PySide6.QtGui import QTextBlock, QTextCursor, QTextDocument, QTextLine
from PySide6.QtWidgets import QPlainTextEdit


def visible_blocks(
    view: QPlainTextEdit, top: float, bottom: float
) -> Iterator[tuple[QTextBlock, QPointF]]:
    """Blocks on screen between viewport `top` and `bottom`, with their layout origin."""
    block = view.firstVisibleBlock()
    offset = view.contentOffset()
    while block.isValid():
        geometry = view.blockBoundingGeometry(block).translated(offset)
        if geometry.top() > bottom:
            break
        if block.isVisible() and geometry.bottom() >= top:
            yield block, geometry.topLeft() + block.layout().position()
        block = block.next()


def block_origin(view: QPlainTextEdit, block: QTextBlock) -> QPointF:
    geometry = view.blockBoundingGeometry(block).translated(view.contentOffset())
    return geometry.topLeft() + block.layout().position()


def on_screen_block_numbers(view: QPlainTextEdit) -> range:
    """The numbers of the blocks from the first one on screen to the last one."""
    first = view.firstVisibleBlock()
    block, offset, height = first, view.contentOffset(), view.viewport().height()
    last = first.blockNumber()
    while block.isValid():
        if view.blockBoundingGeometry(block).translated(offset).top() > height:
            break
        last = block.blockNumber()
        block = block.next()
    return range(first.blockNumber(), last + 1)


def position_at(view: QPlainTextEdit, point: QPointF) -> int | None:
    """Qt position of the character under viewport `point`, None off the text.

    The chip after a span counts as the span's last character.
    """
    cursor = view.cursorForPosition(point.toPoint())
    block = cursor.block()
    layout = block.layout()
    origin = block_origin(view, block)
    local = point - origin
    for number in range(layout.lineCount()):
        line = layout.lineAt(number)
        if line.y() <= local.y() < line.y() + line.height():
            if not line.naturalTextRect().contains(QPointF(local.x(), line.y() + 0.5)):
                return None
            position = line.xToCursor(local.x(), QTextLine.CursorPosition.CursorOnCharacter)
            if position >= block.length() - 1:
                return None
            return block.position() + position
    return None


def scroll_to(view: QPlainTextEdit, position: int) -> None:
    """Scroll so that Qt `position` is on screen, a third of the way down when it is not."""
    cursor = QTextCursor(view.document())
    cursor.setPosition(position)
    for _ in range(3):  # line numbers settle as the blocks scrolled to get laid out
        rect = view.cursorRect(cursor)
        if rect.top() >= 0 and rect.bottom() <= view.viewport().height():
            return
        block = cursor.block()
        line = block.layout().lineForTextPosition(position - block.position())
        line_number = line.lineNumber() if line.isValid() else 0
        lines_on_screen = max(1, view.viewport().height() // view.fontMetrics().lineSpacing())
        target = block.firstLineNumber() + line_number - lines_on_screen // 3
        bar = view.verticalScrollBar()
        if bar.value() == max(bar.minimum(), min(target, bar.maximum())):
            return
        bar.setValue(target)


def block_starts_unless(document: QTextDocument, starts: Sequence[int]) -> list[int] | None:
    """The document's block starts when they differ from `starts`, else None.

    The span index cuts blocks where Python sees line breaks; Qt may read a break
    differently (a lone `\\r`, say), and then Qt's blocks are the truth.
    """
    if document.blockCount() == len(starts) and document.lastBlock().position() == starts[-1]:
        return None
    found = []
    block = document.firstBlock()
    while block.isValid():
        found.append(block.position())
        block = block.next()
    return found


def turn_page(view: QPlainTextEdit, *, forward: bool) -> None:
    """Page Down and Page Up turn the page shown, as a reader does, wherever the caret
    was; the caret goes to the top of the new page, so Tab starts from what is read."""
    bar = view.verticalScrollBar()
    bar.setValue(bar.value() + (bar.pageStep() if forward else -bar.pageStep()))
    shown = bar.value()
    view.setTextCursor(view.cursorForPosition(view.viewport().rect().topLeft()))
    bar.setValue(shown)  # a caret on a line cut at the top must not scroll it back
