"""Which keys a read-only text view leaves to the window's actions."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent

_OWN_MODIFIERS = (
    Qt.KeyboardModifier.ControlModifier
    | Qt.KeyboardModifier.AltModifier
    | Qt.KeyboardModifier.MetaModifier
)
_COMMAND_KEYS = frozenset(
    {
        Qt.Key.Key_Tab,
        Qt.Key.Key_Backtab,
        Qt.Key.Key_Return,
        Qt.Key.Key_Enter,
        Qt.Key.Key_Delete,
        Qt.Key.Key_Backspace,
        Qt.Key.Key_Escape,
    }
)


def is_window_key(event: QKeyEvent) -> bool:
    """True for the keys a read-only view has no use for and the window binds.

    Tab, Return, Delete, Backspace, Escape and every printable key (digits, shifted digits,
    brackets), with at most Shift or the keypad. Ctrl, Alt and Meta combinations and the
    navigation keys stay with the view (copy, select all, caret moves).
    """
    if event.modifiers() & _OWN_MODIFIERS:
        return False
    if event.key() in _COMMAND_KEYS:
        return True
    text = event.text()
    return bool(text) and text.isprintable()
