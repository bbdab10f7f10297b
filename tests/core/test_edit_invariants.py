"""Every kind of edit, one-span and bulk, keeps the rules the store and undo rely on.

For any document and any edit of any kind (see `edit_kinds`): an edit that does not fit
raises; one that fits leaves the spans sorted with unique keys and, unless the dataset
allows overlap, no two gold spans overlapping; its `changes` are exactly the rows that
turn the document's rows into the result; and its inverse gives the document back.
"""

from __future__ import annotations

import sys
from pathlib import Path

from hypothesis import given, settings

sys.path.insert(0, str(Path(__file__).parent))
from edit_kinds import BULK, cases, gold_overlaps, histories, rows_after

from annotator.core.edits import Batch, Edit
from annotator.core.errors import EditError
from annotator.core.model import Document, sort_key


@settings(max_examples=400, deadline=None)
@given(case=cases())
def test_every_kind_of_edit_keeps_gold_apart_says_its_rows_and_undoes(
    case: tuple[Document, Edit, bool],
) -> None:
    document, edit, allow_overlap = case
    try:
        after = edit.apply(document)
    except EditError:
        return
    assert list(after.spans) == sorted(after.spans, key=sort_key)
    assert len({span.key for span in after.spans}) == len(after.spans)
    if not allow_overlap:
        assert gold_overlaps(after) == []
    changes = edit.changes()
    assert rows_after(document, changes) == list(after.spans)
    assert after.status is (document.status if changes.status is None else changes.status)
    undo = edit.inverted()
    assert undo.apply(after) == document
    assert rows_after(after, undo.changes()) == list(document.spans)


@settings(max_examples=150, deadline=None)
@given(history=histories())
def test_edits_in_a_row_undo_one_by_one_and_as_one_batch(
    history: tuple[Document, list[Edit], bool],
) -> None:
    document, applied, allow_overlap = history
    states = [document]
    for edit in applied:
        states.append(edit.apply(states[-1]))
        if not allow_overlap:
            assert gold_overlaps(states[-1]) == []
    batch = Batch(tuple(applied), "all")
    assert batch.apply(document) == states[-1]
    assert rows_after(document, batch.changes()) == list(states[-1].spans)
    current = states[-1]
    for edit, before in zip(reversed(applied), reversed(states[:-1]), strict=True):
        current = edit.inverted().apply(current)
        assert current == before
    assert batch.inverted().apply(states[-1]) == document


@settings(max_examples=300, deadline=None)
@given(case=cases(kinds=BULK, overlap=(False,)))
def test_no_bulk_edit_lets_gold_spans_overlap(case: tuple[Document, Edit, bool]) -> None:
    """Accept all, the suggesters' swaps, merges, batches: one pass each, and the same
    promise as a one-span edit: without overlap allowed, two gold spans never overlap."""
    document, edit, _ = case
    try:
        after = edit.apply(document)
    except EditError:
        return
    assert gold_overlaps(after) == []
    assert rows_after(document, edit.changes()) == list(after.spans)
