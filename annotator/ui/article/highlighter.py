"""Span highlighting: the syntax highlighter.

Qt lays out and formats a `QPlainTextEdit` one block (paragraph) at a time, so the spans
are kept per block (`span_index.BlockSpanIndex`), and the highlighter only formats the
block it is asked for. A change to a few spans re-highlights only the blocks they touch:
that keeps a relabel on a 500,000-character article with 10,000 spans within one frame.

A new document is formatted the way Qt lays it out: the blocks on screen first, the rest
a few milliseconds at a time while the window is idle, and any block still unformatted
when it comes on screen just before it is painted (the view sees to that).

Every Qt position here comes from `QtOffsets`: the text handed to `highlightBlock` is a
Python string of code points and must never be used to compute positions.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager

from PySide6.QtGui import QSyntaxHighlighter, QTextBlock, QTextDocument

from annotator.ui.article.span_index import BlockSpanIndex, PlacedSpan
from annotator.ui.article.style import SpanStyle


class SpanHighlighter(QSyntaxHighlighter):
    """Formats each block from the index: backgrounds, then the chips' gaps.

    It knows which blocks with spans it has not formatted yet (`unformatted`): a document
    put in while `holding()` is formatted later, by `format_blocks` for the blocks coming
    on screen and `format_some` for the rest.
    """

    def __init__(self, document: QTextDocument, style: SpanStyle) -> None:
        super().__init__(document)
        self._style = style
        self._index = BlockSpanIndex()
        self._holding = False
        self._unformatted: set[int] = set()  # starts of the blocks with spans, not formatted
        self._queue: list[int] = []  # the same, last block first, for `format_some`

    @property
    def index(self) -> BlockSpanIndex:
        return self._index

    def set_index(self, index: BlockSpanIndex, *, formatted: bool = True) -> None:
        """Use `index` from now on; the caller decides what to re-highlight.

        With `formatted=False` every block with spans counts as not formatted yet.
        """
        self._index = index
        self._queue = [] if formatted else index.block_starts_with_spans()[::-1]
        self._unformatted = set(self._queue)

    @contextmanager
    def holding(self) -> Iterator[None]:
        """Leave the blocks Qt asks for unformatted (while a new text goes in)."""
        self._holding = True
        try:
            yield
        finally:
            self._holding = False

    def unformatted(self) -> int:
        """How many blocks with spans are not formatted yet."""
        return len(self._unformatted)

    def format_blocks(self, blocks: Iterable[QTextBlock]) -> int:
        """Format those of `blocks` not formatted yet; returns how many that was."""
        done = 0
        for block in blocks:
            if block.position() in self._unformatted:
                self.rehighlightBlock(block)
                done += 1
        return done

    def format_some(self, seconds: float) -> bool:
        """Format unformatted blocks in document order for about `seconds`; True when none
        are left."""
        deadline = time.perf_counter() + seconds
        document, queue, unformatted = self.document(), self._queue, self._unformatted
        while queue and unformatted:
            start = queue.pop()
            if start in unformatted:
                block = document.findBlock(start)
                if block.isValid() and block.position() == start:
                    self.rehighlightBlock(block)
                unformatted.discard(start)
                if time.perf_counter() >= deadline:
                    break
        if not queue:
            unformatted.clear()
        return not unformatted

    def highlightBlock(self, text: str) -> None:
        """Format the current block; `text` is code points, so it is never measured."""
        if self._holding:
            return
        block = self.currentBlock()
        block_start = block.position()
        self._unformatted.discard(block_start)
        placed_spans = self._index.in_block(block_start)
        if not placed_spans:
            return
        length = block.length() - 1  # UTF-16 units, without the separator
        block_end = block_start + length
        style, set_format = self._style, self.setFormat
        # The usual block: spans one after another, each with its chip on its last cluster.
        reach = -1
        for placed in placed_spans:
            if placed.start < reach:  # spans overlap: chips may share a gap, see below
                self._format_overlapping(placed_spans, block_start, length)
                return
            reach = placed.end
            start = placed.start - block_start if placed.start > block_start else 0
            end = (placed.end if placed.end < block_end else block_end) - block_start
            if end <= start:
                continue
            body, chip = style.formats(placed.span)
            set_format(start, end - start, body)
            if block_start <= placed.gap_start < placed.gap_end <= block_end:
                set_format(placed.gap_start - block_start, placed.gap_end - placed.gap_start, chip)

    def _format_overlapping(
        self, placed_spans: Sequence[PlacedSpan], block_start: int, length: int
    ) -> None:
        """Backgrounds in drawing order, then one gap per cluster for the chips ending on it
        (a later span may cover an earlier one's gap)."""
        style, set_format = self._style, self.setFormat
        block_end = block_start + length
        for placed in placed_spans:
            start = max(placed.start, block_start) - block_start
            end = min(placed.end, block_end) - block_start
            if end > start:
                set_format(start, end - start, style.char_format(placed.span))
        for gap in self._index.gaps(block_start, length):
            fmt = style.gap_format(gap.winner, style.gap(gap.spans))
            set_format(gap.start, gap.end - gap.start, fmt)
