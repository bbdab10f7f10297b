"""The action table: every key does one thing, and Help lists what the menus hold."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QKeySequence

from annotator.ui.shell.actions import SPECS, sequences, shortcut_rows

pytestmark = pytest.mark.gui

# Keys that X11 reports as the shifted symbol of another key on a US layout: registering
# both forms on one window makes Qt call the press ambiguous and fire nothing.
SHIFTED = {"{": "Shift+[", "}": "Shift+]", "!": "Shift+1", "@": "Shift+2", "#": "Shift+3"}


def test_no_key_belongs_to_two_commands(qapp: object) -> None:
    owners: dict[str, str] = {}
    for spec in SPECS:
        for sequence in sequences(spec):
            text = sequence.toString(QKeySequence.SequenceFormat.PortableText)
            assert text not in owners, f"{text} is both {owners[text]} and {spec.id}"
            owners[text] = spec.id
    for symbol, shifted in SHIFTED.items():
        assert not (symbol in owners and shifted in owners), f"{symbol} and {shifted} clash"


def test_help_lists_every_command_with_keys(qapp: object) -> None:
    listed = {command for _, command, _ in shortcut_rows()}
    for spec in SPECS:
        if spec.keys and spec.menu != "Labels":
            assert spec.text.replace("&", "") in listed
