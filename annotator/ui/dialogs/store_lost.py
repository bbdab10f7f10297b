"""The store's file was moved, deleted or replaced while the window had it open.

The store refuses every change from then on (it would go into a file nobody will open
again), so the window says so at once and offers to save what the store held: the copy
is made with SQLite's online backup API from the connection still open on the old file.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QAbstractButton, QFileDialog, QMessageBox, QWidget

from annotator.core.errors import AnnotatorError
from annotator.store import Store


class StoreLostDialog(QMessageBox):
    """Window-modal warning with "Save a Copy…" (the default) and "Not Now"."""

    def __init__(
        self, parent: QWidget, store: Store, reason: str, report: Callable[[str], None]
    ) -> None:
        super().__init__(parent)
        self._store = store
        self._report = report
        self.saved: Path | None = None
        self.setIcon(QMessageBox.Icon.Warning)
        self.setWindowTitle("The store file is gone")
        self.setText(
            f"The store file {store.path} was moved, deleted or replaced while annotator "
            "had it open."
        )
        self.setInformativeText(
            "Your last change was not saved, and no further change can be. Everything "
            "saved before can still be read from the open file: save it to a new file "
            "now, then open that file (annotator --db FILE)."
        )
        self.setDetailedText(reason)
        self.save_button = self.addButton("Save a Copy…", QMessageBox.ButtonRole.AcceptRole)
        self.addButton("Not Now", QMessageBox.ButtonRole.RejectRole)
        self.setDefaultButton(self.save_button)
        self.buttonClicked.connect(self._on_button)

    @Slot(QAbstractButton)
    def _on_button(self, button: QAbstractButton) -> None:
        if button is self.save_button:
            self.choose_and_save()

    def choose_and_save(self) -> None:
        lost = self._store.path or Path.home() / "annotations.db"  # (only files are lost)
        folder = lost.parent if lost.parent.is_dir() else Path.home()
        suggested = folder / f"{lost.stem}-saved{lost.suffix or '.db'}"
        chosen, _filter = QFileDialog.getSaveFileName(
            self.parentWidget(), "Save a copy of the store", str(suggested)
        )
        if chosen:
            self.save_to(Path(chosen))

    def save_to(self, target: Path) -> None:
        try:
            self._store.backup(target)
        except AnnotatorError as error:
            self._report(f"Not saved: {error}")
            return
        self.saved = target
        self._report(f"Saved a copy of the store to {target}; open it with annotator --db {target}")


def offer_to_save_store(
    parent: QWidget, store: Store, reason: str, report: Callable[[str], None]
) -> StoreLostDialog:
    """Show the dialog (once at a time, without blocking) and return it."""
    for shown in parent.findChildren(StoreLostDialog):
        if shown.isVisible():
            return shown
    dialog = StoreLostDialog(parent, store, reason, report)
    dialog.open()
    return dialog
