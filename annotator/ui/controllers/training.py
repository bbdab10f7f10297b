"""Training the dataset's own model from the window: `annotator train` in a child process.

spaCy's training holds the interpreter's lock and hundreds of megabytes for minutes, so it
never runs in the window's process: the window starts the command itself (the one way
training runs), at a lower priority, with `--progress json`, and reads its lines
(`core/training_progress.py`). The child opens the same store file (SQLite in WAL mode:
the window goes on writing while it reads) and records the version there; the window reads
it afterwards like any row. Cancelling sends SIGINT, as Ctrl-C in a terminal does: the
command keeps the best version so far.

A setting trains again by itself once N more documents are done than the newest version
was trained on (held-out ones included); 0, the default, never does.
"""

from __future__ import annotations

import os
import shutil
import signal
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, QProcess, QSettings, Signal, Slot

from annotator.core.model import Dataset, Status
from annotator.core.training import ModelVersion
from annotator.core.training_progress import (
    TrainingEnded,
    TrainingResult,
    TrainingStep,
    last_problem,
    parse_event,
)
from annotator.store import Store

RETRAIN_EVERY = "training/retrain_every"  # newly done documents between automatic runs; 0: off
NICENESS = 10  # the child's priority below the window's (POSIX `nice`)
STOP_WAIT_MS = 5000  # at quit: how long a stopping child may take to keep its best version
_STDERR_KEPT = 16384  # characters of the child's stderr kept for its last line


@dataclass(frozen=True, slots=True)
class TrainingRequest:
    """What a run trains: the store (a file, or a server's URL), as whom, which dataset,
    and extra options."""

    store: Path | str
    annotator: str
    dataset: str
    options: tuple[str, ...] = ()


# The program and arguments that run a request: the seam a test may replace.
Command = Callable[[TrainingRequest], tuple[str, list[str]]]


def train_command(request: TrainingRequest, *, niceness: int = NICENESS) -> tuple[str, list[str]]:
    """`annotator train ... --progress json` with this interpreter (or this bundle), under
    `nice` where there is one so that the window keeps the processor it needs."""
    if getattr(sys, "frozen", False):  # a bundled app: the program itself takes commands
        command = [sys.executable]
    else:
        command = [sys.executable, "-m", "annotator"]
    command += [
        "train",
        "--dataset",
        request.dataset,
        "--db",
        str(request.store),
        "--annotator",
        request.annotator,
        "--progress",
        "json",
        *request.options,
    ]
    wrapper = shutil.which("nice") if niceness and os.name == "posix" else None
    if wrapper is not None:
        command = [wrapper, "-n", str(niceness), *command]
    return command[0], command[1:]


class Training(QObject):
    """One training child at a time, its progress as signals, and the automatic runs."""

    started = Signal(str, bool)  # dataset name, whether the setting started it
    progressed = Signal(object)  # TrainingStep
    finished = Signal(object)  # TrainingResult (also after a cancel that kept a version)
    failed = Signal(str)  # why nothing was trained, in one line
    stopped = Signal(str)  # cancelled before anything could be kept
    stopping = Signal()  # a cancel was sent; the child is keeping its best version

    def __init__(
        self,
        store: Store,
        settings: QSettings,
        dataset: Callable[[], Dataset | None],
        *,
        command: Command = train_command,
        options: tuple[str, ...] = (),
        parent: QObject | None = None,
    ) -> None:
        """`dataset` tells which dataset is open; `options` go to every run (a test's
        `--max-steps`, say)."""
        super().__init__(parent)
        self._store = store
        self._settings = settings
        self._open_dataset = dataset
        self._command = command
        self._options = options
        self._process: QProcess | None = None
        self._buffer = b""
        self._stderr = ""
        self._outcome: TrainingResult | TrainingEnded | None = None
        self._cancelled = False
        self._last_step: TrainingStep | None = None
        self._last_result: TrainingResult | None = None
        self._dataset_name = ""
        # Per dataset id: the done count an automatic run waits to pass by N.
        self._baseline: dict[int, int] = {}

    # -- state ----------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self._process is not None

    @property
    def last_step(self) -> TrainingStep | None:
        return self._last_step

    @property
    def last_result(self) -> TrainingResult | None:
        """The version the last run made, if it made one."""
        return self._last_result

    @property
    def dataset_name(self) -> str:
        """The dataset of the run in progress, or of the last one."""
        return self._dataset_name

    @property
    def retrain_every(self) -> int:
        value = self._settings.value(RETRAIN_EVERY, 0, type=int)
        return max(0, int(value)) if isinstance(value, int) else 0

    def versions(self, dataset: Dataset) -> list[ModelVersion]:
        """The dataset's versions as the store holds them (the child's rows included)."""
        return self._store.model_versions(dataset.id)

    def set_retrain_every(self, count: int) -> None:
        self._settings.setValue(RETRAIN_EVERY, max(0, count))
        dataset = self._open_dataset()
        if dataset is not None:  # counted from now: switching it on never starts at once
            self._baseline[dataset.id] = self._done(dataset)

    # -- running --------------------------------------------------------------------------

    def start(self, *, automatic: bool = False) -> bool:
        """Train the open dataset's model in a child process; False when one runs already
        or no dataset is open."""
        dataset = self._open_dataset()
        if self.running or dataset is None:
            return False
        self._baseline[dataset.id] = self._done(dataset)
        where = self._store.path or str(self._store)  # a server's URL has no password
        request = TrainingRequest(where, self._store.annotator, dataset.name, self._options)
        program, arguments = self._command(request)
        process = QProcess(self)
        process.setProgram(program)
        process.setArguments(arguments)
        process.readyReadStandardOutput.connect(self._read_output)
        process.readyReadStandardError.connect(self._read_errors)
        process.finished.connect(self._ended)
        process.errorOccurred.connect(self._process_error)
        self._process = process
        self._buffer, self._stderr, self._outcome = b"", "", None
        self._cancelled = False
        self._last_step = None
        self._last_result = None
        self._dataset_name = dataset.name
        self.started.emit(dataset.name, automatic)
        process.start()
        return True

    @Slot()
    def cancel(self) -> None:
        """Stop the run as Ctrl-C does (the best version so far is kept); a second cancel
        while it is keeping it ends the child at once."""
        process = self._process
        if process is None:
            return
        if self._cancelled or os.name != "posix":
            process.kill()
            return
        self._cancelled = True
        pid = process.processId()
        if pid > 0:
            os.kill(pid, signal.SIGINT)
        self.stopping.emit()

    def shutdown(self) -> None:
        """At quit: stop a running child, keeping its best version if it is quick."""
        process = self._process
        if process is None:
            return
        self.cancel()
        if not process.waitForFinished(STOP_WAIT_MS):
            process.kill()
            process.waitForFinished(1000)

    @Slot(int)
    def document_finished(self, _document_id: int) -> None:
        """A document was marked done or skipped: train by itself if the setting says so
        and N more are done than when it last counted."""
        every = self.retrain_every
        dataset = self._open_dataset()
        if every <= 0 or dataset is None or self.running:
            return
        done = self._done(dataset)
        baseline = self._baseline.get(dataset.id)
        if baseline is None:
            baseline = self._baseline[dataset.id] = self._trained_on(dataset, done)
        if done - baseline >= every:
            self.start(automatic=True)

    def _done(self, dataset: Dataset) -> int:
        return self._store.count_documents(dataset.id, {Status.DONE})

    def _trained_on(self, dataset: Dataset, done: int) -> int:
        """The documents the newest version learnt from (the held-out ones too); without
        a version, the ones done now: the setting counts from here."""
        versions = self._store.model_versions(dataset.id)
        if not versions:
            return done
        newest = max(versions, key=lambda version: version.number)
        return newest.train_documents + newest.eval_documents

    # -- the child's output ---------------------------------------------------------------

    @Slot()
    def _read_output(self) -> None:
        process = self._process
        if process is None:
            return
        self._buffer += bytes(process.readAllStandardOutput().data())
        *lines, self._buffer = self._buffer.split(b"\n")
        for line in lines:
            self._take(parse_event(line.decode("utf-8", errors="replace")))

    @Slot()
    def _read_errors(self) -> None:
        process = self._process
        if process is None:
            return
        text = bytes(process.readAllStandardError().data()).decode("utf-8", errors="replace")
        self._stderr = (self._stderr + text)[-_STDERR_KEPT:]

    def _take(self, event: TrainingStep | TrainingResult | TrainingEnded | None) -> None:
        if isinstance(event, TrainingStep):
            self._last_step = event
            self.progressed.emit(event)
        elif event is not None:
            self._outcome = event

    @Slot(int, QProcess.ExitStatus)
    def _ended(self, code: int, _status: QProcess.ExitStatus) -> None:
        self._read_output()
        self._read_errors()
        if self._buffer:
            self._take(parse_event(self._buffer.decode("utf-8", errors="replace")))
            self._buffer = b""
        self._finish(code)

    @Slot(QProcess.ProcessError)
    def _process_error(self, error: QProcess.ProcessError) -> None:
        if error is QProcess.ProcessError.FailedToStart and self._process is not None:
            reason = self._process.errorString()
            self._release()
            self._fail(f"training could not start: {reason}")

    def _finish(self, code: int) -> None:
        outcome, cancelled = self._outcome, self._cancelled
        self._release()
        if isinstance(outcome, TrainingResult):
            self._last_result = outcome
            self.finished.emit(outcome)
        elif isinstance(outcome, TrainingEnded) and outcome.kind == "error":
            self._fail(outcome.message)
        elif cancelled or isinstance(outcome, TrainingEnded):
            self.stopped.emit(
                outcome.message if outcome is not None else "Stopped: no version was recorded."
            )
        else:
            self._fail(last_problem(self._stderr) or f"training ended with code {code}")

    def _fail(self, message: str) -> None:
        self.failed.emit(" ".join(message.split()))

    def _release(self) -> None:
        process, self._process = self._process, None
        if process is not None:
            process.deleteLater()
