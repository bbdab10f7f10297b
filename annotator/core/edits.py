"""Reversible edits of a document.

An edit is a value: `apply(document)` returns the changed document (or raises `EditError`
without side effects) and `inverted()` returns the edit that undoes it. The window's undo
stack wraps these; the store writes each applied edit in one transaction using `changes()`,
the span rows it removes and adds, so a one-span edit costs one-span writes even on a
document with thousands of spans.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Protocol

from annotator.core.errors import EditError
from annotator.core.gold_ranges import GoldRanges, first_overlap
from annotator.core.model import Document, Span, SpanState, Status, sort_key
from annotator.core.navigation import index_of


@dataclass(frozen=True, slots=True)
class Changes:
    """What an edit does to the stored rows."""

    removed: tuple[Span, ...] = ()
    added: tuple[Span, ...] = ()
    status: Status | None = None


class Edit(Protocol):
    @property
    def description(self) -> str: ...

    def apply(self, document: Document) -> Document: ...

    def inverted(self) -> Edit: ...

    def changes(self) -> Changes: ...


def _check_fits(document: Document, span: Span, *, allow_overlap: bool) -> None:
    """Raise unless `span` can join `document`: a few bisections, not a scan of every span.

    The spans are sorted by key, so a key collision sits at the bisection point; without
    overlap, the document's gold spans are pairwise disjoint (`GoldRanges`).
    """
    if span.end > len(document.text):
        raise EditError(f"span {span.start}-{span.end} ends after the text ({len(document.text)})")
    spans = document.spans
    index = bisect_left(spans, span.key, key=sort_key)
    if index < len(spans) and spans[index].key == span.key:
        raise EditError(f"{span.label} {span.start}-{span.end} is already annotated")
    if allow_overlap or not span.state.is_gold:
        return
    clash = GoldRanges(spans).clash(span.start, span.end)
    if clash is not None:
        raise _overlap(document, span, clash)


def _overlap(document: Document, span: Span, clash: Span) -> EditError:
    return EditError(
        f"{span.label} {span.start}-{span.end} overlaps "
        f"{clash.label} {clash.start}-{clash.end} {document.covered_text(clash)!r}"
    )


@dataclass(frozen=True, slots=True)
class AddSpan:
    span: Span
    allow_overlap: bool = False

    @property
    def description(self) -> str:
        return f"Add {self.span.label}"

    def apply(self, document: Document) -> Document:
        _check_fits(document, self.span, allow_overlap=self.allow_overlap)
        spans = document.spans
        index = bisect_left(spans, sort_key(self.span), key=sort_key)
        return replace(document, spans=(*spans[:index], self.span, *spans[index:]))

    def inverted(self) -> Edit:
        return RemoveSpan(self.span, allow_overlap=self.allow_overlap)

    def changes(self) -> Changes:
        return Changes(added=(self.span,))


@dataclass(frozen=True, slots=True)
class RemoveSpan:
    span: Span
    allow_overlap: bool = False

    @property
    def description(self) -> str:
        return f"Remove {self.span.label}"

    def apply(self, document: Document) -> Document:
        index = index_of(document.spans, self.span)
        if index < 0:
            raise EditError(f"no {self.span.label} span at {self.span.start}-{self.span.end}")
        spans = document.spans
        return replace(document, spans=spans[:index] + spans[index + 1 :])

    def inverted(self) -> Edit:
        # Undo restores a state the document was already in: the span fitted there, even
        # where it overlaps spans of a dataset that allows overlap.
        return AddSpan(self.span, allow_overlap=True)

    def changes(self) -> Changes:
        return Changes(removed=(self.span,))


@dataclass(frozen=True, slots=True)
class ReplaceSpan:
    """Swap one span for another: accept, reject, relabel and resize are all this."""

    old: Span
    new: Span
    allow_overlap: bool = False
    description: str = ""

    @staticmethod
    def accept(span: Span, *, allow_overlap: bool = False) -> ReplaceSpan:
        new = span.with_state(SpanState.ACCEPTED)
        return ReplaceSpan(span, new, allow_overlap, description="Accept")

    @staticmethod
    def reject(span: Span, *, allow_overlap: bool = False) -> ReplaceSpan:
        new = span.with_state(SpanState.REJECTED)
        return ReplaceSpan(span, new, allow_overlap, description="Reject")

    @staticmethod
    def relabel(span: Span, label: str, *, allow_overlap: bool = False) -> ReplaceSpan:
        """The span with another label, confirmed (`SpanState.confirmed`), as a label key
        on it in the window does."""
        new = replace(span, label=label, state=span.state.confirmed)
        return ReplaceSpan(span, new, allow_overlap, description=f"Relabel as {label}")

    @staticmethod
    def resize(span: Span, start: int, end: int, *, allow_overlap: bool = False) -> ReplaceSpan:
        """The span with new edges, confirmed, as moving an edge in the window does."""
        new = replace(span, start=start, end=end, state=span.state.confirmed)
        return ReplaceSpan(span, new, allow_overlap, description="Resize")

    def apply(self, document: Document) -> Document:
        without = RemoveSpan(self.old).apply(document)
        return AddSpan(self.new, allow_overlap=self.allow_overlap).apply(without)

    def inverted(self) -> Edit:
        # Like RemoveSpan.inverted: `old` fitted the document before this edit.
        return ReplaceSpan(self.new, self.old, True, self.description)

    def changes(self) -> Changes:
        return Changes(removed=(self.old,), added=(self.new,))


@dataclass(frozen=True, slots=True)
class SetStatus:
    old: Status
    new: Status

    @property
    def description(self) -> str:
        return f"Mark {self.new.value.replace('_', ' ')}"

    def apply(self, document: Document) -> Document:
        if document.status is not self.old:
            raise EditError(f"the document is {document.status.value}, not {self.old.value}")
        return replace(document, status=self.new)

    def inverted(self) -> Edit:
        return SetStatus(self.new, self.old)

    def changes(self) -> Changes:
        return Changes(status=self.new)


@dataclass(frozen=True, slots=True)
class Batch:
    """Several edits that apply, undo and redo as one step (e.g. "accept all")."""

    edits: tuple[Edit, ...]
    description: str

    def apply(self, document: Document) -> Document:
        for edit in self.edits:
            document = edit.apply(document)
        return document

    def inverted(self) -> Edit:
        return Batch(tuple(edit.inverted() for edit in reversed(self.edits)), self.description)

    def changes(self) -> Changes:
        """The net effect: a span added then removed inside the batch touches no row."""
        removed: dict[Span, None] = {}
        added: dict[Span, None] = {}
        status: Status | None = None
        for edit in self.edits:
            step = edit.changes()
            for span in step.removed:
                if span in added:
                    del added[span]
                else:
                    removed[span] = None
            for span in step.added:
                if span in removed:
                    del removed[span]
                else:
                    added[span] = None
            status = step.status if step.status is not None else status
        return Changes(tuple(removed), tuple(added), status)


@dataclass(frozen=True, slots=True)
class SwapSuggestions:
    """Remove and add many suggested or rejected spans in one pass over the document.

    The bulk form of `RemoveSpan` and `AddSpan` for spans nobody has confirmed: a merge or a
    propagation that touches thousands of spans copies the document's spans once, not once
    per span. Gold spans are refused (they go through the one-span edits, which check their
    overlaps), so the only clash is an added span with the key of a span that stays.
    """

    removed: tuple[Span, ...]
    added: tuple[Span, ...]
    description: str = ""

    def apply(self, document: Document) -> Document:
        for span in (*self.removed, *self.added):
            if span.state.is_gold:
                raise EditError(
                    f"{span.label} {span.start}-{span.end} is {span.state.value}: "
                    "only suggestions and rejections change in bulk"
                )
        kept = _without(document.spans, self.removed)
        return replace(document, spans=_with(kept, self.added, len(document.text)))

    def inverted(self) -> Edit:
        return SwapSuggestions(self.added, self.removed, self.description)

    def changes(self) -> Changes:
        return Changes(removed=self.removed, added=self.added)


def _without(spans: tuple[Span, ...], removed: Sequence[Span]) -> list[Span]:
    cuts: set[int] = set()
    for span in removed:
        index = index_of(spans, span)
        if index < 0 or index in cuts:
            raise EditError(f"no {span.label} span at {span.start}-{span.end}")
        cuts.add(index)
    kept: list[Span] = []
    previous = 0
    for index in sorted(cuts):
        kept += spans[previous:index]
        previous = index + 1
    kept += spans[previous:]
    return kept


def _with(kept: list[Span], added: Sequence[Span], text_length: int) -> tuple[Span, ...]:
    result: list[Span] = []
    previous = 0
    last_key: tuple[int, int, str] | None = None
    for span in sorted(added, key=sort_key):
        if span.end > text_length:
            raise EditError(f"span {span.start}-{span.end} ends after the text ({text_length})")
        index = bisect_left(kept, span.key, key=sort_key)
        if span.key == last_key or (index < len(kept) and kept[index].key == span.key):
            raise EditError(f"{span.label} {span.start}-{span.end} is already annotated")
        result += kept[previous:index]
        result.append(span)
        previous, last_key = index, span.key
    result += kept[previous:]
    return tuple(result)


@dataclass(frozen=True, slots=True)
class Restate:
    """Change the state of many spans in place (same start, end and label): "accept all".

    `old` and `new` are pairs, position by position. Spans that become gold are checked
    against the other gold spans in one sorted pass, so accepting ten thousand suggestions
    costs one copy of the document's spans, not one per span.
    """

    old: tuple[Span, ...]
    new: tuple[Span, ...]
    allow_overlap: bool = False
    description: str = ""

    def apply(self, document: Document) -> Document:
        if len(self.old) != len(self.new) or any(
            a.key != b.key for a, b in zip(self.old, self.new, strict=True)
        ):
            raise EditError("a state change keeps each span's start, end and label")
        pairs = {old.key: (old, new) for old, new in zip(self.old, self.new, strict=True)}
        spans = list(document.spans)
        found = 0
        for position, span in enumerate(spans):
            pair = pairs.get(span.key)
            if pair is None:
                continue
            if span != pair[0]:
                raise EditError(f"{span.label} {span.start}-{span.end} changed meanwhile")
            spans[position] = pair[1]
            found += 1
        if found != len(pairs) or len(pairs) != len(self.old):
            raise EditError("some spans to change are no longer in the document")
        if not self.allow_overlap:
            _check_gold_disjoint(spans, document)
        return replace(document, spans=tuple(spans))

    def inverted(self) -> Edit:
        return Restate(self.new, self.old, True, self.description)

    def changes(self) -> Changes:
        return Changes(removed=self.old, added=self.new)


def _check_gold_disjoint(spans: Sequence[Span], document: Document) -> None:
    found = first_overlap(spans)
    if found is not None:
        raise _overlap(document, *found)
