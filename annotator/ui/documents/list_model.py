"""The table model of a dataset's documents: one row per document, read from the store.

The model never holds documents or their texts. For the current query it holds the ids of
the matching documents in order (100,000 ids: 4 MB, read in 40 ms in id order), and fetches
the summaries of the rows on screen a page of 200 at a time, keeping the last few pages.
Holding the ids rather than asking the store for "rows 80,000 to 80,200" means a list
sorted by title or filtered by text reads the dataset once when the query changes (0.2 to
0.5 s for 100,000 articles), not again for every page the annotator scrolls to.
"""

from __future__ import annotations

import time
from bisect import bisect_left
from collections import OrderedDict
from dataclasses import replace
from datetime import datetime
from functools import cache
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRectF,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QIcon, QPainter, QPen, QPixmap

from annotator.core.errors import AnnotatorError
from annotator.core.model import Status
from annotator.core.summaries import DocumentQuery, DocumentSummary, SortKey
from annotator.store import Store

PAGE_SIZE = 200
CACHED_PAGES = 8

STATUS_COLUMN, TITLE_COLUMN, SPANS_COLUMN, UPDATED_COLUMN, VERSIONS_COLUMN, OTHERS_COLUMN = range(6)
HEADERS = ("", "Title", "Spans", "Updated", "V", "Others")  # the status is a coloured dot
HEADER_TIPS = (
    "Where the document is in the workflow",
    "The meta title, else the first line of the text",
    "Accepted and drawn spans ✓ / suggestions nobody decided on yet ?",
    "When the document last changed",
    "How many annotators have a version of the document",
    "How many of the others the document is assigned to marked it done (annotator assign)",
)
SORT_BY_COLUMN: dict[int, SortKey] = {
    STATUS_COLUMN: "status",
    TITLE_COLUMN: "title",
    SPANS_COLUMN: "gold",
    UPDATED_COLUMN: "updated",
    VERSIONS_COLUMN: "versions",
}
DOCUMENT_ID_ROLE = Qt.ItemDataRole.UserRole + 1
SUMMARY_ROLE = Qt.ItemDataRole.UserRole + 2

STATUS_NAMES = {
    Status.NEW: "New",
    Status.IN_PROGRESS: "In progress",
    Status.DONE: "Done",
    Status.SKIPPED: "Skipped",
    Status.REJECTED: "Rejected",
}
STATUS_COLORS = {
    Status.NEW: "#8a8f98",
    Status.IN_PROGRESS: "#e0a100",
    Status.DONE: "#2e9d4f",
    Status.SKIPPED: "#5b7fbf",
    Status.REJECTED: "#c8443a",
}
_DOT_SIZE = 12

Index = QModelIndex | QPersistentModelIndex


@cache
def status_icon(status: Status) -> QIcon:
    """A painted dot in the status colour; a new document's dot is a ring (nothing done yet)."""
    pixmap = QPixmap(_DOT_SIZE, _DOT_SIZE)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    color = QColor(STATUS_COLORS[status])
    rect = QRectF(1.5, 1.5, _DOT_SIZE - 3, _DOT_SIZE - 3)
    if status is Status.NEW:
        painter.setPen(QPen(color, 2))
        painter.setBrush(Qt.BrushStyle.NoBrush)
    else:
        painter.setPen(QPen(color.darker(130), 1))
        painter.setBrush(color)
    painter.drawEllipse(rect)
    painter.end()
    return QIcon(pixmap)


def span_counts(summary: DocumentSummary) -> str:
    return f"{summary.gold} ✓ / {summary.suggested} ?"


def when(timestamp: float, now: float | None = None) -> str:
    """A short local time: the hour today, the day this year, else the date."""
    if timestamp <= 0:
        return ""
    moment = datetime.fromtimestamp(timestamp)
    today = datetime.fromtimestamp(time.time() if now is None else now)
    if moment.date() == today.date():
        return moment.strftime("%H:%M")
    if moment.year == today.year:
        return f"{moment.day} {moment:%b}"
    return moment.strftime("%Y-%m-%d")


class DocumentListModel(QAbstractTableModel):
    """A dataset's documents under a `DocumentQuery`, read from the store as rows are shown."""

    query_changed = Signal(object)  # the DocumentQuery now shown: other filters or order

    def __init__(self, store: Store, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self._dataset_id: int | None = None
        self._query = DocumentQuery()
        self._ids: list[int] = []
        self._pages: OrderedDict[int, dict[int, DocumentSummary]] = OrderedDict()

    # -- what it shows --------------------------------------------------------------------

    @property
    def dataset_id(self) -> int | None:
        return self._dataset_id

    @property
    def query(self) -> DocumentQuery:
        return self._query

    def set_dataset(self, dataset_id: int | None, query: DocumentQuery | None = None) -> None:
        """Show another dataset (None: an empty list), under `query` when one is given."""
        self._dataset_id = dataset_id
        changed = query is not None and query != self._query
        if query is not None:
            self._query = query
        self.refresh()
        if changed:
            self.query_changed.emit(self._query)

    def set_query(self, query: DocumentQuery) -> None:
        if query != self._query:
            self._query = query
            self.refresh()
            self.query_changed.emit(query)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort by a column; -1 (the header's indicator cleared) is id order. The others'
        progress is no order: the list keeps its own."""
        if column == OTHERS_COLUMN:
            return
        sort_key = SORT_BY_COLUMN.get(column, "id")
        descending = order == Qt.SortOrder.DescendingOrder and sort_key != "id"
        self.set_query(replace(self._query, sort=sort_key, descending=descending))

    def refresh(self) -> None:
        """Read the matching documents again (after an import, say): a model reset."""
        self.beginResetModel()
        self._ids = self._matching_ids()
        self._pages.clear()
        self.endResetModel()

    def refresh_document(self, document_id: int) -> bool:
        """Show a document as the store has it now, after an edit; True if its status changed.

        Only that document's summary is read again. The row changes in place; when the edit
        moves the document under the query's order, or takes it into or out of the filter,
        the row moves, appears or goes (the rest of the list and the selection stay);
        anything larger resets the list. A status the list had not read counts as changed.
        """
        if self._dataset_id is None:
            return False
        row = self.row_of(document_id)
        before = self._cached(document_id, row)
        fresh = self._store.summaries_of([document_id])
        after = fresh[0] if fresh else None
        status_changed = before is None or after is None or before.status != after.status
        if self._order_may_change(row, before, after):
            ids = self._matching_ids()
            if ids != self._ids:
                self._take(document_id, ids)
                return status_changed
        if row is not None:
            page = self._pages.get(row // PAGE_SIZE)
            if page is not None and after is not None:
                page[document_id] = after
            elif page is not None:  # deleted meanwhile
                page.pop(document_id, None)
            last = self.columnCount() - 1
            self.dataChanged.emit(self.index(row, 0), self.index(row, last))
        return status_changed

    # -- rows and documents ---------------------------------------------------------------

    def document_id_at(self, row: int) -> int | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_of(self, document_id: int) -> int | None:
        if self._query.sort == "id":  # ids ascending: a bisection finds it at once
            row = bisect_left(self._ids, document_id)
            if row < len(self._ids) and self._ids[row] == document_id:
                return row
        try:
            return self._ids.index(document_id)
        except ValueError:
            return None

    def summary_at(self, row: int) -> DocumentSummary | None:
        """The row's summary; None past the end or for a document deleted since."""
        if not 0 <= row < len(self._ids):
            return None
        return self._page(row // PAGE_SIZE).get(self._ids[row])

    # -- QAbstractTableModel --------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(HEADERS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            return HEADER_TIPS[section]
        if role == Qt.ItemDataRole.InitialSortOrderRole:
            # The first click on a header; Qt would otherwise keep the last column's order.
            newest_first = section == UPDATED_COLUMN
            return Qt.SortOrder.DescendingOrder if newest_first else Qt.SortOrder.AscendingOrder
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        if role == DOCUMENT_ID_ROLE:
            return self.document_id_at(row)
        summary = self.summary_at(row)
        if summary is None:
            return None
        if role == SUMMARY_ROLE:
            return summary
        if column == STATUS_COLUMN:
            return _status_data(summary, role)
        if role == Qt.ItemDataRole.DisplayRole:
            return _display(summary, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return _tooltip(summary, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column != TITLE_COLUMN:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    # -- inside ---------------------------------------------------------------------------

    def _matching_ids(self) -> list[int]:
        if self._dataset_id is None:
            return []
        return self._store.matching_ids(self._dataset_id, self._query)

    def _page(self, number: int) -> dict[int, DocumentSummary]:
        """The summaries of rows `number * PAGE_SIZE` onwards, by document id."""
        page = self._pages.get(number)
        if page is not None:
            self._pages.move_to_end(number)
            return page
        start = number * PAGE_SIZE
        try:
            summaries = self._store.summaries_of(self._ids[start : start + PAGE_SIZE])
        except AnnotatorError:  # a server out of reach: blank rows, read again when painted
            return {}
        page = {summary.id: summary for summary in summaries}
        self._pages[number] = page
        while len(self._pages) > CACHED_PAGES:
            self._pages.popitem(last=False)
        return page

    def _cached(self, document_id: int, row: int | None) -> DocumentSummary | None:
        """The summary the list read for a row, without reading it now."""
        page = self._pages.get(row // PAGE_SIZE) if row is not None else None
        return page.get(document_id) if page is not None else None

    def _order_may_change(
        self, row: int | None, before: DocumentSummary | None, after: DocumentSummary | None
    ) -> bool:
        """Whether an edit may have moved the document in, out of or along the list.

        Edits change a document's status, spans and time of change, never its text or
        title. Under a status filter or order, the fresh summary tells whether the status
        moved the document; only then are the ids read again.
        """
        query = self._query
        if query.label is not None or query.sort in ("gold", "updated", "versions"):
            return True
        if query.review is not None or query.annotator is not None:
            return True  # a first edit or a status decides these
        if not (query.statuses or query.sort == "status"):
            return False
        if after is None:
            return row is not None  # deleted
        if query.statuses and (row is not None) != (after.status in query.statuses):
            return True
        if query.sort == "status" and row is not None:
            return before is None or before.status != after.status
        return False

    def _take(self, document_id: int, ids: list[int]) -> None:
        """Adopt `ids`, moving only `document_id` when it is the one difference."""
        old_row = self.row_of(document_id)
        new_row = ids.index(document_id) if document_id in ids else None
        others_kept = [i for i in self._ids if i != document_id] == [
            i for i in ids if i != document_id
        ]
        if not others_kept:
            self.beginResetModel()
            self._ids = ids
            self._pages.clear()
            self.endResetModel()
            return
        root = QModelIndex()
        if old_row is not None and new_row is None:
            self.beginRemoveRows(root, old_row, old_row)
            self._ids = ids
            self._pages.clear()
            self.endRemoveRows()
        elif old_row is None and new_row is not None:
            self.beginInsertRows(root, new_row, new_row)
            self._ids = ids
            self._pages.clear()
            self.endInsertRows()
        elif old_row is not None and new_row is not None:
            destination = new_row + 1 if new_row > old_row else new_row
            self.beginMoveRows(root, old_row, old_row, root, destination)
            self._ids = ids
            self._pages.clear()
            self.endMoveRows()
            last = self.columnCount() - 1
            self.dataChanged.emit(self.index(new_row, 0), self.index(new_row, last))


def _status_data(summary: DocumentSummary, role: int) -> Any:
    if role == Qt.ItemDataRole.DecorationRole:
        return status_icon(summary.status)
    if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
        return STATUS_NAMES[summary.status]
    return None


def _display(summary: DocumentSummary, column: int) -> str | None:
    if column == TITLE_COLUMN:
        return summary.title or "(empty)"
    if column == SPANS_COLUMN:
        return span_counts(summary)
    if column == UPDATED_COLUMN:
        return when(summary.updated_at)
    if column == VERSIONS_COLUMN:
        return str(summary.versions)
    if column == OTHERS_COLUMN and summary.others_assigned:
        return f"{summary.others_done} of {summary.others_assigned}"
    return None


def _tooltip(summary: DocumentSummary, column: int) -> str | None:
    if column == TITLE_COLUMN:
        by = f"\n{STATUS_NAMES[summary.status]} by {summary.annotator}" if summary.annotator else ""
        return f"{summary.title}{by}"
    if column == SPANS_COLUMN:
        return f"{summary.gold} accepted or drawn, {summary.suggested} suggested"
    if column == UPDATED_COLUMN and summary.updated_at > 0:
        return datetime.fromtimestamp(summary.updated_at).strftime("%Y-%m-%d %H:%M:%S")
    if column == VERSIONS_COLUMN:
        plural = "" if summary.versions == 1 else "s"
        return f"{summary.versions} version{plural}, one per annotator"
    if column == OTHERS_COLUMN and summary.others_assigned:
        plural = "" if summary.others_assigned == 1 else "s"
        return f"{summary.others_done} of {summary.others_assigned} other{plural} done"
    return None
