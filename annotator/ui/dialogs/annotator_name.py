"""Who is annotating: asked at the first start, and again from File > Annotator Name."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout, QWidget

from annotator.core.model import annotator_name_problem

QUESTION = "Who is annotating?"


class AnnotatorNameDialog(QDialog):
    """A name, checked as it is typed: OK stays off while the name breaks a rule, and
    the rule it breaks is shown under it."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Annotator Name")
        self.setObjectName("annotator_name")
        self.field = QLineEdit(name)
        self.field.selectAll()
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(QUESTION))
        layout.addWidget(self.field)
        layout.addWidget(self.problem)
        hint = QLabel("The name is saved on the documents you change in this store.")
        hint.setWordWrap(True)
        layout.addWidget(hint)
        layout.addWidget(self.buttons)
        self.field.textChanged.connect(self._check)
        self._check(name)

    def name(self) -> str:
        return self.field.text()

    def _check(self, text: str) -> None:
        problem = annotator_name_problem(text)
        self.problem.setText(problem or "")
        self.problem.setVisible(problem is not None)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(problem is None)


def ask_annotator_name(
    parent: QWidget, name: str, chosen: Callable[[str], None]
) -> AnnotatorNameDialog:
    """Open the dialog over `parent` without waiting for it (`open`, not `exec`): OK
    calls `chosen` with the name; Cancel keeps the name as it is."""
    dialog = AnnotatorNameDialog(name, parent)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.accepted.connect(lambda: chosen(dialog.name()))
    dialog.open()
    return dialog
