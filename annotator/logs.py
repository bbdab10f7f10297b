"""The log file: where unexpected errors are written, for the window and the command line.

Errors a user can act on (`AnnotatorError`) are shown, not logged; this file is for the
others, the bugs, with their tracebacks, so that a report can include them. The file
rotates (a few hundred kilobytes at most are kept) and is readable by its owner only:
a traceback may quote an article.
"""

from __future__ import annotations

import logging
import os
import sys
import traceback
from collections.abc import Callable
from logging.handlers import RotatingFileHandler
from pathlib import Path
from types import TracebackType

import platformdirs

from annotator.core.errors import AnnotatorError
from annotator.paths import APP_NAME

LOGGER = "annotator"
FILE_NAME = "annotator.log"
MAX_BYTES = 256 * 1024
BACKUPS = 2
_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def log_path() -> Path:
    """The current log file: `annotator.log` in the user's log folder."""
    return platformdirs.user_log_path(APP_NAME) / FILE_NAME


def setup_logging(path: Path | None = None) -> Path:
    """Send the `annotator` logger's warnings and errors to a rotating file; return it.

    Calling it again with the same file adds nothing, so every entry point may call it;
    a call with another file moves the log there (one log file per process). If the
    folder cannot be created the program still runs, without a log.
    """
    path = path or log_path()
    logger = logging.getLogger(LOGGER)
    for handler in list(logger.handlers):
        if isinstance(handler, RotatingFileHandler):
            if handler.baseFilename == str(path):
                return path
            logger.removeHandler(handler)
            handler.close()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
        handler = RotatingFileHandler(
            path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8"
        )
    except OSError:
        return path
    handler.setFormatter(logging.Formatter(_FORMAT))
    handler.setLevel(logging.WARNING)
    logger.addHandler(handler)
    if logger.level == logging.NOTSET or logger.level > logging.WARNING:
        logger.setLevel(logging.WARNING)
    return path


def log_unexpected(
    error: BaseException,
    where: str,
    exc_info: tuple[type[BaseException], BaseException, TracebackType | None] | None = None,
) -> None:
    """Write an unexpected exception and its traceback to the log."""
    details = exc_info or (type(error), error, error.__traceback__)
    logging.getLogger(LOGGER).error("Unexpected error in %s", where, exc_info=details)


def summary(error: BaseException) -> str:
    """The last line of a traceback: the exception's type and message."""
    return "".join(traceback.format_exception_only(type(error), error)).strip()


# Tell the user about an unexpected error: its summary and the log file's path.
Tell = Callable[[str, Path], None]
# Tell the user an error they can act on that no code caught (a damaged store found while
# the document list paints, say): its message.
TellError = Callable[[str], None]


class ExceptionHook:
    """`sys.excepthook` for the window: log the exception, then tell the user where.

    An exception in a Qt slot does not stop the event loop; without this it would only be
    printed to a terminal the user does not see. While the user is being told (a modal
    dialog runs its own event loop), further errors are logged but not shown again.
    """

    def __init__(self, log: Path, tell: Tell, tell_error: TellError | None = None) -> None:
        self.log = log
        self._tell = tell
        self._tell_error = tell_error
        self._told_errors: set[str] = set()
        self._telling = False

    def __call__(
        self,
        exc_type: type[BaseException],
        error: BaseException,
        trace: TracebackType | None,
    ) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, error, trace)
            return
        if self._tell_error is not None and isinstance(error, AnnotatorError):
            self._tell_once(str(error))
            return
        log_unexpected(error, "the window", (exc_type, error, trace))
        if self._telling:
            return
        self._telling = True
        try:
            self._tell(summary(error), self.log)
        finally:
            self._telling = False

    def _tell_once(self, message: str) -> None:
        """An `AnnotatorError` is not a bug: shown as it is, each message once (a damaged
        store fails again at every paint of the list), and not logged."""
        if message in self._told_errors or self._telling or self._tell_error is None:
            return
        self._told_errors.add(message)
        self._telling = True
        try:
            self._tell_error(message)
        finally:
            self._telling = False
