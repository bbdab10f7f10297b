"""The right-click menu of the article: the span actions, under the mouse."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QWidget

from annotator.core.model import Label, Span

SPAN_ACTIONS = ("span.accept", "span.reject", "span.reject_one")
EDGE_ACTIONS = ("span.start_left", "span.start_right", "span.end_left", "span.end_right")
ALL_ACTIONS = ("span.label_all", "span.remove_all")


def span_menu(
    parent: QWidget,
    actions: Mapping[str, QAction],
    labels: Sequence[Label],
    span: Span | None,
    has_selection: bool,
) -> QMenu | None:
    """The menu for a right-click on `span` (or on the selection); None when neither."""
    if span is None and not has_selection:
        return None
    menu = QMenu(parent)
    if span is not None:
        menu.addActions([actions[name] for name in SPAN_ACTIONS])
    title = "&Relabel as" if span is not None else "&Label as"
    label_menu = menu.addMenu(title)
    for label in labels:
        action = actions.get(f"label.{label.hotkey}") if label.hotkey else None
        if action is not None:
            label_menu.addAction(action)
    if span is not None:
        menu.addSeparator()
        menu.addActions([actions[name] for name in ALL_ACTIONS])
        menu.addSeparator()
        menu.addActions([actions[name] for name in EDGE_ACTIONS])
    return menu
