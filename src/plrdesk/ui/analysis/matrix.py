"""The theme × group matrix: who raised what, counted as the report counts it.

The grouping chooser offers participant kind, each attribute present in the study (sector,
year group, ...) and each participant by ref (never a name). Choosing a cell lists the
passages behind it underneath; Enter on a passage opens it in its session.

The passages are read with `services.corpus.load_corpus`, the loader the export uses, and
counted with `domain.passages.matrix`, so the numbers are the report's numbers.
"""

from __future__ import annotations

import uuid

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from plrdesk.services.changes import Changes
from plrdesk.services.corpus import Corpus, load_corpus
from plrdesk.services.quote_bank import count_rows, quote_rows
from plrdesk.ui.analysis.matrix_model import (
    GroupingChoice,
    GroupRole,
    MatrixModel,
    ThemeRole,
    groupings_for,
)
from plrdesk.ui.analysis.quote_bank import concerns
from plrdesk.ui.analysis.quote_model import (
    EXEMPLAR,
    PASSAGE,
    QuoteTableModel,
    RowRole,
    set_up_passage_table,
)
from plrdesk.ui.context import StudyContext
from plrdesk.ui.operations import read

RELOAD_DELAY_MS = 200

NOTE = (
    "Each number is how many different participants raised the theme or one of its"
    " sub-themes. Withdrawn participants, notes flagged for safeguarding and group lines"
    " count no one. The report gives the same figures."
)


class MatrixView(QWidget):
    sig_matrix_loaded = Signal()
    """The matrix shows freshly loaded counts (no arguments)."""

    def __init__(self, ctx: StudyContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._loads = 0
        self._stale = True  # nothing loaded yet: load when first shown
        self._entries: set[uuid.UUID] = set()
        self._filling = False

        self.grouping = QComboBox()
        self.grouping.setObjectName("matrixGrouping")
        self.grouping.setAccessibleName("Group participants by")
        self.grouping.currentIndexChanged.connect(self._grouping_chosen)
        grouping_label = QLabel("Group participants &by:")  # Alt+G is the theme panel's
        grouping_label.setBuddy(self.grouping)
        self.note = QLabel(NOTE)
        self.note.setWordWrap(True)
        self.note.setObjectName("matrixNote")

        self.model = MatrixModel(self)
        self.table = QTableView()
        self.table.setObjectName("matrixTable")
        self.table.setAccessibleName("Themes by participant group")
        self.table.setAccessibleDescription("Enter on a cell lists the passages behind it.")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setMinimumSectionSize(56)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.activated.connect(self._cell_entered)
        self.table.selectionModel().currentChanged.connect(self._cell_chosen)

        self.cell_title = QLabel("Choose a cell to see the passages behind it.")
        self.cell_title.setObjectName("matrixCellTitle")
        self.cell_title.setWordWrap(True)
        self.passages = QuoteTableModel(self)
        self.passage_table = QTableView()
        self.passage_table.setObjectName("matrixPassages")
        self.passage_table.setAccessibleName("Passages behind the chosen cell")
        set_up_passage_table(self.passage_table, self.passages)
        self.passage_table.setColumnHidden(EXEMPLAR, True)
        self.passage_table.activated.connect(self._open)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(RELOAD_DELAY_MS)
        self._debounce.timeout.connect(self.reload)

        bar = QHBoxLayout()
        bar.addWidget(grouping_label)
        bar.addWidget(self.grouping)
        bar.addStretch(1)
        below = QWidget()
        below_layout = QVBoxLayout(below)
        below_layout.setContentsMargins(0, 0, 0, 0)
        below_layout.addWidget(self.cell_title)
        below_layout.addWidget(self.passage_table, 1)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(below)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.note)
        layout.addWidget(splitter, 1)
        self.setFocusProxy(self.table)
        ctx.runner.sig_changes.connect(self._changed)

    # -- loading -------------------------------------------------------------------------------

    def reload(self) -> None:
        self._debounce.stop()
        self._stale = False
        self._loads += 1
        ticket = self._loads
        self._ctx.runner.run(
            read(load_corpus, self._ctx.forms),
            lambda corpus: self._loaded(ticket, corpus),
            self._load_failed,
        )

    def _loaded(self, ticket: int, corpus: Corpus) -> None:
        if ticket != self._loads:
            return
        current = self.table.currentIndex()
        theme, key = current.data(ThemeRole), current.data(GroupRole)
        self._entries = {p.entry_id for p in corpus.passages}
        self.model.set_corpus(corpus, self._choice_like(corpus))
        self._fill_groupings()
        self._reselect(theme, key)
        self.sig_matrix_loaded.emit()

    def _load_failed(self, exc: Exception) -> None:
        self._ctx.status(f"Could not count the themes: {exc}")

    def _choice_like(self, corpus: Corpus) -> GroupingChoice:
        """The grouping chosen before, rebuilt for the new passages (or Kind if gone)."""
        wanted = self.model.choice.key
        choices = groupings_for(corpus.passages)
        return next((c for c in choices if c.key == wanted), choices[0])

    def _fill_groupings(self) -> None:
        self._filling = True
        try:
            self.grouping.clear()
            for choice in self.model.groupings():
                self.grouping.addItem(choice.label, choice.key)
            found = self.grouping.findData(self.model.choice.key)
            self.grouping.setCurrentIndex(max(found, 0))
        finally:
            self._filling = False

    def choose_grouping(self, key: str) -> bool:
        """Group by "kind", "attribute:<name>" or "person"; False if not offered."""
        found = self.grouping.findData(key)
        if found < 0:
            return False
        self.grouping.setCurrentIndex(found)
        return True

    def _grouping_chosen(self) -> None:
        if self._filling:
            return
        key = self.grouping.currentData()
        choice = next((c for c in self.model.groupings() if c.key == key), None)
        if choice is None or choice.key == self.model.choice.key:
            return
        theme = self.table.currentIndex().data(ThemeRole)
        self.model.set_grouping(choice)
        self._reselect(theme, None)

    def _reselect(self, theme: object, key: object) -> None:
        row = self.model.row_of(theme) if isinstance(theme, uuid.UUID) else -1
        column = self.model.column_of(key) if isinstance(key, str) else 0
        if row >= 0 and column >= 0:
            self.table.setCurrentIndex(self.model.index(row, column))
        else:
            self.passages.set_rows([])
            self.cell_title.setText("Choose a cell to see the passages behind it.")

    # -- cells ---------------------------------------------------------------------------------

    def _cell_chosen(self, index: QModelIndex) -> None:
        behind = self.model.passages_behind(index)
        rows = quote_rows(behind, self.model.tree, self._ctx.forms)
        self.passages.set_rows(rows)
        if not index.isValid():
            self.cell_title.setText("Choose a cell to see the passages behind it.")
            return
        count = count_rows(rows)
        self.cell_title.setText(
            f"{self.model.describe(index)}: {count.passages} "
            f"{'passage' if count.passages == 1 else 'passages'} from {count.participants} "
            f"{'participant' if count.participants == 1 else 'participants'}"
        )

    def _cell_entered(self, index: QModelIndex) -> None:
        self._cell_chosen(index)
        if self.passages.rowCount():
            self.passage_table.setFocus()
            self.passage_table.setCurrentIndex(self.passages.index(0, PASSAGE))

    def _open(self, index: QModelIndex) -> None:
        row = index.data(RowRole)
        if row is not None:
            self._ctx.navigator.sig_show_entry.emit(row.entry_id)

    # -- following changes ---------------------------------------------------------------------

    def _changed(self, changes: Changes, initiator: object) -> None:
        # Never an initiator itself. A note's words saved matter only for a note whose
        # passages it lists (typing that moved a coding names the coding too).
        if not concerns(changes, self._entries):
            return
        if self.isVisible():
            self._debounce.start()
        else:
            self._stale = True

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.reload()
