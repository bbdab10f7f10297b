"""An edit of a version that exists reads that version once.

On a team's server each statement of an edit is a round trip to another process, which
the annotator waits for at every key (`bench/run.py --only team_edits`): the version's
id and its clock are read together, not one after the other. Runs on a file and, with
`--backend postgresql`, on a server.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlalchemy import event

from annotator.core.edits import ReplaceSpan
from annotator.core.model import Label, Span, SpanState
from annotator.store import Store
from tests.store.test_store import make_document


def test_an_edit_of_an_existing_version_reads_it_once(store: Store) -> None:
    dataset = store.create_dataset("news", labels=(Label("PERSON"), Label("ORG")))
    suggested = [
        Span(0, 3, "PERSON", SpanState.SUGGESTED),
        Span(8, 11, "PERSON", SpanState.SUGGESTED),
    ]
    store.add_documents(dataset.id, [(make_document("Ada met Bob in Paris.", *suggested), None)])
    (document_id,) = store.document_ids(dataset.id)
    document = store.get_document(document_id)
    for span in document.spans[:1]:  # the first edit makes the version
        document = store.apply(document, ReplaceSpan(span, span.with_state(SpanState.ACCEPTED)))
    statements: list[str] = []

    def seen(_conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        statements.append(" ".join(statement.split()))

    event.listen(store._engine, "before_cursor_execute", seen)
    try:
        bob = document.spans[1]
        relabelled = replace(bob, label="ORG", state=SpanState.ACCEPTED)
        document = store.apply(document, ReplaceSpan(bob, relabelled))
    finally:
        event.remove(store._engine, "before_cursor_execute", seen)
    reads = [sql for sql in statements if sql.startswith("SELECT") and "FROM version" in sql]
    assert len(reads) == 1, statements
    assert [span.label for span in store.get_document(document_id).spans] == ["PERSON", "ORG"]
