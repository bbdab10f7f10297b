"""What the window's tests share: a settings file of their own, and windows built the way
the app builds them, whose spaCy threads stop at the end of the test, pass or fail."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from annotator.app import assemble
from annotator.store import Store
from annotator.ui.shell.launch import Parts

OpenWindow = Callable[..., Parts]


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def open_window(qtbot: QtBot) -> Iterator[OpenWindow]:
    """`open_window(store, settings, **options)`: the whole window (`app.assemble` with
    the `options`; the annotator "unknown", the store's default, unless they name one),
    shown, at the article the app would open first."""
    opened: list[Parts] = []

    def open_(store: Store, settings: QSettings, **options: object) -> Parts:
        options.setdefault("annotator", "unknown")
        parts = assemble(store, settings, **options)  # type: ignore[arg-type]
        opened.append(parts)
        qtbot.addWidget(parts.window)
        parts.window.show()
        qtbot.waitExposed(parts.window)
        parts.workflow.reopen_last()
        return parts

    yield open_
    for parts in opened:
        parts.worker.shutdown()
