"""File > New Dataset: a name and a label preset."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QMessageBox,
    QWidget,
)

from annotator.core.errors import AnnotatorError
from annotator.core.model import Dataset
from annotator.services.presets import apply_preset_to, load_preset, preset_names
from annotator.store import Store
from annotator.ui.controllers.workflow import Workflow

DEFAULT_PRESET = "news"


class NewDatasetDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("New Dataset")
        self.name = QLineEdit()
        self.name.setPlaceholderText("e.g. business-news")
        self.preset = QComboBox()
        self.preset.addItems(preset_names())
        self.preset.setCurrentText(DEFAULT_PRESET)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("Name:", self.name)
        form.addRow("Labels:", self.preset)
        form.addRow(buttons)


def create_with_preset(store: Store, name: str, preset: str) -> Dataset:
    """A new dataset with the preset's labels and model mapping."""
    dataset = store.create_dataset(name)
    apply_preset_to(store, dataset, load_preset(preset), replace=True)
    return store.get_dataset(name)


def new_dataset(parent: QWidget, workflow: Workflow) -> Dataset | None:
    dialog = NewDatasetDialog(parent)
    while dialog.exec() == QDialog.DialogCode.Accepted:
        try:
            dataset = create_with_preset(
                workflow.store, dialog.name.text().strip(), dialog.preset.currentText()
            )
        except AnnotatorError as error:
            QMessageBox.warning(parent, "New Dataset", str(error))
            continue
        workflow.open_dataset(dataset.name)
        return dataset
    return None
