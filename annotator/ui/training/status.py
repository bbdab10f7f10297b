"""The status bar's training indicator: hidden until a run starts; a click shows the
dialog."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QLabel, QWidget

from annotator.core.training_progress import TrainingResult, TrainingStep


class TrainingStatus(QLabel):
    clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("training_status")
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip("Training runs in a process of its own; click to follow it")
        self.hide()

    @Slot(str)
    def begin(self, dataset: str) -> None:
        self.setText("Training: starting…")
        self.show()

    @Slot(object)
    def show_step(self, step: TrainingStep) -> None:
        figure = f", F1 {step.f1:.2f}" if step.f1 is not None else ""
        self.setText(f"Training: step {step.step}{figure}")

    @Slot()
    def show_stopping(self) -> None:
        self.setText("Training: stopping…")

    @Slot(object)
    def show_result(self, result: TrainingResult) -> None:
        suggests = "suggests" if result.promoted else "kept aside"
        self.setText(f"Trained version {result.version} (F1 {result.f1:.2f}, {suggests})")

    @Slot(str)
    def show_ended(self, _message: str) -> None:
        self.setText("Training: nothing trained")

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit()
        super().mousePressEvent(event)
