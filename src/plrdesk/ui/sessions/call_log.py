"""A phone interview's call log: each attempt's time, outcome, length and note, editable
in place (the outcome with a list, the minutes with a number box, the note as text).

"Declined" is not among the outcomes offered here: a parent declining ends the session
with the reason (the call screen's "They declined…", services.calls `decline_call`), and
a declined attempt, like the session it ended, is a record: its row is not edited.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    Qt,
)
from PySide6.QtWidgets import QComboBox, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from plrdesk.domain.kinds import CallOutcome
from plrdesk.ui.sessions.document import SessionDocument
from plrdesk.ui.table_models import HeaderedTableModel, Index

OUTCOMES = {
    CallOutcome.NO_ANSWER.value: "No answer",
    CallOutcome.VOICEMAIL.value: "Voicemail",
    CallOutcome.CALL_BACK.value: "Call back",
    CallOutcome.WRONG_NUMBER.value: "Wrong number",
    CallOutcome.REACHED.value: "Answered",
    CallOutcome.DECLINED.value: "Declined",
}
"""Every outcome as the log shows it (first letters unique: typing one picks it)."""
LOGGED = {value: label for value, label in OUTCOMES.items() if value != CallOutcome.DECLINED}
"""The outcomes an attempt is logged or corrected with."""

AttemptRole = Qt.ItemDataRole.UserRole + 1


class CallLogModel(HeaderedTableModel):
    WHEN, OUTCOME, MINUTES, NOTE = range(4)
    HEADERS = ("When", "Outcome", "Minutes", "Note")

    def __init__(self, doc: SessionDocument) -> None:
        super().__init__()
        self._doc = doc
        doc.sig_calls_changed.connect(self._reset)

    def _reset(self) -> None:
        self.beginResetModel()
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._doc.calls)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._doc.calls):
            return None
        call = self._doc.calls[index.row()]
        column = index.column()
        if role == AttemptRole:
            return call
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            if column == self.WHEN:
                return call.at.astimezone().strftime("%a %d %b %Y %H:%M")
            if column == self.OUTCOME:
                return OUTCOMES.get(call.outcome, call.outcome)
            if column == self.MINUTES:
                return "" if call.minutes is None else str(call.minutes)
            if column == self.NOTE:
                return call.note or ""
        if role == Qt.ItemDataRole.EditRole:
            if column == self.OUTCOME:
                return call.outcome
            if column == self.MINUTES:
                return call.minutes or 0
            if column == self.NOTE:
                return call.note or ""
        if role == Qt.ItemDataRole.ToolTipRole and column == self.NOTE and call.note:
            return call.note
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not (self.flags(index) & _EDITABLE):
            return False
        call = self._doc.calls[index.row()]
        if index.column() == self.OUTCOME and value in LOGGED:
            self._doc.set_call(call.id, outcome=str(value))
            return True
        if index.column() == self.MINUTES:
            try:
                minutes = int(value)
            except (TypeError, ValueError):
                return False
            if minutes < 0:
                return False
            self._doc.set_call(call.id, minutes=minutes)
            return True
        if index.column() == self.NOTE and isinstance(value, str):
            self._doc.set_call(call.id, note=value)
            return True
        return False

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid() or not 0 <= index.row() < len(self._doc.calls):
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        declined = self._doc.calls[index.row()].outcome == CallOutcome.DECLINED
        if not declined and index.column() in (self.OUTCOME, self.MINUTES, self.NOTE):
            flags |= _EDITABLE
        return flags | Qt.ItemFlag.ItemNeverHasChildren


_EDITABLE = Qt.ItemFlag.ItemIsEditable


class OutcomeDelegate(QStyledItemDelegate):
    """Edits an outcome with a list of the outcomes an attempt is logged with."""

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:
        combo = QComboBox(parent)
        combo.setAccessibleName("Outcome")
        for value, label in LOGGED.items():
            combo.addItem(label, value)
        return combo

    def setEditorData(self, editor: QWidget, index: Index) -> None:
        assert isinstance(editor, QComboBox)
        editor.setCurrentIndex(max(0, editor.findData(index.data(Qt.ItemDataRole.EditRole))))

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: Index) -> None:
        assert isinstance(editor, QComboBox)
        model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)
