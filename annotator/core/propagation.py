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
- G's short forms (a person's surname, a bracketed acronym; see `annotator.core.aliases`)
  get the same treatment where they stand alone: accepting "Zikruhudo Samadov" suggests
  "Samadov" as PERSON; a person's given name does only where nothing is suggested.
- After a resize that cut words off a suggestion's edges ("the Senate" to "Senate"; see
  `annotator.core.boundaries.Trim`), every other suggestion of the label it had that has
  the same edge words (and is not from the memory, whose edges people chose) is replaced
  by a memory suggestion without them, unless that range is a rejected key.
- After an edit that rejects a suggestion, every other suggestion with the same text and
  the same label is rejected too.
- Removing a span, or an edit that is not about one span (a status change, a batch of
  several edits), propagates nothing.

The batch is the edit followed by at most one `SwapSuggestions` holding every consequence,
described as the edit plus " (+N elsewhere)", N the spans suggested or rejected elsewhere.
"""

from __future__ import annotations

from bisect import insort
from dataclasses import dataclass, field, replace

from annotator.core.aliases import gap_mentions, mentions
from annotator.core.boundaries import Trim
from annotator.core.edits import Batch, Changes, Edit, SwapSuggestions
from annotator.core.gold_ranges import GoldRanges
from annotator.core.merge import SpanIndex, blocked_by_gold, part_of_longer_name, split_by_state
from annotator.core.model import Document, Span, SpanState, sort_key
from annotator.core.names import continues_a_name
from annotator.core.navigation import index_of
from annotator.core.suggestions import MEMORY_SOURCE
from annotator.core.text import occurrences
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
        trim = _trimmed(document.text, changes.removed, span)
        swap = after.suggest_elsewhere(span, tokens, allow_overlap=allow_overlap, trim=trim)
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


def _trimmed(text: str, removed: tuple[Span, ...], decided: Span) -> _Trimmed | None:
    """The cut, when the edit resized a suggestion by cutting words off it."""
    if len(removed) != 1 or removed[0].state is not SpanState.SUGGESTED:
        return None
    old = removed[0]
    cut = Trim.between(text, (old.start, old.end), (decided.start, decided.end))
    return None if cut is None else _Trimmed(old.label, cut)


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
        index = index_of(result, span)
        if index >= 0:
            del result[index]
    for span in changes.added:
        insort(result, span, key=sort_key)
    return result


class _State:
    """A document's text and spans after the edit, indexed for overlap queries."""

    def __init__(self, text: str, spans: list[Span]) -> None:
        gold, suggested, rejected = split_by_state(spans)
        self.text = text
        self.gold = SpanIndex(gold)
        self.suggestions = suggested
        self.suggested = SpanIndex(suggested)
        self.rejected = {span.key for span in rejected}

    def suggest_elsewhere(
        self, gold: Span, tokens: Tokens | None, *, allow_overlap: bool, trim: _Trimmed | None
    ) -> SwapSuggestions:
        """Memory suggestions of `gold`'s label on the other occurrences of its text and
        on its short forms, and the same cut on the other suggestions of its label."""
        swap = _Swap()
        # Skip name fragments, unless the decision itself was about one (then it is meant).
        fragment_rule = not continues_a_name(self.text, gold.start, gold.end)
        for start, end in occurrences(self.text, self.text[gold.start : gold.end]):
            if start == gold.start or swap.overlaps(start, end):
                continue
            if tokens is not None and tokens.token_span(start, end) is None:
                continue
            if fragment_rule and continues_a_name(self.text, start, end):
                continue  # "Chile" inside "AFP Chile": part of another name
            self._suggest(Span(start, end, gold.label), swap, allow_overlap=allow_overlap)
        for start, end in mentions(self.text, gold, tokens):  # "Samadov", "WTO"
            if not swap.overlaps(start, end):
                self._suggest(Span(start, end, gold.label), swap, allow_overlap=allow_overlap)
        for start, end in gap_mentions(self.text, gold, tokens):  # "Chloé", where nothing is
            if not swap.overlaps(start, end) and not any(self.suggested.overlapping(start, end)):
                self._suggest(Span(start, end, gold.label), swap, allow_overlap=allow_overlap)
        if trim is not None:
            self._trim_others(trim, swap, tokens, allow_overlap=allow_overlap)
        return SwapSuggestions(tuple(swap.removed), tuple(swap.added))

    def _suggest(self, occurrence: Span, swap: _Swap, *, allow_overlap: bool) -> None:
        """A memory suggestion at `occurrence`, replacing what is in its way, unless a
        person's span, a rejection or a longer name of its label is there."""
        start, end, label = occurrence.key
        if occurrence.key in self.rejected or blocked_by_gold(
            start, end, label, self.gold, allow_overlap=allow_overlap
        ):
            return
        in_way = [s for s in self.suggested.overlapping(start, end) if s not in swap.removed]
        swap.claim(occurrence)
        if any(span.key == occurrence.key for span in in_way):
            return  # already suggested: left alone
        if any(part_of_longer_name(self.text, occurrence, span) for span in in_way):
            return  # part of a longer name of the same kind: the longer one stays
        swap.removed.update(dict.fromkeys(in_way))
        swap.added.append(replace(occurrence, state=SpanState.SUGGESTED, source=MEMORY_SOURCE))

    def _trim_others(
        self, trim: _Trimmed, swap: _Swap, tokens: Tokens | None, *, allow_overlap: bool
    ) -> None:
        """The annotator's cut ("the " off "the Senate") on the other suggestions of the
        label it was made on."""
        for span in self.suggestions:
            if span.label != trim.label or span in swap.removed:
                continue
            if span.source == MEMORY_SOURCE or swap.overlaps(span.start, span.end):
                continue  # memory repeats what people decided: its edges are theirs
            cut = trim.cut.apply(self.text, span, tokens)
            if cut is None:
                continue
            key = (*cut, span.label)
            if key in self.rejected or blocked_by_gold(
                *key, self.gold, allow_overlap=allow_overlap
            ):
                continue
            swap.claim(Span(*key))
            swap.removed[span] = None
            swap.added.append(Span(*key, SpanState.SUGGESTED, source=MEMORY_SOURCE))

    def reject_elsewhere(self, rejected: Span) -> SwapSuggestions:
        """Rejections of the other suggestions with `rejected`'s text and label."""
        found: list[Span] = []
        for start, end in occurrences(self.text, self.text[rejected.start : rejected.end]):
            for span in self.suggested.overlapping(start, end):
                if span.key == (start, end, rejected.label):
                    found.append(span)
        rejections = tuple(span.with_state(SpanState.REJECTED) for span in found)
        return SwapSuggestions(tuple(found), rejections)


@dataclass(frozen=True, slots=True)
class _Trimmed:
    """A suggestion of `label` that the annotator resized by cutting words off."""

    label: str
    cut: Trim


@dataclass
class _Swap:
    """What propagation removes and adds, and the ranges it has claimed so far."""

    removed: dict[Span, None] = field(default_factory=dict)
    added: list[Span] = field(default_factory=list)
    claimed: GoldRanges = field(default_factory=GoldRanges)

    def claim(self, span: Span) -> None:
        """Take `span`'s range (a drawn span of the label it gets)."""
        self.claimed.add(span)

    def overlaps(self, start: int, end: int) -> bool:
        return self.claimed.overlaps(start, end)
