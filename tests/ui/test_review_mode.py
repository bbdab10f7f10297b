"""Review mode in the real window: two annotators' done versions settled from the keyboard."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from annotator.core.edits import AddSpan, Batch, SetStatus
from annotator.core.hashing import input_hash
from annotator.core.model import Document, Label, Span, SpanState, Status
from annotator.store import Store
from annotator.ui.controllers.nlp_worker import NlpWorker
from annotator.ui.shell.launch import Parts

pytestmark = pytest.mark.gui

TEXT = "Ada Lovelace met Charles Babbage in London on Monday."
LABELS = (Label("PERSON", hotkey="1"), Label("GPE", hotkey="2"), Label("DATE", hotkey="3"))
ADA = Span(0, 12, "PERSON", SpanState.MANUAL)
LOVELACE = Span(4, 12, "PERSON", SpanState.MANUAL)
CHARLES = Span(17, 32, "PERSON", SpanState.MANUAL)
LONDON = Span(36, 42, "GPE", SpanState.MANUAL)
MONDAY = Span(46, 52, "DATE", SpanState.MANUAL)
VERSIONS = {"ada": (ADA, CHARLES, LONDON), "grace": (LOVELACE, CHARLES, MONDAY)}


@pytest.fixture(autouse=True)
def no_model(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(NlpWorker, "analyse", lambda self, dataset, document: None)


@pytest.fixture
def team(store: Store) -> int:
    """One article that ada and grace each annotated through the store and marked done."""
    dataset = store.create_dataset("news", labels=LABELS)
    store.add_documents(
        dataset.id, [(Document(0, dataset.id, TEXT, input_hash=input_hash(TEXT)), None)]
    )
    (document_id,) = store.document_ids(dataset.id)
    for name, spans in VERSIONS.items():
        store.annotator = name
        document = store.get_document(document_id)
        edits = (*(AddSpan(s) for s in spans), SetStatus(Status.NEW, Status.DONE))
        store.apply(document, Batch(edits, "annotate"))
    return document_id


def press(parts: Parts, qtbot: QtBot, key: Qt.Key, modifier=Qt.KeyboardModifier.NoModifier):
    qtbot.keyClick(parts.window.article, key, modifier)


def activate(parts: Parts, qtbot: QtBot) -> None:
    """The window's keys answer in the active window."""
    parts.window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is parts.window)


def shown(parts: Parts) -> list[tuple[int, int, str]]:
    document = parts.session.document
    assert document is not None
    return [s.key for s in document.spans]


def test_review_settles_every_disagreement_from_the_keyboard(
    store: Store,
    team: int,
    settings: QSettings,
    qtbot: QtBot,
    open_window: Callable[..., Parts],
) -> None:
    parts = open_window(store, settings, annotator="ada")  # ada reviews, and annotated too
    window = parts.window
    parts.workflow.open_document(team)  # done, so not opened at start: chosen in the list
    activate(parts, qtbot)
    assert shown(parts) == [ADA.key, CHARLES.key, LONDON.key]  # her own version
    press(parts, qtbot, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    assert window.annotator_label.text() == "Reviewing as ada"
    assert window.documents.version_filter.currentText() == "Needs review"
    assert window.documents.model.rowCount() == 1
    assert window.review.isVisible()
    assert shown(parts) == [CHARLES.key]  # what both agree on, accepted
    assert parts.session.document is not None and parts.session.document.reviewed
    assert "agree on 1 span and differ in 3 places" in window.review.plain_text()

    press(parts, qtbot, Qt.Key.Key_N)  # the first disagreement: who chose what
    assert window.review.plain_text() == (
        "Disagreement 1 of 3: 1 ada: PERSON 'Ada Lovelace' · 2 grace: PERSON 'Lovelace'"
        " · 0 reject all"
    )
    press(parts, qtbot, Qt.Key.Key_2)
    assert shown(parts) == [LOVELACE.key, CHARLES.key]
    assert "2 grace: PERSON 'Lovelace' (in the review)" in window.review.plain_text()
    press(parts, qtbot, Qt.Key.Key_1)  # changed her mind: ada's replaces grace's
    assert shown(parts) == [ADA.key, CHARLES.key]

    press(parts, qtbot, Qt.Key.Key_N)
    assert "1 ada: GPE 'London' · 2 grace: missing" in window.review.plain_text()
    press(parts, qtbot, Qt.Key.Key_1)
    press(parts, qtbot, Qt.Key.Key_N)
    assert "1 ada: missing (in the review) · 2 grace: DATE 'Monday'" in window.review.plain_text()
    press(parts, qtbot, Qt.Key.Key_2)
    assert MONDAY.key in shown(parts)
    press(parts, qtbot, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # undo
    assert shown(parts) == [ADA.key, CHARLES.key, LONDON.key]
    press(parts, qtbot, Qt.Key.Key_N)  # wraps to the first; Shift+N comes back
    assert window.review.plain_text().startswith("Disagreement 1 of 3")
    press(parts, qtbot, Qt.Key.Key_N, Qt.KeyboardModifier.ShiftModifier)
    assert window.review.plain_text().startswith("Disagreement 3 of 3")
    press(parts, qtbot, Qt.Key.Key_2)
    press(parts, qtbot, Qt.Key.Key_0)  # nobody's span there after all
    assert shown(parts) == [ADA.key, CHARLES.key, LONDON.key]
    press(parts, qtbot, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)  # reviewed

    reviewed = [v for v in store.versions_of(team) if v.reviewed]
    assert [(v.annotator, v.status) for v in reviewed] == [("ada", Status.DONE)]
    assert [(s.start, s.end, s.label, s.state) for s in reviewed[0].spans] == [
        (0, 12, "PERSON", SpanState.ACCEPTED),
        (17, 32, "PERSON", SpanState.ACCEPTED),
        (36, 42, "GPE", SpanState.ACCEPTED),
    ]
    assert [reviewed[0].covered_text(s) for s in reviewed[0].spans] == [
        "Ada Lovelace",
        "Charles Babbage",
        "London",
    ]

    press(parts, qtbot, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)  # leave
    assert window.annotator_label.text() == "Annotator: ada"
    assert window.documents.version_filter.currentText() == "All versions"
    assert not window.review.isVisible()
    document = parts.session.document
    assert document is not None and not document.reviewed
    assert (document.spans, document.status) == (VERSIONS["ada"], Status.DONE)
    ada = next(v for v in store.versions_of(team) if v.annotator == "ada" and not v.reviewed)
    assert ada.spans == VERSIONS["ada"]


def test_an_article_fewer_than_two_marked_done_has_nothing_to_compare(
    store: Store, settings: QSettings, qtbot: QtBot, open_window: Callable[..., Parts]
) -> None:
    dataset = store.create_dataset("news", labels=LABELS)
    store.add_documents(
        dataset.id, [(Document(0, dataset.id, TEXT, input_hash=input_hash(TEXT)), None)]
    )
    parts = open_window(store, settings, annotator="lead")
    activate(parts, qtbot)
    press(parts, qtbot, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    assert "nothing to compare" in parts.window.review.plain_text()
    press(parts, qtbot, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert "no review to mark done" in parts.window.statusBar().currentMessage()
    assert [v for v in store.versions_of(store.document_ids(dataset.id)[0]) if v.reviewed] == []
