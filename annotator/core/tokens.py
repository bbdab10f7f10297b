"""Token boundaries of a document, and span alignment against them.

Tokens come from spaCy's tokenizer (or from an imported Prodigy record, which carries its
own); this module only holds their offsets, so alignment and snapping are pure and cheap.
The rules follow spaCy's `Doc.char_span` alignment modes.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from enum import StrEnum


class Alignment(StrEnum):
    """How a character range is fitted to tokens (spaCy's `alignment_mode`)."""

    STRICT = "strict"  # the range must start and end on token boundaries
    EXPAND = "expand"  # every token the range touches is included
    CONTRACT = "contract"  # only tokens entirely inside the range are included


@dataclass(frozen=True, slots=True, eq=False)
class Tokens:
    """Start and end offsets of every token, in text order (whitespace tokens included)."""

    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def __post_init__(self) -> None:
        if len(self.starts) != len(self.ends):
            raise ValueError("token starts and ends differ in length")

    def __len__(self) -> int:
        return len(self.starts)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Tokens):
            return NotImplemented
        return self.starts == other.starts and self.ends == other.ends

    def __hash__(self) -> int:
        return hash((self.starts, self.ends))

    @classmethod
    def from_pairs(cls, pairs: list[tuple[int, int]]) -> Tokens:
        return cls(tuple(p[0] for p in pairs), tuple(p[1] for p in pairs))

    def token_span(self, start: int, end: int) -> tuple[int, int] | None:
        """Indices (first, last inclusive) of the tokens exactly covering `start:end`.

        None if either boundary falls inside a token or between tokens: spaCy's strict mode.
        """
        first = bisect_left(self.starts, start)
        if first == len(self.starts) or self.starts[first] != start:
            return None
        last = bisect_left(self.ends, end, lo=first)
        if last == len(self.ends) or self.ends[last] != end:
            return None
        return first, last

    def align(self, start: int, end: int, mode: Alignment, text: str) -> tuple[int, int] | None:
        """Fit `start:end` to tokens; None when nothing but whitespace would remain."""
        if mode is Alignment.STRICT:
            exact = self.token_span(start, end)
            if exact is None:
                return None
            first, last = exact
        elif mode is Alignment.EXPAND:
            first = bisect_right(self.ends, start)
            last = bisect_left(self.starts, end) - 1
        else:
            first = bisect_left(self.starts, start)
            last = bisect_right(self.ends, end) - 1
        while first <= last and text[self.starts[first] : self.ends[first]].isspace():
            first += 1
        while last >= first and text[self.starts[last] : self.ends[last]].isspace():
            last -= 1
        if first > last:
            return None
        return self.starts[first], self.ends[last]

    def whitespace_after(self, index: int, text: str) -> bool:
        """Prodigy's `ws`: is token `index` followed by a space that belongs to it?"""
        end = self.ends[index]
        if end >= len(text) or text[end] != " ":
            return False
        return index + 1 == len(self.starts) or self.starts[index + 1] > end

    def to_bytes(self) -> bytes:
        """Compact form for the store: interleaved uint32 starts and ends."""
        flat = array("I", bytes(8 * len(self.starts)))
        flat[0::2] = array("I", self.starts)
        flat[1::2] = array("I", self.ends)
        return flat.tobytes()

    @classmethod
    def from_bytes(cls, data: bytes) -> Tokens:
        flat = array("I")
        flat.frombytes(data)
        return cls(tuple(flat[0::2]), tuple(flat[1::2]))
