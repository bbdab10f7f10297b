"""Cutting long articles into pieces: where the cuts fall, and tokens put back together."""

from __future__ import annotations

import pytest

from annotator.core.pieces import joined_tokens, piece_bounds
from annotator.core.tokens import Tokens


def pieces(text: str, limit: int) -> list[str]:
    bounds = piece_bounds(text, limit)
    assert [s for s, _ in bounds[1:]] == [e for _, e in bounds[:-1]]  # no gap, no overlap
    assert (bounds[0][0], bounds[-1][1]) == (0, len(text))
    assert all(end - start <= limit for start, end in bounds)
    return [text[start:end] for start, end in bounds]


def test_a_short_text_is_one_piece() -> None:
    assert pieces("Accra is hot.", 100) == ["Accra is hot."]


def test_a_cut_falls_after_a_paragraph_break_before_a_line_break() -> None:
    text = "One line.\nAnother line.\n\nA new paragraph.\nIts second line is long."
    assert pieces(text, 45)[0] == "One line.\nAnother line.\n\n"


def test_without_line_breaks_a_cut_falls_after_a_sentence() -> None:
    text = 'He said "it was Mr. Asante." Then he left Accra. And came back.'
    first = 'He said "it was Mr. Asante." Then he left Accra. '
    assert pieces(text, 60) == [first, "And came back."]


def test_without_sentences_after_a_space_and_only_then_mid_word() -> None:
    assert pieces("alpha beta gamma delta", 12) == ["alpha beta ", "gamma delta"]
    assert pieces("x" * 25, 10) == ["x" * 10, "x" * 10, "x" * 5]


def test_a_cut_never_makes_a_piece_smaller_than_half() -> None:
    text = "Short.\n\n" + "word " * 40
    assert all(len(p) >= 25 for p in pieces(text, 50)[:-1])


def test_a_piece_limit_below_two_is_refused() -> None:
    with pytest.raises(ValueError):
        piece_bounds("text", 1)


def test_tokens_of_pieces_shift_onto_the_whole_text() -> None:
    first = Tokens((0, 6), (5, 7))
    second = Tokens((0, 5), (4, 6))
    assert joined_tokens([(0, first), (8, second)]) == Tokens((0, 6, 8, 13), (5, 7, 12, 14))
