"""The patterns imported into each dataset (table `PATTERN`, schema 6)."""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Engine, delete, func, select
from sqlalchemy.exc import IntegrityError

from annotator.core.errors import StoreError
from annotator.core.model import Label
from annotator.core.patterns import Pattern
from annotator.store.db import read_transaction, write_transaction
from annotator.store.labels import append_labels
from annotator.store.sql_functions import insert_or_ignore
from annotator.store.tables import PATTERN


class PatternQueries:
    """The pattern part of `Store`."""

    _engine: Engine

    def add_patterns(
        self,
        dataset_id: int,
        patterns: Sequence[Pattern],
        *,
        file: str,
        new_labels: Sequence[Label] = (),
    ) -> int:
        """Add `patterns` (and the labels they bring) in one transaction; a pattern the
        dataset holds already (same label, pattern and id) is left as it is. Returns how
        many were new."""
        now = time.time()
        rows = [
            {
                "dataset_id": dataset_id,
                "label": pattern.label,
                "body": pattern.body,
                "ent_id": "" if pattern.id is None else json.dumps(pattern.id),
                "file": file,
                "imported_at": now,
            }
            for pattern in patterns
        ]
        try:
            with write_transaction(self._engine) as conn:
                append_labels(conn, dataset_id, new_labels)
                before = _count(conn, dataset_id)
                if rows:
                    conn.execute(insert_or_ignore(conn, PATTERN), rows)
                return _count(conn, dataset_id) - before
        except IntegrityError:
            raise StoreError(
                "the dataset changed while the patterns were read (a label was added "
                "meanwhile); import them again"
            ) from None

    def patterns(self, dataset_id: int) -> list[Pattern]:
        """The dataset's patterns in the order they were imported."""
        return [pattern for _, pattern in self.patterns_by_file(dataset_id)]

    def patterns_by_file(self, dataset_id: int) -> list[tuple[str, Pattern]]:
        """(file, pattern) for each of the dataset's patterns, in the order imported."""
        with read_transaction(self._engine) as conn:
            rows = conn.execute(
                select(PATTERN.c.file, PATTERN.c.label, PATTERN.c.body, PATTERN.c.ent_id)
                .where(PATTERN.c.dataset_id == dataset_id)
                .order_by(PATTERN.c.id)
            ).all()
        return [(file, _pattern(label, body, ent_id)) for file, label, body, ent_id in rows]

    def remove_patterns(self, dataset_id: int, file: str | None = None) -> int:
        """Remove the patterns imported from `file` (every pattern when None); returns
        how many went."""
        where = PATTERN.c.dataset_id == dataset_id
        if file is not None:
            where = where & (PATTERN.c.file == file)
        with write_transaction(self._engine) as conn:
            return int(conn.execute(delete(PATTERN).where(where)).rowcount)


def merge_patterns(ours: Connection, theirs: Connection, their_id: int, our_id: int) -> int:
    """Add the other store's patterns of a dataset that this one lacks, inside the merge's
    transaction (`store/merging.py`); returns how many came in."""
    rows = theirs.execute(
        select(
            PATTERN.c.label, PATTERN.c.body, PATTERN.c.ent_id, PATTERN.c.file, PATTERN.c.imported_at
        )
        .where(PATTERN.c.dataset_id == their_id)
        .order_by(PATTERN.c.id)
    ).all()
    if not rows:
        return 0
    before = _count(ours, our_id)
    ours.execute(
        insert_or_ignore(ours, PATTERN),
        [{**row._mapping, "dataset_id": our_id} for row in rows],
    )
    return _count(ours, our_id) - before


def _count(conn: Any, dataset_id: int) -> int:
    return int(
        conn.execute(
            select(func.count()).select_from(PATTERN).where(PATTERN.c.dataset_id == dataset_id)
        ).scalar_one()
    )


def _pattern(label: str, body: str, ent_id: str) -> Pattern:
    return Pattern(label, body, json.loads(ent_id) if ent_id else None)
