"""File > Open Store…: another store, a file or a server's database, in a new window."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox
from pytestqt.qtbot import QtBot

from annotator.ui.dialogs.open_store import OpenStoreDialog, open_store_window

pytestmark = pytest.mark.gui


def _answer(text: str, *, then_cancel: bool = False) -> list[str]:
    """Fill the dialog when it shows and press Open; what it said, if it refused."""
    said: list[str] = []

    def fill() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, OpenStoreDialog)
        dialog.location.setText(text)
        buttons = dialog.findChild(QDialogButtonBox)
        buttons.button(QDialogButtonBox.StandardButton.Open).click()
        if dialog.isVisible():  # refused: it says why and stays open
            said.append(dialog.problem.text())
            dialog.reject()

    QTimer.singleShot(0, fill)
    return said


class Launches(list[str]):
    """The windows the dialog asked to open (the seam of `launch_window`)."""

    def __call__(self, where: str) -> bool:
        self.append(where)
        return True


def test_a_server_url_opens_in_a_new_window(qtbot: QtBot) -> None:
    launched = Launches()
    _answer("postgresql://ada@db.example.org/team?sslmode=require")
    opened = open_store_window(None, launch=launched)
    assert opened == "postgresql://ada@db.example.org/team?sslmode=require"
    assert launched == [opened]


def test_a_store_file_opens_in_a_new_window(qtbot: QtBot, tmp_path: Path) -> None:
    launched = Launches()
    store = tmp_path / "team.db"
    _answer(str(store))
    opened = open_store_window(None, launch=launched)
    assert opened == str(store) and launched == [str(store)]


def test_a_url_with_a_password_is_refused_without_showing_it(qtbot: QtBot) -> None:
    launched = Launches()
    said = _answer("postgresql://ada:s3cret@db.example.org/team")
    opened = open_store_window(None, launch=launched)
    assert opened is None and launched == []
    (message,) = said
    assert "s3cret" not in message and "ada:***@" in message and "~/.pgpass" in message
