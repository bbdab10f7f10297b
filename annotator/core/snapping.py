"""Fitting a selection to tokens, and moving a span's boundaries token by token.

A selection (a drag, or Shift with the arrow keys) is snapped to whole tokens:

- A token the selection covers for the most part (more than half of its characters) is
  taken whole: people under-select ("otterda" labels "Rotterdam").
- A token it only grazes at an edge (half of it or less) is left out: the drag that ran
  into the next word ("EurasiaNet.org t") labels "EurasiaNet.org" alone. A selection
  inside a single token always means that token.
- A selection that starts or ends in whitespace shows a deliberate overshoot: only the
  tokens entirely inside are kept.

Holding Alt keeps the selection as it is, for entities that cut through a token
("Antwerp" in "Antwerp-Bruges"). Offsets are code-point indices into the text, end
exclusive.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from typing import Literal

from annotator.core.tokens import Alignment, Tokens

Edge = Literal["start", "end"]
Direction = Literal[-1, 1]


def snap_selection(
    text: str, tokens: Tokens, start: int, end: int, *, exact: bool = False
) -> tuple[int, int] | None:
    """The range a selection `start:end` labels, or None when it labels nothing.

    `start > end` (a drag to the left) is accepted; offsets outside the text are clamped.
    A click (an empty selection) and a selection of whitespace only give None.
    """
    start, end = sorted((max(0, min(start, len(text))), max(0, min(end, len(text)))))
    if start == end:
        return None
    if exact:
        return _trim_whitespace(text, start, end)
    if text[start].isspace() or text[end - 1].isspace():
        return tokens.align(start, end, Alignment.CONTRACT, text)
    expanded = tokens.align(start, end, Alignment.EXPAND, text)
    if expanded is None:
        return None
    return _without_grazed_edges(text, tokens, start, end, expanded)


def _without_grazed_edges(
    text: str, tokens: Tokens, start: int, end: int, expanded: tuple[int, int]
) -> tuple[int, int]:
    """`expanded` without its first or last token when the selection covers half of it or
    less; a selection within one token keeps it."""
    first = bisect_right(tokens.ends, start)
    last = bisect_left(tokens.starts, end) - 1
    if first >= last:  # within one token: that token
        return expanded
    new_start: int | None = expanded[0]
    new_end: int | None = expanded[1]
    if _grazed(tokens, first, start, end):
        new_start = _next_word_start(text, tokens, first + 1, last)
    if _grazed(tokens, last, start, end):
        new_end = _previous_word_end(text, tokens, last - 1, first)
    if new_start is None or new_end is None or new_start >= new_end:
        return expanded  # nothing but grazed tokens: the selection meant them
    return new_start, new_end


def _grazed(tokens: Tokens, index: int, start: int, end: int) -> bool:
    token_start, token_end = tokens.starts[index], tokens.ends[index]
    covered = min(end, token_end) - max(start, token_start)
    return 2 * covered <= token_end - token_start


def _next_word_start(text: str, tokens: Tokens, index: int, last: int) -> int | None:
    while index <= last and _is_space(tokens, text, index):
        index += 1
    return tokens.starts[index] if index <= last else None


def _previous_word_end(text: str, tokens: Tokens, index: int, first: int) -> int | None:
    while index >= first and _is_space(tokens, text, index):
        index -= 1
    return tokens.ends[index] if index >= first else None


def _trim_whitespace(text: str, start: int, end: int) -> tuple[int, int] | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if start < end else None


def token_at(tokens: Tokens, text: str, offset: int) -> tuple[int, int] | None:
    """The token holding the character at `offset` (the one clicked), None on whitespace.

    None too outside the text, and on a character no token holds.
    """
    if not 0 <= offset < len(text):
        return None
    index = bisect_right(tokens.starts, offset) - 1
    if index < 0 or offset >= tokens.ends[index] or _is_space(tokens, text, index):
        return None
    return tokens.starts[index], tokens.ends[index]


def step_boundary(
    tokens: Tokens,
    text: str,
    span_start: int,
    span_end: int,
    *,
    edge: Edge,
    direction: Direction,
) -> tuple[int, int] | None:
    """Move one boundary of `span_start:span_end` by one token (the `[` and `]` keys).

    `direction` -1 moves the boundary left, +1 right: on the start edge -1 grows the span
    and +1 shrinks it, on the end edge the other way round. Whitespace tokens are skipped.
    None when the move is impossible: it would empty the span or pass the text's ends.
    """
    if edge == "start":
        new_start = _step_start(tokens, text, span_start, span_end, direction)
        return None if new_start is None else (new_start, span_end)
    if edge == "end":
        new_end = _step_end(tokens, text, span_start, span_end, direction)
        return None if new_end is None else (span_start, new_end)
    raise ValueError(f"edge must be 'start' or 'end', not {edge!r}")


def _step_start(
    tokens: Tokens, text: str, span_start: int, span_end: int, direction: Direction
) -> int | None:
    if direction == -1:  # to the start of the nearest word token beginning before the span
        index = bisect_left(tokens.starts, span_start) - 1
        while index >= 0 and _is_space(tokens, text, index):
            index -= 1
        return tokens.starts[index] if index >= 0 else None
    if direction == 1:  # to the start of the next word token, which must stay inside
        index = bisect_right(tokens.starts, span_start)
        while index < len(tokens) and _is_space(tokens, text, index):
            index += 1
        if index < len(tokens) and tokens.starts[index] < span_end:
            return tokens.starts[index]
        return None
    raise ValueError(f"direction must be -1 or 1, not {direction!r}")


def _step_end(
    tokens: Tokens, text: str, span_start: int, span_end: int, direction: Direction
) -> int | None:
    if direction == 1:  # to the end of the nearest word token ending after the span
        index = bisect_right(tokens.ends, span_end)
        while index < len(tokens) and _is_space(tokens, text, index):
            index += 1
        return tokens.ends[index] if index < len(tokens) else None
    if direction == -1:  # to the end of the previous word token, which must stay inside
        index = bisect_left(tokens.ends, span_end) - 1
        while index >= 0 and _is_space(tokens, text, index):
            index -= 1
        if index >= 0 and tokens.ends[index] > span_start:
            return tokens.ends[index]
        return None
    raise ValueError(f"direction must be -1 or 1, not {direction!r}")


def _is_space(tokens: Tokens, text: str, index: int) -> bool:
    return text[tokens.starts[index] : tokens.ends[index]].isspace()


def word_from(tokens: Tokens, text: str, offset: int) -> tuple[int, int] | None:
    """The word token holding `offset`, else the first one after it (the key that grows
    a selection by one token); None past the last."""
    index = bisect_right(tokens.ends, offset)
    while index < len(tokens) and _is_space(tokens, text, index):
        index += 1
    return (tokens.starts[index], tokens.ends[index]) if index < len(tokens) else None
