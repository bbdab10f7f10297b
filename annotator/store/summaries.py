"""The document list's queries: counts, pages of summaries, positions, the next open one.

Every query touches only what a list row needs. A page is found in two steps: first the ids
of the page (a narrow query that sorts ids and sort keys only), then the summaries of those
ids (title, status, span counts). The title is computed in SQL from the meta and a bounded
prefix of the text, so no whole text ever reaches Python.

Sorting by id or status, and the status filter, are served by the (dataset_id, status)
index (100,000 documents: 40 ms for every id in order). Sorting by title, gold spans or
the time of the last change, and the text filter, read every document of the dataset
(100,000 articles of 3,600 characters: 0.13 to 0.5 s), so `summaries` pays that for each page
it is asked for; a list that pages through such an order takes `matching_ids` once and then
`summaries_of` for each page.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine

from annotator.core.model import Status
from annotator.core.summaries import OPEN_STATUSES, STATUS_ORDER, DocumentQuery, DocumentSummary
from annotator.store.db import read_transaction

# Every character Python's str.strip() removes, as an SQL constant for trim().
_WHITESPACE_CODES = (
    *range(0x09, 0x0E),
    *range(0x1C, 0x21),
    0x85,
    0xA0,
    0x1680,
    *range(0x2000, 0x200B),
    0x2028,
    0x2029,
    0x202F,
    0x205F,
    0x3000,
)
_WS = "char(" + ", ".join(str(code) for code in _WHITESPACE_CODES) + ")"

_META_TITLE = f"trim(json_extract(d.meta, '$.title'), {_WS})"
_HAS_META_TITLE = f"(json_type(d.meta, '$.title') = 'text' AND {_META_TITLE} <> '')"
_PREFIX = f"ltrim(substr(d.text, 1, 300), {_WS})"
_FIRST_LINE = f"substr({_PREFIX}, 1, instr({_PREFIX} || char(10), char(10)) - 1)"
# Document.title, for any text whose first line starts within its first 220 characters.
TITLE_SQL = (
    f"CASE WHEN {_HAS_META_TITLE} THEN {_META_TITLE}"
    f" ELSE trim(substr({_FIRST_LINE}, 1, 80), {_WS}) END"
)

_GOLD_STATES = "('accepted', 'manual')"
_LABEL_STATES = "('accepted', 'manual', 'suggested')"
_GOLD_SQL = (
    f"(SELECT count(*) FROM span s WHERE s.document_id = d.id AND s.state IN {_GOLD_STATES})"
)
_STATUS_RANK = (
    "CASE d.status "
    + " ".join(f"WHEN '{status.value}' THEN {rank}" for rank, status in enumerate(STATUS_ORDER))
    + f" ELSE {len(STATUS_ORDER)} END"
)
_SORT_SQL = {
    "id": None,
    "title": f"{TITLE_SQL} COLLATE NOCASE",
    "status": _STATUS_RANK,
    "gold": _GOLD_SQL,
    "updated": "d.updated_at",
}


class SummaryQueries:
    """The document-list part of `Store`."""

    _engine: Engine

    def count_matching(self, dataset_id: int, query: DocumentQuery) -> int:
        where, params = _where(dataset_id, query)
        with self._raw() as raw:
            (count,) = raw.execute(
                f"SELECT count(*) FROM document d WHERE {where}", params
            ).fetchone()
        return int(count)

    def summaries(
        self, dataset_id: int, query: DocumentQuery, offset: int, limit: int
    ) -> list[DocumentSummary]:
        """The rows `offset` to `offset + limit` of the list, in the query's order."""
        where, params = _where(dataset_id, query)
        order = _order(query, query.descending)
        with self._raw() as raw:
            ids = [
                int(row[0])
                for row in raw.execute(
                    f"SELECT d.id FROM document d WHERE {where} ORDER BY {order}"
                    " LIMIT :limit OFFSET :offset",
                    {**params, "limit": max(limit, 0), "offset": max(offset, 0)},
                )
            ]
            return _summaries_of(raw, ids)

    def matching_ids(self, dataset_id: int, query: DocumentQuery) -> list[int]:
        """Every matching document's id, in the query's order: one pass, whatever the order.

        A list that sorts by title or filters by text holds these ids and pages through them
        with `summaries_of`, instead of sorting or scanning the dataset again for each page.
        """
        where, params = _where(dataset_id, query)
        if query.sort == "id" and not query.descending:
            # The (dataset_id, status) index gives the ids a status at a time, each run in
            # order; sorting those runs here costs less than SQLite's temporary B-tree
            # (100,000 ids, the list at start: about 40% less).
            with self._raw() as raw:
                ids = [
                    row[0]
                    for row in raw.execute(f"SELECT d.id FROM document d WHERE {where}", params)
                ]
            ids.sort()
            return ids
        order = _order(query, query.descending)
        with self._raw() as raw:
            rows = raw.execute(
                f"SELECT d.id FROM document d WHERE {where} ORDER BY {order}", params
            )
            return [int(row[0]) for row in rows]

    def summaries_of(self, document_ids: Sequence[int]) -> list[DocumentSummary]:
        """The summaries of these documents, in this order; ids no longer stored are left out."""
        with self._raw() as raw:
            return _summaries_of(raw, list(document_ids))

    def position_of(self, dataset_id: int, query: DocumentQuery, document_id: int) -> int | None:
        """The row of a document in the list, or None when the query leaves it out."""
        where, params = _where(dataset_id, query)
        params = {**params, "document": document_id}
        with self._raw() as raw:
            key_sql = _SORT_SQL[query.sort] or "NULL"
            found = raw.execute(
                f"SELECT {key_sql} FROM document d WHERE {where} AND d.id = :document", params
            ).fetchone()
            if found is None:
                return None
            before = _after(query, not query.descending)
            (count,) = raw.execute(
                f"SELECT count(*) FROM document d WHERE {where} AND {before}",
                {**params, "key": found[0]},
            ).fetchone()
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
        open_query = DocumentQuery(
            statuses=statuses,
            label=query.label,
            text=query.text,
            sort=query.sort,
            descending=query.descending,
        )
        where, params = _where(dataset_id, open_query)
        order = _order(open_query, open_query.descending)
        params = {**params, "document": document_id}
        with self._raw() as raw:
            key_sql = _SORT_SQL[query.sort] or "NULL"
            current = raw.execute(
                f"SELECT {key_sql} FROM document d WHERE d.id = :document", params
            ).fetchone()
            if current is not None:
                after = _after(open_query, open_query.descending)
                found = raw.execute(
                    f"SELECT d.id FROM document d WHERE {where} AND {after}"
                    f" ORDER BY {order} LIMIT 1",
                    {**params, "key": current[0]},
                ).fetchone()
                if found is not None:
                    return int(found[0])
            first = raw.execute(
                f"SELECT d.id FROM document d WHERE {where} AND d.id <> :document"
                f" ORDER BY {order} LIMIT 1",
                params,
            ).fetchone()
        return None if first is None else int(first[0])

    def progress(self, dataset_id: int) -> tuple[int, int]:
        """(documents marked done, all documents) of a dataset."""
        with self._raw() as raw:
            done, total = raw.execute(
                "SELECT coalesce(sum(status = 'done'), 0), count(*) FROM document"
                " WHERE dataset_id = ?",
                (dataset_id,),
            ).fetchone()
        return int(done), int(total)

    @contextmanager
    def _raw(self) -> Iterator[Any]:
        """The driver connection inside one read snapshot (named parameters, no ORM cost)."""
        with read_transaction(self._engine) as conn:
            raw = conn.connection.driver_connection
            assert raw is not None
            yield raw


def _where(dataset_id: int, query: DocumentQuery) -> tuple[str, dict[str, Any]]:
    clauses = ["d.dataset_id = :dataset"]
    params: dict[str, Any] = {"dataset": dataset_id}
    if query.statuses:
        names = []
        for number, status in enumerate(sorted(query.statuses)):
            names.append(f":status{number}")
            params[f"status{number}"] = status.value
        clauses.append(f"d.status IN ({', '.join(names)})")
    if query.label:
        # One pass over the label's spans (ix_span_label), not one per document.
        clauses.append(
            "d.id IN (SELECT s.document_id FROM span s WHERE s.label = :label"
            f" AND s.state IN {_LABEL_STATES})"
        )
        params["label"] = query.label
    if query.text:
        clauses.append(_text_filter())
        params["pattern"] = like_pattern(query.text)
    return " AND ".join(clauses), params


def _text_filter() -> str:
    """Text or title contains the pattern, ignoring case.

    SQLite's LIKE folds ASCII letters only: "zurich" finds "Zurich", but "émile" does not
    find "Émile". The derived title is part of the text, so only a meta title needs its
    own test.
    """
    like = "LIKE :pattern ESCAPE '\\'"
    return f"(d.text {like} OR ({_HAS_META_TITLE} AND {_META_TITLE} {like}))"


def like_pattern(text: str) -> str:
    """A LIKE pattern matching `text` anywhere, with its own `%`, `_` and `\\` taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _order(query: DocumentQuery, descending: bool) -> str:
    direction = " DESC" if descending else ""
    key = _SORT_SQL[query.sort]
    if key is None:
        return f"d.id{direction}"
    return f"{key}{direction}, d.id{direction}"


def _after(query: DocumentQuery, descending: bool) -> str:
    """Rows after (key, document) in the order; before it when `descending` is flipped."""
    operator = "<" if descending else ">"
    key = _SORT_SQL[query.sort]
    if key is None:
        return f"d.id {operator} :document"
    return f"({key}, d.id) {operator} (:key, :document)"


_CHUNK = 500  # ids per statement, well under SQLite's limit on bound parameters


def _summaries_of(raw: Any, ids: list[int]) -> list[DocumentSummary]:
    rows: dict[int, Any] = {}
    for start in range(0, len(ids), _CHUNK):
        rows.update(_summary_rows(raw, ids[start : start + _CHUNK]))
    return [
        DocumentSummary(
            id=document_id,
            title=str(row[1]),
            status=Status(row[2]),
            gold=int(row[5]),
            suggested=int(row[6]),
            updated_at=float(row[3]),
            annotator=row[4],
        )
        for document_id in ids
        if (row := rows.get(document_id)) is not None
    ]


def _summary_rows(raw: Any, ids: list[int]) -> dict[int, Any]:
    marks = ", ".join("?" * len(ids))
    return {
        int(row[0]): row
        for row in raw.execute(
            f"SELECT d.id, {TITLE_SQL}, d.status, d.updated_at, d.annotator,"
            f" (SELECT count(*) FROM span s WHERE s.document_id = d.id"
            f" AND s.state IN {_GOLD_STATES}),"
            " (SELECT count(*) FROM span s WHERE s.document_id = d.id"
            " AND s.state = 'suggested')"
            f" FROM document d WHERE d.id IN ({marks})",
            ids,
        )
    }
