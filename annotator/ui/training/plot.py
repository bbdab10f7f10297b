"""The held-out F1 of each label over the steps of a training run, as a small line plot.

Painted with `QPainter`: a frame from 0 to 1, one line per label in the label's colour
(all labels together in black, thicker), and a legend with each label's last figure.
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen, QPolygonF
from PySide6.QtWidgets import QSizePolicy, QWidget

from annotator.ui.colors import qcolor

ALL_LABELS = "(all labels)"
_MARGIN_LEFT = 34
_MARGIN = 8
_LEGEND_ROW = 16
_OVERALL = QColor("#222222")
# Labels without a colour of their own (a base pipeline's names) take these in turn.
_SPARE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2")


class F1Plot(QWidget):
    """F1 (0..1) against the step, per label; `add` one evaluation at a time."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("f1_plot")
        self.setMinimumSize(320, 160)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self._series: dict[str, list[tuple[int, float]]] = {}
        self._colors: dict[str, str] = {}
        self._last_step = 0

    def sizeHint(self) -> QSize:
        return QSize(420, 200)

    def set_colors(self, colors: Mapping[str, str]) -> None:
        """Label name -> `#rrggbb`: the dataset's colours for its labels' lines."""
        self._colors = dict(colors)
        self.update()

    def clear(self) -> None:
        self._series.clear()
        self._last_step = 0
        self.update()

    def add(self, step: int, overall: float | None, per_label: Mapping[str, float]) -> None:
        """One evaluation: the F1 of all labels together and of each label."""
        if overall is not None:
            self._series.setdefault(ALL_LABELS, []).append((step, overall))
        for label, f1 in per_label.items():
            self._series.setdefault(label, []).append((step, f1))
        self._last_step = max(self._last_step, step)
        self.update()

    def series(self) -> dict[str, list[tuple[int, float]]]:
        """What the plot shows, by line (for tests and the screen reader's description)."""
        return {name: list(points) for name, points in self._series.items()}

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        painter.fillRect(self.rect(), palette.base())
        names = self._names()
        legend_width = self._legend_width(painter, names)
        area = QRectF(
            _MARGIN_LEFT,
            _MARGIN,
            max(10.0, self.width() - _MARGIN_LEFT - _MARGIN - legend_width),
            max(10.0, self.height() - 2 * _MARGIN - painter.fontMetrics().height()),
        )
        self._frame(painter, area)
        for index, name in enumerate(names):
            self._line(painter, area, name, self._color(name, index))
        self._legend(painter, area, names)
        painter.end()

    def _names(self) -> list[str]:
        labels = sorted(name for name in self._series if name != ALL_LABELS)
        return ([ALL_LABELS] if ALL_LABELS in self._series else []) + labels

    def _color(self, name: str, index: int) -> QColor:
        if name == ALL_LABELS:
            return _OVERALL
        if name in self._colors:
            return qcolor(self._colors[name])
        return QColor(_SPARE[index % len(_SPARE)])

    def _frame(self, painter: QPainter, area: QRectF) -> None:
        text = self.palette().text().color()
        grid = QColor(text)
        grid.setAlpha(40)
        metrics = painter.fontMetrics()
        for tenth in (0, 5, 10):
            y = area.bottom() - area.height() * tenth / 10
            painter.setPen(QPen(grid, 1))
            painter.drawLine(QPointF(area.left(), y), QPointF(area.right(), y))
            painter.setPen(text)
            label = f"{tenth / 10:.1f}"
            left = area.left() - metrics.horizontalAdvance(label) - 4
            painter.drawText(QPointF(left, y + metrics.ascent() / 2), label)
        painter.setPen(QPen(text, 1))
        painter.drawRect(area)
        steps = f"step {self._last_step}" if self._series else "waiting for the first evaluation"
        painter.drawText(
            QRectF(area.left(), area.bottom() + 2, area.width(), metrics.height()),
            Qt.AlignmentFlag.AlignRight,
            steps,
        )

    def _line(self, painter: QPainter, area: QRectF, name: str, color: QColor) -> None:
        points = self._series.get(name, [])
        if not points:
            return
        last = max(1, self._last_step)
        corners = [
            QPointF(
                area.left() + area.width() * step / last,
                area.bottom() - area.height() * min(max(f1, 0.0), 1.0),
            )
            for step, f1 in points
        ]
        painter.setPen(QPen(color, 2.5 if name == ALL_LABELS else 1.5))
        if len(corners) == 1:
            painter.drawEllipse(corners[0], 2.5, 2.5)
        else:
            painter.drawPolyline(QPolygonF(corners))

    def _legend_width(self, painter: QPainter, names: list[str]) -> float:
        if not names:
            return 0.0
        metrics = painter.fontMetrics()
        return 24.0 + max(metrics.horizontalAdvance(f"{name}  0.00") for name in names)

    def _legend(self, painter: QPainter, area: QRectF, names: list[str]) -> None:
        metrics = painter.fontMetrics()
        x = area.right() + 8
        text = self.palette().text().color()
        for index, name in enumerate(names):
            y = area.top() + index * _LEGEND_ROW
            if y + _LEGEND_ROW > self.height():
                break
            color = self._color(name, index)
            painter.fillRect(QRectF(x, y + 4, 10, 10), color)
            painter.setPen(text)
            figure = self._series[name][-1][1]
            painter.drawText(QPointF(x + 14, y + 4 + metrics.ascent()), f"{name}  {figure:.2f}")
