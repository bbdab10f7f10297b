"""Reading a dataset as a stream: two ordered scans merged as they go, so memory stays flat.

`stream_statements` and `documents_with_spans` give each document as one annotator sees
it (`DocumentQueries.stream_documents`); `versions_with_spans` gives every version
(`VersionQueries.stream_versions`). `merged_scans` runs the two statements (a server's
as server-side cursors) and closes both when the reader stops, even early.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import replace
from typing import Any, TypeVar

from sqlalchemy import Connection, Select, func, null, select

from annotator.core.model import Document, Span, Status
from annotator.core.token_json import unpacked
from annotator.core.tokens import Tokens
from annotator.core.versions import VersionChoice
from annotator.store.perspective import (
    REVIEW,
    chosen_columns,
    chosen_spans,
    chosen_status,
    has_chosen,
)
from annotator.store.rows import SPAN_COLUMNS, SPAN_ORDER, SPAN_STATES, document_from_row
from annotator.store.server import streamed
from annotator.store.tables import DOCUMENT, SPAN

# Stream a dataset by walking its id range when it holds at least 1/N of the rows there.
_DENSE_RANGE = 4

# What `iter_documents` yields: a document, its stored tokens (None when never saved) and,
# when asked for, their Prodigy JSON (None when not stored; see `token_columns`).
StoredDocument = tuple[Document, Tokens | None, bytes | None]


T = TypeVar("T")


def merged_scans(
    conn: Connection,
    first: Select[Any],
    second: Select[Any],
    merge: Callable[[Iterable[Sequence[Any]], Iterable[Sequence[Any]]], Iterator[T]],
) -> Iterator[T]:
    """What `merge` makes of two ordered statements' rows, read as they come (a server's
    through server-side cursors); a reader that stops early closes both at once."""
    rows = streamed(conn)
    first_rows, second_rows = rows.execute(first), rows.execute(second)
    try:
        yield from merge(first_rows, second_rows)
    finally:
        first_rows.close()
        second_rows.close()


def stream_statements(
    conn: Connection,
    dataset_id: int,
    statuses: Collection[Status] | None,
    choice: VersionChoice,
    *,
    with_tokens: bool,
    with_token_json: bool,
) -> tuple[Select[Any], Select[Any]] | None:
    """The two queries `stream_documents` merges, or None for an empty dataset.

    When the dataset holds a good share of the rows between its first and last id
    (imports add documents in blocks), both walk that id range, which hands the rows over
    in order; through the dataset/status index SQLite would sort every row, texts and
    tokens included, before the first.
    """
    count, first, last = conn.execute(
        select(func.count(), func.min(DOCUMENT.c.id), func.max(DOCUMENT.c.id)).where(
            DOCUMENT.c.dataset_id == dataset_id
        )
    ).one()
    if not count:
        return None
    where = DOCUMENT.c.dataset_id == dataset_id
    if count * _DENSE_RANGE >= last - first + 1:
        # `+ 0` keeps SQLite off the (dataset_id, input_hash) index: it walks the ids.
        where = (DOCUMENT.c.dataset_id + 0 == dataset_id) & DOCUMENT.c.id.between(first, last)
    where = where & has_chosen(choice)
    if statuses:
        where = where & chosen_status(choice).in_([status.value for status in statuses])
    extra = (
        DOCUMENT.c.tokens if with_tokens else null(),
        DOCUMENT.c.token_json if with_token_json else null(),
    )
    documents = select(*chosen_columns(choice), *extra).where(where).order_by(DOCUMENT.c.id)
    # The span index read in document order, one matching document after the other.
    spans = (
        select(SPAN.c.document_id, *SPAN_COLUMNS)
        .where(SPAN.c.document_id.in_(select(DOCUMENT.c.id).where(where)), chosen_spans(choice))
        .order_by(*SPAN_ORDER)
    )
    return documents, spans


def documents_with_spans(
    documents: Iterable[Sequence[Any]], spans: Iterable[Sequence[Any]]
) -> Iterator[StoredDocument]:
    """Documents with their spans, from the rows of the two `stream_statements`."""
    span_rows = iter(spans)
    states = SPAN_STATES
    pending = next(span_rows, None)
    for row in documents:
        document_id = row[0]
        own: list[Span] = []
        while pending is not None and pending[0] == document_id:
            _, start, end, label, state, by, score = pending
            own.append(Span(start, end, label, states[state], by, score))
            pending = next(span_rows, None)
        tokens = None if row[-2] is None else Tokens.from_bytes(row[-2])
        token_json = None if row[-1] is None else unpacked(row[-1])
        yield document_from_row(row[:-2], own), tokens, token_json


def versions_with_spans(
    documents: Iterable[Sequence[Any]], spans: Iterable[Sequence[Any]]
) -> Iterator[tuple[Document, Tokens | None, bytes | None]]:
    """Each version's document with its spans, from the two ordered scans."""
    span_rows = iter(spans)
    states = SPAN_STATES
    pending = next(span_rows, None)
    for row in documents:
        version_id, kind, document_id = row[0], row[1], row[2]
        own: list[Span] = []
        # Both scans run by (document id, version id): a version's spans come next.
        while pending is not None and (pending[0], pending[1]) < (document_id, version_id):
            pending = next(span_rows, None)
        while pending is not None and pending[0] == document_id and pending[1] == version_id:
            _, _, start, end, label, state, by, score = pending
            own.append(Span(start, end, label, states[state], by, score))
            pending = next(span_rows, None)
        document = document_from_row(row[2:-2], own)
        if kind == REVIEW:
            document = replace(document, reviewed=True)
        tokens = None if row[-2] is None else Tokens.from_bytes(row[-2])
        token_json = None if row[-1] is None else unpacked(row[-1])
        yield document, tokens, token_json
