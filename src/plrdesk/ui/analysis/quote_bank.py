"""The quote bank (placeholder until it lands)."""

from __future__ import annotations

import uuid

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from plrdesk.ui.context import StudyContext


class QuoteBankView(QWidget):
    def __init__(self, ctx: StudyContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        QVBoxLayout(self).addWidget(QLabel("The quote bank is coming."))

    def show_theme(self, theme_id: uuid.UUID) -> None:
        """List the passages coded with this theme (and its sub-themes)."""
