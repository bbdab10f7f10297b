"""`Store`: the only way into the SQLite file. It takes and returns core values only.

Each public method that writes is one short transaction. Bulk paths (importing a file,
streaming an export) use the driver cursor directly: the ORM costs 8x on 100k rows there,
and these paths are where users wait. The methods live in one module per concern
(`datasets`, `documents`, `statistics`); `Store` puts them behind one object.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from annotator.store.datasets import DatasetQueries
from annotator.store.db import open_engine
from annotator.store.documents import DocumentQueries
from annotator.store.labels import LabelQueries
from annotator.store.statistics import StatisticsQueries
from annotator.store.suggestions import SuggestionQueries
from annotator.store.summaries import SummaryQueries


class Store(
    DatasetQueries,
    LabelQueries,
    DocumentQueries,
    StatisticsQueries,
    SuggestionQueries,
    SummaryQueries,
):
    """Datasets, documents and spans in one SQLite file."""

    def __init__(self, engine: Engine, path: Path) -> None:
        self._engine = engine
        self.path = path

    @classmethod
    def open(cls, path: Path, *, create: bool = True) -> Store:
        """Open the store at `path`; `create=False` refuses a missing or empty file."""
        return cls(open_engine(path, create=create), path)

    def close(self) -> None:
        self._engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()
