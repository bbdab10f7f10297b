"""Colours of labels as Qt sees them: the colour itself, text that stays readable on it, swatches.

A label's colour is a `#rrggbb` string in the core. Widgets that show labels (the span list,
the label bar, menus) ask here rather than parse it each time, so a malformed colour falls
back to the same neutral grey everywhere.
"""

from __future__ import annotations

from functools import lru_cache

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap

from annotator.core.model import Label

FALLBACK = "#dddddd"  # the core's default label colour
SWATCH_SIZE = 12

_DARK = "#000000"
_LIGHT = "#ffffff"
# Above this relative luminance black text has more contrast than white (WCAG 2 formula:
# the two contrast ratios are equal where (L + 0.05)^2 = 1.05 * 0.05).
_LUMINANCE_SPLIT = 0.179


def qcolor(color: str | Label | None) -> QColor:
    """The QColor of a `#rrggbb` string or of a label; the fallback grey when it is not valid."""
    text = color.color if isinstance(color, Label) else color
    parsed = QColor(text) if text else QColor()
    return parsed if parsed.isValid() else QColor(FALLBACK)


def relative_luminance(color: QColor) -> float:
    """The WCAG relative luminance of `color`, from 0 (black) to 1 (white)."""

    def linear(channel: float) -> float:
        return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4

    return (
        0.2126 * linear(color.redF())
        + 0.7152 * linear(color.greenF())
        + 0.0722 * linear(color.blueF())
    )


def text_color_on(background: QColor | str) -> QColor:
    """Black or white, whichever reads better on `background`."""
    color = background if isinstance(background, QColor) else qcolor(background)
    return QColor(_DARK if relative_luminance(color) > _LUMINANCE_SPLIT else _LIGHT)


def swatch_pixmap(color: QColor | str | Label | None, size: int = SWATCH_SIZE) -> QPixmap:
    """A small rounded square of `color` with a darker outline, the same object per colour."""
    resolved = color if isinstance(color, QColor) else qcolor(color)
    return _swatch_pixmap(resolved.rgba(), size)


def swatch_icon(color: QColor | str | Label | None, size: int = SWATCH_SIZE) -> QIcon:
    """`swatch_pixmap` as an icon (for item views and buttons), cached the same way."""
    resolved = color if isinstance(color, QColor) else qcolor(color)
    return _swatch_icon(resolved.rgba(), size)


@lru_cache(maxsize=256)
def _swatch_pixmap(rgba: int, size: int) -> QPixmap:
    fill = QColor.fromRgba(rgba)
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(fill.darker(150))
        painter.setBrush(fill)
        radius = size / 5
        painter.drawRoundedRect(QRectF(0.5, 0.5, size - 1, size - 1), radius, radius)
    finally:
        painter.end()
    return pixmap


@lru_cache(maxsize=256)
def _swatch_icon(rgba: int, size: int) -> QIcon:
    return QIcon(_swatch_pixmap(rgba, size))
