"""Gestures: what Enter, Delete, a label key, `[` `]`, accept-all and the span menu do."""

from __future__ import annotations

import re

import pytest

from annotator.core.annotating import Gestures
from annotator.core.edits import ReplaceSpan, Restate
from annotator.core.errors import EditError
from annotator.core.model import Document, Span, SpanState, Status, sort_key
from annotator.core.navigation import step, successor, visible
from annotator.core.tokens import Tokens

TEXT = "Angela Merkel met Emmanuel Macron in Paris. Later Merkel flew from Paris to Berlin."


def tokenize(text: str) -> Tokens:
    return Tokens.from_pairs([m.span() for m in re.finditer(r"\w+|[^\w\s]", text)])


def at(needle: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = TEXT.index(needle, start + 1)
    return start, start + len(needle)


def suggested(needle: str, label: str, nth: int = 0) -> Span:
    return Span(*at(needle, nth), label, SpanState.SUGGESTED, source="en_core_web_sm")


def gold(needle: str, label: str, nth: int = 0, state: SpanState = SpanState.MANUAL) -> Span:
    return Span(*at(needle, nth), label, state)


def doc(*spans: Span, status: Status = Status.IN_PROGRESS) -> Document:
    return Document(1, 1, TEXT, tuple(sorted(spans, key=sort_key)), status)


def gestures(document: Document, **options: bool) -> Gestures:
    return Gestures(document, tokenize(TEXT), **options)


def spans_of(document: Document) -> set[tuple[str, str, SpanState]]:
    return {(document.covered_text(s), s.label, s.state) for s in document.spans}


def test_enter_accepts_and_the_words_elsewhere_get_a_suggestion() -> None:
    document = doc(suggested("Paris", "GPE"))
    edit = gestures(document).accept(document.spans[0])
    assert edit is not None
    after = edit.apply(document)
    assert spans_of(after) == {
        ("Paris", "GPE", SpanState.ACCEPTED),
        ("Paris", "GPE", SpanState.SUGGESTED),
    }
    assert edit.inverted().apply(after) == document


def test_delete_rejects_a_suggestion_and_its_twins_but_removes_a_drawn_span() -> None:
    twins = doc(suggested("Paris", "GPE"), suggested("Paris", "GPE", 1), gold("Berlin", "GPE"))
    after = gestures(twins).reject(twins.spans[1])
    assert after is not None
    states = [s.state for s in after.apply(twins).spans if s.label == "GPE"]
    assert states.count(SpanState.REJECTED) == 2
    drawn = twins.spans[-1]
    assert drawn.state is SpanState.MANUAL
    removed = gestures(twins).reject(drawn)
    assert removed is not None
    assert drawn not in removed.apply(twins).spans
    assert all(s.key != drawn.key for s in removed.apply(twins).spans)


def test_shift_delete_rejects_only_this_one() -> None:
    document = doc(suggested("Paris", "GPE"), suggested("Paris", "GPE", 1))
    edit = gestures(document).reject(document.spans[0], spread=False)
    assert edit is not None
    after = edit.apply(document)
    assert [s.state for s in after.spans] == [SpanState.REJECTED, SpanState.SUGGESTED]
    spread = gestures(document).reject(document.spans[0])
    assert spread is not None  # Delete: the other "Paris" goes too
    assert [s.state for s in spread.apply(document).spans] == [SpanState.REJECTED] * 2


def test_a_label_key_relabels_and_accepts_the_current_suggestion() -> None:
    document = doc(suggested("Macron", "ORG"))
    edit = gestures(document, spread=False).relabel(document.spans[0], "PERSON")
    assert spans_of(edit.apply(document)) == {("Macron", "PERSON", SpanState.ACCEPTED)}


def test_drawing_over_suggestions_removes_them_and_overlapping_gold_is_refused() -> None:
    document = doc(suggested("Emmanuel", "PERSON"), gold("Paris", "GPE"))
    start, end = at("Emmanuel Macron")
    after = gestures(document, spread=False).label_range(start, end, "PERSON").apply(document)
    assert spans_of(after) == {
        ("Emmanuel Macron", "PERSON", SpanState.MANUAL),
        ("Paris", "GPE", SpanState.MANUAL),
    }
    start, _ = at("in Paris")
    with pytest.raises(EditError, match="overlaps"):
        gestures(document).label_range(start, at("Paris")[1], "LOC").apply(document)


def test_labelling_a_rejected_range_with_its_label_overturns_the_rejection() -> None:
    rejected = suggested("Berlin", "GPE").with_state(SpanState.REJECTED)
    document = doc(rejected)
    after = gestures(document).label_range(rejected.start, rejected.end, "GPE").apply(document)
    assert spans_of(after) == {("Berlin", "GPE", SpanState.ACCEPTED)}


def test_relabel_onto_a_rejected_key_replaces_the_rejection() -> None:
    rejected = Span(*at("Berlin"), "LOC", SpanState.REJECTED)
    document = doc(rejected, suggested("Berlin", "GPE"))
    after = gestures(document).relabel(document.spans[0], "LOC").apply(document)
    assert spans_of(after) == {("Berlin", "LOC", SpanState.ACCEPTED)}


def test_brackets_move_an_edge_by_a_token() -> None:
    document = doc(suggested("Macron", "PERSON"))
    span = document.spans[0]
    grown = gestures(document).move_edge(span, "start", -1)
    assert grown is not None
    assert spans_of(grown.apply(document)) >= {("Emmanuel Macron", "PERSON", SpanState.ACCEPTED)}
    assert gestures(document).move_edge(span, "start", 1) is None  # would empty it
    with pytest.raises(EditError, match="tokens"):
        Gestures(document).move_edge(span, "end", 1)


def test_the_first_change_marks_a_new_document_in_progress_and_undo_takes_it_back() -> None:
    document = doc(suggested("Paris", "GPE"), status=Status.NEW)
    edit = gestures(document).accept(document.spans[0])
    assert edit is not None
    after = edit.apply(document)
    assert after.status is Status.IN_PROGRESS
    assert edit.inverted().apply(after).status is Status.NEW


def test_accept_all_accepts_every_open_suggestion_in_one_step() -> None:
    document = doc(
        suggested("Angela Merkel", "PERSON"),
        suggested("Merkel", "PERSON"),  # inside the first: stays a suggestion
        suggested("Paris", "GPE"),
        gold("Berlin", "GPE"),
        suggested("Macron", "ORG").with_state(SpanState.REJECTED),
    )
    edit = gestures(document).accept_all()
    assert isinstance(edit, Restate)
    after = edit.apply(document)
    assert [s.state for s in after.spans] == [
        SpanState.ACCEPTED,
        SpanState.SUGGESTED,
        SpanState.REJECTED,
        SpanState.ACCEPTED,
        SpanState.MANUAL,
    ]
    assert edit.inverted().apply(after) == document
    assert gestures(after).accept_all() is None


@pytest.mark.parametrize("status", [Status.NEW, Status.IN_PROGRESS])
def test_marking_done_accepts_the_open_suggestions_in_the_same_step(status: Status) -> None:
    document = doc(
        suggested("Angela Merkel", "PERSON"),
        suggested("Paris", "GPE"),
        gold("Berlin", "GPE"),
        suggested("Macron", "ORG").with_state(SpanState.REJECTED),
        status=status,
    )
    edit = gestures(document).mark_done()
    assert edit is not None
    after = edit.apply(document)
    assert after.status is Status.DONE
    assert spans_of(after) == {
        ("Angela Merkel", "PERSON", SpanState.ACCEPTED),
        ("Paris", "GPE", SpanState.ACCEPTED),
        ("Berlin", "GPE", SpanState.MANUAL),
        ("Macron", "ORG", SpanState.REJECTED),  # a decision stays as it was
    }
    assert edit.inverted().apply(after) == document  # one undo takes both back
    assert gestures(after).mark_done() is None  # done, nothing open: nothing to do
    skipped = gestures(document).set_status(Status.SKIPPED)
    assert skipped is not None
    assert spans_of(skipped.apply(document)) == spans_of(document)  # skipping accepts nothing


def test_accept_all_on_ten_thousand_suggestions_accepts_every_one() -> None:
    text = "Ab " * 10_000
    spans = tuple(Span(i * 3, i * 3 + 2, "ORG", SpanState.SUGGESTED) for i in range(10_000))
    document = Document(1, 1, text, spans, Status.IN_PROGRESS)
    edit = Gestures(document).accept_all()
    assert edit is not None
    after = edit.apply(document)
    assert all(s.state is SpanState.ACCEPTED for s in after.spans)


def test_restate_refuses_spans_that_changed_meanwhile() -> None:
    span = suggested("Paris", "GPE")
    edit = Restate((span,), (span.with_state(SpanState.ACCEPTED),))
    with pytest.raises(EditError):
        edit.apply(doc(span.with_state(SpanState.REJECTED)))


def test_label_all_occurrences_and_remove_all_occurrences() -> None:
    document = doc(suggested("Merkel", "ORG", 1), gold("Paris", "GPE"))
    merkel = Span(*at("Merkel"), "PERSON", SpanState.MANUAL)
    edit = gestures(document).label_all(merkel)
    assert edit is not None
    after = edit.apply(document)
    assert spans_of(after) == {
        ("Merkel", "PERSON", SpanState.ACCEPTED),
        ("Paris", "GPE", SpanState.MANUAL),
    }
    assert len(after.spans) == 3
    assert edit.inverted().apply(after) == document
    removal = gestures(after).remove_all(after.spans[0])
    assert removal is not None
    gone = removal.apply(after)
    assert {s.state for s in gone.spans if s.label == "PERSON"} == {SpanState.REJECTED}


def test_tab_walks_the_spans_and_wraps() -> None:
    document = doc(
        suggested("Merkel", "PERSON"),
        gold("Paris", "GPE"),
        suggested("Berlin", "GPE").with_state(SpanState.REJECTED),
    )
    shown = visible(document.spans, show_rejected=False)
    assert len(shown) == 2
    first = step(shown, None, offset=0)
    assert first == shown[0]
    assert step(shown, first) == shown[1]
    assert step(shown, shown[1]) == shown[0]  # wraps
    assert step(shown, shown[0], forward=False) == shown[1]
    assert step(shown, None, offset=at("met")[0]) == shown[1]
    assert step(document.spans, shown[1], open_only=True) == shown[0]
    assert step([], None) is None


@pytest.mark.parametrize("state", list(SpanState))
def test_a_label_key_and_the_relabel_edit_follow_one_rule(state: SpanState) -> None:
    """What tests and benchmarks build with `ReplaceSpan.relabel` is what the key does."""
    span = Span(*at("Paris"), "GPE", state, source="en_core_web_sm")
    document = doc(span)
    by_key = gestures(document, spread=False).relabel(span, "LOC").apply(document)
    by_edit = ReplaceSpan.relabel(span, "LOC").apply(document)
    assert by_key.spans == by_edit.spans
    assert by_edit.spans[0].state is (
        SpanState.MANUAL if state is SpanState.MANUAL else SpanState.ACCEPTED
    )
    moved = gestures(document, spread=False).move_edge(span, "end", 1)
    if moved is not None:
        resized = moved.changes().added[0]
        assert ReplaceSpan.resize(span, resized.start, resized.end).new == resized


def test_successor_follows_a_relabelled_span() -> None:
    before = suggested("Paris", "GPE")
    after = doc(Span(before.start, before.end, "LOC", SpanState.ACCEPTED))
    follow = successor(after.spans, before)
    assert follow is not None
    assert follow.label == "LOC"
