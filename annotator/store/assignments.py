"""Work assignment (schema 8): each annotator's queue of a dataset's documents.

`assign` deals a dataset's documents by the rule of `core/assignment.py` in one
transaction: the documents already assigned keep their annotators (only the others are
dealt, on top of them), unless `replace` deals them all again. The rest reads the queues
through the view `assignment_status`, which gives each assignment the status of its
annotator's version: how far everyone is (`annotator stats`), the next open document of
the store's annotator's queue (the window's "next"), and, for the document list, how
many of the others a document is assigned to have marked it done.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Engine,
    and_,
    case,
    delete,
    exists,
    func,
    insert,
    select,
)

from annotator.core.assignment import Assignment, QueueProgress, deal
from annotator.core.model import Status
from annotator.core.summaries import OPEN_STATUSES
from annotator.store.db import read_transaction, write_transaction
from annotator.store.perspective import ANNOTATION
from annotator.store.tables import ASSIGNMENT, ASSIGNMENT_STATUS, DOCUMENT, VERSION

_OPEN = [status.value for status in OPEN_STATUSES]
_CLOSED = [status.value for status in Status if status not in OPEN_STATUSES]
_CHUNK = 500  # ids per statement, well under SQLite's limit on bound parameters


@dataclass(frozen=True, slots=True)
class AssignReport:
    """What `assign` did: the assignments kept from before, the ones dealt now, and the
    ones a replacement removed."""

    kept: int
    dealt: list[Assignment]
    removed: int


class AssignmentQueries:
    """The assignment part of `Store`."""

    _engine: Engine
    annotator: str
    reviewing: bool

    def assign(
        self, dataset_id: int, annotators: Sequence[str], overlap: int, *, replace: bool = False
    ) -> AssignReport:
        """Deal the dataset's documents not yet assigned (every one with `replace`) to
        `overlap` of `annotators` each; refused whole, before anything is written, when
        the names or the overlap do not fit (`core.assignment.AssignmentError`)."""
        with write_transaction(self._engine) as conn:
            existing = [] if replace else _assignments(conn, dataset_id)
            documents = conn.execute(
                select(DOCUMENT.c.id).where(DOCUMENT.c.dataset_id == dataset_id)
            ).scalars()
            dealt = deal(documents, annotators, overlap, existing)
            removed = 0
            if replace:
                removed = conn.execute(
                    delete(ASSIGNMENT).where(ASSIGNMENT.c.dataset_id == dataset_id)
                ).rowcount
            now = time.time()
            rows = [
                {
                    "dataset_id": dataset_id,
                    "document_id": a.document_id,
                    "annotator": a.annotator,
                    "position": a.position,
                    "assigned_at": now,
                }
                for a in dealt
            ]
            if rows:
                conn.execute(insert(ASSIGNMENT), rows)
        return AssignReport(kept=len(existing), dealt=dealt, removed=removed)

    def assignments(self, dataset_id: int) -> list[Assignment]:
        """Every assignment of the dataset, by annotator and queue position."""
        with read_transaction(self._engine) as conn:
            return _assignments(conn, dataset_id)

    def queue_progress(self, dataset_id: int) -> list[QueueProgress]:
        """Each assigned annotator's count of documents, of those done, and of those
        done, skipped or rejected, by name."""
        view = ASSIGNMENT_STATUS.c
        statement = (
            select(
                view.annotator,
                func.count(),
                func.sum(case((view.status == Status.DONE.value, 1), else_=0)),
                func.sum(case((view.status.in_(_CLOSED), 1), else_=0)),
            )
            .where(view.dataset_id == dataset_id)
            .group_by(view.annotator)
            .order_by(view.annotator)
        )
        with read_transaction(self._engine) as conn:
            return [
                QueueProgress(str(name), int(assigned), int(done or 0), int(closed or 0))
                for name, assigned, done, closed in conn.execute(statement)
            ]

    def has_queue(self, dataset_id: int) -> bool:
        """Whether the store's annotator has documents assigned in the dataset."""
        statement = select(ASSIGNMENT.c.id).where(*_queue_of(self.annotator, dataset_id)).limit(1)
        with read_transaction(self._engine) as conn:
            return conn.execute(statement).first() is not None

    def queue_counts(self, dataset_id: int) -> tuple[int, int]:
        """(documents of the store's annotator's queue they marked done, all of it).

        From their done versions, each looked up in the queue by its unique key, and the
        length of the queue's range of `ix_assignment_queue`: 100,000 documents dealt to
        3 people, 2 each, take 0.15 s through the view, which looks a version up for each
        of the 66,666 in the queue."""
        v = VERSION.c
        done = (
            select(func.count())
            .select_from(
                VERSION.join(
                    ASSIGNMENT,
                    and_(
                        ASSIGNMENT.c.document_id == v.document_id,
                        ASSIGNMENT.c.annotator == v.annotator,
                    ),
                )
            )
            .where(
                v.annotator == self.annotator,
                v.kind == ANNOTATION,
                v.dataset_id == dataset_id,
                v.status == Status.DONE.value,
            )
        )
        assigned = select(func.count()).where(*_queue_of(self.annotator, dataset_id))
        with read_transaction(self._engine) as conn:
            return int(conn.execute(done).scalar_one()), int(conn.execute(assigned).scalar_one())

    def assigned(self, dataset_id: int) -> tuple[bool, bool]:
        """(whether anyone has documents assigned in the dataset, whether the store's
        annotator has), in one statement: the document list asks at every refresh."""
        anyone = select(ASSIGNMENT.c.id).where(ASSIGNMENT.c.dataset_id == dataset_id)
        mine = select(ASSIGNMENT.c.id).where(*_queue_of(self.annotator, dataset_id))
        statement = select(exists(anyone), exists(mine))
        with read_transaction(self._engine) as conn:
            found = conn.execute(statement).one()
        return bool(found[0]), bool(found[1])

    def next_in_queue(self, dataset_id: int, after: int | None) -> int | None:
        """The next new or in-progress document of the store's annotator's queue after
        the document `after` (from the start when it is not in the queue), wrapping
        round; never `after` itself; None when every one is done, skipped or rejected."""
        view = ASSIGNMENT_STATUS.c
        mine = (
            view.annotator == self.annotator,
            view.dataset_id == dataset_id,
            view.status.in_(_OPEN),
        )

        def first(*where: Any) -> int | None:
            found = conn.execute(
                select(view.document_id).where(*mine, *where).order_by(view.position).limit(1)
            ).first()
            return None if found is None else int(found[0])

        with read_transaction(self._engine) as conn:
            position = conn.execute(
                select(ASSIGNMENT.c.position).where(
                    *_queue_of(self.annotator, dataset_id), ASSIGNMENT.c.document_id == after
                )
            ).scalar()
            following = None if position is None else first(view.position > position)
            if following is None:
                following = first(view.document_id != (after or 0))
        return following


def assigned_to(annotator: str, dataset_id: int) -> ColumnElement[bool]:
    """The documents in the annotator's queue of the dataset (the list's filter)."""
    return DOCUMENT.c.id.in_(
        select(ASSIGNMENT.c.document_id).where(*_queue_of(annotator, dataset_id))
    )


def _queue_of(annotator: str, dataset_id: int) -> tuple[Any, ...]:
    return ASSIGNMENT.c.annotator == annotator, ASSIGNMENT.c.dataset_id == dataset_id


def _assignments(conn: Connection, dataset_id: int) -> list[Assignment]:
    a = ASSIGNMENT.c
    return [
        Assignment(int(document_id), str(annotator), int(position))
        for document_id, annotator, position in conn.execute(
            select(a.document_id, a.annotator, a.position)
            .where(a.dataset_id == dataset_id)
            .order_by(a.annotator, a.position)
        )
    ]


def others_progress(
    conn: Connection, document_ids: Sequence[int], annotator: str
) -> dict[int, tuple[int, int]]:
    """For each of the documents assigned to people other than `annotator`: how many of
    them marked their version done, and how many they are (documents assigned to nobody
    else are left out)."""
    view = ASSIGNMENT_STATUS.c
    found: dict[int, tuple[int, int]] = {}
    for start in range(0, len(document_ids), _CHUNK):
        chunk = document_ids[start : start + _CHUNK]
        for document_id, done, assigned in conn.execute(
            select(
                view.document_id,
                func.sum(case((view.status == Status.DONE.value, 1), else_=0)),
                func.count(),
            )
            .where(view.document_id.in_(chunk), view.annotator != annotator)
            .group_by(view.document_id)
        ):
            found[int(document_id)] = (int(done or 0), int(assigned))
    return found
