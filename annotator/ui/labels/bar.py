"""The row of label buttons above the article.

One button per label in the label's colour, showing its name and hotkey; a click emits
`label_chosen`. The buttons never take keyboard focus, so the article keeps it and the
hotkeys keep working. The row wraps onto more lines when the window is narrow.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QMargins, QPoint, QRect, QSize, Qt, Signal
from PySide6.QtWidgets import QLabel, QLayout, QLayoutItem, QToolButton, QWidget

from annotator.core.model import Label
from annotator.ui.colors import qcolor, text_color_on


class FlowLayout(QLayout):
    """Lays items out left to right and starts a new line when the next one does not fit."""

    def __init__(
        self, parent: QWidget | None = None, *, h_spacing: int = 6, v_spacing: int = 4
    ) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._h_spacing = h_spacing
        self._v_spacing = v_spacing

    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._arrange(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._arrange(rect, move=True)

    def sizeHint(self) -> QSize:
        """Everything on one line."""
        width = height = 0
        for item in self._visible_items():
            size = item.sizeHint()
            width += size.width() + (self._h_spacing if width else 0)
            height = max(height, size.height())
        return QSize(width, height).grownBy(self.contentsMargins())

    def minimumSize(self) -> QSize:
        """The widest item: narrower than that, nothing fits."""
        size = QSize()
        for item in self._visible_items():
            size = size.expandedTo(item.minimumSize())
        return size.grownBy(self.contentsMargins())

    def _visible_items(self) -> list[QLayoutItem]:
        return [item for item in self._items if not item.isEmpty()]

    def _arrange(self, rect: QRect, *, move: bool) -> int:
        """Place the items in `rect` (when `move`); the height they need either way."""
        margins: QMargins = self.contentsMargins()
        area = rect.marginsRemoved(margins)
        x, y = area.x(), area.y()
        line_height = 0
        for item in self._visible_items():
            size = item.sizeHint()
            if x > area.x() and x + size.width() > area.x() + area.width():
                x = area.x()
                y += line_height + self._v_spacing
                line_height = 0
            if move:
                item.setGeometry(QRect(QPoint(x, y), size))
            x += size.width() + self._h_spacing
            line_height = max(line_height, size.height())
        return y + line_height - rect.y() + margins.bottom()


class LabelButton(QToolButton):
    """A flat button in a label's colour; a thick outline marks the active label."""

    chosen = Signal(str)

    def __init__(self, label: Label, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._label = label
        self._active = False
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setAutoRaise(True)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setText(button_text(label))
        self.setToolTip(button_tooltip(label))
        self.setAccessibleName(label.name)
        self.clicked.connect(self._on_clicked)
        self._restyle()

    @property
    def label(self) -> Label:
        return self._label

    @property
    def active(self) -> bool:
        return self._active

    def set_active(self, active: bool) -> None:
        if active != self._active:
            self._active = active
            self._restyle()

    def _on_clicked(self) -> None:
        self.chosen.emit(self._label.name)

    def _restyle(self) -> None:
        background = qcolor(self._label)
        text = text_color_on(background)
        # The border is as wide either way, so marking a label never moves the others.
        border = text if self._active else background.darker(130)
        self.setStyleSheet(
            "QToolButton {"
            f" background-color: {background.name()}; color: {text.name()};"
            f" border: 2px solid {border.name()}; border-radius: 4px; padding: 2px 8px;"
            "}"
            f"QToolButton:hover {{ background-color: {background.lighter(110).name()}; }}"
            f"QToolButton:pressed {{ background-color: {background.darker(115).name()}; }}"
        )


def button_text(label: Label) -> str:
    """ "PERSON 1": the name, then the key that picks it."""
    return f"{label.name} {label.hotkey}" if label.hotkey else label.name


def button_tooltip(label: Label) -> str:
    key = f"Key: {label.hotkey}" if label.hotkey else "No key"
    return f"{label.description}\n{key}" if label.description else f"{label.name}\n{key}"


class LabelBar(QWidget):
    """One button per label of the dataset, wrapping onto more lines when narrow."""

    label_chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._buttons: dict[str, LabelButton] = {}
        self._active: str | None = None
        self._layout = FlowLayout(self)
        self._layout.setContentsMargins(4, 4, 4, 4)
        self._empty = QLabel("This dataset has no labels yet")
        self._empty.setEnabled(False)
        self._layout.addWidget(self._empty)

    def set_labels(self, labels: Sequence[Label]) -> None:
        """Replace the buttons with one per label, keeping the active label when it remains."""
        for button in self._buttons.values():
            self._layout.removeWidget(button)
            button.hide()
            button.deleteLater()
        self._buttons = {}
        for label in labels:
            button = LabelButton(label, self)
            button.chosen.connect(self.label_chosen)
            self._layout.addWidget(button)
            self._buttons[label.name] = button
        self._empty.setVisible(not self._buttons)
        self.set_active(self._active)
        self._layout.invalidate()

    def set_active(self, name: str | None) -> None:
        """Mark the label of the current span (None: no span is current)."""
        self._active = name
        for button_name, button in self._buttons.items():
            button.set_active(button_name == name)

    def active(self) -> str | None:
        return self._active if self._active in self._buttons else None

    def button(self, name: str) -> LabelButton | None:
        return self._buttons.get(name)

    def buttons(self) -> list[LabelButton]:
        return list(self._buttons.values())
