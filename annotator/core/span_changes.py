"""What changed between a document's span tuple before and after an edit.

The window re-highlights and re-lists only those spans, so this must stay cheap on an
article of 10,000 spans: it relies on an edit sharing most span objects with the document
before it.
"""

from __future__ import annotations

from collections.abc import Sequence

from annotator.core.model import Span, sort_key


def span_changes(
    old: Sequence[Span], new: Sequence[Span]
) -> tuple[tuple[Span, ...], tuple[Span, ...]]:
    """The spans `old` has and `new` lacks, and those `new` has and `old` lacks.

    Both are a document's sorted spans before and after an edit, which shares most of its
    span objects with the document before: the common head and tail are found by
    bisection over slices (compared by identity in C, about 0.1 ms for 10,000 spans), and
    only what lies between is compared one by one.
    """
    old, new = tuple(old), tuple(new)
    head = _common_head(old, new)
    tail = _common_head(old[head:][::-1], new[head:][::-1])
    gone, came = old[head : len(old) - tail], new[head : len(new) - tail]
    if not gone or not came:
        return gone, came
    gone_ids, came_ids = set(map(id, gone)), set(map(id, came))
    removed = {span for span in gone if id(span) not in came_ids}
    added = {span for span in came if id(span) not in gone_ids}
    return tuple(sorted(removed - added, key=sort_key)), tuple(
        sorted(added - removed, key=sort_key)
    )


def _common_head(first: tuple[Span, ...], second: tuple[Span, ...]) -> int:
    """How many leading spans two tuples share."""
    low, high = 0, min(len(first), len(second))
    while low < high:
        middle = (low + high + 1) // 2
        if first[low:middle] == second[low:middle]:
            low = middle
        else:
            high = middle - 1
    return low
