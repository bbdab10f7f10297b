"""The view state: one owner of what the window shows, and the rules that tie it together.

Each setter announces only a real change, so views that write what they show and hear it
back change nothing; opening, editing and hiding rejected spans move the current span and
the selection the way the window promises.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from pytestqt.qtbot import QtBot

from annotator.core.model import Dataset, Document, Label, Span, SpanState
from annotator.core.summaries import DocumentQuery
from annotator.ui.state.view_state import ViewState

pytestmark = pytest.mark.gui

TEXT = "Anna met Bert in Paris."
ANNA = Span(0, 4, "PER", SpanState.SUGGESTED, "model")
BERT = Span(9, 13, "PER", SpanState.SUGGESTED, "model")
PARIS = Span(17, 22, "GPE", SpanState.ACCEPTED, "model")
NEWS = Dataset(1, "news", (Label("PER", "#aa9cfc"), Label("GPE", "#feca74")))


def document(*spans: Span, number: int = 1, dataset_id: int = 1) -> Document:
    return Document(number, dataset_id, TEXT, spans)


class Heard:
    """Every signal of a state, in order, as (name, value)."""

    def __init__(self, state: ViewState) -> None:
        self.events: list[tuple[str, object]] = []
        for name in (
            "dataset_changed",
            "document_opened",
            "document_changed",
            "current_span_changed",
            "selection_changed",
            "list_query_changed",
            "show_rejected_changed",
        ):
            getattr(state, name).connect(lambda value, name=name: self.events.append((name, value)))

    def names(self) -> list[str]:
        return [name for name, _ in self.events]


@pytest.fixture
def state(qtbot: QtBot) -> ViewState:
    state = ViewState()
    state.set_dataset(NEWS)
    state.set_document(document(ANNA, BERT, PARIS))
    return state


def test_setting_what_the_state_holds_announces_nothing(state: ViewState) -> None:
    state.set_current_span(BERT)
    state.set_show_rejected(True)
    state.set_list_query(DocumentQuery(text="Paris"))
    heard = Heard(state)
    state.set_current_span(BERT)
    state.set_show_rejected(True)
    state.set_list_query(DocumentQuery(text="Paris"))
    state.set_selection(None)
    state.set_document(state.document)
    assert heard.events == []


def test_a_current_span_and_a_selection_exclude_each_other(state: ViewState) -> None:
    state.set_current_span(BERT)
    heard = Heard(state)
    state.set_selection((4, 8))
    assert state.current_span is None and state.selection == (4, 8)
    assert heard.events == [("current_span_changed", None), ("selection_changed", (4, 8))]
    state.set_current_span(ANNA)
    assert state.selection is None and state.current_span == ANNA
    state.set_selection((3, 3))  # an empty selection is none
    assert state.selection is None and state.current_span == ANNA


def test_opening_another_document_clears_the_current_span(state: ViewState) -> None:
    state.set_current_span(BERT)
    heard = Heard(state)
    other = document(PARIS, number=2)
    state.set_document(other)
    assert heard.events == [("document_opened", other), ("current_span_changed", None)]
    assert state.current_span is None


def test_after_an_edit_the_current_span_follows_its_successor(state: ViewState) -> None:
    state.set_current_span(BERT)
    relabelled = replace(BERT, label="GPE")
    heard = Heard(state)
    edited = document(ANNA, relabelled, PARIS)
    state.set_document(edited)
    assert heard.events == [
        ("document_changed", edited),
        ("current_span_changed", relabelled),  # the same range, under its new label
    ]
    state.set_document(document(ANNA, PARIS))  # removed (an undo of a drawn span, say)
    assert state.current_span == PARIS  # the next span from its place on


def test_an_edit_elsewhere_keeps_the_current_span(state: ViewState) -> None:
    state.set_current_span(BERT)
    heard = Heard(state)
    state.set_document(document(ANNA.with_state(SpanState.ACCEPTED), BERT, PARIS))
    assert heard.names() == ["document_changed"]
    assert state.current_span is BERT


def test_hiding_rejected_spans_drops_a_rejected_current_span(state: ViewState) -> None:
    rejected = BERT.with_state(SpanState.REJECTED)
    state.set_show_rejected(True)
    state.set_document(document(ANNA, rejected, PARIS))
    state.set_current_span(rejected)
    state.set_show_rejected(False)
    assert state.current_span is None
    state.set_current_span(ANNA)
    state.set_show_rejected(True)
    state.set_show_rejected(False)
    assert state.current_span == ANNA  # not rejected: stays


def test_another_dataset_closes_a_document_of_the_old_one(state: ViewState) -> None:
    heard = Heard(state)
    sport = Dataset(2, "sport", (Label("TEAM", "#ffeb80"),))
    state.set_dataset(sport)
    assert state.document is None and state.labels == sport.labels
    assert heard.events == [("document_opened", None), ("dataset_changed", sport)]
    heard.events.clear()
    state.set_dataset(sport)  # read again (after an import): the list must read it too
    assert heard.events == [("dataset_changed", sport)]


def test_the_successor_of_a_removed_span_is_one_the_window_shows(state: ViewState) -> None:
    rejected = BERT.with_state(SpanState.REJECTED)
    state.set_document(document(ANNA, rejected, PARIS))
    state.set_current_span(ANNA)
    state.set_document(document(rejected, PARIS))  # ANNA went (an undo of drawing it)
    assert state.current_span == PARIS  # not the hidden rejection in between
    state.set_show_rejected(True)
    state.set_document(document(ANNA, rejected, PARIS))
    state.set_current_span(ANNA)
    state.set_document(document(rejected, PARIS))
    assert state.current_span == rejected  # shown now: the next one from ANNA's place
