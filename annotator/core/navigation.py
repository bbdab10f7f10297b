"""Moving between spans from the keyboard: Tab, Shift+Tab, and where to go after a decision."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence

from annotator.core.model import Span, SpanState


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


def successor(spans: Sequence[Span], span: Span) -> Span | None:
    """The span at `span`'s place after an edit changed it: same range, else the nearest."""
    same = [s for s in spans if (s.start, s.end) == (span.start, span.end)]
    if same:
        return next((s for s in same if s.label == span.label), same[0])
    return step(spans, None, offset=span.start)
