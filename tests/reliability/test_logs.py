"""The log: unexpected errors of the window and the command line end up in a private,
rotating file in the user's log folder; the window says where, and Help opens it."""

from __future__ import annotations

import importlib
import logging
import stat
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings, QTimer, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from annotator import app, logs
from annotator.store import Store
from annotator.ui.shell import launch

pytestmark = pytest.mark.gui


@pytest.fixture(autouse=True)
def _fresh_logger(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Each test starts without file handlers and leaves none behind (nor its hook)."""
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    logger = logging.getLogger(logs.LOGGER)
    before = list(logger.handlers)
    yield
    for handler in logger.handlers:
        if handler not in before:
            logger.removeHandler(handler)
            handler.close()


@pytest.fixture
def dialogs(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record the critical message boxes instead of showing them."""
    shown: list[str] = []

    def critical(parent: QWidget | None, title: str, text: str, *args: object) -> Any:
        shown.append(f"{title}\n{text}")
        return QMessageBox.StandardButton.Ok

    monkeypatch.setattr(QMessageBox, "critical", critical)
    return shown


def test_the_log_is_a_private_file_in_the_users_log_folder(tmp_path: Path) -> None:
    path = logs.setup_logging()
    assert logs.setup_logging() == path  # a second call adds nothing
    handlers = [h for h in logging.getLogger(logs.LOGGER).handlers if hasattr(h, "baseFilename")]
    assert len(handlers) == 1
    assert path.name == "annotator.log"
    assert "xdg_state_home" in str(path)  # the test's own folder, never the real one
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    logging.getLogger("annotator.store").info("routine")
    logging.getLogger("annotator.store").error("something broke")
    for handler in handlers:
        handler.flush()
    text = path.read_text(encoding="utf-8")
    assert "something broke" in text and "routine" not in text


@pytest.mark.qt_no_exception_capture
def test_an_exception_in_a_slot_is_logged_and_shown_with_the_logs_location(
    qtbot: QtBot, dialogs: list[str]
) -> None:
    log = launch.install_error_reporting()
    ran: list[bool] = []

    def broken_slot() -> None:
        ran.append(True)
        raise ZeroDivisionError("the slot divided by zero")

    QTimer.singleShot(0, broken_slot)
    qtbot.waitUntil(lambda: bool(dialogs), timeout=5000)

    assert ran == [True]
    (message,) = dialogs
    assert "ZeroDivisionError: the slot divided by zero" in message
    assert str(log) in message
    for handler in logging.getLogger(logs.LOGGER).handlers:
        handler.flush()
    text = log.read_text(encoding="utf-8")
    assert "Traceback" in text and "broken_slot" in text and "divided by zero" in text


@pytest.mark.qt_no_exception_capture
def test_errors_while_the_dialog_is_up_are_logged_but_not_shown_twice(
    dialogs: list[str],
) -> None:
    log = launch.install_error_reporting()
    hook = sys.excepthook
    assert isinstance(hook, logs.ExceptionHook)

    def tell_and_fail_again(summary: str, path: Path) -> None:
        dialogs.append(summary)
        try:
            raise ValueError("second failure")
        except ValueError as error:
            hook(ValueError, error, error.__traceback__)

    hook._tell = tell_and_fail_again
    try:
        raise KeyError("first failure")
    except KeyError as error:
        hook(KeyError, error, error.__traceback__)

    assert dialogs == ["KeyError: 'first failure'"]
    for handler in logging.getLogger(logs.LOGGER).handlers:
        handler.flush()
    text = log.read_text(encoding="utf-8")
    assert "first failure" in text and "second failure" in text


def test_an_unexpected_error_of_the_command_line_is_one_line_and_logged(
    cli: Callable[..., Any], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    cli_main = importlib.import_module("annotator.cli.main")  # the package's `main` is a function

    def broken(db: object) -> object:
        raise RuntimeError("the store exploded")

    monkeypatch.setattr(cli_main, "open_store", broken)

    result = cli("--db", tmp_path / "store.db")

    output = result.out + result.err
    assert result.code == 1
    assert "Traceback" not in output
    (line,) = output.strip().splitlines()
    log = logs.log_path()
    assert "RuntimeError: the store exploded" in line and str(log) in line
    for handler in logging.getLogger(logs.LOGGER).handlers:
        handler.flush()
    text = log.read_text(encoding="utf-8")
    assert "Traceback" in text and "the store exploded" in text


def test_help_open_log_opens_the_log_in_the_desktops_viewer(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[QUrl] = []

    def open_url(url: QUrl) -> bool:
        opened.append(url)
        return True

    monkeypatch.setattr(QDesktopServices, "openUrl", open_url)
    log = logs.setup_logging()
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    with Store.open(tmp_path / "store.db") as store:
        parts = app.assemble(store, settings, annotator="unknown")
        try:
            qtbot.addWidget(parts.window)
            action = parts.window.action("help.open_log")
            help_menu = next(
                a.menu() for a in parts.window.menuBar().actions() if a.text() == "&Help"
            )
            assert action in help_menu.actions()
            action.trigger()
        finally:
            parts.worker.shutdown()

    assert [url.toLocalFile() for url in opened] == [str(log)]
