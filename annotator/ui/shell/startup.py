"""The frame on screen while the window's parts load: the first thing an annotator sees.

Importing the store's libraries and the window's modules, and opening the store, take
most of a second; a bare Qt window paints in a fifth of that. `StartupFrame` needs only
Qt (this module imports nothing else), so it paints at once, where the main window will
stand: the same title, the geometry the main window saved last time. When its first paint
is done it emits `painted`, and the caller builds the real window in its place.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QPoint, QRect, QSettings, QSize, QTimer, Signal
from PySide6.QtGui import QPaintEvent, QShowEvent
from PySide6.QtWidgets import QLabel, QMainWindow, QWidget

GEOMETRY = "window/geometry"  # the main window's saved geometry, shared with it
DEFAULT_SIZE = QSize(1380, 860)  # the main window's size when none was saved and it fits
# Room left around a window that fills a smaller screen: its borders, and a title bar
# above it (the geometry Qt sets is the inside of the frame).
BORDER = 8
TITLE_BAR = 32
TITLE = "annotator"
# A window that is never exposed (started minimised, say) gets no paint: go on anyway.
FALLBACK_MS = 1000


class StartupFrame(QMainWindow):
    """An empty window with a one-line message, placed where the main window will be."""

    painted = Signal()  # once: the frame's first paint is done (or the fallback fired)

    def __init__(self, settings: QSettings, message: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(TITLE)
        # Centred by its paragraph (a label is centred vertically already): the `Qt`
        # namespace alone would take 17 ms to load, a tenth of a bare window's start.
        self.message = QLabel(f'<p align="center">{_escape(message)}</p>')
        self.message.setEnabled(False)  # greyed: nothing here can be used yet
        self.setCentralWidget(self.message)
        geometry = settings.value(GEOMETRY)
        if not (isinstance(geometry, QByteArray) and self.restoreGeometry(geometry)):
            place_first(self)
        self._announced = False
        self._fallback = QTimer(self)
        self._fallback.setSingleShot(True)
        self._fallback.setInterval(FALLBACK_MS)
        self._fallback.timeout.connect(self._announce)

    @property
    def announced(self) -> bool:
        """Whether `painted` has been emitted."""
        return self._announced

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._announced:
            self._fallback.start()

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if not self._announced:
            # After this paint reaches the screen: the event loop's next turn.
            QTimer.singleShot(0, self._announce)

    def _announce(self) -> None:
        if self._announced:
            return
        self._announced = True
        self._fallback.stop()
        self.painted.emit()


def first_geometry(available: QRect) -> QRect:
    """Where a window stands when none was saved, on a screen whose free area is `available`.

    `DEFAULT_SIZE` where it fits; on a smaller screen (1366x768, 1280x800) the screen's free
    area less the frame's borders and title bar, so the whole window is on screen. Centred
    in what is free, below room for the title bar.
    """
    width = min(DEFAULT_SIZE.width(), available.width() - 2 * BORDER)
    height = min(DEFAULT_SIZE.height(), available.height() - TITLE_BAR - 2 * BORDER)
    left = available.left() + (available.width() - width) // 2
    top = available.top() + TITLE_BAR + BORDER
    top += max(0, available.height() - TITLE_BAR - 2 * BORDER - height) // 2
    return QRect(QPoint(left, top), QSize(width, height))


def available_area(window: QWidget) -> QRect:
    """The free area (without panels and docks) of the screen `window` will appear on."""
    return window.screen().availableGeometry()


def place_first(window: QWidget) -> None:
    """Give `window` its first geometry on its screen (`first_geometry`)."""
    window.setGeometry(first_geometry(available_area(window)))


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
