"""The main window: it lays out the panels and builds the menus; it holds no rules.

Left, the dataset's documents; in the middle, the label bar over the article; right, the
open article's spans and the undo history. The window knows no controller and holds no
state: `wiring.wire` connects its widgets and actions to the view state and the
controllers.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QUndoGroup
from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QMainWindow,
    QSizePolicy,
    QSplitter,
    QTabWidget,
    QToolBar,
    QUndoView,
    QVBoxLayout,
    QWidget,
)

from annotator.core.model import Dataset, Document
from annotator.store import Store
from annotator.ui.article.view import ArticleView
from annotator.ui.documents.panel import DocumentPanel
from annotator.ui.labels.bar import LabelBar
from annotator.ui.review.panel import ReviewPanel
from annotator.ui.shell.actions import MENUS, SPECS, build_actions
from annotator.ui.shell.startup import GEOMETRY, place_first
from annotator.ui.shell.status import ModelState, ServerState
from annotator.ui.spans.panel import SpanPanel
from annotator.ui.training.status import TrainingStatus

STATE = "window/state"
SPLITTER = "window/splitter"
# The documents, the article and the spans when nothing was saved: at 1366x768 the
# article gives way (the spans keep room for their label, text, state and source).
PANEL_WIDTHS = (320, 640, 420)
NO_DOCUMENT = (
    'No article open. <a href="file.samples">Open the sample articles</a> or '
    '<a href="file.import">import your own</a>.'
)


class MainWindow(QMainWindow):
    # The window was closed: what it holds open (a server's listening connection) ends
    # now, not when the garbage collector finds it.
    closed = Signal()

    def __init__(
        self,
        store: Store,
        undo_group: QUndoGroup,
        settings: QSettings,
        *,
        annotator: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.settings = settings
        self.setWindowTitle("annotator")
        self.documents = DocumentPanel(store)
        self.article = ArticleView()
        self.article.setObjectName("article")
        self.article.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.labels = LabelBar()
        self.title = QLabel()
        self.title.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.LinksAccessibleByMouse
        )
        # A long title must never widen the window: it is cut, not laid out in full.
        self.title.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.spans = SpanPanel()
        self.review = ReviewPanel()
        self.history = QUndoView(undo_group)
        self.history.setEmptyLabel("Opened")
        self.dataset_box = QComboBox()
        self.dataset_box.setMinimumContentsLength(16)
        self.model_state = ModelState()
        self.server_state = ServerState()
        self.training_status = TrainingStatus()
        self.actions_by_id = build_actions(self)
        self.work = self._work_area()
        self._lay_out(store, annotator)
        self._build_menus(undo_group)
        self._restore()

    # -- layout ---------------------------------------------------------------------------

    def _work_area(self) -> QWidget:
        work = QWidget()
        layout = QVBoxLayout(work)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.labels)
        layout.addWidget(self.review)
        layout.addWidget(self.article, 1)
        # The annotation keys answer in the article, the label bar and the span list.
        work_actions = [self.actions_by_id[s.id] for s in SPECS if s.scope == "work"]
        work.addActions(work_actions)
        self.spans.addActions(work_actions)
        return work

    def _lay_out(self, store: Store, annotator: str | None) -> None:
        side = QTabWidget()
        side.addTab(self.spans, "Spans")
        side.addTab(self.history, "History")
        self.side = side
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("splitter")
        self.splitter.addWidget(self.documents)
        self.splitter.addWidget(self.work)
        self.splitter.addWidget(side)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes(list(PANEL_WIDTHS))
        self.setCentralWidget(self.splitter)
        toolbar = QToolBar("Dataset")
        toolbar.setObjectName("dataset_toolbar")
        toolbar.setMovable(False)
        toolbar.addWidget(QLabel(" Dataset: "))
        toolbar.addWidget(self.dataset_box)
        toolbar.addSeparator()
        for name in ("file.import", "file.export", "doc.accept_all", "doc.done", "doc.skip"):
            toolbar.addAction(self.actions_by_id[name])
        self.addToolBar(toolbar)
        status = self.statusBar()
        status.addPermanentWidget(self.server_state)
        status.addPermanentWidget(self.training_status)
        status.addPermanentWidget(self.model_state)
        store_path = QLabel(f"Store: {store.short_name}")
        store_path.setToolTip(f"Every change is saved at once to {store}")
        status.addPermanentWidget(store_path)
        self.annotator_label = QLabel()
        self.annotator_label.setToolTip("The name saved on the documents you change")
        self.show_annotator(annotator)
        status.addPermanentWidget(self.annotator_label)

    def show_annotator(self, name: str | None, *, reviewing: bool = False) -> None:
        if reviewing:
            self.annotator_label.setText(f"Reviewing as {name or '-'}")
        else:
            self.annotator_label.setText(f"Annotator: {name or '-'}")

    def _build_menus(self, undo_group: QUndoGroup) -> None:
        undo = undo_group.createUndoAction(self, "&Undo")
        undo.setShortcuts([QKeySequence(QKeySequence.StandardKey.Undo)])
        redo = undo_group.createRedoAction(self, "&Redo")
        redo_keys = [QKeySequence("Ctrl+Shift+Z")]
        redo_keys += [
            key
            for key in QKeySequence.keyBindings(QKeySequence.StandardKey.Redo)
            if key not in redo_keys
        ]
        redo.setShortcuts(redo_keys)
        self.undo_action, self.redo_action = undo, redo
        menus = {title: self.menuBar().addMenu(title) for title in MENUS}
        menus["&Edit"].addActions([undo, redo])
        labels_menu = menus["&Annotate"].addMenu("&Label")
        for spec in SPECS:
            action = self.actions_by_id[spec.id]
            if spec.menu == "Labels":
                labels_menu.addAction(action)
            else:
                menus[spec.menu].addAction(action)
        self.labels_menu = labels_menu

    # -- showing --------------------------------------------------------------------------

    def show_datasets(self, names: list[str], dataset: Dataset | None) -> None:
        """The dataset box's choices, and the label actions named after `dataset`'s labels."""
        self.dataset_box.clear()
        self.dataset_box.addItems(names)
        if dataset is not None:
            self.dataset_box.setCurrentText(dataset.name)
        owners = {label.hotkey: label.name for label in dataset.labels} if dataset else {}
        for spec in SPECS:
            if spec.menu == "Labels":
                key = spec.id.removeprefix("label.")
                action = self.actions_by_id[spec.id]
                action.setText(owners.get(key, spec.text))
                action.setVisible(key in owners)

    def show_title(self, document: Document | None) -> None:
        """The open article's title and status, or how to get an article."""
        if document is None:
            self.title.setText(NO_DOCUMENT)
            return
        status = document.status.value.replace("_", " ")
        self.title.setText(f"<b>{_escape(document.title)}</b> &nbsp; <i>{status}</i>")

    def show_message(self, text: str) -> None:
        self.statusBar().showMessage(text, 8000)

    def action(self, action_id: str) -> QAction:
        return self.actions_by_id[action_id]

    # -- persistence ----------------------------------------------------------------------

    def _restore(self) -> None:
        geometry = self.settings.value(GEOMETRY)
        if not (isinstance(geometry, QByteArray) and self.restoreGeometry(geometry)):
            place_first(self)
        state = self.settings.value(STATE)
        if isinstance(state, QByteArray):
            self.restoreState(state)
        splitter = self.settings.value(SPLITTER)
        if isinstance(splitter, QByteArray):
            self.splitter.restoreState(splitter)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.settings.setValue(GEOMETRY, self.saveGeometry())
        self.settings.setValue(STATE, self.saveState())
        self.settings.setValue(SPLITTER, self.splitter.saveState())
        self.settings.sync()
        super().closeEvent(event)
        if event.isAccepted():
            self.closed.emit()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
