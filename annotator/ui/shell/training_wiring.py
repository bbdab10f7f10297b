"""Training from the window, wired: the child's progress to the status bar and the
dialog, a better version to the model and to suggesting again, done articles to the
setting that trains again by itself (`ui/controllers/training.py` runs the child)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Slot

from annotator.core.training_progress import TrainingResult
from annotator.ui.controllers.editing import Editing
from annotator.ui.controllers.nlp_worker import NlpWorker
from annotator.ui.controllers.resuggesting import SuggestingAgain
from annotator.ui.controllers.training import Training
from annotator.ui.controllers.workflow import Workflow
from annotator.ui.shell.main_window import MainWindow
from annotator.ui.state.view_state import ViewState

if TYPE_CHECKING:
    from annotator.ui.training.dialog import TrainingDialog


class TrainingWiring(QObject):
    """The Model menu's training commands and what a run shows."""

    def __init__(
        self,
        window: MainWindow,
        state: ViewState,
        editing: Editing,
        workflow: Workflow,
        worker: NlpWorker,
        training: Training,
        suggesting_again: SuggestingAgain,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.state = state
        self.editing = editing
        self.workflow = workflow
        self.worker = worker
        self.training = training
        self.suggesting_again = suggesting_again
        self.training_dialog: TrainingDialog | None = None
        self._connect()

    def _connect(self) -> None:
        """The training child's progress to the status bar and the dialog; done documents
        to the setting that trains again by itself."""
        training, status = self.training, self.window.training_status
        self.editing.document_finished.connect(training.document_finished)
        training.started.connect(self._training_started)
        training.progressed.connect(status.show_step)
        training.stopping.connect(status.show_stopping)
        training.finished.connect(self._trained)
        training.failed.connect(self._training_ended)
        training.stopped.connect(self._training_ended)
        status.clicked.connect(self.show_training)
        again = self.suggesting_again
        self.worker.reanalysed.connect(again.on_analysed)
        self.worker.reanalysis_failed.connect(again.on_failed)
        again.progressed.connect(self._suggested_again)
        again.finished.connect(self._suggesting_again_done)
        self.state.dataset_changed.connect(again.dataset_changed)

    @Slot()
    def train(self) -> None:
        """Model > Train from Done Articles: a run starts (or the one running shows)."""
        if self.state.dataset is None:
            self.window.show_message("Open a dataset first: training learns from its articles.")
            return
        if not self.training.start():
            self.show_training()

    def _dialog(self) -> TrainingDialog:
        if self.training_dialog is None:
            from annotator.ui.training.dialog import TrainingDialog

            dialog = TrainingDialog(self.window)
            training = self.training
            dialog.cancel_requested.connect(training.cancel)
            dialog.train_requested.connect(self.train)
            dialog.suggest_requested.connect(self._suggest_again)
            training.progressed.connect(dialog.show_step)
            training.stopping.connect(dialog.show_stopping)
            training.failed.connect(dialog.show_failure)
            training.stopped.connect(dialog.show_stopped)
            self.training_dialog = dialog
            if training.running:  # started by itself before the dialog was ever shown
                self._begin(dialog, training.dataset_name, automatic=True)
                if training.last_step is not None:
                    dialog.show_step(training.last_step)
            elif training.last_result is not None:  # one that ended by itself meanwhile
                self._begin(dialog, training.dataset_name, automatic=True)
                dialog.show_result(training.last_result)
            self._show_versions()
        return self.training_dialog

    def _begin(self, dialog: TrainingDialog, dataset: str, *, automatic: bool) -> None:
        colors = {label.name: label.color for label in self.state.labels}
        dialog.begin(dataset, colors, automatic=automatic)

    @Slot()
    def show_training(self) -> None:
        dialog = self._dialog()
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()

    @Slot(str, bool)
    def _training_started(self, dataset: str, automatic: bool) -> None:
        self.window.training_status.begin(dataset)
        if automatic and self.training_dialog is None:
            self.window.show_message(
                f"Training {dataset}'s model again by itself (Model > Show Training)."
            )
            return
        dialog = self._dialog()
        self._begin(dialog, dataset, automatic=automatic)
        if not automatic:
            self.show_training()

    @Slot(object)
    def _trained(self, result: TrainingResult) -> None:
        """A version was made: the window reads it back, and a better one suggests."""
        w = self.window
        w.training_status.show_result(result)
        if result.promoted:
            self.workflow.refresh_dataset()
            dataset = self.state.dataset
            if dataset is not None:
                self.worker.load_model(dataset)
            w.show_message(
                f"Version {result.version} of the model suggests from now on "
                "(Model > Show Training: suggest again with it in the open articles)."
            )
        else:
            w.show_message(f"Version {result.version} was kept aside: it scores lower.")
        if self.training_dialog is not None:
            self.training_dialog.show_result(result)
        self._show_versions()

    @Slot(str)
    def _training_ended(self, message: str) -> None:
        self.window.training_status.show_ended(message)
        self.window.show_message(f"Nothing was trained: {message}")

    def _show_versions(self) -> None:
        dialog, dataset = self.training_dialog, self.state.dataset
        if dialog is not None and dataset is not None:
            dialog.show_versions(self.training.versions(dataset), dataset.model)

    @Slot()
    def _suggest_again(self) -> None:
        """The new version suggests again in every open article; decisions stay."""
        dataset, w = self.state.dataset, self.window
        if dataset is None:
            return
        if self.state.reviewing:
            w.show_message("Leave review mode first: a review takes no suggestions.")
            return
        count = self.suggesting_again.count(dataset)
        if self.suggesting_again.start(dataset) and self.training_dialog is not None:
            self.training_dialog.show_suggesting(count)

    @Slot(int, int)
    def _suggested_again(self, done: int, total: int) -> None:
        self.window.show_message(f"Suggesting again with the new version: {done} of {total}")

    @Slot(int, int)
    def _suggesting_again_done(self, suggested: int, skipped: int) -> None:
        w = self.window
        left = f"; {skipped} left as they were" if skipped else ""
        text = f"Suggested again in {suggested} open articles{left}."
        w.show_message(text)
        w.documents.refresh()
        if self.training_dialog is not None:
            self.training_dialog.show_suggested(text)

    @Slot()
    def ask_retrain_every(self) -> None:
        from annotator.ui.training.setting import retrain_dialog

        retrain_dialog(self.window, self.training.retrain_every, self._retrain_every_chosen)

    @Slot(int)
    def _retrain_every_chosen(self, count: int) -> None:
        self.training.set_retrain_every(count)
        self.window.show_message(
            f"The model trains again by itself every {count} newly done articles."
            if count
            else "The model trains only when you ask (Model > Train from Done Articles)."
        )
