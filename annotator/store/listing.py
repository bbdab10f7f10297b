"""The document list's ids for its status filter and status order, as ranges of an index.

The list shows a dataset as one annotator sees it: the status of their version of each
document, "new" where they have none. Looking that version up for every document costs a
search per document (100,000 documents: 0.16 s for the open statuses, 0.4 s to sort by
status). These two queries need less. The annotator's versions of the dataset with one
status are a range of `ix_version_list` (annotator, kind, dataset, status, document), in
id order, read as one JSON array (half the time of a row per id through the driver). The
documents they have no version of are the dataset's ids in the gaps between their
versioned ones: found by bisection over those ids (a stretch without a gap has as many
ids as its ends are apart), then read by id range, a search per gap; where there are
many gaps (datasets whose ids interleave), by one anti-join instead.

`ids` answers a status filter and the status order when no other filter is set (and
"assigned to me" with them or alone: the annotator's queue, a range of
`ix_assignment_queue`), and returns None for every other query: `summaries.py` runs its
general statement then.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    String,
    Subquery,
    and_,
    select,
    union_all,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import GenericFunction

from annotator.core.model import Status
from annotator.core.summaries import STATUS_ORDER, DocumentQuery
from annotator.store.perspective import Viewer
from annotator.store.tables import ASSIGNMENT, DOCUMENT, VERSION

# Beyond this many gaps between an annotator's versioned ids, one anti-join (a search
# per document of the dataset) costs less than a statement per gap.
_MOST_GAPS = 64


def ids(
    conn: Connection, dataset_id: int, query: DocumentQuery, viewer: Viewer
) -> list[int] | None:
    """The matching ids in the query's order, or None when the query is not one of these."""
    if query.assigned is not None:
        return _in_queue(conn, dataset_id, query, viewer)
    others = query.label or query.text or query.review is not None or query.annotator
    if others or query.sort not in ("id", "status") or (query.sort == "id" and not query.statuses):
        return None
    wanted = [s for s in STATUS_ORDER if not query.statuses or s in query.statuses]
    found = seen_by_status(conn, dataset_id, viewer, wanted)
    if query.sort == "id":
        unordered = [i for status in wanted for i in found[status]]
        unordered.sort()
        return unordered
    ordered = [i for status in wanted for i in found[status]]
    return ordered[::-1] if query.descending else ordered


def _in_queue(
    conn: Connection, dataset_id: int, query: DocumentQuery, viewer: Viewer
) -> list[int] | None:
    """The ids of the query without its `assigned`, kept if in that annotator's queue."""
    queue = _sorted_ids(
        conn,
        ASSIGNMENT.c.document_id,
        ASSIGNMENT.c.annotator == query.assigned,
        ASSIGNMENT.c.dataset_id == dataset_id,
    )
    rest = replace(query, assigned=None)
    if not rest.is_filtered and rest.sort == "id":
        return queue
    found = ids(conn, dataset_id, rest, viewer)
    if found is None:
        return None
    held = set(queue)
    return [i for i in found if i in held]


def seen_by_status(
    conn: Connection, dataset_id: int, viewer: Viewer, statuses: list[Status]
) -> dict[Status, list[int]]:
    """The dataset's documents the annotator sees in each of `statuses`, each in id order
    ("new": with the ones they have no version of)."""
    mine = and_(
        VERSION.c.annotator == viewer.annotator,
        VERSION.c.kind == viewer.kind,
        VERSION.c.dataset_id == dataset_id,
    )

    def held(status: Status) -> list[int]:
        return _sorted_ids(conn, VERSION.c.document_id, mine, VERSION.c.status == status.value)

    found = {status: held(status) for status in statuses}
    if Status.NEW not in found:
        return found
    # Every versioned id, to find the gaps: the other statuses' ranges too.
    versioned = [i for ids in found.values() for i in ids]
    versioned += [i for status in STATUS_ORDER if status not in found for i in held(status)]
    versioned.sort()  # sorted runs: merged
    without = _without_version(conn, dataset_id, mine, versioned)
    if without:
        found[Status.NEW] = sorted(found[Status.NEW] + without)
    return found


def gaps(versioned: list[int]) -> list[tuple[int | None, int | None]]:
    """The open intervals of ids between sorted, distinct `versioned` ids that hold none
    of them, with the ones before the first and after the last (None: unbounded).

    By bisection: a stretch whose ends are as far apart as its length holds every id
    between them, so only stretches with a gap are split (O(gaps * log n))."""
    if not versioned:
        return [(None, None)]
    found: list[tuple[int | None, int | None]] = [(None, versioned[0])]
    stack = [(0, len(versioned) - 1)]
    while stack:
        low, high = stack.pop()
        if versioned[high] - versioned[low] == high - low:
            continue
        if high == low + 1:
            found.append((versioned[low], versioned[high]))
            continue
        middle = (low + high) // 2
        stack.append((middle, high))
        stack.append((low, middle))
    found.append((versioned[-1], None))
    return found


def _without_version(
    conn: Connection, dataset_id: int, mine: ColumnElement[bool], versioned: list[int]
) -> list[int]:
    """The dataset's documents the annotator has no version of, in id order."""
    in_dataset = DOCUMENT.c.dataset_id == dataset_id
    between = gaps(versioned)
    if len(between) > _MOST_GAPS:
        mine_ids = select(VERSION.c.document_id).where(mine)
        return _sorted_ids(conn, DOCUMENT.c.id, in_dataset, DOCUMENT.c.id.not_in(mine_ids))
    ranges = []
    for low, high in between:  # one search of ix_document_dataset each, in one statement
        where = [in_dataset]
        if low is not None:
            where.append(DOCUMENT.c.id > low)
        if high is not None:
            where.append(DOCUMENT.c.id < high)
        ranges.append(select(DOCUMENT.c.id.label("value")).where(*where))
    return _sorted(conn, union_all(*ranges).subquery())


def _sorted_ids(conn: Connection, column: ColumnElement[Any], *where: Any) -> list[int]:
    """The values of an integer column where `where` holds, ascending."""
    return _sorted(conn, select(column.label("value")).where(*where).subquery())


class _IntArray(GenericFunction[str]):
    """The values of an integer column as one JSON array, as text ("[]" for none)."""

    type = String()
    inherit_cache = True
    name = "int_array"


@compiles(_IntArray)
def _int_array_sqlite(element: _IntArray, compiler: Any, **kw: Any) -> str:
    return f"json_group_array({compiler.process(element.clauses, **kw)})"


@compiles(_IntArray, "postgresql")
def _int_array_pg(element: _IntArray, compiler: Any, **kw: Any) -> str:
    values = compiler.process(element.clauses, **kw)
    return f"CAST(COALESCE(json_agg({values}), CAST('[]' AS json)) AS text)"


def _sorted(conn: Connection, inner: Subquery) -> list[int]:
    """The integers of `inner`'s column `value`, ascending.

    Read as one JSON array (half the time of a row each through the driver). SQLite gives
    them in the order of the index it reads, which it does not promise for an aggregate,
    so they are sorted here: in linear time when they come sorted.
    """
    statement: Select[Any] = select(_IntArray(inner.c.value))
    values: list[int] = json.loads(conn.execute(statement).scalar_one())
    values.sort()
    return values
