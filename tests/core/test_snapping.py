"""Snapping a selection to tokens, checked against spaCy's `Doc.char_span` on real text."""

from __future__ import annotations

import random

import pytest
import spacy
from spacy.tokens import Doc

from annotator.core.snapping import snap_selection, step_boundary, token_at
from annotator.core.tokens import Tokens

NEWS = (
    "LAGOS, March 4 (Reuters) - Nigeria's central bank held its benchmark rate at 27.5% on "
    "Tuesday, Governor Adaeze Okonkwo-Bello said, adding that inflation had  slowed.\r\n"
    "\r\nOkonkwo-Bello told reporters in Abuja that the bank's U.S.-dollar auctions would "
    "resume \u201cwithin weeks\u201d 🙂. Traders at Zenith Bank said the naira\u00a0firmed.\t"
    "\n\nThe Monetary Policy Committee (MPC) meets again in May.  Analysts at São Paulo-based "
    "Itaú BBA expect a cut 📉📉 before Christmas.  "
)


@pytest.fixture(scope="module")
def doc() -> Doc:
    return spacy.blank("en").make_doc(NEWS)


@pytest.fixture(scope="module")
def tokens(doc: Doc) -> Tokens:
    return Tokens.from_pairs([(token.idx, token.idx + len(token)) for token in doc])


def spacy_span(doc: Doc, start: int, end: int, mode: str) -> tuple[int, int] | None:
    """spaCy's `char_span` in `mode`, without the whitespace tokens at its edges."""
    span = doc.char_span(start, end, alignment_mode=mode)
    kept = list(span) if span is not None else []
    while kept and kept[0].is_space:
        kept.pop(0)
    while kept and kept[-1].is_space:
        kept.pop()
    return (kept[0].idx, kept[-1].idx + len(kept[-1])) if kept else None


def expected_snap(doc: Doc, start: int, end: int) -> tuple[int, int] | None:
    """spaCy's contract from whitespace; else expand, less a first or last token the
    selection covers half of or less (unless that leaves nothing)."""
    start, end = min(start, end), max(start, end)
    if start == end:
        return None
    if NEWS[start].isspace() or NEWS[end - 1].isspace():
        return spacy_span(doc, start, end, "contract")
    span = doc.char_span(start, end, alignment_mode="expand")
    touched = list(span) if span is not None else []
    if len(touched) > 1:
        kept = list(touched)

        def grazed(token: object) -> bool:
            begin, finish = token.idx, token.idx + len(token)  # type: ignore[attr-defined]
            return 2 * (min(end, finish) - max(start, begin)) <= finish - begin

        if grazed(kept[0]):
            kept.pop(0)
        if kept and grazed(kept[-1]):
            kept.pop()
        while kept and kept[0].is_space:
            kept.pop(0)
        while kept and kept[-1].is_space:
            kept.pop()
        if kept:
            return kept[0].idx, kept[-1].idx + len(kept[-1])
    return spacy_span(doc, start, end, "expand")


def offset(needle: str, nth: int = 0) -> int:
    position = -1
    for _ in range(nth + 1):
        position = NEWS.index(needle, position + 1)
    return position


def test_the_text_has_the_awkward_cases(doc: Doc) -> None:
    assert any("\r\n" in token.text and token.is_space for token in doc)
    assert any(token.is_space and token.text.strip(" ") == "" for token in doc)  # "  "
    assert any(ord(char) > 0xFFFF for char in NEWS)
    assert "\u00a0" in NEWS and "\t" in NEWS


def test_random_drags_agree_with_spacy_in_both_directions(doc: Doc, tokens: Tokens) -> None:
    rng = random.Random(7)
    modes = {"expand": 0, "contract": 0}
    for _ in range(4000):
        a, b = rng.randrange(len(NEWS) + 1), rng.randrange(len(NEWS) + 1)
        expected = expected_snap(doc, a, b)
        assert snap_selection(NEWS, tokens, a, b) == expected, (a, b)
        assert snap_selection(NEWS, tokens, b, a) == expected, (b, a)
        if a != b:
            lo, hi = min(a, b), max(a, b)
            in_whitespace = NEWS[lo].isspace() or NEWS[hi - 1].isspace()
            modes["contract" if in_whitespace else "expand"] += 1
    assert min(modes.values()) > 100  # both rules were exercised


def test_every_short_drag_agrees_with_spacy(doc: Doc, tokens: Tokens) -> None:
    for start in range(len(NEWS)):
        for end in range(start, min(start + 14, len(NEWS) + 1)):
            expected = expected_snap(doc, start, end)
            assert snap_selection(NEWS, tokens, start, end) == expected, (start, end)
            assert snap_selection(NEWS, tokens, end, start) == expected, (end, start)


def test_drags_starting_or_ending_in_whitespace_agree_with_spacy_contract(
    doc: Doc, tokens: Tokens
) -> None:
    spaces = [i for i, char in enumerate(NEWS) if char.isspace()]
    rng = random.Random(11)
    for _ in range(1500):
        space = rng.choice(spaces)
        other = rng.randrange(len(NEWS) + 1)
        start, end = (space, other) if rng.random() < 0.5 else (other, space + 1)
        if min(start, end) == max(start, end):
            continue
        lo, hi = min(start, end), max(start, end)
        expected = spacy_span(doc, lo, hi, "contract")
        if NEWS[lo].isspace() or NEWS[hi - 1].isspace():
            assert snap_selection(NEWS, tokens, start, end) == expected, (start, end)


def test_a_drag_takes_tokens_mostly_covered_and_leaves_grazed_ones(tokens: Tokens) -> None:
    start = offset("Adaeze") + 2  # "aeze": most of the word
    whole = (offset("Adaeze"), offset("Okonkwo") + 7)
    assert snap_selection(NEWS, tokens, start, offset("Okonkwo-Bello") + 4) == whole
    assert snap_selection(NEWS, tokens, offset("Okonkwo-Bello") + 4, start) == whole
    grazing = offset("Okonkwo-Bello") + 3  # "Oko": a graze of the next word
    adaeze = (offset("Adaeze"), offset("Adaeze") + 6)
    assert snap_selection(NEWS, tokens, start, grazing) == adaeze
    inside = offset("Okonkwo") + 1
    assert snap_selection(NEWS, tokens, inside, inside + 2) == (offset("Okonkwo"), inside + 6)


def test_a_drag_from_whitespace_keeps_only_whole_tokens(tokens: Tokens) -> None:
    start = offset(" Zenith")  # the space before the name
    end = offset("Bank said") + 2  # half of "Bank"
    assert snap_selection(NEWS, tokens, start, end) == (offset("Zenith"), offset("Zenith") + 6)
    whole = (offset("Zenith"), offset("Zenith Bank") + 11)
    assert snap_selection(NEWS, tokens, start, end + 3) == whole  # ends in the next space


def test_clicks_and_whitespace_only_selections_give_none(tokens: Tokens) -> None:
    at = offset("Tuesday")
    assert snap_selection(NEWS, tokens, at, at) is None
    assert snap_selection(NEWS, tokens, at + 3, at + 3, exact=True) is None
    double = offset("  slowed")
    assert snap_selection(NEWS, tokens, double, double + 2) is None
    crlf = offset("\r\n\r\n")
    assert snap_selection(NEWS, tokens, crlf, crlf + 4) is None
    assert snap_selection(NEWS, tokens, crlf + 4, crlf, exact=True) is None


def test_emoji_are_tokens_like_any_other(tokens: Tokens) -> None:
    smile = offset("🙂")
    assert snap_selection(NEWS, tokens, smile, smile + 1) == (smile, smile + 1)
    charts = offset("📉📉")
    snapped = snap_selection(NEWS, tokens, charts + 1, charts + 2)
    assert snapped is not None
    assert NEWS[snapped[0] : snapped[1]].strip("📉") == ""


def test_offsets_outside_the_text_are_clamped(tokens: Tokens) -> None:
    last = offset("Christmas")
    assert snap_selection(NEWS, tokens, last + 2, len(NEWS) - 2) == (last, last + 10)
    # ending in the final whitespace contracts: only "." lies wholly inside
    assert snap_selection(NEWS, tokens, last + 2, len(NEWS) + 50) == (last + 9, last + 10)
    assert snap_selection(NEWS, tokens, -10, 3) == (0, 5)


def test_exact_keeps_the_selection_and_only_trims_whitespace(tokens: Tokens) -> None:
    sao = offset("São Paulo-based")
    assert snap_selection(NEWS, tokens, sao, sao + 9, exact=True) == (sao, sao + 9)
    assert snap_selection(NEWS, tokens, sao + 9, sao - 1, exact=True) == (sao, sao + 9)
    part = offset("Okonkwo-Bello told")
    assert snap_selection(NEWS, tokens, part - 4, part + 7, exact=True) == (part, part + 7)
    tab = offset("firmed.\t") + 7
    assert snap_selection(NEWS, tokens, tab - 7, tab + 3, exact=True) == (tab - 7, tab)
    assert snap_selection(NEWS, tokens, sao + 1, sao + 2) == (sao, sao + 3)  # not exact: "São"


def test_exact_agrees_with_strip_on_random_ranges() -> None:
    rng = random.Random(3)
    for _ in range(2000):
        a, b = rng.randrange(len(NEWS) + 1), rng.randrange(len(NEWS) + 1)
        lo, hi = min(a, b), max(a, b)
        piece = NEWS[lo:hi]
        stripped = piece.strip()
        expected = None
        if stripped:
            first = lo + len(piece) - len(piece.lstrip())
            expected = (first, first + len(stripped))
        assert snap_selection(NEWS, Tokens((), ()), a, b, exact=True) == expected, (a, b)


def test_token_at_finds_the_word_under_a_click(tokens: Tokens) -> None:
    word = offset("Tuesday")
    for character in range(word, word + 7):
        assert token_at(tokens, NEWS, character) == (word, word + 7)
    assert token_at(tokens, NEWS, word + 7) == (word + 7, word + 8)  # the comma
    smile = offset("🙂")
    assert token_at(tokens, NEWS, smile) == (smile, smile + 1)


def test_token_at_is_none_on_whitespace_and_outside_the_text(tokens: Tokens) -> None:
    assert token_at(tokens, NEWS, offset(" central")) is None  # a space no token holds
    double = offset("  slowed")
    assert token_at(tokens, NEWS, double + 1) is None  # a whitespace token
    assert token_at(tokens, NEWS, offset("\r\n\r\n") + 1) is None
    assert token_at(tokens, NEWS, offset("\u00a0")) is None
    assert token_at(tokens, NEWS, len(NEWS)) is None
    assert token_at(tokens, NEWS, len(NEWS) + 5) is None
    assert token_at(tokens, NEWS, -3) is None
    assert token_at(tokens, NEWS, 0) == (0, 5)
    assert token_at(Tokens((), ()), "", 0) is None


def test_token_at_agrees_with_spacy_everywhere(doc: Doc, tokens: Tokens) -> None:
    for character in range(-1, len(NEWS) + 2):
        expected = None
        if 0 <= character < len(NEWS):
            span = doc.char_span(character, character + 1, alignment_mode="expand")
            if span is not None and len(span) and not span[0].is_space:
                expected = (span[0].idx, span[0].idx + len(span[0]))
        assert token_at(tokens, NEWS, character) == expected, character


# step_boundary: "Governor Adaeze Okonkwo-Bello said," is tokenized
# Governor | Adaeze | Okonkwo | - | Bello | said | ,


def test_step_grows_and_shrinks_the_end_one_token_at_a_time(tokens: Tokens) -> None:
    start = offset("Adaeze")
    end = start + len("Adaeze")
    grown = step_boundary(tokens, NEWS, start, end, edge="end", direction=1)
    assert grown == (start, offset("Okonkwo") + 7)
    grown = step_boundary(tokens, NEWS, *grown, edge="end", direction=1)
    assert grown is not None and NEWS[grown[0] : grown[1]] == "Adaeze Okonkwo-"
    shrunk = step_boundary(tokens, NEWS, *grown, edge="end", direction=-1)
    assert shrunk == (start, offset("Okonkwo") + 7)


def test_step_grows_and_shrinks_the_start(tokens: Tokens) -> None:
    start = offset("Okonkwo-Bello said")
    end = start + len("Okonkwo-Bello")
    grown = step_boundary(tokens, NEWS, start, end, edge="start", direction=-1)
    assert grown is not None and NEWS[grown[0] : grown[1]] == "Adaeze Okonkwo-Bello"
    shrunk = step_boundary(tokens, NEWS, start, end, edge="start", direction=1)
    assert shrunk is not None and NEWS[shrunk[0] : shrunk[1]] == "-Bello"


def test_step_never_empties_the_span(tokens: Tokens) -> None:
    start = offset("Tuesday")
    end = start + 7
    assert step_boundary(tokens, NEWS, start, end, edge="start", direction=1) is None
    assert step_boundary(tokens, NEWS, start, end, edge="end", direction=-1) is None
    partial = step_boundary(tokens, NEWS, start, start + 3, edge="end", direction=-1)
    assert partial is None  # a span inside one token has no earlier token end to move to


def test_step_stops_at_the_ends_of_the_text(tokens: Tokens) -> None:
    assert step_boundary(tokens, NEWS, 0, 5, edge="start", direction=-1) is None
    last = offset("Christmas")
    end = last + len("Christmas.")  # the final word token is "."
    assert step_boundary(tokens, NEWS, last, end, edge="end", direction=1) is None
    assert step_boundary(tokens, NEWS, last, last + 9, edge="end", direction=1) == (last, end)


def test_step_skips_whitespace_tokens(tokens: Tokens) -> None:
    slowed = offset("slowed")
    grown = step_boundary(tokens, NEWS, slowed, slowed + 6, edge="start", direction=-1)
    assert grown == (offset("had  slowed"), slowed + 6)  # over the double space
    dot = offset("slowed.") + 6
    across = step_boundary(tokens, NEWS, slowed, dot + 1, edge="end", direction=1)
    assert across == (slowed, offset("Okonkwo-Bello told") + 7)  # over "\r\n\r\n"
    back = step_boundary(tokens, NEWS, slowed, across[1], edge="end", direction=-1)
    assert back == (slowed, dot + 1)
    inward = step_boundary(tokens, NEWS, dot, across[1], edge="start", direction=1)
    assert inward == (offset("Okonkwo-Bello told"), across[1])


def test_step_from_a_boundary_inside_a_token_snaps_to_that_token(tokens: Tokens) -> None:
    sao = offset("São Paulo-based")
    paulo = sao + 4
    inside = (paulo + 2, paulo + 5)  # "ulo"
    assert step_boundary(tokens, NEWS, *inside, edge="start", direction=-1) == (paulo, paulo + 5)
    assert step_boundary(tokens, NEWS, paulo, paulo + 3, edge="end", direction=1) == (
        paulo,
        paulo + 5,
    )


def test_step_on_a_text_of_one_token() -> None:
    text = "Reuters"
    only = Tokens((0,), (7,))
    for edge in ("start", "end"):
        for direction in (-1, 1):
            assert step_boundary(only, text, 0, 7, edge=edge, direction=direction) is None


def test_step_refuses_unknown_edges_and_directions(tokens: Tokens) -> None:
    with pytest.raises(ValueError, match="edge"):
        step_boundary(tokens, NEWS, 0, 5, edge="middle", direction=1)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="direction"):
        step_boundary(tokens, NEWS, 0, 5, edge="end", direction=2)  # type: ignore[arg-type]
