"""The SQLite store: the only package that imports sqlmodel, SQLAlchemy or sqlite3."""

from annotator.store.backups import restore as restore_store
from annotator.store.datasets import NewDataset
from annotator.store.db import SCHEMA_VERSION
from annotator.store.documents import AddResult
from annotator.store.integrity import check as check_store
from annotator.store.integrity import open_elsewhere as store_open_elsewhere
from annotator.store.recovery import Salvage
from annotator.store.recovery import recover as recover_store
from annotator.store.repository import Store
from annotator.store.statistics import Stats

__all__ = [
    "SCHEMA_VERSION",
    "AddResult",
    "NewDataset",
    "Salvage",
    "Stats",
    "Store",
    "check_store",
    "recover_store",
    "restore_store",
    "store_open_elsewhere",
]
