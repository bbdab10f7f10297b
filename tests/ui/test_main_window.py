"""The whole window, as an annotator uses it: real store file, real spaCy pipeline (an
entity ruler saved to a folder stands in for a trained model), real widgets and keys."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QRect, QSettings, Qt
from pytestqt.qtbot import QtBot

from annotator.core.hashing import input_hash
from annotator.core.model import Document, Label, SpanState, Status
from annotator.store import Store
from annotator.ui.shell import startup
from annotator.ui.shell.launch import Parts
from annotator.ui.spans.cells import Column

pytestmark = pytest.mark.gui

ARTICLES = [
    "Angela Merkel met Emmanuel Macron in Paris on Monday. Later Scholz flew home.",
    "Rotterdam and Antwerp compete for cargo, said Maersk on Tuesday.",
]
PATTERNS = [
    {"label": "PERSON", "pattern": "Angela Merkel"},
    {"label": "ORG", "pattern": "Emmanuel Macron"},  # wrong: the annotator fixes it
    {"label": "GPE", "pattern": "Paris"},
    {"label": "DATE", "pattern": "Monday"},
    {"label": "GPE", "pattern": "Rotterdam"},
    {"label": "ORG", "pattern": "Maersk"},
]
LABELS = (
    Label("PERSON", "#aa9cfc", "1"),
    Label("ORG", "#7aecec", "2"),
    Label("GPE", "#feca74", "3"),
    Label("DATE", "#bfe1d9", "4"),
)


@pytest.fixture(scope="module")
def rules_model(make_rules_model: Callable[[list[dict[str, str]]], Path]) -> Path:
    return make_rules_model(PATTERNS)


@pytest.fixture
def filled(store: Store, rules_model: Path) -> Store:
    dataset = store.create_dataset("news", labels=LABELS, model=str(rules_model))
    documents = [
        (Document(0, dataset.id, text, input_hash=input_hash(text)), None) for text in ARTICLES
    ]
    store.add_documents(dataset.id, documents)
    return store


@pytest.fixture
def parts(filled: Store, settings: QSettings, open_window: Callable[..., Parts]) -> Parts:
    return open_window(filled, settings)


def suggestions_arrived(parts: Parts, qtbot: QtBot) -> Document:
    def arrived() -> None:
        document = parts.session.document
        assert document is not None
        assert any(s.state is SpanState.SUGGESTED for s in document.spans)

    qtbot.waitUntil(arrived, timeout=20_000)
    assert parts.session.document is not None
    return parts.session.document


def stored(parts: Parts) -> Document:
    document = parts.session.document
    assert document is not None
    return parts.session.store.get_document(document.id)


def texts(document: Document, state: SpanState) -> dict[str, str]:
    return {document.covered_text(s): s.label for s in document.spans if s.state is state}


def key(parts: Parts, qtbot: QtBot, key: Qt.Key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(parts.window.article, key, modifier)


def test_the_model_suggests_when_an_article_opens(parts: Parts, qtbot: QtBot) -> None:
    document = suggestions_arrived(parts, qtbot)
    assert texts(document, SpanState.SUGGESTED) == {
        "Angela Merkel": "PERSON",
        "Emmanuel Macron": "ORG",
        "Paris": "GPE",
        "Monday": "DATE",
    }
    assert texts(stored(parts), SpanState.SUGGESTED) == texts(document, SpanState.SUGGESTED)
    assert "rules" in parts.window.model_state.text()
    assert parts.window.article.toPlainText() == ARTICLES[0]


def test_review_from_the_keyboard_and_undo(parts: Parts, qtbot: QtBot) -> None:
    suggestions_arrived(parts, qtbot)
    parts.window.article.setFocus()
    key(parts, qtbot, Qt.Key.Key_Tab)  # Angela Merkel
    assert parts.state.current_span is not None
    key(parts, qtbot, Qt.Key.Key_Return)  # accept; on to Emmanuel Macron
    key(parts, qtbot, Qt.Key.Key_1)  # relabel ORG -> PERSON; on to Paris
    key(parts, qtbot, Qt.Key.Key_Delete)  # reject; on to Monday
    document = stored(parts)
    assert texts(document, SpanState.ACCEPTED) == {
        "Angela Merkel": "PERSON",
        "Emmanuel Macron": "PERSON",
    }
    assert texts(document, SpanState.REJECTED) == {"Paris": "GPE"}
    assert document.status is Status.IN_PROGRESS
    # "Scholz" later on is suggested by nothing: no name here is his in full.
    key(parts, qtbot, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # undo the reject
    assert texts(stored(parts), SpanState.SUGGESTED).get("Paris") == "GPE"
    key(
        parts,
        qtbot,
        Qt.Key.Key_Z,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert texts(stored(parts), SpanState.REJECTED) == {"Paris": "GPE"}
    assert parts.window.history.stack().count() >= 3


def test_draw_a_span_with_the_mouse_and_a_label_key(parts: Parts, qtbot: QtBot) -> None:
    suggestions_arrived(parts, qtbot)
    view = parts.window.article
    text = view.toPlainText()
    start = text.index("Scholz flew")
    begin = view.cursorRect(_cursor_at(view, start + 2)).center()  # inside the word
    end = view.cursorRect(_cursor_at(view, start + 4)).center()
    qtbot.mousePress(view.viewport(), Qt.MouseButton.LeftButton, pos=begin)
    qtbot.mouseMove(view.viewport(), pos=end)
    qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, pos=end)
    assert parts.state.selection == (start, start + len("Scholz"))  # snapped to the token
    key(parts, qtbot, Qt.Key.Key_1)
    assert texts(stored(parts), SpanState.MANUAL) == {"Scholz": "PERSON"}


def test_accept_all_then_done_opens_the_next_article(parts: Parts, qtbot: QtBot) -> None:
    first = suggestions_arrived(parts, qtbot)
    key(parts, qtbot, Qt.Key.Key_A)
    assert set(texts(stored(parts), SpanState.ACCEPTED)) == {
        "Angela Merkel",
        "Emmanuel Macron",
        "Paris",
        "Monday",
    }
    key(parts, qtbot, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert parts.session.store.get_document(first.id).status is Status.DONE
    second = suggestions_arrived(parts, qtbot)
    assert second.id != first.id
    assert parts.window.article.toPlainText() == ARTICLES[1]
    assert "1 of 2" in parts.window.documents.progress_label.text()


def test_done_accepts_the_open_suggestions_and_says_how_many(parts: Parts, qtbot: QtBot) -> None:
    first = suggestions_arrived(parts, qtbot)
    parts.window.article.setFocus()
    key(parts, qtbot, Qt.Key.Key_N)  # Angela Merkel
    key(parts, qtbot, Qt.Key.Key_N)  # Emmanuel Macron
    key(parts, qtbot, Qt.Key.Key_1)  # relabel ORG -> PERSON; on to Paris
    key(parts, qtbot, Qt.Key.Key_Delete)  # reject Paris; on to Monday
    key(parts, qtbot, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    done = parts.session.store.get_document(first.id)
    assert done.status is Status.DONE
    assert texts(done, SpanState.ACCEPTED) == {
        "Angela Merkel": "PERSON",  # left open, accepted as the article is marked done
        "Emmanuel Macron": "PERSON",
        "Monday": "DATE",
    }
    assert texts(done, SpanState.REJECTED) == {"Paris": "GPE"}
    assert texts(done, SpanState.SUGGESTED) == {}
    assert "2 open suggestions accepted" in parts.window.statusBar().currentMessage()


def test_shift_delete_rejects_the_current_suggestion_only_and_moves_on(
    parts: Parts, qtbot: QtBot
) -> None:
    suggestions_arrived(parts, qtbot)
    parts.window.article.setFocus()
    key(parts, qtbot, Qt.Key.Key_N)  # Angela Merkel
    key(parts, qtbot, Qt.Key.Key_Delete, Qt.KeyboardModifier.ShiftModifier)
    assert texts(stored(parts), SpanState.REJECTED) == {"Angela Merkel": "PERSON"}
    assert "Rejected only" in parts.window.statusBar().currentMessage()
    current = parts.state.current_span
    assert current is not None and stored(parts).covered_text(current) == "Emmanuel Macron"


def test_done_opens_the_next_article_the_filtered_list_shows(
    filled: Store, settings: QSettings, qtbot: QtBot, open_window: Callable[..., Parts]
) -> None:
    dataset = filled.get_dataset("news")
    more = ["Paris hosts a summit on Monday.", "Maersk moved its office to Rotterdam."]
    filled.add_documents(
        dataset.id, [(Document(0, dataset.id, t, input_hash=input_hash(t)), None) for t in more]
    )
    parts = open_window(filled, settings)
    suggestions_arrived(parts, qtbot)
    search = parts.window.documents.search
    search.setFocus()
    qtbot.keyClicks(search, "Rotterdam")
    qtbot.keyClick(search, Qt.Key.Key_Return)
    assert parts.window.documents.model.rowCount() == 2
    parts.workflow.open_document(filled.document_ids(dataset.id)[1])  # ARTICLES[1]
    suggestions_arrived(parts, qtbot)
    parts.window.article.setFocus()

    key(parts, qtbot, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    # the next one in the list, not "Paris hosts a summit", the next one by id
    assert parts.window.article.toPlainText() == more[1]

    key(parts, qtbot, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    # none of the list's is left open: the first open one of the dataset, and it says so
    assert parts.window.article.toPlainText() == ARTICLES[0]
    assert "left in the list" in parts.window.statusBar().currentMessage()


def test_typing_in_the_search_box_never_labels(parts: Parts, qtbot: QtBot) -> None:
    suggestions_arrived(parts, qtbot)
    parts.window.article.setFocus()
    key(parts, qtbot, Qt.Key.Key_Tab)
    before = stored(parts).spans
    search = parts.window.documents.search
    search.setFocus()
    qtbot.keyClicks(search, "A1")
    qtbot.keyClick(search, Qt.Key.Key_Return)
    assert stored(parts).spans == before


def test_the_window_comes_back_as_it_was(
    filled: Store, settings: QSettings, qtbot: QtBot, open_window: Callable[..., Parts]
) -> None:
    parts = open_window(filled, settings)
    suggestions_arrived(parts, qtbot)
    table = parts.window.documents.table
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_Down)  # the second article
    qtbot.waitUntil(lambda: parts.window.article.toPlainText() == ARTICLES[1])
    parts.window.resize(760, 560)  # restoreGeometry keeps a window inside the screen
    parts.window.splitter.setSizes([150, 400, 200])
    sizes = parts.window.splitter.sizes()
    parts.window.close()
    parts.worker.shutdown()
    again = open_window(filled, settings)
    assert again.window.article.toPlainText() == ARTICLES[1]
    assert again.window.size() == parts.window.size()
    assert again.window.splitter.sizes() == sizes


def test_shortcuts_help_lists_every_key(parts: Parts, qtbot: QtBot) -> None:
    from annotator.ui.dialogs.help import ShortcutsDialog
    from annotator.ui.shell.actions import shortcut_rows

    dialog = ShortcutsDialog(shortcut_rows(), parts.window)
    qtbot.addWidget(dialog)
    rows = {
        dialog.table.item(r, 1).text(): dialog.table.item(r, 2).text()
        for r in range(dialog.table.rowCount())
    }
    assert rows["Accept"].startswith("Return")
    assert "Ctrl+Return" in rows["Mark Done and Open Next"]
    assert rows["Undo"] == "Ctrl+Z"


def test_a_missing_model_leaves_manual_labelling_working(
    store: Store,
    settings: QSettings,
    qtbot: QtBot,
    tmp_path: Path,
    open_window: Callable[..., Parts],
) -> None:
    dataset = store.create_dataset("news", labels=LABELS, model=str(tmp_path / "no-such-model"))
    text = ARTICLES[1]
    store.add_documents(
        dataset.id, [(Document(0, dataset.id, text, input_hash=input_hash(text)), None)]
    )
    parts = open_window(store, settings)
    qtbot.waitUntil(lambda: "failed" in parts.window.model_state.text(), timeout=20_000)
    parts.window.article.select_range(0, len("Rotterdam"))
    parts.editing.select(0, len("Rotterdam"))
    key(parts, qtbot, Qt.Key.Key_3)
    assert texts(stored(parts), SpanState.MANUAL) == {"Rotterdam": "GPE"}


def _cursor_at(view, offset: int):  # type: ignore[no-untyped-def]
    cursor = view.textCursor()
    cursor.setPosition(offset)
    return cursor


def test_a_newcomer_opens_the_samples_from_an_empty_store(
    store: Store, settings: QSettings, qtbot: QtBot, open_window: Callable[..., Parts]
) -> None:
    parts = open_window(store, settings)
    assert "sample articles" in parts.window.title.text()
    parts.window.title.linkActivated.emit("file.samples")
    dataset = store.get_dataset("samples")
    assert store.count_documents(dataset.id) == 3
    assert [label.name for label in dataset.labels][:3] == ["PERSON", "ORG", "GPE"]
    qtbot.waitUntil(lambda: parts.window.article.toPlainText() != "")
    assert parts.window.dataset_box.currentText() == "samples"
    assert "0 of 3" in parts.window.documents.progress_label.text()


def test_export_from_the_window_writes_prodigy_jsonl(
    parts: Parts, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json

    from PySide6.QtWidgets import QDialog, QMessageBox

    from annotator.ui.dialogs import transfer

    suggestions_arrived(parts, qtbot)
    key(parts, qtbot, Qt.Key.Key_A)
    key(parts, qtbot, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    out = tmp_path / "news.jsonl"

    def accept_dialog(dialog: QDialog) -> int:
        dialog.path.setText(str(out))  # type: ignore[attr-defined]
        return QDialog.DialogCode.Accepted.value

    monkeypatch.setattr(transfer.ExportDialog, "exec", accept_dialog)
    monkeypatch.setattr(QMessageBox, "information", lambda *args: None)
    monkeypatch.setattr(QMessageBox, "warning", lambda *args: pytest.fail(str(args[2])))
    parts.window.action("file.export").trigger()
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 1
    assert records[0]["text"] == ARTICLES[0]
    assert {s["label"] for s in records[0]["spans"]} == {"PERSON", "ORG", "GPE", "DATE"}


def test_the_span_list_answers_the_annotation_keys(parts: Parts, qtbot: QtBot) -> None:
    suggestions_arrived(parts, qtbot)
    table = parts.window.spans.table
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_Down)  # the first span becomes current
    assert parts.state.current_span is not None
    chosen = parts.state.current_span
    qtbot.keyClick(table, Qt.Key.Key_Return)
    accepted = texts(stored(parts), SpanState.ACCEPTED)
    assert accepted == {parts.session.document.covered_text(chosen): chosen.label}  # type: ignore[union-attr]


def test_an_empty_store_says_when_the_model_loads(
    store: Store, settings: QSettings, qtbot: QtBot, open_window: Callable[..., Parts]
) -> None:
    parts = open_window(store, settings)
    state = parts.window.model_state
    assert state.text() == "Model: loads when a dataset is open"
    parts.window.title.linkActivated.emit("file.samples")  # a dataset now: the model loads
    qtbot.waitUntil(lambda: "loads when" not in state.text(), timeout=20_000)


def test_the_first_window_fits_1366x768_with_every_panel_usable(
    filled: Store,
    settings: QSettings,
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    open_window: Callable[..., Parts],
) -> None:
    screen = QRect(0, 0, 1366, 768)
    monkeypatch.setattr(startup, "available_area", lambda window: screen)
    parts = open_window(filled, settings)
    document = suggestions_arrived(parts, qtbot)
    window = parts.window
    assert screen.contains(window.geometry().adjusted(0, -startup.TITLE_BAR, 0, 0))
    assert window.minimumSizeHint().width() <= window.width()  # nothing forced it wider
    assert window.documents.width() >= 250 and window.article.width() >= 450
    table = window.spans.table
    metrics = table.fontMetrics()
    visible = [c for c in Column if not table.isColumnHidden(c)]
    right = max(table.columnViewportPosition(c) + table.columnWidth(c) for c in visible)
    assert right <= table.viewport().width()  # no column is scrolled out of sight
    assert table.columnWidth(Column.STATE) > metrics.horizontalAdvance("Suggested")
    assert table.columnWidth(Column.SOURCE) > metrics.horizontalAdvance("Source")
    for span in document.spans:  # the names are short enough to be shown whole
        shown = metrics.horizontalAdvance(document.covered_text(span))
        assert shown < table.columnWidth(Column.TEXT)
