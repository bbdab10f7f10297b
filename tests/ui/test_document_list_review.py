"""The document panel's review filters and version counts, over a real store."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from annotator.store import Store
from annotator.ui.documents.list_model import TITLE_COLUMN, VERSIONS_COLUMN
from annotator.ui.documents.panel import DocumentPanel
from tests.store.test_review_filters import team

pytestmark = pytest.mark.gui


def titles(panel: DocumentPanel) -> list[str]:
    model = panel.model
    return [model.index(row, TITLE_COLUMN).data()[-2] for row in range(model.rowCount())]


def choose(panel: DocumentPanel, text: str) -> None:
    index = panel.version_filter.findText(text)
    assert index >= 0, text
    panel.version_filter.setCurrentIndex(index)


def test_the_version_filter_shows_what_needs_review_and_by_whom(qtbot: QtBot, store: Store) -> None:
    dataset_id, ids = team(store)
    panel = DocumentPanel(store)
    qtbot.addWidget(panel)
    panel.show()
    panel.set_dataset(dataset_id)
    panel.version_filter.showPopup()  # the annotators are read as it opens
    panel.version_filter.hidePopup()
    offered = [panel.version_filter.itemText(i) for i in range(panel.version_filter.count())]
    assert offered == [
        "All versions",
        "Needs review",
        "Disagreements",
        "Reviewed",
        "By annotator: ada",
        "By annotator: grace",
    ]
    counts = [
        panel.model.index(row, VERSIONS_COLUMN).data() for row in range(panel.model.rowCount())
    ]
    assert counts == ["2", "2", "2", "2", "1", "0"]
    assert panel.model.index(5, VERSIONS_COLUMN).data(Qt.ItemDataRole.ToolTipRole) == (
        "0 versions, one per annotator"
    )
    choose(panel, "Needs review")
    assert titles(panel) == ["0", "1", "2"]
    assert panel.shown_label.text() == "3 shown"
    choose(panel, "Disagreements")
    assert titles(panel) == ["1", "2"]
    choose(panel, "By annotator: ada")
    assert titles(panel) == ["0", "1", "2", "3"]
    panel.set_dataset(dataset_id)  # read again (after an import): the filter stays
    assert panel.version_filter.currentText() == "By annotator: ada"
    assert titles(panel) == ["0", "1", "2", "3"]
    panel.set_review_filter("disagreements")
    assert panel.version_filter.currentText() == "Disagreements"
    assert titles(panel) == ["1", "2"]
    choose(panel, "Reviewed")
    assert titles(panel) == []
    choose(panel, "All versions")
    assert panel.model.rowCount() == len(ids)
