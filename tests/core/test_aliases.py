"""Short forms of names: a person's surname and a bracketed acronym, found in the article."""

from __future__ import annotations

import re

import pytest

from annotator.core.aliases import (
    acronym,
    first_surname,
    given_name,
    mentions,
    place_name,
    surname,
    with_aliases,
)
from annotator.core.model import Span, SpanState
from annotator.core.suggestions import MEMORY_SOURCE
from annotator.core.tokens import Tokens

MODEL = "en_core_web_sm"
TEXT = (
    "Ines Okafor, who heads the Lagos Harbour Board (LHB), met Tunde Bello on Friday. "
    "Okafor said the LHB would hire. Bello agreed, and the Okafor Foundation paid. "
    "Later Ines Okafor left; Okafor's deputy and Okaforville stayed."
)


def at(needle: str, nth: int = 0, text: str = TEXT) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = text.index(needle, start + 1)
    return start, start + len(needle)


def model(needle: str, label: str, nth: int = 0, text: str = TEXT) -> Span:
    return Span(*at(needle, nth, text), label, SpanState.SUGGESTED, MODEL)


def covered(spans: list[Span], text: str = TEXT) -> list[tuple[str, str, str | None]]:
    return [(text[s.start : s.end], s.label, s.source) for s in spans]


def tokenize(text: str) -> Tokens:
    return Tokens.from_pairs([m.span() for m in re.finditer(r"'s|\w+|[^\w\s]", text)])


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Ines Okafor", "Okafor"),
        ("Peter Otieno Mwangi", "Mwangi"),
        ("Charles de Gaulle", "de Gaulle"),
        ("Liesbeth Van Damme", "Van Damme"),
        ("Martin Luther King Jr.", "King"),
        ("Henry Ford II", "Ford"),
        ("Okafor", None),  # one word: nothing shorter
        ("佐藤陽翔", None),  # written without spaces
        ("Ines okafor", None),  # not capitalised
        ("Ines O.", None),  # an initial
        ("Van Damme", "Damme"),  # a particle never starts the surname of a two-word name
    ],
)
def test_the_surname_of_a_full_name(name: str, expected: str | None) -> None:
    text = f"Yesterday {name} spoke."
    found = surname(text, *at(name, text=text))
    assert (text[found[0] : found[1]] if found else None) == expected


@pytest.mark.parametrize(
    ("text", "name", "expected"),
    [
        ("the World Trade Organization (WTO) said", "World Trade Organization", "WTO"),
        (
            "an Organisation for Economic Co-operation and Development (OECD) study",
            "Organisation for Economic Co-operation and Development",
            "OECD",
        ),
        ("the Lagos Harbour Board (LHB) met", "Lagos Harbour Board", "LHB"),
        ("the Bank of Ghana (BoG) rose", "Bank of Ghana", None),  # not all capitals
        ("the Lagos Harbour Board (NPA) met", "Lagos Harbour Board", None),  # other initials
        ("the Lagos Harbour Board, (LHB) met", "Lagos Harbour Board", None),  # not right after
        ("Lagos (LA) rose", "Lagos", None),  # one word has no initials to spell
    ],
)
def test_a_bracketed_acronym_right_after_a_name(text: str, name: str, expected: str | None) -> None:
    found = acronym(text, *at(name, text=text))
    assert (text[found[0] : found[1]] if found else None) == expected


def test_mentions_are_the_short_forms_standing_alone() -> None:
    person = model("Ines Okafor", "PERSON")
    found = [TEXT[a:b] for a, b in mentions(TEXT, person, tokenize(TEXT))]
    # not in "Okafor Foundation" (a longer name), not in the second "Ines Okafor", not
    # inside "Okaforville"; "Okafor's" is the surname and a possessive
    assert found == ["Okafor", "Okafor"]
    assert [a for a, _ in mentions(TEXT, person, None)] == [at("Okafor", 1)[0], at("Okafor", 4)[0]]
    board = model("Lagos Harbour Board", "ORG")
    assert [TEXT[a:b] for a, b in mentions(TEXT, board, None)] == ["LHB", "LHB"]
    # only a person has a surname: "Bello" is not short for an organisation "Tunde Bello"
    assert list(mentions(TEXT, model("Tunde Bello", "ORG"), None)) == []


def test_suggested_names_bring_their_short_forms() -> None:
    spans = [
        model("Ines Okafor", "PERSON"),
        model("Lagos Harbour Board", "ORG"),
        model("Tunde Bello", "PERSON"),
        model("Okafor", "GPE", nth=1),  # the model's mistake on the surname
        model("Bello", "NORP", nth=1),
        model("Okafor Foundation", "ORG"),
    ]
    result = with_aliases(TEXT, spans, tokenize(TEXT))
    assert covered(result) == [
        ("Ines Okafor", "PERSON", MODEL),
        ("Lagos Harbour Board", "ORG", MODEL),
        ("LHB", "ORG", MODEL),
        ("Tunde Bello", "PERSON", MODEL),
        ("Okafor", "PERSON", MODEL),  # replaces the GPE
        ("LHB", "ORG", MODEL),
        ("Bello", "PERSON", MODEL),  # replaces the NORP
        ("Okafor Foundation", "ORG", MODEL),  # a longer name, left alone
        ("Okafor", "PERSON", MODEL),
    ]


def test_a_short_form_gives_way_to_its_label_and_to_memory() -> None:
    text = "Ines Okafor met Ana Okafor Diaz. Okafor left. Okafor stayed."
    spans = [
        model("Ines Okafor", "PERSON", text=text),
        model("Ana Okafor Diaz", "PERSON", text=text),  # a longer name of its label
        Span(*at("Okafor", 2, text), "ORG", SpanState.SUGGESTED, MEMORY_SOURCE),  # people's
        Span(*at("Okafor", 3, text), "PERSON", SpanState.SUGGESTED, MODEL),  # already right
    ]
    assert with_aliases(text, spans, None) == spans


def test_a_memory_name_brings_its_short_forms_as_memory() -> None:
    text = "Ines Okafor spoke. Okafor left."
    learnt = Span(*at("Ines Okafor", text=text), "PER", SpanState.SUGGESTED, MEMORY_SOURCE)
    assert covered(with_aliases(text, [learnt], None), text) == [
        ("Ines Okafor", "PER", MEMORY_SOURCE),
        ("Okafor", "PER", MEMORY_SOURCE),
    ]


def test_decisions_and_many_repetitions() -> None:
    accepted = model("Ines Okafor", "PERSON").with_state(SpanState.ACCEPTED)
    assert with_aliases(TEXT, [accepted], None) == [accepted]  # only suggestions are read
    text = "Ines Okafor spoke. Okafor left. " * 2000
    names = [model("Ines Okafor", "PERSON", n, text) for n in range(2000)]
    result = with_aliases(text, names, None)
    assert len(result) == 4000


def test_a_short_form_gives_way_to_a_longer_name_of_another_label() -> None:
    text = "Ines Okafor left. Okafor and Partners paid; the Okafor plan's critics spoke."
    spans = [
        model("Ines Okafor", "PERSON", text=text),
        model("Okafor and Partners", "ORG", text=text),  # a longer name around the surname
        model("Okafor plan's", "ORG", text=text),  # reaches past it: left to the annotator
    ]
    assert with_aliases(text, spans, None) == spans


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Valentina Ríos Aguilar", "Ríos"),  # a Spanish name: "Ríos said"
        ("Luiz Inácio Silva", "Inácio"),
        ("Ines Okafor", None),  # two words: the surname rule's
        ("John F. Kennedy", None),  # an initial
        ("Charles de Gaulle", None),  # a particle
        ("Vice President Harris", None),  # "president" is a common word in the text
        ("Peter O'Neil Smith", None),  # not a plain word
    ],
)
def test_the_first_surname_of_a_three_word_name(name: str, expected: str | None) -> None:
    text = f"Yesterday {name} spoke to the president."
    found = first_surname(text, *at(name, text=text))
    assert (text[found[0] : found[1]] if found else None) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("River Ouse", "Ouse"),
        ("Col du Galibier", "Galibier"),
        ("Col de la Croix de Fer", "Croix de Fer"),
        ("Mount Kenya", "Kenya"),
        ("Riverside Park", None),  # no word for a kind of place
        ("Lake district", None),  # nothing capitalised after it
        ("River", None),
    ],
)
def test_the_own_name_of_a_place(name: str, expected: str | None) -> None:
    text = f"They walked to {name} and back."
    found = place_name(text, *at(name, text=text))
    assert (text[found[0] : found[1]] if found else None) == expected


def test_a_river_and_a_spanish_name_bring_their_short_forms() -> None:
    text = (
        "The River Ouse rose. Valentina Ríos Aguilar spoke. The Ouse flooded the town, "
        "Ríos said. River Island, a shop, closed; Island staff left."
    )
    spans = [
        model("River Ouse", "LOC", text=text),
        model("Valentina Ríos Aguilar", "PERSON", text=text),
        model("Ouse", "ORG", nth=1, text=text),  # the model's guess on the short form
        model("River Island", "ORG", text=text),  # not a place: no short form
    ]
    assert covered(with_aliases(text, spans, tokenize(text)), text) == [
        ("River Ouse", "LOC", MODEL),
        ("Valentina Ríos Aguilar", "PERSON", MODEL),
        ("Ouse", "LOC", MODEL),  # replaces the ORG
        ("Ríos", "PERSON", MODEL),  # the first surname, suggested where it stands alone
        ("River Island", "ORG", MODEL),
    ]


def test_a_name_whose_surname_the_model_calls_a_person_is_that_person() -> None:
    text = (
        "Haruto Sato of Tohoku led it. Sato said so. Sato, who is known, agreed. Sato left. "
        "Wanjiru Kamau spoke. Kamau said no. Kamau left."
    )
    spans = [
        model("Haruto Sato", "ORG", text=text),  # the model's mistake
        model("Sato", "PERSON", nth=1, text=text),
        model("Sato", "PERSON", nth=2, text=text),
        model("Wanjiru Kamau", "ORG", text=text),  # its surname is no person either:
        model("Kamau", "ORG", nth=1, text=text),  # nothing says who is right
        model("Kamau", "ORG", nth=2, text=text),
    ]
    found = covered(with_aliases(text, spans, tokenize(text)), text)
    assert found == [
        ("Haruto Sato", "PERSON", MODEL),  # one vote of its own against two
        ("Sato", "PERSON", MODEL),
        ("Sato", "PERSON", MODEL),
        ("Sato", "PERSON", MODEL),  # the mention the model missed, as the surname
        ("Wanjiru Kamau", "ORG", MODEL),
        ("Kamau", "ORG", MODEL),
        ("Kamau", "ORG", MODEL),
    ]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Chloé Marchand", "Chloé"),
        ("Martin Luther King Jr.", "Martin"),
        ("Councillor Margaret Holloway", None),  # "councillor" is a word of the text
        ("O'Neil Smith", None),
        ("Okafor", None),
    ],
)
def test_the_given_name_of_a_person(name: str, expected: str | None) -> None:
    text = f"Yesterday {name} spoke to the councillor."
    found = given_name(text, *at(name, text=text))
    assert (text[found[0] : found[1]] if found else None) == expected


def test_a_given_name_is_suggested_only_where_nothing_else_is() -> None:
    text = 'Chloé Marchand won. "Chloé was stronger," he said. Chloé Lemoine and Chloé lost.'
    spans = [
        model("Chloé Marchand", "PERSON", text=text),
        model("Chloé", "ORG", nth=3, text=text),  # the model's guess there stays
    ]
    assert covered(with_aliases(text, spans, tokenize(text)), text) == [
        ("Chloé Marchand", "PERSON", MODEL),
        ("Chloé", "PERSON", MODEL),  # alone and unsuggested; not in "Chloé Lemoine"
        ("Chloé", "ORG", MODEL),
    ]
