"""The article view: spans land on exactly their characters, look as their state says,
change without re-painting the document, and mouse and keys behave as an annotator expects."""

from __future__ import annotations

import random
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QEvent, QObject, QPoint, QRect, Qt
from PySide6.QtGui import (
    QAction,
    QColor,
    QImage,
    QKeyEvent,
    QKeySequence,
    QPaintEvent,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextLine,
)
from PySide6.QtWidgets import QLineEdit, QMainWindow, QVBoxLayout, QWidget

from annotator.core.model import Label, Span, SpanState
from annotator.core.text import QtOffsets
from annotator.ui.article import span_index
from annotator.ui.article.highlighter import SpanHighlighter
from annotator.ui.article.keys import is_window_key
from annotator.ui.article.view import ArticleView

pytestmark = pytest.mark.gui

S = SpanState

# Every way a code-point offset and a Qt position can drift apart, in one article.
TRICKY = (
    "\ufeffFans 😀 cheered Zaha Hadid in 🇧🇪 Brussels.\r\n"
    "The family 👩‍👩‍👧 met Zoe\u0308 Ruiz and Jose\u0301 Martí.\r\n"
    "שלום עולם, said Dana Levi in Tel Aviv.\n"
    "Apple 🍎 Inc. closed."
)


def at(text: str, phrase: str, label: str, state: SpanState = S.ACCEPTED, nth: int = 0) -> Span:
    """The span over the `nth` occurrence of `phrase`, in code points."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(phrase, start + 1)
    return Span(start, start + len(phrase), label, state)


# One label per span, each its own colour, so a format's colour names its span.
TRICKY_SPANS = {
    "Zaha Hadid": ("A", "#aa9cfc"),
    "🇧🇪 Brussels": ("B", "#feca74"),
    "👩‍👩‍👧": ("C", "#7aecec"),
    "Zoe\u0308 Ruiz": ("D", "#ff9561"),
    "Jose\u0301": ("E", "#c887fb"),
    "שלום עולם": ("F", "#bfe1d9"),
    "Tel Aviv": ("G", "#ffeb80"),
    "Apple 🍎 Inc.": ("H", "#9cc9cc"),
}


def tricky_spans() -> tuple[Span, ...]:
    return tuple(at(TRICKY, phrase, label) for phrase, (label, _) in TRICKY_SPANS.items())


def tricky_labels() -> tuple[Label, ...]:
    return tuple(Label(label, color) for label, color in TRICKY_SPANS.values())


@pytest.fixture
def view(qtbot) -> ArticleView:
    widget = ArticleView()
    qtbot.addWidget(widget)
    widget.resize(720, 360)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


# -- reading what Qt actually formats -----------------------------------------------------


def blocks(view: ArticleView) -> Iterator:
    block = view.document().firstBlock()
    while block.isValid():
        yield block
        block = block.next()


def utf16_slice(text: str, start: int, end: int) -> str:
    """`text[start:end]` counted in UTF-16 units, as Qt counts (independent of QtOffsets)."""
    return text.encode("utf-16-le")[2 * start : 2 * end].decode("utf-16-le")


def painted_text(view: ArticleView, color: str) -> list[str]:
    """The runs of document text whose background is `color` (alpha ignored), per block."""
    runs: list[str] = []
    for block in blocks(view):
        ranges = sorted(
            (r.start, r.start + r.length)
            for r in block.layout().formats()
            if r.format.background().color().name() == color
        )
        merged: list[list[int]] = []
        for start, end in ranges:
            if merged and merged[-1][1] == start:
                merged[-1][1] = end
            else:
                merged.append([start, end])
        runs += [utf16_slice(block.text(), start, end) for start, end in merged]
    return runs


def format_at(view: ArticleView, text: str, offset: int):
    """The highlight format Qt holds for the character at code-point `offset`."""
    position = QtOffsets(text).to_qt(offset)
    block = view.document().findBlock(position)
    relative = position - block.position()
    for r in block.layout().formats():
        if r.start <= relative < r.start + r.length:
            return QTextCharFormat(r.format)  # a copy: the range owns its format
    return None


def point_at(view: ArticleView, offset: int, *, edge: str = "leading") -> QPoint:
    """A viewport point one pixel inside an edge of the character at code-point `offset`.

    "leading" is where reading enters the character, "trailing" where it leaves: a press
    there lands on the position before, or after, the character, in either direction.
    """
    position = QtOffsets(view.text()).to_qt(offset)
    block = view.document().findBlock(position)
    origin = view.blockBoundingGeometry(block).translated(view.contentOffset()).topLeft()
    relative = position - block.position()
    line = block.layout().lineForTextPosition(relative)  # laid out by the line above
    leading = line.cursorToX(relative, QTextLine.Edge.Leading)[0]
    trailing = line.cursorToX(relative, QTextLine.Edge.Trailing)[0]
    x = leading if edge == "leading" else trailing
    x += 1 if (trailing > leading) == (edge == "leading") else -1
    return QPoint(round(origin.x() + x), round(origin.y() + line.y() + line.height() / 2))


def grab(view: ArticleView) -> QImage:
    return view.viewport().grab().toImage()


def colors_in(image: QImage, left: int, top: int, right: int, bottom: int) -> Counter[str]:
    return Counter(
        image.pixelColor(x, y).name()
        for x in range(max(left, 0), min(right, image.width()))
        for y in range(max(top, 0), min(bottom, image.height()))
    )


def span_box(view: ArticleView, text: str, span: Span) -> tuple[int, int, int, int]:
    """Viewport box from the span's first character to its last (one line)."""
    offsets = QtOffsets(text)
    first, last = QTextCursor(view.document()), QTextCursor(view.document())
    first.setPosition(offsets.to_qt(span.start))
    last.setPosition(offsets.to_qt(span.end - 1))
    a, b = view.cursorRect(first), view.cursorRect(last)
    return a.left() + 1, a.top() + 1, b.left() + 2, a.bottom() - 1


# -- highlighting -------------------------------------------------------------------------


def test_each_span_is_painted_on_exactly_its_characters(view: ArticleView) -> None:
    spans = tricky_spans()
    view.show_document(TRICKY, spans, tricky_labels())
    for span in spans:
        color = dict(TRICKY_SPANS.values())[span.label]
        assert painted_text(view, color) == [TRICKY[span.start : span.end]], span


def test_a_span_over_a_block_break_is_painted_in_both_blocks(view: ArticleView) -> None:
    text = "It was Port of\r\nRotterdam."
    span = at(text, "Port of\r\nRotterdam", "ORG")
    view.show_document(text, [span], [Label("ORG", "#7aecec")])
    assert painted_text(view, "#7aecec") == ["Port of", "Rotterdam"]
    assert view.span_at(text.index("Rotterdam")) == span


@pytest.mark.parametrize(
    "separator",
    ["\n", "\r\n", "\r", "\r\r\n", "\u2029", "\u2028", "\x85", "\x0c", "\ufdd0", "\n\n\n"],
    ids=repr,
)
def test_spans_after_any_line_break_are_exact(view: ArticleView, separator: str) -> None:
    text = f"\ufeffSee 😀 Oslo{separator}and 🇳🇴 Bergen{separator}or Troms\u00f8."
    spans = [at(text, "Oslo", "A"), at(text, "Bergen", "B"), at(text, "Troms\u00f8", "C")]
    view.show_document(text, spans, [Label("A", "#aa9cfc"), Label("B", "#feca74")])
    assert painted_text(view, "#aa9cfc") == ["Oslo"]
    assert painted_text(view, "#feca74") == ["Bergen"]
    assert view.span_at(text.index("Troms")) == spans[2]


def test_the_document_decides_where_blocks_start(view: ArticleView, monkeypatch) -> None:
    """Should Qt ever break blocks elsewhere than expected, its own blocks are used."""
    monkeypatch.setattr(
        span_index,
        "block_starts",
        lambda text, offsets: span_index.BlockStarts([0], [0]),
    )
    text = "First line.\nSecond line has Oslo.\nThird has Bergen."
    spans = [at(text, "Oslo", "A"), at(text, "Bergen", "A")]
    view.show_document(text, spans, [Label("A", "#aa9cfc")])
    assert painted_text(view, "#aa9cfc") == ["Oslo", "Bergen"]


def test_the_chip_gap_opens_on_the_last_whole_character(view: ArticleView) -> None:
    view.show_document(TRICKY, tricky_spans(), tricky_labels())
    spaced = {}
    for block in blocks(view):
        for r in block.layout().formats():
            if r.format.fontLetterSpacing() > 0:
                spaced[utf16_slice(block.text(), r.start, r.start + r.length)] = r
    # ASCII ends, a whole ZWJ family, a letter with its combining mark; the right-to-left
    # span opens its gap on its first letter, which is at its right edge.
    assert set(spaced) == {"d", "s", "👩‍👩‍👧", "z", "e\u0301", "ש", "v", "."}
    assert all(r.format.fontLetterSpacing() > 12 for r in spaced.values())  # room for a label


def test_suggestion_and_accepted_span_look_different(view: ArticleView) -> None:
    text = "Anna met Bert and Carl."
    anna = at(text, "Anna", "PER", S.ACCEPTED)
    bert = at(text, "Bert", "PER", S.SUGGESTED)
    view.show_document(text, [anna, bert], [Label("PER", "#aa9cfc")])

    accepted, suggested = format_at(view, text, anna.start), format_at(view, text, bert.start)
    assert accepted.background().color().alpha() == 255
    assert suggested.background().color().alpha() < 128
    assert suggested.underlineStyle() == suggested.UnderlineStyle.DashUnderline
    assert accepted.underlineStyle() == accepted.UnderlineStyle.NoUnderline

    image = grab(view)
    anna_colors = colors_in(image, *span_box(view, text, anna))
    bert_colors = colors_in(image, *span_box(view, text, bert))
    assert anna_colors.most_common(1)[0][0] == "#aa9cfc"  # the full label colour
    bert_background = QColor(bert_colors.most_common(1)[0][0])
    assert "#aa9cfc" not in bert_colors
    assert bert_background.name() != "#ffffff"  # tinted, but lighter than the label
    assert bert_background.lightness() > QColor("#aa9cfc").lightness()


def test_text_on_a_full_colour_stays_readable(view: ArticleView) -> None:
    text = "Dark and light."
    dark, light = at(text, "Dark", "NAVY"), at(text, "light", "SUN")
    view.show_document(text, [dark, light], [Label("NAVY", "#1a237e"), Label("SUN", "#ffeb80")])
    assert format_at(view, text, dark.start).foreground().color().name() == "#ffffff"
    assert format_at(view, text, light.start).foreground().color().name() == "#000000"


def test_rejected_suggestions_are_hidden_until_shown(view: ArticleView) -> None:
    text = "Paris Hilton visited Paris."
    rejected = at(text, "Paris", "GPE", S.REJECTED)
    kept = at(text, "Paris", "GPE", S.ACCEPTED, nth=1)
    view.show_document(text, [rejected, kept], [Label("GPE", "#feca74")])
    assert format_at(view, text, rejected.start) is None
    assert view.visible_spans() == (kept,)
    assert view.span_at(rejected.start) is None

    view.set_show_rejected(True)
    shown = format_at(view, text, rejected.start)
    assert shown is not None and shown.fontStrikeOut()
    assert shown.foreground().color().name() == "#8c8c8c"  # grey, not the label colour
    assert view.visible_spans() == (rejected, kept)
    assert view.span_at(rejected.start) == rejected

    view.set_show_rejected(False)
    assert format_at(view, text, rejected.start) is None
    assert view.visible_spans() == (kept,)


def test_update_spans_rehighlights_only_the_changed_block(qtbot, monkeypatch) -> None:
    highlighted: list[int] = []
    original = SpanHighlighter.highlightBlock

    def counting(self: SpanHighlighter, text: str) -> None:
        highlighted.append(self.currentBlock().blockNumber())
        original(self, text)

    monkeypatch.setattr(SpanHighlighter, "highlightBlock", counting)
    view = ArticleView()
    qtbot.addWidget(view)
    text = "\n".join(f"Paragraph {n} names Anna Jonker and Acme Corp." for n in range(50))
    spans = tuple(
        span
        for n in range(50)
        for span in (at(text, "Anna Jonker", "PER", nth=n), at(text, "Acme Corp", "ORG", nth=n))
    )
    labels = [Label("PER", "#aa9cfc"), Label("ORG", "#7aecec"), Label("LOC", "#ff9561")]
    view.show_document(text, spans, labels)
    assert sorted(set(highlighted)) == list(range(50))

    highlighted.clear()
    relabelled = replace(spans[61], label="LOC")  # "Acme Corp" in paragraph 30
    view.update_spans((*spans[:61], relabelled, *spans[62:]))
    assert highlighted == [30]
    assert painted_text(view, "#ff9561") == ["Acme Corp"]
    assert format_at(view, text, relabelled.start).background().color().name() == "#ff9561"
    assert view.span_at(relabelled.start) == relabelled

    highlighted.clear()
    view.update_spans((*spans[:61], relabelled, *spans[62:]))  # nothing changed
    assert highlighted == []


class PaintAreas(QObject):
    """Records the rectangles of the paint events a widget receives."""

    def __init__(self, widget: QWidget) -> None:
        super().__init__()
        self.rects: list[QRect] = []
        widget.installEventFilter(self)

    def eventFilter(self, _watched: QObject, event: QEvent) -> bool:
        if isinstance(event, QPaintEvent):
            self.rects.append(event.rect())
        return False


def test_a_relabel_repaints_its_block_not_the_whole_view(qtbot) -> None:
    view = ArticleView()
    qtbot.addWidget(view)
    view.resize(600, 400)
    view.show()
    qtbot.waitExposed(view)
    text = "\n".join(f"Paragraph {n} names Anna Jonker and Acme Corp." for n in range(40))
    spans = tuple(at(text, "Acme Corp", "ORG", nth=n) for n in range(40))
    labels = [Label("ORG", "#7aecec"), Label("LOCATION", "#ff9561")]
    view.show_document(text, spans, labels)
    qtbot.wait(20)
    areas = PaintAreas(view.viewport())
    relabelled = replace(spans[3], label="LOCATION")
    view.update_spans((*spans[:3], relabelled, *spans[4:]))
    qtbot.waitUntil(lambda: bool(areas.rects), timeout=1000)
    qtbot.wait(20)
    block = view.document().findBlock(QtOffsets(text).to_qt(relabelled.start))
    expected = view.blockBoundingGeometry(block).translated(view.contentOffset()).toRect()
    assert all(rect.height() < view.viewport().height() / 4 for rect in areas.rects)
    assert any(rect.intersects(expected) for rect in areas.rects)
    assert format_at(view, text, relabelled.start).background().color().name() == "#ff9561"


def test_accepting_a_suggestion_fills_it_in(view: ArticleView) -> None:
    text = "Maersk opened in Rotterdam."
    suggestion = at(text, "Rotterdam", "GPE", S.SUGGESTED)
    view.show_document(text, [suggestion], [Label("GPE", "#feca74")])
    accepted = suggestion.with_state(S.ACCEPTED)
    view.update_spans([accepted])
    assert format_at(view, text, accepted.start).background().color().alpha() == 255
    view.update_spans([])
    assert format_at(view, text, accepted.start) is None


def test_new_label_colours_repaint_every_span(view: ArticleView) -> None:
    text = "Anna and Bert."
    spans = [at(text, "Anna", "PER"), at(text, "Bert", "PER", S.SUGGESTED)]
    view.show_document(text, spans, [Label("PER", "#aa9cfc")])
    view.set_labels([Label("PER", "#00aa00")])
    assert painted_text(view, "#00aa00") == ["Anna", "Bert"]
    assert painted_text(view, "#aa9cfc") == []


def test_overlapping_spans_later_one_wins(view: ArticleView) -> None:
    text = "The Bank of England raised rates."
    outer = at(text, "Bank of England", "ORG")
    inner = at(text, "England", "GPE")
    same_end = Span(outer.start, outer.end, "MISC")
    labels = [Label("ORG", "#7aecec"), Label("GPE", "#feca74"), Label("MISC", "#f0d0ff")]
    view.show_document(text, [inner, same_end, outer], labels)
    assert view.visible_spans() == (same_end, outer, inner)  # by start, end, label
    assert painted_text(view, "#feca74") == ["England"]
    assert painted_text(view, "#7aecec") == ["Bank of "]  # drawn over MISC, under GPE
    assert painted_text(view, "#f0d0ff") == []
    assert view.span_at(text.index("England")) == inner
    assert view.span_at(text.index("Bank")) == outer
    grab(view)  # chips of spans sharing their last character paint side by side


def test_current_span_is_outlined(view: ArticleView) -> None:
    text = "Anna met Bert."
    anna = at(text, "Anna", "PER", S.SUGGESTED)
    view.show_document(text, [anna], [Label("PER", "#aa9cfc")])
    left, top, right, bottom = span_box(view, text, anna)
    outline = view.palette().text().color().name()

    def outline_pixels() -> int:
        return colors_in(grab(view), left - 4, top - 4, right + 4, bottom + 4)[outline]

    before = outline_pixels()  # the text itself is drawn in that colour too
    view.set_current_span(anna)
    assert view.current_span() == anna
    assert outline_pixels() > before + 20
    view.set_current_span(None)
    assert outline_pixels() == before


def test_current_span_is_scrolled_into_view(view: ArticleView) -> None:
    text = "\n".join(f"Line {n} mentions Oslo." for n in range(400))
    last = at(text, "Oslo", "GPE", nth=399)
    view.show_document(text, [at(text, "Oslo", "GPE"), last], [Label("GPE", "#feca74")])
    view.set_current_span(last)
    cursor = QTextCursor(view.document())
    cursor.setPosition(last.start)
    rect = view.cursorRect(cursor)
    assert rect.top() >= 0 and rect.bottom() <= view.viewport().height()
    assert view.verticalScrollBar().value() > 0


def long_article() -> tuple[str, list[Span], list[Label]]:
    """500,000 characters with 10,000 spans, labels A-F in one colour and NEW in another."""
    rng = random.Random(7)
    words = re.findall(r"\S+", "the minister said Maersk Anna Jonker Zürich Café 😀 port")
    paragraphs, length = [], 0
    while length < 500_000:
        paragraph = " ".join(rng.choice(words) for _ in range(rng.randint(50, 150)))
        paragraphs.append(paragraph)
        length += len(paragraph) + 1
    text = "\n".join(paragraphs)[:500_000]
    starts = [m.span() for m in re.finditer(r"\S+", text)]
    states = (S.SUGGESTED, S.ACCEPTED, S.MANUAL)
    spans = [
        Span(start, end, rng.choice("ABCDEF"), rng.choice(states))
        for start, end in sorted(rng.sample(starts, 10_000))
    ]
    labels = [*(Label(name, "#aa9cfc") for name in "ABCDEF"), Label("NEW", "#00aa00")]
    return text, spans, labels


def test_a_long_article_is_highlighted_on_screen_at_once_and_the_rest_while_idle(
    qtbot, view: ArticleView
) -> None:
    """How long it takes is `bench/bench_open_long_document.py`'s and
    `bench/bench_relabel_latency.py`'s (timings never gate a test)."""
    text, spans, labels = long_article()
    view.show_document(text, spans, labels)
    view.viewport().repaint()
    assert len(view.visible_spans()) == 10_000
    first = spans[0]
    assert format_at(view, text, first.start).background().color().name() == "#aa9cfc"
    qtbot.waitUntil(view.formatting_done, timeout=5000)  # the rest, while idle
    middle = spans[5_000]
    assert format_at(view, text, middle.start).background().color().name() == "#aa9cfc"

    view.update_spans([*spans[:5_000], replace(middle, label="NEW"), *spans[5_001:]])
    view.viewport().repaint()
    assert format_at(view, text, middle.start).background().color().name() == "#00aa00"


def test_a_block_scrolled_to_early_is_formatted_before_it_is_painted(view: ArticleView) -> None:
    text, spans, labels = long_article()
    view.show_document(text, spans, labels)
    last = [span for span in spans if span.state is S.ACCEPTED][-1]
    assert format_at(view, text, last.start) is None  # off screen: not formatted yet
    view.set_current_span(last)  # scrolls to the end of the article
    image = grab(view)
    assert colors_in(image, *span_box(view, text, last)).most_common(1)[0][0] == "#aa9cfc"
    assert not view.formatting_done()  # the blocks in between still wait their turn


def test_a_relabel_before_its_block_is_formatted_shows_the_new_label(
    qtbot, view: ArticleView
) -> None:
    text, spans, labels = long_article()
    view.show_document(text, spans, labels)
    middle = spans[5_000]
    view.update_spans([*spans[:5_000], replace(middle, label="NEW"), *spans[5_001:]])
    qtbot.waitUntil(view.formatting_done, timeout=5000)
    assert format_at(view, text, middle.start).background().color().name() == "#00aa00"
    assert format_at(view, text, spans[5_001].start).background().color().name() == "#aa9cfc"


# -- mouse --------------------------------------------------------------------------------


def words_snapper(text: str, calls: list[tuple[int, int, bool]]):
    """Expand to whole words, or keep the selection as it is when exact."""

    def snap(start: int, end: int, exact: bool) -> tuple[int, int] | None:
        calls.append((start, end, exact))
        if exact:
            return start, end
        words = [m.span() for m in re.finditer(r"\S+", text)]
        touched = [(s, e) for s, e in words if s < end and start < e]
        return (touched[0][0], touched[-1][1]) if touched else None

    return snap


def drag(qtbot, view: ArticleView, start: int, end: int, modifier=Qt.KeyboardModifier.NoModifier):
    """Drag from the start of the character at `start` to the end of the one before `end`."""
    viewport = view.viewport()
    last_char = end - 1
    while unicodedata.combining(view.text()[last_char]):  # marks have no width of their own
        last_char -= 1
    first, last = point_at(view, start), point_at(view, last_char, edge="trailing")
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, modifier, first)
    qtbot.mouseMove(viewport, last)
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, modifier, last)


def test_a_drag_is_snapped_then_shown_and_reported_in_code_points(qtbot, view) -> None:
    view.show_document(TRICKY, tricky_spans(), tricky_labels())
    calls: list[tuple[int, int, bool]] = []
    view.set_snapper(words_snapper(TRICKY, calls))
    family = TRICKY.index("family")
    with qtbot.waitSignal(view.selection_made) as made:
        drag(qtbot, view, family + 2, TRICKY.index("met") + 1)
    assert calls == [(family + 2, TRICKY.index("met") + 1, False)]
    assert made.args == [family, TRICKY.index("met") + 3]
    assert view.selected_range() == (family, TRICKY.index("met") + 3)
    assert view.textCursor().selectedText() == "family 👩‍👩‍👧 met"


def test_an_alt_drag_is_exact(qtbot, view) -> None:
    view.show_document(TRICKY, tricky_spans(), tricky_labels())
    calls: list[tuple[int, int, bool]] = []
    view.set_snapper(words_snapper(TRICKY, calls))
    start, end = TRICKY.index("Brussels") + 1, TRICKY.index("Brussels") + 5
    with qtbot.waitSignal(view.selection_made) as made:
        drag(qtbot, view, start, end, Qt.KeyboardModifier.AltModifier)
    assert calls == [(start, end, True)]
    assert made.args == [start, end]
    assert TRICKY[slice(*view.selected_range())] == "russ"


@pytest.mark.parametrize(
    "first, last",
    [
        ("🇧🇪", "Brussels"),  # a flag: two astral characters
        ("👩‍👩‍👧", "Zoe\u0308"),  # a ZWJ family, then a combining mark
        ("Martí", "שלום"),  # over a CRLF line end
        ("Dana", "Aviv"),  # left-to-right text in a right-to-left paragraph
        ("Apple", "Inc."),  # after a CRLF earlier and an emoji inside
    ],
)
def test_a_drag_over_tricky_text_comes_back_as_code_points(qtbot, view, first, last) -> None:
    view.show_document(TRICKY, tricky_spans(), tricky_labels())
    start, end = TRICKY.index(first), TRICKY.index(last) + len(last)
    with qtbot.waitSignal(view.selection_made) as made:
        drag(qtbot, view, start, end)
    assert made.args == [start, end]
    assert TRICKY[start:end].startswith(first) and TRICKY[start:end].endswith(last)


def test_a_snapper_finding_nothing_clears_the_selection(qtbot, view) -> None:
    text = "Anna met Bert."
    view.show_document(text, [], [])
    view.set_snapper(lambda start, end, exact: None)
    with qtbot.assertNotEmitted(view.selection_made):
        drag(qtbot, view, 0, 3)
    assert view.selected_range() is None


def test_a_click_reports_the_span_under_it(qtbot, view) -> None:
    view.show_document(TRICKY, tricky_spans(), tricky_labels())
    brussels = tricky_spans()[1]
    viewport = view.viewport()
    with qtbot.waitSignal(view.span_clicked) as clicked:
        qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=point_at(view, brussels.end - 3))
    assert clicked.args == [brussels]
    with qtbot.waitSignal(view.span_clicked) as clicked:
        qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=point_at(view, 2))
    assert clicked.args == [None]
    with qtbot.waitSignal(view.span_clicked) as clicked:  # far right of a line: no text
        qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=QPoint(700, 5))
    assert clicked.args == [None]


def test_a_click_on_a_chip_reports_its_span(qtbot, view) -> None:
    text = "Anna met Bert."
    anna = at(text, "Anna", "PERSON")
    view.show_document(text, [anna], [Label("PERSON", "#aa9cfc")])
    cursor = QTextCursor(view.document())
    cursor.setPosition(anna.end)
    gap_right = view.cursorRect(cursor).left()
    with qtbot.waitSignal(view.span_clicked) as clicked:
        qtbot.mouseClick(
            view.viewport(),
            Qt.MouseButton.LeftButton,
            pos=QPoint(gap_right - 10, view.cursorRect(cursor).center().y()),
        )
    assert clicked.args == [anna]


def test_select_range_and_selected_range_speak_code_points(view: ArticleView) -> None:
    view.show_document(TRICKY, [], [])
    start, end = TRICKY.index("🇧🇪"), TRICKY.index("Brussels") + len("Brussels")
    view.select_range(start, end)
    assert view.selected_range() == (start, end)
    assert view.textCursor().selectedText() == "🇧🇪 Brussels"
    view.clear_selection()
    assert view.selected_range() is None


# -- keys ---------------------------------------------------------------------------------


@pytest.fixture
def window(qtbot, view: ArticleView) -> tuple[QMainWindow, QLineEdit]:
    main = QMainWindow()
    qtbot.addWidget(main)
    central = QWidget()
    layout = QVBoxLayout(central)
    layout.addWidget(view)
    other = QLineEdit()  # where Tab would move the focus
    layout.addWidget(other)
    main.setCentralWidget(central)
    view.show_document("Anna met Bert.", [], [])
    main.show()
    main.activateWindow()
    qtbot.waitActive(main)
    view.setFocus()
    return main, other


KEYS = [
    ("Tab", Qt.Key.Key_Tab, Qt.KeyboardModifier.NoModifier),
    ("Shift+Tab", Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier),
    ("Return", Qt.Key.Key_Return, Qt.KeyboardModifier.NoModifier),
    ("Delete", Qt.Key.Key_Delete, Qt.KeyboardModifier.NoModifier),
    ("Backspace", Qt.Key.Key_Backspace, Qt.KeyboardModifier.NoModifier),
    ("1", Qt.Key.Key_1, Qt.KeyboardModifier.NoModifier),
    ("Shift+1", Qt.Key.Key_1, Qt.KeyboardModifier.ShiftModifier),
    ("[", Qt.Key.Key_BracketLeft, Qt.KeyboardModifier.NoModifier),
    ("]", Qt.Key.Key_BracketRight, Qt.KeyboardModifier.NoModifier),
    ("Escape", Qt.Key.Key_Escape, Qt.KeyboardModifier.NoModifier),
]


@pytest.mark.parametrize("shortcut, key, modifier", KEYS, ids=[k[0] for k in KEYS])
def test_window_shortcuts_fire_while_the_view_has_focus(
    qtbot, view, window, shortcut, key, modifier
) -> None:
    main, _ = window
    action = QAction(shortcut, main)
    action.setShortcut(QKeySequence(shortcut))
    main.addAction(action)
    assert view.hasFocus()
    with qtbot.waitSignal(action.triggered, timeout=1000):
        qtbot.keyClick(view, key, modifier)
    assert view.hasFocus()


def test_tab_without_an_action_keeps_the_focus(qtbot, view, window) -> None:
    _, other = window
    qtbot.keyClick(view, Qt.Key.Key_Tab)
    qtbot.keyClick(view, Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    assert view.hasFocus() and not other.hasFocus()


def test_the_keyboard_still_selects(qtbot, view, window) -> None:
    for _ in range(4):
        qtbot.keyClick(view, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    assert view.selected_range() == (0, 4)


def test_the_view_never_claims_a_window_key(view: ArticleView) -> None:
    for key, modifier, text, claimed in [
        (Qt.Key.Key_Return, Qt.KeyboardModifier.NoModifier, "\r", False),
        (Qt.Key.Key_Percent, Qt.KeyboardModifier.ShiftModifier, "%", False),  # Shift+5
        (Qt.Key.Key_BraceRight, Qt.KeyboardModifier.ShiftModifier, "}", False),
        (Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier, "\x03", True),  # copy stays here
        (Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier, "", True),  # so does selecting
    ]:
        event = QKeyEvent(QEvent.Type.ShortcutOverride, key, modifier, text)
        assert is_window_key(event) is not claimed
        if not claimed:
            event.accept()
            view.event(event)
            assert not event.isAccepted()


def test_a_bigger_font_opens_bigger_gaps(view: ArticleView) -> None:
    text = "Anna met Bert."
    view.show_document(text, [at(text, "Anna", "PERSON")], [Label("PERSON", "#aa9cfc")])
    before = format_at(view, text, 3).fontLetterSpacing()
    font = view.font()
    font.setPointSizeF(font.pointSizeF() * 2)
    view.setFont(font)
    assert format_at(view, text, 3).fontLetterSpacing() > before * 1.5


def test_the_index_keeps_drawing_order_whatever_order_spans_come_in() -> None:
    text = "\n".join(f"Anna Jonker met Acme Corp in Zürich, line {n}." for n in range(30))
    spans = [
        span
        for n in range(30)
        for span in (
            at(text, "Anna Jonker", "PER", nth=n),
            at(text, "Anna", "GIVEN", nth=n),
            at(text, "Acme Corp in Zürich", "ORG", nth=n),
        )
    ]
    spans.append(Span(text.index("line 3"), text.index("Acme", text.index("line 4")), "LONG"))
    ordered = span_index.BlockSpanIndex(text)
    ordered.extend(sorted(spans, key=lambda span: span.key))
    shuffled = span_index.BlockSpanIndex(text)
    random.Random(3).shuffle(spans)
    shuffled.extend(spans[:40])
    shuffled.extend(spans[40:])
    for start in ordered.starts:
        listed = [placed.span.key for placed in shuffled.in_block(start)]
        assert listed == sorted(listed)
        assert listed == [placed.span.key for placed in ordered.in_block(start)]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab \r\n\u2029\u2028\ufdd0\ufdd1\ufeffé😀\u0301", max_size=40))
def test_block_starts_are_where_qt_begins_its_blocks(text: str) -> None:
    document = QTextDocument()
    document.setPlainText(text)
    expected, block = [], document.firstBlock()
    while block.isValid():
        expected.append(block.position())
        block = block.next()
    offsets = QtOffsets(text)
    starts = span_index.block_starts(text, offsets)
    assert starts.qt == expected
    for qt_start, code_start in zip(starts.qt, starts.code, strict=True):
        assert offsets.to_qt(code_start) == qt_start  # the first code point in the block
        assert code_start == 0 or offsets.to_qt(code_start - 1) < qt_start


def test_formatting_off_screen_neither_moves_the_text_nor_hides_the_end(
    qtbot, view: ArticleView
) -> None:
    text, spans, labels = long_article()
    view.show_document(text, spans, labels)
    bar = view.verticalScrollBar()
    bar.setValue(bar.maximum() // 2)  # the annotator scrolls before formatting is over
    top = view.firstVisibleBlock().blockNumber()
    qtbot.waitUntil(view.formatting_done, timeout=5000)
    assert view.firstVisibleBlock().blockNumber() == top
    bar.setValue(bar.maximum())  # the scroll bar's end is the article's end
    last = view.document().lastBlock()
    geometry = view.blockBoundingGeometry(last).translated(view.contentOffset())
    assert geometry.bottom() <= view.viewport().height() + 1
