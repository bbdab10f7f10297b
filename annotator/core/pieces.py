"""Cutting a long article into pieces a pipeline can take, at paragraph or sentence ends.

spaCy refuses a text over its `max_length` (a million characters by default) and its
memory grows with the length of what it is given, so a long article is analysed piece by
piece and the offsets are moved back onto the whole text. A piece ends after a paragraph
break if one is in the last half of the piece, else after a line break, else after a
sentence's end, else after a space; only a text with no space at all is cut mid-word.
The pieces cover the text exactly, so their tokens, shifted, are the text's tokens.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from annotator.core.tokens import Tokens

# Large enough that almost every news article is one piece (a long report is some 100,000
# characters); small enough that spaCy's memory stays modest: en_core_web_sm's entity
# recognizer peaked at 477 MB on a 1,050,000-character article cut into pieces this long
# and run one piece at a time, against 3.2 GB for the same pieces in one batch.
PIECE_CHARACTERS = 100_000

_SENTENCE_END = re.compile(r"[.!?][\"'\u201d\u2019)\]]*\s+")


def piece_bounds(text: str, limit: int = PIECE_CHARACTERS) -> list[tuple[int, int]]:
    """(start, end) of each piece, in order, none longer than `limit`, covering `text`."""
    if limit < 2:
        raise ValueError(f"a piece must be allowed at least 2 characters, not {limit}")
    bounds: list[tuple[int, int]] = []
    start = 0
    while len(text) - start > limit:
        end = _cut(text, start + limit // 2, start + limit)
        bounds.append((start, end))
        start = end
    bounds.append((start, len(text)))
    return bounds


def _cut(text: str, low: int, high: int) -> int:
    """Where a piece that may end anywhere in `low..high` ends best."""
    for separator in ("\n\n", "\n"):
        found = text.rfind(separator, low, high)
        if found >= 0:
            return found + len(separator)
    sentence_ends = [found.end() for found in _SENTENCE_END.finditer(text, low, high)]
    if sentence_ends:
        return sentence_ends[-1]
    found = text.rfind(" ", low, high)
    return found + 1 if found >= 0 else high


def joined_tokens(parts: Sequence[tuple[int, Tokens]]) -> Tokens:
    """The tokens of a whole text from its pieces' tokens, each with the piece's start."""
    if len(parts) == 1 and parts[0][0] == 0:
        return parts[0][1]
    starts: list[int] = []
    ends: list[int] = []
    for offset, tokens in parts:
        starts.extend(start + offset for start in tokens.starts)
        ends.extend(end + offset for end in tokens.ends)
    return Tokens(tuple(starts), tuple(ends))
