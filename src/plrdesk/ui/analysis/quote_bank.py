"""The quote bank: the passages coded with one theme (and its sub-themes), in document order.

Each row shows the passage in bold inside the sentences around it, who said it (a
descriptor, never a name), the session and the question. The researcher ticks the passages
usable as quotes (undoable); passages from withdrawn participants and safeguarding entries
are greyed with the reason and never counted. Enter or a double click opens the entry in
its session.

Rows come from services.quote_bank on the database worker; the filters narrow the loaded
rows with the same service function, so the count under the list is always of what is shown.
A tick is on screen at once; the view is its save's initiator and skips that change
notice, and a refused or failed save takes the tick back (ui/undo.py).
"""

from __future__ import annotations

import html
import uuid
from typing import Any

import shiboken6
from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from plrdesk.services.changes import Changes, Table
from plrdesk.services.quote_bank import (
    QuoteFilters,
    QuoteRow,
    ThemeQuotes,
    count_rows,
    filter_rows,
    set_exemplar,
)
from plrdesk.services.quote_coders import CodedQuotes, load_quotes_with_coders
from plrdesk.ui.analysis.quote_filters import coder_choices, filter_choices, keep_coder, refill
from plrdesk.ui.analysis.quote_model import (
    CODER,
    PASSAGE,
    QuoteTableModel,
    RowRole,
    can_toggle,
    passage_html,
    question_text,
    session_text,
    set_up_passage_table,
)
from plrdesk.ui.context import StudyContext
from plrdesk.ui.operations import Operation, read, write
from plrdesk.ui.undo import Command

# Tables whose changes can alter what the quote bank shows.
WATCHED = (
    Table.CODING,
    Table.ENTRY,
    Table.THEME,
    Table.PARTICIPANT,
    Table.CONSENT,
    Table.GUARDIANSHIP,
    Table.SESSION,
)
RELOAD_DELAY_MS = 200  # several saves in a row cost one reload


def concerns(changes: Changes, entries: set[uuid.UUID]) -> bool:
    """Whether a change can alter passages or counts shown for these entries. Edits to a
    note matter only for notes listed (a new note has no codings yet; coding it names
    the coding)."""
    if not changes.touches(*WATCHED):
        return False
    if changes.tables() == {Table.ENTRY} and not changes.removed_ids(Table.ENTRY):
        return bool(entries & set(changes.updated_ids(Table.ENTRY)))
    return True


class ExemplarCommand(Command):
    """Mark (or clear) a passage as usable as a quote: on screen at once, then saved; a
    refused or failed save takes it back off the screen and the stack."""

    def __init__(
        self, ctx: StudyContext, view: QuoteBankView, coding_id: uuid.UUID, exemplar: bool
    ) -> None:
        text = "mark a usable quote" if exemplar else "clear a usable quote"
        super().__init__(ctx, text, initiator=view)
        self._view = view
        self.coding_id = coding_id
        self.exemplar = exemplar

    def _mark(self, forward: bool) -> bool:
        return self.exemplar if forward else not self.exemplar

    def show(self, forward: bool, first: bool) -> None:
        if shiboken6.isValid(self._view):
            self._view.show_exemplar(self.coding_id, self._mark(forward))

    def operation(self, forward: bool, first: bool) -> Operation[Any]:
        return write(set_exemplar, self.coding_id, self._mark(forward), forms=self.ctx.forms)

    def saved(self, forward: bool, result: Any) -> None:
        if not forward:
            self.ctx.status("Put the quote mark back as it was.")
        elif self.exemplar:
            self.ctx.status("Marked as usable as a quote.")
        else:
            self.ctx.status("No longer marked as a quote.")


class QuoteBankView(QWidget):
    sig_rows_loaded = Signal()
    """The list shows freshly loaded rows (no arguments)."""

    def __init__(self, ctx: StudyContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._theme: uuid.UUID | None = None
        self._all: list[QuoteRow] = []
        self._coders: dict[uuid.UUID, str] = {}  # coding id -> who coded it
        self._entries: set[uuid.UUID] = set()
        self._loads = 0  # the newest load's number; older results are dropped
        # Ticks shown since the newest load was queued: it ran before their saves, and
        # their change notices are skipped as our own, so they are laid over its rows.
        self._ticked: dict[uuid.UUID, bool] = {}
        self._stale = False  # something changed while hidden: reload when shown
        self._filling = False  # refilling the filter combos: their signals mean nothing

        self.title = QLabel("Choose a theme to see the passages coded with it.")
        self.title.setObjectName("quoteBankTitle")
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.title.setWordWrap(True)

        self.kind_filter = self._combo("Participant kind")
        self.session_filter = self._combo("Session kind")
        self.question_filter = self._combo("Question")
        self.attribute_filter = self._combo("Attribute")
        self.coder_filter = self._combo("Coder")
        self.question_filter.setMinimumContentsLength(24)
        self.question_filter.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )

        self.model = QuoteTableModel(self)
        self.model.sig_exemplar_toggled.connect(self._toggled)
        self.table = QTableView()
        self.table.setObjectName("quoteBankTable")
        self.table.setAccessibleName("Coded passages")
        self.table.setAccessibleDescription(
            "Space ticks a passage as usable as a quote; Enter opens it in its session."
        )
        set_up_passage_table(self.table, self.model)
        self.table.setColumnHidden(CODER, False)
        self.table.activated.connect(self._open)
        self.table.selectionModel().currentRowChanged.connect(self._show_detail)

        self.toggle_action = QAction("Mark as usable &quote", self)
        self.toggle_action.setShortcut(QKeySequence(Qt.Key.Key_Space))
        self.toggle_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.toggle_action.triggered.connect(self.toggle_current)
        self.table.addAction(self.toggle_action)

        self.detail = QTextBrowser()
        self.detail.setObjectName("quoteBankDetail")
        self.detail.setAccessibleName("The chosen passage in full")
        self.detail.setOpenLinks(False)
        self.detail.setMinimumHeight(self.fontMetrics().lineSpacing() * 4)

        self.count = QLabel()
        self.count.setObjectName("quoteBankCount")
        self.count.setAccessibleName("Passage count")

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(RELOAD_DELAY_MS)
        self._debounce.timeout.connect(self.reload)

        bar = QHBoxLayout()
        for label, combo in (
            # Mnemonics clear of the menus, the study tabs and the theme panel beside it.
            ("&Who:", self.kind_filter),
            ("Session &kind:", self.session_filter),
            ("Q&uestion:", self.question_filter),
            ("Attri&bute:", self.attribute_filter),
            ("Coded b&y:", self.coder_filter),
        ):
            buddy = QLabel(label)
            buddy.setBuddy(combo)
            bar.addWidget(buddy)
            bar.addWidget(combo, 2 if combo is self.question_filter else 1)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 4)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addLayout(bar)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.count)
        self.setFocusProxy(self.table)
        ctx.runner.sig_changes.connect(self._changed)
        self._fill_filters()

    def _combo(self, name: str) -> QComboBox:
        combo = QComboBox()
        combo.setAccessibleName(f"Filter by {name.lower()}")
        combo.currentIndexChanged.connect(self._filters_changed)
        return combo

    # -- what is shown -------------------------------------------------------------------------

    @property
    def theme_id(self) -> uuid.UUID | None:
        return self._theme

    def show_theme(self, theme_id: uuid.UUID) -> None:
        """List the passages coded with this theme (and its sub-themes)."""
        if theme_id != self._theme:
            self._theme = theme_id
            self._all = []
            self.model.set_rows([])
        self.reload()

    def reload(self) -> None:
        self._debounce.stop()
        self._stale = False
        if self._theme is None:
            return
        self._loads += 1
        self._ticked = {}
        ticket = self._loads
        self._ctx.runner.run(
            read(load_quotes_with_coders, self._ctx.forms, self._theme),
            lambda loaded: self._loaded(ticket, loaded),
            self._load_failed,
        )

    def _loaded(self, ticket: int, coded: CodedQuotes) -> None:
        loaded: ThemeQuotes = coded.quotes
        if ticket != self._loads or loaded.theme_id != self._theme:
            return  # a newer load is on its way
        if loaded.name is None:
            self.title.setText("That theme no longer exists.")
        else:
            sub = " <span>and its sub-themes</span>" if loaded.has_sub_themes else ""
            self.title.setText(f"<b>{html.escape(loaded.name)}</b>{sub}")
        ticked = self._ticked
        self._all = [
            row.with_exemplar(ticked[row.coding_id]) if row.coding_id in ticked else row
            for row in loaded.rows
        ]
        self._entries = {row.entry_id for row in loaded.rows}
        self._coders = coded.coders
        self._fill_filters()
        self._apply_filters()
        self.sig_rows_loaded.emit()

    def _load_failed(self, exc: Exception) -> None:
        self._ctx.status(f"Could not load the quote bank: {exc}")

    def filters(self) -> QuoteFilters:
        return QuoteFilters(
            participant_kind=self.kind_filter.currentData(),
            session_kind=self.session_filter.currentData(),
            question=self.question_filter.currentData(),
            attribute=self.attribute_filter.currentData(),
        )

    def _apply_filters(self) -> None:
        keep = self.current_row()
        shown = keep_coder(
            filter_rows(self._all, self.filters()), self._coders, self.coder_filter.currentData()
        )
        self.model.set_rows(shown, self._coders)
        count = str(count_rows(shown))
        if len(shown) != len(self._all):
            count += f" · {len(self._all)} before filtering"
        self.count.setText(count)
        n = self.model.row_of(keep.coding_id) if keep is not None else -1
        if n >= 0:
            self.table.setCurrentIndex(self.model.index(n, PASSAGE))
        else:
            self._show_detail(self.table.currentIndex())

    def _filters_changed(self) -> None:
        if not self._filling:
            self._apply_filters()

    # -- filters -------------------------------------------------------------------------------

    def _fill_filters(self) -> None:
        offered = filter_choices(self._all)
        self._filling = True
        try:
            refill(self.kind_filter, "Anyone", offered.kinds)
            refill(self.session_filter, "Any session", offered.sessions)
            refill(self.question_filter, "Any question", offered.questions)
            refill(self.attribute_filter, "Any attribute", offered.attributes)
            refill(self.coder_filter, "Any coder", coder_choices(self._coders.values()))
        finally:
            self._filling = False

    # -- rows ----------------------------------------------------------------------------------

    def current_row(self) -> QuoteRow | None:
        row = self.table.currentIndex().data(RowRole)
        return row if isinstance(row, QuoteRow) else None

    def _show_detail(self, index: QModelIndex) -> None:
        row = index.data(RowRole) if index.isValid() else None
        if not isinstance(row, QuoteRow):
            self.detail.setHtml("<p>Choose a passage to read it in full.</p>" if self._all else "")
            return
        facts = [
            ("Who", row.who),
            ("Session", session_text(row)),
            ("Question", question_text(row)),
            ("Theme", row.theme_name),
            ("Memo", row.passage.memo or ""),
            ("Status", row.status),
        ]
        listed = " &nbsp;·&nbsp; ".join(
            f"<span style='color:#555'>{name}:</span> {html.escape(value)}"
            for name, value in facts
            if value
        )
        grey = " style='color:#767676'" if row.excluded is not None else ""
        self.detail.setHtml(f"<p{grey}>{passage_html(row, full=True)}</p><p>{listed}</p>")

    def _open(self, index: QModelIndex) -> None:
        row = index.data(RowRole)
        if isinstance(row, QuoteRow):
            self._ctx.navigator.sig_show_entry.emit(row.entry_id)

    # -- the exemplar mark ---------------------------------------------------------------------

    def toggle_current(self) -> None:
        row = self.current_row()
        if row is None:
            return
        if not can_toggle(row):
            self._ctx.status(f"The report cannot quote this passage: {row.not_quotable}.")
            return
        self._toggled(row.coding_id, not row.exemplar)

    def _toggled(self, coding_id: uuid.UUID, exemplar: bool) -> None:
        self._ctx.undo.push(ExemplarCommand(self._ctx, self, coding_id, exemplar))

    def show_exemplar(self, coding_id: uuid.UUID, exemplar: bool) -> None:
        """Show the mark as changed (the undo command's `show`, before its save runs)."""
        self._ticked[coding_id] = exemplar
        self.model.set_exemplar(coding_id, exemplar)
        self._all = [
            row.with_exemplar(exemplar) if row.coding_id == coding_id else row for row in self._all
        ]
        if self.current_row() is not None:
            self._show_detail(self.table.currentIndex())

    # -- following changes ---------------------------------------------------------------------

    def _changed(self, changes: Changes, initiator: object) -> None:
        if initiator is self:
            return  # a tick of ours: on screen already
        if self._theme is None or not concerns(changes, self._entries):
            return
        if self.isVisible():
            self._debounce.start()
        else:
            self._stale = True

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.reload()
