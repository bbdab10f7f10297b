"""A page of the store found damaged while the window is open: the user is told once, in
the store's own words, never as an "Unexpected error", and nothing more is written."""

from __future__ import annotations

import os
import random
import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from annotator.app import assemble, run_window
from annotator.core.hashing import input_hash
from annotator.core.model import Document, Label
from annotator.store import Store
from annotator.ui.shell import launch
from annotator.ui.shell.launch import Parts

pytestmark = pytest.mark.gui


@pytest.fixture
def shown(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The warning and critical message boxes, recorded instead of shown."""
    boxes: list[str] = []

    def record(kind: str):  # type: ignore[no-untyped-def]
        def box(parent: QWidget | None, title: str, text: str, *args: object) -> Any:
            boxes.append(f"{kind}: {title}: {text}")
            return QMessageBox.StandardButton.Ok

        return box

    monkeypatch.setattr(QMessageBox, "warning", record("warning"))
    monkeypatch.setattr(QMessageBox, "critical", record("critical"))
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    return boxes


@pytest.fixture
def parts(store: Store, tmp_path: Path, qtbot: QtBot) -> Iterator[Parts]:
    dataset = store.create_dataset("news", labels=(Label("PERSON"),))
    texts = [f"Report {n}: Zaha Hadid spoke in Glasgow. " * 12 for n in range(3000)]
    store.add_documents(
        dataset.id, [(Document(0, dataset.id, t, input_hash=input_hash(t)), None) for t in texts]
    )
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    opened = assemble(store, settings, annotator="unknown")
    qtbot.addWidget(opened.window)
    opened.window.show()
    qtbot.waitExposed(opened.window)
    yield opened
    opened.worker.shutdown()


def damage_the_documents(path: Path) -> None:
    """Garbage over every leaf page of the document table, the file's time kept."""
    connection = sqlite3.connect(path)
    try:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the pages into the file
        pages = [
            row[0]
            for row in connection.execute(
                "SELECT pageno FROM dbstat WHERE name = 'document' AND pagetype = 'leaf'"
            )
        ]
        size = connection.execute("PRAGMA page_size").fetchone()[0]
    finally:
        connection.close()
    before = path.stat()
    noise = random.Random(7)
    with path.open("r+b") as file:
        for page in pages:
            file.seek((page - 1) * size)
            file.write(b"\x0d" + noise.randbytes(size - 1))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))


@pytest.mark.qt_no_exception_capture
def test_damage_found_by_the_document_list_is_told_once_as_damage(
    parts: Parts, qtbot: QtBot, db_path: Path, shown: list[str]
) -> None:
    launch.install_error_reporting()
    damage_the_documents(db_path)
    QTimer.singleShot(0, parts.workflow.reopen_last)  # as the window starts: the list
    # reads its first rows from the damaged pages
    qtbot.waitUntil(lambda: bool(shown), timeout=5000)
    parts.window.documents.repaint()
    qtbot.wait(100)
    (box,) = shown
    assert box.startswith("warning: annotator: the store")
    assert "is damaged" in box and "store recover" in box
    assert not any("Unexpected" in text for text in shown)


def test_the_window_on_a_damaged_store_says_so_over_the_frame_and_writes_nothing(
    tmp_path: Path, shown: list[str], qtbot: QtBot
) -> None:
    db = tmp_path / "annotations.db"
    with Store.open(db) as store:
        dataset = store.create_dataset("news", labels=(Label("PERSON"),))
        texts = [f"Report {n}: Zaha Hadid spoke in Glasgow. " * 12 for n in range(500)]
        store.add_documents(
            dataset.id,
            [(Document(0, dataset.id, t, input_hash=input_hash(t)), None) for t in texts],
        )
    damage_the_documents(db)
    os.utime(db)  # written from outside the program: its time changes
    before = db.read_bytes()
    safety = QTimer()
    safety.setSingleShot(True)
    safety.timeout.connect(lambda: QApplication.exit(99))
    safety.start(15_000)
    code = run_window(db)
    safety.stop()
    assert code == 1
    (box,) = shown
    assert box.startswith(f"critical: annotator: Cannot open the store {db}:")
    assert "is damaged" in box and "store recover" in box
    assert db.read_bytes() == before
