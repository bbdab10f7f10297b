"""Between SQL rows and core values: column lists, JSON fields, status filters, span rows."""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Connection, Insert, and_
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from annotator.core.errors import UnreadableDocument
from annotator.core.model import Document, Span, SpanState, Status
from annotator.core.token_json import packed_token_json
from annotator.core.tokens import Tokens
from annotator.store.perspective import ANNOTATION, with_status
from annotator.store.tables import DOCUMENT, SPAN, VERSION

# The columns `span_from_row` reads, in its order, and the order spans are read in.
SPAN_COLUMNS = (
    SPAN.c.start,
    SPAN.c.end,
    SPAN.c.label,
    SPAN.c.state,
    SPAN.c.source,
    SPAN.c.score,
)
# One version of a document at a time, in the order of the span table's unique index.
SPAN_ORDER = (SPAN.c.document_id, SPAN.c.version_id, SPAN.c.start, SPAN.c.end, SPAN.c.label)

# The two INSERTs of the store, with the order of the values each row gives them.
INSERT_SPAN: Insert = SPAN.insert()
SPAN_KEYS = ("document_id", "version_id", "start", "end", "label", "state", "source", "score")
# A document whose input hash the dataset already holds is skipped, not an error.
INSERT_DOCUMENT: Insert = sqlite_insert(DOCUMENT).on_conflict_do_nothing()
DOCUMENT_KEYS = (
    "dataset_id",
    "text",
    "meta",
    "extra",
    "source",
    "input_hash",
    "prodigy_input_hash",
    "created_at",
    "updated_at",
    "tokens",
    "token_json",
)
INSERT_VERSION: Insert = VERSION.insert()
VERSION_KEYS = (
    "document_id",
    "dataset_id",
    "annotator",
    "kind",
    "status",
    "created_at",
    "updated_at",
    "clock",
)
# What an import adds: a document with its tokens, and perhaps their Prodigy JSON already
# made (packed, by an import's worker processes).
ToAdd = tuple[Document, Tokens | None] | tuple[Document, Tokens | None, bytes | None]


def token_columns(text: str, tokens: Tokens | None) -> tuple[bytes | None, bytes | None]:
    """The `tokens` and `token_json` columns for `text`'s tokens: every write of tokens
    writes both, so the JSON an export copies is always that of the stored tokens. The
    JSON is packed (`packed_token_json`); reads give it back plain."""
    if tokens is None:
        return None, None
    return tokens.to_bytes(), packed_token_json(text, tokens)


def document_values(
    dataset_id: int, document: Document, tokens: Tokens | None, token_json: bytes | None = None
) -> tuple[Any, ...]:
    """A new document's row, in `DOCUMENT_KEYS` order; its token JSON made unless given."""
    columns = (
        token_columns(document.text, tokens)
        if token_json is None
        else (None if tokens is None else tokens.to_bytes(), token_json)
    )
    return (
        dataset_id,
        document.text,
        dump(document.meta),
        dump(document.extra),
        document.source,
        document.input_hash,
        document.prodigy_input_hash,
        document.created_at,
        document.updated_at,
        *columns,
    )


def version_values(
    document_id: int, dataset_id: int, annotator: str, document: Document, kind: str = ANNOTATION
) -> tuple[Any, ...]:
    """The row of the annotator's version that `document` is, in `VERSION_KEYS` order."""
    return (
        document_id,
        dataset_id,
        annotator,
        kind,
        document.status.value,
        document.created_at,
        document.updated_at,
        "{}",
    )


def span_values(document_id: int, version_id: int, spans: Iterable[Span]) -> list[tuple[Any, ...]]:
    """Span rows of one version of a document (`INPUT`: the shared one), in `SPAN_KEYS` order."""
    return [
        (document_id, version_id, s.start, s.end, s.label, s.state.value, s.source, s.score)
        for s in spans
    ]


def insert_spans(
    conn: Connection, document_id: int, version_id: int, spans: Iterable[Span]
) -> None:
    """Write `spans` to a version of the document inside the caller's transaction.

    On a server each statement is a round trip, and psycopg sends a list of parameters as
    a pipeline of its own: there one row goes alone and many go as one multi-row INSERT
    per `_ROWS_PER_INSERT`. A file runs the prepared statement once per row, in-process.
    """
    rows = [
        dict(zip(SPAN_KEYS, row, strict=True))
        for row in span_values(document_id, version_id, spans)
    ]
    if len(rows) == 1:
        conn.execute(INSERT_SPAN, rows[0])
    elif rows and conn.dialect.name == "postgresql":
        for start in range(0, len(rows), _ROWS_PER_INSERT):
            conn.execute(INSERT_SPAN.values(rows[start : start + _ROWS_PER_INSERT]))
    elif rows:
        conn.execute(INSERT_SPAN, rows)


_ROWS_PER_INSERT = 1000  # 8 parameters each, well under PostgreSQL's 65,535


def status_filter(
    dataset_id: int,
    statuses: Collection[Status] | None,
    annotator: str,
    *,
    off_index: bool = False,
    kind: str = ANNOTATION,
) -> ColumnElement[bool]:
    """The documents of a dataset the annotator has in these statuses (all when none).

    `off_index` writes the dataset test as `dataset_id + 0 = ?`, which SQLite cannot look
    up in the (dataset_id, input_hash) index: it then walks the rows in id order instead.
    """
    column = DOCUMENT.c.dataset_id + 0 if off_index else DOCUMENT.c.dataset_id
    in_dataset = column == dataset_id
    if not statuses:
        return in_dataset
    return and_(in_dataset, with_status(annotator, [status.value for status in statuses], kind))


def dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def document_from_row(row: Sequence[Any], spans: list[Span]) -> Document:
    try:
        meta = json.loads(row[3])
        extra = json.loads(row[4])
    except RecursionError:
        raise UnreadableDocument(
            f"document {row[0]}: its meta or other fields are nested too deeply to be read"
        ) from None
    except ValueError as error:
        raise UnreadableDocument(f"document {row[0]}: its meta cannot be read ({error})") from None
    return Document(
        id=row[0],
        dataset_id=row[1],
        text=row[2],
        spans=tuple(spans),
        meta=meta,
        extra=extra,
        source=row[5],
        input_hash=row[6],
        prodigy_input_hash=row[7],
        status=Status(row[8]),
        annotator=row[9],
        created_at=row[10],
        updated_at=row[11],
    )


SPAN_STATES = {state.value: state for state in SpanState}  # a dict is 5 times faster than the enum


def span_from_row(row: Sequence[Any]) -> Span:
    return Span(row[0], row[1], row[2], SPAN_STATES[row[3]], row[4], row[5])


def spans_from_rows(rows: Iterable[Sequence[Any]]) -> list[Span]:
    """Spans from rows of `SPAN_COLUMNS` (opening a long article reads 10,000 of them)."""
    states = SPAN_STATES
    return [
        Span(start, end, label, states[state], source, score)
        for start, end, label, state, source, score in rows
    ]
