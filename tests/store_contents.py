"""What a store holds, read on a connection of its own, independent of the store's engine.

For a file, a plain `sqlite3` connection; for a server, a plain psycopg connection. Tests
use it to check what was (or was not) written, whichever backend the `store` fixture
runs on (`pytest --backend postgresql`).
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from annotator.store import Store
from annotator.store.location import ServerAddress

TABLES = ("document", "span", "label", "version")


def value(store: Store | Path, query: str, *params: object) -> Any:
    """The first column of the first row of `query` (`?` placeholders, as in SQLite)."""
    return rows(store, query, *params)[0][0]


def rows(store: Store | Path, query: str, *params: object) -> list[tuple[Any, ...]]:
    """The rows of `query` in the store (or the store file at a path)."""
    path = store if isinstance(store, Path) else store.path
    if path is not None:
        import sqlite3

        connection = sqlite3.connect(path)
        try:
            return connection.execute(query, params).fetchall()
        finally:
            connection.close()
    import psycopg

    assert isinstance(store, Store) and isinstance(store.location, ServerAddress)
    url = store.location.url
    with psycopg.connect(
        dbname=url.database, user=url.username, **{k: str(v) for k, v in url.query.items()}
    ) as connection:
        return [tuple(row) for row in connection.execute(query.replace("?", "%s"), params)]


def counts(store: Store) -> tuple[int, ...]:
    """How many documents, spans, labels and versions the store holds."""
    return tuple(value(store, f"SELECT count(*) FROM {table}") for table in TABLES)


def digest(store: Store) -> str:
    """A fingerprint of the store's content: the file's bytes, or every row of a server's
    tables in key order."""
    if store.path is not None:
        return hashlib.sha256(store.path.read_bytes()).hexdigest()
    found = hashlib.sha256()
    for table in (*TABLES, "dataset", "store_info", "model_version"):
        found.update(repr(rows(store, f"SELECT * FROM {table} ORDER BY 1")).encode())
    return found.hexdigest()
