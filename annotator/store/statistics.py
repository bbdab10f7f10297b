"""Counts for progress and `annotator stats`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, Select, func, select

from annotator.store.db import read_transaction
from annotator.store.tables import DOCUMENT, SPAN


@dataclass(frozen=True, slots=True)
class Stats:
    documents_by_status: dict[str, int]
    spans_by_label: dict[str, dict[str, int]]  # label -> state -> count
    documents_by_annotator: dict[str, dict[str, int]]  # annotator -> status -> count


class StatisticsQueries:
    """The counting part of `Store`."""

    _engine: Engine

    def stats(self, dataset_id: int | None = None) -> Stats:
        def of_dataset(query: Select[Any]) -> Select[Any]:
            return query if dataset_id is None else query.where(DOCUMENT.c.dataset_id == dataset_id)

        d, s = DOCUMENT.c, SPAN.c
        with read_transaction(self._engine) as conn:
            by_status = {
                str(status): int(n)
                for status, n in conn.execute(
                    of_dataset(select(d.status, func.count()).group_by(d.status))
                )
            }
            by_label: dict[str, dict[str, int]] = {}
            for label, state, n in conn.execute(
                of_dataset(
                    select(s.label, s.state, func.count())
                    .select_from(SPAN.join(DOCUMENT, d.id == s.document_id))
                    .group_by(s.label, s.state)
                )
            ):
                by_label.setdefault(str(label), {})[str(state)] = int(n)
            by_annotator: dict[str, dict[str, int]] = {}
            for annotator, status, n in conn.execute(
                of_dataset(
                    select(d.annotator, d.status, func.count()).group_by(d.annotator, d.status)
                )
            ):
                if annotator is not None:
                    by_annotator.setdefault(str(annotator), {})[str(status)] = int(n)
        return Stats(by_status, by_label, by_annotator)
