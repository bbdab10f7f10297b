"""Random documents and random edits of every kind, for the edit invariants.

Every kind the window, the CLI and the suggesters make: one-span edits, status changes,
batches of several, `Restate` (accept all) and `SwapSuggestions` (the bulk paths), what the
window's gestures build (with the memory's suggestions elsewhere) and a merge of new
suggestions. Some are built to fail (a gold span in bulk, accepting a suggestion that
overlaps a gold span): those must raise and change nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from hypothesis import strategies as st

from annotator.core.annotating import Gestures
from annotator.core.edits import (
    AddSpan,
    Batch,
    Changes,
    Edit,
    RemoveSpan,
    ReplaceSpan,
    Restate,
    SetStatus,
    SwapSuggestions,
)
from annotator.core.errors import EditError
from annotator.core.merge import merge_suggestions
from annotator.core.model import Document, Span, SpanState, Status, sort_key
from annotator.core.tokens import Tokens

TEXT = "Zaha Hadid opened the Riverside Museum in Glasgow. Hadid met Glasgow 🎉 in June 2011."
LABELS = ("PERSON", "ORG", "GPE")
TOKENS = Tokens.from_pairs([m.span() for m in re.finditer(r"\w+|[^\w\s]", TEXT)])
WORDS = [m.span() for m in re.finditer(r"\w+", TEXT)]

KINDS = (
    "add",
    "remove",
    "accept",
    "reject",
    "relabel",
    "resize",
    "status",
    "batch",
    "restate",
    "accept all",
    "swap",
    "gesture",
    "merge",
)

GESTURES = (
    "accept all",
    "label range",
    "label all",
    "remove all",
    "accept",
    "reject",
    "relabel",
    "move edge",
)
_NOT_BATCH = tuple(kind for kind in KINDS if kind != "batch")
BULK = ("batch", "restate", "accept all", "swap", "gesture", "merge")

ranges = st.tuples(st.integers(0, len(TEXT) - 1), st.integers(1, 14)).map(
    lambda pair: (pair[0], min(pair[0] + pair[1], len(TEXT)))
)
words = st.tuples(st.integers(0, len(WORDS) - 1), st.integers(1, 3)).map(
    lambda pair: (WORDS[pair[0]][0], WORDS[min(pair[0] + pair[1], len(WORDS)) - 1][1])
)
any_range = st.one_of(words, ranges)
states = st.sampled_from(list(SpanState))
labels = st.sampled_from(LABELS)
sources = st.sampled_from([None, "model", "memory"])


@st.composite
def spans(draw: st.DrawFn, state: st.SearchStrategy[SpanState] = states) -> Span:
    start, end = draw(any_range)
    return Span(start, end, draw(labels), draw(state), draw(sources))


@st.composite
def documents(draw: st.DrawFn, *, allow_overlap: bool) -> Document:
    """A document as the store may hold one: unique keys, gold disjoint unless allowed."""
    kept: dict[tuple[int, int, str], Span] = {}
    for span in draw(st.lists(spans(), min_size=3, max_size=16)):
        if span.key in kept:
            continue
        if (
            span.state.is_gold
            and not allow_overlap
            and any(other.state.is_gold and other.overlaps(span) for other in kept.values())
        ):
            continue
        kept[span.key] = span
    status = draw(st.sampled_from(list(Status)))
    return Document(0, 1, TEXT, tuple(sorted(kept.values(), key=sort_key)), status)


def _pick(draw: st.DrawFn, items: Sequence[Span]) -> Span | None:
    return draw(st.sampled_from(items)) if items else None


def _some(draw: st.DrawFn, items: Sequence[Span]) -> list[Span]:
    if not items:
        return []
    return draw(st.lists(st.sampled_from(items), unique=True, max_size=len(items)))


@st.composite
def one_edit(draw: st.DrawFn, document: Document, allow_overlap: bool, kind: str) -> Edit | None:
    """An edit of `kind` for `document`, or None when the document has nothing for it."""
    present = document.spans
    if kind == "add":
        return AddSpan(draw(spans()), allow_overlap=allow_overlap)
    if kind == "status":
        old = draw(st.sampled_from([document.status, *Status]))
        return SetStatus(old, draw(st.sampled_from(list(Status))))
    if kind == "restate":  # any spans to any states, in place
        old = _some(draw, present)
        new = [span.with_state(draw(states)) for span in old]
        return Restate(tuple(old), tuple(new), allow_overlap, "Restate")
    if kind == "accept all":  # every suggestion, overlapping gold or not
        old = [span for span in present if span.state is SpanState.SUGGESTED]
        new = [span.with_state(SpanState.ACCEPTED) for span in old]
        return Restate(tuple(old), tuple(new), allow_overlap, "Accept all")
    if kind == "swap":  # mostly suggestions and rejections; now and then a gold span
        bulk = st.sampled_from([SpanState.SUGGESTED, SpanState.REJECTED])
        added = draw(st.lists(st.one_of(spans(bulk), spans()), max_size=6))
        removed = _some(draw, [s for s in present if not s.state.is_gold] or present)
        unique = {span.key: span for span in added}
        return SwapSuggestions(tuple(removed), tuple(unique.values()), "Swap")
    if kind == "merge":
        new = draw(st.lists(spans(st.just(SpanState.SUGGESTED)), max_size=6))
        unique = {span.key: span for span in new}
        return merge_suggestions(
            document,
            list(unique.values()),
            replace=draw(st.booleans()),
            allow_overlap=allow_overlap,
        )
    if kind == "gesture":
        return draw(gesture(document, allow_overlap))
    target = _pick(draw, present)
    if target is None:
        return None
    if kind == "remove":
        return RemoveSpan(target, allow_overlap=allow_overlap)
    if kind == "accept":
        return ReplaceSpan.accept(target, allow_overlap=allow_overlap)
    if kind == "reject":
        return ReplaceSpan.reject(target, allow_overlap=allow_overlap)
    if kind == "relabel":
        return ReplaceSpan.relabel(target, draw(labels), allow_overlap=allow_overlap)
    start, end = draw(any_range)
    return ReplaceSpan.resize(target, start, end, allow_overlap=allow_overlap)


@st.composite
def gesture(draw: st.DrawFn, document: Document, allow_overlap: bool) -> Edit | None:
    """What a key, a click or a menu item in the window builds, spread elsewhere."""
    gestures = Gestures(document, TOKENS, allow_overlap=allow_overlap, spread=draw(st.booleans()))
    target = _pick(draw, document.spans)
    name = draw(st.sampled_from(GESTURES))
    make: Callable[[], Edit | None]
    if name == "accept all":
        make = gestures.accept_all
    elif name == "label range":
        start, end = draw(words)
        label = draw(labels)
        make = lambda: gestures.label_range(start, end, label)  # noqa: E731
    elif target is None:
        return None
    elif name == "label all":
        label = draw(labels)
        make = lambda: gestures.label_all(target, label)  # noqa: E731
    elif name == "remove all":
        make = lambda: gestures.remove_all(target)  # noqa: E731
    elif name == "accept":
        make = lambda: gestures.accept(target)  # noqa: E731
    elif name == "reject":
        make = lambda: gestures.reject(target)  # noqa: E731
    elif name == "relabel":
        label = draw(labels)
        make = lambda: gestures.relabel(target, label)  # noqa: E731
    else:
        edge = draw(st.sampled_from(["start", "end"]))
        direction = draw(st.sampled_from([-1, 1]))
        make = lambda: gestures.move_edge(target, edge, direction)  # noqa: E731
    try:
        return make()
    except EditError:  # the gesture itself refuses (the window shows why)
        return None


@st.composite
def edits(
    draw: st.DrawFn, document: Document, allow_overlap: bool, kinds: Sequence[str] = KINDS
) -> Edit | None:
    """An edit of one of `kinds`; a batch holds two to four, each made for the document as
    the ones before it leave it (or, now and then, one that no longer fits)."""
    kind = draw(st.sampled_from(kinds))
    if kind != "batch":
        return draw(one_edit(document, allow_overlap, kind))
    steps: list[Edit] = []
    current = document
    for _ in range(draw(st.integers(2, 4))):
        step = draw(one_edit(current, allow_overlap, draw(st.sampled_from(_NOT_BATCH))))
        if step is None:
            continue
        steps.append(step)
        try:
            current = step.apply(current)
        except EditError:
            break
    return Batch(tuple(steps), "Batch")


@st.composite
def cases(
    draw: st.DrawFn, kinds: Sequence[str] = KINDS, overlap: Sequence[bool] = (False, True)
) -> tuple[Document, Edit, bool]:
    """A document, an edit of one of `kinds` for it, and whether its dataset allows overlap."""
    allow_overlap = draw(st.sampled_from(overlap))
    document = draw(documents(allow_overlap=allow_overlap))
    edit = draw(edits(document, allow_overlap, kinds))
    if edit is None:
        edit = SetStatus(document.status, draw(st.sampled_from(list(Status))))
    return document, edit, allow_overlap


@st.composite
def histories(draw: st.DrawFn) -> tuple[Document, list[Edit], bool]:
    """A document and several edits in a row, each made for the document as it is by then
    (those that do not fit are left out, as the window refuses them)."""
    allow_overlap = draw(st.booleans())
    document = draw(documents(allow_overlap=allow_overlap))
    current = document
    applied: list[Edit] = []
    for _ in range(draw(st.integers(1, 6))):
        edit = draw(edits(current, allow_overlap))
        if edit is None:
            continue
        try:
            current = edit.apply(current)
        except EditError:
            continue
        applied.append(edit)
    return document, applied, allow_overlap


def gold_overlaps(document: Document) -> list[tuple[Span, Span]]:
    gold = document.gold_spans
    return [(a, b) for i, a in enumerate(gold) for b in gold[i + 1 :] if a.overlaps(b)]


def rows_after(before: Document, changes: Changes) -> list[Span]:
    """The span rows the store holds after writing `changes` over `before`'s rows: each
    removed row must be there (the store checks it), each added one must be new."""
    rows = {span.key: span for span in before.spans}
    for span in changes.removed:
        assert rows.pop(span.key, None) == span, f"{span} is not a row of the document"
    for span in changes.added:
        assert span.key not in rows, f"{span} would be a second row with its key"
        rows[span.key] = span
    return sorted(rows.values(), key=sort_key)
