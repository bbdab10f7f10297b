"""The spans of the open document as a table model: label, covered text, state, source, score.

The window calls `show_document` again after every edit with the new document value. That has
to be cheap and must not lose the view's current row, so the model compares the new rows
with the old ones instead of resetting: when only the contents of rows changed (accept,
relabel) it emits `dataChanged` for them; when rows came, went or moved it emits a layout
change and moves every persistent index (the view's current row and selection among them)
to the row of the same span, matched by start and end. Only another document resets the
model.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from operator import attrgetter
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QFont, QGuiApplication, QPalette

from annotator.core.model import Document, Label, Span, SpanState
from annotator.core.span_changes import span_changes
from annotator.ui.colors import swatch_icon
from annotator.ui.spans.cells import (
    HEADERS,
    SPAN_ROLE,
    Column,
    display,
    sort_key,
    tooltip,
)

ModelIndex = QModelIndex | QPersistentModelIndex
_Lookup = tuple[dict[tuple[int, int, str], int], dict[tuple[int, int], int]]
_POSITION = attrgetter("start", "end", "label")
_RANGE = attrgetter("start", "end")
_STATE = attrgetter("state")


_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_DECORATION = int(Qt.ItemDataRole.DecorationRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_ALIGNMENT = int(Qt.ItemDataRole.TextAlignmentRole)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)
_FONT = int(Qt.ItemDataRole.FontRole)
# Precomputed: combining enum flags in Python costs more than the rest of a cell.
_ROW_FLAGS = (
    Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren
)
_RIGHT_ALIGNED = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


def _changed_in_place(old: Sequence[Span], new: Sequence[Span]) -> list[int] | None:
    """The rows whose span changed when every row keeps its start and end, else None."""
    if len(old) != len(new):
        return None
    changed = []
    for row, (a, b) in enumerate(zip(old, new, strict=True)):
        if a is b:
            continue
        if a.start != b.start or a.end != b.end:
            return None
        if a != b:
            changed.append(row)
    return changed


class SpanListModel(QAbstractTableModel):
    """The spans of one document, one row each, in position order unless sorted by a column."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._document: Document | None = None
        self._labels: tuple[Label, ...] = ()
        self._label_by_name: dict[str, Label] = {}
        self._show_rejected = False
        self._sort_column = -1  # -1: document order
        self._sort_order = Qt.SortOrder.AscendingOrder
        self._rows: list[Span] = []
        self._lookup: _Lookup | None = None
        self._counts: Counter[SpanState] = Counter()

    # The window's API ---------------------------------------------------------------------

    @property
    def document(self) -> Document | None:
        return self._document

    @property
    def show_rejected(self) -> bool:
        return self._show_rejected

    def show_document(
        self,
        document: Document | None,
        labels: Sequence[Label],
        *,
        show_rejected: bool = False,
    ) -> None:
        """Show `document`'s spans; the same document again keeps rows on their spans."""
        previous = self._document
        same_document = (
            document is not None
            and previous is not None
            and document.id == previous.id
            and document.text == previous.text
        )
        labels_changed = tuple(labels) != self._labels
        same_rows = same_document and show_rejected == self._show_rejected
        self._document = document
        self._labels = tuple(labels)
        self._label_by_name = {label.name: label for label in labels}
        self._show_rejected = show_rejected
        if same_rows and previous is not None and document is not None:
            # After an edit: only the spans it changed, in a few bisections.
            removed, added = span_changes(previous.spans, document.spans)
            self._count(removed, -1)
            self._count(added, 1)
            if self._in_position_order():
                self._edit_rows(removed, added, repaint_all=labels_changed)
                return
        else:
            self._counts = Counter(map(_STATE, document.spans)) if document else Counter()
        rows = self._sorted_rows()
        if same_document:
            self._replace_rows(rows, repaint_all=labels_changed)
        else:
            self.beginResetModel()
            self._set_rows(rows)
            self.endResetModel()

    def set_show_rejected(self, show: bool) -> None:
        if show != self._show_rejected:
            self._show_rejected = show
            self._replace_rows(self._sorted_rows())

    def span_at(self, row: int) -> Span | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, span: Span) -> int | None:
        """The row showing `span` (or, failing that, a span with its start and end)."""
        if self._lookup is None and self._in_position_order():
            return self._bisect_row(span)
        by_key, by_range = self._rows_by()
        row = by_key.get(span.key)
        return row if row is not None else by_range.get((span.start, span.end))

    def counts(self) -> Mapping[SpanState, int]:
        """How many spans of the document are in each state, shown or not."""
        return dict(self._counts)

    @property
    def _text(self) -> str:
        return self._document.text if self._document is not None else ""

    def label(self, name: str) -> Label | None:
        return self._label_by_name.get(name)

    # QAbstractTableModel -------------------------------------------------------------------

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Column)

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        return _ROW_FLAGS if index.isValid() else Qt.ItemFlag.NoItemFlags

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == _DISPLAY and 0 <= section < 5:
            return HEADERS[Column(section)]
        return None

    def data(self, index: ModelIndex, role: int = _DISPLAY) -> Any:
        row = index.row()
        if not index.isValid() or row >= len(self._rows):
            return None
        span = self._rows[row]
        column = index.column()
        if role == _DISPLAY:
            return display(span, column, self._text)
        if role == _DECORATION:
            if column == Column.LABEL:
                return swatch_icon(self._label_by_name.get(span.label))
            return None
        if role == SPAN_ROLE:
            return span
        if role == _TOOLTIP:
            return tooltip(span, column, self._text, self._label_by_name)
        if role == _ALIGNMENT and column == Column.SCORE:
            return _RIGHT_ALIGNED
        if span.state is SpanState.REJECTED:
            if role == _FOREGROUND:
                return QGuiApplication.palette().brush(
                    QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text
                )
            if role == _FONT and column == Column.TEXT:
                font = QFont()
                font.setStrikeOut(True)
                return font
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort by a column; -1 (no sort indicator) is the document's order."""
        self._sort_column = column if 0 <= column < len(Column) else -1
        self._sort_order = order
        self._replace_rows(self._sorted_rows())

    # Rows ---------------------------------------------------------------------------------

    def _sorted_rows(self) -> list[Span]:
        if self._document is None:
            return []
        spans: Iterable[Span] = self._document.spans
        if not self._show_rejected:
            spans = [span for span in spans if span.state is not SpanState.REJECTED]
        descending = self._sort_order == Qt.SortOrder.DescendingOrder
        if self._sort_column < 0:  # a document's spans are in position order already
            return list(reversed(list(spans))) if descending else list(spans)
        column = Column(self._sort_column)
        key = sort_key(column, self._text)
        if column in (Column.SOURCE, Column.SCORE):  # blank cells last either way
            filled = [span for span in spans if display(span, column, self._text)]
            blank = [span for span in spans if not display(span, column, self._text)]
            return sorted(filled, key=key, reverse=descending) + sorted(blank, key=_POSITION)
        return sorted(spans, key=key, reverse=descending)

    def _set_rows(self, rows: list[Span]) -> None:
        self._rows = rows
        self._lookup = None  # built when first asked for

    def _in_position_order(self) -> bool:
        return self._sort_column < 0 and self._sort_order == Qt.SortOrder.AscendingOrder

    def _bisect_row(self, span: Span) -> int | None:
        """`row_of` without building a lookup, for rows in position order."""
        rows = self._rows
        row = bisect_left(rows, span.key, key=_POSITION)
        if row < len(rows) and rows[row].key == span.key:
            return row
        row = bisect_left(rows, (span.start, span.end), key=_RANGE)
        if row < len(rows) and (rows[row].start, rows[row].end) == (span.start, span.end):
            return row
        return None

    def _rows_by(self) -> _Lookup:
        """Row numbers by span key and by (start, end), built once per change of rows."""
        if self._lookup is None:
            count = len(self._rows)
            keys = list(map(_POSITION, self._rows))
            by_key = dict(zip(keys, range(count), strict=True))
            # Reversed, so that the first row of spans sharing a range is the one kept.
            ranges = [key[:2] for key in reversed(keys)]
            by_range = dict(zip(ranges, range(count - 1, -1, -1), strict=True))
            self._lookup = (by_key, by_range)
        return self._lookup

    def _count(self, spans: Iterable[Span], step: int) -> None:
        counts = self._counts
        for span in spans:
            counts[span.state] += step
            if counts[span.state] <= 0:
                del counts[span.state]

    def _edit_rows(
        self, removed: Sequence[Span], added: Sequence[Span], *, repaint_all: bool
    ) -> None:
        """Rows in position order after an edit: take out `removed`, put in `added`.

        Rows keep the document's order, so each span's row is found by bisection; only the
        rows between the first and the last one touched are compared with the old ones.
        """
        old = self._rows
        gone = []
        for span in removed:
            if not self._is_listed(span):
                continue
            row = bisect_left(old, span.key, key=_POSITION)
            if row == len(old) or old[row] != span:  # not the rows of the old document
                self._replace_rows(self._sorted_rows(), repaint_all=repaint_all)
                return
            gone.append(row)
        came = [span for span in added if self._is_listed(span)]
        if not gone and not came:
            if repaint_all:
                self._update_in_place(old, [], repaint_all=True)
            return
        rows = list(old)
        for row in sorted(gone, reverse=True):
            del rows[row]
        for span in came:
            insort(rows, span, key=_POSITION)
        # The rows differ only between the first and the last row touched, old or new.
        touched = gone + [bisect_left(rows, span.key, key=_POSITION) for span in came]
        self._replace_rows(rows, repaint_all=repaint_all, between=(min(touched), max(touched) + 1))

    def _is_listed(self, span: Span) -> bool:
        return self._show_rejected or span.state is not SpanState.REJECTED

    def _replace_rows(
        self,
        rows: list[Span],
        *,
        repaint_all: bool = False,
        between: tuple[int, int] | None = None,
    ) -> None:
        """Show `rows` instead of the current ones, keeping persistent indexes on their spans.

        `between`: the old and new rows differ only in that range of rows (when as many).
        """
        old = self._rows
        if between is None:
            changed = _changed_in_place(old, rows)
        elif len(old) != len(rows):
            changed = None
        else:
            first, end = between
            changed = _changed_in_place(old[first:end], rows[first:end])
            changed = None if changed is None else [first + row for row in changed]
        if changed is not None:
            self._update_in_place(rows, changed, repaint_all=repaint_all)
            return
        self.layoutAboutToBeChanged.emit()
        before = self.persistentIndexList()
        spans_before = [old[i.row()] if 0 <= i.row() < len(old) else None for i in before]
        self._set_rows(rows)
        after = []
        for index, span in zip(before, spans_before, strict=True):
            row = self.row_of(span) if span is not None else None
            moved = self.createIndex(row, index.column()) if row is not None else QModelIndex()
            after.append(moved)
        self.changePersistentIndexList(before, after)
        self.layoutChanged.emit()

    def _update_in_place(self, rows: list[Span], changed: list[int], *, repaint_all: bool) -> None:
        """Every row keeps its start and end: swap the values and repaint the changed rows."""
        old = self._rows
        lookup = self._lookup
        self._rows = rows
        if lookup is not None:  # keys change with labels; (start, end) stays where it was
            by_key = lookup[0]
            for row in changed:
                if by_key.get(old[row].key) == row:
                    del by_key[old[row].key]
            for row in changed:
                by_key[rows[row].key] = row
        if repaint_all and rows:
            changed = [0, len(rows) - 1]
        if changed:
            last_column = len(Column) - 1
            self.dataChanged.emit(
                self.index(changed[0], 0), self.index(changed[-1], last_column), []
            )
