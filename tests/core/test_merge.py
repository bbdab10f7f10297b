"""Merging suggestions: the annotator's spans and rejections always win, memory beats model."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.core.edits import AddSpan, Batch, Changes, SwapSuggestions
from annotator.core.errors import EditError
from annotator.core.merge import SpanIndex, merge_suggestions
from annotator.core.model import Document, Span, SpanState
from annotator.core.suggestions import MEMORY_SOURCE

TEXT = (
    "Angela Merkel met Emmanuel Macron in Paris on Monday. "
    "Merkel said the Parisian talks with the European Commission went well."
)
MODEL = "en_core_web_sm"


def at(needle: str, nth: int = 0, text: str = TEXT) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = text.index(needle, start + 1)
    return start, start + len(needle)


def model(needle: str, label: str, nth: int = 0) -> Span:
    return Span(*at(needle, nth), label, SpanState.SUGGESTED, source=MODEL, score=0.9)


def memory(needle: str, label: str, nth: int = 0) -> Span:
    return Span(*at(needle, nth), label, SpanState.SUGGESTED, source=MEMORY_SOURCE)


def gold(needle: str, label: str, nth: int = 0, state: SpanState = SpanState.MANUAL) -> Span:
    return Span(*at(needle, nth), label, state)


def document(*spans: Span, text: str = TEXT) -> Document:
    return Document(id=7, dataset_id=1, text=text).with_spans(spans)


def merged(doc: Document, *suggestions: Span, replace: bool = False, **kw: bool) -> Document:
    batch = merge_suggestions(doc, suggestions, replace=replace, **kw)
    after = batch.apply(doc)
    assert batch.inverted().apply(after) == doc
    return after


def test_new_suggestions_are_added_sorted_and_described() -> None:
    doc = document()
    suggestions = [model("Paris", "GPE"), model("Angela Merkel", "PERSON")]
    batch = merge_suggestions(doc, suggestions, replace=False)
    assert batch.description == "Suggest 2 entities"
    assert batch.apply(doc).spans == (model("Angela Merkel", "PERSON"), model("Paris", "GPE"))
    one = merge_suggestions(doc, suggestions[:1], replace=False)
    assert one.description == "Suggest 1 entity"
    assert merge_suggestions(doc, [], replace=False) == Batch((), "Suggest no new entities")


def test_a_suggestion_overlapping_an_annotators_span_is_dropped() -> None:
    mine = gold("Angela Merkel", "PERSON")
    accepted = gold("Paris", "GPE", state=SpanState.ACCEPTED)
    doc = document(mine, accepted)
    after = merged(
        doc,
        model("Merkel", "PERSON"),  # inside the manual span
        model("Paris", "LOC"),  # same text, another label
        model("Merkel", "PERSON", nth=1),  # elsewhere: kept
    )
    assert after.spans == (mine, accepted, model("Merkel", "PERSON", nth=1))


def test_overlapping_datasets_only_drop_same_label_and_same_range_suggestions() -> None:
    commission = gold("European Commission", "ORG")
    doc = document(commission)
    nested = model("European", "NORP")
    after = merged(
        doc,
        nested,
        model("Commission", "ORG"),  # nested, but of the gold span's own label
        model("European Commission", "GPE"),  # the same range as the gold span
        allow_overlap=True,
    )
    assert after.spans == (nested, commission)
    assert merged(doc, nested).spans == (commission,)  # without overlap: dropped


def test_a_rejected_suggestion_never_comes_back() -> None:
    no = model("Paris", "PERSON").with_state(SpanState.REJECTED)
    doc = document(no)
    after = merged(doc, model("Paris", "PERSON"), model("Paris", "GPE"))
    assert after.spans == (model("Paris", "GPE"), no)


def test_replace_removes_old_suggestions_but_not_decisions() -> None:
    mine = gold("Angela Merkel", "PERSON")
    no = model("Monday", "PERSON").with_state(SpanState.REJECTED)
    stale = [model("Macron", "ORG"), memory("Merkel", "PERSON", nth=1)]
    doc = document(mine, no, *stale)
    batch = merge_suggestions(doc, [model("Emmanuel Macron", "PERSON")], replace=True)
    assert batch.description == "Suggest 1 entity (replacing 2)"
    after = batch.apply(doc)
    assert set(after.spans) == {mine, no, model("Emmanuel Macron", "PERSON")}
    assert batch.inverted().apply(after) == doc


def test_without_replace_old_suggestions_stay_and_are_not_added_twice() -> None:
    paris = model("Paris", "GPE")
    doc = document(paris, model("Monday", "DATE"))
    again = Span(paris.start, paris.end, "GPE", SpanState.SUGGESTED, source="model:other")
    batch = merge_suggestions(doc, [again, model("Macron", "PERSON")], replace=False)
    assert batch.description == "Suggest 1 entity"
    assert batch.apply(doc).spans == (model("Macron", "PERSON"), paris, model("Monday", "DATE"))


def test_memory_replaces_a_model_suggestion_with_the_same_key() -> None:
    doc = document(model("Merkel", "PERSON", nth=1))
    batch = merge_suggestions(doc, [memory("Merkel", "PERSON", nth=1)], replace=False)
    assert batch.description == "Suggest 1 entity (replacing 1)"
    assert batch.apply(doc).spans == (memory("Merkel", "PERSON", nth=1),)
    # ...but a model suggestion never displaces memory, not even with the same key
    kept = document(memory("Merkel", "PERSON", nth=1))
    assert merged(kept, model("Merkel", "PERSON", nth=1)) == kept


def test_memory_outranks_overlapping_model_suggestions_new_or_old() -> None:
    doc = document(model("Angela Merkel", "ORG"))
    after = merged(doc, memory("Merkel", "PERSON"))
    assert after.spans == (memory("Merkel", "PERSON"),)  # though the model one is longer
    doc = document(memory("Merkel", "PERSON"))
    assert merged(doc, model("Angela Merkel", "ORG")) == doc
    after = merged(document(), model("Angela Merkel", "ORG"), memory("Merkel", "PERSON"))
    assert after.spans == (memory("Merkel", "PERSON"),)


def test_same_rank_keeps_the_longest_then_the_earliest() -> None:
    longest = model("Emmanuel Macron", "PERSON")
    after = merged(document(model("Macron", "PERSON")), longest, model("Emmanuel", "PERSON"))
    assert after.spans == (longest,)
    text = "Saint Louis Blues"
    first = Span(0, 11, "GPE", SpanState.SUGGESTED, source=MODEL)  # "Saint Louis"
    second = Span(6, 17, "ORG", SpanState.SUGGESTED, source=MODEL)  # "Louis Blues"
    assert merged(document(text=text), second, first).spans == (first,)
    assert merged(document(second, text=text), first).spans == (first,)
    # same range, same rank: the one already there stays
    there = Span(0, 11, "ORG", SpanState.SUGGESTED, source=MODEL)
    doc = document(there, text=text)
    assert merged(doc, first) == doc


def test_suggestions_that_already_overlapped_are_left_as_they_were() -> None:
    pair = (model("Angela Merkel", "PERSON"), model("Merkel", "ORG"))
    doc = document(*pair)
    after = merged(doc, model("Paris", "GPE"), model("Merkel", "ORG", nth=1))
    assert set(pair) <= set(after.spans)
    assert len(after.spans) == 4


@pytest.mark.parametrize(
    ("span", "message"),
    [
        (gold("Paris", "GPE"), "is manual, not a suggestion"),
        (Span(len(TEXT) - 2, len(TEXT) + 3, "ORG", SpanState.SUGGESTED), "ends after the text"),
    ],
)
def test_spans_that_are_not_suggestions_are_refused(span: Span, message: str) -> None:
    with pytest.raises(EditError, match=message):
        merge_suggestions(document(), [span], replace=False)


def test_span_index_finds_exactly_the_overlapping_spans() -> None:
    spans = [Span(0, 100, "A"), Span(10, 12, "B"), Span(50, 60, "C"), Span(99, 101, "D")]
    index = SpanIndex(spans)
    for start, end in [(0, 1), (12, 50), (60, 99), (100, 101), (101, 200), (11, 55)]:
        expected = [s for s in spans if s.start < end and start < s.end]
        assert sorted(index.overlapping(start, end), key=lambda s: s.key) == expected


# -- property: random documents and suggestions -------------------------------------------

LABELS = ("PERSON", "ORG", "GPE")
SOURCES = (MEMORY_SOURCE, MODEL, "model:other")
PROPERTY_TEXT = "Merkel met May in Paris. May said Paris, Merkel said May."


@st.composite
def raw_spans(draw: st.DrawFn, state: st.SearchStrategy[SpanState]) -> Span:
    start = draw(st.integers(0, len(PROPERTY_TEXT) - 1))
    end = draw(st.integers(start + 1, min(len(PROPERTY_TEXT), start + 14)))
    return Span(
        start, end, draw(st.sampled_from(LABELS)), draw(state), draw(st.sampled_from(SOURCES))
    )


def build(spans: list[Span], allow_overlap: bool) -> Document:
    """A valid document: the spans that fit, in order, with no overlapping suggestions."""
    doc = document(text=PROPERTY_TEXT)
    for span in spans:
        suggestions = [s for s in doc.spans if s.state is SpanState.SUGGESTED]
        if span.state is SpanState.SUGGESTED and any(s.overlaps(span) for s in suggestions):
            continue
        try:
            doc = AddSpan(span, allow_overlap=allow_overlap).apply(doc)
        except EditError:
            continue
    return doc


def overlapping_pairs(spans: list[Span]) -> list[tuple[Span, Span]]:
    return [(a, b) for i, a in enumerate(spans) for b in spans[i + 1 :] if a.overlaps(b)]


@settings(max_examples=300, deadline=None)
@given(
    existing=st.lists(raw_spans(st.sampled_from(list(SpanState))), max_size=12),
    suggestions=st.lists(raw_spans(st.just(SpanState.SUGGESTED)), max_size=12),
    replace=st.booleans(),
    allow_overlap=st.booleans(),
)
def test_merging_never_touches_decisions_and_undoes_exactly(
    existing: list[Span], suggestions: list[Span], replace: bool, allow_overlap: bool
) -> None:
    doc = build(existing, allow_overlap)
    batch = merge_suggestions(doc, suggestions, replace=replace, allow_overlap=allow_overlap)
    after = batch.apply(doc)
    decided = {s for s in doc.spans if s.state is not SpanState.SUGGESTED}
    assert {s for s in after.spans if s.state is not SpanState.SUGGESTED} == decided
    now = [s for s in after.spans if s.state is SpanState.SUGGESTED]
    assert overlapping_pairs(now) == []
    rejected = {s.key for s in decided if s.state is SpanState.REJECTED}
    new = set(now) - set(doc.spans)
    assert new <= set(suggestions)
    assert all(s.key not in rejected for s in new)
    if not allow_overlap:
        assert not any(s.overlaps(g) for s in new for g in decided if g.state.is_gold)
    if replace:
        assert set(now) <= set(suggestions)
    else:
        dropped = {s for s in doc.spans if s.state is SpanState.SUGGESTED} - set(now)
        assert all(any(d.overlaps(s) for s in new) for d in dropped)
    assert batch.inverted().apply(after) == doc


# -- SwapSuggestions: the bulk edit both merge and propagation use ---------------------------


def test_swap_suggestions_round_trips_and_reports_its_rows() -> None:
    old = model("Paris", "GPE")
    doc = document(gold("Angela Merkel", "PERSON"), old)
    new = (memory("Paris", "GPE"), memory("Merkel", "PERSON", nth=1))
    swap = SwapSuggestions((old,), new, "swap")
    after = swap.apply(doc)
    assert after.spans == (gold("Angela Merkel", "PERSON"), *new)
    assert swap.changes() == Changes(removed=(old,), added=new)
    assert swap.inverted().apply(after) == doc


@pytest.mark.parametrize(
    ("swap", "message"),
    [
        (SwapSuggestions((), (gold("Paris", "GPE"),)), "only suggestions and rejections"),
        (SwapSuggestions((model("Paris", "LOC"),), ()), "no LOC span at"),
        (SwapSuggestions((model("Paris", "GPE"),) * 2, ()), "no GPE span at"),
        (SwapSuggestions((), (memory("Paris", "GPE"),)), "already annotated"),
        (SwapSuggestions((), (memory("Macron", "X"),) * 2), "already annotated"),
        (SwapSuggestions((), (Span(3, len(TEXT) + 1, "X", SpanState.SUGGESTED),)), "after the"),
    ],
)
def test_swap_suggestions_refuses_what_does_not_fit(swap: SwapSuggestions, message: str) -> None:
    doc = document(model("Paris", "GPE"))
    with pytest.raises(EditError, match=message):
        swap.apply(doc)


def test_a_learnt_surname_does_not_cut_down_a_longer_name_of_its_kind() -> None:
    text = "Angela Merkel met reporters. Merkel left."
    full = Span(0, 13, "PERSON", SpanState.SUGGESTED, "en_core_web_sm")
    surname = text.index("Merkel")
    inner = Span(surname, surname + 6, "PERSON", SpanState.SUGGESTED, MEMORY_SOURCE)
    later = text.rindex("Merkel")
    alone = Span(later, later + 6, "PERSON", SpanState.SUGGESTED, MEMORY_SOURCE)
    document = Document(1, 1, text)
    merged = merge_suggestions(document, [full, inner, alone], replace=False).apply(document)
    assert [document.covered_text(s) for s in merged.spans] == ["Angela Merkel", "Merkel"]
    assert [s.source for s in merged.spans] == ["en_core_web_sm", MEMORY_SOURCE]


def test_memory_with_another_label_still_beats_a_longer_model_span() -> None:
    text = "Dushanbe Sanguine despite the reports."
    wrong = Span(0, 17, "ORG", SpanState.SUGGESTED, "en_core_web_sm")
    place = Span(0, 8, "GPE", SpanState.SUGGESTED, MEMORY_SOURCE)
    document = Document(1, 1, text)
    merged = merge_suggestions(document, [wrong, place], replace=False).apply(document)
    assert [(document.covered_text(s), s.label) for s in merged.spans] == [("Dushanbe", "GPE")]


def test_a_learnt_name_does_replace_a_model_span_that_only_adds_lowercase_words() -> None:
    text = "Officials at the Environment Agency said so."
    model = Span(13, 35, "ORG", SpanState.SUGGESTED, "en_core_web_sm")  # "the Environment Agency"
    learnt = Span(17, 35, "ORG", SpanState.SUGGESTED, MEMORY_SOURCE)  # "Environment Agency"
    document = Document(1, 1, text)
    merged = merge_suggestions(document, [model, learnt], replace=False).apply(document)
    assert [(document.covered_text(s), s.source) for s in merged.spans] == [
        ("Environment Agency", MEMORY_SOURCE)
    ]


def test_a_learnt_word_does_not_cut_down_a_longer_phrase_of_its_label() -> None:
    text = "Prices fell last May and again on January 1, in Ghana's markets."
    document = Document(1, 1, text)
    spans = []
    for longer, inner, label in (("last May", "May", "DATE"), ("January 1", "January", "DATE")):
        spans.append(Span(*at(longer, text=text), label, SpanState.SUGGESTED, MODEL))
        spans.append(Span(*at(inner, text=text), label, SpanState.SUGGESTED, MEMORY_SOURCE))
    possessive = Span(*at("Ghana's", text=text), "GPE", SpanState.SUGGESTED, MODEL)
    learnt = Span(*at("Ghana", text=text), "GPE", SpanState.SUGGESTED, MEMORY_SOURCE)
    result = merge_suggestions(document, [*spans, possessive, learnt], replace=False)
    assert [document.covered_text(s) for s in result.apply(document).spans] == [
        "last May",
        "January 1",
        "Ghana",  # a possessive is not part of a longer name: the learnt name wins
    ]


def test_a_learnt_name_inside_a_model_name_stays_when_that_name_loses_to_the_memory() -> None:
    """ "Angela" (memory) gives way to the model's "Angela Merkel"; but when the memory's
    "Merkel Stiftung" beats that name, "Angela" is still suggested, not dropped with it."""
    text = "Angela Merkel Stiftung gave money."
    angela = Span(0, 6, "PERSON", SpanState.SUGGESTED, MEMORY_SOURCE)
    stiftung = Span(7, 22, "ORG", SpanState.SUGGESTED, MEMORY_SOURCE)
    full = Span(0, 13, "PERSON", SpanState.SUGGESTED, MODEL)
    doc = document(angela, stiftung, text=text)
    assert merged(doc, full).spans == (angela, stiftung)
    alone = document(angela, text=text)
    assert merged(alone, full).spans == (full,)  # the longer name, as before
