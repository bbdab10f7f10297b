"""Counts for progress and `annotator stats`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, Select, func, select

from annotator.store.db import read_transaction
from annotator.store.perspective import ANNOTATION, acting_kind, seen_spans, status_of
from annotator.store.tables import DOCUMENT, SPAN, VERSION


@dataclass(frozen=True, slots=True)
class Stats:
    documents_by_status: dict[str, int]  # as the store's annotator sees them
    spans_by_label: dict[str, dict[str, int]]  # label -> state -> count, theirs
    documents_by_annotator: dict[str, dict[str, int]]  # annotator -> status -> count
    versions_by_kind: dict[str, int]  # "annotation", "review", "conflict" -> count


class StatisticsQueries:
    """The counting part of `Store`."""

    _engine: Engine
    annotator: str
    reviewing: bool

    def stats(self, dataset_id: int | None = None) -> Stats:
        def of_dataset(query: Select[Any]) -> Select[Any]:
            return query if dataset_id is None else query.where(DOCUMENT.c.dataset_id == dataset_id)

        s, v = SPAN.c, VERSION.c
        status = status_of(self.annotator, acting_kind(self.reviewing))
        versions = VERSION.join(DOCUMENT, DOCUMENT.c.id == v.document_id)
        with read_transaction(self._engine) as conn:
            by_status = {
                str(found): int(n)
                for found, n in conn.execute(
                    of_dataset(select(status, func.count()).select_from(DOCUMENT).group_by(status))
                )
            }
            by_label: dict[str, dict[str, int]] = {}
            for label, state, n in conn.execute(
                of_dataset(
                    select(s.label, s.state, func.count())
                    .select_from(SPAN.join(DOCUMENT, DOCUMENT.c.id == s.document_id))
                    .where(seen_spans(self.annotator, acting_kind(self.reviewing)))
                    .group_by(s.label, s.state)
                )
            ):
                by_label.setdefault(str(label), {})[str(state)] = int(n)
            by_annotator: dict[str, dict[str, int]] = {}
            for annotator, found, n in conn.execute(
                of_dataset(
                    select(v.annotator, v.status, func.count())
                    .select_from(versions)
                    .where(v.kind == ANNOTATION)
                    .group_by(v.annotator, v.status)
                )
            ):
                by_annotator.setdefault(str(annotator), {})[str(found)] = int(n)
            by_kind = {
                str(kind): int(n)
                for kind, n in conn.execute(
                    of_dataset(select(v.kind, func.count()).select_from(versions).group_by(v.kind))
                )
            }
        return Stats(by_status, by_label, by_annotator, by_kind)
