"""Propagation: one decision becomes suggestions (or rejections) for the same text elsewhere."""

from __future__ import annotations

import random
import re

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from annotator.core.edits import AddSpan, Batch, Edit, RemoveSpan, ReplaceSpan, SetStatus
from annotator.core.errors import EditError
from annotator.core.model import Document, Span, SpanState, Status
from annotator.core.propagation import propagate
from annotator.core.suggestions import MEMORY_SOURCE
from annotator.core.text import occurrences
from annotator.core.tokens import Tokens

TEXT = (
    "Angela Merkel met Emmanuel Macron in Paris on Monday. Merkel said the Parisian "
    "talks went well; Macron agreed. Later, Merkel flew home from Paris."
)
MODEL = "en_core_web_sm"


def tokenize(text: str) -> Tokens:
    return Tokens.from_pairs([m.span() for m in re.finditer(r"\w+|[^\w\s]", text)])


def at(needle: str, nth: int = 0, text: str = TEXT) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = text.index(needle, start + 1)
    return start, start + len(needle)


def model(needle: str, label: str, nth: int = 0) -> Span:
    return Span(*at(needle, nth), label, SpanState.SUGGESTED, source=MODEL, score=0.8)


def memory(needle: str, label: str, nth: int = 0) -> Span:
    return Span(*at(needle, nth), label, SpanState.SUGGESTED, source=MEMORY_SOURCE)


def manual(needle: str, label: str, nth: int = 0) -> Span:
    return Span(*at(needle, nth), label, SpanState.MANUAL)


def document(*spans: Span, text: str = TEXT) -> Document:
    return Document(id=3, dataset_id=1, text=text).with_spans(spans)


def run(doc: Document, edit: Edit, tokens: Tokens | None = None, **kw: bool) -> Document:
    """Propagate, apply, and check that one undo restores the document."""
    batch = propagate(doc, edit, tokens, **kw)
    assert batch.edits[0] is edit
    after = batch.apply(doc)
    assert batch.inverted().apply(after) == doc
    return after


def test_accepting_merkel_suggests_the_other_merkels() -> None:
    first = model("Merkel", "PERSON")
    doc = document(first)
    edit = ReplaceSpan.accept(first)
    batch = propagate(doc, edit, tokenize(TEXT))
    assert batch.description == "Accept (+2 elsewhere)"
    after = run(doc, edit, tokenize(TEXT))
    assert after.spans == (
        first.with_state(SpanState.ACCEPTED),
        memory("Merkel", "PERSON", nth=1),
        memory("Merkel", "PERSON", nth=2),
    )


def test_paris_does_not_match_inside_parisian_when_tokens_are_known() -> None:
    edit = AddSpan(manual("Paris", "GPE"))
    with_tokens = run(document(), edit, tokenize(TEXT))
    assert with_tokens.spans == (manual("Paris", "GPE"), memory("Paris", "GPE", nth=2))
    without = run(document(), edit, None)
    assert memory("Paris", "GPE", nth=1) in without.spans  # "Paris" in "Parisian"
    assert len(without.spans) == 3


def test_a_gold_span_in_the_way_is_never_touched() -> None:
    full = manual("Angela Merkel", "PERSON")
    doc = document(full)
    after = run(doc, AddSpan(manual("Merkel", "ORG", nth=1)), tokenize(TEXT))
    assert after.spans == (full, manual("Merkel", "ORG", nth=1), memory("Merkel", "ORG", nth=2))


def test_a_rejected_key_in_the_way_is_respected() -> None:
    no = model("Paris", "GPE", nth=2).with_state(SpanState.REJECTED)
    doc = document(no)
    edit = AddSpan(manual("Paris", "GPE"))
    batch = propagate(doc, edit, tokenize(TEXT))
    assert batch == Batch((edit,), "Add GPE")
    # another label is another decision
    relabelled = run(doc, AddSpan(manual("Paris", "LOC")), tokenize(TEXT))
    assert memory("Paris", "LOC", nth=2) in relabelled.spans


def test_memory_replaces_a_model_suggestion_with_another_label() -> None:
    wrong = model("Merkel", "ORG", nth=2)
    longer = model("from Paris", "LOC")
    doc = document(wrong, longer)
    after = run(doc, AddSpan(manual("Merkel", "PERSON")), tokenize(TEXT))
    assert wrong not in after.spans
    assert memory("Merkel", "PERSON", nth=2) in after.spans
    after = run(doc, AddSpan(manual("Paris", "GPE")), tokenize(TEXT))
    assert longer not in after.spans  # overlapping, whatever its length
    assert memory("Paris", "GPE", nth=2) in after.spans


def test_a_suggestion_with_exactly_that_key_is_left_alone() -> None:
    same = model("Merkel", "PERSON", nth=1)
    doc = document(same)
    batch = propagate(doc, AddSpan(manual("Merkel", "PERSON")), tokenize(TEXT))
    assert batch.description == "Add PERSON (+1 elsewhere)"
    assert same in batch.apply(doc).spans


def test_relabel_and_resize_propagate_the_new_label_and_text() -> None:
    doc = document(manual("Macron", "ORG"))
    after = run(doc, ReplaceSpan.relabel(manual("Macron", "ORG"), "PERSON"), tokenize(TEXT))
    assert memory("Macron", "PERSON", nth=1) in after.spans
    wide = model("Paris on", "GPE")
    resize = ReplaceSpan.resize(wide, *at("Paris"))
    after = run(document(wide), resize, tokenize(TEXT))
    assert after.spans == (resize.new, memory("Paris", "GPE", nth=2))
    doc = document(model("Emmanuel", "PERSON"))
    resize = ReplaceSpan.resize(model("Emmanuel", "PERSON"), *at("Emmanuel Macron"))
    after = run(doc, resize, tokenize(TEXT))  # no other "Emmanuel Macron"; "Macron" alone
    assert after.spans == (resize.new, memory("Macron", "PERSON", nth=1))


def test_rejecting_a_suggestion_rejects_the_same_text_and_label_elsewhere() -> None:
    spans = [model("Paris", "PERSON"), model("Paris", "PERSON", nth=2), model("Paris", "GPE", 2)]
    kept = manual("Macron", "PERSON", nth=1)
    doc = document(*spans, kept, model("Macron", "PERSON"))
    edit = ReplaceSpan.reject(spans[0])
    batch = propagate(doc, edit, tokenize(TEXT))
    assert batch.description == "Reject (+1 elsewhere)"
    after = run(doc, edit)
    assert spans[1].with_state(SpanState.REJECTED) in after.spans
    assert spans[2] in after.spans and kept in after.spans
    assert model("Macron", "PERSON") in after.spans


@pytest.mark.parametrize(
    "edit",
    [
        RemoveSpan(manual("Angela Merkel", "PERSON")),
        RemoveSpan(model("Merkel", "PERSON", nth=1)),
        SetStatus(Status.NEW, Status.DONE),
        Batch((RemoveSpan(model("Merkel", "PERSON", nth=1)), AddSpan(manual("Paris", "GPE"))), "x"),
        ReplaceSpan.reject(manual("Angela Merkel", "PERSON")),  # not a suggestion
    ],
    ids=lambda edit: edit.description,
)
def test_edits_that_are_not_one_decision_propagate_nothing(edit: Edit) -> None:
    doc = document(
        manual("Angela Merkel", "PERSON"),
        model("Merkel", "PERSON", nth=1),
        model("Merkel", "PERSON", nth=2),
    )
    assert propagate(doc, edit, tokenize(TEXT)) == Batch((edit,), edit.description)


def test_undo_of_the_batch_restores_everything_at_once() -> None:
    doc = document(model("Merkel", "ORG", nth=1), model("Monday", "DATE"))
    batch = propagate(doc, AddSpan(manual("Merkel", "PERSON", nth=2)), tokenize(TEXT))
    after = batch.apply(doc)
    assert after.spans == (  # the model ORG went, memory PERSONs came
        memory("Merkel", "PERSON"),
        model("Monday", "DATE"),
        memory("Merkel", "PERSON", nth=1),
        manual("Merkel", "PERSON", nth=2),
    )
    assert batch.inverted().apply(after) == doc
    assert batch.inverted().description == batch.description


def test_an_edit_that_does_not_fit_fails_as_a_whole_like_the_edit() -> None:
    doc = document(manual("Angela Merkel", "PERSON"))
    batch = propagate(doc, AddSpan(manual("Merkel", "PERSON")), None)  # overlaps gold
    assert batch.description == "Add PERSON (+2 elsewhere)"
    with pytest.raises(EditError, match="overlaps PERSON"):
        batch.apply(doc)
    assert doc == document(manual("Angela Merkel", "PERSON"))


def test_occurrences_include_overlapping_ones_and_suggestions_do_not_overlap() -> None:
    assert list(occurrences("aaaa", "aa")) == [(0, 2), (1, 3), (2, 4)]
    doc = document(text="aa aaaa")
    after = run(doc, AddSpan(Span(0, 2, "X")))
    assert [s.key for s in after.spans] == [(0, 2, "X"), (3, 5, "X"), (5, 7, "X")]


# -- large documents ------------------------------------------------------------------------


def large_document(seed: int = 1) -> tuple[Document, Tokens]:
    names = ["Merkel", "Macron", "Paris", "Berlin", "Scholz", "Brussels", "Rome", "Draghi"]
    rng = random.Random(seed)
    parts: list[str] = []
    spans: list[Span] = []
    size = 0
    while size < 500_000:
        name = rng.choice(names)
        day = f"day {len(parts)}"
        sentence = f"On {day} {name} spoke to reporters about the budget. "
        start = size + len(day) + 4
        if len(spans) < 10_000:
            state = SpanState.ACCEPTED if rng.random() < 0.3 else SpanState.SUGGESTED
            spans.append(Span(size + 3, start - 1, "DATE", SpanState.SUGGESTED, source=MODEL))
            spans.append(Span(start, start + len(name), "PERSON", state, source=MODEL))
        parts.append(sentence)
        size += len(sentence)
    text = "".join(parts)
    return document(*spans, text=text), tokenize(text)


def test_propagation_on_a_large_document_reaches_every_mention_and_undoes_whole() -> None:
    """How long it takes is `bench/bench_relabel_latency.py`'s (`label_key_ms`: the label
    key, propagation included, in a 500,000-character article of 10,000 spans)."""
    doc, tokens = large_document()
    assert len(doc.text) >= 500_000 and len(doc.spans) == 10_000
    target = next(s for s in doc.spans if s.label == "PERSON" and not s.state.is_gold)
    edit = ReplaceSpan.relabel(target, "ORG")
    batch = propagate(doc, edit, tokens)
    assert len(batch.changes().added) > 1000
    after = batch.apply(doc)
    assert batch.inverted().apply(after) == doc


# -- property: random documents and edits ---------------------------------------------------

WORDS = ("May", "Mayor", "Paris", "Parisian", "said", "in", ".")
LABELS = ("PERSON", "GPE")


@st.composite
def documents(draw: st.DrawFn) -> tuple[Document, Tokens, bool]:
    words = draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=14))
    text = " ".join(words)
    allow_overlap = draw(st.booleans())
    doc = document(text=text)
    for _ in range(draw(st.integers(0, 10))):
        span = draw(spans_in(text))
        try:
            doc = AddSpan(span, allow_overlap=allow_overlap).apply(doc)
        except EditError:
            continue
    return doc, tokenize(text), allow_overlap


@st.composite
def spans_in(draw: st.DrawFn, text: str) -> Span:
    start = draw(st.integers(0, len(text) - 1))
    end = draw(st.integers(start + 1, min(len(text), start + 10)))
    state = draw(st.sampled_from(list(SpanState)))
    source = draw(st.sampled_from([MODEL, MEMORY_SOURCE]))
    return Span(start, end, draw(st.sampled_from(LABELS)), state, source=source)


def draw_edit(draw: st.DrawFn, doc: Document, allow_overlap: bool) -> Edit:
    kind = draw(st.sampled_from(["add", "accept", "reject", "relabel", "resize", "remove"]))
    if kind == "add" or not doc.spans:
        span = draw(spans_in(doc.text)).with_state(SpanState.MANUAL)
        return AddSpan(span, allow_overlap=allow_overlap)
    target = draw(st.sampled_from(doc.spans))
    if kind == "accept":
        return ReplaceSpan.accept(target, allow_overlap=allow_overlap)
    if kind == "reject":
        return ReplaceSpan.reject(target, allow_overlap=allow_overlap)
    if kind == "relabel":
        return ReplaceSpan.relabel(
            target, draw(st.sampled_from(LABELS)), allow_overlap=allow_overlap
        )
    if kind == "resize":
        other = draw(spans_in(doc.text))
        return ReplaceSpan.resize(target, other.start, other.end, allow_overlap=allow_overlap)
    return RemoveSpan(target)


@settings(max_examples=300, deadline=None)
@given(data=st.data(), use_tokens=st.booleans())
def test_propagation_only_adds_suggestions_and_rejections_and_undoes_in_one_step(
    data: st.DataObject, use_tokens: bool
) -> None:
    doc, tokens, allow_overlap = data.draw(documents())
    edit = draw_edit(data.draw, doc, allow_overlap)
    try:
        expected = edit.apply(doc)
    except EditError:
        assume(False)
    batch = propagate(doc, edit, tokens if use_tokens else None, allow_overlap=allow_overlap)
    after = batch.apply(doc)
    gained, lost = set(after.spans) - set(expected.spans), set(expected.spans) - set(after.spans)
    assert all(s.state in (SpanState.SUGGESTED, SpanState.REJECTED) for s in gained)
    assert all(s.state is SpanState.SUGGESTED for s in lost)
    assert all(s.source == MEMORY_SOURCE for s in gained if s.state is SpanState.SUGGESTED)
    assert after.gold_spans == expected.gold_spans
    for span in gained:
        if span.state is SpanState.REJECTED:
            assert span.with_state(SpanState.SUGGESTED) in lost
    memories = [s for s in gained if s.state is SpanState.SUGGESTED]
    suggestions = [s for s in after.spans if s.state is SpanState.SUGGESTED]
    assert not any(m.overlaps(s) for m in memories for s in suggestions if s != m)
    if not allow_overlap:
        assert not any(m.overlaps(g) for m in memories for g in after.gold_spans)
    if use_tokens:
        assert all(tokens.token_span(m.start, m.end) is not None for m in memories)
    assert (len(batch.edits) > 1) == ("elsewhere)" in batch.description)
    assert batch.inverted().apply(after) == doc


def test_accepting_a_surname_leaves_a_suggested_full_name_whole() -> None:
    text = "Angela Merkel met reporters. Merkel left. Later Merkel spoke."
    full = Span(0, 13, "PERSON", SpanState.SUGGESTED, "en_core_web_sm")
    second = text.index("Merkel left")
    drawn = Span(second, second + 6, "PERSON", SpanState.MANUAL)
    document = Document(1, 1, text, spans=(full,))
    result = propagate(document, AddSpan(drawn), None).apply(document)
    assert [(document.covered_text(s), s.state.value) for s in result.spans] == [
        ("Angela Merkel", "suggested"),
        ("Merkel", "manual"),
        ("Merkel", "suggested"),  # "Later Merkel spoke": a new suggestion from memory
    ]


# -- short forms and cuts -------------------------------------------------------------------

WIRE = (
    "LAGOS - the Harbour Board (HB) hired Ines Okafor on Friday. The Port Authority and "
    "the Harbour Board welcomed it, and Okafor thanked the Port Authority. "
    "Okafor starts in the last week of May."
)


def wire(needle: str, label: str, nth: int = 0, source: str = MODEL) -> Span:
    return Span(*at(needle, nth, WIRE), label, SpanState.SUGGESTED, source=source)


def test_a_person_decided_in_full_suggests_the_surname_alone() -> None:
    wrong = wire("Okafor", "GPE", nth=1)  # the model's mistake on the surname
    doc = document(wrong, text=WIRE)
    drawn = AddSpan(Span(*at("Ines Okafor", text=WIRE), "PERSON"))
    after = run(doc, drawn, tokenize(WIRE))
    assert [(WIRE[s.start : s.end], s.label, s.source) for s in after.spans] == [
        ("Ines Okafor", "PERSON", None),
        ("Okafor", "PERSON", MEMORY_SOURCE),
        ("Okafor", "PERSON", MEMORY_SOURCE),
    ]
    relabelled = ReplaceSpan.relabel(wire("Ines Okafor", "ORG"), "PERSON")
    after = run(document(wire("Ines Okafor", "ORG"), text=WIRE), relabelled, tokenize(WIRE))
    assert len(after.spans) == 3


def test_a_name_decided_with_its_acronym_suggests_the_acronym() -> None:
    board = Span(*at("Harbour Board", text=WIRE), "ORG")
    after = run(document(text=WIRE), AddSpan(board), tokenize(WIRE))
    assert [(WIRE[s.start : s.end], s.label) for s in after.spans] == [
        ("Harbour Board", "ORG"),
        ("HB", "ORG"),
        ("Harbour Board", "ORG"),
    ]


def test_cutting_words_off_a_suggestion_cuts_them_off_the_others_of_its_label() -> None:
    spans = [
        wire("the Harbour Board", "ORG"),
        wire("The Port Authority", "ORG"),  # "The" opening a sentence: the same word
        wire("the Port Authority", "ORG"),
        wire("the last week of May", "DATE"),  # another label keeps its "the"
    ]
    doc = document(*spans, text=WIRE)
    edit = ReplaceSpan.resize(spans[0], *at("Harbour Board", text=WIRE))
    batch = propagate(doc, edit, tokenize(WIRE))
    assert batch.description == "Resize (+4 elsewhere)"
    after = run(doc, edit, tokenize(WIRE))
    assert [(WIRE[s.start : s.end], s.label, s.state.value, s.source) for s in after.spans] == [
        ("Harbour Board", "ORG", "accepted", MODEL),
        ("HB", "ORG", "suggested", MEMORY_SOURCE),
        ("Port Authority", "ORG", "suggested", MEMORY_SOURCE),
        ("Harbour Board", "ORG", "suggested", MEMORY_SOURCE),  # the same words, as always
        ("Port Authority", "ORG", "suggested", MEMORY_SOURCE),
        ("the last week of May", "DATE", "suggested", MODEL),
    ]


def test_a_cut_never_brings_back_a_rejection_and_leaves_memory_alone() -> None:
    no = Span(*at("Port Authority", 1, WIRE), "ORG", SpanState.REJECTED, source=MEMORY_SOURCE)
    learnt = wire("The Port Authority", "ORG", source=MEMORY_SOURCE)
    spans = [wire("the Harbour Board", "ORG"), learnt, wire("the Port Authority", "ORG")]
    doc = document(*spans[:2], text=WIRE)
    doc = doc.with_spans((*doc.spans, spans[2], no))  # a rejected key inside the third
    edit = ReplaceSpan.resize(spans[0], *at("Harbour Board", text=WIRE))
    after = run(doc, edit, tokenize(WIRE))
    assert learnt in after.spans  # people's words: not cut
    assert spans[2] in after.spans  # its cut would be a rejected key: left as it is


def test_growing_a_suggestion_is_no_cut() -> None:
    week = wire("week of May", "DATE")
    doc = document(week, wire("the Harbour Board", "ORG"), text=WIRE)
    edit = ReplaceSpan.resize(week, *at("the last week of May", text=WIRE))
    assert propagate(doc, edit, tokenize(WIRE)) == Batch((edit,), "Resize")


def test_a_drawn_name_brings_its_given_name_only_where_nothing_is_suggested() -> None:
    text = 'Chloé Marchand won. "Chloé was stronger," he said. Chloé lost to Chloé Lemoine.'
    guess = Span(*at("Chloé", 2, text), "GPE", SpanState.SUGGESTED, MODEL)
    doc = document(guess, text=text)
    drawn = Span(*at("Chloé Marchand", 0, text), "PERSON", SpanState.MANUAL)
    after = run(doc, AddSpan(drawn), tokenize(text))
    assert [(s.start, s.label, s.state) for s in after.spans] == [
        (0, "PERSON", SpanState.MANUAL),
        (at("Chloé", 1, text)[0], "PERSON", SpanState.SUGGESTED),  # alone, unsuggested
        (guess.start, "GPE", SpanState.SUGGESTED),  # the model's guess there stays
    ]
