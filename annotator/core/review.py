"""Settling several annotators' versions of one document into a reviewed one.

From the gold spans of the versions annotators marked done: the proposal (what every one
of them has exactly: same start, end and label) and the disagreements (each group of
overlapping gold spans not everyone has, with what each annotator chose there). Taking a
choice is an `Edit` on the review document, so the window's undo takes it back.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from annotator.core.edits import AddSpan, Batch, Edit, RemoveSpan
from annotator.core.model import Document, Span, SpanState


@dataclass(frozen=True, slots=True)
class Choice:
    """What one annotator has in a disagreement's region: their gold spans there, in text
    order, or none ("missing")."""

    annotator: str
    spans: tuple[Span, ...]

    def describe(self, text: str) -> str:
        """ "ada: PERSON 'Ada Lovelace'", "grace: missing"."""
        if not self.spans:
            return f"{self.annotator}: missing"
        chosen = ", ".join(f"{s.label} {text[s.start : s.end]!r}" for s in self.spans)
        return f"{self.annotator}: {chosen}"


@dataclass(frozen=True, slots=True)
class Disagreement:
    """A region `start:end` where the annotators' gold spans differ: one choice per
    annotator, in the order of the review's annotators."""

    start: int
    end: int
    choices: tuple[Choice, ...]
    # Agreed spans in the region (only where the dataset allows overlap): always kept.
    agreed: frozenset[tuple[int, int, str]] = frozenset()

    def take(self, document: Document, index: int, *, allow_overlap: bool = False) -> Edit:
        """The edit that gives `document` (the review) the `index`th annotator's spans in
        this region in place of whatever it has there."""
        choice = self.choices[index]
        return self._settle(document, choice.spans, f"Take {choice.annotator}'s", allow_overlap)

    def reject_all(self, document: Document) -> Edit:
        """The edit that leaves nothing gold in this region of `document`."""
        return self._settle(document, (), "Reject every choice", False)

    def taken(self, document: Document) -> int | None:
        """Which choice the review now has in this region (the first that matches), or None
        when it has something else there."""
        here = tuple(s.key for s in document.spans if s.state.is_gold and self._owns(s))
        for index, choice in enumerate(self.choices):
            if here == tuple(s.key for s in choice.spans):
                return index
        return None

    def _settle(
        self, document: Document, spans: Sequence[Span], description: str, allow_overlap: bool
    ) -> Edit:
        wanted = {s.key: Span(s.start, s.end, s.label, SpanState.ACCEPTED) for s in spans}
        removed = [
            s
            for s in document.spans
            if wanted.get(s.key) != s and (s.key in wanted or (s.state.is_gold and self._owns(s)))
        ]
        present = set(document.spans)
        added = [s for s in wanted.values() if s not in present]
        edits: list[Edit] = [RemoveSpan(s) for s in removed]
        edits += [AddSpan(s, allow_overlap=allow_overlap) for s in added]
        return Batch(tuple(edits), description)

    def _owns(self, span: Span) -> bool:
        """Whether `span` is this region's to replace: in it, and not agreed."""
        there = span.start < self.end and self.start < span.end
        return there and span.key not in self.agreed


@dataclass(frozen=True, slots=True)
class Review:
    """What the versions of one document say together."""

    annotators: tuple[str, ...]
    proposal: tuple[Span, ...]  # the agreed spans, accepted, in text order
    disagreements: tuple[Disagreement, ...]  # in text order

    def settled(self, document: Document) -> tuple[int | None, ...]:
        """`Disagreement.taken` of every disagreement, in one pass over the review's spans
        (the regions are disjoint and in text order: each span finds its own by bisection)."""
        stops = self.disagreements
        starts = [d.start for d in stops]
        found: list[list[tuple[int, int, str]]] = [[] for _ in stops]
        gold = (SpanState.ACCEPTED, SpanState.MANUAL)
        for span in document.spans:
            if span.state not in gold:
                continue
            index = max(bisect_right(starts, span.start) - 1, 0)
            while index < len(stops) and stops[index].start < span.end:
                stop = stops[index]
                if span.start < stop.end and span.key not in stop.agreed:
                    found[index].append(span.key)
                index += 1
        return tuple(
            next(
                (n for n, choice in enumerate(stop.choices) if here == _keys(choice.spans)),
                None,
            )
            for stop, here in zip(stops, found, strict=True)
        )

    def at(self, offset: int) -> Disagreement | None:
        """The disagreement whose region holds `offset`, if any."""
        return next((d for d in self.disagreements if d.start <= offset < d.end), None)


def _keys(spans: Sequence[Span]) -> list[tuple[int, int, str]]:
    return [span.key for span in spans]


def review(versions: Mapping[str, Sequence[Span]]) -> Review:
    """The proposal and the disagreements of `versions` (each annotator's spans; only gold
    ones count), annotators taken by name. One sort and one pass: a document's spans are
    never compared pairwise."""
    names = tuple(sorted(versions))
    gold = {name: sorted({s.key for s in versions[name] if s.state.is_gold}) for name in names}
    agreed = set.intersection(*(set(keys) for keys in gold.values())) if names else set()
    proposal = tuple(Span(*key, SpanState.ACCEPTED) for key in sorted(agreed))
    differing = sorted({key for keys in gold.values() for key in keys if key not in agreed})
    regions: list[list[int]] = []  # [start, end] of each group of overlapping spans
    for start, end, _ in differing:
        if regions and start < regions[-1][1]:
            regions[-1][1] = max(regions[-1][1], end)
        else:
            regions.append([start, end])
    starts = [start for start, _ in regions]
    chosen: list[dict[str, list[Span]]] = [{name: [] for name in names} for _ in regions]
    for name in names:
        for key in gold[name]:
            if key not in agreed:
                chosen[bisect_right(starts, key[0]) - 1][name].append(
                    Span(*key, SpanState.ACCEPTED)
                )
    disagreements = tuple(
        Disagreement(
            start,
            end,
            tuple(Choice(name, tuple(found[name])) for name in names),
            frozenset(key for key in agreed if key[0] < end and start < key[1]),
        )
        for (start, end), found in zip(regions, chosen, strict=True)
    )
    return Review(names, proposal, disagreements)
