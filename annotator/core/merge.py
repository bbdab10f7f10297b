"""Putting new suggestions into a document without undoing anything the annotator did.

`merge_suggestions` turns a suggester's output into one `Batch`, so the window undoes it in
one step and the store writes it in one transaction. The rules, in the order they apply:

1. A suggestion never overwrites or overlaps an annotator's own span: a suggestion that
   overlaps an accepted or manual span is dropped. In a dataset that allows overlapping
   entities (`allow_overlap=True`) only a suggestion that covers exactly the range of a
   gold span, or overlaps a gold span of its own label, is dropped.
2. A rejected suggestion never comes back: a suggestion with the key (start, end, label)
   of a rejected span is dropped.
3. `replace=True` (re-suggesting with --force) first removes every existing suggestion;
   accepted, manual and rejected spans are never touched.
4. Memory ranks above the model: where a suggestion from "memory" (or from the dataset's
   "patterns": what people taught ranks the same) overlaps a model
   suggestion, new or already in the document, the model one goes, except that a memory
   suggestion inside a longer name of its label gives way to it: a surname learnt as
   PERSON does not cut "Angela Merkel" down to "Merkel" (see `part_of_longer_name`); if
   that longer name itself loses to another memory suggestion, the inner one stands.
   Among overlapping
   suggestions of the same rank the longest stays, then the earliest, then the one already
   in the document, then the first label in alphabetical order.
5. A suggestion with the key of a suggestion already in the document is not added again,
   except that a memory suggestion replaces a model one, so the source says memory.

Suggestions never overlap one another after a merge, except pairs that already overlapped
before it (those are left as they were). The batch holds one `SwapSuggestions` (none when
nothing changes) and is described as "Suggest N entities", plus " (replacing M)" when M
suggestions went.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Sequence

from annotator.core import names
from annotator.core.edits import Batch, SwapSuggestions
from annotator.core.errors import EditError
from annotator.core.model import Document, Span, SpanState, sort_key
from annotator.core.suggestions import TAUGHT_SOURCES


def part_of_longer_name(text: str, span: Span, other: Span) -> bool:
    """True when `other` is a longer name of `span`'s label around it ("Angela Merkel"
    around "Merkel"); lowercase additions ("the", "'s") do not make a longer name."""
    return other.label == span.label and names.part_of_longer_name(
        text, (span.start, span.end), (other.start, other.end)
    )


def is_memory(span: Span) -> bool:
    """True for a suggestion that repeats what people decided elsewhere or wrote as a
    pattern (`TAUGHT_SOURCES`): it ranks above a model's."""
    return span.source in TAUGHT_SOURCES


class SpanIndex:
    """Overlap queries over spans sorted by start, without scanning them all.

    A span overlapping `start:end` starts before `end` and no earlier than `start` minus
    the longest span's length, so a query bisects to that window and checks only it.
    """

    def __init__(self, spans: Sequence[Span] = ()) -> None:
        """`spans` in document order (sorted by start, as `Document.spans` is)."""
        self._spans = spans
        self._starts = [span.start for span in self._spans]
        self._longest = max((span.end - span.start for span in self._spans), default=0)

    def add(self, span: Span) -> None:
        """Index `span` too, after the spans that start where it does."""
        if not isinstance(self._spans, list):
            self._spans = list(self._spans)
        index = bisect_right(self._starts, span.start)
        self._starts.insert(index, span.start)
        self._spans.insert(index, span)
        self._longest = max(self._longest, span.end - span.start)

    def spans(self) -> list[Span]:
        """The indexed spans, in order of start."""
        return list(self._spans)

    def overlapping(self, start: int, end: int) -> Iterator[Span]:
        """The spans that share at least one character with `start:end`."""
        low = bisect_right(self._starts, start - self._longest)
        high = bisect_left(self._starts, end)
        for span in self._spans[low:high]:
            if span.end > start:
                yield span


def blocked_by_gold(
    start: int, end: int, label: str, gold: SpanIndex, *, allow_overlap: bool
) -> bool:
    """Whether a gold span forbids a suggestion at `start:end` (rule 1 above)."""
    for span in gold.overlapping(start, end):
        if not allow_overlap or span.label == label:
            return True
        if (span.start, span.end) == (start, end):
            return True
    return False


def merge_suggestions(
    document: Document,
    suggestions: Sequence[Span],
    *,
    replace: bool,
    allow_overlap: bool = False,
) -> Batch:
    """One undoable edit that puts `suggestions` into `document` by the rules above.

    Raises `EditError` if a suggestion is not in the suggested state or ends after the text.
    """
    _check(document, suggestions)
    gold, existing, rejected = split_by_state(document.spans)
    gold_index = SpanIndex(gold)
    rejected_keys = {span.key for span in rejected}
    fresh = [
        span
        for span in suggestions
        if span.key not in rejected_keys
        and not blocked_by_gold(
            span.start, span.end, span.label, gold_index, allow_overlap=allow_overlap
        )
    ]
    old = set(existing)
    pool = _by_key([] if replace else existing, fresh)
    winners = set(_resolve(pool, old, _nested_memory(document.text, pool)))
    removals = tuple(span for span in existing if span not in winners)
    additions = tuple(sorted((span for span in winners if span not in old), key=sort_key))
    description = _describe(len(additions), len(removals))
    if not removals and not additions:
        return Batch((), description)
    return Batch((SwapSuggestions(removals, additions, description),), description)


def split_by_state(spans: Iterable[Span]) -> tuple[list[Span], list[Span], list[Span]]:
    """Gold, suggested and rejected spans, each in the order given, in one pass."""
    gold: list[Span] = []
    suggested: list[Span] = []
    rejected: list[Span] = []
    for span in spans:
        state = span.state
        if state is SpanState.SUGGESTED:
            suggested.append(span)
        elif state is SpanState.REJECTED:
            rejected.append(span)
        else:
            gold.append(span)
    return gold, suggested, rejected


def _check(document: Document, suggestions: Sequence[Span]) -> None:
    for span in suggestions:
        if span.state is not SpanState.SUGGESTED:
            raise EditError(
                f"{span.label} {span.start}-{span.end} is {span.state.value}, not a suggestion"
            )
        if span.end > len(document.text):
            raise EditError(
                f"suggestion {span.start}-{span.end} ends after the text ({len(document.text)})"
            )


def _by_key(existing: Iterable[Span], fresh: Iterable[Span]) -> list[Span]:
    """One candidate per key: the existing one, unless memory replaces a model one (rule 5)."""
    chosen: dict[tuple[int, int, str], Span] = {span.key: span for span in existing}
    for span in fresh:
        held = chosen.get(span.key)
        if held is None or (is_memory(span) and not is_memory(held)):
            chosen[span.key] = span
    return list(chosen.values())


def _nested_memory(text: str, pool: list[Span]) -> set[Span]:
    """Memory suggestions that lie inside a longer model name of their label: they rank as
    the model's, so the longer name wins over them, unless it loses to another memory
    suggestion (then they still stand, rather than nothing)."""
    models = SpanIndex(sorted((s for s in pool if not is_memory(s)), key=sort_key))
    return {
        span
        for span in pool
        if is_memory(span)
        and any(
            part_of_longer_name(text, span, other)
            for other in models.overlapping(span.start, span.end)
        )
    }


def _resolve(pool: list[Span], existing: set[Span], demoted: set[Span]) -> list[Span]:
    """Keep suggestions in rank order, skipping any that overlaps one kept before it."""

    def rank(span: Span) -> tuple[bool, int, int, bool, str]:
        return (
            not is_memory(span) or span in demoted,
            span.start - span.end,
            span.start,
            span not in existing,
            span.label,
        )

    kept = SpanIndex()
    for span in sorted(pool, key=rank):
        if not any(
            not (span in existing and other in existing)
            for other in kept.overlapping(span.start, span.end)
        ):
            kept.add(span)
    return kept.spans()


def _describe(added: int, removed: int) -> str:
    noun = "entity" if added == 1 else "entities"
    text = f"Suggest {added} {noun}" if added else "Suggest no new entities"
    if removed:
        text += f" (replacing {removed})"
    return text
