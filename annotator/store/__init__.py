"""The SQLite store: the only package that imports sqlmodel, SQLAlchemy or sqlite3."""

from annotator.store.db import SCHEMA_VERSION
from annotator.store.documents import AddResult
from annotator.store.repository import Store
from annotator.store.statistics import Stats

__all__ = ["SCHEMA_VERSION", "AddResult", "Stats", "Store"]
