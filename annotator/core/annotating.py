"""What each of the annotator's gestures does to a document, as one edit.

The window turns keys, clicks and menu items into these calls and hands the edit to the
session, which applies it, writes it and makes it one undo step. Nothing here knows
about Qt or the store, so every gesture is tested on plain values.

Rules every gesture follows:

- A gold span (accepted or drawn) wins over the suggestions it overlaps: they are removed
  in the same edit. Two gold spans never overlap unless the dataset allows it: the
  gesture raises `EditError`, which the window shows, and nothing changes.
- A suggestion that is rejected stays in the document as a rejected span, so no
  suggester brings it back; a span people drew themselves is simply removed.
- Labelling a range that a rejected span covers with its label replaces the rejection.
- A decision about one span spreads to the same words elsewhere in the document
  (`propagation.propagate`), in the same edit.
- The first change to a new document marks it in progress, in the same edit (so undo
  takes both back). Marking it done accepts its open suggestions in the same edit: what
  the article shows is what it keeps.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from annotator.core.edits import (
    AddSpan,
    Batch,
    Edit,
    RemoveSpan,
    ReplaceSpan,
    Restate,
    SetStatus,
    SwapSuggestions,
)
from annotator.core.errors import EditError
from annotator.core.gold_ranges import GoldRanges
from annotator.core.merge import SpanIndex
from annotator.core.model import Document, Span, SpanState, Status
from annotator.core.navigation import same_range
from annotator.core.propagation import propagate
from annotator.core.snapping import Direction, Edge, step_boundary
from annotator.core.text import occurrences
from annotator.core.tokens import Tokens


class Gestures:
    """The edits for one document, under its dataset's overlap rule and its tokens."""

    def __init__(
        self,
        document: Document,
        tokens: Tokens | None = None,
        *,
        allow_overlap: bool = False,
        spread: bool = True,
    ) -> None:
        self.document = document
        self.tokens = tokens
        self.allow_overlap = allow_overlap
        self.spread = spread  # propagate decisions to the same words elsewhere

    # -- one span -------------------------------------------------------------------------

    def label_range(self, start: int, end: int, label: str) -> Edit:
        """Give `text[start:end]` the label `label`: accept, relabel or draw a span."""
        if not 0 <= start < end <= len(self.document.text):
            raise EditError(f"nothing to label at {start}-{end}")
        here = same_range(self.document.spans, start, end)
        open_ = [s for s in here if s.state is not SpanState.REJECTED]
        if open_:
            return self.relabel(open_[0], label)
        rejected = next((s for s in here if s.label == label), None)
        if rejected is not None:  # the annotator changed their mind
            new = rejected.with_state(SpanState.ACCEPTED)
            return self._decide(ReplaceSpan(rejected, new, self.allow_overlap, f"Add {label}"))
        added = Span(start, end, label, SpanState.MANUAL)
        return self._decide(AddSpan(added, allow_overlap=self.allow_overlap))

    def accept(self, span: Span) -> Edit | None:
        """Enter: a suggestion (or a shown rejection) becomes accepted."""
        if span.state.is_gold:
            return None
        return self._decide(ReplaceSpan.accept(span, allow_overlap=self.allow_overlap))

    def reject(self, span: Span, *, spread: bool = True) -> Edit | None:
        """Delete: reject a suggestion (or an accepted one), remove a drawn span.

        A rejected suggestion takes the same words of its label elsewhere with it, unless
        `spread` is False (Shift+Delete: only this one).
        """
        if span.state is SpanState.REJECTED:
            return None
        if span.state is SpanState.MANUAL:
            return self._with_progress(RemoveSpan(span, allow_overlap=self.allow_overlap))
        edit = ReplaceSpan.reject(span, allow_overlap=self.allow_overlap)
        if span.state is SpanState.ACCEPTED or not spread:
            return self._with_progress(edit)  # changing one's mind spreads nothing
        return self._decide(edit)

    def relabel(self, span: Span, label: str) -> Edit:
        """A label key on the current span: it takes that label and is accepted."""
        if span.label == label:
            if span.state.is_gold:
                raise EditError(f"it is already {label}")
            return self._decide(ReplaceSpan.accept(span, allow_overlap=self.allow_overlap))
        edit = ReplaceSpan.relabel(span, label, allow_overlap=self.allow_overlap)
        return self._decide(edit, clearing=self._rejection_of(edit.new))

    def move_edge(self, span: Span, edge: Edge, direction: Direction) -> Edit | None:
        """`[` `]` (and with Shift, the end): move one boundary by one token."""
        if self.tokens is None:
            raise EditError("the tokens are not ready yet; try again in a moment")
        moved = step_boundary(
            self.tokens, self.document.text, span.start, span.end, edge=edge, direction=direction
        )
        if moved is None:
            return None
        edit = ReplaceSpan.resize(span, *moved, allow_overlap=self.allow_overlap)
        return self._decide(edit, clearing=self._rejection_of(edit.new))

    # -- many spans -----------------------------------------------------------------------

    def accept_all(self) -> Edit | None:
        """Every open suggestion becomes accepted, in one step.

        Where open suggestions overlap each other (they may, after an import), the first
        and longest is accepted and the others are left as suggestions.
        """
        edit = self._accept_open()
        return None if edit is None else self._with_progress(edit)

    def mark_done(self) -> Edit | None:
        """Ctrl+Enter: the article is done as it is shown, its open suggestions accepted
        (as `accept_all` accepts them), in one step; None when nothing would change."""
        accept = self._accept_open()
        steps: list[Edit] = [accept] if accept is not None else []
        if self.document.status is not Status.DONE:
            steps.append(SetStatus(self.document.status, Status.DONE))
        if not steps:
            return None
        description = "Mark done" + (f", {accept.description.lower()}" if accept else "")
        return Batch(tuple(steps), description)

    def _accept_open(self) -> Restate | None:
        chosen: list[Span] = []
        taken = GoldRanges(self.document.gold_spans)
        for span in sorted(self.document.spans, key=lambda s: (s.start, -s.end)):
            if span.state is SpanState.SUGGESTED and (
                self.allow_overlap or not taken.overlaps(span.start, span.end)
            ):
                chosen.append(span)
                taken.add(span.with_state(SpanState.ACCEPTED))
        if not chosen:
            return None
        accepted = tuple(s.with_state(SpanState.ACCEPTED) for s in chosen)
        description = f"Accept {len(chosen)} suggestion" + ("s" if len(chosen) > 1 else "")
        return Restate(tuple(chosen), accepted, self.allow_overlap, description)

    def label_all(self, span: Span, label: str | None = None) -> Edit | None:
        """Every occurrence of the span's words becomes a gold span of its label.

        Occurrences that would overlap another gold span are left alone; suggestions in
        the way are removed; rejections of that label there are overturned.
        """
        label = label or span.label
        text = self.document.covered_text(span)
        gold = self.document.gold_spans
        taken = GoldRanges.of(s for s in gold if (s.start, s.end) != (span.start, span.end))
        spans = SpanIndex(self.document.spans)
        removed: list[Span] = []
        added: list[Span] = []
        for start, end in occurrences(self.document.text, text):
            if self.tokens is not None and self.tokens.token_span(start, end) is None:
                continue
            probe = Span(start, end, label)
            if not self.allow_overlap and taken.overlaps(start, end):
                continue
            here = list(spans.overlapping(start, end))
            if any(s.state.is_gold and s.key == probe.key for s in here):
                taken.add(probe)
                continue
            removed += [s for s in here if not s.state.is_gold or (s.start, s.end) == (start, end)]
            added.append(Span(start, end, label, SpanState.ACCEPTED, _source_of(here, probe)))
            taken.add(probe)
        removed = list(dict.fromkeys(removed))
        if not added:
            return None
        edits: list[Edit] = [RemoveSpan(s, allow_overlap=True) for s in removed]
        edits += [AddSpan(s, allow_overlap=self.allow_overlap) for s in added]
        description = f"Label {text!r} as {label} {_places(len(added))}"
        return self._with_progress(Batch(tuple(edits), description))

    def remove_all(self, span: Span) -> Edit | None:
        """Every span with the same words and label: suggestions and accepted ones are
        rejected, drawn ones removed."""
        text = self.document.covered_text(span)
        same = [
            s
            for s in self.document.spans
            if s.label == span.label
            and s.state is not SpanState.REJECTED
            and self.document.covered_text(s) == text
        ]
        if not same:
            return None
        edits: list[Edit] = []
        for s in same:
            if s.state is SpanState.MANUAL:
                edits.append(RemoveSpan(s, allow_overlap=True))
            else:
                edits.append(ReplaceSpan.reject(s, allow_overlap=True))
        description = f"Remove {text!r} {_places(len(same))}"
        return self._with_progress(Batch(tuple(edits), description))

    # -- the document ---------------------------------------------------------------------

    def set_status(self, status: Status) -> Edit | None:
        if self.document.status is status:
            return None
        return SetStatus(self.document.status, status)

    # -- helpers --------------------------------------------------------------------------

    def _decide(self, edit: Edit, *, clearing: Iterable[Span] = ()) -> Edit:
        """`edit` after clearing what a new gold span overrides, spread to other occurrences."""
        document = self.document
        changes = edit.changes()
        new = changes.added[0]
        in_way: list[Span] = list(clearing)
        if new.state.is_gold:
            in_way += [
                s
                for s in document.spans
                if s.state is SpanState.SUGGESTED and s not in changes.removed and s.overlaps(new)
            ]
        steps: list[Edit] = []
        if in_way:
            clear = SwapSuggestions(tuple(dict.fromkeys(in_way)), (), "")
            document = clear.apply(document)
            steps.append(clear)
        if self.spread:
            spread = propagate(document, edit, self.tokens, allow_overlap=self.allow_overlap)
            steps.extend(spread.edits)
            description = spread.description
        else:
            steps.append(edit)
            description = edit.description
        return self._with_progress(Batch(tuple(steps), description))

    def _rejection_of(self, span: Span) -> list[Span]:
        """A rejected span with `span`'s key, which a new gold span must replace."""
        return [
            s for s in self.document.spans if s.key == span.key and s.state is SpanState.REJECTED
        ]

    def _with_progress(self, edit: Edit) -> Edit:
        if self.document.status is not Status.NEW:
            return edit
        start = SetStatus(Status.NEW, Status.IN_PROGRESS)
        steps = edit.edits if isinstance(edit, Batch) else (edit,)
        return Batch((*steps, start), edit.description)


def _places(count: int) -> str:
    return "in 1 place" if count == 1 else f"in {count} places"


def _source_of(here: Sequence[Span], probe: Span) -> str | None:
    """Keep the suggester's name when a suggestion with that exact range is accepted."""
    return next(
        (s.source for s in here if (s.start, s.end) == (probe.start, probe.end) and s.source),
        None,
    )
