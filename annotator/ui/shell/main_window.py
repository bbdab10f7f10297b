"""The main window: it lays out the panels and wires their signals; it holds no rules.

Left, the dataset's documents; in the middle, the label bar over the article; right, the
open article's spans and the undo history. What a key or a click does lives in
`editing.Editing`; moving through the dataset in `workflow.Workflow`; changing
annotations in `session.DocumentSession`.
"""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType

from PySide6.QtCore import QByteArray, QPoint, QPointF, QSettings, Qt, Slot
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
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

from annotator.core.model import Dataset, Document, Label, Span
from annotator.ui.article.view import ArticleView
from annotator.ui.controllers.editing import Editing
from annotator.ui.controllers.session import DocumentSession
from annotator.ui.controllers.workflow import Workflow
from annotator.ui.documents.panel import DocumentPanel
from annotator.ui.labels.bar import LabelBar
from annotator.ui.shell.actions import MENUS, SPECS, build_actions, shortcut_rows
from annotator.ui.shell.startup import GEOMETRY, place_first
from annotator.ui.shell.status import ModelState
from annotator.ui.spans.context_menu import span_menu
from annotator.ui.spans.panel import SpanPanel

STATE = "window/state"
SPLITTER = "window/splitter"
SHOW_REJECTED = "view/show_rejected"
# The documents, the article and the spans when nothing was saved: at 1366x768 the
# article gives way (the spans keep room for their label, text, state and source).
PANEL_WIDTHS = (320, 640, 420)


class MainWindow(QMainWindow):
    def __init__(
        self,
        session: DocumentSession,
        editing: Editing,
        workflow: Workflow,
        settings: QSettings,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.editing = editing
        self.workflow = workflow
        self.settings = settings
        self.setWindowTitle("annotator")
        self.documents = DocumentPanel(session.store)
        self.article = ArticleView()
        self.article.setObjectName("article")
        self.article.set_snapper(editing.snap)
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
        self.history = QUndoView(session.undo_group)
        self.history.setEmptyLabel("Opened")
        self.dataset_box = QComboBox()
        self.dataset_box.setMinimumContentsLength(16)
        self.model_state = ModelState()
        self.actions_by_id = build_actions(self, self._handlers())
        self.work = self._work_area()
        self._lay_out()
        self._build_menus()
        self._connect()
        self._restore()

    # -- layout ---------------------------------------------------------------------------

    def _work_area(self) -> QWidget:
        work = QWidget()
        layout = QVBoxLayout(work)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.labels)
        layout.addWidget(self.article, 1)
        # The annotation keys answer in the article, the label bar and the span list.
        work_actions = [self.actions_by_id[s.id] for s in SPECS if s.scope == "work"]
        work.addActions(work_actions)
        self.spans.addActions(work_actions)
        return work

    def _lay_out(self) -> None:
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
        status.addPermanentWidget(self.model_state)
        path = self.session.store.path
        store_path = QLabel(f"Store: {path.name}")
        store_path.setToolTip(f"Every change is saved at once to {path}")
        status.addPermanentWidget(store_path)
        status.addPermanentWidget(QLabel(f"Annotator: {self.session.annotator or '-'}"))

    def _build_menus(self) -> None:
        undo = self.session.undo_group.createUndoAction(self, "&Undo")
        undo.setShortcuts([QKeySequence(QKeySequence.StandardKey.Undo)])
        redo = self.session.undo_group.createRedoAction(self, "&Redo")
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

    def _connect(self) -> None:
        session, editing, workflow = self.session, self.editing, self.workflow
        self.dataset_box.activated.connect(self._on_dataset_chosen)
        self.documents.document_chosen.connect(workflow.open_document)
        self.documents.query_changed.connect(workflow.set_list_query)
        workflow.dataset_changed.connect(self._on_dataset_changed)
        workflow.document_changed.connect(self.documents.refresh_document)
        workflow.message.connect(self.show_message)
        session.opened.connect(self._on_opened)
        session.changed.connect(self._on_changed)
        session.refused.connect(self.show_message)
        session.store_lost.connect(self._on_store_lost)
        editing.message.connect(self.show_message)
        editing.current_changed.connect(self._on_current_changed)
        editing.selection_cleared.connect(self._on_selection_cleared)
        editing.document_finished.connect(workflow.open_next_after)
        self.article.selection_made.connect(editing.select)
        self.article.span_clicked.connect(editing.choose)
        self.spans.span_chosen.connect(editing.choose)
        self.spans.show_rejected_changed.connect(self._set_show_rejected)
        self.labels.label_chosen.connect(editing.label)
        self.article.customContextMenuRequested.connect(self._on_context_menu)
        self.title.linkActivated.connect(self._on_link)

    # -- slots ----------------------------------------------------------------------------

    @Slot(object)
    def _on_dataset_changed(self, dataset: Dataset | None) -> None:
        names = [d.name for d in self.workflow.datasets()]
        self.dataset_box.clear()
        self.dataset_box.addItems(names)
        if dataset is not None:
            self.dataset_box.setCurrentText(dataset.name)
        labels = dataset.labels if dataset is not None else ()
        self.labels.set_labels(labels)
        self.documents.set_dataset(dataset.id if dataset else None, labels)
        self._name_label_actions(dataset)
        if dataset is None:
            self._on_opened(None)
            self.model_state.waiting()  # no dataset asks for a model

    @Slot(str)
    def _on_store_lost(self, reason: str) -> None:
        _dialogs().offer_to_save_store(self, self.session.store, reason, self.show_message)

    @Slot(int)
    def _on_dataset_chosen(self, index: int) -> None:
        self.workflow.open_dataset(self.dataset_box.itemText(index))

    @Slot(object)
    def _on_opened(self, document: Document | None) -> None:
        labels = self._labels()
        if document is None:
            self.article.show_document("", (), labels)
            self.spans.show_document(None, labels)
            self.title.setText(
                'No article open. <a href="file.samples">Open the sample articles</a> or '
                '<a href="file.import">import your own</a>.'
            )
            return
        self.article.show_document(document.text, document.spans, labels)
        self.spans.show_document(document, labels)
        self.documents.select_document(document.id)
        self._show_title(document)
        self.article.setFocus()

    @Slot(object)
    def _on_changed(self, document: Document) -> None:
        self.article.update_spans(document.spans)
        self.spans.show_document(document, self._labels())
        self._show_title(document)

    @Slot(object)
    def _on_current_changed(self, span: Span | None) -> None:
        self.article.set_current_span(span)
        self.spans.set_current_span(span)
        self.labels.set_active(span.label if span is not None else None)

    @Slot()
    def _on_selection_cleared(self) -> None:
        cursor = self.article.textCursor()
        cursor.clearSelection()
        self.article.setTextCursor(cursor)

    @Slot(str)
    def _on_link(self, action_id: str) -> None:
        self.actions_by_id[action_id].trigger()

    @Slot(QPoint)
    def _on_context_menu(self, point: QPoint) -> None:
        offset = self.article.offset_at(QPointF(point))
        span = self.article.span_at(offset) if offset is not None else None
        if span is not None:
            self.editing.choose(span)
        has_selection = span is None and self.editing.selection is not None
        menu = span_menu(self, self.actions_by_id, self._labels(), span, has_selection)
        if menu is not None:
            menu.exec(self.article.viewport().mapToGlobal(point))
            menu.deleteLater()

    @Slot(bool)
    def _set_show_rejected(self, show: bool) -> None:
        self.settings.setValue(SHOW_REJECTED, show)
        action = self.actions_by_id["view.show_rejected"]
        if action.isChecked() != show:
            action.setChecked(show)  # comes back here through `toggled`
            return
        self.article.set_show_rejected(show)
        self.spans.set_show_rejected(show)
        self.editing.set_show_rejected(show)

    @Slot(str)
    def show_message(self, text: str) -> None:
        self.statusBar().showMessage(text, 8000)

    # -- helpers --------------------------------------------------------------------------

    def _labels(self) -> tuple[Label, ...]:
        dataset = self.session.dataset
        return dataset.labels if dataset is not None else ()

    def _show_title(self, document: Document) -> None:
        status = document.status.value.replace("_", " ")
        self.title.setText(f"<b>{_escape(document.title)}</b> &nbsp; <i>{status}</i>")

    def _name_label_actions(self, dataset: Dataset | None) -> None:
        """The label actions take the names of the labels that own their keys."""
        owners = {label.hotkey: label.name for label in dataset.labels} if dataset else {}
        for spec in SPECS:
            if spec.menu == "Labels":
                key = spec.id.removeprefix("label.")
                action = self.actions_by_id[spec.id]
                action.setText(owners.get(key, spec.text))
                action.setVisible(key in owners)

    def _handlers(self) -> dict[str, Callable[..., object]]:
        e, w = self.editing, self.workflow
        handlers: dict[str, Callable[..., object]] = {
            "file.new_dataset": lambda: _dialogs().new_dataset(self, w),
            "file.import": lambda: _dialogs().import_articles(self, w),
            "file.samples": lambda: _dialogs().open_samples(self, w),
            "file.export": lambda: _dialogs().export_dataset(self, w),
            "file.quit": self.close,
            "span.next": e.next_span,
            "span.previous": e.previous_span,
            "span.accept": e.accept,
            "span.reject": e.reject,
            "span.start_left": lambda: e.move_edge("start", -1),
            "span.start_right": lambda: e.move_edge("start", 1),
            "span.end_left": lambda: e.move_edge("end", -1),
            "span.end_right": lambda: e.move_edge("end", 1),
            "span.label_all": e.label_all_occurrences,
            "span.remove_all": e.remove_all_occurrences,
            "span.clear": e.clear,
            "doc.accept_all": e.accept_all,
            "doc.done": e.mark_done,
            "doc.skip": e.skip,
            "doc.next": lambda: self.documents.step(1),
            "doc.previous": lambda: self.documents.step(-1),
            "doc.find": self.documents.focus_search,
            "view.show_rejected": self._set_show_rejected,
            "help.shortcuts": lambda: _dialogs().show_shortcuts(self, shortcut_rows()),
            "help.open_log": self._open_log,
            "help.about": lambda: _dialogs().show_about(self),
        }
        for spec in SPECS:
            if spec.menu == "Labels":
                key = spec.id.removeprefix("label.")
                handlers[spec.id] = _bind(e.label_by_hotkey, key)
        return handlers

    def _open_log(self) -> None:
        from annotator.ui.dialogs.help import open_log

        open_log(self)

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
        show = self.settings.value(SHOW_REJECTED, False, type=bool)
        self.actions_by_id["view.show_rejected"].setChecked(bool(show))

    def closeEvent(self, event: QCloseEvent) -> None:
        self.settings.setValue(GEOMETRY, self.saveGeometry())
        self.settings.setValue(STATE, self.saveState())
        self.settings.setValue(SPLITTER, self.splitter.saveState())
        self.settings.sync()
        super().closeEvent(event)


def _dialogs() -> ModuleType:
    """The dialogs, imported when the first one opens: the start never needs them."""
    from annotator.ui import dialogs

    return dialogs


def _bind(function: Callable[[str], None], argument: str) -> Callable[[], None]:
    def call() -> None:
        function(argument)

    return call


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
