"""PySide6 6.12.0 on CPython 3.11 drops a reference to None on every void Qt call.

After enough calls (a highlighter re-painting thousands of spans gets there in seconds)
CPython aborts with "Fatal Python error: none_dealloc". The pin in pyproject.toml keeps
that release out; this test catches it if a future release brings the bug back.
"""

from __future__ import annotations

import sys

import pytest
from PySide6 import __version__ as pyside_version
from PySide6.QtGui import QTextCursor, QTextDocument
from PySide6.QtWidgets import QApplication

pytestmark = pytest.mark.gui

CALLS = 100_000
TOLERANCE = 1_000  # other threads and the allocator may move the count a little


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split(".")[:2] if part.isdigit())


def test_pyside_release_is_below_the_broken_one() -> None:
    assert _version(pyside_version) < (6, 12), (
        f"PySide6 {pyside_version} is installed; 6.12.0 aborts CPython 3.11 with "
        "'none_dealloc' (each void Qt call drops a reference to None). Keep "
        "PySide6-Essentials<6.12 unless test_void_calls_keep_none_alive passes on it."
    )


def test_void_calls_keep_none_alive(qapp: QApplication) -> None:
    document = QTextDocument()
    document.setPlainText("Zaha Hadid 😀 opened the building.\r\n" * 20)
    cursor = QTextCursor(document)
    last = document.characterCount() - 1

    before = sys.getrefcount(None)
    for i in range(CALLS):
        cursor.setPosition(i % last)
    for i in range(300):
        document.setPlainText(f"article {i}\nline two")
    after = sys.getrefcount(None)

    assert before - after < TOLERANCE, (
        f"sys.getrefcount(None) fell from {before} to {after} over {CALLS} setPosition and "
        "300 setPlainText calls: this PySide6 leaks references to None and will crash "
        "with 'Fatal Python error: none_dealloc'"
    )
