"""How a span looks: its character format, its label chip and the current-span outline.

Suggestions get a translucent background of their label colour with a dashed underline;
accepted and drawn spans the full colour, with black or white text by the colour's
luminance; rejected suggestions (when shown at all) are grey and struck through.

The chip is displaCy's inline label tag. The span's last character gets extra letter
spacing (`tail_format`), which opens a gap in the line without touching the text or its
offsets; the view paints the chips into those gaps (`paint_chips`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QPainter,
    QPen,
    QPixmap,
    QTextCharFormat,
    QTextLine,
)

from annotator.core.model import Label, Span, SpanState
from annotator.core.palette import color_for
from annotator.ui.colors import qcolor, text_color_on

SUGGESTION_ALPHA = 80  # of 255: the suggestion's background lets the page show through
REJECTED_COLOR = QColor("#8c8c8c")
REJECTED_BACKGROUND = QColor(140, 140, 140, 45)
OUTLINE_WIDTH = 2.0
CHIP_SCALE = 0.72  # chip font size relative to the text's
CHIP_PADDING = 3.0  # inside the chip, left and right of its label
CHIP_MARGIN = 3.0  # outside the chip, between it and the text around it
CHIP_MAX_TEXT = 140.0  # longer label names are elided in the chip
MAX_BOX_CHARACTERS = 2000  # a box measures at most this many characters of a line


def _look(state: SpanState) -> str:
    if state is SpanState.SUGGESTED:
        return "suggested"
    if state is SpanState.REJECTED:
        return "rejected"
    return "gold"


class SpanStyle:
    """Char formats and chips per label colour and span state, cached.

    Formats and pixmaps are shared between calls: callers must not modify what they get.
    """

    def __init__(self, font: QFont, labels: Sequence[Label] = ()) -> None:
        self._colors: dict[str, QColor] = {}
        self._formats: dict[tuple[str, SpanState, float], QTextCharFormat] = {}
        self._pairs: dict[tuple[str, SpanState], tuple[QTextCharFormat, QTextCharFormat]] = {}
        self._chip_widths: dict[str, float] = {}
        self._chip_texts: dict[str, str] = {}
        self._pixmaps: dict[tuple[str, str, float, float], QPixmap] = {}
        self._chip_font = QFont(font)
        self._chip_metrics = QFontMetricsF(self._chip_font)
        self.set_font(font)
        self.set_labels(labels)

    def set_labels(self, labels: Sequence[Label]) -> None:
        self._colors = {label.name: qcolor(label) for label in labels}
        self._forget()

    def set_font(self, font: QFont) -> None:
        """The text's font: the chips are sized from it."""
        chip = QFont(font)
        if font.pointSizeF() > 0:
            chip.setPointSizeF(font.pointSizeF() * CHIP_SCALE)
        else:
            chip.setPixelSize(max(6, round(font.pixelSize() * CHIP_SCALE)))
        chip.setBold(True)
        chip.setLetterSpacing(QFont.SpacingType.AbsoluteSpacing, 0)
        self._chip_font = chip
        self._chip_metrics = QFontMetricsF(chip)
        self._forget()

    def _forget(self) -> None:
        self._formats.clear()
        self._pairs.clear()
        self._chip_widths.clear()
        self._chip_texts.clear()
        self._pixmaps.clear()

    def color(self, label: str) -> QColor:
        """The label's colour; a label the dataset does not list gets its default one."""
        known = self._colors.get(label)
        if known is None:
            known = self._colors[label] = QColor(color_for(label))
        return known

    def char_format(self, span: Span) -> QTextCharFormat:
        """The format of the span's characters."""
        return self.gap_format(span, 0.0)

    def formats(self, span: Span) -> tuple[QTextCharFormat, QTextCharFormat]:
        """`char_format` and `chip_format` of the span at once (one lookup per span)."""
        key = (span.label, span.state)
        pair = self._pairs.get(key)
        if pair is None:
            pair = self._pairs[key] = (self.char_format(span), self.chip_format(span))
        return pair

    def chip_format(self, span: Span) -> QTextCharFormat:
        """The format of the cluster that opens the gap for the span's own chip."""
        return self.gap_format(span, self.chip_width(span.label))

    def gap_format(self, span: Span, gap: float) -> QTextCharFormat:
        """The span's format, letter-spaced by `gap` pixels to open a gap for chips."""
        key = (span.label, span.state, gap)
        cached = self._formats.get(key)
        if cached is None:
            cached = self._formats[key] = self._make_format(span, gap)
        return cached

    def _make_format(self, span: Span, gap: float) -> QTextCharFormat:
        color = self.color(span.label)
        look = _look(span.state)
        fmt = QTextCharFormat()
        if look == "gold":
            fmt.setBackground(color)
            fmt.setForeground(text_color_on(color))
        elif look == "suggested":
            translucent = QColor(color)
            translucent.setAlpha(SUGGESTION_ALPHA)
            fmt.setBackground(translucent)
            fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.DashUnderline)
            fmt.setUnderlineColor(color.darker(150))
        else:
            fmt.setBackground(REJECTED_BACKGROUND)
            fmt.setForeground(REJECTED_COLOR)
            fmt.setFontStrikeOut(True)
        if gap:
            fmt.setFontLetterSpacingType(QFont.SpacingType.AbsoluteSpacing)
            fmt.setFontLetterSpacing(gap)
        return fmt

    def chip_text(self, label: str) -> str:
        """The label as its chip shows it (long names elided)."""
        text = self._chip_texts.get(label)
        if text is None:
            text = self._chip_metrics.elidedText(label, Qt.TextElideMode.ElideRight, CHIP_MAX_TEXT)
            self._chip_texts[label] = text
        return text

    def chip_width(self, label: str) -> float:
        """Room one chip takes in the line, margins included (whole pixels)."""
        width = self._chip_widths.get(label)
        if width is None:
            text_width = self._chip_metrics.horizontalAdvance(self.chip_text(label))
            width = float(round(text_width + 2 * CHIP_PADDING + 2 * CHIP_MARGIN))
            self._chip_widths[label] = width
        return width

    def gap(self, spans: Iterable[Span]) -> float:
        """Room for the chips of `spans`, which all end on the same character."""
        return sum(self.chip_width(span.label) for span in spans)

    def paint_chips(
        self, painter: QPainter, spans: Sequence[Span], gap: QRectF, pixel_ratio: float
    ) -> None:
        """Paint the chips of `spans` side by side into `gap` (one line's height)."""
        height = float(round(min(gap.height() - 2, self._chip_metrics.height() + 2)))
        top = round(gap.top() + (gap.height() - height) / 2)
        x = gap.left()
        for span in spans:
            width = self.chip_width(span.label)
            pixmap = self._chip_pixmap(span, width, height, pixel_ratio)
            painter.drawPixmap(QPointF(round(x), top), pixmap)
            x += width

    def _chip_pixmap(self, span: Span, width: float, height: float, ratio: float) -> QPixmap:
        look = _look(span.state)
        key = (span.label, look, height, ratio)
        pixmap = self._pixmaps.get(key)
        if pixmap is None:
            pixmap = QPixmap(round(width * ratio), round(height * ratio))
            pixmap.setDevicePixelRatio(ratio)
            pixmap.fill(Qt.GlobalColor.transparent)
            painter = QPainter(pixmap)
            try:
                painter.setRenderHint(QPainter.RenderHint.Antialiasing)
                painter.setFont(self._chip_font)
                chip = QRectF(CHIP_MARGIN + 0.5, 0.5, width - 2 * CHIP_MARGIN - 1, height - 1)
                self._paint_chip(painter, span.label, look, chip)
            finally:
                painter.end()
            self._pixmaps[key] = pixmap
        return pixmap

    def _paint_chip(self, painter: QPainter, label: str, look: str, chip: QRectF) -> None:
        color = self.color(label)
        if look == "gold":
            fill, border = color.darker(112), color.darker(140)
        elif look == "suggested":
            fill, border = QColor(color), color.darker(150)
            fill.setAlpha(150)
        else:
            fill, border = QColor(REJECTED_BACKGROUND), REJECTED_COLOR
        pen = QPen(border, 1.0)
        if look == "suggested":
            pen.setStyle(Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.setBrush(fill)
        painter.drawRoundedRect(chip, 3.0, 3.0)
        painter.setPen(REJECTED_COLOR if look == "rejected" else text_color_on(fill))
        painter.drawText(chip, Qt.AlignmentFlag.AlignCenter, self.chip_text(label))

    @staticmethod
    def paint_outline(painter: QPainter, rects: Iterable[QRectF], color: QColor) -> None:
        """Outline the current span: one rounded rectangle per line it covers."""
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(color, OUTLINE_WIDTH))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        inset = OUTLINE_WIDTH / 2
        for rect in rects:
            painter.drawRoundedRect(rect.adjusted(-inset, inset, inset, -inset), 3.0, 3.0)
        painter.restore()


def line_box(line: QTextLine, start: int, end: int) -> tuple[float, float] | None:
    """Leftmost and rightmost x of the characters `start:end` (block-relative) on `line`.

    Each character's box is its leading to trailing edge. Qt gives a character at a
    bidirectional run boundary an empty box (both edges on the other run's side): those
    are left out, like zero-width characters. None when nothing visible is in the range.
    """
    left = right = None
    for position in range(start, min(end, start + MAX_BOX_CHARACTERS)):
        leading = _cursor_x(line, position, QTextLine.Edge.Leading)
        trailing = _cursor_x(line, position, QTextLine.Edge.Trailing)
        if leading == trailing:
            continue
        low, high = min(leading, trailing), max(leading, trailing)
        left = low if left is None else min(left, low)
        right = high if right is None else max(right, high)
    if left is None or right is None:
        return None
    return left, right


def _cursor_x(line: QTextLine, position: int, edge: QTextLine.Edge) -> float:
    """X of an edge of the character at block-relative `position` on `line`."""
    result: object = line.cursorToX(position, edge)
    if isinstance(result, tuple):  # PySide returns the (possibly moved) position too
        return float(result[0])
    return float(result)  # type: ignore[arg-type]
