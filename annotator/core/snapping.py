"""Fitting a mouse selection to tokens, and moving a span's boundaries token by token.

A drag is snapped outwards (people under-select) unless it starts or ends in whitespace,
which shows a deliberate overshoot: then only the tokens entirely inside are kept. Holding
Alt keeps the selection as it is, for entities that cut through a token ("Antwerp" in
"Antwerp-Bruges"). Offsets are code-point indices into the text, end exclusive.
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
    in_whitespace = text[start].isspace() or text[end - 1].isspace()
    mode = Alignment.CONTRACT if in_whitespace else Alignment.EXPAND
    return tokens.align(start, end, mode, text)


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
