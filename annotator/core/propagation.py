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
  - the occurrence overlaps an earlier occurrence that got the suggestion.
  Any other suggestion overlapping the occurrence is removed: memory ranks above the model.
- After an edit that rejects a suggestion, every other suggestion with the same text and
  the same label is rejected too.
- Removing a span, or an edit that is not about one span (a status change, a batch of
  several spans), propagates nothing.

The batch is described as the edit, plus " (+N elsewhere)" when something followed.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator

from annotator.core.edits import AddSpan, Batch, Edit, RemoveSpan, ReplaceSpan
from annotator.core.merge import SpanIndex, blocked_by_gold
from annotator.core.model import Document, Span, SpanState, sort_key
from annotator.core.suggestions import MEMORY_SOURCE
from annotator.core.tokens import Tokens


def propagate(
    document: Document, edit: Edit, tokens: Tokens | None, *, allow_overlap: bool = False
) -> Batch:
    """`edit` and its consequences elsewhere in `document`, as one undoable `Batch`.

    Raises `EditError` when `edit` itself does not fit `document`.
    """
    after = edit.apply(document)
    changes = edit.changes()
    consequences: list[Edit] = []
    if changes.status is None and len(changes.added) == 1 and len(changes.removed) <= 1:
        span = changes.added[0]
        if span.state.is_gold:
            consequences = _suggest_elsewhere(after, span, tokens, allow_overlap=allow_overlap)
        elif _is_rejection(span, changes.removed):
            consequences = _reject_elsewhere(after, span, allow_overlap=allow_overlap)
    description = edit.description
    if consequences:
        description += f" (+{len(consequences)} elsewhere)"
    return Batch((edit, *consequences), description)


def _is_rejection(added: Span, removed: tuple[Span, ...]) -> bool:
    return (
        added.state is SpanState.REJECTED
        and len(removed) == 1
        and removed[0].state is SpanState.SUGGESTED
    )


def occurrences(text: str, needle: str) -> Iterator[tuple[int, int]]:
    """Every (start, end) where `needle` occurs in `text`, overlapping ones included."""
    start = text.find(needle)
    while start >= 0:
        yield start, start + len(needle)
        start = text.find(needle, start + 1)


def _suggest_elsewhere(
    document: Document, gold: Span, tokens: Tokens | None, *, allow_overlap: bool
) -> list[Edit]:
    """Memory suggestions of `gold`'s label on the other occurrences of its text."""
    gold_index = SpanIndex(span for span in document.spans if span.state.is_gold)
    suggested = SpanIndex(span for span in document.spans if span.state is SpanState.SUGGESTED)
    removals: list[Edit] = []
    additions: list[Edit] = []
    removed: set[Span] = set()
    last_end = 0
    for start, end in occurrences(document.text, document.covered_text(gold)):
        if start == gold.start or start < last_end:
            continue
        if tokens is not None and tokens.token_span(start, end) is None:
            continue
        if blocked_by_gold(start, end, gold.label, gold_index, allow_overlap=allow_overlap):
            continue
        held = _at_key(document, (start, end, gold.label))
        if held is not None:  # rejected, or already suggested: left alone
            if held.state is SpanState.SUGGESTED:
                last_end = end
            continue
        in_way = [span for span in suggested.overlapping(start, end) if span not in removed]
        removed.update(in_way)
        removals += [RemoveSpan(span) for span in in_way]
        memory = Span(start, end, gold.label, SpanState.SUGGESTED, source=MEMORY_SOURCE)
        additions.append(AddSpan(memory, allow_overlap=allow_overlap))
        last_end = end
    return removals + additions


def _reject_elsewhere(document: Document, rejected: Span, *, allow_overlap: bool) -> list[Edit]:
    """Rejections of the other suggestions with `rejected`'s text and label."""
    edits: list[Edit] = []
    for start, end in occurrences(document.text, document.covered_text(rejected)):
        held = _at_key(document, (start, end, rejected.label))
        if held is not None and held.state is SpanState.SUGGESTED:
            edits.append(ReplaceSpan.reject(held, allow_overlap=allow_overlap))
    return edits


def _at_key(document: Document, key: tuple[int, int, str]) -> Span | None:
    """The span of `document` with this key, found by bisection (keys are unique)."""
    index = bisect_left(document.spans, key, key=sort_key)
    if index < len(document.spans) and document.spans[index].key == key:
        return document.spans[index]
    return None


__all__ = ["occurrences", "propagate"]
