"""The label bar: a button per label that picks it, never steals focus, and wraps when narrow."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLineEdit, QVBoxLayout, QWidget

from annotator.core.labels import HOTKEYS
from annotator.core.model import Label
from annotator.ui.colors import qcolor, swatch_icon, swatch_pixmap, text_color_on
from annotator.ui.labels.bar import LabelBar

pytestmark = pytest.mark.gui

LABELS = (
    Label("PERSON", "#aa9cfc", "1", "People, including fictional"),
    Label("ORG", "#7aecec", "2", "Companies, agencies, institutions"),
    Label("GPE", "#feca74", "Shift+1"),
    Label("MISC", "#202060", None),
)


@pytest.fixture
def bar(qtbot) -> LabelBar:
    widget = LabelBar()
    qtbot.addWidget(widget)
    widget.set_labels(LABELS)
    widget.resize(800, widget.heightForWidth(800))
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def texts(bar: LabelBar) -> list[str]:
    return [button.text() for button in bar.buttons()]


def test_each_label_shows_its_name_and_hotkey(bar) -> None:
    assert texts(bar) == ["PERSON 1", "ORG 2", "GPE Shift+1", "MISC"]


def test_the_description_is_the_tooltip(bar) -> None:
    tooltip = bar.button("PERSON").toolTip()
    assert "People, including fictional" in tooltip
    assert "1" in tooltip
    assert bar.button("MISC").toolTip().startswith("MISC")


def test_buttons_have_the_label_colour_and_readable_text(bar) -> None:
    light = bar.button("ORG").grab().toImage()
    dark = bar.button("MISC").grab().toImage()
    assert light.pixelColor(4, light.height() // 2).name() == "#7aecec"
    assert dark.pixelColor(4, dark.height() // 2).name() == "#202060"
    assert "color: #000000" in bar.button("PERSON").styleSheet()
    assert "color: #ffffff" in bar.button("MISC").styleSheet()


def test_clicking_a_button_chooses_its_label(qtbot, bar) -> None:
    with qtbot.waitSignal(bar.label_chosen, timeout=1000) as blocker:
        qtbot.mouseClick(bar.button("ORG"), Qt.MouseButton.LeftButton)
    assert blocker.args == ["ORG"]


def test_buttons_never_take_the_focus_from_the_article(qtbot) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    article = QLineEdit()
    bar = LabelBar()
    layout = QVBoxLayout(window)
    layout.addWidget(bar)
    layout.addWidget(article)
    bar.set_labels(LABELS)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    article.setFocus()
    qtbot.waitUntil(article.hasFocus, timeout=1000)

    chosen: list[str] = []
    bar.label_chosen.connect(chosen.append)
    for button in bar.buttons():
        assert button.focusPolicy() == Qt.FocusPolicy.NoFocus
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert chosen == ["PERSON", "ORG", "GPE", "MISC"]
    assert article.hasFocus()


def test_set_labels_replaces_the_buttons(qtbot, bar) -> None:
    bar.set_labels([Label("PER", "#aa9cfc", "1"), Label("LOC", "#ff9561", "2")])
    assert texts(bar) == ["PER 1", "LOC 2"]
    assert bar.button("PERSON") is None
    with qtbot.waitSignal(bar.label_chosen, timeout=1000) as blocker:
        qtbot.mouseClick(bar.button("LOC"), Qt.MouseButton.LeftButton)
    assert blocker.args == ["LOC"]
    qtbot.wait(1)  # let the old buttons be deleted
    shown = [button.text() for button in bar.findChildren(type(bar.button("LOC")))]
    assert shown == ["PER 1", "LOC 2"]


def test_with_no_labels_the_bar_says_so(qtbot, bar) -> None:
    bar.set_labels([])
    assert bar.buttons() == []
    assert bar.layout().itemAt(0).widget().isVisibleTo(bar)


def test_the_active_label_is_marked(bar) -> None:
    bar.set_active("ORG")
    assert [button.active for button in bar.buttons()] == [False, True, False, False]
    assert bar.active() == "ORG"
    bar.set_active("GPE")
    assert [button.active for button in bar.buttons()] == [False, False, True, False]
    # The mark does not change a button's size, so the row never jumps.
    width = bar.button("GPE").sizeHint().width()
    bar.set_active(None)
    assert bar.button("GPE").sizeHint().width() == width
    assert not any(button.active for button in bar.buttons())
    assert bar.active() is None


def test_the_active_label_survives_new_labels_that_keep_it(bar) -> None:
    bar.set_active("ORG")
    bar.set_labels([*LABELS, Label("LAW", "#ff8197", "3")])
    assert bar.button("ORG").active
    bar.set_labels([Label("PER", "#aa9cfc", "1")])
    assert bar.active() is None


def test_the_row_wraps_when_narrow(qtbot) -> None:
    labels = [Label(f"LABEL_{n}", "#bfe1d9", key) for n, key in enumerate(HOTKEYS)]
    bar = LabelBar()
    qtbot.addWidget(bar)
    bar.set_labels(labels)
    assert bar.heightForWidth(300) > bar.heightForWidth(3000)
    bar.resize(300, bar.heightForWidth(300))
    bar.show()
    qtbot.waitExposed(bar)
    tops = {button.geometry().top() for button in bar.buttons()}
    assert len(tops) > 2
    assert all(button.geometry().right() < 300 for button in bar.buttons())


def test_colour_helpers() -> None:
    assert qcolor("#ff9561") == QColor("#ff9561")
    assert qcolor("not a colour").name() == "#dddddd"
    assert qcolor(LABELS[0]).name() == "#aa9cfc"
    assert text_color_on("#ffeb80").name() == "#000000"
    assert text_color_on("#202060").name() == "#ffffff"
    assert swatch_pixmap("#7aecec") is swatch_pixmap(QColor("#7aecec"))
    assert swatch_icon("#7aecec") is swatch_icon(LABELS[1])
    assert swatch_pixmap("#7aecec").toImage().pixelColor(6, 6).name() == "#7aecec"
