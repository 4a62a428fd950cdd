"""The quote bank: the passages coded with one theme (and its sub-themes), in document order.

Each row shows the passage in bold inside the sentences around it, who said it (a
descriptor, never a name), the session and the question. The researcher ticks the passages
usable as quotes (undoable); passages from withdrawn participants and safeguarding entries
are greyed with the reason and never counted. Enter or a double click opens the entry in
its session.

Rows come from services.quote_bank on the database worker; the filters narrow the loaded
rows with the same service function, so the count under the list is always of what is shown.
"""

from __future__ import annotations

import html
import uuid
from collections import Counter
from dataclasses import dataclass
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
from sqlalchemy.orm import Session

from plrdesk.forms.catalog import FormCatalog
from plrdesk.services.changes import Changes
from plrdesk.services.quote_bank import (
    KIND_WORD,
    QuoteFilters,
    QuoteRow,
    attribute_label,
    attribute_text,
    count_rows,
    filter_rows,
    load_theme_corpus,
    quote_bank,
    set_exemplar,
)
from plrdesk.ui.analysis.quote_model import (
    PASSAGE,
    QuoteTableModel,
    RowRole,
    can_toggle,
    passage_html,
    question_text,
    session_kind_label,
    session_text,
    set_up_passage_table,
)
from plrdesk.ui.commands import Op, RunnerCommand
from plrdesk.ui.context import StudyContext

# Tables whose changes can alter what the quote bank shows.
WATCHED = frozenset(
    {"coding", "entry", "theme", "participant", "consent", "guardianship", "session"}
)
RELOAD_DELAY_MS = 200  # several saves in a row cost one reload


def concerns(changes: Changes, entries: set[uuid.UUID]) -> bool:
    """Whether a change can alter passages or counts shown for these entries. Edits to a
    note matter only for notes listed (a new note has no codings yet; coding it names
    the coding)."""
    touched = {*changes.added, *changes.updated, *changes.removed}
    if not touched & WATCHED:
        return False
    if touched <= {"entry"} and not changes.removed.get("entry"):
        return bool(entries & set(changes.updated.get("entry", [])))
    return True


@dataclass(frozen=True)
class Loaded:
    """What one load found: the theme's name, whether it has sub-themes, and its rows."""

    theme_id: uuid.UUID
    name: str | None  # None: the theme no longer exists
    has_sub_themes: bool
    rows: list[QuoteRow]


def load_quote_bank(db: Session, forms: FormCatalog | None, theme_id: uuid.UUID) -> Loaded:
    corpus = load_theme_corpus(db, forms, theme_id)
    node = corpus.tree.nodes.get(theme_id)
    if node is None:
        return Loaded(theme_id, None, False, [])
    has_sub = len(corpus.tree.descendants(theme_id)) > 1
    return Loaded(theme_id, node.name, has_sub, quote_bank(corpus, theme_id, forms=forms))


class ExemplarCommand(RunnerCommand):
    """Mark (or clear) a passage as usable as a quote. The list shows the new state at once;
    a refused or failed save puts it back."""

    def __init__(
        self, ctx: StudyContext, view: QuoteBankView, coding_id: uuid.UUID, exemplar: bool
    ) -> None:
        super().__init__(ctx, "mark a usable quote" if exemplar else "clear a usable quote")
        self._view = view
        self.coding_id = coding_id
        self.exemplar = exemplar

    def _show(self, value: bool, *, saving: bool) -> None:
        """Show the mark; `saving`: a save follows, whose change notice is our own echo."""
        if shiboken6.isValid(self._view):
            self._view.show_exemplar(self.coding_id, value, echo=saving)

    def redo(self) -> None:
        self._show(self.exemplar, saving=not self._skip)
        super().redo()

    def undo(self) -> None:
        self._show(not self.exemplar, saving=not self._skip)
        super().undo()

    def _redo_failed(self, exc: Exception) -> None:
        # The stack drops this command without calling undo(): put the mark back here.
        if shiboken6.isValid(self._view):
            self._view.forget_echo(self.coding_id)
        self._show(not self.exemplar, saving=False)
        super()._redo_failed(exc)

    def _undo_failed(self, exc: Exception) -> None:
        if shiboken6.isValid(self._view):
            self._view.forget_echo(self.coding_id)
        super()._undo_failed(exc)  # steps forward again through redo(): the mark comes back

    def redo_op(self) -> Op:
        coding_id, value, forms = self.coding_id, self.exemplar, self._ctx.forms
        return lambda db: set_exemplar(db, coding_id, value, forms=forms)

    def undo_op(self) -> Op:
        coding_id, value, forms = self.coding_id, not self.exemplar, self._ctx.forms
        return lambda db: set_exemplar(db, coding_id, value, forms=forms)

    def redone(self) -> None:
        self._ctx.status(
            "Marked as usable as a quote." if self.exemplar else "No longer marked as a quote."
        )

    def undone(self) -> None:
        self._ctx.status("Put the quote mark back as it was.")


class QuoteBankView(QWidget):
    sig_rows_loaded = Signal()
    """The list shows freshly loaded rows (no arguments)."""

    def __init__(self, ctx: StudyContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._theme: uuid.UUID | None = None
        self._all: list[QuoteRow] = []
        self._entries: set[uuid.UUID] = set()
        self._loads = 0  # the newest load's number; older results are dropped
        self._stale = False  # something changed while hidden: reload when shown
        self._echo: Counter[uuid.UUID] = Counter()  # our own exemplar saves, still to come
        self._filling = False  # refilling the filter combos: their signals mean nothing

        self.title = QLabel("Choose a theme to see the passages coded with it.")
        self.title.setObjectName("quoteBankTitle")
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.title.setWordWrap(True)

        self.kind_filter = self._combo("Participant kind")
        self.session_filter = self._combo("Session kind")
        self.question_filter = self._combo("Question")
        self.attribute_filter = self._combo("Attribute")
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
            ("Quest&ion:", self.question_filter),
            ("Attri&bute:", self.attribute_filter),
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
        ticket, theme, forms = self._loads, self._theme, self._ctx.forms
        self._ctx.runner.submit(
            lambda db: load_quote_bank(db, forms, theme),
            lambda loaded: self._loaded(ticket, loaded),
            self._load_failed,
        )

    def _loaded(self, ticket: int, loaded: Loaded) -> None:
        if ticket != self._loads or loaded.theme_id != self._theme:
            return  # a newer load is on its way
        self._echo.clear()
        if loaded.name is None:
            self.title.setText("That theme no longer exists.")
        else:
            sub = " <span>and its sub-themes</span>" if loaded.has_sub_themes else ""
            self.title.setText(f"<b>{html.escape(loaded.name)}</b>{sub}")
        self._all = loaded.rows
        self._entries = {row.entry_id for row in loaded.rows}
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
        shown = filter_rows(self._all, self.filters())
        self.model.set_rows(shown)
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
        rows = [row.passage for row in self._all]
        kinds = sorted(
            {p.speaker_kind for p in rows if p.speaker_kind is not None},
            key=lambda k: list(KIND_WORD).index(k) if k in KIND_WORD else len(KIND_WORD),
        )
        sessions = sorted({p.session_kind for p in rows})
        questions: dict[tuple[str | None, str], str] = {}
        for row in self._all:
            if row.question is not None:
                questions.setdefault((row.passage.guide, row.question), question_text(row))
        attributes = sorted(
            {
                (name, attribute_text(value))
                for p in rows
                for name, value in p.speaker_attributes.items()
            },
            key=lambda pair: (pair[0], _natural(pair[1])),
        )
        self._filling = True
        try:
            _fill(
                self.kind_filter,
                "Anyone",
                [(KIND_WORD.get(k, k), k, None) for k in kinds],
            )
            _fill(
                self.session_filter,
                "Any session",
                [(session_kind_label(k), k, None) for k in sessions],
            )
            _fill(
                self.question_filter,
                "Any question",
                [(_short(text), key, f"{key[1]}: {text}") for key, text in questions.items()],
            )
            _fill(
                self.attribute_filter,
                "Any attribute",
                [(f"{attribute_label(n)} = {v}", (n, v), None) for n, v in attributes],
            )
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

    def show_exemplar(self, coding_id: uuid.UUID, exemplar: bool, *, echo: bool = True) -> None:
        """Show the mark as changed (the undo command calls this before its save runs);
        with `echo`, the save's own change notice will not reload the list."""
        if echo:
            self._echo[coding_id] += 1
        self.model.set_exemplar(coding_id, exemplar)
        self._all = [
            row.with_exemplar(exemplar) if row.coding_id == coding_id else row for row in self._all
        ]
        if self.current_row() is not None:
            self._show_detail(self.table.currentIndex())

    def forget_echo(self, coding_id: uuid.UUID) -> None:
        """A save of the mark failed: no change notice will come for it."""
        self._echo.subtract([coding_id])
        self._echo += Counter()  # keeps only the positive counts

    # -- following changes ---------------------------------------------------------------------

    def _changed(self, changes: Changes) -> None:
        if self._theme is None:
            return
        if not concerns(changes, self._entries) or self._is_echo(changes):
            return
        if self.isVisible():
            self._debounce.start()
        else:
            self._stale = True

    def _is_echo(self, changes: Changes) -> bool:
        if changes.added or changes.removed or set(changes.updated) != {"coding"}:
            return False
        ids = changes.updated["coding"]
        if not all(self._echo[coding_id] > 0 for coding_id in ids):
            return False
        self._echo.subtract(ids)
        self._echo += Counter()  # drop the zeros
        return True

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.reload()


def _fill(combo: QComboBox, any_text: str, items: list[tuple[str, Any, str | None]]) -> None:
    """Refill a filter combo, keeping the choice when it is still offered."""
    chosen = combo.currentData()
    combo.clear()
    combo.addItem(any_text, None)
    for text, data, tip in items:
        combo.addItem(text, data)
        if tip:
            combo.setItemData(combo.count() - 1, tip, Qt.ItemDataRole.ToolTipRole)
    found = next((i for i in range(combo.count()) if combo.itemData(i) == chosen), 0)
    combo.setCurrentIndex(found)


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _natural(text: str) -> tuple[int, float | str]:
    try:
        return (0, float(text))
    except ValueError:
        return (1, text.casefold())
