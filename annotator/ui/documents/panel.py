"""The left panel: a dataset's documents with search, filters, sorting and progress.

Choosing a row (click or keyboard) emits `document_chosen` with another document than
the open one. The window tells the panel which document is open with `select_document`,
which selects its row: that is the open one, so nothing is chosen. Nothing the list does
on its own (a filter, a sort, an edit that moves or removes the open document's row)
chooses a document either: the panel then puts the selection back on the open document,
or clears it when the document is no longer listed.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QModelIndex, QSignalBlocker, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from annotator.core.model import Label
from annotator.core.summaries import DocumentQuery, ReviewFilter
from annotator.store import Store
from annotator.ui.documents.filters import DocumentFilters
from annotator.ui.documents.list_model import (
    OTHERS_COLUMN,
    SORT_BY_COLUMN,
    SPANS_COLUMN,
    STATUS_COLUMN,
    TITLE_COLUMN,
    UPDATED_COLUMN,
    VERSIONS_COLUMN,
    DocumentListModel,
)


class DocumentTable(QTableView):
    """A table whose Home and End keys go to the first and last document, not column."""

    def moveCursor(
        self, cursorAction: QAbstractItemView.CursorAction, modifiers: Qt.KeyboardModifier
    ) -> QModelIndex:
        if cursorAction in (
            QAbstractItemView.CursorAction.MoveHome,
            QAbstractItemView.CursorAction.MoveEnd,
        ):
            modifiers |= Qt.KeyboardModifier.ControlModifier
        return super().moveCursor(cursorAction, modifiers)


class DocumentPanel(QWidget):
    document_chosen = Signal(int)
    query_changed = Signal(object)  # the list's DocumentQuery: its filters and order

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self._current_id: int | None = None
        self._quiet = 0  # > 0 while the list, not the annotator, moves the current row
        # The dataset and annotator whose queue "Assigned to me" was last offered for.
        self._queue: tuple[int, str] | None = None
        self.model = DocumentListModel(store, self)
        self.filters = DocumentFilters(self._dataset_annotators)
        # The filters' boxes, as the panel's own: what tests and the window drive.
        self.search = self.filters.search
        self.status_filter = self.filters.status_filter
        self.label_filter = self.filters.label_filter
        self.version_filter = self.filters.version_filter
        self.table = DocumentTable()
        self.progress_label = QLabel()
        self.shown_label = QLabel()
        self.progress_bar = QProgressBar()
        self._build()
        self._connect()
        self._show_progress()

    # -- API ------------------------------------------------------------------------------

    @property
    def current_document_id(self) -> int | None:
        return self._current_id

    @property
    def query(self) -> DocumentQuery:
        """The list's filters and order (for "the next open document" in the same order)."""
        return self.model.query

    def set_dataset(self, dataset_id: int | None, labels: Iterable[Label | str] = ()) -> None:
        """Show a dataset (None: none) with its labels in the label filter.

        The same dataset again reads the list again (after an import, a label change) and
        keeps the open document selected.
        """
        if dataset_id != self.model.dataset_id:
            self._current_id = None
        self.set_labels(labels, refresh=False)
        self.filters.forget_annotators()
        self._offer_queue(dataset_id)
        self.model.set_dataset(dataset_id, self._query())
        self._show_progress()

    def set_labels(self, labels: Iterable[Label | str], *, refresh: bool = True) -> None:
        """Offer these labels in the label filter; a chosen label that went becomes "all"."""
        self.filters.set_labels(labels, refresh=refresh)

    def set_review_filter(self, kind: ReviewFilter | None) -> None:
        """Show the documents in that state of review (None: every document)."""
        self.filters.set_review_filter(kind)

    def select_document(self, document_id: int) -> bool:
        """Select and show the open document's row (which chooses nothing: it is open).

        False when the filter leaves the document out: nothing is selected then, and the
        row is selected as soon as a filter or an edit brings the document back.
        """
        self._current_id = document_id
        return self._show_current()

    def refresh_document(self, document_id: int) -> None:
        """After an edit: the row (which may move, appear or go), and the progress when the
        document's status changed (counting a large dataset's rows takes milliseconds)."""
        if self.model.refresh_document(document_id):
            self._show_progress()
        else:
            self._show_shown_count()

    def refresh(self) -> None:
        """Read the whole list again (after an import, an assignment, another name)."""
        self._offer_queue(self.model.dataset_id)
        query = self._query()
        if query != self.model.query:
            self.model.set_query(query)
        else:
            self.model.refresh()
        self._show_progress()

    def step(self, rows: int) -> None:
        """Choose the document `rows` below (above, when negative) the current one."""
        count = self.model.rowCount()
        if count == 0 or rows == 0:
            return
        current = self.table.currentIndex()
        # From no current row, the first step down is the top row, up the bottom one.
        start = current.row() if current.isValid() else (-1 if rows > 0 else count)
        row = start + rows
        target = self.model.index(min(max(row, 0), count - 1), TITLE_COLUMN)
        self.table.setCurrentIndex(target)
        self.table.scrollTo(target)

    def focus_search(self) -> None:
        self.filters.focus_search()

    def _offer_queue(self, dataset_id: int | None) -> None:
        """ "Assigned to me" when the annotator has a queue in the dataset, chosen the first
        time it is offered for that dataset and annotator; the others' progress when
        anyone has one."""
        if dataset_id is None:
            self.table.setColumnHidden(OTHERS_COLUMN, True)
            self.filters.offer_queue(None, choose=False)
            return
        anyone, mine = self._store.assigned(dataset_id)
        self.table.setColumnHidden(OTHERS_COLUMN, not anyone)
        me = self._store.annotator
        owner = (dataset_id, me) if mine else None
        self.filters.offer_queue(me if mine else None, choose=owner not in (None, self._queue))
        if owner is not None:
            self._queue = owner

    def _dataset_annotators(self) -> list[str]:
        dataset_id = self.model.dataset_id
        return [] if dataset_id is None else self._store.annotators(dataset_id)

    # -- building -------------------------------------------------------------------------

    def _build(self) -> None:
        self._build_table()
        self.progress_bar.setTextVisible(False)
        self.progress_bar.setMaximumHeight(self.fontMetrics().height() // 2 + 2)
        footer = QHBoxLayout()
        footer.addWidget(self.progress_label)
        footer.addStretch(1)
        footer.addWidget(self.shown_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.filters)
        layout.addWidget(self.table, 1)
        layout.addLayout(footer)
        layout.addWidget(self.progress_bar)

    def _build_table(self) -> None:
        table = self.table
        # Before the view connects: the panel hears a change coming before the view and
        # its selection model move the current row because of it (see `_hold`).
        for coming in (
            self.model.modelAboutToBeReset,
            self.model.rowsAboutToBeRemoved,
            self.model.rowsAboutToBeInserted,
            self.model.rowsAboutToBeMoved,
            self.model.layoutAboutToBeChanged,
        ):
            coming.connect(self._hold)
        table.setModel(self.model)
        # After the view connects: the view has settled when the panel restores the row.
        for done in (
            self.model.modelReset,
            self.model.rowsRemoved,
            self.model.rowsInserted,
            self.model.rowsMoved,
            self.model.layoutChanged,
        ):
            done.connect(self._release)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setTabKeyNavigation(False)
        table.setShowGrid(False)
        table.setWordWrap(False)
        table.setAlternatingRowColors(True)
        table.setTextElideMode(Qt.TextElideMode.ElideRight)
        table.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        rows = table.verticalHeader()
        rows.hide()
        # Every row the same height: the view never measures rows, so it never reads them.
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = table.horizontalHeader()
        header.setHighlightSections(False)
        header.setStretchLastSection(False)
        metrics = self.fontMetrics()
        widths = {
            STATUS_COLUMN: metrics.height() + 12,
            SPANS_COLUMN: metrics.horizontalAdvance("999 ✓ / 999 ?") + 16,
            UPDATED_COLUMN: metrics.horizontalAdvance("2026-12-31") + 24,
            VERSIONS_COLUMN: metrics.horizontalAdvance("99") + 20,
            OTHERS_COLUMN: metrics.horizontalAdvance("Others") + 24,
        }
        for column, width in widths.items():
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, width)
        header.setSectionResizeMode(TITLE_COLUMN, QHeaderView.ResizeMode.Stretch)
        header.setSortIndicatorClearable(True)  # a third click goes back to import order
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        table.setSortingEnabled(True)

    def _connect(self) -> None:
        self.table.horizontalHeader().sortIndicatorChanged.connect(self._keep_indicator)
        self.filters.changed.connect(self._apply_filters)
        self.table.selectionModel().currentRowChanged.connect(self._on_current_row_changed)
        self.model.query_changed.connect(self.query_changed)

    # -- behaviour ------------------------------------------------------------------------

    def _query(self) -> DocumentQuery:
        return self.filters.query(self.model.query)

    @Slot()
    def _apply_filters(self) -> None:
        self.model.set_query(self._query())
        self._show_progress()

    @Slot(int, Qt.SortOrder)
    def _keep_indicator(self, column: int, _order: Qt.SortOrder) -> None:
        """A click on the others' progress sorts nothing: the indicator stays where the
        list's order is."""
        if column != OTHERS_COLUMN:
            return
        query = self.model.query
        shown = next((c for c, key in SORT_BY_COLUMN.items() if key == query.sort), -1)
        order = Qt.SortOrder.DescendingOrder if query.descending else Qt.SortOrder.AscendingOrder
        header = self.table.horizontalHeader()
        with QSignalBlocker(header):
            header.setSortIndicator(shown, order)

    @Slot(QModelIndex, QModelIndex)
    def _on_current_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._quiet:
            return
        document_id = self.model.document_id_at(current.row()) if current.isValid() else None
        if document_id is None or document_id == self._current_id:
            return
        self._current_id = document_id
        self.document_chosen.emit(document_id)

    @Slot()
    def _hold(self) -> None:
        self._quiet += 1

    @Slot()
    def _release(self) -> None:
        self._quiet = max(self._quiet - 1, 0)
        if not self._quiet:
            self._show_current()

    def _show_current(self) -> bool:
        """Put the selection on the open document's row, or clear it; True when listed."""
        row = None if self._current_id is None else self.model.row_of(self._current_id)
        selection = self.table.selectionModel()
        if row is None:
            selection.clear()
            return False
        index = self.model.index(row, TITLE_COLUMN)
        if self.table.currentIndex().row() != row or not selection.isRowSelected(row):
            self.table.setCurrentIndex(index)
        self.table.scrollTo(index)
        return True

    def _show_progress(self) -> None:
        dataset_id = self.model.dataset_id
        queue = self.model.query.assigned is not None  # "Assigned to me": the queue's
        if dataset_id is None:
            done, total = 0, 0
        else:
            count = self._store.queue_counts if queue else self._store.progress
            done, total = count(dataset_id)
        what = " assigned" if queue else ""
        self.progress_label.setText(f"{done:,} of {total:,}{what} done")
        self.progress_bar.setRange(0, max(total, 1))
        self.progress_bar.setValue(done)
        self.progress_bar.setToolTip(f"{done:,} of {total:,}{what} documents done")
        self._show_shown_count()

    def _show_shown_count(self) -> None:
        shown = self.model.rowCount()
        self.shown_label.setText(f"{shown:,} shown" if self.model.query.is_filtered else "")
