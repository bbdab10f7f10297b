"""Starting the window: a frame at once, then the store and the window behind it.

`annotator.app` decides what the window is made of (`build`); this module knows how Qt
starts: the application object, the frame painted before the heavy imports, the error
dialog for unexpected exceptions, and the collector settings of the start.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from PySide6.QtCore import QEvent, QObject, QSettings, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from annotator.ui.shell.startup import StartupFrame

if TYPE_CHECKING:
    from annotator.store import Store
    from annotator.ui.controllers.editing import Editing
    from annotator.ui.controllers.nlp_worker import NlpWorker
    from annotator.ui.controllers.session import DocumentSession
    from annotator.ui.controllers.training import Training
    from annotator.ui.controllers.workflow import Workflow
    from annotator.ui.shell.main_window import MainWindow
    from annotator.ui.state.view_state import ViewState

SETTLE_MS = 1000  # after the window's data is shown: see `settle_collector`
RELEASE_MS = 1000  # the model starts loading by then even if the article never paints


class Parts(NamedTuple):  # not a dataclass: importing dataclasses delays the first paint
    window: MainWindow
    state: ViewState
    session: DocumentSession
    editing: Editing
    workflow: Workflow
    worker: NlpWorker
    training: Training


Build = Callable[["Store", QSettings], Parts]


def run_window(
    path: Path | str,
    build: Build,
    *,
    confirm_new: bool = False,
    annotator: Callable[[], str | None] = lambda: None,
) -> int:
    """Open the window on the store at `path`; the exit code. `build` makes its parts.

    With `confirm_new` (a path the user typed), a path that holds no store is created
    only once the user agrees: a mistyped path must not look like a store whose work is
    gone.

    Only Qt is imported before the first paint: a `StartupFrame` appears at once where the
    window will stand, and once it is on screen the store's libraries and the window's
    modules are imported, the store is opened and the window replaces the frame. The
    data comes after that, on the next turn of the event loop.
    """
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    QApplication.setOrganizationName("annotator")
    QApplication.setApplicationName("annotator")
    QApplication.setApplicationDisplayName("annotator")
    QApplication.setDesktopFileName("io.github.annotator.Annotator")  # the .desktop id
    previous_hook = sys.excepthook
    install_error_reporting()
    # A server's database by its name (the URL's path), never the whole URL.
    name = path.name if isinstance(path, Path) else path.split("?")[0].rsplit("/", 1)[-1]
    frame = StartupFrame(QSettings(), f"Opening {name}\N{HORIZONTAL ELLIPSIS}")
    launch = Launch(path, frame, build, confirm_new=confirm_new, annotator=annotator)
    frame.painted.connect(launch.open)
    collecting = gc.isenabled()
    gc.disable()  # until the window is up: see `settle_collector`
    try:
        frame.show()
        code = app.exec()
    finally:
        launch.close()
        sys.excepthook = previous_hook
        gc.unfreeze()
        if collecting:
            gc.enable()
    if launch.error is not None:  # a bug while starting: fail as loudly as before the frame
        raise launch.error
    return code


def install_error_reporting() -> Path:
    """Log unexpected exceptions of the window and show them in a dialog; the log file.

    Qt catches nothing: an exception in a slot would otherwise be printed to a terminal
    nobody watches while the window carries on as if nothing happened.
    """
    from annotator import logs

    log = logs.setup_logging()
    sys.excepthook = logs.ExceptionHook(log, tell_unexpected_error, tell_error)
    return log


def tell_error(message: str) -> None:
    """An error the user can act on that reached no handler (a damaged store, say)."""
    from PySide6.QtWidgets import QMessageBox

    QMessageBox.warning(QApplication.activeWindow(), "annotator", message)


def tell_unexpected_error(summary: str, log: Path) -> None:
    from annotator.ui.dialogs.help import show_unexpected_error

    show_unexpected_error(QApplication.activeWindow(), summary, log)


class Launch:
    """The second half of the start: the store and the window, once the frame is shown."""

    def __init__(
        self,
        path: Path | str,
        frame: StartupFrame,
        build: Build,
        *,
        confirm_new: bool = False,
        annotator: Callable[[], str | None] = lambda: None,
    ) -> None:
        """`annotator`: who opens the store (read once the frame is up): the store acts
        as them, and an upgrade from before versions gives them the work naming nobody."""
        self.annotator = annotator
        self.path = path
        self.confirm_new = confirm_new
        self.frame = frame
        self.build = build
        self.store: Store | None = None
        self.parts: Parts | None = None
        self.error: Exception | None = None

    def open(self) -> None:
        """Open the store and show the window in the frame's place (or say why not)."""
        try:
            self._open()
        except Exception as error:  # a slot's exception would leave the frame up forever
            self.error = error
            QApplication.exit(1)

    def _open(self) -> None:
        from PySide6.QtWidgets import QMessageBox

        from annotator.core.errors import AnnotatorError
        from annotator.store import Store

        # (A database on a server is created by its administrator, not by a typo here.)
        if self.confirm_new and isinstance(self.path, Path) and not _holds_data(self.path):
            create = QMessageBox.question(
                self.frame,
                "annotator",
                f"There is no store at {self.path}.\n\nCreate a new, empty store there?",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No,
            )
            if create != QMessageBox.StandardButton.Yes:
                QApplication.exit(1)
                return
        try:
            who = self.annotator()
        except AnnotatorError as error:  # ANNOTATOR_NAME or the saved name is not a name
            QMessageBox.critical(self.frame, "annotator", f"Cannot open the window:\n{error}")
            QApplication.exit(1)
            return
        try:
            self.store = Store.open(self.path, annotator=who)
        except AnnotatorError as error:
            message = f"Cannot open the store {self.path}:\n{error}"
            QMessageBox.critical(self.frame, "annotator", message)
            QApplication.exit(1)
            return
        try:
            self.parts = self.build(self.store, QSettings())
        except AnnotatorError as error:  # ANNOTATOR_NAME or the saved name is not a name
            QMessageBox.critical(self.frame, "annotator", f"Cannot open the window:\n{error}")
            QApplication.exit(1)
            return
        window = self.parts.window
        window.restoreGeometry(self.frame.saveGeometry())  # screen, normal size, maximised
        if not (window.isMaximized() or window.isFullScreen()):
            # Exactly over the frame: restoring alone may nudge a window at the screen's
            # edge down by a guessed title bar.
            window.setGeometry(self.frame.geometry())
        window.show()
        self.frame.close()
        self.frame.deleteLater()
        # The window first, then its data, then the model: spaCy's import on the worker
        # thread waits until the data is painted (or `RELEASE_MS` at the latest).
        self.parts.worker.hold()
        QTimer.singleShot(0, self._show_data)
        QTimer.singleShot(RELEASE_MS, self.parts.worker.release)
        QTimer.singleShot(SETTLE_MS, settle_collector)

    def _show_data(self) -> None:
        assert self.parts is not None
        parts = self.parts
        parts.workflow.reopen_last()
        after_next_paint(parts.window.article.viewport(), parts.worker.release)

    def close(self) -> None:
        """After the event loop: stop the worker and close the store."""
        if self.parts is not None:
            self.parts.training.shutdown()
            self.parts.worker.shutdown()
        if self.store is not None:
            self.store.close()


def _holds_data(path: Path) -> bool:
    """Something is at `path` (a store, or a file or folder that opening will explain)."""
    try:
        return path.is_dir() or path.stat().st_size > 0
    except OSError:
        return False


def after_next_paint(widget: QWidget, then: Callable[[], None]) -> None:
    """Call `then` on the event loop's turn after `widget`'s next paint."""
    watcher = _PaintWatcher(widget, then)
    widget.installEventFilter(watcher)


class _PaintWatcher(QObject):
    def __init__(self, widget: QWidget, then: Callable[[], None]) -> None:
        super().__init__(widget)  # goes with the widget if it never paints
        self._then = then

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self._then)
            self.deleteLater()
        return False


def settle_collector() -> None:
    """Once the window is up: collect the start's garbage, then keep out of its way.

    Starting makes some 130,000 objects (the libraries' modules, the tables, the widgets)
    that live as long as the window, and little garbage. The cyclic collector's full
    passes over them took 100-300 ms of the start, and then 85 ms each time enough new
    objects had piled up (opening a long article makes that many), so the start runs
    without it (`run_window` turns it off) and this pass, once the data is shown,
    collects what the start left, moves everything left to the permanent generation
    (`gc.freeze`: only ever freed by reference counting, which is how they would go
    anyway) and turns the collector back on for what comes after.
    """
    gc.collect()
    gc.freeze()
    gc.enable()
