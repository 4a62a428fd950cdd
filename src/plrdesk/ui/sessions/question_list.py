"""The guide's questions as a list model: numbered text, probes as tooltip, the item itself
under ItemRole and its id under QuestionIdRole. The interview and phone views show it
beside the notes; the focus group uses it to choose where lines are filed."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, Qt

from plrdesk.forms.schema import Item
from plrdesk.ui.table_models import Index

ItemRole = Qt.ItemDataRole.UserRole + 1
QuestionIdRole = Qt.ItemDataRole.UserRole + 2

OTHER = "Other notes"


def probes_text(item: Item | None) -> str:
    if item is None or not item.probes:
        return ""
    return "Probes:\n" + "\n".join(f"• {probe}" for probe in item.probes)


class QuestionListModel(QAbstractListModel):
    """Questions of a guide, in order; optionally a last row for notes under no question."""

    def __init__(self, questions: list[Item], *, with_other: bool = False) -> None:
        super().__init__()
        self._questions = questions
        self._with_other = with_other

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        if parent.isValid():
            return 0
        return len(self._questions) + (1 if self._with_other else 0)

    def item(self, row: int) -> Item | None:
        return self._questions[row] if 0 <= row < len(self._questions) else None

    def question_id(self, row: int) -> str | None:
        item = self.item(row)
        return item.id if item is not None else None

    def row_of(self, question_id: str | None) -> int:
        for row, item in enumerate(self._questions):
            if item.id == question_id:
                return row
        return len(self._questions) if self._with_other and question_id is None else -1

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < self.rowCount():
            return None
        item = self.item(index.row())
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            if item is None:
                return OTHER
            return f"{index.row() + 1}. {' '.join(item.text.split())}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return probes_text(item) or None
        if role == ItemRole:
            return item
        if role == QuestionIdRole:
            return item.id if item is not None else None
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemNeverHasChildren
        )
