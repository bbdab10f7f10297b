"""Text offsets: Python code points, and the UTF-16 positions Qt uses.

Every offset in the store, the API and every export is a code-point index into the stored
text. Qt's `QTextDocument.setPlainText` counts UTF-16 units, folds each `\\r\\n` into one
paragraph separator, and drops a leading byte-order mark. `QtOffsets` converts between
the two; it is the only place that knows those rules, and the widget boundary is the only
place that calls it.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator

_BOM = "\ufeff"
_LINE_ENDINGS = re.compile(r"\r\n?")


def normalize_newlines(text: str) -> str:
    """Plain-text import: `\\r\\n` and lone `\\r` become `\\n`, a leading BOM is dropped.

    JSONL imports never call this: their text is kept byte for byte.
    """
    if text.startswith(_BOM):
        text = text[1:]
    return _LINE_ENDINGS.sub("\n", text) if "\r" in text else text


def occurrences(text: str, needle: str) -> Iterator[tuple[int, int]]:
    """Every (start, end) where `needle` occurs in `text`, overlapping ones included."""
    start = text.find(needle)
    while start >= 0:
        yield start, start + len(needle)
        start = text.find(needle, start + 1)


class QtOffsets:
    """Maps code-point offsets of `text` to positions in a QTextDocument holding `text`.

    The map is a sorted list of breakpoints where the Qt position stops advancing in step
    with the code point: after an astral character (two UTF-16 units, +1), after the `\\n`
    of a `\\r\\n` pair (one Qt separator for two code points, -1) and after a leading BOM
    (not in Qt's document at all, -1). Building it is linear; each lookup is a bisect.
    """

    __slots__ = ("_breaks", "_deltas", "_length")

    def __init__(self, text: str) -> None:
        breaks: list[int] = []
        deltas: list[int] = []
        delta = 0
        if not text.isascii() or "\r\n" in text:
            for index in _irregular_positions(text):
                char = text[index]
                if char == "\r":  # "\r\n": the "\n" takes no Qt position
                    breaks.append(index + 2)
                    delta -= 1
                elif char == _BOM:  # only ever the leading one
                    breaks.append(index + 1)
                    delta -= 1
                else:  # astral: two UTF-16 units
                    breaks.append(index + 1)
                    delta += 1
                deltas.append(delta)
        self._breaks = breaks
        self._deltas = deltas
        self._length = len(text)

    @property
    def qt_length(self) -> int:
        """Number of Qt positions the text occupies (`characterCount() - 1`)."""
        return self.to_qt(self._length)

    def to_qt(self, offset: int) -> int:
        """Qt position of code-point `offset` (0 <= offset <= len(text))."""
        if not 0 <= offset <= self._length:
            raise IndexError(f"offset {offset} is outside the text (length {self._length})")
        k = bisect_right(self._breaks, offset)
        return offset + self._deltas[k - 1] if k else offset

    def from_qt(self, position: int, *, round_up: bool = False) -> int:
        """Code-point offset of Qt `position`.

        A position between the two halves of a surrogate pair rounds down to the start of
        the character, or up to its end with `round_up` (use it for selection ends). Where
        several offsets share a Qt position (around `\\r\\n` or a leading BOM) the largest
        is returned, so a selection never starts on an invisible character.
        """
        position = max(0, min(position, self.qt_length))
        low, high = 0, self._length
        while low < high:  # largest offset whose Qt position is <= position
            middle = (low + high + 1) // 2
            if self.to_qt(middle) <= position:
                low = middle
            else:
                high = middle - 1
        if round_up and self.to_qt(low) < position:
            return low + 1
        return low


def _irregular_positions(text: str) -> list[int]:
    """Indices of the characters that break the 1:1 code point / Qt position rule.

    A BOM counts only at the very start: elsewhere Qt keeps it as an ordinary character.
    """
    return [
        m.start() for m in _IRREGULAR.finditer(text) if text[m.start()] != _BOM or not m.start()
    ]


_IRREGULAR = re.compile("\r(?=\n)|\ufeff|[\U00010000-\U0010ffff]")
