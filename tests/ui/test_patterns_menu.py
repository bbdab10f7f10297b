"""Model > Import Patterns…: the open article gets the patterns' suggestions at once, and
the span list shows them with their source; a bad file is refused with its line."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QFileDialog, QMessageBox
from pytestqt.qtbot import QtBot

from annotator.core.hashing import input_hash
from annotator.core.model import Document, Label, SpanState
from annotator.store import Store
from annotator.ui.shell.launch import Parts
from annotator.ui.spans.cells import Column

pytestmark = pytest.mark.gui

TEXT = "Tim Cook said Apple Inc. will open in San Francisco."
PATTERNS = [
    {"label": "ORG", "pattern": "Apple Inc."},
    {"label": "GPE", "pattern": [{"LOWER": "san"}, {"LOWER": "francisco"}]},
]


@pytest.fixture
def parts(
    store: Store,
    settings: QSettings,
    open_window: Callable[..., Parts],
    make_rules_model: Callable[[list[dict[str, str]]], Path],
    qtbot: QtBot,
) -> Parts:
    model = make_rules_model([{"label": "PERSON", "pattern": "Tim Cook"}])
    labels = (Label("PERSON"), Label("ORG"), Label("GPE"))
    dataset = store.create_dataset("news", labels=labels, model=str(model))
    store.add_documents(dataset.id, [(Document(0, 0, TEXT, input_hash=input_hash(TEXT)), None)])
    opened = open_window(store, settings)
    qtbot.waitUntil(lambda: bool(opened.session.document and opened.session.document.spans))
    return opened


def choose(monkeypatch: pytest.MonkeyPatch, path: Path) -> list[str]:
    """The file dialog answers `path`; the message boxes' texts are collected."""
    said: list[str] = []
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args: (str(path), ""))
    for kind in ("information", "warning"):
        monkeypatch.setattr(QMessageBox, kind, lambda parent, title, text: said.append(text))
    return said


def test_imported_patterns_suggest_in_the_open_article_with_their_source(
    parts: Parts, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "patterns.jsonl"
    path.write_text("".join(json.dumps(p) + "\n" for p in PATTERNS), encoding="utf-8")
    said = choose(monkeypatch, path)
    parts.window.action("model.import_patterns").trigger()
    assert said and said[0].startswith("Imported 2 pattern(s) into news.")

    def suggested() -> set[tuple[str, str | None]]:
        document = parts.session.document
        assert document is not None
        return {
            (document.covered_text(s), s.source)
            for s in document.spans
            if s.state is SpanState.SUGGESTED
        }

    qtbot.waitUntil(lambda: ("Apple Inc.", "patterns") in suggested(), timeout=20_000)
    assert suggested() == {
        ("Tim Cook", "en_rules"),
        ("Apple Inc.", "patterns"),
        ("San Francisco", "patterns"),
    }
    table = parts.window.spans.table
    model = table.model()
    sources = {model.index(row, Column.SOURCE).data() for row in range(model.rowCount())}
    assert sources == {"en_rules", "patterns"}


def test_a_bad_file_is_refused_with_its_line_and_nothing_changes(
    parts: Parts, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"label": "ORG", "pattern": "Apple Inc."}\n{"label": "ORG"}\n', "utf-8")
    said = choose(monkeypatch, path)
    parts.window.action("model.import_patterns").trigger()
    assert len(said) == 1 and f'{path}:2: the pattern has no "pattern"' in said[0]
    assert parts.workflow.store.patterns(parts.workflow.store.get_dataset("news").id) == []
