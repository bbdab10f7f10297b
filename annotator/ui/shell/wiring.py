"""Every connection of the window, in one place: gestures to controllers, state to views.

Three directions, and only these:

- a view reports a gesture (a click, a selection, a key's action) to a controller, or a
  choice of what to show (a filter, "show rejected") to the view state;
- the controllers change the data through the session and write the view state;
- the view state tells the views what to show, each through one slot below.

Because the state emits only real changes and every view shows exactly what the state
says, an order of connection never matters and nothing is re-entered. A new panel that
shows the current span needs one line here, connecting `current_span_changed` to it.
"""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType

from PySide6.QtCore import QObject, QPoint, QPointF, Qt, QTimer, Slot

from annotator.core.errors import AnnotatorError
from annotator.core.model import Dataset, Document, Span
from annotator.ui.controllers.editing import Editing
from annotator.ui.controllers.nlp_worker import NlpWorker
from annotator.ui.controllers.resuggesting import SuggestingAgain
from annotator.ui.controllers.session import DocumentSession
from annotator.ui.controllers.training import Training
from annotator.ui.controllers.workflow import Workflow
from annotator.ui.shell.actions import SPECS, shortcut_rows
from annotator.ui.shell.main_window import MainWindow
from annotator.ui.shell.training_wiring import TrainingWiring
from annotator.ui.spans.context_menu import span_menu
from annotator.ui.state.saved import SavedViewState
from annotator.ui.state.view_state import ViewState

Range = tuple[int, int]


class Wiring(QObject):
    """The connections, and the slots that show the view state in the window's views."""

    def __init__(
        self,
        window: MainWindow,
        state: ViewState,
        session: DocumentSession,
        editing: Editing,
        workflow: Workflow,
        worker: NlpWorker,
        saved: SavedViewState,
        *,
        training: Training,
        suggesting_again: SuggestingAgain,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.state = state
        self.session = session
        self.editing = editing
        self.workflow = workflow
        self.worker = worker
        self.saved = saved
        self.training = TrainingWiring(
            window, state, editing, workflow, worker, training, suggesting_again
        )
        window.article.set_snapper(editing.snap)
        editing.set_on_screen(window.article.is_on_screen)
        self._gestures()
        self._state_to_views()
        self._state_to_settings()
        self._controllers()
        self._actions()
        self._save_annotator: Callable[[str], None] = lambda name: None
        saved.restore(state)

    def keep_annotator_names(self, save: Callable[[str], None], *, ask_first: bool) -> None:
        """`save` keeps a name chosen in the window; `ask_first`: nobody chose one yet, so
        the window asks once it is on screen (the event loop runs by then)."""
        self._save_annotator = save
        if ask_first:
            QTimer.singleShot(0, self.window, self._ask_annotator_name)

    def name_is_the_database_user(self) -> None:
        """On a team's server the annotator is the database user (the server checks every
        write by it): no name to choose in the window."""
        action = self.window.action("file.annotator_name")
        action.setEnabled(False)
        action.setToolTip("On a team's server you annotate as your database user")

    # -- connections ----------------------------------------------------------------------

    def _gestures(self) -> None:
        """What the annotator does in a view goes to a controller or to the state."""
        w, state, editing, workflow = self.window, self.state, self.editing, self.workflow
        w.dataset_box.activated.connect(self._dataset_chosen)
        w.documents.document_chosen.connect(workflow.open_document)
        w.documents.query_changed.connect(state.set_list_query)
        w.article.selection_made.connect(editing.select)
        w.article.span_clicked.connect(editing.choose)
        w.article.customContextMenuRequested.connect(self._context_menu)
        w.spans.span_chosen.connect(editing.choose)
        w.spans.show_rejected_changed.connect(state.set_show_rejected)
        w.labels.label_chosen.connect(editing.label)
        w.title.linkActivated.connect(self._link)

    def _state_to_views(self) -> None:
        state = self.state
        state.dataset_changed.connect(self.show_dataset)
        state.document_opened.connect(self.show_opened)
        state.document_changed.connect(self.show_changed)
        state.current_span_changed.connect(self.show_current_span)
        state.selection_changed.connect(self.show_selection)
        state.show_rejected_changed.connect(self.show_rejected)
        state.reviewing_changed.connect(self.show_reviewing)
        state.review_changed.connect(self.show_review)
        state.disagreement_changed.connect(self.show_review)
        state.document_changed.connect(self.show_review)
        state.document_opened.connect(self.show_review)

    def _state_to_settings(self) -> None:
        state, saved = self.state, self.saved
        state.show_rejected_changed.connect(saved.save_show_rejected)
        state.dataset_changed.connect(saved.save_dataset)
        state.document_opened.connect(saved.save_document)

    def _controllers(self) -> None:
        """The controllers' results and messages, and the spaCy worker's."""
        w, session, editing, workflow, worker = (
            self.window,
            self.session,
            self.editing,
            self.workflow,
            self.worker,
        )
        session.refused.connect(w.show_message)
        session.store_lost.connect(self._store_lost)
        editing.message.connect(w.show_message)
        workflow.reviewing.message.connect(w.show_message)
        editing.document_finished.connect(workflow.open_next_after)
        workflow.message.connect(w.show_message)
        worker.analysed.connect(workflow.on_analysed)
        worker.analysis_failed.connect(workflow.on_analysis_failed)
        worker.model_loading.connect(w.model_state.loading)
        worker.model_ready.connect(w.model_state.ready)
        worker.model_failed.connect(w.model_state.failed)
        worker.model_failed.connect(w.show_message)

    def _actions(self) -> None:
        """Every menu command and key to its handler; a command without one is a bug."""
        handlers = self._handlers()
        missing = [spec.id for spec in SPECS if spec.id not in handlers]
        if missing:
            raise KeyError(f"actions without a handler: {', '.join(missing)}")
        for spec in SPECS:
            action = self.window.action(spec.id)
            if spec.checkable:
                action.toggled.connect(handlers[spec.id])
            else:
                action.triggered.connect(_without_argument(handlers[spec.id]))

    def _handlers(self) -> dict[str, Callable[..., object]]:
        w, e, workflow = self.window, self.editing, self.workflow
        r = workflow.reviewing
        handlers: dict[str, Callable[..., object]] = {
            "file.new_dataset": lambda: _dialogs().new_dataset(w, workflow),
            "file.open_store": lambda: _dialogs().open_store_window(w),
            "file.import": lambda: _dialogs().import_articles(w, workflow),
            "file.samples": lambda: _dialogs().open_samples(w, workflow),
            "file.export": lambda: _dialogs().export_dataset(w, workflow),
            "file.annotator_name": self._ask_annotator_name,
            "file.quit": w.close,
            "span.next": lambda: e.next_span(w.article.caret_offset()),
            "span.previous": lambda: e.previous_span(w.article.caret_offset()),
            "span.next_open": lambda: self._next_stop(forward=True),
            "span.previous_open": lambda: self._next_stop(forward=False),
            "span.jump": self._jump,
            "span.grow": lambda: e.grow_selection(w.article.caret_offset()),
            "span.accept": e.accept,
            "span.reject": e.reject,
            "span.reject_one": e.reject_one,
            "span.start_left": lambda: e.move_edge("start", -1),
            "span.start_right": lambda: e.move_edge("start", 1),
            "span.end_left": lambda: e.move_edge("end", -1),
            "span.end_right": lambda: e.move_edge("end", 1),
            "span.label_all": e.label_all_occurrences,
            "span.remove_all": e.remove_all_occurrences,
            "span.clear": self._clear,
            "doc.accept_all": e.accept_all,
            "doc.done": self._mark_done,
            "doc.skip": e.skip,
            "doc.next": lambda: w.documents.step(1),
            "doc.previous": lambda: w.documents.step(-1),
            "doc.find": w.documents.focus_search,
            "doc.dataset": self._choose_dataset,
            "doc.agreement": lambda: _dialogs().show_agreement(w, workflow),
            "doc.review": self._set_reviewing,
            "review.reject_all": r.reject_all,
            "doc.article": lambda: w.article.setFocus(Qt.FocusReason.ShortcutFocusReason),
            "model.import_patterns": lambda: _dialogs().import_patterns_file(w, workflow),
            "model.train": self.training.train,
            "model.training": self.training.show_training,
            "model.retrain_every": self.training.ask_retrain_every,
            "view.show_rejected": self.state.set_show_rejected,
            "help.shortcuts": lambda: _dialogs().show_shortcuts(w, shortcut_rows()),
            "help.open_log": lambda: _dialogs().open_log(w),
            "help.about": lambda: _dialogs().show_about(w),
        }
        for spec in SPECS:
            if spec.menu == "Labels":
                key = spec.id.removeprefix("label.")
                handlers[spec.id] = (
                    self._digit(key) if key.isdigit() else _bind(e.label_by_hotkey, key)
                )
        return handlers

    # -- the state, shown -----------------------------------------------------------------

    @Slot(object)
    def show_dataset(self, dataset: Dataset | None) -> None:
        w = self.window
        w.show_datasets([d.name for d in self.workflow.datasets()], dataset)
        labels = self.state.labels
        w.labels.set_labels(labels)
        w.documents.set_dataset(dataset.id if dataset else None, labels)
        if dataset is None:
            self.show_opened(None)
            w.model_state.waiting()  # no dataset asks for a model

    @Slot(object)
    def show_opened(self, document: Document | None) -> None:
        w, labels = self.window, self.state.labels
        w.show_title(document)
        if document is None:
            w.article.show_document("", (), labels)
            w.spans.show_document(None, labels)
            return
        w.article.show_document(document.text, document.spans, labels)
        w.spans.show_document(document, labels)
        w.documents.select_document(document.id)
        w.article.setFocus()

    @Slot(object)
    def show_changed(self, document: Document) -> None:
        w = self.window
        w.article.update_spans(document.spans)
        w.spans.show_document(document, self.state.labels)
        w.show_title(document)
        w.documents.refresh_document(document.id)

    @Slot(object)
    def show_current_span(self, span: Span | None) -> None:
        w = self.window
        w.article.set_current_span(span)
        w.spans.set_current_span(span)
        w.labels.set_active(span.label if span is not None else None)

    @Slot(object)
    def show_selection(self, selection: Range | None) -> None:
        self.window.article.show_selection(selection)

    @Slot(bool)
    def show_rejected(self, show: bool) -> None:
        w = self.window
        w.action("view.show_rejected").setChecked(show)
        w.article.set_show_rejected(show)
        w.spans.set_show_rejected(show)

    @Slot(bool)
    def show_reviewing(self, reviewing: bool) -> None:
        w = self.window
        w.action("doc.review").setChecked(reviewing)
        w.show_annotator(self.session.annotator, reviewing=reviewing)
        w.review.setVisible(reviewing)
        self.show_review()
        w.documents.set_review_filter("needs_review" if reviewing else None)
        w.documents.refresh()

    def _mark_done(self) -> None:
        """Ctrl+Enter: the article done, or in review mode its review (when there is one)."""
        if not self.workflow.reviewing.refuses_done():
            self.editing.mark_done()

    def _next_stop(self, *, forward: bool) -> None:
        """N, Shift+N: the next disagreement in review mode, else the next open suggestion."""
        caret = self.window.article.caret_offset()
        if self.workflow.reviewing.step(forward=forward, caret=caret):
            return
        if forward:
            self.editing.next_open(caret)
        else:
            self.editing.previous_open(caret)

    def _digit(self, key: str) -> Callable[[], None]:
        """A plain digit: at a disagreement in review mode, that annotator's choice; else
        the label with that key."""

        def press() -> None:
            if not self.workflow.reviewing.take(int(key) - 1):
                self.editing.label_by_hotkey(key)

        return press

    @Slot(object)
    def show_review(self, _changed: object = None) -> None:
        state = self.state
        if state.reviewing:
            self.window.review.show_review(state.document, state.review, state.disagreement)

    # -- gestures that need the window ----------------------------------------------------

    @Slot(bool)
    def _set_reviewing(self, reviewing: bool) -> None:
        self.workflow.switch_reviewing(reviewing)

    @Slot(int)
    def _dataset_chosen(self, index: int) -> None:
        self.workflow.open_dataset(self.window.dataset_box.itemText(index))

    @Slot(QPoint)
    def _context_menu(self, point: QPoint) -> None:
        w = self.window
        offset = w.article.offset_at(QPointF(point))
        span = w.article.span_at(offset) if offset is not None else None
        if span is not None:
            self.editing.choose(span)
        has_selection = span is None and self.state.selection is not None
        menu = span_menu(w, w.actions_by_id, self.state.labels, span, has_selection)
        if menu is not None:
            menu.exec(w.article.viewport().mapToGlobal(point))
            menu.deleteLater()

    @Slot()
    def _choose_dataset(self) -> None:
        box = self.window.dataset_box
        box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        box.showPopup()

    @Slot()
    def _jump(self) -> None:
        if not self.window.article.start_jump():
            self.window.show_message("No span is on screen to jump to.")

    @Slot(str)
    def _link(self, action_id: str) -> None:
        self.window.action(action_id).trigger()

    @Slot()
    def _clear(self) -> None:
        """Escape: no current span and no selection, including one made with the keys."""
        self.editing.clear()
        self.window.article.clear_selection()

    @Slot()
    def _ask_annotator_name(self) -> None:
        suggested = self.session.annotator or ""
        _dialogs().ask_annotator_name(self.window, suggested, self._annotator_chosen)

    def _annotator_chosen(self, name: str) -> None:
        """From now on the window shows and edits this annotator's versions; the name is
        shown and kept."""
        self.workflow.switch_annotator(name)
        self.window.documents.refresh()
        self.window.show_annotator(name, reviewing=self.state.reviewing)
        try:
            self._save_annotator(name)
        except (AnnotatorError, OSError) as error:
            self.window.show_message(f"The name is used until you quit, but not saved: {error}")

    @Slot(str)
    def _store_lost(self, reason: str) -> None:
        w = self.window
        _dialogs().offer_to_save_store(w, self.session.store, reason, w.show_message)


def _dialogs() -> ModuleType:
    """The dialogs, imported when the first one opens: the start never needs them."""
    from annotator.ui import dialogs

    return dialogs


def _bind(function: Callable[[str], None], argument: str) -> Callable[[], None]:
    def call() -> None:
        function(argument)

    return call


def _without_argument(handler: Callable[..., object]) -> Callable[[], None]:
    """`triggered` passes `checked`; handlers of plain actions take nothing."""

    def call() -> None:
        handler()

    return call
