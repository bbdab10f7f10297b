"""Words a model took for a name that the article shows are ordinary words."""

from __future__ import annotations

import pytest

from annotator.core.common_words import is_common_word, is_edited


@pytest.mark.parametrize(
    ("text", "words", "common"),
    [
        ("She kept the white jersey.", "the white jersey", True),  # a description
        ("She loves her uniqlo jacket.", "uniqlo", False),  # a brand typed in lowercase
        ("Talks failed. Mackerel prices fell; the mackerel quota rose.", "Mackerel", True),
        ("Talks failed. Mackerel prices fell.", "Mackerel", False),  # never in lowercase
        ("They met Mackerel and the mackerel.", "Mackerel", False),  # not a sentence start
        ("Talks failed. Chloé won.", "Chloé", False),
        ("Yesterday 佐藤陽翔 spoke.", "佐藤陽翔", False),  # a script without capitals
        ("Talks failed. The Senate voted; the senate is old.", "The Senate", False),  # 2 words
        ("Shares of B3 rose.", "B3", False),
        ("A fleet of 737 freighters.", "737", False),  # no letters with case to judge
    ],
)
def test_what_is_an_ordinary_word(text: str, words: str, common: bool) -> None:
    start = text.index(words)
    assert is_common_word(text, start, start + len(words)) is common


def test_the_rules_are_for_texts_that_capitalise_their_sentences() -> None:
    assert is_edited("Talks failed. Mackerel prices fell. The quota rose.")
    assert not is_edited("talks failed. mackerel prices fell. the quota rose.")
    assert not is_edited("Talks failed.")  # one sentence says too little
