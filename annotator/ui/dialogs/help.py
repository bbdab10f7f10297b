"""Help > Keyboard Shortcuts, Help > Open Log, Help > About, and the unexpected-error box."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator import __version__
from annotator.logs import log_path


class ShortcutsDialog(QDialog):
    """Every key of the window: `rows` of (menu, command, keys), which the window reads
    from the same table that defines its actions."""

    def __init__(self, rows: Sequence[tuple[str, str, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard Shortcuts")
        table = QTableWidget(len(rows), 3)
        table.setHorizontalHeaderLabels(["Menu", "Command", "Keys"])
        for row, values in enumerate(rows):
            for column, value in enumerate(values):
                table.setItem(row, column, QTableWidgetItem(value))
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.verticalHeader().hide()
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        table.horizontalHeader().setStretchLastSection(True)
        self.table = table
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(table)
        layout.addWidget(buttons)
        self.resize(620, 640)


def show_shortcuts(parent: QWidget, rows: Sequence[tuple[str, str, str]]) -> None:
    ShortcutsDialog(rows, parent).exec()


def show_about(parent: QWidget) -> None:
    QMessageBox.about(
        parent,
        "About annotator",
        f"<b>annotator {__version__}</b><p>Label named entities in news articles, offline. "
        "A spaCy model suggests; you decide. Every change is saved at once.</p>",
    )


def open_log(parent: QWidget, path: Path | None = None) -> None:
    """Show the log in the desktop's viewer: the file, or its folder if there is no file."""
    path = path or log_path()
    target = path if path.is_file() else path.parent
    if target.is_dir() or target.is_file():
        opened = QDesktopServices.openUrl(QUrl.fromLocalFile(str(target)))
    else:
        opened = False
    if not opened:
        QMessageBox.information(parent, "Log", f"The log file is {path}")


def show_unexpected_error(parent: QWidget | None, summary: str, log: Path) -> None:
    """Tell the user that something failed that annotator did not expect, and where to look."""
    QMessageBox.critical(
        parent,
        "Unexpected error",
        f"Something went wrong that annotator did not expect:\n\n{summary}\n\n"
        "Changes saved before this are kept. The details are in the log file "
        f"(Help > Open Log):\n{log}",
    )
