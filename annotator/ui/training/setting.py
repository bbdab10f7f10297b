"""Model > Train Again Automatically…: every how many newly done articles the window trains
by itself (0: never, the default)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QInputDialog, QWidget

MAXIMUM = 100000


def retrain_dialog(
    parent: QWidget | None, current: int, chosen: Callable[[int], None]
) -> QInputDialog:
    """An open dialog asking for the count; `chosen` hears the answer if it is accepted."""
    dialog = QInputDialog(parent)
    dialog.setObjectName("retrain_every")
    dialog.setWindowTitle("Train Again Automatically")
    dialog.setLabelText(
        "Train the dataset's model again by itself every time this many more articles\n"
        "are marked done (0: never). A better version then suggests in the articles\n"
        "you open next."
    )
    dialog.setInputMode(QInputDialog.InputMode.IntInput)
    dialog.setIntRange(0, MAXIMUM)
    dialog.setIntValue(current)
    dialog.intValueSelected.connect(chosen)
    dialog.finished.connect(dialog.deleteLater)
    dialog.open()
    return dialog
