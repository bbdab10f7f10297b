"""Model > Train from Done Articles: a training run followed as it goes.

The dialog is not modal: training runs in its own process and the annotator keeps working
in the window; closing the dialog hides it and training goes on (the status bar follows
it too). It shows the step, the loss and the held-out F1, each label's F1 as a plot, then
the version made and every version of the dataset, or the one line saying why nothing was
trained. When the new version suggests, it offers to suggest again with it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from annotator.core.training import ModelVersion
from annotator.core.training_progress import TrainingResult, TrainingStep
from annotator.ui.training.plot import F1Plot

TITLE = "Train from Done Articles"
_ERROR_STYLE = "color: #b00020;"
SIZE = (560, 480)


class TrainingDialog(QDialog):
    cancel_requested = Signal()
    suggest_requested = Signal()
    train_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("training_dialog")
        self.setWindowTitle(TITLE)
        self.setModal(False)
        self.intro = QLabel(
            "Training learns the dataset's own model from its done articles, in a process "
            "of its own: you keep annotating meanwhile."
        )
        self.intro.setWordWrap(True)
        self.progress_line = QLabel(
            "No training since the window opened: Train starts one on the done articles."
        )
        self.progress_line.setObjectName("progress_line")
        self.plot = F1Plot()
        self.outcome = QLabel()
        self.outcome.setObjectName("outcome")
        self.outcome.setWordWrap(True)
        self.outcome.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.versions = QListWidget()
        self.versions.setObjectName("versions")
        self.versions.setMaximumHeight(96)
        self.versions_title = QLabel("Versions of this dataset's model:")
        self.cancel_button = QPushButton("&Stop Training")
        self.cancel_button.setToolTip("Stop now and keep the best version so far")
        self.cancel_button.clicked.connect(self.cancel_requested)
        self.suggest_button = QPushButton("&Suggest Again with It")
        self.suggest_button.setToolTip(
            "Suggest again for the open articles with the new version; what you accepted, "
            "drew or rejected stays"
        )
        self.suggest_button.clicked.connect(self.suggest_requested)
        self.suggest_button.hide()  # only once a better version was made
        self.train_button = QPushButton("&Train")
        self.train_button.clicked.connect(self.train_requested)
        self.close_button = QPushButton("&Hide")
        self.close_button.setToolTip("Training goes on; the status bar follows it")
        self.close_button.clicked.connect(self.hide)
        self._lay_out()
        self.resize(*SIZE)
        self._set_running(False)
        self._fit_without_an_empty_plot()

    def _lay_out(self) -> None:
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.progress_line)
        layout.addWidget(self.plot, 1)
        layout.addWidget(self.outcome)
        layout.addWidget(self.versions_title)
        layout.addWidget(self.versions)
        buttons = QHBoxLayout()
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.train_button)
        buttons.addStretch(1)
        buttons.addWidget(self.suggest_button)
        buttons.addWidget(self.close_button)
        layout.addLayout(buttons)

    def _set_running(self, running: bool) -> None:
        self.cancel_button.setVisible(running)
        self.cancel_button.setEnabled(running)
        self.train_button.setVisible(not running)
        self.close_button.setText("&Hide" if running else "&Close")

    # -- what the controller says ---------------------------------------------------------

    def begin(self, dataset: str, colors: Mapping[str, str], *, automatic: bool) -> None:
        """A run starts: a clean plot in the dataset's label colours."""
        why = (
            "Enough articles were marked done since the last version: training again. "
            if automatic
            else ""
        )
        self.intro.setText(
            f"{why}Training a model of <b>{_escape(dataset)}</b> on its done articles, in a "
            "process of its own: keep annotating meanwhile. Stopping keeps the best version "
            "so far."
        )
        self.progress_line.setText("Starting: reading the done articles…")
        self.outcome.clear()
        self.outcome.setStyleSheet("")
        self.plot.clear()
        self.plot.set_colors(colors)
        if not self.plot.isVisibleTo(self):
            self.plot.show()
            self.resize(self.width(), SIZE[1])
        self.suggest_button.setVisible(False)
        self.train_button.setText("&Train Again")
        self._set_running(True)

    @Slot(object)
    def show_step(self, step: TrainingStep) -> None:
        self.progress_line.setText(step_line(step))
        if step.per_label is not None:
            self.plot.add(step.step, step.f1, step.per_label)

    @Slot()
    def show_stopping(self) -> None:
        self.cancel_button.setEnabled(False)
        self.progress_line.setText("Stopping: keeping the best version so far…")

    @Slot(object)
    def show_result(self, result: TrainingResult) -> None:
        self._set_running(False)
        self.progress_line.setText(
            f"Done in {result.seconds:.1f} s, {result.steps} steps"
            + (" (stopped: the best version so far is kept)" if result.stopped else "")
        )
        self.outcome.setStyleSheet("")
        self.outcome.setText(result_line(result))
        self.suggest_button.setVisible(result.promoted)

    @Slot(str)
    def show_failure(self, message: str) -> None:
        self._set_running(False)
        self.progress_line.setText("Nothing was trained.")
        self.outcome.setStyleSheet(_ERROR_STYLE)
        self.outcome.setText(message)
        self._fit_without_an_empty_plot()

    @Slot(str)
    def show_stopped(self, message: str) -> None:
        self._set_running(False)
        self.progress_line.setText("Stopped.")
        self.outcome.setStyleSheet("")
        self.outcome.setText(message)
        self._fit_without_an_empty_plot()

    def show_suggesting(self, count: int) -> None:
        self.suggest_button.setVisible(False)
        noun = "article" if count == 1 else "articles"
        self.outcome.setText(
            f"{self.outcome.text()}\nSuggesting again in {count} open {noun}: what you "
            "accepted, drew or rejected stays."
        )

    def show_suggested(self, text: str) -> None:
        self.outcome.setText(f"{self.outcome.text()}\n{text}")

    def _fit_without_an_empty_plot(self) -> None:
        """A run that ended before its first evaluation has nothing to plot: the frame
        goes (it would say it waits) and the dialog takes the height of its lines."""
        if not self.plot.series():
            self.plot.hide()
            self.resize(self.width(), self.minimumSizeHint().height())

    def show_versions(self, versions: Sequence[ModelVersion], suggesting: str | None) -> None:
        """Every version of the dataset, newest first; the one that suggests marked."""
        self.versions.clear()
        for version in sorted(versions, key=lambda v: v.number, reverse=True):
            mark = "  \N{BLACK STAR} suggests" if version.path == suggesting else ""
            self.versions.addItem(
                f"Version {version.number}: held-out F1 {version.scores.micro.f:.2f} on "
                f"{version.eval_documents} articles, trained on {version.train_documents} "
                f"in {version.seconds:.0f} s{mark}"
            )
        self.versions_title.setVisible(bool(versions))
        self.versions.setVisible(bool(versions))


def step_line(step: TrainingStep) -> str:
    """ "Step 120 · loss 12.34 · held-out F1 0.63", as far as known."""
    parts = [f"Step {step.step}"]
    if step.loss is not None:
        parts.append(f"loss {step.loss:.2f}")
    if step.f1 is not None:
        parts.append(f"held-out F1 {step.f1:.2f}")
    return " \N{MIDDLE DOT} ".join(parts)


def result_line(result: TrainingResult) -> str:
    against = (
        f" ({result.previous} scores {result.previous_f1:.2f} on the same articles)"
        if result.previous is not None and result.previous_f1 is not None
        else ""
    )
    head = (
        f"Version {result.version}: held-out F1 {result.f1:.2f} on "
        f"{result.eval_documents} articles."
    )
    if result.promoted:
        return f"{head} It suggests from now on{against}."
    return f"{head} It does not suggest: it does not beat the current model{against}."


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
