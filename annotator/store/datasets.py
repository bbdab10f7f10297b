"""Datasets, their label sets and settings (model and model-label mapping)."""

from __future__ import annotations

import json
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Engine, Row, delete, func, select, update
from sqlalchemy.exc import IntegrityError

from annotator.core.errors import NotFoundError, StoreError
from annotator.core.model import Dataset, Label, dataset_name_problem
from annotator.core.summaries import Newest
from annotator.store.db import read_transaction, write_transaction
from annotator.store.labels import append_labels, settings_json
from annotator.store.tables import DATASET, DOCUMENT, LABEL


@dataclass(frozen=True, slots=True)
class NewDataset:
    """A dataset to create in the same transaction as its first documents (an import)."""

    name: str
    lang: str = "en"
    allow_overlap: bool = False
    labels: tuple[Label, ...] = ()
    label_map: Mapping[str, str] = field(default_factory=dict)
    model: str | None = None


def insert_dataset(conn: Connection, spec: NewDataset) -> int:
    """Insert the dataset and its labels inside the caller's transaction; return its id."""
    _check_dataset_name(spec.name)
    try:
        result = conn.execute(
            DATASET.insert().values(
                name=spec.name,
                lang=spec.lang,
                allow_overlap=spec.allow_overlap,
                settings=settings_json(spec.model, spec.label_map),
                created_at=time.time(),
            )
        )
    except IntegrityError:
        raise StoreError(f"a dataset named {spec.name!r} already exists") from None
    key = result.inserted_primary_key
    assert key is not None
    dataset_id = int(key[0])
    append_labels(conn, dataset_id, spec.labels)
    return dataset_id


class DatasetQueries:
    """The dataset half of `Store`."""

    _engine: Engine

    def list_datasets(self) -> list[Dataset]:
        with read_transaction(self._engine) as conn:
            rows = conn.execute(select(DATASET).order_by(DATASET.c.name)).all()
            return [self._dataset(conn, row) for row in rows]

    def get_dataset(self, name: str) -> Dataset:
        with read_transaction(self._engine) as conn:
            row = conn.execute(select(DATASET).where(DATASET.c.name == name)).first()
            if row is None:
                raise NotFoundError(f"there is no dataset named {name!r}{self._known_names(conn)}")
            return self._dataset(conn, row)

    def find_dataset(self, name: str) -> Dataset | None:
        try:
            return self.get_dataset(name)
        except NotFoundError:
            return None

    def create_dataset(
        self,
        name: str,
        *,
        labels: Sequence[Label] = (),
        lang: str = "en",
        allow_overlap: bool = False,
        model: str | None = None,
        label_map: Mapping[str, str] | None = None,
    ) -> Dataset:
        spec = NewDataset(name, lang, allow_overlap, tuple(labels), label_map or {}, model)
        with write_transaction(self._engine) as conn:
            insert_dataset(conn, spec)
        return self.get_dataset(name)

    def rename_dataset(self, old: str, new: str) -> Dataset:
        _check_dataset_name(new)
        dataset = self.get_dataset(old)
        if self.find_dataset(new) is not None:
            raise StoreError(f"a dataset named {new!r} already exists")
        try:
            with write_transaction(self._engine) as conn:
                conn.execute(update(DATASET).where(DATASET.c.id == dataset.id).values(name=new))
        except IntegrityError:  # created by another process in the meantime
            raise StoreError(f"a dataset named {new!r} already exists") from None
        return self.get_dataset(new)

    def set_lang(self, dataset_id: int, lang: str) -> None:
        """Set the dataset's language (the caller checks that spaCy has it)."""
        with write_transaction(self._engine) as conn:
            conn.execute(update(DATASET).where(DATASET.c.id == dataset_id).values(lang=lang))

    def delete_dataset(self, name: str) -> int:
        """Delete a dataset with its documents and spans; return how many documents went."""
        dataset = self.get_dataset(name)
        with write_transaction(self._engine) as conn:
            count = conn.execute(
                select(func.count()).where(DOCUMENT.c.dataset_id == dataset.id)
            ).scalar_one()
            conn.execute(delete(DATASET).where(DATASET.c.id == dataset.id))
        return int(count)

    def newest(self) -> Newest:
        """The newest dataset and document, and which dataset was added to last.

        Read from the ends of the primary keys: no scan, however many documents there are.
        """
        with read_transaction(self._engine) as conn:
            dataset = conn.execute(
                select(DATASET.c.id, DATASET.c.created_at).order_by(DATASET.c.id.desc()).limit(1)
            ).first()
            document = conn.execute(
                select(DOCUMENT.c.id, DOCUMENT.c.dataset_id, DOCUMENT.c.created_at)
                .order_by(DOCUMENT.c.id.desc())
                .limit(1)
            ).first()
        if dataset is None:
            return Newest()
        if document is None:
            return Newest(dataset[0], 0, dataset[0])
        later = dataset[0] if dataset[1] > document[2] else document[1]
        return Newest(dataset[0], document[0], later)

    def _dataset(self, conn: Connection, row: Row[Any]) -> Dataset:
        labels = conn.execute(
            select(LABEL.c.name, LABEL.c.color, LABEL.c.hotkey, LABEL.c.description)
            .where(LABEL.c.dataset_id == row.id)
            .order_by(LABEL.c.position)
        ).all()
        settings = json.loads(row.settings or "{}")
        return Dataset(
            id=row.id,
            name=row.name,
            labels=tuple(Label(*label) for label in labels),
            lang=row.lang,
            allow_overlap=bool(row.allow_overlap),
            created_at=row.created_at,
            model=settings.get("model"),
            label_map=dict(settings.get("label_map", {})),
        )

    @staticmethod
    def _known_names(conn: Connection) -> str:
        names = conn.execute(select(DATASET.c.name).order_by(DATASET.c.name)).scalars().all()
        return f" (datasets: {', '.join(names)})" if names else " (the store has no datasets yet)"


def _check_dataset_name(name: str) -> None:
    problem = dataset_name_problem(name)
    if problem:
        raise StoreError(problem)
