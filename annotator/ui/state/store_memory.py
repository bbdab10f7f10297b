"""What the window remembers of one store: the open dataset, each dataset's last article,
and what the store held when the window last read it.

Kept in the user's settings file under a key made from the store's full path, so two
stores never share an open dataset or a last article (the window's size and panels stay
per user: they belong to the screen, not to the data).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from PySide6.QtCore import QSettings

from annotator.core.summaries import Newest


def store_key(location: Path | str) -> str:
    """A settings group name for the store at `location` (its resolved path, or its
    server URL, which has no password, hashed)."""
    where = str(location.expanduser().resolve()) if isinstance(location, Path) else location
    return "stores/" + hashlib.sha256(where.encode("utf-8")).hexdigest()[:16]


class StoreMemory:
    def __init__(self, settings: QSettings, store_location: Path | str) -> None:
        self._settings = settings
        self._key = store_key(store_location)

    def dataset(self) -> str | None:
        """The name of the dataset open when the window last worked on this store."""
        value = self._settings.value(f"{self._key}/dataset")
        return value if isinstance(value, str) and value else None

    def set_dataset(self, name: str) -> None:
        self._settings.setValue(f"{self._key}/dataset", name)

    def document(self, dataset_id: int) -> int | None:
        """The id of the dataset's article open last."""
        return _as_int(self._settings.value(f"{self._key}/document/{dataset_id}"))

    def set_document(self, dataset_id: int, document_id: int) -> None:
        self._settings.setValue(f"{self._key}/document/{dataset_id}", document_id)

    def seen(self) -> Newest | None:
        """What the store held the last time the window looked (None: never here)."""
        dataset_id = _as_int(self._settings.value(f"{self._key}/seen/dataset"))
        document_id = _as_int(self._settings.value(f"{self._key}/seen/document"))
        if dataset_id is None or document_id is None:
            return None
        return Newest(dataset_id, document_id)

    def set_seen(self, newest: Newest) -> None:
        self._settings.setValue(f"{self._key}/seen/dataset", newest.dataset_id)
        self._settings.setValue(f"{self._key}/seen/document", newest.document_id)


def _as_int(value: object) -> int | None:
    try:
        return int(str(value)) if value is not None else None
    except ValueError:
        return None
