"""Sessions (placeholder until session capture lands)."""

from __future__ import annotations

import uuid

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from plrdesk.ui.context import StudyContext


class SessionsPage(QWidget):
    def __init__(self, ctx: StudyContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Session capture is coming."))

    def show_entry(self, entry_id: uuid.UUID) -> None:
        """Open the session holding this entry and put the cursor on it."""

    def show_session(self, ref: str) -> None:
        """Open the session with this ref."""
