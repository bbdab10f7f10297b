"""A news article's dateline: its city and region suggested as places."""

from __future__ import annotations

import pytest

from annotator.core.datelines import dateline, with_dateline
from annotator.core.model import Span, SpanState
from annotator.core.suggestions import MEMORY_SOURCE

MODEL = "en_core_web_sm"


@pytest.mark.parametrize(
    ("text", "places"),
    [
        ("SANTIAGO, Chile - Chile's Senate voted.", ["SANTIAGO", "Chile"]),
        ("BERLIN - Ayşe Demir won.", ["BERLIN"]),
        ("SÃO PAULO - Raiz Digital Agro raised money.", ["SÃO PAULO"]),
        ("NEW YORK (Reuters) - Shares rose.", ["NEW YORK"]),
        ("WASHINGTON, D.C. \u2014 The vote failed.", ["WASHINGTON", "D.C."]),
        ("PARIS, Île-de-France - Trains ran.", ["PARIS", "Île-de-France"]),
        ("LONDON, May 5 - Shares rose.", []),  # a date after the comma: not a dateline
        ("EXCLUSIVE - The bank will cut jobs.", []),  # the kind of story, not a place
        ("The SENATE - voted.", []),  # not in capitals
        ("Officials met in Accra - and agreed.", []),
        ("Accra is hot.", []),
    ],
)
def test_what_a_dateline_names(text: str, places: list[str]) -> None:
    assert [text[start:end] for start, end in dateline(text)] == places


def test_the_dateline_replaces_the_models_guess_and_fills_what_it_missed() -> None:
    text = "REYKJAVÍK, Iceland - Scientists said magma rose."
    model = [Span(0, 9, "ORG", SpanState.SUGGESTED, MODEL)]  # Iceland missed
    found = with_dateline(text, model, "GPE", MODEL)
    assert [(text[s.start : s.end], s.label, s.source) for s in found] == [
        ("REYKJAVÍK", "GPE", MODEL),
        ("Iceland", "GPE", MODEL),
    ]


def test_the_dateline_leaves_people_and_datasets_without_places_alone() -> None:
    text = "BERLIN - Demir won."
    memory = [Span(0, 6, "ORG", SpanState.SUGGESTED, MEMORY_SOURCE)]  # people's words
    assert with_dateline(text, memory, "GPE", MODEL) == memory
    assert with_dateline(text, [], None, MODEL) == []  # no place label in the dataset


def test_the_city_named_again_in_ordinary_capitals_is_the_place_too() -> None:
    text = (
        "SÃO PAULO - Farmers in São Paulo met. The University of São Paulo hosted it; "
        "the São Paulos wait."
    )
    first, second, _ = [i for i in range(len(text)) if text.startswith("São Paulo", i)]
    model = [
        Span(first, first + 9, "PERSON", SpanState.SUGGESTED, MODEL),  # the model's guess
        Span(second - 14, second + 9, "ORG", SpanState.SUGGESTED, MODEL),  # a longer name
    ]
    found = with_dateline(text, model, "GPE", MODEL)
    assert [(text[s.start : s.end], s.label, s.start) for s in found] == [
        ("SÃO PAULO", "GPE", 0),
        ("São Paulo", "GPE", first),  # replaces the PERSON
        ("University of São Paulo", "ORG", second - 14),  # left whole; "São Paulos" is
    ]  # another word
