"""The correction loop from the keyboard, in the real window: making spans with the keys,
going where the work is, and never changing a span the annotator cannot see."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QSettings, Qt
from PySide6.QtGui import QContextMenuEvent, QTextCursor
from PySide6.QtWidgets import QApplication, QMenu
from pytestqt.qtbot import QtBot

from annotator.core.hashing import input_hash
from annotator.core.hints import ALPHABET
from annotator.core.model import Document, Label, Span, SpanState
from annotator.core.text import QtOffsets
from annotator.store import Store
from annotator.ui.shell import wiring
from annotator.ui.shell.launch import Parts
from annotator.ui.spans.context_menu import span_menu

pytestmark = pytest.mark.gui

ARTICLE = (
    "Zebak is a town in Badakhshan. Officials in Zebak said the road to Ishkashim was open. "
    "Farmers from Zebak sell apples in Faizabad on Monday. The governor of Badakhshan, "
    "Ahmad Karimi, visited Zebak and Ishkashim.\n\n"
    + "Filler line about the weather.\n" * 80
    + "The last word belongs to Karimi."
)
PATTERNS = [
    {"label": "GPE", "pattern": "Zebak"},
    {"label": "PERSON", "pattern": "Badakhshan"},  # wrong: a province
    {"label": "GPE", "pattern": "Faizabad"},
    {"label": "DATE", "pattern": "Monday"},
]
LABELS = (
    Label("PERSON", "#aa9cfc", "1"),
    Label("ORG", "#7aecec", "2"),
    Label("GPE", "#feca74", "3"),
    Label("DATE", "#bfe1d9", "4"),
)


@pytest.fixture(scope="module")
def rules_model(make_rules_model: Callable[[list[dict[str, str]]], Path]) -> Path:
    return make_rules_model(PATTERNS)


@pytest.fixture
def parts(
    store: Store,
    rules_model: Path,
    settings: QSettings,
    open_window: Callable[..., Parts],
    qtbot: QtBot,
) -> Parts:
    dataset = store.create_dataset("news", labels=LABELS, model=str(rules_model))
    document = Document(0, dataset.id, ARTICLE, input_hash=input_hash(ARTICLE))
    store.add_documents(dataset.id, [(document, None)])
    built = open_window(store, settings)
    built.window.resize(1100, 700)

    def ready() -> None:
        current = built.session.document
        assert current is not None and built.session.tokens is not None
        assert any(s.state is SpanState.SUGGESTED for s in current.spans)

    qtbot.waitUntil(ready, timeout=20_000)
    built.window.article.setFocus()
    return built


def press(parts: Parts, qtbot: QtBot, *keys: Qt.Key | str, shift: bool = False) -> None:
    modifier = Qt.KeyboardModifier.ShiftModifier if shift else Qt.KeyboardModifier.NoModifier
    for key in keys:
        qtbot.keyClick(parts.window.article, key, modifier)


def put_caret(parts: Parts, offset: int) -> None:
    view = parts.window.article
    cursor = QTextCursor(view.document())
    cursor.setPosition(QtOffsets(ARTICLE).to_qt(offset))
    view.setTextCursor(cursor)


def spans(parts: Parts) -> list[Span]:
    document = parts.session.document
    assert document is not None
    return list(document.spans)


def covered(span: Span | None) -> str:
    assert span is not None
    return ARTICLE[span.start : span.end]


def test_shift_arrows_select_and_a_label_key_draws_the_span(parts: Parts, qtbot: QtBot) -> None:
    start = ARTICLE.index("Ishkashim")
    put_caret(parts, start)
    for _ in range(len("Ishkash")):  # most of the word: it snaps to the whole word
        press(parts, qtbot, Qt.Key.Key_Right, shift=True)
    assert parts.state.selection == (start, start + len("Ishkashim"))
    press(parts, qtbot, Qt.Key.Key_3)
    drawn = [s for s in spans(parts) if s.start == start]
    assert [(covered(s), s.label, s.state) for s in drawn] == [
        ("Ishkashim", "GPE", SpanState.MANUAL)
    ]
    assert parts.window.article.selected_range() is None  # no selection seems pending


def test_the_grow_key_selects_word_by_word_from_the_caret(parts: Parts, qtbot: QtBot) -> None:
    start = ARTICLE.index("Ahmad")
    put_caret(parts, start + 2)
    press(parts, qtbot, "e")
    assert parts.state.selection == (start, start + len("Ahmad"))
    assert parts.window.article.selected_range() == parts.state.selection  # shown too
    press(parts, qtbot, "e")
    assert parts.state.selection == (start, start + len("Ahmad Karimi"))
    press(parts, qtbot, Qt.Key.Key_1)
    assert any(covered(s) == "Ahmad Karimi" and s.label == "PERSON" for s in spans(parts))


def test_tab_starts_from_the_caret_and_n_skips_decided_spans(parts: Parts, qtbot: QtBot) -> None:
    put_caret(parts, ARTICLE.index("Farmers"))
    press(parts, qtbot, Qt.Key.Key_Tab)
    current = parts.state.current_span
    assert covered(current) == "Zebak" and current is not None
    assert current.start == ARTICLE.index("Zebak sell")
    press(parts, qtbot, Qt.Key.Key_Return)  # accept: on to the next suggestion
    put_caret(parts, 0)
    parts.editing.clear()
    press(parts, qtbot, "n")
    assert parts.state.current_span is not None
    first = parts.state.current_span
    assert first.state is SpanState.SUGGESTED
    # The caret follows the current span.
    assert parts.window.article.caret_offset() == first.start


def test_the_jump_key_reaches_a_span_by_its_tag(parts: Parts, qtbot: QtBot) -> None:
    view = parts.window.article
    press(parts, qtbot, "f")
    assert view.jumping()
    on_screen = view.spans_on_screen()
    assert len(on_screen) >= 5
    target = on_screen[4]
    tag = next(t for t, span in view.jump_tags().items() if span == target)
    press(parts, qtbot, *tag)
    assert not view.jumping()
    assert parts.state.current_span == target
    press(parts, qtbot, "f")
    press(parts, qtbot, Qt.Key.Key_Escape)  # leaves the mode, changes nothing
    assert not view.jumping() and parts.state.current_span == target


def test_a_label_key_never_changes_a_span_out_of_sight(parts: Parts, qtbot: QtBot) -> None:
    view = parts.window.article
    first = next(s for s in spans(parts) if covered(s) == "Zebak")
    parts.editing.choose(first)
    view.verticalScrollBar().setValue(view.verticalScrollBar().maximum())  # read on
    qtbot.wait(10)
    assert not view.is_on_screen(first)
    before = spans(parts)
    press(parts, qtbot, Qt.Key.Key_4)
    assert spans(parts) == before
    assert "off screen" in parts.window.statusBar().currentMessage()


def test_the_status_bar_says_how_many_mentions_a_key_changed(parts: Parts, qtbot: QtBot) -> None:
    zebak = next(s for s in spans(parts) if covered(s) == "Zebak")
    parts.editing.choose(zebak)
    press(parts, qtbot, Qt.Key.Key_4)  # a wrong key: every Zebak becomes DATE
    message = parts.window.statusBar().currentMessage()
    assert message == "“Zebak” → DATE, and 3 more mentions: Ctrl+Z undoes all"
    assert sum(covered(s) == "Zebak" and s.label == "DATE" for s in spans(parts)) == 4
    parts.window.undo_action.trigger()
    assert not any(s.label == "DATE" and covered(s) == "Zebak" for s in spans(parts))


def test_a_drag_that_selects_nothing_leaves_no_span_current(parts: Parts, qtbot: QtBot) -> None:
    """A drag that missed, then a label key: nothing changes (the key used to relabel the
    span current before the drag, and every mention of it)."""
    view = parts.window.article
    zebak = next(s for s in spans(parts) if covered(s) == "Zebak")
    parts.editing.choose(zebak)
    cursor = QTextCursor(view.document())
    cursor.setPosition(QtOffsets(ARTICLE).to_qt(ARTICLE.index("\n\n") + 1))  # an empty line
    y = view.cursorRect(cursor).center().y()
    viewport = view.viewport()
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=QPoint(5, y))
    qtbot.mouseMove(viewport, QPoint(200, y))
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=QPoint(200, y))
    assert view.selected_range() is None
    assert parts.state.current_span is None
    before = spans(parts)
    press(parts, qtbot, Qt.Key.Key_4)
    assert spans(parts) == before


def test_jump_tags_read_in_text_order(parts: Parts, qtbot: QtBot) -> None:
    view = parts.window.article
    press(parts, qtbot, "f")
    tagged = sorted(view.jump_tags().items(), key=lambda item: [ALPHABET.index(c) for c in item[0]])
    assert [span.start for _, span in tagged] == sorted(span.start for _, span in tagged)


def test_the_keys_reach_the_dataset_box_and_come_back_to_the_article(
    parts: Parts, qtbot: QtBot
) -> None:
    window = parts.window
    window.action("doc.find").trigger()
    assert window.documents.search.hasFocus()
    window.action("doc.article").trigger()
    assert window.article.hasFocus()
    window.action("doc.dataset").trigger()
    assert window.dataset_box.view().isVisible()  # its list open for the arrow keys
    window.dataset_box.hidePopup()


def test_page_down_turns_the_page_shown_and_the_caret_follows(parts: Parts, qtbot: QtBot) -> None:
    view = parts.window.article
    bar = view.verticalScrollBar()
    put_caret(parts, 0)  # the caret at the top, the view scrolled on by the mouse wheel
    bar.setValue(bar.maximum() // 2)
    before = bar.value()
    press(parts, qtbot, Qt.Key.Key_PageDown)
    assert bar.value() == min(before + bar.pageStep(), bar.maximum())
    assert view.caret_offset() > ARTICLE.index("Filler")  # on the page shown, not at 0
    after, step = bar.value(), bar.pageStep()
    press(parts, qtbot, Qt.Key.Key_PageUp)
    assert bar.value() == max(after - step, 0), (before, after, step, bar.maximum())


def test_the_menu_key_opens_the_current_spans_menu(
    parts: Parts, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[list[str]] = []

    class Shown:  # the menu the window built, recorded instead of opened
        def __init__(self, menu: QMenu) -> None:
            shown.append([action.text() for action in menu.actions()])
            self.menu = menu

        def exec(self, *_args: object) -> None:
            pass

        def deleteLater(self) -> None:
            self.menu.deleteLater()

    def recorded(*args: object) -> Shown | None:
        menu = span_menu(*args)  # type: ignore[arg-type]
        return None if menu is None else Shown(menu)

    monkeypatch.setattr(wiring, "span_menu", recorded)
    view = parts.window.article
    zebak = next(s for s in spans(parts) if covered(s) == "Zebak" and s.start > 0)
    parts.editing.choose(zebak)
    # What Qt sends for the Menu key (or Shift+F10): a keyboard context-menu event at the
    # caret's input-method rectangle, in the widget's coordinates.
    at = view.inputMethodQuery(Qt.InputMethodQuery.ImCursorRectangle).toRect().center()
    event = QContextMenuEvent(QContextMenuEvent.Reason.Keyboard, at, view.mapToGlobal(at))
    QApplication.sendEvent(view, event)
    assert shown and "&Accept" in shown[0]  # the span's own actions, for the current span
    assert parts.state.current_span == zebak
