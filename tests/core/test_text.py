"""QtOffsets against a real QTextDocument, and newline normalisation for plain-text import.

Every expectation is stated in code points (Python) and checked against what Qt itself
selects, so a change in either Qt's rules or ours shows up here.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PySide6.QtGui import QTextCursor, QTextDocument
from PySide6.QtWidgets import QApplication

from annotator.core.text import QtOffsets, normalize_newlines

pytestmark = pytest.mark.gui

BOM = "\ufeff"
PARAGRAPH = "\u2029"  # what QTextCursor.selectedText() returns for each block break
LINE = "\u2028"

SAMPLES: dict[str, str] = {
    "ascii": "Anna Jonker opened the Port of Rotterdam office.",
    "emoji": "Deal 😀 done 😀😀 in Zürich",
    "flag": "Berlin 🇩🇪 and Bonn 🇩🇪🇩🇪",
    "zwj_family": "A family 👩‍👩‍👧 arrived",
    "zwj_skin_tone": "The firefighter 👨🏻‍🚒 said",
    "combining": "Cafe\u0301 de Flore, re\u0301sume\u0301",
    "crlf": "Line one\r\nLine two\r\n\r\nLine four",
    "lone_cr": "Old Mac\rtext\rhere",
    "cr_crlf": "a\r\r\nb\r\r\n",
    "leading_bom": BOM + "Reuters reported on Monday",
    "leading_bom_crlf": BOM + "\r\nStarts with a break",
    "double_bom": BOM + BOM + "two marks",
    "middle_bom": "before" + BOM + "after 😀",
    "separators": f"first{LINE}second{PARAGRAPH}third",
    "nul": "nul\x00here and \x00 there",
    "arabic": "قالت زها حديد إن المبنى جاهز",
    "hebrew": "ירושלים, 3 במאי — דיווח",
    "mixed_bidi": "Zaha Hadid (زها حديد) in London",
    "cjk_ext_b": "Name 𠀀𠀁 and 𠀂",
    "nbsp": "10\u00a0000 people in New\u00a0York",
    "everything": BOM + "😀\r\ne\u0301\r🇩🇪\r\r\n" + BOM + "𠀀\u00a0\x00" + LINE + "זה\n",
    "empty": "",
    "only_bom": BOM,
}


def qt_contributions(text: str) -> list[str]:
    """What each code point of `text` becomes in `QTextCursor.selectedText()`.

    The rules, measured on PySide6 6.11 and stated once here:
    - a leading BOM is dropped by `setPlainText`: it contributes nothing;
    - "\\r\\n" is one block break: the "\\r" contributes U+2029, the "\\n" nothing;
    - any other "\\r", "\\n" and U+2029 is a block break: U+2029;
    - U+2028 stays U+2028 (a line break inside the block), and every other character,
      BOM in the middle, NUL and NBSP included, is itself.
    """
    out: list[str] = []
    for index, char in enumerate(text):
        dropped_bom = index == 0 and char == BOM
        folded_newline = char == "\n" and text[index - 1 : index] == "\r"
        if dropped_bom or folded_newline:
            out.append("")
        elif char in "\r\n\u2029":
            out.append(PARAGRAPH)
        else:
            out.append(char)
    return out


def expected_selection(text: str, start: int, end: int) -> str:
    return "".join(qt_contributions(text)[start:end])


def shared_offsets(text: str) -> set[int]:
    """Offsets whose Qt position the next offset shares (the next one wins in from_qt)."""
    shared = {i for i in range(1, len(text)) if text[i] == "\n" and text[i - 1] == "\r"}
    if text.startswith(BOM):
        shared.add(0)
    return shared


@pytest.fixture(scope="module")
def document(qapp: QApplication) -> Iterator[QTextDocument]:
    doc = QTextDocument()
    yield doc
    doc.deleteLater()


def select(document: QTextDocument, start: int, end: int) -> str:
    cursor = QTextCursor(document)
    cursor.setPosition(start)
    cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
    return cursor.selectedText()


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_every_span_selects_the_same_text_in_qt(document: QTextDocument, name: str) -> None:
    text = SAMPLES[name]
    document.setPlainText(text)
    offsets = QtOffsets(text)
    for start in range(len(text) + 1):
        for end in range(start, len(text) + 1):
            got = select(document, offsets.to_qt(start), offsets.to_qt(end))
            assert got == expected_selection(text, start, end), (name, start, end)


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_qt_length_is_the_document_length(document: QTextDocument, name: str) -> None:
    text = SAMPLES[name]
    document.setPlainText(text)
    assert QtOffsets(text).qt_length == document.characterCount() - 1


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_from_qt_inverts_to_qt_where_the_position_is_not_shared(name: str) -> None:
    text = SAMPLES[name]
    offsets = QtOffsets(text)
    shared = shared_offsets(text)
    for index in range(len(text) + 1):
        if index in shared:
            # Two offsets on one Qt position: the largest wins, so a selection never
            # starts on the invisible "\n" of "\r\n" or on a dropped BOM.
            assert offsets.to_qt(index) == offsets.to_qt(index + 1)
            assert offsets.from_qt(offsets.to_qt(index)) == index + 1
        else:
            assert offsets.from_qt(offsets.to_qt(index)) == index, index


@pytest.mark.parametrize("name", ["emoji", "flag", "zwj_family", "cjk_ext_b", "everything"])
def test_from_qt_inside_a_surrogate_pair_rounds_down_or_up(
    document: QTextDocument, name: str
) -> None:
    text = SAMPLES[name]
    document.setPlainText(text)
    offsets = QtOffsets(text)
    astral = [i for i, char in enumerate(text) if ord(char) > 0xFFFF]
    assert astral
    for index in astral:
        inside = offsets.to_qt(index) + 1
        assert offsets.to_qt(index + 1) == inside + 1
        assert offsets.from_qt(inside) == index
        assert offsets.from_qt(inside, round_up=True) == index + 1
        # Qt would select half a character from there: the rounded ends select it whole.
        whole = select(document, offsets.to_qt(offsets.from_qt(inside)), offsets.to_qt(index + 1))
        assert whole == text[index]


def test_from_qt_round_up_leaves_exact_positions_alone() -> None:
    text = SAMPLES["everything"]
    offsets = QtOffsets(text)
    for position in range(offsets.qt_length + 1):
        down = offsets.from_qt(position)
        if offsets.to_qt(down) == position:
            assert offsets.from_qt(position, round_up=True) == down


def test_from_qt_clamps_positions_outside_the_document() -> None:
    offsets = QtOffsets("😀ab")
    assert offsets.from_qt(-5) == 0
    assert offsets.from_qt(99) == 3


@pytest.mark.parametrize("offset", [-1, 4])
def test_to_qt_refuses_offsets_outside_the_text(offset: int) -> None:
    with pytest.raises(IndexError, match="outside the text"):
        QtOffsets("abc").to_qt(offset)


def test_zwj_sequence_counts_every_code_point() -> None:
    family = "👩‍👩‍👧"
    offsets = QtOffsets(family)
    assert len(family) == 5
    assert offsets.qt_length == 8  # three astral people, two joiners


def test_long_text_maps_far_offsets(document: QTextDocument) -> None:
    paragraph = "Zaha Hadid 😀 (زها حديد) visited 🇩🇪 Berlin.\r\nNext 𠀀 line\r"
    text = BOM + paragraph * 200
    document.setPlainText(text)
    offsets = QtOffsets(text)
    assert offsets.qt_length == document.characterCount() - 1
    for start in range(0, len(text), 37):
        end = min(start + 45, len(text))
        assert select(document, offsets.to_qt(start), offsets.to_qt(end)) == (
            expected_selection(text, start, end)
        )


# -- property: random text, random spans -------------------------------------------------

_PIECES = st.sampled_from(
    ["a", "b", " ", "é", "e\u0301", "😀", "🇩🇪", "𠀀", "\r\n", "\r", "\n", BOM, "ز", "\u00a0", LINE]
)


@st.composite
def text_and_spans(draw: st.DrawFn) -> tuple[str, list[tuple[int, int]]]:
    text = "".join(draw(st.lists(_PIECES, max_size=30)))
    bounds = st.integers(0, len(text))
    pairs = draw(st.lists(st.tuples(bounds, bounds), min_size=1, max_size=10))
    return text, [(min(a, b), max(a, b)) for a, b in pairs]


@settings(max_examples=200, deadline=None)
@given(case=text_and_spans())
def test_random_spans_select_the_same_text_in_qt(
    document: QTextDocument, case: tuple[str, list[tuple[int, int]]]
) -> None:
    text, spans = case
    document.setPlainText(text)
    offsets = QtOffsets(text)
    assert offsets.qt_length == document.characterCount() - 1
    for start, end in spans:
        got = select(document, offsets.to_qt(start), offsets.to_qt(end))
        assert got == expected_selection(text, start, end)


# -- normalize_newlines -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "normalized"),
    [
        ("plain", "plain"),
        ("a\r\nb", "a\nb"),
        ("a\rb", "a\nb"),
        ("a\r\r\nb", "a\n\nb"),
        ("a\n\rb", "a\n\nb"),
        ("\r\n\r\n", "\n\n"),
        (BOM + "text", "text"),
        (BOM + "\r\nx", "\nx"),
        (BOM + BOM + "x", BOM + "x"),  # only the leading mark is a BOM
        ("mid" + BOM + "dle", "mid" + BOM + "dle"),
        (f"a{LINE}b{PARAGRAPH}c", f"a{LINE}b{PARAGRAPH}c"),  # not plain line endings
        ("😀\r\n😀", "😀\n😀"),
        ("", ""),
    ],
)
def test_normalize_newlines(raw: str, normalized: str) -> None:
    assert normalize_newlines(raw) == normalized


@given(st.text(alphabet=st.sampled_from(["a", "\r", "\n", BOM, "😀"]), max_size=40))
def test_normalized_text_maps_one_to_one_except_astral(text: str) -> None:
    clean = normalize_newlines(text)
    assert "\r" not in clean
    assert not clean.startswith(BOM) or text.startswith(BOM + BOM)
    assert normalize_newlines(clean) == clean or clean.startswith(BOM)
    offsets = QtOffsets(clean)
    astral = sum(1 for char in clean if ord(char) > 0xFFFF)
    leading_bom = 1 if clean.startswith(BOM) else 0
    assert offsets.qt_length == len(clean) + astral - leading_bom
