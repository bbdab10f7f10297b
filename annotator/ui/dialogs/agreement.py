"""Document > Agreement…: how far the open dataset's annotators agree, in two tables.

The measurement reads every finished version of the dataset (and may tokenize), so it runs
as a long task off the GUI thread; the dialog then shows the tables `annotator agreement`
prints, from the same rows (`core.agreement_table`), or the one line saying why there is
nothing to compare.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QMessageBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from annotator.core.agreement import Agreement
from annotator.core.agreement_table import (
    LABEL_HEADER,
    PAIR_HEADER,
    Row,
    label_rows,
    pair_rows,
)
from annotator.services.agreement import measure
from annotator.ui.controllers.jobs import run_with_progress
from annotator.ui.controllers.workflow import Workflow

TITLE = "Agreement"
Index = QModelIndex | QPersistentModelIndex


class FigureTable(QAbstractTableModel):
    """Rows of cells as text; the first `names` columns name the row, the rest are figures
    (aligned right, so that decimals line up)."""

    def __init__(
        self, header: Sequence[str], rows: Sequence[Row], names: int, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._header = tuple(header)
        self._rows = list(rows)
        self._names = names

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._header)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._rows[index.row()][index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() >= self._names:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self._header[section]
        return None


class AgreementDialog(QDialog):
    """The agreement of `dataset`'s annotators, or `problem` when there is none to show."""

    def __init__(
        self,
        dataset: str,
        result: Agreement | None,
        problem: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Agreement in {dataset}")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        layout = QVBoxLayout(self)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.summary)
        self.pairs: QTableView | None = None
        self.labels: QTableView | None = None
        if result is None:
            self.summary.setText(problem or "Nothing to compare.")
        else:
            self.summary.setText(
                f"{len(result.annotators)} annotators ({', '.join(result.annotators)}), "
                f"{result.documents} document(s) marked done by at least two of them. "
                "In a pair, the first is the reference: precision = matched / the second's "
                "spans, recall = matched / the first's; \u201c-\u201d: undefined."
            )
            self.pairs = _table(layout, "Pairs and overall", PAIR_HEADER, pair_rows(result), 1)
            self.labels = _table(layout, "Per label", LABEL_HEADER, label_rows(result), 2)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(820, 520 if result is not None else 0)


def _table(
    layout: QVBoxLayout, title: str, header: Sequence[str], rows: Sequence[Row], names: int
) -> QTableView:
    """A read-only table of `rows` under its title; `names` columns name each row."""
    view = QTableView()
    view.setModel(FigureTable(header, rows, names, view))
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.verticalHeader().hide()
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    view.setAccessibleName(title)
    layout.addWidget(QLabel(f"<b>{title}</b>"))
    layout.addWidget(view, 1)
    return view


def show_agreement(parent: QWidget, workflow: Workflow) -> AgreementDialog | None:
    """Measure the open dataset's agreement off the GUI thread, then show it."""
    dataset = workflow.dataset
    if dataset is None:
        QMessageBox.information(parent, TITLE, "Open a dataset first.")
        return None
    store = workflow.store
    outcome = run_with_progress(
        parent,
        "Measuring the agreement",
        lambda progress: measure(store, dataset),
    )
    dialog = AgreementDialog(dataset.name, outcome.value, outcome.error, parent)
    dialog.show()
    return dialog
