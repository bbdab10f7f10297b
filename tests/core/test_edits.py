"""Reversible edits: every edit undoes exactly, and an invalid edit changes nothing."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.core.edits import (
    AddSpan,
    Batch,
    Changes,
    Edit,
    RemoveSpan,
    ReplaceSpan,
    SetStatus,
)
from annotator.core.errors import EditError
from annotator.core.model import Document, Span, SpanState, Status, sort_key

TEXT = "Zaha Hadid opened the Riverside Museum in Glasgow 😀 in June 2011."
#       0    5     11     18  22        32     39 42


def span(start: int, end: int, label: str = "ORG", state: SpanState = SpanState.MANUAL) -> Span:
    return Span(start, end, label, state)


def suggested(start: int, end: int, label: str = "ORG") -> Span:
    return Span(start, end, label, SpanState.SUGGESTED, source="model", score=0.75)


def document(*spans: Span, status: Status = Status.NEW, text: str = TEXT) -> Document:
    return Document(id=1, dataset_id=1, text=text, status=status, meta={"title": "t"}).with_spans(
        spans
    )


PERSON = span(0, 10, "PERSON")
MUSEUM = span(22, 38, "FAC")
CITY = suggested(42, 49, "GPE")


def base() -> Document:
    return document(PERSON, MUSEUM, CITY)


def row_set(doc: Document) -> set[Span]:
    return set(doc.spans)


def assert_round_trip(doc: Document, edit: Edit) -> Document:
    changed = edit.apply(doc)
    assert changed != doc
    assert list(changed.spans) == sorted(changed.spans, key=lambda s: s.key)
    changes = edit.changes()
    if changes.status is None:
        assert changed.status == doc.status
    assert row_set(changed) == (row_set(doc) - set(changes.removed)) | set(changes.added)
    assert edit.inverted().apply(changed) == doc
    return changed


@pytest.mark.parametrize(
    "edit",
    [
        AddSpan(span(11, 17, "EVENT")),
        AddSpan(suggested(0, 4, "PERSON")),  # suggestions may overlap gold
        RemoveSpan(PERSON),
        RemoveSpan(CITY),
        ReplaceSpan.accept(CITY),
        ReplaceSpan.reject(CITY),
        ReplaceSpan.relabel(MUSEUM, "ORG"),
        ReplaceSpan.relabel(CITY, "LOC"),
        ReplaceSpan.resize(MUSEUM, 18, 38),
        ReplaceSpan.resize(CITY, 42, 51),
        SetStatus(Status.NEW, Status.DONE),
        Batch((ReplaceSpan.accept(CITY), SetStatus(Status.NEW, Status.DONE)), "Accept all"),
    ],
    ids=lambda edit: edit.description or type(edit).__name__,
)
def test_apply_then_inverse_restores_the_document(edit: Edit) -> None:
    assert_round_trip(base(), edit)


def test_accept_reject_relabel_resize_set_the_state() -> None:
    doc = base()
    assert ReplaceSpan.accept(CITY).apply(doc).spans[-1].state is SpanState.ACCEPTED
    assert ReplaceSpan.reject(CITY).apply(doc).spans[-1].state is SpanState.REJECTED
    relabelled = ReplaceSpan.relabel(CITY, "LOC").apply(doc).spans[-1]
    assert (relabelled.label, relabelled.state) == ("LOC", SpanState.ACCEPTED)
    resized = ReplaceSpan.resize(CITY, 42, 51).apply(doc).spans[-1]
    assert (resized.start, resized.end, resized.state) == (42, 51, SpanState.ACCEPTED)
    assert resized.source == "model"  # where it came from is kept
    kept = ReplaceSpan.relabel(PERSON, "ORG").apply(doc).spans[0]
    assert kept.state is SpanState.MANUAL


def test_relabelling_or_resizing_a_rejected_span_accepts_it() -> None:
    """As a label key or an edge key on a shown rejection does in the window."""
    rejected = CITY.with_state(SpanState.REJECTED)
    doc = document(PERSON, MUSEUM, rejected)
    relabelled = ReplaceSpan.relabel(rejected, "LOC").apply(doc).spans[-1]
    assert (relabelled.label, relabelled.state) == ("LOC", SpanState.ACCEPTED)
    resized = ReplaceSpan.resize(rejected, 42, 51).apply(doc).spans[-1]
    assert (resized.end, resized.state) == (51, SpanState.ACCEPTED)


def test_set_status_refuses_a_stale_old_status() -> None:
    doc = base()
    with pytest.raises(EditError, match="the document is new, not done"):
        SetStatus(Status.DONE, Status.SKIPPED).apply(doc)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (AddSpan(span(5, 17, "PERSON")), "overlaps PERSON 0-10 'Zaha Hadid'"),
        (AddSpan(span(0, 10, "PERSON")), "already annotated"),
        (AddSpan(suggested(0, 10, "PERSON")), "already annotated"),  # same key
        (AddSpan(span(60, len(TEXT) + 1)), "ends after the text"),
        (RemoveSpan(span(0, 10, "ORG")), "no ORG span at 0-10"),
        (RemoveSpan(PERSON.with_state(SpanState.ACCEPTED)), "no PERSON span"),
        (ReplaceSpan.accept(suggested(0, 4)), "no ORG span at 0-4"),
        (ReplaceSpan.resize(MUSEUM, 5, 38), "overlaps PERSON"),
        (ReplaceSpan.resize(MUSEUM, 22, 80), "ends after the text"),
        (Batch((ReplaceSpan.accept(CITY), AddSpan(span(44, 46))), "x"), "overlaps GPE"),
        (SetStatus(Status.DONE, Status.NEW), "not done"),
    ],
)
def test_invalid_edits_raise_and_change_nothing(edit: Edit, message: str) -> None:
    doc = base()
    snapshot = document(*doc.spans)
    with pytest.raises(EditError, match=message):
        edit.apply(doc)
    assert doc == snapshot


def test_accepting_a_suggestion_that_overlaps_gold_is_refused() -> None:
    doc = document(PERSON, suggested(5, 17, "PERSON"))
    with pytest.raises(EditError, match="overlaps"):
        ReplaceSpan.accept(doc.spans[1]).apply(doc)
    accepted = ReplaceSpan.accept(doc.spans[1], allow_overlap=True).apply(doc)
    assert [s.state for s in accepted.spans] == [SpanState.MANUAL, SpanState.ACCEPTED]


def test_rejected_and_suggested_spans_never_block_gold() -> None:
    doc = document(suggested(0, 10, "PERSON").with_state(SpanState.REJECTED), CITY)
    changed = AddSpan(span(0, 4, "PERSON")).apply(doc)
    changed = AddSpan(span(44, 46, "GPE")).apply(changed)
    assert len(changed.spans) == 4


def test_overlap_allowed_nested_entities_and_undo() -> None:
    doc = document(MUSEUM)
    nested = span(32, 38, "ORG")
    with pytest.raises(EditError, match="overlaps"):
        AddSpan(nested).apply(doc)
    changed = assert_round_trip(doc, AddSpan(nested, allow_overlap=True))
    assert changed.spans == (MUSEUM, nested)


@pytest.mark.parametrize(
    "edit",
    [
        RemoveSpan(MUSEUM),  # built without allow_overlap, as a caller might
        ReplaceSpan.reject(MUSEUM),
        ReplaceSpan.relabel(MUSEUM, "LOC", allow_overlap=True),
        Batch((RemoveSpan(MUSEUM), RemoveSpan(span(32, 38, "ORG"))), "Remove both"),
    ],
    ids=lambda edit: edit.description,
)
def test_undo_works_in_a_document_with_overlapping_gold(edit: Edit) -> None:
    doc = document(MUSEUM, span(32, 38, "ORG"))
    assert_round_trip(doc, edit)


def test_span_values_refuse_empty_and_negative_ranges() -> None:
    for start, end in [(3, 3), (4, 3), (-1, 2)]:
        with pytest.raises(EditError, match="0 <= start < end"):
            Span(start, end, "ORG")


def test_add_keeps_spans_sorted_by_key() -> None:
    doc = document()
    for item in [span(42, 49, "GPE"), span(0, 4), span(0, 10, "PERSON"), span(11, 17, "X")]:
        doc = AddSpan(item, allow_overlap=True).apply(doc)
    assert [s.key for s in doc.spans] == sorted(s.key for s in doc.spans)


# -- Batch.changes: the rows a batch touches ---------------------------------------------


def test_batch_nets_out_a_span_added_then_removed() -> None:
    extra = span(11, 17, "EVENT")
    batch = Batch((AddSpan(extra), RemoveSpan(extra), SetStatus(Status.NEW, Status.DONE)), "b")
    assert batch.changes() == Changes(status=Status.DONE)
    assert batch.apply(base()) == document(PERSON, MUSEUM, CITY, status=Status.DONE)


def test_batch_nets_out_a_span_removed_then_restored() -> None:
    batch = Batch((RemoveSpan(PERSON), AddSpan(PERSON)), "b")
    assert batch.changes() == Changes()
    assert batch.apply(base()) == base()


def test_batch_keeps_only_the_last_version_of_a_span() -> None:
    accepted = CITY.with_state(SpanState.ACCEPTED)
    batch = Batch((ReplaceSpan.accept(CITY), ReplaceSpan.resize(accepted, 42, 51)), "b")
    resized = Span(42, 51, "GPE", SpanState.ACCEPTED, "model", 0.75)
    assert batch.changes() == Changes(removed=(CITY,), added=(resized,))
    assert_round_trip(base(), batch)


def test_batch_status_is_the_last_one_set() -> None:
    batch = Batch(
        (SetStatus(Status.NEW, Status.IN_PROGRESS), SetStatus(Status.IN_PROGRESS, Status.DONE)),
        "b",
    )
    assert batch.changes().status is Status.DONE
    assert_round_trip(base(), batch)


def test_a_failing_batch_changes_nothing() -> None:
    doc = base()
    batch = Batch((RemoveSpan(PERSON), RemoveSpan(PERSON)), "twice")
    with pytest.raises(EditError):
        batch.apply(doc)
    assert doc == base()


# -- property: random valid edits, then undo all ------------------------------------------

_LABELS = ["PERSON", "ORG", "GPE"]
_STATES = list(SpanState)


@st.composite
def edit_plans(draw: st.DrawFn) -> list[tuple[str, int, int, int, str, SpanState]]:
    plan = st.tuples(
        st.sampled_from(["add", "remove", "accept", "reject", "relabel", "resize", "status"]),
        st.integers(0, 1000),  # which existing span
        st.integers(0, len(TEXT) - 1),
        st.integers(1, 12),
        st.sampled_from(_LABELS),
        st.sampled_from(_STATES),
    )
    return draw(st.lists(plan, min_size=1, max_size=25))


def make_edit(
    doc: Document, step: tuple[str, int, int, int, str, SpanState], allow_overlap: bool
) -> Edit | None:
    kind, pick, start, length, label, state = step
    end = min(start + length, len(TEXT))
    if kind == "add":
        return AddSpan(Span(start, end, label, state), allow_overlap=allow_overlap)
    if kind == "status":
        return SetStatus(doc.status, list(Status)[pick % len(Status)])
    if not doc.spans:
        return None
    target = doc.spans[pick % len(doc.spans)]
    if kind == "remove":
        return RemoveSpan(target)
    if kind == "accept":
        return ReplaceSpan.accept(target, allow_overlap=allow_overlap)
    if kind == "reject":
        return ReplaceSpan.reject(target, allow_overlap=allow_overlap)
    if kind == "relabel":
        return ReplaceSpan.relabel(target, label, allow_overlap=allow_overlap)
    return ReplaceSpan.resize(target, start, end, allow_overlap=allow_overlap)


def overlapping_gold(doc: Document) -> bool:
    gold = doc.gold_spans
    return any(a.overlaps(b) for i, a in enumerate(gold) for b in gold[i + 1 :])


@settings(max_examples=200, deadline=None)
@given(plan=edit_plans(), allow_overlap=st.booleans())
def test_random_edits_undo_to_the_original(
    plan: list[tuple[str, int, int, int, str, SpanState]], allow_overlap: bool
) -> None:
    original = base()
    doc = original
    history: list[tuple[Edit, Document]] = []
    for step in plan:
        edit = make_edit(doc, step, allow_overlap)
        if edit is None:
            continue
        before = doc
        try:
            doc = edit.apply(doc)
        except EditError:
            assert doc == before
            continue
        changes = edit.changes()
        assert row_set(doc) == (row_set(before) - set(changes.removed)) | set(changes.added)
        if not allow_overlap:
            assert not overlapping_gold(doc)
        history.append((edit, before))

    batch = Batch(tuple(edit for edit, _ in history), "all")
    assert batch.apply(original) == doc
    net = batch.changes()
    assert row_set(doc) == (row_set(original) - set(net.removed)) | set(net.added)
    assert set(net.removed).isdisjoint(net.added)

    for edit, before in reversed(history):
        doc = edit.inverted().apply(doc)
        assert doc == before
    assert doc == original
    assert batch.inverted().apply(batch.apply(original)) == original


def spans_of(doc: Document) -> Iterable[tuple[int, int, str]]:
    return [s.key for s in doc.spans]


def test_descriptions_name_the_action() -> None:
    assert AddSpan(PERSON).description == "Add PERSON"
    assert RemoveSpan(PERSON).description == "Remove PERSON"
    assert ReplaceSpan.relabel(PERSON, "ORG").description == "Relabel as ORG"
    assert SetStatus(Status.NEW, Status.IN_PROGRESS).description == "Mark in progress"
    assert list(spans_of(base())) == [(0, 10, "PERSON"), (22, 38, "FAC"), (42, 49, "GPE")]


# -- fitting a span into a long document: bisection, not a scan ---------------------------

LONG_TEXT = "word " * 120_000  # 600,000 characters


@cache
def long_document(count: int = 10_000) -> Document:
    """`count` spans 50 characters apart, alternating gold and suggested, plus suggestions
    overlapping each gold span (so the nearest span before is rarely the gold one)."""
    spans: list[Span] = []
    for number in range(count):
        start = number * 50
        if number % 2:
            spans.append(suggested(start, start + 10, "PERSON"))
        else:
            spans.append(span(start, start + 10, "ORG", SpanState.ACCEPTED))
            spans.append(suggested(start + 2, start + 30, "GPE"))
    return document(*spans, text=LONG_TEXT)


@pytest.mark.parametrize(
    ("start", "end", "where"),
    [
        (5_008, 5_020, "before"),  # the gold span 5000-5010 reaches into it
        (4_995, 5_012, "around"),  # it holds the gold span 5000-5010
        (5_003, 5_006, "inside"),  # it lies inside the gold span 5000-5010
        (4_990, 5_001, "after"),  # the gold span starts inside it
        (5_000, 5_004, "same start"),
        (4_999, 5_000 + 10_000, "many inside"),
    ],
)
def test_a_gold_span_clashing_in_any_position_is_refused(start: int, end: int, where: str) -> None:
    doc = long_document()
    with pytest.raises(EditError, match="overlaps ORG 5000-5010"):
        AddSpan(span(start, end, "LOC")).apply(doc)
    suggestion = suggested(5_050, 5_060, "PERSON")
    assert suggestion in doc.spans
    with pytest.raises(EditError, match="overlaps"):
        ReplaceSpan.resize(suggestion, start, end).apply(doc)


@pytest.mark.parametrize(
    ("start", "end"),
    [(5_010, 5_050), (5_011, 5_020), (4_960, 5_000), (5_040, 5_100), (0, 5)],
)
def test_gold_spans_between_others_fit(start: int, end: int) -> None:
    doc = long_document()
    if start == 0:
        doc = RemoveSpan(doc.spans[0]).apply(doc)
    added = AddSpan(span(start, end, "LOC")).apply(doc)
    assert len(added.spans) == len(doc.spans) + 1


@settings(max_examples=300, deadline=None)
@given(
    gold=st.lists(st.tuples(st.integers(0, 60), st.integers(1, 8)), max_size=12),
    others=st.lists(st.tuples(st.integers(0, 60), st.integers(1, 20)), max_size=12),
    new=st.tuples(st.integers(0, 60), st.integers(1, 12)),
)
def test_the_overlap_check_agrees_with_a_full_scan(
    gold: list[tuple[int, int]], others: list[tuple[int, int]], new: tuple[int, int]
) -> None:
    kept: list[Span] = []
    for start, length in gold:  # disjoint gold spans, as a document without overlap has
        candidate = span(start, start + length, "ORG")
        if not any(candidate.overlaps(other) for other in kept):
            kept.append(candidate)
    kept += [suggested(start, start + length, "PERSON") for start, length in others]
    doc = document(*set(kept), text="x" * 100)
    added = span(new[0], new[0] + new[1], "LOC")
    clashes = [s for s in doc.gold_spans if s.overlaps(added)]
    if clashes:
        with pytest.raises(EditError, match="overlaps"):
            AddSpan(added).apply(doc)
    else:
        assert added in AddSpan(added).apply(doc).spans


def test_relabelling_in_a_document_of_10000_spans_does_not_scan_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Counted, not timed: each span key the edit computes is one step of its search."""
    doc = long_document()
    middle = doc.spans[len(doc.spans) // 2]
    keys = 0

    def counted(span: Span) -> tuple[int, int, str]:
        nonlocal keys
        keys += 1
        return sort_key(span)

    monkeypatch.setattr("annotator.core.edits.sort_key", counted)
    monkeypatch.setattr("annotator.core.gold_ranges.sort_key", counted)
    monkeypatch.setattr("annotator.core.navigation.sort_key", counted)
    for number in range(200):
        doc = ReplaceSpan.relabel(middle, "LOC" if number % 2 == 0 else "ORG").apply(doc)
        middle = next(s for s in doc.spans[len(doc.spans) // 2 - 2 :] if s.start == middle.start)
        assert middle.label == ("LOC" if number % 2 == 0 else "ORG")
    # A scan looks at every one of the 15,000 spans an edit; bisections at a few dozen.
    assert keys / 200 < 200
