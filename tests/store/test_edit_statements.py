"""An edit of a version that exists asks the store as little as it can.

On a file, the version's id and its clock are read together, not one after the other.
On a team's server each wait for the server is a round trip to another process, which
the annotator waits for at every key (`bench/run.py --only team_edits`): there the whole
edit goes in one round trip and its COMMIT in one more, counted from the messages the
driver sends (libpq's protocol trace). Runs on a file and, with `--backend postgresql`,
on a server.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from annotator.core.edits import ReplaceSpan, Restate, SetStatus
from annotator.core.model import Document, Label, Span, SpanState, Status
from annotator.store import Store
from annotator.store.location import ServerAddress
from tests.store.test_store import make_document


def _edited_once(store: Store) -> Document:
    """An article with three suggestions, the first accepted (its version made), then
    marked in progress (the store's id, which the first edit made, read back once)."""
    dataset = store.create_dataset("news", labels=(Label("PERSON"), Label("ORG")))
    suggested = [
        Span(0, 3, "PERSON", SpanState.SUGGESTED),
        Span(8, 11, "PERSON", SpanState.SUGGESTED),
        Span(15, 20, "PERSON", SpanState.SUGGESTED),
    ]
    store.add_documents(dataset.id, [(make_document("Ada met Bob in Paris.", *suggested), None)])
    (document_id,) = store.document_ids(dataset.id)
    document = store.get_document(document_id)
    first = document.spans[0]
    document = store.apply(document, ReplaceSpan(first, first.with_state(SpanState.ACCEPTED)))
    return store.apply(document, SetStatus(Status.NEW, Status.IN_PROGRESS))


def _relabel_bob(store: Store, document: Document) -> Document:
    bob = document.spans[1]
    return store.apply(
        document, ReplaceSpan(bob, replace(bob, label="ORG", state=SpanState.ACCEPTED))
    )


def test_an_edit_of_an_existing_version_reads_it_once(store: Store) -> None:
    document = _edited_once(store)
    if isinstance(store.location, ServerAddress):
        with _round_trips(store) as trips:
            document = _relabel_bob(store, document)
        assert trips() == 2
    else:
        statements: list[str] = []

        def seen(_conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
            statements.append(" ".join(statement.split()))

        event.listen(store._engine, "before_cursor_execute", seen)
        try:
            document = _relabel_bob(store, document)
        finally:
            event.remove(store._engine, "before_cursor_execute", seen)
        reads = [sql for sql in statements if sql.startswith("SELECT") and "FROM version" in sql]
        assert len(reads) == 1, statements
    stored = store.get_document(document.id)
    assert [(span.label, span.state) for span in stored.spans] == [
        ("PERSON", SpanState.ACCEPTED),
        ("ORG", SpanState.ACCEPTED),
        ("PERSON", SpanState.SUGGESTED),
    ]
    assert stored.spans == document.spans


def test_an_edit_of_many_spans_on_a_server_is_one_round_trip_too(store: Store) -> None:
    if not isinstance(store.location, ServerAddress):
        pytest.skip("about a server: a file has no round trips")
    document = _edited_once(store)
    with _round_trips(store) as trips:
        open_ = tuple(s for s in document.spans if s.state is SpanState.SUGGESTED)
        accepted = tuple(s.with_state(SpanState.ACCEPTED) for s in open_)
        document = store.apply(document, Restate(open_, accepted))
    assert trips() == 2
    stored = store.get_document(document.id)
    assert [span.state for span in stored.spans] == [SpanState.ACCEPTED] * 3
    assert stored.spans == document.spans


@contextmanager
def _round_trips(store: Store) -> Iterator[Callable[[], int]]:
    """Trace the protocol messages of the connections the store takes meanwhile; the
    count of the driver's waits for the server: each Sync (the end of a batch of
    statements) and each simple Query (BEGIN, COMMIT) it sent."""
    from psycopg import pq

    trace = Path(store._engine.url.query["host"]).parent / f"trace-{id(store)}.txt"
    with trace.open("w") as sink:

        def on_checkout(dbapi: Any, _record: Any, _proxy: Any) -> None:
            dbapi.pgconn.trace(sink.fileno())
            dbapi.pgconn.set_trace_flags(pq.Trace.SUPPRESS_TIMESTAMPS)

        def on_checkin(dbapi: Any, _record: Any) -> None:
            dbapi.pgconn.untrace()

        event.listen(store._engine, "checkout", on_checkout)
        event.listen(store._engine, "checkin", on_checkin)
        try:
            yield lambda: _waits(trace.read_text())
        finally:
            event.remove(store._engine, "checkout", on_checkout)
            event.remove(store._engine, "checkin", on_checkin)


def _waits(trace: str) -> int:
    sent = [line.split("\t") for line in trace.splitlines() if line.startswith("F\t")]
    return sum(1 for fields in sent if fields[2] in ("Sync", "Query"))
