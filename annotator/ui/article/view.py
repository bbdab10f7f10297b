"""The article view: one document, its spans highlighted, read-only but selectable.

Signals and methods speak code points; every position handed to or read from Qt (UTF-16
units) goes through `QtOffsets`, here and in the span index.

The view never changes annotations. It shows spans, reports selections and clicks as
its base `SelectableText` does (a click chooses the span drawn there), and leaves the
annotation keys (Tab, Return, Delete, digits, letters, brackets, Escape) to the window's
actions. In jump mode it takes the letters itself: each span on screen shows a tag, and
typing one reports that span as clicked.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from PySide6.QtCore import QEvent, QPoint, QRectF, Qt
from PySide6.QtGui import (
    QContextMenuEvent,
    QKeyEvent,
    QPainter,
    QPaintEvent,
    QTextCursor,
)
from PySide6.QtWidgets import QWidget

from annotator.core.model import Label, Span, SpanState, sort_key
from annotator.core.span_changes import span_changes
from annotator.core.text import QtOffsets
from annotator.ui.article.block_formatting import BlockFormatting
from annotator.ui.article.geometry import (
    block_starts_unless,
    scroll_to,
    turn_page,
)
from annotator.ui.article.highlighter import SpanHighlighter
from annotator.ui.article.jump_hints import JumpHints
from annotator.ui.article.keys import is_window_key
from annotator.ui.article.painting import paint_chips, range_rects
from annotator.ui.article.selectable import SelectableText
from annotator.ui.article.span_index import BlockSpanIndex
from annotator.ui.article.style import OUTLINE_WIDTH, SpanStyle

_PAGE_KEYS = (Qt.Key.Key_PageDown, Qt.Key.Key_PageUp)


class ArticleView(SelectableText):
    """Read-only text of one document with its visible spans highlighted and chipped."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._spans: tuple[Span, ...] = ()
        self._visible: tuple[Span, ...] | None = ()
        self._show_rejected = False
        self._current: Span | None = None
        self._hints = JumpHints()
        self._style = SpanStyle(self.font())
        self._highlighter = SpanHighlighter(self.document(), self._style)
        self._formatting = BlockFormatting(self, self._highlighter)

    # The document -------------------------------------------------------------------------

    def show_document(self, text: str, spans: Sequence[Span], labels: Sequence[Label]) -> None:
        """Show `text` with `spans`, coloured by `labels`; clears the current span."""
        self._text = text
        self._offsets = QtOffsets(text)
        self._spans = tuple(spans)
        self._visible = None
        self._current = None
        self._style.set_labels(labels)
        index = BlockSpanIndex(text, self._offsets)
        index.extend(span for span in self._spans if self._is_shown(span))
        # Like Qt's own layout, formatting starts with what is on screen: the blocks shown
        # now, then the others a slice at a time, or as they come on screen.
        self._highlighter.set_index(index, formatted=False)
        with self._highlighter.holding():
            self.setPlainText(text)
        starts = block_starts_unless(self.document(), index.starts)
        if starts is not None:  # a block break Qt reads differently: trust the document
            index.use_block_starts(starts)
            self._highlighter.set_index(index, formatted=False)
        self._formatting.start()

    def formatting_done(self) -> bool:
        """Whether every block with spans is formatted (off-screen ones come a bit later)."""
        return self._formatting.done()

    def update_spans(self, spans: Sequence[Span]) -> None:
        """Show the document's whole new span tuple; re-highlights only what changed.

        The current span is whatever `set_current_span` says: the window's view state
        moves it after an edit."""
        old, new = self._spans, tuple(spans)
        self._spans = new
        removed, added = span_changes(old, new)
        if not removed and not added:
            return
        self._visible = None
        index = self._highlighter.index
        blocks: list[int] = []
        for span in removed:
            blocks += index.remove(span)
        for span in added:
            if self._is_shown(span):
                blocks += index.add(span)
        self._formatting.reformat(blocks)

    def set_labels(self, labels: Sequence[Label]) -> None:
        """New label colours (or names): every span is formatted again."""
        self._style.set_labels(labels)
        self._highlighter.rehighlight()
        self.viewport().update()

    def set_show_rejected(self, show: bool) -> None:
        """Show rejected suggestions (grey, struck through) or hide them."""
        if show == self._show_rejected:
            return
        self._show_rejected = show
        self._visible = None
        index = self._highlighter.index
        blocks: list[int] = []
        for span in self._spans:
            if span.state is SpanState.REJECTED:
                blocks += index.add(span) if show else index.remove(span)
        self._formatting.reformat(blocks)

    def show_rejected(self) -> bool:
        return self._show_rejected

    # Spans --------------------------------------------------------------------------------

    def visible_spans(self) -> tuple[Span, ...]:
        """The spans drawn (rejected ones only when shown), in drawing order."""
        if self._visible is None:
            self._visible = self._highlighter.index.spans()
        return self._visible

    def span_at(self, offset: int) -> Span | None:
        """The visible span drawn on the character at code-point `offset`."""
        if not 0 <= offset < len(self._text):
            return None
        index = self._highlighter.index
        for placed in reversed(index.in_block(index.block_start(self._offsets.to_qt(offset)))):
            if placed.span.start <= offset < placed.span.end:
                return placed.span
        return None

    def set_current_span(self, span: Span | None) -> None:
        """Outline `span`, put the caret at its start and scroll it into view; None
        removes the outline and leaves the caret where it is."""
        self._set_current(span)
        if span is not None:
            self._scroll_into_view(span)  # first: the caret set on screen scrolls no more
            caret = self._offsets.to_qt(min(span.start, len(self._text)))
            cursor = self.textCursor()
            if cursor.position() != caret or cursor.hasSelection():  # a relabel: already
                cursor = QTextCursor(self.document())
                cursor.setPosition(caret)
                self.setTextCursor(cursor)

    def spans_on_screen(self) -> list[Span]:
        """The visible spans with a character on screen, in text order."""
        return sorted(filter(self.is_on_screen, self.visible_spans()), key=sort_key)

    def is_on_screen(self, span: Span) -> bool:
        height = self.viewport().height()
        return any(r.bottom() > 0 and r.top() < height for r in self._span_rects(span))

    # Jump mode ----------------------------------------------------------------------------

    def start_jump(self) -> bool:
        """Tag every span on screen; the next letters choose one. False: none on screen."""
        started = self._hints.start(self.spans_on_screen())
        self.viewport().update()
        return started

    def jumping(self) -> bool:
        return self._hints.active

    def jump_tags(self) -> dict[str, Span]:
        """The tags shown in jump mode and their spans (none outside it)."""
        return self._hints.tags()

    def _jump_key(self, event: QKeyEvent) -> None:
        text = event.text()
        letter = text if event.key() != Qt.Key.Key_Escape else ""
        span = self._hints.type(letter)
        if span is not None:
            self.span_clicked.emit(span)
        self.viewport().update()

    def current_span(self) -> Span | None:
        return self._current

    def _set_current(self, span: Span | None) -> None:
        """Move the outline, repainting only where it was and where it goes."""
        if span == self._current:
            return
        margin = OUTLINE_WIDTH + 1
        for old_or_new in (self._current, span):
            if old_or_new is not None:
                for rect in self._span_rects(old_or_new):
                    grown = rect.adjusted(-margin, -margin, margin, margin)
                    self.viewport().update(grown.toAlignedRect())
        self._current = span

    # Keys ---------------------------------------------------------------------------------

    def event(self, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.ContextMenu
            and isinstance(event, QContextMenuEvent)
            and event.reason() == QContextMenuEvent.Reason.Keyboard
        ):
            # The Menu key: the menu of what is at the caret (the current span's start),
            # given in the viewport's coordinates, as a right-click's are.
            caret = self.cursorRect().center() + QPoint(2, 0)
            self.customContextMenuRequested.emit(caret)
            return True
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent):
            if self._hints.active:
                event.accept()  # jump mode: every key is a letter of a tag (or ends it)
                return True
            if is_window_key(event):
                event.ignore()  # the window's action for this key may fire
                return False
        elif event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            plain = not event.modifiers() & (
                Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
            )
            if plain and event.key() in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab):
                event.accept()  # no action took it: Tab stays here rather than move focus
                return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self._hints.active:
            self._jump_key(event)
            return
        if event.key() in _PAGE_KEYS and event.modifiers() == Qt.KeyboardModifier.NoModifier:
            turn_page(self, forward=event.key() == Qt.Key.Key_PageDown)
            return
        super().keyPressEvent(event)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._style.set_font(self.font())
            self._highlighter.rehighlight()

    # Painting -----------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        self._formatting.format_on_screen()  # a block scrolled to before its turn came
        super().paintEvent(event)
        painter = QPainter(self.viewport())
        try:
            self._paint_chips(painter, event.rect().top(), event.rect().bottom())
            if self._current is not None:
                rects = list(self._span_rects(self._current))
                color = self.palette().text().color()
                self._style.paint_outline(painter, rects, color)
            if self._hints.active:
                self._hints.paint(painter, self.font(), self._span_rects)
        finally:
            painter.end()

    def _paint_chips(self, painter: QPainter, top: float, bottom: float) -> None:
        paint_chips(self, painter, self._highlighter.index, self._style, top, bottom)

    def _span_rects(self, span: Span) -> Iterator[QRectF]:
        """Viewport rectangles of `span`, one per line it covers, in visible blocks."""
        placed = self._highlighter.index.placed(span)
        if placed is not None:
            yield from range_rects(self, placed.start, placed.end)

    # Helpers ------------------------------------------------------------------------------

    def _is_shown(self, span: Span) -> bool:
        return self._show_rejected or span.state is not SpanState.REJECTED

    def _scroll_into_view(self, span: Span) -> None:
        scroll_to(self, self._offsets.to_qt(min(span.start, len(self._text))))
