"""Full-text search across the study; Enter on a result jumps to the entry.

The results are searched again only when notes were removed (deleted, or erased with a
participant's withdrawal): their words must not stay on screen. Typing and coding leave
the results as they are until the next search."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    Qt,
    QTimer,
)
from PySide6.QtWidgets import QLabel, QLineEdit, QListView, QVBoxLayout, QWidget

from plrdesk.services.changes import Changes, Table
from plrdesk.services.search import SearchHit, search_study
from plrdesk.ui.context import StudyContext
from plrdesk.ui.operations import read
from plrdesk.ui.table_models import Index

HitRole = Qt.ItemDataRole.UserRole + 1


class SearchResultsModel(QAbstractListModel):
    """Hits of the last search; HitRole returns the SearchHit."""

    def __init__(self) -> None:
        super().__init__()
        self._hits: list[SearchHit] = []

    def set_hits(self, hits: list[SearchHit]) -> None:
        self.beginResetModel()
        self._hits = hits
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._hits)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._hits):
            return None
        hit = self._hits[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            where = " · ".join(
                part for part in (hit.session_ref, hit.question, hit.speaker_ref) if part
            )
            return f"{where}\n{hit.snippet}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return hit.snippet
        if role == HitRole:
            return hit
        return None


class SearchPage(QWidget):
    def __init__(self, ctx: StudyContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.box = QLineEdit()
        self.box.setPlaceholderText(
            "Search every note (all words must appear; end a word with * for a prefix)"
        )
        self.box.setAccessibleName("Search the study")
        self.box.setClearButtonEnabled(True)
        self.model = SearchResultsModel()
        self.results = QListView()
        self.results.setModel(self.model)
        self.results.setAccessibleName("Search results")
        self.results.setWordWrap(True)
        self.results.setUniformItemSizes(False)
        self.results.activated.connect(self._open)
        self.count = QLabel()
        # Search as the user pauses typing, not on every key.
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(250)
        self._debounce.timeout.connect(self.search_now)
        self.box.textChanged.connect(self._debounce.start)
        self.box.returnPressed.connect(self._first_result)
        layout = QVBoxLayout(self)
        layout.addWidget(self.box)
        layout.addWidget(self.count)
        layout.addWidget(self.results, 1)
        ctx.runner.sig_changes.connect(self._changed)

    def focus_box(self) -> None:
        self.box.setFocus()
        self.box.selectAll()

    def search_now(self) -> None:
        self._ctx.runner.run(read(search_study, self.box.text()), self._show, initiator=self)

    def _changed(self, changes: Changes, initiator: object) -> None:
        if changes.removed_ids(Table.ENTRY) and self.model.rowCount() > 0:
            self.search_now()

    def _show(self, hits: list[SearchHit]) -> None:
        self.model.set_hits(hits)
        self.count.setText("" if not self.box.text().strip() else f"{len(hits)} note(s) found")

    def _first_result(self) -> None:
        self._debounce.stop()
        self.search_now()
        self.results.setFocus()

    def _open(self, index: QModelIndex) -> None:
        hit = index.data(HitRole)
        if isinstance(hit, SearchHit):
            self._ctx.navigator.sig_show_entry.emit(hit.entry_id)
