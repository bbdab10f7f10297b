"""The document list's queries: counts, pages of summaries, positions, the next open one.

Every query touches only what a list row needs. A page is found in two steps: first the ids
of the page (a narrow query that sorts ids and sort keys only), then the summaries of those
ids (title, status, span counts). The title is computed in SQL (`titles.py`), so no whole
text ever reaches Python; which documents a query keeps is `list_filters.py`'s.

Each document is shown as the store's annotator sees it (`perspective.py`). Every id in
order comes from `ix_document_dataset`; the status filter and the status order from ranges
of the annotator's versions (`listing.py`); the other orders and a page's rows join the
annotator's version of each document once (`perspective.seen_join`, one search of
`ix_version_seen`, which holds the status and the last change), never a subquery per
column. Sorting by title or gold spans, and the text filter, read every document of the
dataset (100,000 articles of 3,600 characters: 0.1 to 0.5 s), so `summaries` pays that for
each page it is asked for; a list that pages through such an order takes `matching_ids`
once and then `summaries_of` for each page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Engine,
    case,
    func,
    literal,
    null,
    select,
    tuple_,
)

from annotator.core.model import SpanState, Status
from annotator.core.summaries import (
    OPEN_STATUSES,
    STATUS_ORDER,
    DocumentQuery,
    DocumentSummary,
)
from annotator.store import fast_path, listing
from annotator.store.assignments import others_progress
from annotator.store.db import read_transaction
from annotator.store.list_filters import list_filter
from annotator.store.perspective import (
    SEEN_OWNER,
    SEEN_STATUS,
    SEEN_UPDATED,
    SEEN_VERSION,
    Viewer,
    acting_kind,
    seen_join,
)
from annotator.store.review_filters import GOLD_STATES, version_count
from annotator.store.sql_functions import (
    caseless,
)
from annotator.store.tables import DOCUMENT, SPAN, VERSION
from annotator.store.titles import TITLE


def _span_count(*states: str) -> ColumnElement[int]:
    """How many of the spans the annotator sees in the document are in one of `states`
    (in a statement over `seen_join`)."""
    return (
        select(func.count())
        .where(
            SPAN.c.document_id == DOCUMENT.c.id,
            SPAN.c.version_id == SEEN_VERSION,
            SPAN.c.state.in_(states),
        )
        .scalar_subquery()
    )


# The list's sort keys, as the annotator sees the documents (in statements over `seen_join`).
_SORT_KEYS: dict[str, ColumnElement[Any] | None] = {
    "id": None,
    "title": caseless(TITLE),
    "status": case(
        {status.value: rank for rank, status in enumerate(STATUS_ORDER)},
        value=SEEN_STATUS,
        else_=len(STATUS_ORDER),
    ),
    "gold": _span_count(*GOLD_STATES),
    "updated": SEEN_UPDATED,
    "versions": version_count(),
}


def _viewer(store: SummaryQueries) -> Viewer:
    return Viewer(store.annotator, acting_kind(store.reviewing))


class SummaryQueries:
    """The document-list part of `Store`."""

    _engine: Engine
    annotator: str
    reviewing: bool

    def count_matching(self, dataset_id: int, query: DocumentQuery) -> int:
        with read_transaction(self._engine) as conn:
            count = conn.execute(
                select(func.count())
                .select_from(DOCUMENT)
                .where(list_filter(dataset_id, query, _viewer(self)))
            ).scalar_one()
        return int(count)

    def summaries(
        self, dataset_id: int, query: DocumentQuery, offset: int, limit: int
    ) -> list[DocumentSummary]:
        """The rows `offset` to `offset + limit` of the list, in the query's order."""
        with read_transaction(self._engine) as conn:
            ids = [
                int(row[0])
                for row in conn.execute(
                    select(DOCUMENT.c.id)
                    .select_from(_joined(query, _viewer(self)))
                    .where(list_filter(dataset_id, query, _viewer(self)))
                    .order_by(*_order(query, query.descending))
                    .limit(max(limit, 0))
                    .offset(max(offset, 0))
                )
            ]
            return _summaries_of(conn, ids, _viewer(self))

    def matching_ids(self, dataset_id: int, query: DocumentQuery) -> list[int]:
        """Every matching document's id, in the query's order: one pass, whatever the order.

        A list that sorts by title or filters by text holds these ids and pages through them
        with `summaries_of`, instead of sorting or scanning the dataset again for each page.
        """
        viewer = _viewer(self)
        where = list_filter(dataset_id, query, viewer)
        statement = select(DOCUMENT.c.id).select_from(_joined(query, viewer)).where(where)
        with read_transaction(self._engine) as conn:
            found = listing.ids(conn, dataset_id, query, viewer)
            if found is not None:
                return found
            return fast_path.ids(conn, statement.order_by(*_order(query, query.descending)))

    def summaries_of(self, document_ids: Sequence[int]) -> list[DocumentSummary]:
        """The summaries of these documents, in this order; ids no longer stored are left out."""
        with read_transaction(self._engine) as conn:
            return _summaries_of(conn, list(document_ids), _viewer(self))

    def position_of(self, dataset_id: int, query: DocumentQuery, document_id: int) -> int | None:
        """The row of a document in the list, or None when the query leaves it out."""
        viewer = _viewer(self)
        where = list_filter(dataset_id, query, viewer)
        with read_transaction(self._engine) as conn:
            found = conn.execute(
                select(_sort_key(query))
                .select_from(_joined(query, viewer))
                .where(where, DOCUMENT.c.id == document_id)
            ).first()
            if found is None:
                return None
            before = _after(query, not query.descending, found[0], document_id)
            count = conn.execute(
                select(func.count()).select_from(_joined(query, viewer)).where(where, before)
            ).scalar_one()
        return int(count)

    def next_open_after(
        self, dataset_id: int, query: DocumentQuery, document_id: int
    ) -> int | None:
        """The id of the next new or in-progress document after this one, in the query's order.

        The search wraps around to the top and never returns `document_id` itself. The
        document need not match the query any more (it was just marked done, say): its
        place in the order is where its sort key puts it.
        """
        statuses = query.statuses & OPEN_STATUSES if query.statuses else OPEN_STATUSES
        if not statuses:
            return None
        open_query = replace(query, statuses=statuses)
        viewer = _viewer(self)
        where = list_filter(dataset_id, open_query, viewer)
        order = _order(open_query, open_query.descending)
        joined = _joined(query, viewer)
        with read_transaction(self._engine) as conn:
            current = conn.execute(
                select(_sort_key(query)).select_from(joined).where(DOCUMENT.c.id == document_id)
            ).first()
            if current is not None:
                after = _after(open_query, open_query.descending, current[0], document_id)
                found = conn.execute(
                    select(DOCUMENT.c.id)
                    .select_from(joined)
                    .where(where, after)
                    .order_by(*order)
                    .limit(1)
                ).first()
                if found is not None:
                    return int(found[0])
            first = conn.execute(
                select(DOCUMENT.c.id)
                .select_from(joined)
                .where(where, DOCUMENT.c.id != document_id)
                .order_by(*order)
                .limit(1)
            ).first()
        return None if first is None else int(first[0])

    def progress(self, dataset_id: int) -> tuple[int, int]:
        """(documents marked done, all documents) of a dataset."""
        # The annotator's done versions, counted from the version index, not a status
        # looked up for each document (100,000 documents: 0.09 s instead of 1.3 s).
        annotator, kind = _viewer(self)
        done = select(func.count()).where(
            VERSION.c.annotator == annotator,
            VERSION.c.kind == kind,
            VERSION.c.dataset_id == dataset_id,
            VERSION.c.status == Status.DONE.value,
        )
        total = select(func.count()).where(DOCUMENT.c.dataset_id == dataset_id)
        with read_transaction(self._engine) as conn:
            done_count = conn.execute(done).scalar_one()
            total_count = conn.execute(total).scalar_one()
        return int(done_count), int(total_count)


def _joined(query: DocumentQuery, viewer: Viewer) -> Any:
    """What a statement of the list reads from: with the viewer's versions joined when its
    order needs them (SQLite keeps an unused LEFT JOIN: a search per document)."""
    return seen_join(viewer) if query.sort in ("status", "gold", "updated") else DOCUMENT


def _sort_key(query: DocumentQuery) -> ColumnElement[Any]:
    key = _SORT_KEYS[query.sort]
    return null() if key is None else key


def _order(query: DocumentQuery, descending: bool) -> list[ColumnElement[Any]]:
    key = _SORT_KEYS[query.sort]
    keys: list[ColumnElement[Any]] = [DOCUMENT.c.id] if key is None else [key, DOCUMENT.c.id]
    return [column.desc() for column in keys] if descending else keys


def _after(
    query: DocumentQuery, descending: bool, key: object, document_id: int
) -> ColumnElement[bool]:
    """Rows after (key, document) in the order; before it when `descending` is flipped."""
    sort_key = _SORT_KEYS[query.sort]
    if sort_key is None:
        return DOCUMENT.c.id < document_id if descending else DOCUMENT.c.id > document_id
    row = tuple_(sort_key, DOCUMENT.c.id)
    at = tuple_(literal(key), literal(document_id))
    return row < at if descending else row > at


_CHUNK = 500  # ids per statement, well under SQLite's limit on bound parameters


def _summaries_of(conn: Connection, ids: list[int], viewer: Viewer) -> list[DocumentSummary]:
    rows: dict[int, Any] = {}
    for start in range(0, len(ids), _CHUNK):
        rows.update(_summary_rows(conn, ids[start : start + _CHUNK], viewer))
    team = others_progress(conn, ids, viewer.annotator)
    return [
        DocumentSummary(
            id=document_id,
            title=str(row[1]),
            status=Status(row[2]),
            gold=int(row[5]),
            suggested=int(row[6]),
            updated_at=float(row[3]),
            annotator=row[4],
            versions=int(row[7]),
            others_done=team.get(document_id, (0, 0))[0],
            others_assigned=team.get(document_id, (0, 0))[1],
        )
        for document_id in ids
        if (row := rows.get(document_id)) is not None
    ]


def _summary_rows(conn: Connection, ids: list[int], viewer: Viewer) -> dict[int, Any]:
    return {
        int(row[0]): row
        for row in conn.execute(
            select(
                DOCUMENT.c.id,
                TITLE,
                SEEN_STATUS,
                SEEN_UPDATED,
                SEEN_OWNER,
                _span_count(*GOLD_STATES),
                _span_count(SpanState.SUGGESTED.value),
                version_count(),
            )
            .select_from(seen_join(viewer))
            .where(DOCUMENT.c.id.in_(ids))
        )
    }
