"""The Import and Export dialogs offer the formats of the table of formats."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog, QWidget
from pytestqt.qtbot import QtBot

from annotator.ui.dialogs import transfer
from annotator.ui.dialogs.transfer import ExportDialog

pytestmark = pytest.mark.gui


def test_the_import_dialog_lists_every_file_an_import_reads(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []

    def pick(parent: QWidget, caption: str, folder: str, filters: str) -> tuple[list[str], str]:
        asked.append(filters)
        return [], ""

    monkeypatch.setattr(QFileDialog, "getOpenFileNames", pick)
    parent = QWidget()
    qtbot.addWidget(parent)
    assert transfer.import_articles(parent, workflow=None) is None  # type: ignore[arg-type]
    assert asked == [
        "Articles and annotations (*.txt *.md *.jsonl *.json *.ann);;Plain text (*.txt *.md);;"
        "JSON Lines (*.jsonl);;Label Studio JSON (*.json);;All files (*)"
    ]


def test_the_export_dialog_offers_each_format_and_names_the_file_after_it(
    qtbot: QtBot, tmp_path: Path
) -> None:
    dialog = ExportDialog("news")
    qtbot.addWidget(dialog)
    dialog.path.setText(str(tmp_path / "news.jsonl"))
    offered = [dialog.format.itemText(i) for i in range(dialog.format.count())]
    assert offered == [
        "Prodigy JSONL",
        "Prodigy review JSONL",
        "doccano JSONL",
        "spaCy DocBin",
        "CoNLL 2003",
    ]
    assert dialog.options().fmt == "prodigy"
    written = {}
    for index in range(dialog.format.count()):
        dialog.format.setCurrentIndex(index)
        written[dialog.options().fmt] = Path(dialog.path.text()).name
    assert written == {
        "prodigy": "news.jsonl",
        "prodigy-review": "news.jsonl",
        "doccano": "news.jsonl",
        "spacy": "news.spacy",
        "conll": "news.conll",
    }
