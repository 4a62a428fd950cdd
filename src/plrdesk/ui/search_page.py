"""Full-text search across the study; Enter on a result opens the note, the words found
highlighted in it.

Each result says where it was said in words, never by internal id: the question as the
session's guide asked it, the session and its kind, who spoke, then the words around the
hit. Enter in the box searches at once and hands the keys to the results (the best match
current); the arrows choose one and Enter lands on it (through the navigator, so the
sessions page does the landing and the highlighting: `ui.search_highlight`).

The results are searched again only when notes were removed (deleted, or erased with a
participant's withdrawal): their words must not stay on screen. Typing and coding leave
the results as they are until the next search."""

from __future__ import annotations

from functools import partial
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QItemSelectionModel,
    QModelIndex,
    Qt,
    QTimer,
)
from PySide6.QtWidgets import QLabel, QLineEdit, QListView, QVBoxLayout, QWidget

from plrdesk.services.changes import Changes, Table
from plrdesk.services.search import SearchHit, search_study
from plrdesk.ui.context import FoundWords, StudyContext
from plrdesk.ui.operations import read
from plrdesk.ui.table_models import Index

HitRole = Qt.ItemDataRole.UserRole + 1
NO_QUESTION = "Other notes"  # what the session view calls notes under no question
UNWORDED = "A question the session's guide no longer has"


def where_said(hit: SearchHit) -> str:
    """The question in the guide's words, then the session and who spoke: two lines. The
    question's id is never shown, even when its guide is unknown."""
    if hit.question_text:
        question = f"“{hit.question_text}”"
    else:
        question = NO_QUESTION if hit.question is None else UNWORDED
    return f"{question}\n{hit.session_words} · {hit.speaker}"


def result_text(hit: SearchHit) -> str:
    return f"{where_said(hit)}\n{hit.snippet}"


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
            return result_text(hit)
        if role == Qt.ItemDataRole.ToolTipRole:
            return hit.snippet
        if role == HitRole:
            return hit
        return None


class SearchPage(QWidget):
    def __init__(self, ctx: StudyContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.query = ""
        """What the results shown were searched for (the box may hold more by now)."""
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
        # Three lines each: a gap and alternating shades keep one result from running
        # into the next.
        self.results.setSpacing(3)
        self.results.setAlternatingRowColors(True)
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
        query = self.box.text()
        self._ctx.runner.run(
            read(search_study, query, forms=self._ctx.forms),
            partial(self._show, query),
            initiator=self,
        )

    def _changed(self, changes: Changes, initiator: object) -> None:
        if changes.removed_ids(Table.ENTRY) and self.model.rowCount() > 0:
            self.search_now()

    def _show(self, query: str, hits: list[SearchHit]) -> None:
        self.query = query
        self.model.set_hits(hits)
        self.count.setText("" if not query.strip() else f"{len(hits)} note(s) found")
        if hits and self.results.hasFocus():
            self._make_current(0)  # Enter in the box, then Enter here: the best match

    def _make_current(self, row: int) -> None:
        self.results.selectionModel().setCurrentIndex(
            self.model.index(row, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect
        )

    def _first_result(self) -> None:
        self._debounce.stop()
        self.search_now()
        self.results.setFocus(Qt.FocusReason.OtherFocusReason)
        if self.model.rowCount() > 0:
            self._make_current(0)

    def _open(self, index: QModelIndex) -> None:
        hit = index.data(HitRole)
        if isinstance(hit, SearchHit):
            self._ctx.navigator.show_found(FoundWords(hit.entry_id, hit.spans, self.query))
