"""The session: every edit is in the SQLite file before the window hears of it, and undo
and redo go through the same path, one history per document."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from annotator.core.annotating import Gestures
from annotator.core.hashing import input_hash
from annotator.core.model import Document, Span, SpanState, Status
from annotator.store import Store
from annotator.ui.controllers.session import DocumentSession

pytestmark = pytest.mark.gui

TEXT = "Angela Merkel met Emmanuel Macron in Paris."
OTHER = "Rotterdam and Antwerp compete for cargo."


def add(store: Store, dataset_id: int, text: str, *spans: Span) -> int:
    document = Document(0, dataset_id, text, tuple(spans), input_hash=input_hash(text))
    store.add_documents(dataset_id, [(document, None)])
    return max(store.document_ids(dataset_id))


@pytest.fixture
def session(store: Store, qtbot: QtBot) -> DocumentSession:
    dataset = store.create_dataset("news")
    paris = Span(TEXT.index("Paris"), len(TEXT) - 1, "GPE", SpanState.SUGGESTED, "model")
    add(store, dataset.id, TEXT, paris)
    add(store, dataset.id, OTHER)
    session = DocumentSession(store, annotator="unknown")
    session.set_dataset(store.get_dataset("news"))
    return session


def stored_spans(path: Path, document_id: int) -> tuple[Span, ...]:
    with Store.open(path) as fresh:  # another connection: what is really in the file
        return fresh.get_document(document_id).spans


def test_an_edit_is_in_the_file_before_the_window_hears_of_it(
    session: DocumentSession, db_path: Path, qtbot: QtBot
) -> None:
    ids = session.store.document_ids(session.dataset.id)  # type: ignore[union-attr]
    document = session.open(ids[0])
    assert document is not None
    seen: list[tuple[Span, ...]] = []
    session.state.document_changed.connect(
        lambda changed: seen.append(stored_spans(db_path, changed.id))
    )
    assert session.edit(Gestures(document).accept(document.spans[0]))
    assert seen and seen[0][0].state is SpanState.ACCEPTED
    assert session.store.get_document(document.id).status is Status.IN_PROGRESS


def test_undo_and_redo_write_through(session: DocumentSession, db_path: Path) -> None:
    document = session.open(session.store.document_ids(session.dataset.id)[0])  # type: ignore[union-attr]
    assert document is not None
    start = TEXT.index("Emmanuel")
    session.edit(Gestures(document).label_range(start, start + 15, "PERSON"))
    assert len(stored_spans(db_path, document.id)) == 2
    stack = session.undo_group.activeStack()
    stack.undo()
    assert stored_spans(db_path, document.id) == document.spans
    assert session.document is not None
    stored = session.store.get_document(document.id)
    assert (session.document.spans, session.document.status) == (stored.spans, stored.status)
    stack.redo()
    assert {s.label for s in stored_spans(db_path, document.id)} == {"GPE", "PERSON"}


def test_a_refused_edit_changes_nothing_and_says_why(
    session: DocumentSession, db_path: Path, qtbot: QtBot
) -> None:
    document = session.open(session.store.document_ids(session.dataset.id)[0])  # type: ignore[union-attr]
    assert document is not None
    start = TEXT.index("Merkel")
    session.edit(Gestures(document).label_range(0, start + 6, "PERSON"))
    now = session.document
    assert now is not None
    overlapping = Gestures(now).label_range(start, start + 6, "ORG")  # inside the new span
    with qtbot.waitSignal(session.refused) as refused:
        assert not session.edit(overlapping)
    assert "overlaps" in refused.args[0]
    assert session.undo_group.activeStack().count() == 1
    assert stored_spans(db_path, document.id) == now.spans


def test_each_document_keeps_its_own_history(session: DocumentSession, db_path: Path) -> None:
    first, second = session.store.document_ids(session.dataset.id)  # type: ignore[union-attr]
    document = session.open(first)
    assert document is not None
    session.edit(Gestures(document).accept(document.spans[0]))
    other = session.open(second)
    assert other is not None
    assert not session.undo_group.canUndo()  # nothing done here yet
    session.open(first)
    assert session.undo_group.canUndo()
    session.undo_group.undo()
    assert stored_spans(db_path, first)[0].state is SpanState.SUGGESTED


def test_undo_after_another_program_changed_the_document_is_refused_cleanly(
    session: DocumentSession, db_path: Path, qtbot: QtBot
) -> None:
    document = session.open(session.store.document_ids(session.dataset.id)[0])  # type: ignore[union-attr]
    assert document is not None
    session.edit(Gestures(document).accept(document.spans[0]))
    with Store.open(db_path) as other:  # e.g. a second window rejected it meanwhile
        changed = other.get_document(document.id)
        other.apply(changed, Gestures(changed).reject(changed.spans[0]))  # type: ignore[arg-type]
    session.reload()
    with qtbot.waitSignal(session.refused):
        session.undo_group.undo()
    assert stored_spans(db_path, document.id)[0].state is SpanState.REJECTED
    assert not session.undo_group.canUndo()  # the stale step was dropped
