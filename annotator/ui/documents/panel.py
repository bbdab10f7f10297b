"""The left panel: a dataset's documents with search, filters, sorting and progress.

Choosing a row (click or keyboard) emits `document_chosen` with another document than
the open one. The window tells the panel which document is open with `select_document`,
which selects its row: that is the open one, so nothing is chosen. Nothing the list does
on its own (a filter, a sort, an edit that moves or removes the open document's row)
chooses a document either: the panel then puts the selection back on the open document,
or clears it when the document is no longer listed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtCore import QModelIndex, QSignalBlocker, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from annotator.core.model import Label, Status
from annotator.core.summaries import OPEN_STATUSES, DocumentQuery, ReviewFilter
from annotator.store import Store
from annotator.ui.colors import swatch_icon
from annotator.ui.documents.list_model import (
    SPANS_COLUMN,
    STATUS_COLUMN,
    TITLE_COLUMN,
    UPDATED_COLUMN,
    VERSIONS_COLUMN,
    DocumentListModel,
)

SEARCH_DELAY_MS = 250

STATUS_CHOICES: tuple[tuple[str, frozenset[Status]], ...] = (
    ("All", frozenset()),
    ("Open (new + in progress)", OPEN_STATUSES),
    ("New", frozenset({Status.NEW})),
    ("In progress", frozenset({Status.IN_PROGRESS})),
    ("Done", frozenset({Status.DONE})),
    ("Skipped", frozenset({Status.SKIPPED})),
    ("Rejected", frozenset({Status.REJECTED})),
)
ALL_LABELS = "All labels"
ALL_VERSIONS = "All versions"
REVIEW_CHOICES: tuple[tuple[str, ReviewFilter], ...] = (
    ("Needs review", "needs_review"),
    ("Disagreements", "disagreements"),
    ("Reviewed", "reviewed"),
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


class VersionFilterBox(QComboBox):
    """A combo box that asks for its latest choices just before it opens."""

    before_popup: Callable[[], None] | None = None

    def showPopup(self) -> None:
        if self.before_popup is not None:
            self.before_popup()
        super().showPopup()


class DocumentPanel(QWidget):
    document_chosen = Signal(int)
    query_changed = Signal(object)  # the list's DocumentQuery: its filters and order

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self._current_id: int | None = None
        self._quiet = 0  # > 0 while the list, not the annotator, moves the current row
        self.model = DocumentListModel(store, self)
        self.search = QLineEdit()
        self.status_filter = QComboBox()
        self.label_filter = QComboBox()
        self.version_filter = VersionFilterBox()
        self._annotators_read = False
        self.table = DocumentTable()
        self.progress_label = QLabel()
        self.shown_label = QLabel()
        self.progress_bar = QProgressBar()
        self._search_timer = QTimer(self)
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
        self._annotators_read = False  # read when the filter opens: a scan of every version
        self._set_annotators(None)
        self.model.set_dataset(dataset_id, self._query())
        self._show_progress()

    def set_labels(self, labels: Iterable[Label | str], *, refresh: bool = True) -> None:
        """Offer these labels in the label filter; a chosen label that went becomes "all"."""
        chosen = self.label_filter.currentData()
        with QSignalBlocker(self.label_filter):
            self.label_filter.clear()
            self.label_filter.addItem(ALL_LABELS, None)
            for label in labels:
                if isinstance(label, Label):
                    self.label_filter.addItem(swatch_icon(label), label.name, label.name)
                else:
                    self.label_filter.addItem(label, label)
            self.label_filter.setCurrentIndex(max(self.label_filter.findData(chosen), 0))
        if refresh and self.label_filter.currentData() != chosen:
            self._apply_filters()

    def _set_annotators(self, names: list[str] | None) -> None:
        """Offer "by annotator" for `names` (None: not read yet, only the chosen one); a
        chosen filter that no longer applies becomes "all versions"."""
        chosen = self.version_filter.currentData()
        if names is None:
            what, _, name = chosen.partition(":") if isinstance(chosen, str) else ("", "", "")
            names = [name] if what == "annotator" else []
        with QSignalBlocker(self.version_filter):
            self.version_filter.clear()
            self.version_filter.addItem(ALL_VERSIONS, None)
            for text, kind in REVIEW_CHOICES:
                self.version_filter.addItem(text, f"review:{kind}")
            for name in names:
                self.version_filter.addItem(f"By annotator: {name}", f"annotator:{name}")
            self.version_filter.setCurrentIndex(max(self.version_filter.findData(chosen), 0))
        if self.version_filter.currentData() != chosen:
            self._apply_filters()

    def _read_annotators(self) -> None:
        """Before the version filter opens: everyone with a version in the dataset."""
        dataset_id = self.model.dataset_id
        if not self._annotators_read and dataset_id is not None:
            self._annotators_read = True
            self._set_annotators(self._store.annotators(dataset_id))

    def set_review_filter(self, kind: ReviewFilter | None) -> None:
        """Show the documents in that state of review (None: every document)."""
        found = self.version_filter.findData(f"review:{kind}") if kind is not None else 0
        self.version_filter.setCurrentIndex(max(found, 0))

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
        """Read the whole list again (after an import, say)."""
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
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    # -- building -------------------------------------------------------------------------

    def _build(self) -> None:
        self.search.setPlaceholderText("Search titles and text")
        self.search.setClearButtonEnabled(True)
        self.search.setToolTip("Documents whose title or text contains this (any case)")
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        for name, statuses in STATUS_CHOICES:
            self.status_filter.addItem(name, statuses)
        self.status_filter.setToolTip("Show documents with this status")
        self.label_filter.addItem(ALL_LABELS, None)
        self.label_filter.setToolTip(
            "Show documents with an accepted, drawn or suggested span of this label"
        )
        self._set_annotators(None)
        self.version_filter.before_popup = self._read_annotators
        self.version_filter.setToolTip(
            "Needs review: two or more annotators marked it done and you have not reviewed it; "
            "Disagreements: their done versions differ; Reviewed: a review of it is done; "
            "By annotator: documents that person has a version of"
        )
        self._build_table()
        self.progress_bar.setTextVisible(False)
        self.progress_bar.setMaximumHeight(self.fontMetrics().height() // 2 + 2)

        filters = QHBoxLayout()
        filters.addWidget(self.status_filter, 1)
        filters.addWidget(self.label_filter, 1)
        # Its own row, sized by a few characters: a long name never widens the panel.
        self.version_filter.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.version_filter.setMinimumContentsLength(12)
        footer = QHBoxLayout()
        footer.addWidget(self.progress_label)
        footer.addStretch(1)
        footer.addWidget(self.shown_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search)
        layout.addLayout(filters)
        layout.addWidget(self.version_filter)
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
        }
        for column, width in widths.items():
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, width)
        header.setSectionResizeMode(TITLE_COLUMN, QHeaderView.ResizeMode.Stretch)
        header.setSortIndicatorClearable(True)  # a third click goes back to import order
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        table.setSortingEnabled(True)

    def _connect(self) -> None:
        self.search.textChanged.connect(self._search_timer.start)
        self.search.returnPressed.connect(self._apply_filters)
        self._search_timer.timeout.connect(self._apply_filters)
        self.status_filter.currentIndexChanged.connect(self._apply_filters)
        self.label_filter.currentIndexChanged.connect(self._apply_filters)
        self.version_filter.currentIndexChanged.connect(self._apply_filters)
        self.table.selectionModel().currentRowChanged.connect(self._on_current_row_changed)
        self.model.query_changed.connect(self.query_changed)

    # -- behaviour ------------------------------------------------------------------------

    def _query(self) -> DocumentQuery:
        statuses = self.status_filter.currentData()
        label = self.label_filter.currentData()
        # "review:KIND" or "annotator:NAME": strings, which findData compares by value.
        versions = self.version_filter.currentData()
        what, _, value = versions.partition(":") if isinstance(versions, str) else ("", "", "")
        sort = self.model.query
        return DocumentQuery(
            statuses=statuses if isinstance(statuses, frozenset) else frozenset(),
            label=label if isinstance(label, str) else None,
            text=self.search.text().strip(),
            sort=sort.sort,
            descending=sort.descending,
            review=next(
                (kind for _, kind in REVIEW_CHOICES if what == "review" and kind == value), None
            ),
            annotator=value if what == "annotator" else None,
        )

    @Slot()
    def _apply_filters(self) -> None:
        self._search_timer.stop()
        self.model.set_query(self._query())
        self._show_progress()

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
        done, total = (0, 0) if dataset_id is None else self._store.progress(dataset_id)
        self.progress_label.setText(f"{done:,} of {total:,} done")
        self.progress_bar.setRange(0, max(total, 1))
        self.progress_bar.setValue(done)
        self.progress_bar.setToolTip(f"{done:,} of {total:,} documents done")
        self._show_shown_count()

    def _show_shown_count(self) -> None:
        shown = self.model.rowCount()
        self.shown_label.setText(f"{shown:,} shown" if self.model.query.is_filtered else "")
