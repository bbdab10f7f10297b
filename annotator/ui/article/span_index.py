"""The spans of one document filed by the text blocks (paragraphs) Qt lays out.

Qt lays out and formats a `QPlainTextEdit` one block at a time, so the highlighter asks
for one block's spans at a time, in Qt positions. Every Qt position here comes from
`QtOffsets`: a block's text is a Python string of code points and is never measured.
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_right, insort
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from PySide6.QtCore import QTextBoundaryFinder

from annotator.core.model import Span, sort_key
from annotator.core.text import QtOffsets

# What `QTextDocument.setPlainText` turns into a block break (U+2028 stays inside a block).
_BLOCK_BREAKS = "\n\r\u2029\ufdd0\ufdd1"  # "\r\n" is one break
_CLUSTER_CONTEXT = 32  # code points searched for a span's first or last grapheme cluster


class BlockStarts(NamedTuple):
    """Where the blocks `setPlainText(text)` makes begin."""

    qt: list[int]  # the Qt position of each block's first character
    # For each block, the first code point whose Qt position is in it: the code point after
    # the break, except after `\r\n`, whose `\n` has no Qt position of its own.
    code: list[int]


def block_starts(text: str, offsets: QtOffsets) -> BlockStarts:
    """The starts of the blocks `setPlainText(text)` makes."""
    code = [0, *(position + 1 for position in _break_positions(text))]
    to_qt = offsets.to_qt
    return BlockStarts([0, *(to_qt(offset) for offset in code[1:])], code)


def _break_positions(text: str) -> list[int]:
    """Where each block break begins, in order: `str.find` per character, as a regular
    expression takes 5 ms over 500,000 characters of non-Latin text and this 1 ms."""
    found: list[int] = []
    for char in _BLOCK_BREAKS:
        position = text.find(char)
        while position >= 0:
            found.append(position)
            position = text.find(char, position + 1)
    found.sort()
    if "\r\n" in text:  # the "\n" of a "\r\n" belongs to the break the "\r" begins
        found = [p for p in found if not (text[p] == "\n" and p and text[p - 1] == "\r")]
    return found


class PlacedSpan(NamedTuple):
    """A visible span in Qt positions, with the grapheme cluster that opens its chip's gap.

    Letter spacing lands on the right of a glyph, so the gap goes on the span's last
    cluster (an emoji with its modifiers, a letter with its combining marks: shaping must
    never split a character), or on its first one when the span is right-to-left text:
    either way the gap sits at the span's right edge.
    """

    span: Span
    start: int
    end: int
    gap_start: int
    gap_end: int


class Gap(NamedTuple):
    """The chips of the spans whose gap falls on the same cluster of a block."""

    start: int  # Qt positions of the spaced cluster, relative to the block
    end: int
    spans: tuple[Span, ...]
    winner: Span  # the span drawn on the cluster (the later one where spans overlap)


class BlockSpanIndex:
    """The visible spans of one document, grouped by the blocks they touch.

    Each block's list is in drawing order (`sort_key`): where spans overlap, the later one
    is drawn last and wins the background. A span that crosses a block break is listed in
    every block it touches. Spans are known by their key (start, end, label), which no two
    spans of a document share.

    Spans are filed by code point when they come and placed (given Qt positions and a
    chip gap) only when their block is first asked for: opening a long article places
    just the spans on screen.
    """

    def __init__(self, text: str = "", offsets: QtOffsets | None = None) -> None:
        self._text = text
        self._offsets = offsets if offsets is not None else QtOffsets(text)
        self._starts, self._filing = block_starts(text, self._offsets)
        self._spans: dict[tuple[int, int, str], Span] = {}
        self._filed: dict[int, list[Span]] = {}  # block number -> spans not placed yet
        self._unsorted: set[int] = set()  # block numbers whose filed spans need sorting
        self._blocks: dict[int, list[PlacedSpan]] = {}  # block number -> placed spans
        self._placed: dict[tuple[int, int, str], PlacedSpan] = {}

    @property
    def offsets(self) -> QtOffsets:
        return self._offsets

    @property
    def starts(self) -> Sequence[int]:
        """The blocks' first Qt positions."""
        return self._starts

    def use_block_starts(self, starts: list[int]) -> None:
        """Replace the computed block starts with the document's own, and re-file the spans."""
        spans = list(self._spans.values())
        offsets = self._offsets
        filing = []
        for start in starts:  # the first code point at or after each Qt start
            offset = offsets.from_qt(start)
            while offset > 0 and offsets.to_qt(offset - 1) >= start:
                offset -= 1
            filing.append(offset)
        self._starts, self._filing = starts, filing
        for table in (self._spans, self._filed, self._unsorted, self._blocks, self._placed):
            table.clear()
        self.extend(spans)

    def __len__(self) -> int:
        return len(self._spans)

    def __contains__(self, span: object) -> bool:
        return isinstance(span, Span) and self._spans.get(span.key) == span

    def spans(self) -> tuple[Span, ...]:
        """The indexed spans in drawing order."""
        spans = self._spans
        return tuple(spans[key] for key in sorted(spans))

    def placed(self, span: Span) -> PlacedSpan | None:
        """`span` in Qt positions, or None when it is not indexed."""
        return self._place(span) if self._spans.get(span.key) == span else None

    def block_start(self, position: int) -> int:
        """First position of the block holding Qt `position`."""
        return self._starts[max(0, bisect_right(self._starts, position) - 1)]

    def extend(self, spans: Iterable[Span]) -> None:
        """Add many spans at once (a document being opened)."""
        known, filed, filing, unsorted = self._spans, self._filed, self._filing, self._unsorted
        last = len(filing) - 1
        for span in spans:
            key = span.key
            if key in known:
                continue
            known[key] = span
            number = bisect_right(filing, span.start) - 1
            if number == last or span.end <= filing[number + 1]:  # within one block
                listed = filed.get(number)
                if listed is None:
                    filed[number] = [span]
                    continue
                if key < listed[-1].key:
                    unsorted.add(number)
                listed.append(span)
                continue
            for number in self._numbers(span):
                filed.setdefault(number, []).append(span)
                unsorted.add(number)

    def add(self, span: Span) -> list[int]:
        """Index `span`; returns the starts of the blocks to re-highlight."""
        if span.key in self._spans:
            return []
        self._spans[span.key] = span
        placed = self._place(span)
        numbers = self._numbers(span)
        for number in numbers:
            insort(self._block(number), placed, key=_drawing_order)
        return [self._starts[number] for number in numbers]

    def remove(self, span: Span) -> list[int]:
        """Drop `span`; returns the starts of the blocks to re-highlight."""
        if self._spans.get(span.key) != span:
            return []
        numbers = self._numbers(span)
        for number in numbers:
            listed = self._block(number)
            listed[:] = [placed for placed in listed if placed.span.key != span.key]
            if not listed:
                del self._blocks[number]
        del self._spans[span.key]
        self._placed.pop(span.key, None)
        return [self._starts[number] for number in numbers]

    def block_starts_with_spans(self) -> list[int]:
        """The starts of the blocks some span touches, in document order."""
        starts = self._starts
        return [starts[number] for number in sorted({*self._filed, *self._blocks})]

    def in_block(self, block_start: int) -> Sequence[PlacedSpan]:
        """The spans touching the block that starts at `block_start`, in drawing order."""
        number = bisect_right(self._starts, block_start) - 1
        if number < 0 or self._starts[number] != block_start:
            return ()
        if number in self._filed:
            return self._block(number)
        return self._blocks.get(number, ())

    def _block(self, number: int) -> list[PlacedSpan]:
        """Block `number`'s placed spans, placing those filed for it first."""
        listed = self._blocks.setdefault(number, [])
        filed = self._filed.pop(number, None)
        if filed is not None:
            place = self._place
            listed += map(place, filed)
            if number in self._unsorted or len(listed) > len(filed):
                self._unsorted.discard(number)
                listed.sort(key=_drawing_order)
        return listed

    def _numbers(self, span: Span) -> list[int]:
        """The numbers of the blocks `span` touches, from its Qt positions."""
        placed, starts = self._place(span), self._starts
        first = max(0, bisect_right(starts, placed.start) - 1)
        last = max(first, bisect_right(starts, placed.end - 1, lo=first) - 1)
        return list(range(first, last + 1))

    def gaps(self, block_start: int, block_length: int) -> list[Gap]:
        """The chip gaps of a block, one per spaced cluster, in drawing order.

        `block_length` excludes the block separator: a span whose last character is the
        separator itself has no room for a chip.
        """
        placed_spans = self.in_block(block_start)
        grouped: dict[tuple[int, int], list[PlacedSpan]] = {}
        block_end = block_start + block_length
        for placed in placed_spans:
            if block_start <= placed.gap_start < placed.gap_end <= block_end:
                grouped.setdefault((placed.gap_start, placed.gap_end), []).append(placed)
        result = []
        for (start, end), group in grouped.items():
            winner = group[-1].span
            for placed in reversed(placed_spans):
                if placed.start <= start < placed.end:
                    winner = placed.span
                    break
            spans = tuple(placed.span for placed in group)
            result.append(Gap(start - block_start, end - block_start, spans, winner))
        return result

    def _place(self, span: Span) -> PlacedSpan:
        """`span` in Qt positions with its chip's gap (kept: a span may be in many blocks)."""
        placed = self._placed.get(span.key)
        if placed is None or placed.span is not span:
            placed = self._placed[span.key] = self._placement(span)
        return placed

    def _placement(self, span: Span) -> PlacedSpan:
        text = self._text
        end = min(span.end, len(text))
        start = min(span.start, end)
        to_qt = self._offsets.to_qt
        qt_start = to_qt(start)
        covered = text[start:end] if end - start <= _CLUSTER_CONTEXT else ""
        if covered.isascii() and "\r" not in covered:  # one Qt position per code point
            qt_end = qt_start + len(covered) if covered else to_qt(end)
        else:
            qt_end = to_qt(end)
        if start == end:
            return PlacedSpan(span, qt_start, qt_end, qt_end, qt_end)
        last = text[end - 1]
        if last < "\x80":  # an ASCII character is never joined to the one before
            return PlacedSpan(span, qt_start, qt_end, qt_end - 1, qt_end)
        if _is_right_to_left(last) and _is_right_to_left(text[start]):
            first = _first_cluster_length(text[start : min(end, start + _CLUSTER_CONTEXT)])
            return PlacedSpan(span, qt_start, qt_end, qt_start, qt_start + first)
        last_length = _last_cluster_length(text[max(start, end - _CLUSTER_CONTEXT) : end])
        return PlacedSpan(span, qt_start, qt_end, qt_end - last_length, qt_end)


def _is_right_to_left(char: str) -> bool:
    return unicodedata.bidirectional(char) in ("R", "AL")


def _first_cluster_length(text: str) -> int:
    """UTF-16 length of the first grapheme cluster of `text`."""
    finder = QTextBoundaryFinder(QTextBoundaryFinder.BoundaryType.Grapheme, text)
    return max(1, finder.toNextBoundary())


def _last_cluster_length(text: str) -> int:
    """UTF-16 length of the last grapheme cluster of `text`."""
    finder = QTextBoundaryFinder(QTextBoundaryFinder.BoundaryType.Grapheme, text)
    finder.toEnd()
    length = finder.position()
    previous = finder.toPreviousBoundary()
    return length - previous if previous >= 0 else length


def _drawing_order(placed: PlacedSpan) -> tuple[int, int, str]:
    return sort_key(placed.span)
