"""What an edit says it changes is what the store holds afterwards, for every kind of edit.

The store writes only an edit's `changes` (the rows it removes and adds), never the whole
document: if `changes` left out a row, the store would keep a stale span or lose one while
the window showed the edit's result. Each example adds a document to a real store file,
applies a random edit of any kind (see tests/core/edit_kinds.py) through `Store.apply`,
reads the document back and undoes the edit the same way.
"""

from __future__ import annotations

import itertools
import sys
from pathlib import Path

from hypothesis import HealthCheck, given, settings

from annotator.core.edits import Edit
from annotator.core.errors import EditError
from annotator.core.model import Document
from annotator.store import Store

sys.path.insert(0, str(Path(__file__).parents[1] / "core"))
from edit_kinds import cases

_numbers = itertools.count()


def stored(store: Store, document: Document) -> Document:
    """`document` added to the store (one dataset per store), as the store reads it back."""
    dataset = store.find_dataset("edits") or store.create_dataset("edits")
    number = next(_numbers)
    result = store.add_documents(
        dataset.id,
        [
            (
                Document(
                    0,
                    dataset.id,
                    document.text,
                    document.spans,
                    document.status,
                    input_hash=f"edit-{number}",
                ),
                None,
            )
        ],
    )
    assert result.added == 1
    return store.get_document(store.document_ids(dataset.id)[-1])


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(case=cases())
def test_the_store_holds_the_rows_the_edit_says_it_changes(
    store: Store, case: tuple[Document, Edit, bool]
) -> None:
    document, edit, _ = case
    before = stored(store, document)
    assert (before.spans, before.status) == (document.spans, document.status)
    try:
        after = store.apply(before, edit)
    except EditError:
        again = store.get_document(before.id)
        assert (again.spans, again.status) == (before.spans, before.status)  # nothing written
        return
    held = store.get_document(before.id)
    assert (held.spans, held.status) == (after.spans, after.status)
    undone = store.apply(held, edit.inverted())
    held = store.get_document(before.id)
    assert (held.spans, held.status) == (undone.spans, undone.status)
    assert (held.spans, held.status) == (document.spans, document.status)
