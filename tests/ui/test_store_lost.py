"""The store file is moved away while the window has it open: the window says so at once
and saves what the store held to a new file (real window, real SQLite file)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot

from annotator.app import assemble
from annotator.core.hashing import input_hash
from annotator.core.model import Document, Label, SpanState
from annotator.store import Store
from annotator.ui.dialogs.store_lost import StoreLostDialog
from annotator.ui.shell.launch import Parts

pytestmark = pytest.mark.gui

ARTICLE = "Angela Merkel met Emmanuel Macron in Paris on Monday."


@pytest.fixture
def parts(
    store: Store,
    tmp_path: Path,
    qtbot: QtBot,
    make_rules_model: Callable[[list[dict[str, str]]], Path],
) -> Iterator[Parts]:
    model = make_rules_model([{"label": "PERSON", "pattern": "Angela Merkel"}])
    dataset = store.create_dataset("news", labels=(Label("PERSON", hotkey="1"),), model=str(model))
    document = Document(0, dataset.id, ARTICLE, input_hash=input_hash(ARTICLE))
    store.add_documents(dataset.id, [(document, None)])
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    opened = assemble(store, settings, annotator="unknown")
    qtbot.addWidget(opened.window)
    opened.window.show()
    qtbot.waitExposed(opened.window)
    opened.workflow.reopen_last()
    yield opened
    opened.worker.shutdown()


def suggested(parts: Parts, qtbot: QtBot) -> None:
    def arrived() -> None:
        document = parts.session.document
        assert document is not None
        assert any(s.state is SpanState.SUGGESTED for s in document.spans)

    qtbot.waitUntil(arrived, timeout=20_000)


def test_an_edit_after_the_store_was_moved_away_is_refused_and_a_copy_is_offered(
    parts: Parts, qtbot: QtBot, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    suggested(parts, qtbot)
    before = parts.session.document
    assert before is not None
    moved = tmp_path / "synced" / "annotations.db"
    moved.parent.mkdir()
    db_path.rename(moved)  # a sync client takes the file away

    parts.window.article.setFocus()
    qtbot.keyClick(parts.window.article, Qt.Key.Key_Tab)
    qtbot.keyClick(parts.window.article, Qt.Key.Key_Return)  # accept Angela Merkel

    dialog = parts.window.findChild(StoreLostDialog)
    assert dialog is not None and dialog.isVisible()
    assert str(db_path) in dialog.text() and "moved, deleted or replaced" in dialog.text()
    assert parts.session.document == before  # the window did not take the edit
    assert parts.session.undo_group.activeStack().count() == 0
    assert "was not saved" in parts.window.statusBar().currentMessage()

    copy = tmp_path / "saved.db"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kw: (str(copy), ""))
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.saved == copy
    assert f"Saved a copy of the store to {copy}" in parts.window.statusBar().currentMessage()
    with Store.open(copy) as saved:
        dataset = saved.get_dataset("news")
        (document,) = (document for document, _ in saved.iter_documents(dataset.id))
    assert document.text == ARTICLE
    assert [s.state for s in document.spans] == [SpanState.SUGGESTED]  # what was saved
