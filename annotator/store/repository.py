"""`Store`: the only way into the SQLite file. It takes and returns core values only.

Each public method that writes is one short transaction. Every statement is SQLAlchemy
Core over the tables of `tables.py`; the few that run on the driver's cursor instead (an
import's bulk insert, the list's ids, an article's spans) go through `fast_path.py`,
which gives the measured reason. The methods live in one module per concern
(`datasets`, `documents`, `statistics`, ...); `Store` puts them behind one object.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.pool import QueuePool

from annotator.core.errors import StoreError
from annotator.store import db as store_db
from annotator.store import integrity
from annotator.store.assignments import AssignmentQueries
from annotator.store.backups import backup_engine
from annotator.store.changes import ChangeWatch, watch
from annotator.store.datasets import DatasetQueries
from annotator.store.db import UNKNOWN_OWNER, close_engine, open_engine
from annotator.store.documents import DocumentQueries
from annotator.store.labels import LabelQueries
from annotator.store.location import ServerAddress, StoreLocation, parse_location
from annotator.store.merge_copy import opened_copy
from annotator.store.merging import MergeReport, merge_engines
from annotator.store.model_versions import ModelVersionQueries
from annotator.store.patterns import PatternQueries
from annotator.store.server import open_server_engine, server_user
from annotator.store.statistics import StatisticsQueries
from annotator.store.suggestions import SuggestionQueries
from annotator.store.summaries import SummaryQueries
from annotator.store.version_queries import VersionQueries


class Store(
    AssignmentQueries,
    DatasetQueries,
    LabelQueries,
    DocumentQueries,
    StatisticsQueries,
    SuggestionQueries,
    SummaryQueries,
    VersionQueries,
    ModelVersionQueries,
    PatternQueries,
):
    """Datasets, documents and spans in one SQLite file."""

    def __init__(
        self, engine: Engine, location: StoreLocation, annotator: str = UNKNOWN_OWNER
    ) -> None:
        self._engine = engine
        self.location = location
        # The file, for what only a file has (its side files, a backup, the window's
        # "store lost"); None on a server.
        self.path = location if isinstance(location, Path) else None
        self._opened = None if self.path is None else integrity.identity(self.path)
        # Whose version of each document reads and edits act on (`perspective.py`); the
        # window changes it when the annotator gives another name.
        self.annotator = annotator
        # True while the annotator reviews: reads and edits act on their review versions.
        self.reviewing = False

    @classmethod
    def open(
        cls, location: StoreLocation | str, *, create: bool = True, annotator: str | None = None
    ) -> Store:
        """Open the store at `location` (a file, or a `postgresql://` URL) for
        `annotator` (on a server, by default, the database user); `create=False` refuses
        a missing or empty file. An upgrade from before versions gives `annotator` the
        work that names nobody."""
        where = location if isinstance(location, ServerAddress) else parse_location(location)
        if isinstance(where, ServerAddress):  # no name given: the database user
            engine = open_server_engine(where, store_db.SCHEMA_VERSION)
            return cls(engine, where, annotator or server_user(engine))
        who = annotator or UNKNOWN_OWNER
        return cls(open_engine(where, create=create, owner=who), where, who)

    def __str__(self) -> str:
        """The store's path, or its server URL without a password."""
        return str(self.location)

    @property
    def short_name(self) -> str:
        """The file's name, or "DATABASE on HOST" for a server."""
        if isinstance(self.location, ServerAddress):
            return self.location.short_name
        return self.location.name

    def files(self) -> list[Path]:
        """The store file and SQLite's files beside it (`-wal`, `-shm`, `-journal`), as
        named and with links followed: SQLite keeps them beside the file a link points to.
        Some may not exist now; nothing may ever be written in their place. None on a
        server."""
        found: list[Path] = []
        if self.path is None:
            return found
        for base in dict.fromkeys((self.path, self.path.resolve())):
            found.append(base)
            found.extend(base.with_name(base.name + end) for end in ("-wal", "-shm", "-journal"))
        return found

    def backup(self, target: Path) -> None:
        """Write a consistent copy of the store to the new file `target` (online backup API).

        Safe while another program writes to the store. After the store's file was moved
        or deleted, the copy is read from the file this store still has open.
        """
        if self.path is None:
            raise StoreError(
                f"the store {self} is on a server: back it up with the server's own tools "
                "(pg_dump), or export its datasets"
            )
        if integrity.identity(target) is not None and target.samefile(self.path):
            raise StoreError(f"{target} is the store itself; name a new file for the copy")
        moved = integrity.identity(self.path) != self._opened
        pool = self._engine.pool
        if moved and isinstance(pool, QueuePool) and pool.checkedin() == 0:
            raise StoreError(f"the file this store opened at {self.path} cannot be reached")
        backup_engine(self._engine, target)

    def merge_from(self, other: Path, dataset: str | None = None) -> MergeReport:
        """Bring every annotator's versions in the store at `other` (only `dataset`'s when
        given) into this one, in one transaction (`store/merging.py`)."""
        with opened_copy(other, self.path) as theirs:  # (no file of its own on a server)
            return merge_engines(self, theirs, dataset)

    def watch_changes(self) -> ChangeWatch | None:
        """A watch of what other people change in a store on a server (`changes.py`);
        None for a file."""
        return watch(self._engine)

    def close(self) -> None:
        close_engine(self._engine)

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()
