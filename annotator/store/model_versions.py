"""The pipelines trained for each dataset (`annotator train`), with their figures."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection, Engine, Row, func, select
from sqlalchemy.exc import IntegrityError

from annotator.core.errors import StoreError
from annotator.core.training import ModelVersion, Scores
from annotator.store.db import read_transaction, write_transaction
from annotator.store.tables import MODEL_VERSION


class ModelVersionQueries:
    """The model-version part of `Store`."""

    _engine: Engine

    def next_model_number(self, dataset_id: int) -> int:
        """The number the dataset's next trained version gets (1 for the first)."""
        with read_transaction(self._engine) as conn:
            highest = conn.execute(
                select(func.max(MODEL_VERSION.c.number)).where(
                    MODEL_VERSION.c.dataset_id == dataset_id
                )
            ).scalar_one()
        return int(highest or 0) + 1

    def add_model_version(self, version: ModelVersion) -> None:
        """Record a trained version (its number must be new for the dataset)."""
        try:
            with write_transaction(self._engine) as conn:
                _insert(conn, version)
        except IntegrityError:
            raise StoreError(f"the dataset already has a model version {version.number}") from None

    def model_versions(self, dataset_id: int) -> list[ModelVersion]:
        """The dataset's trained versions, oldest first."""
        with read_transaction(self._engine) as conn:
            rows = conn.execute(
                select(MODEL_VERSION)
                .where(MODEL_VERSION.c.dataset_id == dataset_id)
                .order_by(MODEL_VERSION.c.number)
            ).all()
        return [_version(row) for row in rows]


def _insert(conn: Connection, version: ModelVersion) -> None:
    conn.execute(
        MODEL_VERSION.insert().values(
            dataset_id=version.dataset_id,
            number=version.number,
            path=version.path,
            base=version.base,
            created_at=version.created_at,
            seconds=version.seconds,
            scores=json.dumps(version.scores.as_json()),
            train_documents=version.train_documents,
            eval_documents=version.eval_documents,
        )
    )


def _version(row: Row[Any]) -> ModelVersion:
    return ModelVersion(
        dataset_id=row.dataset_id,
        number=row.number,
        path=row.path,
        base=row.base,
        created_at=row.created_at,
        seconds=row.seconds,
        scores=Scores.from_json(json.loads(row.scores or "{}")),
        train_documents=row.train_documents,
        eval_documents=row.eval_documents,
    )
