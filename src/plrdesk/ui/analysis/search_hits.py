"""Search hits as a list model, each with a tick box: what bulk coding will code."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from plrdesk.services.search import SearchHit
from plrdesk.ui.search_page import where_said

__all__ = ["HitListModel", "HitRole"]

Index = QModelIndex | QPersistentModelIndex

HitRole = Qt.ItemDataRole.UserRole + 1
"""The SearchHit of a row."""


class HitListModel(QAbstractListModel):
    """Search hits, each with a tick box (all ticked when listed)."""

    sig_ticks_changed = Signal(int)
    """How many rows are ticked now."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._hits: list[SearchHit] = []
        self._ticked: list[bool] = []

    def set_hits(self, hits: Sequence[SearchHit]) -> None:
        self.beginResetModel()
        self._hits = list(hits)
        self._ticked = [True] * len(self._hits)
        self.endResetModel()
        self.sig_ticks_changed.emit(self.ticked_count())

    def hits(self) -> list[SearchHit]:
        return list(self._hits)

    def ticked(self) -> list[SearchHit]:
        return [hit for hit, on in zip(self._hits, self._ticked, strict=True) if on]

    def ticked_count(self) -> int:
        return sum(self._ticked)

    def tick_all(self, on: bool) -> None:
        if not self._hits:
            return
        self._ticked = [on] * len(self._hits)
        self.dataChanged.emit(
            self.index(0), self.index(len(self._hits) - 1), [Qt.ItemDataRole.CheckStateRole]
        )
        self.sig_ticks_changed.emit(self.ticked_count())

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._hits)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid() or not 0 <= index.row() < len(self._hits):
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemIsUserCheckable
        )

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._hits):
            return None
        hit = self._hits[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            where = where_said(hit)
            return f"{where}\n{hit.snippet}"
        if role == Qt.ItemDataRole.CheckStateRole:
            on = self._ticked[index.row()]
            return Qt.CheckState.Checked if on else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.ToolTipRole:
            return hit.snippet
        if role == HitRole:
            return hit
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if (
            role != Qt.ItemDataRole.CheckStateRole
            or not index.isValid()
            or not 0 <= index.row() < len(self._hits)
        ):
            return False
        self._ticked[index.row()] = Qt.CheckState(value) == Qt.CheckState.Checked
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.CheckStateRole])
        self.sig_ticks_changed.emit(self.ticked_count())
        return True
