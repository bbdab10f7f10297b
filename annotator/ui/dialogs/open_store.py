"""File > Open Store…: another store (a file, or a database on a PostgreSQL server) in a
window of its own, as `annotator --db LOCATION` would open it.

The window stays on its store: one window, one store, one undo history. The new window
is a program of its own, started detached, so closing either leaves the other open.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QProcess
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from annotator.core.errors import AnnotatorError
from annotator.store.location import parse_location

# How a location is opened in a new window: the seam a test replaces.
Launch = Callable[[str], bool]


def launch_window(location: str) -> bool:
    """Start `annotator --db LOCATION` detached; whether it started."""
    if getattr(sys, "frozen", False):  # a bundled app: the program itself
        program, arguments = sys.executable, ["--db", location]
    else:
        program, arguments = sys.executable, ["-m", "annotator", "--db", location]
    started, _pid = QProcess.startDetached(program, arguments)
    return bool(started)


class OpenStoreDialog(QDialog):
    """Asks for a store file or a server URL; refuses a URL with a password in it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Open Store")
        self.location = QLineEdit()
        self.location.setPlaceholderText("A store file, or postgresql://user@host/dbname")
        self.location.setMinimumWidth(420)
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        self.problem = QLabel()
        self.problem.setStyleSheet("color: #b00020;")
        self.problem.setWordWrap(True)
        self.problem.hide()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Open | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._check)
        buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(self.location, 1)
        row.addWidget(browse)
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(
                "It opens in a new window. A server's password comes from ~/.pgpass, a "
                "service file or PGPASSWORD, never from the URL."
            )
        )
        layout.addLayout(row)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)

    def chosen(self) -> str:
        return self.location.text().strip()

    def _browse(self) -> None:
        found, _filter = QFileDialog.getOpenFileName(
            self, "Open Store", str(Path.home()), "Stores (*.db);;All files (*)"
        )
        if found:
            self.location.setText(found)

    def _check(self) -> None:
        text = self.chosen()
        if not text:
            self._say("Name a store file or a postgresql:// URL.")
            return
        try:
            parse_location(text)
        except AnnotatorError as error:
            self._say(str(error))
            return
        self.accept()

    def _say(self, text: str) -> None:
        self.problem.setText(text)
        self.problem.show()


def open_store_window(parent: QWidget | None, launch: Launch = launch_window) -> str | None:
    """Ask for a store and open it in a new window; the location opened, or None."""
    dialog = OpenStoreDialog(parent)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    location = dialog.chosen()
    if not launch(location):
        return None
    return location
