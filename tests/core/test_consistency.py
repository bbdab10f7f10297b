"""One name, one label in an article: the model's odd guesses for the same words."""

from __future__ import annotations

import re

from annotator.core.consistency import one_label_per_name
from annotator.core.model import Span, SpanState
from annotator.core.suggestions import MEMORY_SOURCE
from annotator.core.tokens import Tokens

MODEL = "en_core_web_sm"
TEXT = (
    "Savanna bought the depot. Savanna said prices rose. Savanna will hire. "
    '"Savanna gets a deal," one said. Savanna Freight Holdings owns it. savanna grass.'
)


def suggest(label: str, nth: int, source: str = MODEL) -> Span:
    starts = [m.start() for m in re.finditer("Savanna", TEXT)]
    return Span(starts[nth], starts[nth] + 7, label, SpanState.SUGGESTED, source)


def covered(spans: list[Span]) -> list[tuple[int, str]]:
    starts = [m.start() for m in re.finditer("Savanna", TEXT)]
    return [(starts.index(s.start), s.label) for s in spans]


def tokens() -> Tokens:
    return Tokens.from_pairs([m.span() for m in re.finditer(r"\w+|[^\w\s]", TEXT)])


def test_the_minority_label_takes_the_majoritys_and_missed_mentions_are_suggested() -> None:
    model = [suggest("ORG", 0), suggest("PERSON", 1), suggest("ORG", 2)]
    found = one_label_per_name(TEXT, model, tokens())
    # the person becomes the company; the quoted mention the model missed is suggested;
    # "Savanna" inside "Savanna Freight Holdings" and lowercase "savanna" are not
    assert covered(found) == [(0, "ORG"), (1, "ORG"), (2, "ORG"), (3, "ORG")]
    assert all(s.source == MODEL and s.state is SpanState.SUGGESTED for s in found)


def test_a_tie_a_single_guess_and_the_memory_change_nothing() -> None:
    tie = [suggest("ORG", 0), suggest("PERSON", 1)]
    assert one_label_per_name(TEXT, tie, tokens()) == tie
    alone = [suggest("ORG", 0)]
    assert one_label_per_name(TEXT, alone, tokens()) == alone
    memory = [suggest("ORG", 0, MEMORY_SOURCE), suggest("ORG", 1, MEMORY_SOURCE)]
    assert one_label_per_name(TEXT, [*memory, suggest("PERSON", 2)], tokens()) == [
        *memory,
        suggest("PERSON", 2),
    ]


def test_a_name_of_several_words_suggested_once_is_suggested_where_it_comes_again() -> None:
    text = "Talks with the Faroe Islands failed. Boats from the Faroe Islands wait."
    first = text.index("the Faroe Islands")
    once = [Span(first, first + 17, "GPE", SpanState.SUGGESTED, MODEL)]
    found = one_label_per_name(text, once, None)
    again = text.index("the Faroe Islands", first + 1)
    assert [(s.start, s.label) for s in found] == [(first, "GPE"), (again, "GPE")]
    word = text.index("Talks")
    assert one_label_per_name(text, [Span(word, word + 5, "ORG")], None) == [
        Span(word, word + 5, "ORG")
    ]  # one word suggested once: nothing to go on
