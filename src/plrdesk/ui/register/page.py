"""The participant register (placeholder until the register lands)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from plrdesk.ui.context import StudyContext


class RegisterPage(QWidget):
    def __init__(self, ctx: StudyContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("The participant register is coming."))

    def select(self, ref: str) -> None:
        """Select the participant with this ref."""
