"""What of the view state outlives the window, saved from the state in one place.

The display options go to the user's settings; the open dataset and each dataset's last
article go to the store's own memory (`StoreMemory`), so that the window comes back where
the annotator left each store. The wiring module connects the state's signals here.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QSettings, Slot

from annotator.core.model import Dataset, Document
from annotator.ui.state.store_memory import StoreMemory
from annotator.ui.state.view_state import ViewState

SHOW_REJECTED = "view/show_rejected"


class SavedViewState(QObject):
    def __init__(
        self, settings: QSettings, memory: StoreMemory, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._settings = settings
        self._memory = memory

    def restore(self, state: ViewState) -> None:
        """Give `state` the display options saved last time."""
        state.set_show_rejected(bool(self._settings.value(SHOW_REJECTED, False, type=bool)))

    @Slot(bool)
    def save_show_rejected(self, show: bool) -> None:
        self._settings.setValue(SHOW_REJECTED, show)

    @Slot(object)
    def save_dataset(self, dataset: Dataset | None) -> None:
        if dataset is not None:
            self._memory.set_dataset(dataset.name)

    @Slot(object)
    def save_document(self, document: Document | None) -> None:
        if document is not None:
            self._memory.set_document(document.dataset_id, document.id)
