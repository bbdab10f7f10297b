"""A review holds what the annotators decided: the model's suggestions never join it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from annotator.core.edits import AddSpan, Batch, SetStatus
from annotator.core.hashing import input_hash
from annotator.core.model import Document, Label, Span, SpanState, Status
from annotator.store import Store
from annotator.ui.shell.launch import Parts

pytestmark = pytest.mark.gui

TEXT = "Ada Lovelace met Charles Babbage in London."


def test_the_model_suggests_nothing_into_a_review(
    store: Store,
    settings: QSettings,
    qtbot: QtBot,
    open_window: Callable[..., Parts],
    make_rules_model: Callable[[list[dict[str, str]]], Path],
) -> None:
    model = make_rules_model([{"label": "GPE", "pattern": "London"}])
    dataset = store.create_dataset("news", labels=(Label("PERSON"), Label("GPE")), model=str(model))
    store.add_documents(
        dataset.id, [(Document(0, dataset.id, TEXT, input_hash=input_hash(TEXT)), None)]
    )
    (document_id,) = store.document_ids(dataset.id)
    for name, end in (("ada", 12), ("grace", 32)):
        store.annotator = name
        document = store.get_document(document_id)
        person = Span(0, end, "PERSON", SpanState.MANUAL)
        store.apply(document, Batch((AddSpan(person), SetStatus(Status.NEW, Status.DONE)), "a"))
    parts = open_window(store, settings, annotator="lead")
    parts.workflow.switch_reviewing(True)
    parts.workflow.open_document(document_id)
    qtbot.waitUntil(lambda: parts.session.tokens is not None, timeout=20_000)  # analysed
    qtbot.wait(50)  # anything the analysis would write has been written by now
    review = parts.session.document
    assert review is not None and review.reviewed
    assert review.spans == ()  # the two differ: nothing agreed, and no suggestion
    stored = next(v for v in store.versions_of(document_id) if v.reviewed)
    assert stored.spans == ()
