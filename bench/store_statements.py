"""The store's statements executed by SQLAlchemy Core against the `sqlite3` cursor.

    python bench/store_statements.py [--documents 10000] [--repeat 3]

The reason `annotator/store/fast_path.py` exists, measured in one run on the same data:

- `insert`: N synthetic documents of about 1,000 characters, each with 10 accepted spans
  and a packed token JSON (as an import's workers make it), added in one transaction into
  a new store. `cursor` is the store's own bulk insert (`fast_path.insert_documents`);
  `core` runs the same two INSERT statements through `Connection.execute` (one
  document at a time, its spans as one executemany); `core_batched` inserts 500
  documents per multi-row INSERT ... RETURNING and their spans in one executemany.
- `stream`: the same documents read back in id order with their spans, tokens and token
  JSON, as an export does: `Store.stream_documents` (Core) against its same two queries,
  compiled, run on `sqlite3` cursors and merged by the same code.
- `open`: one document of 10,000 spans read whole, 20 times: `Store.get_document` (its
  spans' Core query on the cursor, `fast_path.rows`) against both its queries through
  `Connection.execute`.
- `ids`: every id of the N documents, the document list's query at its start, 50 times:
  `Store.matching_ids` (its Core query on the cursor, `fast_path.ids`) against the same
  query through `Connection.execute`.

Times are the process's CPU seconds (`time.process_time`: the work is all in this
thread), so that other programs on the machine count less than in wall-clock time.
Variants alternate in each of `--repeat` rounds; medians and the ratio of each to the
cursor are printed as one JSON object.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
import zlib
from collections.abc import Callable, Sequence
from functools import partial
from itertools import islice
from pathlib import Path

from sqlalchemy import Connection, select

from annotator.core.model import Document, Span, SpanState, Status
from annotator.core.summaries import DocumentQuery
from annotator.store import Store
from annotator.store.db import read_transaction, write_transaction
from annotator.store.fast_path import insert_documents
from annotator.store.rows import (
    DOC_COLUMNS,
    DOCUMENT_KEYS,
    INSERT_DOCUMENT,
    INSERT_SPAN,
    SPAN_COLUMNS,
    SPAN_KEYS,
    SPAN_ORDER,
    ToAdd,
    document_from_row,
    document_values,
    span_values,
    spans_from_rows,
)
from annotator.store.streams import documents_with_spans, stream_statements
from annotator.store.tables import DOCUMENT, SPAN

WORDS = ("the", "minister", "said", "on", "Tuesday", "that", "Berlin", "Paris", "soon")
SPANS = 10
LONG_SPANS = 10_000


def make_documents(count: int) -> list[ToAdd]:
    rng = random.Random(1)
    found: list[ToAdd] = []
    for i in range(count):
        text = " ".join(rng.choice(WORDS) for _ in range(180))
        spans = tuple(Span(k * 60, k * 60 + 5, "ORG", SpanState.ACCEPTED) for k in range(SPANS))
        document = Document(
            id=0,
            dataset_id=0,
            text=text,
            spans=spans,
            meta={"i": i},
            source="bench",
            input_hash=f"h{i}",
            prodigy_input_hash=i,
            status=Status.NEW,
            created_at=1.0,
            updated_at=1.0,
        )
        token_json = zlib.compress(b"[" + b'{"text":"the"},' * 40 + b"{}]", 1)
        found.append((document, None, token_json))
    return found


# -- insert -------------------------------------------------------------------------------


def insert_cursor(conn: Connection, dataset_id: int, documents: Sequence[ToAdd]) -> None:
    insert_documents(conn, dataset_id, documents)


def insert_core(conn: Connection, dataset_id: int, documents: Sequence[ToAdd]) -> None:
    for document, tokens, *token_json in documents:
        values = document_values(dataset_id, document, tokens, *token_json)
        result = conn.execute(INSERT_DOCUMENT, dict(zip(DOCUMENT_KEYS, values, strict=True)))
        if result.rowcount and document.spans:
            key = result.inserted_primary_key
            assert key is not None
            rows = span_values(int(key[0]), document.spans)
            conn.execute(INSERT_SPAN, [dict(zip(SPAN_KEYS, row, strict=True)) for row in rows])


_RETURNING = INSERT_DOCUMENT.returning(DOCUMENT.c.id, DOCUMENT.c.input_hash)


def insert_core_batched(conn: Connection, dataset_id: int, documents: Sequence[ToAdd]) -> None:
    items = iter(documents)
    while batch := list(islice(items, 500)):
        first: dict[str, ToAdd] = {}
        for item in batch:
            first.setdefault(item[0].input_hash, item)
        rows = [
            dict(zip(DOCUMENT_KEYS, document_values(dataset_id, d, t, *j), strict=True))
            for d, t, *j in first.values()
        ]
        ids = {str(h): int(i) for i, h in conn.execute(_RETURNING, rows)}
        span_rows = [
            dict(zip(SPAN_KEYS, row, strict=True))
            for d, *_ in first.values()
            if d.input_hash in ids
            for row in span_values(ids[d.input_hash], d.spans)
        ]
        if span_rows:
            conn.execute(INSERT_SPAN, span_rows)


INSERTS: dict[str, Callable[[Connection, int, Sequence[ToAdd]], None]] = {
    "cursor": insert_cursor,
    "core": insert_core,
    "core_batched": insert_core_batched,
}

# -- stream, ids and open ------------------------------------------------------------------------


def stream_core(store: Store, dataset_id: int) -> int:
    found = store.stream_documents(dataset_id, with_tokens=True, with_token_json=True)
    return sum(len(document.spans) for document, _, _ in found)


def stream_cursor(store: Store, dataset_id: int) -> int:
    """`stream_documents` with its two queries compiled once and run on `sqlite3` cursors."""
    with read_transaction(store._engine) as conn:
        statements = stream_statements(
            conn, dataset_id, None, with_tokens=True, with_token_json=True
        )
        assert statements is not None
        raw = conn.connection.driver_connection
        assert raw is not None
        cursors = []
        for statement in statements:
            compiled = statement.compile(
                dialect=conn.dialect, compile_kwargs={"render_postcompile": True}
            )
            names = compiled.positiontup or []
            cursors.append(raw.execute(compiled.string, [compiled.params[n] for n in names]))
        documents, spans = cursors
        return sum(len(document.spans) for document, _, _ in documents_with_spans(documents, spans))


def open_cursor(store: Store, document_id: int) -> int:
    return len(store.get_document(document_id).spans)


def open_core(store: Store, document_id: int) -> int:
    """`get_document` with both its queries through `Connection.execute`."""
    with read_transaction(store._engine) as conn:
        row = conn.execute(select(*DOC_COLUMNS).where(DOCUMENT.c.id == document_id)).one()
        spans = conn.execute(
            select(*SPAN_COLUMNS).where(SPAN.c.document_id == document_id).order_by(*SPAN_ORDER)
        )
        return len(document_from_row(tuple(row), spans_from_rows(spans)).spans)


def ids_cursor(store: Store, dataset_id: int) -> int:
    return sum(len(store.matching_ids(dataset_id, DocumentQuery())) for _ in range(50))


def ids_core(store: Store, dataset_id: int) -> int:
    statement = select(DOCUMENT.c.id).where(DOCUMENT.c.dataset_id == dataset_id)
    found = 0
    for _ in range(50):
        with read_transaction(store._engine) as conn:
            found += len(sorted(row[0] for row in conn.execute(statement)))
    return found


def long_document() -> ToAdd:
    text = " ".join(WORDS[i % len(WORDS)] for i in range(LONG_SPANS * 6))
    spans = tuple(
        Span(k * 30, k * 30 + 3, "ORG", SpanState.SUGGESTED, "model", 0.5)
        for k in range(LONG_SPANS)
    )
    document = Document(
        id=0,
        dataset_id=0,
        text=text,
        spans=spans,
        input_hash="long",
        created_at=1.0,
        updated_at=1.0,
    )
    return (document, None)


def add(
    store: Store,
    insert: Callable[[Connection, int, Sequence[ToAdd]], None],
    documents: Sequence[ToAdd],
) -> None:
    dataset_id = store.create_dataset("bench").id
    with write_transaction(store._engine) as conn:
        insert(conn, dataset_id, documents)


def open_many(read: Callable[[Store, int], int], store: Store, document_id: int) -> int:
    return sum(read(store, document_id) for _ in range(20))


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    documents = make_documents(args.documents)
    times: dict[str, list[float]] = {}

    def timed(name: str, work: Callable[[], object]) -> object:
        start = time.process_time()
        result = work()
        times.setdefault(name, []).append(time.process_time() - start)
        return result

    with tempfile.TemporaryDirectory() as folder:
        for round_ in range(args.repeat):
            for kind, insert in INSERTS.items():
                store = Store.open(Path(folder) / f"{kind}-{round_}.db")
                timed(f"insert_{kind}", partial(add, store, insert, documents))
                assert store.count_documents(1) == args.documents
                store.close()
            store = Store.open(Path(folder) / f"cursor-{round_}.db")
            expected = args.documents * SPANS
            for kind, stream in (("cursor", stream_cursor), ("core", stream_core)):
                assert timed(f"stream_{kind}", partial(stream, store, 1)) == expected
            for kind, read_ids in (("cursor", ids_cursor), ("core", ids_core)):
                assert timed(f"ids_{kind}", partial(read_ids, store, 1)) == 50 * args.documents
            added = store.add_documents(store.create_dataset("long").id, [long_document()])
            (document_id,) = store.document_ids(added.dataset_id)
            for kind, read in (("cursor", open_cursor), ("core", open_core)):
                timed(f"open_{kind}", partial(open_many, read, store, document_id))
            store.close()
    medians = {name: round(statistics.median(values), 3) for name, values in times.items()}
    ratios = {
        name: round(medians[name] / medians[f"{name.split('_')[0]}_cursor"], 2)
        for name in medians
        if not name.endswith("_cursor")
    }
    runs = {name: [round(value, 3) for value in values] for name, values in times.items()}
    figures = {
        "documents": args.documents,
        "spans": args.documents * SPANS,
        "seconds": medians,
        "time_over_cursor": ratios,
        "runs": runs,
    }
    json.dump(figures, sys.stdout)
    print()


if __name__ == "__main__":
    main()
