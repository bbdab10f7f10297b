"""Tokens against spaCy: alignment must agree with `Doc.char_span` on real tokenizations.

The spaCy import is limited to tests: the package itself only sees token offsets.
"""

from __future__ import annotations

import random

import pytest
import spacy
from hypothesis import given
from hypothesis import strategies as st
from spacy.tokens import Doc

from annotator.core.tokens import Alignment, Tokens

NEWS = (
    'BERLIN (Reuters) -- Chancellor Olaf Scholz said on Monday  that the "deal" was done 😀, '
    "adding:  it's U.S.-backed.\n\nShares of Siemens AG rose 3.5% to €120.40!  "
    "Zaha Hadid's firm (ZHA) won't comment…  See https://example.com/a?b=1 #news 🇩🇪\t"
    "10\u00a0000 people, 👩‍👩‍👧 and e\u0301te\u0301.   Done "
)


@pytest.fixture(scope="module")
def doc() -> Doc:
    return spacy.blank("en").make_doc(NEWS)


@pytest.fixture(scope="module")
def tokens(doc: Doc) -> Tokens:
    return tokens_of(doc)


def tokens_of(doc: Doc) -> Tokens:
    return Tokens.from_pairs([(token.idx, token.idx + len(token)) for token in doc])


def spacy_alignment(doc: Doc, start: int, end: int, mode: Alignment) -> tuple[int, int] | None:
    """What spaCy's char_span gives, minus whitespace tokens at either edge."""
    span = doc.char_span(start, end, alignment_mode=mode.value)
    if span is None:
        return None
    kept = list(span)
    while kept and kept[0].is_space:
        kept.pop(0)
    while kept and kept[-1].is_space:
        kept.pop()
    if not kept:
        return None
    return kept[0].idx, kept[-1].idx + len(kept[-1])


def random_ranges(count: int, length: int, seed: int) -> list[tuple[int, int]]:
    rng = random.Random(seed)
    ranges = []
    while len(ranges) < count:
        a, b = rng.randrange(length + 1), rng.randrange(length + 1)
        if a != b:
            ranges.append((min(a, b), max(a, b)))
    return ranges


def test_the_news_text_has_the_awkward_cases(doc: Doc) -> None:
    spaces = [token.text for token in doc if token.is_space]
    assert " " in spaces  # a double space makes a whitespace token
    assert "\n\n" in spaces
    assert any(ord(char) > 0xFFFF for char in NEWS)


@pytest.mark.parametrize("mode", list(Alignment))
def test_align_agrees_with_spacy_char_span(doc: Doc, tokens: Tokens, mode: Alignment) -> None:
    for start, end in random_ranges(3000, len(NEWS), seed=len(mode.value)):
        expected = spacy_alignment(doc, start, end, mode)
        assert tokens.align(start, end, mode, NEWS) == expected, (mode, start, end)


@pytest.mark.parametrize("mode", list(Alignment))
def test_align_agrees_with_spacy_on_every_short_range(mode: Alignment) -> None:
    text = "A  b,\n\nc 😀d.  "
    doc = spacy.blank("en").make_doc(text)
    tokens = tokens_of(doc)
    for start in range(len(text)):
        for end in range(start + 1, len(text) + 1):
            expected = spacy_alignment(doc, start, end, mode)
            assert tokens.align(start, end, mode, text) == expected, (mode, start, end)


def offsets(fragment: str, occurrence: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(occurrence + 1):
        start = NEWS.index(fragment, start + 1)
    return start, start + len(fragment)


@pytest.mark.parametrize(
    ("start_end", "mode", "expected"),
    [
        (offsets("Olaf Scholz"), Alignment.STRICT, "Olaf Scholz"),
        (offsets("laf Schol"), Alignment.STRICT, None),
        (offsets("laf Schol"), Alignment.EXPAND, "Olaf Scholz"),
        (offsets("laf Schol"), Alignment.CONTRACT, None),
        (offsets("Olaf Schol"), Alignment.CONTRACT, "Olaf"),
        (offsets(" Siemens AG "), Alignment.EXPAND, "Siemens AG"),
        (offsets(" that"), Alignment.STRICT, "that"),  # the space token is trimmed
        (offsets("Monday  "), Alignment.EXPAND, "Monday"),
        (offsets("  ", 0), Alignment.EXPAND, None),  # whitespace only
        (offsets("  ", 0), Alignment.CONTRACT, None),
        (offsets("\n\n"), Alignment.STRICT, None),
        (offsets("\n\n"), Alignment.EXPAND, None),
        (offsets("😀"), Alignment.STRICT, "😀"),
        (offsets("U.S.-back"), Alignment.EXPAND, "U.S.-backed"),
    ],
)
def test_align_examples(
    tokens: Tokens, start_end: tuple[int, int], mode: Alignment, expected: str | None
) -> None:
    result = tokens.align(*start_end, mode, NEWS)
    assert (None if result is None else NEWS[slice(*result)]) == expected


def test_token_span_is_spacy_strict(doc: Doc, tokens: Tokens) -> None:
    for start, end in random_ranges(3000, len(NEWS), seed=7):
        span = doc.char_span(start, end, alignment_mode="strict")
        expected = None if span is None else (span.start, span.end - 1)
        assert tokens.token_span(start, end) == expected, (start, end)


def test_token_span_of_every_single_token(doc: Doc, tokens: Tokens) -> None:
    for index, token in enumerate(doc):
        assert tokens.token_span(token.idx, token.idx + len(token)) == (index, index)
    assert tokens.token_span(0, len(NEWS)) is None  # the text ends in spaCy's whitespace_
    assert tokens.token_span(0, doc[-1].idx + len(doc[-1])) == (0, len(doc) - 1)


def test_whitespace_after_is_spacy_whitespace(doc: Doc, tokens: Tokens) -> None:
    for index, token in enumerate(doc):
        assert tokens.whitespace_after(index, NEWS) == (token.whitespace_ == " "), token.text


def test_bytes_round_trip(tokens: Tokens) -> None:
    data = tokens.to_bytes()
    assert len(data) == 8 * len(tokens)
    restored = Tokens.from_bytes(data)
    assert restored == tokens
    assert hash(restored) == hash(tokens)
    assert Tokens.from_bytes(b"") == Tokens((), ())


@given(st.lists(st.integers(0, 2**32 - 1), max_size=60))
def test_bytes_round_trip_any_offsets(values: list[int]) -> None:
    values = sorted(values)
    pairs = list(zip(values[0::2], values[1::2], strict=False))
    tokens = Tokens.from_pairs(pairs)
    assert Tokens.from_bytes(tokens.to_bytes()) == tokens


def test_starts_and_ends_must_pair_up() -> None:
    with pytest.raises(ValueError, match="differ in length"):
        Tokens((0, 2), (1,))


def test_equality_is_by_offsets() -> None:
    assert Tokens.from_pairs([(0, 1), (2, 3)]) == Tokens((0, 2), (1, 3))
    assert Tokens.from_pairs([(0, 1)]) != Tokens.from_pairs([(0, 2)])
    assert Tokens.from_pairs([]) != ()
