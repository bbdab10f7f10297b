"""Name fragments: what the phrase memory and propagation must not suggest."""

from __future__ import annotations

import pytest

from annotator.core.names import (
    continues_a_name,
    is_name_word,
    part_of_longer_name,
    starts_sentence,
)


def at(text: str, word: str, occurrence: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(word, start + 1)
    return start, start + len(word)


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("Shares of AFP Chile fell.", "Chile"),
        ("Savanna Freight Holdings said so.", "Savanna"),
        ("The European Space Agency watched.", "European"),
        ("She studied at the University of Iceland.", "Iceland"),
        ("Riders climbed the Col de la Croix de Fer.", "Croix"),
        ("Chancellor Angela Merkel spoke.", "Merkel"),
    ],
)
def test_parts_of_longer_names(text: str, word: str) -> None:
    assert continues_a_name(text, *at(text, word))


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("Chile and Peru signed the deal.", "Chile"),
        ("Exports from Chile rose.", "Chile"),
        ("The deal helps Chile.", "Chile"),
        ("In Chile, prices rose.", "Chile"),
        ("Chile's exports rose.", "Chile"),
        ("The talks in Geneva.\nChile left early.", "Chile"),
        ("The Environment Agency said.", "Environment Agency"),
        ("Officials said. Chile Airlines agreed.", "said"),
    ],
)
def test_names_standing_alone(text: str, word: str) -> None:
    assert not continues_a_name(text, *at(text, word))


def test_a_sentence_initial_article_is_not_a_name_word() -> None:
    assert not is_name_word("The")
    assert is_name_word("Angela")
    assert is_name_word("\u201cAngela")


def test_longer_names_add_a_capitalised_word() -> None:
    text = "Angela Merkel met the Environment Agency. The Social Renewal Party won."
    assert part_of_longer_name(text, at(text, "Merkel"), at(text, "Angela Merkel"))
    assert not part_of_longer_name(
        text, at(text, "Environment Agency"), at(text, "the Environment Agency")
    )
    assert not part_of_longer_name(
        text, at(text, "Social Renewal Party"), at(text, "The Social Renewal Party")
    )
    assert not part_of_longer_name(text, at(text, "Merkel"), at(text, "Merkel"))


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ('"We will win in the Council," Okafor said.', "Okafor"),
        ("It rained in Lagos (Nigeria) Okafor said.", "Okafor"),
        ("Asked about the Harbour Board, Okafor said little.", "Okafor"),
    ],
)
def test_punctuation_before_a_word_ends_the_name_before_it(text: str, word: str) -> None:
    assert not continues_a_name(text, *at(text, word))


def test_a_longer_span_must_add_more_than_an_article_or_a_possessive() -> None:
    text = "Since last May the Harbour Board's chief, Ines Okafor, met a Minister."
    assert part_of_longer_name(text, at(text, "May"), at(text, "last May"))
    assert part_of_longer_name(text, at(text, "Okafor"), at(text, "Ines Okafor"))
    assert not part_of_longer_name(text, at(text, "Harbour Board"), at(text, "the Harbour Board"))
    assert not part_of_longer_name(text, at(text, "Harbour Board"), at(text, "Harbour Board's"))
    assert not part_of_longer_name(text, at(text, "Minister"), at(text, "a Minister"))


@pytest.mark.parametrize(
    ("text", "word", "expected"),
    [
        ("The vote", "The", True),
        ("It ended. The vote", "The", True),
        ('He said: "The vote', "The", True),
        ("LAGOS - The vote", "The", True),
        ("LAGOS \u2014 The vote", "The", True),
        ("in The Hague", "The", False),
        ("Baden-The Hague", "The", False),  # a hyphen inside a word is no sentence break
    ],
)
def test_sentence_starts(text: str, word: str, expected: bool) -> None:
    assert starts_sentence(text, text.index(word)) is expected
