"""When an article view's blocks get formatted: on screen at once, the rest while idle.

The highlighter formats; this decides when, and repaints what changed. Formatting a block
makes Qt lay it out again, and the plain-text layout then asks every view to repaint its
whole viewport: the layout's signals are held while blocks are formatted here, and only
the blocks on screen are repainted.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QPlainTextEdit

from annotator.ui.article.geometry import on_screen_block_numbers, visible_blocks
from annotator.ui.article.highlighter import SpanHighlighter

SLICE_SECONDS = 0.004  # formatting off-screen blocks never holds input up longer


@contextmanager
def held_layout(document: QTextDocument) -> Iterator[None]:
    """The document layout's signals held (no whole-viewport repaint requests)."""
    layout = document.documentLayout()
    held = layout.blockSignals(True)
    try:
        yield
    finally:
        layout.blockSignals(held)


class BlockFormatting(QObject):
    """Formats `view`'s blocks through `highlighter`: what is on screen first."""

    def __init__(self, view: QPlainTextEdit, highlighter: SpanHighlighter) -> None:
        super().__init__(view)
        self._view = view
        self._highlighter = highlighter
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._format_some)

    def start(self) -> None:
        """A new text is in: format the blocks on screen now, the others while idle."""
        self.format_on_screen()
        self._timer.start()

    def done(self) -> bool:
        return not self._highlighter.unformatted()

    def format_on_screen(self) -> None:
        """Format the blocks on screen not formatted yet (the view is about to paint)."""
        if not self._highlighter.unformatted():
            return
        view = self._view
        on_screen = [block for block, _ in visible_blocks(view, 0, view.viewport().height())]
        with held_layout(view.document()):
            self._highlighter.format_blocks(on_screen)

    def reformat(self, starts: Sequence[int]) -> None:
        """Format the blocks that begin at Qt positions `starts` again; repaint only those,
        from the top of the first one down when one of them now takes more or fewer lines.
        """
        view = self._view
        document = view.document()
        blocks = [document.findBlock(start) for start in sorted(set(starts))]
        blocks = [block for block in blocks if block.isValid()]
        if not blocks:
            return
        lines = [block.lineCount() for block in blocks]
        with held_layout(document):
            for block in blocks:
                self._highlighter.rehighlightBlock(block)
        on_screen = on_screen_block_numbers(view)
        viewport = view.viewport()
        offset = view.contentOffset()
        for block, before in zip(blocks, lines, strict=True):
            if block.blockNumber() not in on_screen:
                continue  # laid out again when it comes into view
            geometry = view.blockBoundingGeometry(block).translated(offset)  # lays it out
            if block.lineCount() != before:  # the blocks below moved
                geometry.setBottom(viewport.height())
            viewport.update(geometry.toAlignedRect().adjusted(-1, -1, 1, 1))

    def _format_some(self) -> None:
        """One slice of formatting the blocks off screen, a few milliseconds long."""
        document = self._view.document()
        with held_layout(document):
            done = self._highlighter.format_some(SLICE_SECONDS)
        if not done:
            self._timer.start()
            return
        # Formatting laid every block out, with its true number of lines, while the layout
        # was held: the scroll bar learns the document's real height now, once (the view
        # keeps its first visible block where it is).
        layout = document.documentLayout()
        layout.documentSizeChanged.emit(layout.documentSize())
