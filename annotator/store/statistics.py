"""Counts for progress and `annotator stats`."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from annotator.store.db import read_transaction


@dataclass(frozen=True, slots=True)
class Stats:
    documents_by_status: dict[str, int]
    spans_by_label: dict[str, dict[str, int]]  # label -> state -> count
    documents_by_annotator: dict[str, dict[str, int]]  # annotator -> status -> count


class StatisticsQueries:
    """The counting part of `Store`."""

    _engine: Engine

    def stats(self, dataset_id: int | None = None) -> Stats:
        where = "" if dataset_id is None else " WHERE d.dataset_id = ?"
        params: tuple[int, ...] = () if dataset_id is None else (dataset_id,)
        with read_transaction(self._engine) as conn:
            by_status = {
                str(status): int(n)
                for status, n in conn.exec_driver_sql(
                    f"SELECT d.status, count(*) FROM document d{where} GROUP BY d.status", params
                )
            }
            by_label: dict[str, dict[str, int]] = {}
            for label, state, n in conn.exec_driver_sql(
                "SELECT s.label, s.state, count(*) FROM span s JOIN document d"
                f" ON d.id = s.document_id{where} GROUP BY s.label, s.state",
                params,
            ):
                by_label.setdefault(str(label), {})[str(state)] = int(n)
            by_annotator: dict[str, dict[str, int]] = {}
            for annotator, status, n in conn.exec_driver_sql(
                f"SELECT d.annotator, d.status, count(*) FROM document d{where}"
                " GROUP BY d.annotator, d.status",
                params,
            ):
                if annotator is not None:
                    by_annotator.setdefault(str(annotator), {})[str(status)] = int(n)
        return Stats(by_status, by_label, by_annotator)
