"""The study's sessions as a table model: kind, ref, date, number of participants.
SessionRole returns the SessionSummary of a row."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, Qt

from plrdesk.services.sessions import SessionSummary
from plrdesk.ui.table_models import HeaderedTableModel, Index

SessionRole = Qt.ItemDataRole.UserRole + 1

SHORT_KINDS = {
    "practitioner-interview": "Interview",
    "phone-interview": "Phone",
    "focus-group": "Focus group",
    "other": "Other",
}


class SessionListModel(HeaderedTableModel):
    KIND, REF, DATE, PEOPLE = range(4)
    HEADERS = ("Kind", "Session", "Date", "People")

    def __init__(self) -> None:
        super().__init__()
        self._sessions: list[SessionSummary] = []

    def set_sessions(self, sessions: list[SessionSummary]) -> None:
        self.beginResetModel()
        self._sessions = list(sessions)
        self.endResetModel()

    def sessions(self) -> list[SessionSummary]:
        return list(self._sessions)

    def row_of(self, ref: str) -> int:
        return next((row for row, s in enumerate(self._sessions) if s.ref == ref), -1)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._sessions)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._sessions):
            return None
        session = self._sessions[index.row()]
        column = index.column()
        if role == SessionRole:
            return session
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            if column == self.KIND:
                return SHORT_KINDS.get(session.kind, session.kind)
            if column == self.REF:
                return session.ref
            if column == self.DATE:
                if session.started_at is None:
                    return "not started"
                return session.started_at.astimezone().strftime("%d %b %Y")
            if column == self.PEOPLE:
                return session.participants
        if role == Qt.ItemDataRole.ToolTipRole:
            when = session.started_at.astimezone().strftime("%H:%M, ") if session.started_at else ""
            return f"{when}{session.entries} note(s)"
        if role == Qt.ItemDataRole.TextAlignmentRole and column == self.PEOPLE:
            return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        return None
