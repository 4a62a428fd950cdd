"""A practitioner interview: the session line and clock, then the guide's questions beside
the notes under each (see guide_notes for the keys). Tab from the clock's buttons goes to
the notes too, so Tab never leaves the session."""

from __future__ import annotations

import uuid

from PySide6.QtWidgets import QVBoxLayout, QWidget

from plrdesk.ui.sessions.document import SessionDocument
from plrdesk.ui.sessions.guide_notes import GuideNotes
from plrdesk.ui.sessions.header import SessionHeader


class InterviewView(QWidget):
    def __init__(self, doc: SessionDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.doc = doc
        self.setAccessibleName(f"Interview {doc.ref}")
        self.header = SessionHeader(doc)
        self.notes = GuideNotes(doc)
        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addWidget(self.notes, 1)

    def focus_entry(self, entry_id: uuid.UUID) -> bool:
        return self.notes.focus_entry(entry_id)

    def focus_start(self) -> None:
        self.notes.question_list.setFocus()

    def focusNextPrevChild(self, forward: bool) -> bool:
        """Tab outside the notes (the clock's buttons): into the notes, not out of the view."""
        if not self.isVisible():  # hidden with the focus inside: Qt's chain finds a new one
            return super().focusNextPrevChild(forward)
        self.notes.enter_notes()
        return True
