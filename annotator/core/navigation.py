"""Moving between spans from the keyboard: Tab, Shift+Tab, and where to go after a decision.

A document's spans are sorted by key (start, end, label), so lookups bisect: an edit in an
article of 10,000 spans never walks all of them.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from itertools import chain

from annotator.core.model import Span, SpanState, sort_key


def visible(spans: Sequence[Span], *, show_rejected: bool) -> list[Span]:
    """The spans the article shows, in text order."""
    if show_rejected:
        return list(spans)
    return [s for s in spans if s.state is not SpanState.REJECTED]


def step(
    spans: Sequence[Span],
    current: Span | None,
    *,
    offset: int = 0,
    forward: bool = True,
    open_only: bool = False,
) -> Span | None:
    """The span after (or before) `current`, wrapping around the document.

    Without a current span the search starts at `offset` (the caret). `open_only` visits
    suggestions only: after accepting or rejecting one, the next one to decide.
    `spans` must be sorted by (start, end, label), as a document's are.
    """
    candidates = [s for s in spans if s.state is SpanState.SUGGESTED] if open_only else spans
    if not candidates:
        return None
    keys = [s.key for s in candidates]
    anchor = current.key if current is not None else (offset, -1, "")
    # After the current span: past every key up to its own; from the caret: from it on.
    after = bisect_right(keys, anchor) if current is not None else bisect_left(keys, anchor)
    index = after if forward else bisect_left(keys, anchor) - 1
    return candidates[index % len(candidates)]


def index_of(spans: Sequence[Span], span: Span) -> int:
    """Where `span` (equal in every field) is in `spans`, sorted by key; -1 if absent."""
    index = bisect_left(spans, span.key, key=sort_key)
    return index if index < len(spans) and spans[index] == span else -1


def contains(spans: Sequence[Span], span: Span) -> bool:
    return index_of(spans, span) >= 0


def same_range(spans: Sequence[Span], start: int, end: int) -> list[Span]:
    """The spans covering exactly `start:end`, in label order."""
    found = []
    for index in range(bisect_left(spans, (start, end, ""), key=sort_key), len(spans)):
        if spans[index].start != start or spans[index].end != end:
            break
        found.append(spans[index])
    return found


def gold_at(spans: Sequence[Span], start: int, end: int) -> Span | None:
    """The accepted or drawn span covering exactly `start:end`, if any."""
    return next((s for s in same_range(spans, start, end) if s.state.is_gold), None)


def successor(spans: Sequence[Span], span: Span, *, show_rejected: bool = True) -> Span | None:
    """Which span is current after an edit changed or removed the current `span`.

    The one with its key (in its new state), else another label on its range (after a
    relabel), else the first span from its start on, wrapping around (after the undo of a
    drawn span); only among the spans the window shows (rejected ones only when
    `show_rejected`). `spans` are sorted by key: the article's outline, the span list and
    the keys all follow this one rule, found by bisection (an edit never walks them all).
    """

    def shown(candidate: Span) -> bool:
        return show_rejected or candidate.state is not SpanState.REJECTED

    same = [s for s in same_range(spans, span.start, span.end) if shown(s)]
    if same:
        return next((s for s in same if s.label == span.label), same[0])
    first = bisect_left(spans, (span.start, -1, ""), key=sort_key)
    count = len(spans)
    return next(
        (spans[i % count] for i in range(first, first + count) if shown(spans[i % count])),
        None,
    )


def next_open(spans: Sequence[Span], after: Span) -> Span | None:
    """The first suggestion after `after`, wrapping around: the next one to decide."""
    index = bisect_right(spans, after.key, key=sort_key)
    for position in chain(range(index, len(spans)), range(index)):
        if spans[position].state is SpanState.SUGGESTED:
            return spans[position]
    return None
