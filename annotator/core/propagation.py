"""Annotate once, apply everywhere: one decision repeated for the same text elsewhere.

`propagate` wraps an edit and what follows from it in one `Batch`: one undo step, one
store transaction. What follows is only ever a suggestion (source "memory") or a rejection
of a suggestion; the annotator's own spans are never touched. The rules:

- After an edit that leaves a gold span G (a manual span added, a suggestion accepted, a
  span relabelled or resized), every other occurrence of G's text (exact, case-sensitive;
  with tokens, only occurrences that start and end on token boundaries, so "Paris" does
  not match inside "Parisian") gets the suggestion (start, end, G's label, source
  "memory"), unless
  - a gold span overlaps the occurrence (in a dataset that allows overlapping entities:
    a gold span of the same label, or one covering exactly the same range), or
  - a rejected span has that exact key (a rejected suggestion never comes back), or
  - a suggestion with that exact key is already there (it is left alone), or
  - the occurrence overlaps an earlier one that has (or got) that suggestion, or
  - it lies inside a longer name of the same label (accepting "Merkel" does not cut a
    suggested "Angela Merkel" down to "Merkel"; see `merge.part_of_longer_name`), or
  - it is part of a longer name in the text ("Chile" in "AFP Chile"; see
    `annotator.core.names`), unless the decided span was itself such a part.
  Any other suggestion overlapping the occurrence is removed: memory ranks above the model.
- After an edit that rejects a suggestion, every other suggestion with the same text and
  the same label is rejected too.
- Removing a span, or an edit that is not about one span (a status change, a batch of
  several edits), propagates nothing.

The batch is the edit followed by at most one `SwapSuggestions` holding every consequence,
described as the edit plus " (+N elsewhere)", N the spans suggested or rejected elsewhere.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Iterator

from annotator.core.edits import Batch, Changes, Edit, SwapSuggestions
from annotator.core.merge import (
    SpanIndex,
    blocked_by_gold,
    part_of_longer_name,
    split_by_state,
)
from annotator.core.model import Document, Span, SpanState, sort_key
from annotator.core.names import continues_a_name
from annotator.core.suggestions import MEMORY_SOURCE
from annotator.core.tokens import Tokens


def propagate(
    document: Document, edit: Edit, tokens: Tokens | None, *, allow_overlap: bool = False
) -> Batch:
    """`edit` and its consequences elsewhere in `document`, as one undoable `Batch`.

    The edit is not applied here: if it does not fit the document, applying the batch
    raises `EditError` and changes nothing, as the edit alone would.
    """
    changes = edit.changes()
    if not _is_one_decision(edit, changes):
        return Batch((edit,), edit.description)
    span = changes.added[0]
    after = _State(document.text, _spans_after(document.spans, changes))
    if span.state.is_gold:
        swap = after.suggest_elsewhere(span, tokens, allow_overlap=allow_overlap)
    elif _is_rejection(span, changes.removed):
        swap = after.reject_elsewhere(span)
    else:
        return Batch((edit,), edit.description)
    if not swap.added:
        return Batch((edit,), edit.description)
    description = f"{edit.description} (+{len(swap.added)} elsewhere)"
    return Batch((edit, SwapSuggestions(swap.removed, swap.added, description)), description)


def _is_one_decision(edit: Edit, changes: Changes) -> bool:
    """One span added (and at most one removed), nothing else: not a batch of several."""
    if isinstance(edit, Batch) and len(edit.edits) != 1:
        return False
    return changes.status is None and len(changes.added) == 1 and len(changes.removed) <= 1


def _is_rejection(added: Span, removed: tuple[Span, ...]) -> bool:
    return (
        added.state is SpanState.REJECTED
        and len(removed) == 1
        and removed[0].state is SpanState.SUGGESTED
    )


def _spans_after(spans: tuple[Span, ...], changes: Changes) -> list[Span]:
    """The document's spans as the edit leaves them, without the edit's own checks."""
    result = list(spans)
    for span in changes.removed:
        index = bisect_left(result, span.key, key=sort_key)
        if index < len(result) and result[index] == span:
            del result[index]
    for span in changes.added:
        insort(result, span, key=sort_key)
    return result


def occurrences(text: str, needle: str) -> Iterator[tuple[int, int]]:
    """Every (start, end) where `needle` occurs in `text`, overlapping ones included."""
    start = text.find(needle)
    while start >= 0:
        yield start, start + len(needle)
        start = text.find(needle, start + 1)


class _State:
    """A document's text and spans after the edit, indexed for overlap queries."""

    def __init__(self, text: str, spans: list[Span]) -> None:
        gold, suggested, rejected = split_by_state(spans)
        self.text = text
        self.gold = SpanIndex(gold)
        self.suggested = SpanIndex(suggested)
        self.rejected = {span.key for span in rejected}

    def suggest_elsewhere(
        self, gold: Span, tokens: Tokens | None, *, allow_overlap: bool
    ) -> SwapSuggestions:
        """Memory suggestions of `gold`'s label on the other occurrences of its text."""
        removed: dict[Span, None] = {}
        added: list[Span] = []
        last_end = 0
        # Skip name fragments, unless the decision itself was about one (then it is meant).
        fragment_rule = not continues_a_name(self.text, gold.start, gold.end)
        for start, end in occurrences(self.text, self.text[gold.start : gold.end]):
            if start == gold.start or start < last_end:
                continue
            if tokens is not None and tokens.token_span(start, end) is None:
                continue
            if fragment_rule and continues_a_name(self.text, start, end):
                continue  # "Chile" inside "AFP Chile": part of another name
            key = (start, end, gold.label)
            if key in self.rejected or blocked_by_gold(
                start, end, gold.label, self.gold, allow_overlap=allow_overlap
            ):
                continue
            in_way = list(self.suggested.overlapping(start, end))
            last_end = end
            if any(span.key == key for span in in_way):
                continue  # already suggested: left alone
            occurrence = Span(start, end, gold.label)
            if any(part_of_longer_name(self.text, occurrence, span) for span in in_way):
                continue  # part of a longer name of the same kind: the longer one stays
            removed.update(dict.fromkeys(in_way))
            added.append(Span(start, end, gold.label, SpanState.SUGGESTED, source=MEMORY_SOURCE))
        return SwapSuggestions(tuple(removed), tuple(added))

    def reject_elsewhere(self, rejected: Span) -> SwapSuggestions:
        """Rejections of the other suggestions with `rejected`'s text and label."""
        found: list[Span] = []
        for start, end in occurrences(self.text, self.text[rejected.start : rejected.end]):
            for span in self.suggested.overlapping(start, end):
                if span.key == (start, end, rejected.label):
                    found.append(span)
        rejections = tuple(span.with_state(SpanState.REJECTED) for span in found)
        return SwapSuggestions(tuple(found), rejections)
