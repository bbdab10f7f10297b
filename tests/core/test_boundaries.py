"""Suggestion edges: what no scheme includes (tidy), and cuts people make once (Trim)."""

from __future__ import annotations

import re

import pytest

from annotator.core.boundaries import Trim, tidy, without_article
from annotator.core.memory import PhraseMemory
from annotator.core.model import Span, SpanState
from annotator.core.suggestions import MEMORY_SOURCE
from annotator.core.tokens import Tokens

MODEL = "en_core_web_sm"


def at(text: str, needle: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = text.index(needle, start + 1)
    return start, start + len(needle)


def model(text: str, needle: str, label: str = "ORG", nth: int = 0) -> Span:
    return Span(*at(text, needle, nth), label, SpanState.SUGGESTED, MODEL, score=0.5)


def covered(text: str, spans: list[Span]) -> list[tuple[str, str]]:
    return [(text[s.start : s.end], s.label) for s in spans]


def tokenize(text: str) -> Tokens:
    return Tokens.from_pairs([m.span() for m in re.finditer(r"'s|\w+|[^\w\s]", text)])


# tidy: edges no scheme puts inside a name


@pytest.mark.parametrize(
    ("text", "needle", "pieces"),
    [
        (
            "LAGOS - Harbour Board officials met.",
            "LAGOS - Harbour Board",
            ["LAGOS", "Harbour Board"],
        ),
        ("ACCRA \u2013 Ghana's mines", "ACCRA \u2013 Ghana's", ["ACCRA", "Ghana"]),
        ("Accra - - Kumasi", "Accra - - Kumasi", ["Accra", "Kumasi"]),
        ("Accra - - Kumasi", "Accra - -", ["Accra"]),  # a side without letters goes
        ("Baden-Baden hosts it", "Baden-Baden", ["Baden-Baden"]),  # a hyphen joins a name
        # A headline read into the first paragraph: never one name across a blank line.
        ("Rotterdam\n\nDock workers", "Rotterdam\n\nDock", ["Rotterdam", "Dock"]),
        ("Rotterdam \r\n \r\nDock workers", "Rotterdam \r\n \r\nDock", ["Rotterdam", "Dock"]),
        ("Rotterdam\u2029Dock workers", "Rotterdam\u2029Dock", ["Rotterdam", "Dock"]),
        ("Anna de\nVries said", "Anna de\nVries", ["Anna de\nVries"]),  # a wrapped line
    ],
)
def test_a_span_is_split_at_a_spaced_dash(text: str, needle: str, pieces: list[str]) -> None:
    span = model(text, needle)
    tidied = tidy(text, [span])
    assert [text[s.start : s.end] for s in tidied] == pieces
    assert all(
        (s.label, s.state, s.source, s.score) == ("ORG", span.state, MODEL, 0.5) for s in tidied
    )


@pytest.mark.parametrize(
    ("text", "needle", "kept"),
    [
        ("Ghana's mines grew.", "Ghana's", "Ghana"),
        ("Ghana\u2019s mines grew.", "Ghana\u2019s", "Ghana"),
        ("Halden Airways' cargo arm", "Halden Airways'", "Halden Airways"),
        ("Dunkin' opened a shop.", "Dunkin'", "Dunkin'"),  # not a plural possessive
        ("It is 's", "'s", "'s"),  # nothing would be left
    ],
)
def test_a_possessive_is_cut_off(text: str, needle: str, kept: str) -> None:
    (tidied,) = tidy(text, [model(text, needle)])
    assert text[tidied.start : tidied.end] == kept


def test_a_name_the_dataset_knows_with_its_possessive_keeps_it() -> None:
    text = "McDonald's opened in Ghana's capital."
    spans = [model(text, "McDonald's"), model(text, "Ghana's", "GPE")]
    tidied = tidy(text, spans, known={"McDonald's"}.__contains__)
    assert covered(text, tidied) == [("McDonald's", "ORG"), ("Ghana", "GPE")]


# Trim: a cut made once, repeated


TEXT = (
    "The Harbour Board met the Port Authority in The Hague. Councillor Ines Okafor said "
    "the Harbour Board's plan, backed by Councillor Tunde Bello, suits the Port Authority."
)


def test_a_cut_is_what_went_off_each_edge() -> None:
    old = at(TEXT, "the Port Authority")
    assert Trim.between(TEXT, old, at(TEXT, "Port Authority")) == Trim("the ", "")
    old = at(TEXT, "the Harbour Board's")
    assert Trim.between(TEXT, old, at(TEXT, "Harbour Board", 1)) == Trim("the ", "'s")


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("the Port Authority", "the Port Authority"),  # nothing cut
        ("Port Authority", "the Port Authority"),  # grown, not cut
        ("the Port Authority", "ort Authority"),  # a word cut in two
        ("the Port Authority", "Port Author"),
    ],
)
def test_only_whole_words_cut_off_a_span_make_a_cut(old: str, new: str) -> None:
    assert Trim.between(TEXT, at(TEXT, old), at(TEXT, new)) is None


def test_the_same_cut_fits_spans_with_the_same_edge_words() -> None:
    the = Trim("the ", "")
    assert the.apply(TEXT, model(TEXT, "the Port Authority", nth=1), None) == at(
        TEXT, "Port Authority", nth=1
    )
    # "The" opening a sentence is the same word; "The" inside "in The Hague" is a name's
    assert the.apply(TEXT, model(TEXT, "The Harbour Board"), None) == at(TEXT, "Harbour Board")
    assert the.apply(TEXT, model(TEXT, "The Hague", "GPE"), None) is None
    assert the.apply(TEXT, model(TEXT, "Councillor Ines Okafor", "PERSON"), None) is None
    title = Trim("Councillor ", "")
    bello = model(TEXT, "Councillor Tunde Bello", "PERSON")
    assert title.apply(TEXT, bello, None) == at(TEXT, "Tunde Bello")


def test_a_cut_with_both_edges_needs_both() -> None:
    both = Trim("the ", "'s")
    assert both.apply(TEXT, model(TEXT, "the Harbour Board's"), None) == at(
        TEXT, "Harbour Board", nth=1
    )
    assert both.apply(TEXT, model(TEXT, "the Port Authority"), None) is None


def test_a_cut_that_leaves_nothing_or_leaves_tokens_in_pieces_does_not_fit() -> None:
    text = "the the plans"
    assert Trim("the ", "").apply(text, model(text, "the the"), None) == (4, 7)
    assert Trim("the the ", "").apply(text, model(text, "the the"), None) is None
    text = "the A.B. plan"
    one_token = Tokens.from_pairs([(0, 3), (4, 8), (9, 13)])  # "A.B." is one token
    assert Trim("A.", "").apply(text, model(text, "A.B."), one_token) is None
    two_tokens = Tokens.from_pairs([(0, 3), (4, 6), (6, 8), (9, 13)])  # "A." "B."
    assert Trim("A.", "").apply(text, model(text, "A.B."), two_tokens) == (6, 8)


# without_article: the leading "the" the dataset's people leave out, learnt


def test_the_memory_learns_which_labels_leave_the_article_out() -> None:
    memory = PhraseMemory.from_counts(
        [],
        [
            ("ORG", 0, 3),  # "Chamber of Deputies" after "the", three times
            ("DATE", 3, 2),  # "the end of June": kept more often than left out
            ("LOC", 0, 1),  # once is not yet a habit
            ("GPE", 2, 2),  # as often kept as left out
        ],
    )
    assert memory.without_article == frozenset({"ORG"})


def test_the_learnt_cut_comes_off_the_models_suggestions_of_those_labels() -> None:
    text = (
        "The European Union met the Environment Agency in The Hague. "
        "Officials from the Senate and the Council spoke until the end of June."
    )
    spans = [
        model(text, "The European Union"),  # "The" opens the sentence: the same word
        model(text, "the Environment Agency"),
        model(text, "The Hague", "GPE"),  # another label: kept
        model(text, "the Senate"),
        Span(*at(text, "the Council"), "ORG", SpanState.SUGGESTED, MEMORY_SOURCE),  # people's
        model(text, "the end of June", "DATE"),
        model(text, "Senate"),  # the cut would land on it: "the Senate" stays as it is
    ]
    found = without_article(text, spans, frozenset({"ORG"}), tokenize(text))
    assert covered(text, found) == [
        ("European Union", "ORG"),
        ("Environment Agency", "ORG"),
        ("The Hague", "GPE"),
        ("the Senate", "ORG"),
        ("Senate", "ORG"),
        ("the Council", "ORG"),
        ("the end of June", "DATE"),
    ]
    assert found[0].source == MODEL and found[0].score == 0.5  # still the model's guess
    assert without_article(text, spans, frozenset(), None) == spans
