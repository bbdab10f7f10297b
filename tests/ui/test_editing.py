"""Editing: which span stays current after an edit, found without walking every span."""

from __future__ import annotations

from dataclasses import replace

import pytest
from pytestqt.qtbot import QtBot

from annotator.core.assistance import ALL_ON, Assistance
from annotator.core.edits import ReplaceSpan
from annotator.core.hashing import input_hash
from annotator.core.model import Document, Span, SpanState, Status
from annotator.store import Store
from annotator.ui.controllers.editing import Editing
from annotator.ui.controllers.session import DocumentSession
from annotator.ui.state.view_state import ViewState

pytestmark = pytest.mark.gui

WORDS = 6_000
TEXT = "".join(f"W{number:05d} " for number in range(WORDS))  # word n at 7 * n, no repeats


def long_session(store: Store) -> tuple[DocumentSession, Editing]:
    """A document with a span on every word: suggested, accepted and drawn in turn."""
    dataset = store.create_dataset("news")
    states = (SpanState.SUGGESTED, SpanState.ACCEPTED, SpanState.MANUAL)
    spans = tuple(
        Span(7 * number, 7 * number + 6, "PERSON", states[number % 3], "model")
        for number in range(WORDS)
    )
    document = Document(0, dataset.id, TEXT, spans, input_hash=input_hash(TEXT))
    store.add_documents(dataset.id, [(document, None)])
    state = ViewState()
    session = DocumentSession(store, state, annotator="unknown")
    session.set_dataset(store.get_dataset("news"))
    editing = Editing(session, state)
    session.open(store.document_ids(dataset.id)[0])
    return session, editing


def test_the_relabelled_span_stays_current_through_undo_and_redo(
    store: Store, qtbot: QtBot
) -> None:
    session, editing = long_session(store)
    assert session.document is not None
    middle = session.document.spans[WORDS // 2 + 1]  # accepted: a decision changed
    assert middle.state is SpanState.ACCEPTED
    editing.choose(middle)
    editing.label("ORG")
    relabelled = session.state.current_span
    assert relabelled is not None and relabelled.label == "ORG"
    assert (relabelled.start, relabelled.end) == (middle.start, middle.end)
    session.undo_group.undo()
    assert session.state.current_span == middle  # the same range, back to its old label
    session.undo_group.redo()
    assert session.state.current_span == relabelled


def test_a_label_key_on_a_suggestion_moves_on_to_the_next_one_to_decide(
    store: Store, qtbot: QtBot
) -> None:
    session, editing = long_session(store)
    assert session.document is not None
    suggestion = session.document.spans[WORDS // 2]
    assert suggestion.state is SpanState.SUGGESTED
    editing.choose(suggestion)
    editing.label("ORG")  # a decision, as Enter and Delete are
    assert session.document.spans[WORDS // 2].key == (*suggestion.key[:2], "ORG")
    assert session.state.current_span == session.document.spans[WORDS // 2 + 3]
    assert session.state.current_span.state is SpanState.SUGGESTED


def test_an_edit_elsewhere_keeps_the_current_span(store: Store, qtbot: QtBot) -> None:
    session, editing = long_session(store)
    assert session.document is not None
    current = session.document.spans[10]
    editing.choose(current)
    changes: list[Span | None] = []
    session.state.current_span_changed.connect(changes.append)
    other = session.document.spans[-1]
    assert session.edit(ReplaceSpan.relabel(other, "ORG"))
    assert session.state.current_span is current and changes == []


def test_rejecting_moves_to_the_next_suggestion(store: Store, qtbot: QtBot) -> None:
    session, editing = long_session(store)
    assert session.document is not None
    suggestions = [s for s in session.document.spans if s.state is SpanState.SUGGESTED]
    editing.choose(suggestions[-1])
    editing.reject()
    assert session.state.current_span == suggestions[0]  # wrapped around to the first one
    editing.reject()
    assert session.state.current_span == suggestions[1]


def test_keeping_the_current_span_does_not_walk_the_document(
    store: Store, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Counted, not timed: comparing the 6,000 spans by value took 0.8 ms a call."""
    session, editing = long_session(store)
    assert session.document is not None
    span = session.document.spans[WORDS // 2 + 1]
    editing.choose(span)
    document = session.document
    compared = 0
    equal = Span.__eq__

    def counted(self: Span, other: object) -> bool:
        nonlocal compared
        compared += 1
        return equal(self, other)

    monkeypatch.setattr(Span, "__eq__", counted)
    edited = replace(document, status=Status.IN_PROGRESS)  # another value, the same spans
    for number in range(200):  # the window hears of 200 edits that moved the current span
        session.state.set_document(edited if number % 2 else document)
        editing.choose(span if number % 2 else span.with_state(SpanState.REJECTED))
    assert session.state.current_span is not None and session.state.current_span.start == span.start
    assert compared / 200 < 50  # walking the document compares thousands of spans a call


@pytest.mark.parametrize(
    ("assistance", "relabelled"),
    [(ALL_ON, ["ORG", "ORG"]), (Assistance.none(), ["ORG", "PERSON"])],
)
def test_a_relabel_spreads_to_the_same_words_only_with_propagation_on(
    store: Store, qtbot: QtBot, assistance: Assistance, relabelled: list[str]
) -> None:
    text = "Apple sued Apple."
    dataset = store.create_dataset("news")
    spans = tuple(Span(s, s + 5, "PERSON", SpanState.SUGGESTED, "model") for s in (0, 11))
    document = Document(0, dataset.id, text, spans, input_hash=input_hash(text))
    store.add_documents(dataset.id, [(document, None)])
    state = ViewState()
    session = DocumentSession(store, state, annotator="unknown")
    session.set_dataset(store.get_dataset("news"))
    editing = Editing(session, state, assistance=assistance)
    opened = session.open(store.document_ids(dataset.id)[0])
    assert opened is not None
    editing.choose(opened.spans[0])
    editing.label("ORG")
    assert session.document is not None
    assert [s.label for s in session.document.spans] == relabelled
