"""The line above every capture view: which session, with whom (by ref and descriptor,
never by name), when, and the session clock."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from plrdesk.ui.sessions.clock import SessionClock
from plrdesk.ui.sessions.document import SessionDocument

KIND_NAMES = {
    "practitioner-interview": "Practitioner interview",
    "phone-interview": "Phone interview",
    "focus-group": "Focus group",
    "other": "Session",
}


def kind_name(kind: str) -> str:
    return KIND_NAMES.get(kind, kind)


class SessionHeader(QWidget):
    def __init__(self, doc: SessionDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        detail = doc.detail
        people = ", ".join(
            f"{m.ref} ({m.descriptor})" if len(doc.members) < 4 else m.ref for m in doc.members
        )
        when = (
            detail.started_at.astimezone().strftime("%a %d %b %Y, %H:%M")
            if detail.started_at
            else "not started"
        )
        self.title = QLabel(
            f"<b>{html.escape(detail.ref)} · {html.escape(kind_name(detail.kind))}</b>"
            f" — {html.escape(people)} — {html.escape(when)}"
        )
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.title.setAccessibleName("Session")
        self.title.setWordWrap(True)
        self.clock = SessionClock(doc)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 4)
        layout.addWidget(self.title, 1)
        layout.addWidget(self.clock)
