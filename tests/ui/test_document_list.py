"""The document panel over a real store: rows, filters, sorting, choosing, progress, edits."""

from __future__ import annotations

from datetime import datetime

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QIcon

from annotator.core.edits import AddSpan, SetStatus
from annotator.core.hashing import input_hash
from annotator.core.model import Dataset, Document, Label, Span, SpanState, Status
from annotator.core.summaries import DocumentQuery, DocumentSummary
from annotator.store import Store
from annotator.ui.documents.filters import SEARCH_DELAY_MS
from annotator.ui.documents.list_model import (
    PAGE_SIZE,
    SPANS_COLUMN,
    STATUS_COLUMN,
    TITLE_COLUMN,
    UPDATED_COLUMN,
    DocumentListModel,
    when,
)
from annotator.ui.documents.panel import DocumentPanel

pytestmark = pytest.mark.gui

LABELS = (Label("PERSON", "#aa9cfc", "1"), Label("ORG", "#7aecec", "2"), Label("GPE"))
ARTICLES = [
    # (text, spans, status)
    (
        "Maersk opens an office in Rotterdam\nThe shipping firm said on Monday.",
        [Span(0, 6, "ORG", SpanState.ACCEPTED), Span(26, 35, "GPE", SpanState.SUGGESTED)],
        Status.DONE,
    ),
    (
        "Zaha Hadid museum opens\nGlasgow cheered.",
        [Span(0, 10, "PERSON", SpanState.MANUAL)],
        Status.NEW,
    ),
    ("Port strike ends in Antwerp\nDockers return.", [], Status.IN_PROGRESS),
    ("Budget vote delayed\nAgain.", [Span(0, 6, "ORG", SpanState.REJECTED)], Status.SKIPPED),
    ("Élection à Genève\nLes électeurs ont voté.", [], Status.NEW),
    ("Ceasefire talks resume\nIn Nairobi.", [], Status.REJECTED),
]


def make(text: str, spans: list[Span], status: Status, updated_at: float = 1.0) -> Document:
    return Document(
        id=0,
        dataset_id=0,
        text=text,
        spans=tuple(sorted(spans, key=lambda s: s.key)),
        status=status,
        input_hash=input_hash(text),
        created_at=updated_at,
        updated_at=updated_at,
    )


@pytest.fixture
def dataset(store: Store) -> Dataset:
    dataset = store.create_dataset("news", labels=LABELS)
    store.add_documents(
        dataset.id,
        [
            (make(text, spans, status, 1000.0 + n), None)
            for n, (text, spans, status) in enumerate(ARTICLES)
        ],
    )
    return dataset


@pytest.fixture
def ids(store: Store, dataset: Dataset) -> list[int]:
    return store.document_ids(dataset.id)


@pytest.fixture
def panel(qtbot, store: Store, dataset: Dataset) -> DocumentPanel:
    widget = DocumentPanel(store)
    qtbot.addWidget(widget)
    widget.resize(520, 420)
    widget.show()
    qtbot.waitExposed(widget)
    widget.set_dataset(dataset.id, LABELS)
    return widget


def cell(panel: DocumentPanel, row: int, column: int, role=Qt.ItemDataRole.DisplayRole):
    return panel.model.data(panel.model.index(row, column), role)


def titles(panel: DocumentPanel) -> list[str]:
    return [cell(panel, row, TITLE_COLUMN) for row in range(panel.model.rowCount())]


def click_row(qtbot, panel: DocumentPanel, row: int) -> None:
    rect = panel.table.visualRect(panel.model.index(row, TITLE_COLUMN))
    qtbot.mouseClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def click_header(qtbot, panel: DocumentPanel, column: int) -> None:
    header = panel.table.horizontalHeader()
    x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
    qtbot.mouseClick(
        header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2)
    )


# -- what the list shows ------------------------------------------------------------------


def test_rows_show_status_title_spans_and_time(panel: DocumentPanel) -> None:
    assert titles(panel) == [
        "Maersk opens an office in Rotterdam",
        "Zaha Hadid museum opens",
        "Port strike ends in Antwerp",
        "Budget vote delayed",
        "Élection à Genève",
        "Ceasefire talks resume",
    ]
    assert cell(panel, 0, SPANS_COLUMN) == "1 ✓ / 1 ?"
    assert cell(panel, 3, SPANS_COLUMN) == "0 ✓ / 0 ?"  # a rejected span counts for neither
    assert cell(panel, 0, UPDATED_COLUMN) == datetime.fromtimestamp(1000).strftime("%Y-%m-%d")
    tips = [cell(panel, row, STATUS_COLUMN, Qt.ItemDataRole.ToolTipRole) for row in range(6)]
    assert tips == ["Done", "New", "In progress", "Skipped", "New", "Rejected"]
    dots = [cell(panel, row, STATUS_COLUMN, Qt.ItemDataRole.DecorationRole) for row in range(6)]
    assert all(isinstance(dot, QIcon) and not dot.isNull() for dot in dots)
    assert dots[0].cacheKey() != dots[1].cacheKey()  # done and new look different
    assert dots[1].cacheKey() == dots[4].cacheKey()
    assert cell(panel, 0, STATUS_COLUMN) is None  # the dot alone, no text


def test_the_rows_are_painted(panel: DocumentPanel) -> None:
    first = panel.table.visualRect(panel.model.index(0, TITLE_COLUMN))
    assert first.isValid() and panel.table.viewport().rect().contains(first.center())
    assert panel.table.indexAt(first.center()).row() == 0


def test_progress_line(panel: DocumentPanel, store: Store, ids: list[int]) -> None:
    assert panel.progress_label.text() == "1 of 6 done"
    assert (panel.progress_bar.value(), panel.progress_bar.maximum()) == (1, 6)
    store.apply(store.get_document(ids[1]), SetStatus(Status.NEW, Status.DONE))
    panel.refresh_document(ids[1])
    assert panel.progress_label.text() == "2 of 6 done"
    assert panel.progress_bar.value() == 2


def test_no_dataset_shows_an_empty_list(panel: DocumentPanel) -> None:
    panel.set_dataset(None)
    assert panel.model.rowCount() == 0
    assert panel.progress_label.text() == "0 of 0 done"


def test_another_dataset_shows_only_its_documents(panel: DocumentPanel, store: Store) -> None:
    other = store.create_dataset("sport", labels=[Label("TEAM")])
    store.add_documents(other.id, [(make("Ajax win the cup", [], Status.NEW), None)])
    panel.set_dataset(other.id, other.labels)
    assert titles(panel) == ["Ajax win the cup"]
    labels = [panel.label_filter.itemText(i) for i in range(panel.label_filter.count())]
    assert labels == ["All labels", "TEAM"]
    assert panel.progress_label.text() == "0 of 1 done"


# -- filters ------------------------------------------------------------------------------


def test_search_filters_after_a_pause(qtbot, panel: DocumentPanel) -> None:
    qtbot.keyClicks(panel.search, "GLASGOW")
    assert panel.model.rowCount() == 6  # not at each key press
    qtbot.waitUntil(lambda: panel.model.rowCount() == 1, timeout=SEARCH_DELAY_MS * 8)
    assert titles(panel) == ["Zaha Hadid museum opens"]
    assert panel.shown_label.text() == "1 shown"
    panel.search.clear()
    qtbot.waitUntil(lambda: panel.model.rowCount() == 6, timeout=SEARCH_DELAY_MS * 8)
    assert panel.shown_label.text() == ""


def test_return_searches_at_once(qtbot, panel: DocumentPanel) -> None:
    panel.search.setText("genève")  # QTest types ASCII only
    qtbot.keyClick(panel.search, Qt.Key.Key_Return)
    assert titles(panel) == ["Élection à Genève"]


def test_status_filter(panel: DocumentPanel) -> None:
    choices = [panel.status_filter.itemText(i) for i in range(panel.status_filter.count())]
    assert choices == [
        "All",
        "Open (new + in progress)",
        "New",
        "In progress",
        "Done",
        "Skipped",
        "Rejected",
    ]
    panel.status_filter.setCurrentIndex(1)
    assert titles(panel) == [
        "Zaha Hadid museum opens",
        "Port strike ends in Antwerp",
        "Élection à Genève",
    ]
    panel.status_filter.setCurrentText("Done")
    assert titles(panel) == ["Maersk opens an office in Rotterdam"]
    panel.status_filter.setCurrentText("All")
    assert panel.model.rowCount() == 6


def test_label_filter(panel: DocumentPanel) -> None:
    labels = [panel.label_filter.itemText(i) for i in range(panel.label_filter.count())]
    assert labels == ["All labels", "PERSON", "ORG", "GPE"]
    assert panel.label_filter.itemIcon(0).isNull()
    assert not panel.label_filter.itemIcon(1).isNull()  # the label's colour
    panel.label_filter.setCurrentText("ORG")  # Budget's ORG span was rejected
    assert titles(panel) == ["Maersk opens an office in Rotterdam"]
    panel.label_filter.setCurrentText("PERSON")
    assert titles(panel) == ["Zaha Hadid museum opens"]
    panel.set_labels([*LABELS, Label("EVENT")])  # the chosen label stays
    assert panel.label_filter.currentText() == "PERSON"
    assert titles(panel) == ["Zaha Hadid museum opens"]
    panel.set_labels([Label("ORG")])  # the chosen label went: all labels again
    assert panel.label_filter.currentText() == "All labels"
    assert panel.model.rowCount() == 6


def test_filters_combine(qtbot, panel: DocumentPanel) -> None:
    panel.status_filter.setCurrentText("New")
    qtbot.keyClicks(panel.search, "opens")
    qtbot.keyClick(panel.search, Qt.Key.Key_Return)
    assert titles(panel) == ["Zaha Hadid museum opens"]


# -- sorting ------------------------------------------------------------------------------


def test_clicking_headers_sorts(qtbot, panel: DocumentPanel) -> None:
    click_header(qtbot, panel, TITLE_COLUMN)
    assert panel.model.query.sort == "title"
    assert titles(panel)[:2] == ["Budget vote delayed", "Ceasefire talks resume"]
    click_header(qtbot, panel, TITLE_COLUMN)
    assert panel.model.query.descending
    assert titles(panel)[0] == "Élection à Genève"  # non-ASCII letters sort after Z
    click_header(qtbot, panel, STATUS_COLUMN)
    tips = [cell(panel, row, STATUS_COLUMN, Qt.ItemDataRole.ToolTipRole) for row in range(6)]
    assert tips == ["New", "New", "In progress", "Done", "Skipped", "Rejected"]
    click_header(qtbot, panel, SPANS_COLUMN)
    spans = [cell(panel, row, SPANS_COLUMN) for row in range(6)]
    assert spans == ["0 ✓ / 0 ?"] * 4 + ["1 ✓ / 1 ?", "1 ✓ / 0 ?"]  # ties in import order
    click_header(qtbot, panel, UPDATED_COLUMN)  # newest first
    assert titles(panel)[0] == "Ceasefire talks resume"


def test_sorting_keeps_the_open_document_selected(
    qtbot, panel: DocumentPanel, ids: list[int]
) -> None:
    panel.select_document(ids[4])
    with qtbot.assertNotEmitted(panel.document_chosen):
        click_header(qtbot, panel, TITLE_COLUMN)
    assert panel.table.currentIndex().row() == 5
    assert panel.model.document_id_at(panel.table.currentIndex().row()) == ids[4]


# -- choosing documents -------------------------------------------------------------------


def test_clicking_a_row_chooses_its_document(qtbot, panel: DocumentPanel, ids: list[int]) -> None:
    with qtbot.waitSignal(panel.document_chosen, timeout=1000) as chosen:
        click_row(qtbot, panel, 2)
    assert chosen.args == [ids[2]]
    with qtbot.assertNotEmitted(panel.document_chosen):
        click_row(qtbot, panel, 2)  # already open


def test_arrow_keys_choose_the_next_and_previous(
    qtbot, panel: DocumentPanel, ids: list[int]
) -> None:
    click_row(qtbot, panel, 0)
    panel.table.setFocus()
    with qtbot.waitSignal(panel.document_chosen, timeout=1000) as chosen:
        qtbot.keyClick(panel.table, Qt.Key.Key_Down)
    assert chosen.args == [ids[1]]
    with qtbot.waitSignal(panel.document_chosen, timeout=1000) as chosen:
        qtbot.keyClick(panel.table, Qt.Key.Key_End)
    assert chosen.args == [ids[5]]
    with qtbot.waitSignal(panel.document_chosen, timeout=1000) as chosen:
        qtbot.keyClick(panel.table, Qt.Key.Key_Up)
    assert chosen.args == [ids[4]]


def test_step_moves_from_the_open_document(qtbot, panel: DocumentPanel, ids: list[int]) -> None:
    with qtbot.waitSignal(panel.document_chosen, timeout=1000) as chosen:
        panel.step(1)  # nothing open: the first row
    assert chosen.args == [ids[0]]
    panel.select_document(ids[3])
    with qtbot.waitSignal(panel.document_chosen, timeout=1000) as chosen:
        panel.step(-1)
    assert chosen.args == [ids[2]]
    panel.select_document(ids[5])
    with qtbot.assertNotEmitted(panel.document_chosen):
        panel.step(1)  # already the last row


def test_select_document_selects_without_echo(qtbot, panel: DocumentPanel, ids: list[int]) -> None:
    with qtbot.assertNotEmitted(panel.document_chosen):
        assert panel.select_document(ids[3])
        assert panel.select_document(ids[3])
    assert panel.table.currentIndex().row() == 3
    assert panel.table.selectionModel().isRowSelected(3)
    panel.status_filter.setCurrentText("Done")  # Budget (skipped) is filtered out
    assert not panel.table.selectionModel().hasSelection()
    assert not panel.select_document(ids[3])
    panel.status_filter.setCurrentText("All")  # back: selected again
    assert panel.table.currentIndex().row() == 3


def test_focus_search(qtbot, panel: DocumentPanel) -> None:
    panel.search.setText("port")
    panel.table.setFocus()
    panel.focus_search()
    qtbot.waitUntil(panel.search.hasFocus, timeout=1000)
    assert panel.search.selectedText() == "port"


# -- edits --------------------------------------------------------------------------------


def test_refresh_document_shows_the_new_status_and_spans(
    panel: DocumentPanel, store: Store, ids: list[int]
) -> None:
    zaha = store.get_document(ids[1])
    zaha = store.apply(zaha, SetStatus(Status.NEW, Status.IN_PROGRESS))
    store.apply(zaha, AddSpan(Span(24, 31, "GPE", SpanState.MANUAL)))
    panel.refresh_document(ids[1])
    assert cell(panel, 1, STATUS_COLUMN, Qt.ItemDataRole.ToolTipRole) == "In progress"
    assert cell(panel, 1, SPANS_COLUMN) == "2 ✓ / 0 ?"
    assert cell(panel, 1, UPDATED_COLUMN) == datetime.now().strftime("%H:%M")


def test_a_document_marked_done_leaves_the_open_list_quietly(
    qtbot, panel: DocumentPanel, store: Store, ids: list[int]
) -> None:
    panel.status_filter.setCurrentText("Open (new + in progress)")
    panel.select_document(ids[2])
    store.apply(store.get_document(ids[2]), SetStatus(Status.IN_PROGRESS, Status.DONE))
    removed: list[tuple[int, int]] = []
    panel.model.rowsRemoved.connect(lambda _parent, first, last: removed.append((first, last)))
    with qtbot.assertNotEmitted(panel.document_chosen):
        panel.refresh_document(ids[2])
    assert removed == [(1, 1)]  # only that row went
    assert titles(panel) == ["Zaha Hadid museum opens", "Élection à Genève"]
    assert not panel.table.selectionModel().hasSelection()
    assert panel.progress_label.text() == "2 of 6 done"
    assert panel.shown_label.text() == "2 shown"


def test_an_edit_moves_the_row_under_a_time_order(
    qtbot, panel: DocumentPanel, store: Store, ids: list[int]
) -> None:
    click_header(qtbot, panel, UPDATED_COLUMN)  # newest first
    panel.select_document(ids[0])
    assert panel.table.currentIndex().row() == 5
    store.apply(store.get_document(ids[0]), SetStatus(Status.DONE, Status.IN_PROGRESS))
    moved: list[int] = []
    panel.model.rowsMoved.connect(lambda *args: moved.append(args[1]))
    with qtbot.assertNotEmitted(panel.document_chosen):
        panel.refresh_document(ids[0])
    assert moved == [5]
    assert panel.model.document_id_at(0) == ids[0]  # changed last
    assert panel.table.currentIndex().row() == 0  # and still selected
    assert cell(panel, 0, STATUS_COLUMN, Qt.ItemDataRole.ToolTipRole) == "In progress"


def test_span_edits_under_a_status_filter_only_redraw_the_row(
    panel: DocumentPanel, store: Store, ids: list[int], monkeypatch
) -> None:
    panel.status_filter.setCurrentText("Open (new + in progress)")
    panel.select_document(ids[1])
    reads: list[object] = []
    matching_ids = store.matching_ids
    monkeypatch.setattr(store, "matching_ids", lambda *a: reads.append(a) or matching_ids(*a))
    changed: list[int] = []
    panel.model.dataChanged.connect(lambda first, _last, _roles: changed.append(first.row()))
    store.apply(store.get_document(ids[1]), AddSpan(Span(24, 31, "GPE", SpanState.MANUAL)))
    panel.refresh_document(ids[1])
    assert reads == []  # the status did not change: the ids stand
    assert changed == [0]
    assert cell(panel, 0, SPANS_COLUMN) == "2 ✓ / 0 ?"
    assert panel.table.currentIndex().row() == 0


def test_a_document_reopened_enters_the_open_list(
    qtbot, panel: DocumentPanel, store: Store, ids: list[int]
) -> None:
    panel.status_filter.setCurrentText("Open (new + in progress)")
    panel.select_document(ids[1])
    inserted: list[int] = []
    panel.model.rowsInserted.connect(lambda _parent, first, _last: inserted.append(first))
    store.apply(store.get_document(ids[0]), SetStatus(Status.DONE, Status.IN_PROGRESS))
    with qtbot.assertNotEmitted(panel.document_chosen):
        panel.refresh_document(ids[0])
    assert inserted == [0]
    assert titles(panel)[0] == "Maersk opens an office in Rotterdam"
    assert panel.table.currentIndex().row() == 1  # still on the open document


def test_a_status_change_moves_the_row_under_the_status_order(
    qtbot, panel: DocumentPanel, store: Store, ids: list[int]
) -> None:
    click_header(qtbot, panel, STATUS_COLUMN)  # new, new, in progress, done, skipped, rejected
    store.apply(store.get_document(ids[5]), SetStatus(Status.REJECTED, Status.NEW))
    panel.refresh_document(ids[5])
    tips = [cell(panel, row, STATUS_COLUMN, Qt.ItemDataRole.ToolTipRole) for row in range(6)]
    assert tips == ["New", "New", "New", "In progress", "Done", "Skipped"]
    assert panel.model.document_id_at(2) == ids[5]


def test_the_same_dataset_again_keeps_the_selection(
    panel: DocumentPanel, store: Store, dataset: Dataset, ids: list[int]
) -> None:
    panel.select_document(ids[2])
    store.add_documents(dataset.id, [(make("Late news\nbody", [], Status.NEW), None)])
    panel.set_dataset(dataset.id, LABELS)  # labels changed, say
    assert panel.model.rowCount() == 7
    assert panel.table.currentIndex().row() == 2
    other = store.create_dataset("sport")
    panel.set_dataset(other.id)
    panel.set_dataset(dataset.id, LABELS)
    assert not panel.table.selectionModel().hasSelection()


def test_refresh_reads_new_documents(panel: DocumentPanel, store: Store, dataset: Dataset) -> None:
    store.add_documents(dataset.id, [(make("Late news\nbody", [], Status.NEW), None)])
    panel.refresh()
    assert titles(panel)[-1] == "Late news"
    assert panel.progress_label.text() == "1 of 7 done"


# -- a large dataset ----------------------------------------------------------------------


def test_only_the_rows_in_view_are_read(qtbot, store: Store, monkeypatch) -> None:
    dataset = store.create_dataset("big")
    documents = [
        (make(f"Article {n}\nbody", [], Status.NEW), None) for n in range(3 * PAGE_SIZE + 17)
    ]
    store.add_documents(dataset.id, documents)
    read: list[int] = []
    summaries_of = store.summaries_of

    def counting(document_ids):
        read.append(len(document_ids))
        return summaries_of(document_ids)

    monkeypatch.setattr(store, "summaries_of", counting)
    panel = DocumentPanel(store)
    qtbot.addWidget(panel)
    panel.resize(520, 420)
    panel.show()
    qtbot.waitExposed(panel)
    panel.set_dataset(dataset.id)
    qtbot.wait(10)
    assert panel.model.rowCount() == 3 * PAGE_SIZE + 17
    assert read == [PAGE_SIZE]  # one page, for the rows on screen
    panel.table.scrollToBottom()
    qtbot.waitUntil(
        lambda: cell(panel, 3 * PAGE_SIZE + 16, TITLE_COLUMN) == f"Article {3 * PAGE_SIZE + 16}"
    )
    assert read == [PAGE_SIZE, 17]


def test_the_model_pages_through_a_sorted_list(store: Store, qapp) -> None:
    dataset = store.create_dataset("big")
    count = 2 * PAGE_SIZE + 5
    store.add_documents(
        dataset.id, [(make(f"Article {n:04d}\nbody", [], Status.NEW), None) for n in range(count)]
    )
    model = DocumentListModel(store)
    model.set_dataset(dataset.id, DocumentQuery(sort="title", descending=True))
    assert model.rowCount() == count
    shown = [model.data(model.index(row, TITLE_COLUMN)) for row in range(count)]
    assert shown == [f"Article {n:04d}" for n in reversed(range(count))]
    assert model.row_of(model.document_id_at(PAGE_SIZE + 3) or -1) == PAGE_SIZE + 3
    assert model.document_id_at(count) is None
    assert model.row_of(10**9) is None


def test_when_is_short() -> None:
    now = datetime(2026, 3, 5, 18, 0).timestamp()
    assert when(datetime(2026, 3, 5, 9, 7).timestamp(), now) == "09:07"
    assert when(datetime(2026, 1, 14, 9, 7).timestamp(), now) == "14 Jan"
    assert when(datetime(2025, 12, 31, 9, 7).timestamp(), now) == "2025-12-31"
    assert when(0.0, now) == ""


def test_an_edit_reads_one_summary_and_counts_progress_only_for_a_new_status(
    qtbot, store: Store, monkeypatch
) -> None:
    dataset = store.create_dataset("big")
    store.add_documents(
        dataset.id,
        [(make(f"Article {n}\nbody", [], Status.NEW), None) for n in range(2 * PAGE_SIZE)],
    )
    panel = DocumentPanel(store)
    qtbot.addWidget(panel)
    panel.resize(520, 420)
    panel.show()
    qtbot.waitExposed(panel)
    panel.set_dataset(dataset.id)
    target = store.document_ids(dataset.id)[3]
    panel.select_document(target)
    qtbot.wait(10)
    read: list[int] = []
    counted: list[int] = []
    summaries_of, progress = store.summaries_of, store.progress

    def reading(document_ids: list[int]) -> list[DocumentSummary]:
        read.append(len(document_ids))
        return summaries_of(document_ids)

    def counting(dataset_id: int) -> tuple[int, int]:
        counted.append(dataset_id)
        return progress(dataset_id)

    monkeypatch.setattr(store, "summaries_of", reading)
    monkeypatch.setattr(store, "progress", counting)

    opened = store.apply(store.get_document(target), AddSpan(Span(0, 7, "ORG")))
    panel.refresh_document(target)
    qtbot.wait(10)  # the row repaints
    assert read == [1] and counted == []  # the one row again; the progress stands
    assert cell(panel, 3, SPANS_COLUMN) == "1 ✓ / 0 ?"

    store.apply(opened, SetStatus(opened.status, Status.DONE))
    panel.refresh_document(target)
    qtbot.wait(10)
    assert read == [1, 1] and counted == [dataset.id]
    assert panel.progress_label.text() == "1 of 400 done"
    assert cell(panel, 3, STATUS_COLUMN, Qt.ItemDataRole.ToolTipRole) == "Done"
