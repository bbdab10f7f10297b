"""Where the article view paints over the text: the label chips after spans, and the
rectangles of a range (for the current span's outline and the jump tags)."""

from __future__ import annotations

from collections.abc import Iterator

from PySide6.QtCore import QRectF
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QPlainTextEdit

from annotator.ui.article.geometry import visible_blocks
from annotator.ui.article.span_index import BlockSpanIndex
from annotator.ui.article.style import SpanStyle, line_box


def paint_chips(
    view: QPlainTextEdit,
    painter: QPainter,
    index: BlockSpanIndex,
    style: SpanStyle,
    top: float,
    bottom: float,
) -> None:
    """The label chips of the blocks between viewport `top` and `bottom`."""
    ratio = view.viewport().devicePixelRatioF()
    for block, origin in visible_blocks(view, top, bottom):
        layout = block.layout()
        for gap in index.gaps(block.position(), block.length() - 1):
            line = layout.lineForTextPosition(gap.start)
            box = line_box(line, gap.start, gap.end) if line.isValid() else None
            if box is None:
                continue
            width = style.gap(gap.spans)  # letter spacing widens the glyph's right
            rect = QRectF(origin.x() + box[1] - width, origin.y() + line.y(), width, 0)
            rect.setHeight(line.height())
            style.paint_chips(painter, gap.spans, rect, ratio)


def range_rects(view: QPlainTextEdit, start: int, end: int) -> Iterator[QRectF]:
    """Viewport rectangles of Qt positions `start:end`, one per line, in visible blocks."""
    height = view.viewport().height()
    for block, origin in visible_blocks(view, 0, height):
        block_start, length = block.position(), block.length() - 1
        first = max(start - block_start, 0)
        last = min(end - block_start, length)
        if last <= first:
            continue
        layout = block.layout()
        for number in range(layout.lineCount()):
            line = layout.lineAt(number)
            line_start = line.textStart()
            line_end = line_start + line.textLength()
            box = line_box(line, max(first, line_start), min(last, line_end))
            if box is not None:
                left, right = box
                y = origin.y() + line.y()
                yield QRectF(origin.x() + left, y, right - left, line.height())
