"""The review's proposal and disagreements, and taking a choice as an undoable edit."""

from __future__ import annotations

from collections.abc import Sequence

from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.core.model import Document, Span, SpanState, Status
from annotator.core.review import Review, review

TEXT = "Ada Lovelace met Charles Babbage in London on Monday."
ADA = Span(0, 12, "PERSON", SpanState.ACCEPTED)
LOVELACE = Span(4, 12, "PERSON", SpanState.MANUAL)
CHARLES = Span(17, 32, "PERSON", SpanState.MANUAL)
LONDON = Span(36, 42, "GPE", SpanState.ACCEPTED)
LONDON_LOC = Span(36, 42, "LOC", SpanState.MANUAL)
MONDAY = Span(46, 52, "DATE", SpanState.MANUAL)


def accepted(span: Span) -> Span:
    return span.with_state(SpanState.ACCEPTED)


def keys(spans: Sequence[Span]) -> list[tuple[int, int, str]]:
    return [s.key for s in spans]


def proposal_document(found: Review, text: str = TEXT) -> Document:
    return Document(1, 1, text, found.proposal, Status.IN_PROGRESS, reviewed=True)


def test_spans_everyone_has_exactly_are_proposed_accepted() -> None:
    found = review({"ada": (ADA, CHARLES, LONDON), "grace": (ADA, CHARLES, LONDON_LOC)})
    assert found.proposal == (accepted(ADA), accepted(CHARLES))
    assert all(s.state is SpanState.ACCEPTED for s in found.proposal)


def test_a_suggestion_or_a_rejected_span_is_nobody_s_choice() -> None:
    pending = CHARLES.with_state(SpanState.SUGGESTED)
    turned_down = LONDON.with_state(SpanState.REJECTED)
    found = review({"ada": (ADA, pending, turned_down), "grace": (ADA,)})
    assert (found.proposal, found.disagreements) == ((accepted(ADA),), ())


def test_boundaries_that_differ_are_one_disagreement_shown_as_covered_text() -> None:
    found = review({"ada": (ADA,), "grace": (LOVELACE,)})
    assert found.proposal == ()
    (disagreement,) = found.disagreements
    assert (disagreement.start, disagreement.end) == (0, 12)
    assert [c.describe(TEXT) for c in disagreement.choices] == [
        "ada: PERSON 'Ada Lovelace'",
        "grace: PERSON 'Lovelace'",
    ]


def test_a_label_that_differs_and_a_span_one_annotator_misses() -> None:
    found = review({"ada": (LONDON, MONDAY), "grace": (LONDON_LOC,)})
    place, day = found.disagreements
    assert [c.describe(TEXT) for c in place.choices] == ["ada: GPE 'London'", "grace: LOC 'London'"]
    assert [c.describe(TEXT) for c in day.choices] == ["ada: DATE 'Monday'", "grace: missing"]


def test_three_annotators_each_choice_replaces_what_the_review_has_there() -> None:
    found = review(
        {"ada": (ADA, LONDON), "grace": (LOVELACE, LONDON), "alan": (ADA, LONDON_LOC, MONDAY)}
    )
    assert found.annotators == ("ada", "alan", "grace")
    assert found.proposal == ()
    names, place, day = found.disagreements
    document = proposal_document(found)
    document = names.take(document, 2).apply(document)  # grace's "Lovelace"
    assert keys(document.spans) == [LOVELACE.key]
    document = names.take(document, 0).apply(document)  # then ada's: Lovelace goes
    assert keys(document.spans) == [ADA.key]
    assert names.taken(document) == 0  # alan chose the same; the first is named
    document = place.take(document, 1).apply(document)
    document = day.reject_all(document).apply(document)
    assert keys(document.spans) == [ADA.key, LONDON_LOC.key]
    assert (place.taken(document), day.taken(document)) == (1, 0)  # ada and grace: missing


def test_taking_a_choice_is_undone_by_its_inverse() -> None:
    found = review({"ada": (ADA, CHARLES), "grace": (LOVELACE, CHARLES)})
    document = proposal_document(found)
    edit = found.disagreements[0].take(document, 1)
    changed = edit.apply(document)
    assert changed.spans == (accepted(LOVELACE), accepted(CHARLES))
    assert edit.inverted().apply(changed) == document


def test_an_agreed_span_under_a_disagreement_stays_where_overlap_is_allowed() -> None:
    found = review({"ada": (ADA, LOVELACE), "grace": (ADA,)})
    (disagreement,) = found.disagreements
    document = proposal_document(found)
    taken = disagreement.take(document, 0, allow_overlap=True).apply(document)
    assert keys(taken.spans) == [ADA.key, LOVELACE.key]
    assert found.settled(taken) == (0,) == (disagreement.taken(taken),)
    assert disagreement.reject_all(taken).apply(taken).spans == (accepted(ADA),)


# A version: gold spans that never overlap one another, as a dataset without overlap has.
LABELS = ("PERSON", "ORG", "GPE")


@st.composite
def versions(draw: st.DrawFn) -> dict[str, tuple[Span, ...]]:
    names = draw(st.lists(st.sampled_from("abcde"), min_size=2, max_size=4, unique=True))
    found: dict[str, tuple[Span, ...]] = {}
    for name in names:
        cuts = sorted(draw(st.sets(st.integers(0, 40), max_size=10)))
        spans = []
        for start, end in zip(cuts[::2], cuts[1::2], strict=False):
            label = draw(st.sampled_from(LABELS))
            state = draw(st.sampled_from(list(SpanState)))
            spans.append(Span(start, end, label, state))
        found[name] = tuple(spans)
    return found


def gold(spans: Sequence[Span]) -> list[tuple[int, int, str]]:
    return sorted(s.key for s in spans if s.state.is_gold)


def settle_all(found: Review, name: str | None) -> Document:
    """The proposal with `name`'s choice taken at every disagreement (None: all rejected)."""
    document = proposal_document(found, "x" * 40)
    for disagreement in found.disagreements:
        if name is None:
            edit = disagreement.reject_all(document)
        else:
            edit = disagreement.take(document, found.annotators.index(name))
        document = edit.apply(document)
    return document


@settings(max_examples=200, deadline=None)
@given(versions())
def test_every_version_is_the_proposal_plus_its_choices(found: dict[str, tuple[Span, ...]]) -> None:
    result = review(found)
    for name in found:
        assert set(keys(result.proposal)) <= set(gold(found[name]))
        chosen = [
            s.key
            for d in result.disagreements
            for c in d.choices
            if c.annotator == name
            for s in c.spans
        ]
        assert sorted(keys(result.proposal) + chosen) == gold(found[name])


@settings(max_examples=200, deadline=None)
@given(versions())
def test_taking_one_annotator_everywhere_gives_their_version(
    found: dict[str, tuple[Span, ...]],
) -> None:
    result = review(found)
    for name in found:
        settled = settle_all(result, name)
        assert keys(settled.spans) == gold(found[name])
        each = tuple(d.taken(settled) for d in result.disagreements)
        assert None not in each
        assert result.settled(settled) == each
    rejected = settle_all(result, None)
    assert rejected.spans == result.proposal


@settings(max_examples=200, deadline=None)
@given(versions(), st.data())
def test_a_choice_undone_leaves_the_review_as_it_was(
    found: dict[str, tuple[Span, ...]], data: st.DataObject
) -> None:
    result = review(found)
    document = settle_all(result, data.draw(st.sampled_from(sorted(found))))
    for disagreement in result.disagreements:
        index = data.draw(st.integers(-1, len(result.annotators) - 1))
        edit = (
            disagreement.take(document, index) if index >= 0 else disagreement.reject_all(document)
        )
        changed = edit.apply(document)
        assert edit.inverted().apply(changed) == document
        if index >= 0:
            first = [c.spans for c in disagreement.choices].index(disagreement.choices[index].spans)
            assert disagreement.taken(changed) == first
        else:
            region = range(disagreement.start, disagreement.end)
            assert not [s for s in changed.gold_spans if s.start in region]
        document = changed
    assert result.settled(document) == tuple(d.taken(document) for d in result.disagreements)
