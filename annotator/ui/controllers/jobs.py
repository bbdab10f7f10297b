"""Long tasks (import, export) off the GUI thread, behind a modal progress dialog.

The task runs on its own `QThread` and reports through the services' `Progress` seam;
the dialog follows it. The window stays painted and responsive to the dialog meanwhile,
and the task's result, or its error message, comes back to the caller as a value.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from PySide6.QtCore import QEventLoop, QObject, Qt, QThread, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget

from annotator.core.errors import AnnotatorError
from annotator.services.progress import Progress

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Outcome(Generic[T]):
    value: T | None = None
    error: str | None = None


class _Job(QObject):
    staged = Signal(str, int)  # stage name, total
    advanced = Signal(int)  # how many more done
    done = Signal(object)  # Outcome

    def __init__(self, work: Callable[[Progress], object]) -> None:
        super().__init__()
        self._work = work

    @Slot()
    def run(self) -> None:
        try:
            self.done.emit(Outcome(value=self._work(_Reporter(self))))
        except AnnotatorError as error:
            self.done.emit(Outcome(error=str(error)))
        except Exception as error:  # never leave the dialog waiting for a task that died
            self.done.emit(Outcome(error=f"unexpected error: {error!r}"))


class _Reporter:
    def __init__(self, job: _Job) -> None:
        self._job = job

    def stage(self, name: str, total: int, unit: str) -> None:
        self._job.staged.emit(f"{name} ({total} {unit}s)…", total)

    def advance(self, count: int = 1) -> None:
        self._job.advanced.emit(count)


class _Follower(QObject):
    """Lives on the GUI thread: moves the dialog and ends the wait."""

    def __init__(self, dialog: QProgressDialog, loop: QEventLoop) -> None:
        super().__init__()
        self._dialog = dialog
        self._loop = loop
        self.outcome: Outcome[object] = Outcome(error="the task did not finish")

    @Slot(str, int)
    def on_staged(self, text: str, total: int) -> None:
        self._dialog.setLabelText(text)
        self._dialog.setMaximum(max(total, 0))
        self._dialog.setValue(0)

    @Slot(int)
    def on_advanced(self, count: int) -> None:
        self._dialog.setValue(min(self._dialog.value() + count, self._dialog.maximum()))

    @Slot(object)
    def on_done(self, outcome: Outcome[object]) -> None:
        self.outcome = outcome
        self._loop.quit()


def run_with_progress(
    parent: QWidget | None, title: str, work: Callable[[Progress], T]
) -> Outcome[T]:
    """Run `work(progress)` on a worker thread while a progress dialog shows; wait for it."""
    dialog = QProgressDialog(title, "", 0, 0, parent)
    dialog.setWindowTitle(title)
    dialog.setCancelButton(None)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(300)
    loop = QEventLoop()
    follower = _Follower(dialog, loop)
    job = _Job(work)
    thread = QThread()
    job.moveToThread(thread)
    job.staged.connect(follower.on_staged)
    job.advanced.connect(follower.on_advanced)
    job.done.connect(follower.on_done)
    thread.started.connect(job.run)
    thread.start()
    loop.exec()
    thread.quit()
    thread.wait()
    dialog.close()
    dialog.deleteLater()
    return follower.outcome  # type: ignore[return-value]
