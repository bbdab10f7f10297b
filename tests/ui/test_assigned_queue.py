"""The window of an annotator with a queue (`annotator assign`): it opens at the queue's
first open document, Ctrl+Enter goes through the queue in its order whatever the list
shows, the list shows "Assigned to me" by default, and each row tells how many of the
others given the document are done."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from pytestqt.qtbot import QtBot

from annotator.core.assignment import queues
from annotator.core.edits import SetStatus
from annotator.core.model import Label, Status
from annotator.store import Store
from annotator.ui.controllers.nlp_worker import NlpWorker
from annotator.ui.documents.list_model import OTHERS_COLUMN
from annotator.ui.documents.panel import DocumentPanel
from annotator.ui.shell.launch import Parts
from tests.store.test_store import make_document

pytestmark = pytest.mark.gui


@pytest.fixture(autouse=True)
def _no_model(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(NlpWorker, "load_model", lambda self, dataset: None)
    monkeypatch.setattr(NlpWorker, "analyse", lambda self, dataset, document: None)


@pytest.fixture
def assigned(db_path: Path) -> dict[str, list[int]]:
    """A dataset of 9 articles whose titles sort against their order, dealt to ada, bob
    and cy, two each; each one's queue."""
    with Store.open(db_path, annotator="lead") as store:
        news = store.create_dataset("news", labels=[Label("PERSON")])
        store.add_documents(
            news.id, [(make_document(f"{chr(90 - i)} story {i}."), None) for i in range(9)]
        )
        store.assign(news.id, ["ada", "bob", "cy"], 2)
        return queues(store.assignments(news.id))


def _rows(panel: DocumentPanel) -> list[int]:
    return [panel.model.document_id_at(row) or 0 for row in range(panel.model.rowCount())]


def _done(parts: Parts, qtbot: QtBot) -> None:
    """Ctrl+Enter in the article: mark done and open the next."""
    article = parts.window.article
    parts.window.activateWindow()
    qtbot.waitUntil(parts.window.isActiveWindow)
    article.setFocus()
    qtbot.keyClick(article, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)


def _set_status(db_path: Path, who: str, document_id: int, status: Status) -> None:
    with Store.open(db_path, annotator=who) as store:
        document = store.get_document(document_id)
        store.apply(document, SetStatus(document.status, status))


def test_ctrl_enter_follows_the_annotators_queue_whatever_the_list_shows(
    db_path: Path,
    assigned: dict[str, list[int]],
    open_window: Callable[..., Parts],
    settings: QSettings,
    qtbot: QtBot,
) -> None:
    queue = assigned["ada"]
    _set_status(db_path, "ada", queue[1], Status.DONE)  # done before: skipped by "next"
    store = Store.open(db_path, annotator="ada")
    parts = open_window(store, settings, annotator="ada")
    panel = parts.window.documents
    qtbot.waitUntil(lambda: parts.session.document is not None)
    assert parts.session.document.id == queue[0]
    assert panel.version_filter.currentText() == "Assigned to me"
    assert _rows(panel) == queue  # in the queue's order
    assert panel.progress_label.text() == f"1 of {len(queue)} assigned done"
    # The list sorted by title, and every version shown: "next" still follows the queue.
    panel.version_filter.setCurrentIndex(panel.version_filter.findText("All versions"))
    panel.table.sortByColumn(1, Qt.SortOrder.AscendingOrder)
    assert len(_rows(panel)) == 9
    assert panel.progress_label.text() == "1 of 9 done"
    _done(parts, qtbot)
    qtbot.waitUntil(lambda: parts.session.document.id == queue[2])
    for expected in queue[3:]:
        _done(parts, qtbot)
        qtbot.waitUntil(lambda expected=expected: parts.session.document.id == expected)
    with qtbot.waitSignal(parts.workflow.message) as said:
        _done(parts, qtbot)
    assert said.args == ["Every document assigned to you in news is done or skipped."]
    assert parts.session.document.id == queue[-1]  # no document outside the queue opens
    assert store.queue_progress(store.get_dataset("news").id)[0].open == 0
    store.close()


def test_the_list_shows_how_many_others_are_done_and_news_of_a_queue(
    db_path: Path,
    assigned: dict[str, list[int]],
    open_window: Callable[..., Parts],
    settings: QSettings,
    qtbot: QtBot,
) -> None:
    shared = next(i for i in assigned["ada"] if i in assigned["bob"])
    _set_status(db_path, "bob", shared, Status.DONE)
    store = Store.open(db_path, annotator="ada")
    parts = open_window(store, settings, annotator="ada")
    panel = parts.window.documents
    assert not panel.table.isColumnHidden(OTHERS_COLUMN)
    row = _rows(panel).index(shared)
    cell = panel.model.index(row, OTHERS_COLUMN)
    assert cell.data() == "1 of 1"
    assert cell.data(Qt.ItemDataRole.ToolTipRole) == "1 of 1 other done"
    # A click on its header sorts nothing: the list keeps its order and its indicator.
    panel.table.sortByColumn(1, Qt.SortOrder.AscendingOrder)  # by title: Z story 0 last
    before = _rows(panel)
    assert before == sorted(before, reverse=True)
    panel.table.sortByColumn(OTHERS_COLUMN, Qt.SortOrder.AscendingOrder)
    assert _rows(panel) == before
    header = panel.table.horizontalHeader()
    assert (header.sortIndicatorSection(), header.sortIndicatorOrder()) == (
        1,
        Qt.SortOrder.AscendingOrder,
    )
    # Someone without a queue sees every document, with everyone's progress.
    parts.workflow.switch_annotator("eve")
    panel.refresh()
    assert panel.version_filter.findText("Assigned to me") == -1
    assert panel.version_filter.currentText() == "All versions"
    assert len(_rows(panel)) == 9
    assert panel.model.index(_rows(panel).index(shared), OTHERS_COLUMN).data() == "1 of 2"
    # The lead assigns eve documents while her window is open: the list offers her queue.
    with Store.open(db_path, annotator="lead") as lead:
        news = lead.get_dataset("news")
        lead.assign(news.id, ["eve"], 1, replace=True)
    panel.refresh()  # what a notice from the server does
    assert panel.version_filter.currentText() == "Assigned to me"
    assert len(_rows(panel)) == 9
    store.close()


def test_no_assignment_no_queue_and_no_others_column(
    db_path: Path, open_window: Callable[..., Parts], settings: QSettings, qtbot: QtBot
) -> None:
    with Store.open(db_path, annotator="ada") as lead:
        news = lead.create_dataset("news", labels=[Label("PERSON")])
        lead.add_documents(news.id, [(make_document(f"Story {i}."), None) for i in range(3)])
    store = Store.open(db_path, annotator="ada")
    parts = open_window(store, settings, annotator="ada")
    panel = parts.window.documents
    assert panel.table.isColumnHidden(OTHERS_COLUMN)
    assert panel.version_filter.findText("Assigned to me") == -1
    first = parts.session.document.id
    _done(parts, qtbot)
    qtbot.waitUntil(lambda: parts.session.document.id != first)  # the list's order, as before
    store.close()
