"""Who is annotating, in the window: asked at the first start, shown, changed, recorded."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QDialogButtonBox, QLabel, QPushButton
from pytestqt.qtbot import QtBot

from annotator import identity
from annotator.core.edits import AddSpan
from annotator.core.hashing import input_hash
from annotator.core.model import Document, Label, Span, Status
from annotator.store import Store
from annotator.ui.controllers.nlp_worker import NlpWorker
from annotator.ui.dialogs.annotator_name import AnnotatorNameDialog
from annotator.ui.shell.launch import Parts

pytestmark = [pytest.mark.gui, pytest.mark.usefixtures("no_annotator_in_environment")]

TEXT = "Ada Lovelace wrote in London."


@pytest.fixture(autouse=True)
def _no_model(monkeypatch: pytest.MonkeyPatch) -> None:
    """spaCy stays out: these tests are about the name."""
    monkeypatch.setattr(NlpWorker, "load_model", lambda self, dataset: None)
    monkeypatch.setattr(NlpWorker, "analyse", lambda self, dataset, document: None)


@pytest.fixture
def opened(
    store: Store, settings: QSettings, open_window: Callable[..., Parts]
) -> Callable[..., Parts]:
    dataset = store.create_dataset("news", labels=(Label("PERSON"),))
    store.add_documents(
        dataset.id, [(Document(0, dataset.id, TEXT, input_hash=input_hash(TEXT)), None)]
    )

    def open_(**options: object) -> Parts:
        return open_window(store, settings, **options)

    return open_


def status_name(parts: Parts) -> str:
    return parts.window.annotator_label.text()


def dialog_of(parts: Parts) -> AnnotatorNameDialog | None:
    found = parts.window.findChildren(AnnotatorNameDialog)
    return next((d for d in found if d.isVisible()), None)


def button(dialog: AnnotatorNameDialog, which: QDialogButtonBox.StandardButton) -> QPushButton:
    return dialog.buttons.button(which)


OK = QDialogButtonBox.StandardButton.Ok
CANCEL = QDialogButtonBox.StandardButton.Cancel


def test_a_known_name_is_shown_and_nothing_is_asked(
    opened: Callable[..., Parts], qtbot: QtBot
) -> None:
    parts = opened(annotator="tester")
    qtbot.wait(50)  # past the turn of the event loop where a first start would ask
    assert status_name(parts) == "Annotator: tester"
    assert dialog_of(parts) is None


def test_the_first_start_asks_who_is_annotating_and_the_answer_is_saved_and_recorded(
    opened: Callable[..., Parts], store: Store, qtbot: QtBot
) -> None:
    parts = opened(annotator="Ada Lovelace", ask_annotator=True)
    assert parts.state.document is not None
    document_id = parts.state.document.id
    qtbot.waitUntil(lambda: dialog_of(parts) is not None)
    dialog = dialog_of(parts)
    assert dialog is not None
    assert "Who is annotating?" in [label.text() for label in dialog.findChildren(QLabel)]
    assert dialog.field.text() == "Ada Lovelace"  # the system's name, to confirm or change
    dialog.field.setText("Grace Hopper")
    qtbot.mouseClick(button(dialog, OK), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog_of(parts) is None)
    assert status_name(parts) == "Annotator: Grace Hopper"
    assert identity.resolve() == identity.Annotator("Grace Hopper", "saved")
    parts.window.action("doc.done").trigger()
    stored = store.get_document(document_id)
    assert (stored.status, stored.annotator) == (Status.DONE, "Grace Hopper")


def test_the_menu_changes_the_name_and_a_bad_one_cannot_be_taken(
    opened: Callable[..., Parts], store: Store, qtbot: QtBot
) -> None:
    parts = opened(annotator="tester")
    action = parts.window.action("file.annotator_name")
    file_menu = next(a.menu() for a in parts.window.menuBar().actions() if a.text() == "&File")
    assert action in file_menu.actions()
    action.trigger()
    dialog = dialog_of(parts)
    assert dialog is not None and dialog.field.text() == "tester"
    dialog.field.setText("Ada\u202eLovelace")
    assert not button(dialog, OK).isEnabled()
    assert "U+202E" in dialog.problem.text()
    qtbot.mouseClick(button(dialog, CANCEL), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog_of(parts) is None)
    assert status_name(parts) == "Annotator: tester"
    assert identity.saved_name() is None  # nothing chosen, nothing saved

    action.trigger()
    dialog = dialog_of(parts)
    assert dialog is not None
    dialog.field.setText("Ada Lovelace")
    assert button(dialog, OK).isEnabled() and not dialog.problem.isVisible()
    qtbot.mouseClick(button(dialog, OK), Qt.MouseButton.LeftButton)
    assert status_name(parts) == "Annotator: Ada Lovelace"
    assert identity.saved_name() == "Ada Lovelace"
    assert parts.state.document is not None
    document_id = parts.state.document.id
    parts.window.action("doc.done").trigger()
    assert store.get_document(document_id).annotator == "Ada Lovelace"


def test_another_name_shows_that_annotators_own_version_of_the_open_article(
    opened: Callable[..., Parts], store: Store, qtbot: QtBot
) -> None:
    """Each annotator has their own version: switching the name swaps the article shown,
    its status in the list and the undo history, and never mixes one into the other."""
    parts = opened(annotator="tester")
    assert parts.state.document is not None
    document_id = parts.state.document.id
    parts.window.action("doc.done").trigger()  # tester's version: done, nothing drawn
    store.annotator = "grace"  # grace drew a span in her own version elsewhere
    theirs = store.get_document(document_id)
    store.apply(theirs, AddSpan(Span(0, 12, "PERSON")))
    store.annotator = "tester"

    parts.window.action("file.annotator_name").trigger()
    dialog = dialog_of(parts)
    assert dialog is not None
    dialog.field.setText("grace")
    qtbot.mouseClick(button(dialog, OK), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: status_name(parts) == "Annotator: grace")
    shown = parts.state.document
    assert shown is not None and shown.spans == (Span(0, 12, "PERSON"),)
    assert shown.status is Status.NEW
    row = parts.window.documents.model.summary_at(0)
    assert row is not None and row.status is Status.NEW
    assert not parts.session.undo_group.canUndo()  # tester's "done" is not grace's to undo
    mine = store.versions_of(document_id)
    assert [(v.annotator, v.status) for v in mine] == [
        ("grace", Status.NEW),
        ("tester", Status.DONE),
    ]


def test_a_name_changed_in_review_mode_reviews_as_that_person(
    opened: Callable[..., Parts], store: Store, qtbot: QtBot
) -> None:
    parts = opened(annotator="tester")
    parts.window.action("doc.review").trigger()
    assert status_name(parts) == "Reviewing as tester"
    parts.window.action("file.annotator_name").trigger()
    dialog = dialog_of(parts)
    assert dialog is not None
    dialog.field.setText("grace")
    qtbot.mouseClick(button(dialog, OK), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: parts.session.annotator == "grace")
    assert status_name(parts) == "Reviewing as grace"
    assert parts.session.reviewing
