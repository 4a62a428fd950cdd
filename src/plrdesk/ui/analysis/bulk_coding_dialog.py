"""Bulk coding: search the study and code the matching notes with one theme, in one step.

Type words (every word must appear; a trailing * matches a prefix), untick any results
that should not be coded, choose a theme and press "Code N passages". Each ticked note is
coded as a whole; notes that already carry the theme are left as they are. One undo takes
the whole step back.

    dialog = BulkCodingDialog(ctx, parent, theme_id=current_theme)
    dialog.show()
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from typing import Any

import shiboken6
from PySide6.QtCore import (
    QModelIndex,
    QObject,
    QTimer,
    Signal,
)
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from plrdesk.domain.passages import ThemeTree
from plrdesk.services.bulk_coding import code_entries, undo_code_entries
from plrdesk.services.changes import Changes, Table
from plrdesk.services.corpus import theme_tree
from plrdesk.services.search import SearchHit, search_study
from plrdesk.ui.analysis.matrix_model import theme_rows
from plrdesk.ui.analysis.search_hits import HitListModel, HitRole
from plrdesk.ui.context import StudyContext
from plrdesk.ui.operations import Operation, after, read, write
from plrdesk.ui.undo import Command

SEARCH_LIMIT = 1000  # results listed at most; the dialog says when there may be more
SEARCH_DELAY_MS = 250


class BulkCodeCommand(Command):
    """Redo codes the entries with the theme (a second redo makes the same coding ids);
    undo deletes exactly the codings the redo made, read from the redo's result on the
    worker (the undo may be queued before that result is back)."""

    def __init__(
        self,
        ctx: StudyContext,
        theme_id: uuid.UUID,
        theme_name: str,
        entry_ids: Sequence[uuid.UUID],
        on_done: Callable[[int, int], Any] | None = None,
        *,
        initiator: object | None = None,
    ) -> None:
        n = len(entry_ids)
        text = f"code {n} {'passage' if n == 1 else 'passages'} with {theme_name}"
        super().__init__(ctx, text, initiator=initiator)
        self.theme_id = theme_id
        self.theme_name = theme_name
        self.entry_ids = list(entry_ids)
        self._ids = {entry_id: uuid.uuid4() for entry_id in self.entry_ids}
        self._on_done = on_done

    def operation(self, forward: bool, first: bool) -> Operation[Any]:
        if forward:
            return write(code_entries, self.theme_id, self.entry_ids, ids=self._ids)
        assert self.pending is not None, "an undo always follows its redo"
        return after(self.pending, undo_code_entries)

    def saved(self, forward: bool, result: Any) -> None:
        if not isinstance(result, Changes):
            return
        if not forward:
            gone = len(result.removed_ids(Table.CODING))
            self.ctx.status(f"Took “{self.theme_name}” back off {gone} notes.")
            return
        made = len(result.added_ids(Table.CODING))
        had = len(self.entry_ids) - made
        text = f"Coded {made} {'passage' if made == 1 else 'passages'} with “{self.theme_name}”"
        if had:
            text += f"; {had} already had it or had no text"
        self.ctx.status(text + ".")
        if self._on_done is not None and _alive(self._on_done):
            self._on_done(made, had)


def _alive(callback: Callable[..., object]) -> bool:
    owner = getattr(callback, "__self__", None)
    return not isinstance(owner, QObject) or shiboken6.isValid(owner)


class BulkCodingDialog(QDialog):
    sig_coded = Signal(int, int)
    """A bulk coding was saved: (codings made, entries left as they were)."""

    def __init__(
        self,
        ctx: StudyContext,
        parent: QWidget | None = None,
        *,
        theme_id: uuid.UUID | None = None,
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._wanted_theme = theme_id
        self._searching = 0  # searches queued and not back: only the last one is shown
        self._query = ""
        self.setWindowTitle("Code search results")
        self.setObjectName("bulkCodingDialog")

        self.box = QLineEdit()
        self.box.setObjectName("bulkSearch")
        self.box.setAccessibleName("Search the notes")
        self.box.setPlaceholderText(
            "Words every note must contain (end a word with * for a prefix)"
        )
        self.box.setClearButtonEnabled(True)
        search_label = QLabel("&Find notes with:")
        search_label.setBuddy(self.box)

        self.model = HitListModel(self)
        self.results = QListView()
        self.results.setObjectName("bulkResults")
        self.results.setAccessibleName("Matching notes; ticked ones will be coded")
        self.results.setModel(self.model)
        self.results.setWordWrap(True)
        self.results.setUniformItemSizes(False)
        self.results.setAlternatingRowColors(True)
        self.results.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.results.activated.connect(self._open)
        self.found = QLabel()
        self.found.setObjectName("bulkFound")
        self.tick_all = QPushButton("Tick &all")
        self.tick_all.clicked.connect(lambda _checked=False: self.model.tick_all(True))
        self.tick_none = QPushButton("Tick &none")
        self.tick_none.clicked.connect(lambda _checked=False: self.model.tick_all(False))

        self.theme = QComboBox()
        self.theme.setObjectName("bulkTheme")
        self.theme.setAccessibleName("Theme to code them with")
        theme_label = QLabel("&Theme:")
        theme_label.setBuddy(self.theme)
        self.theme.currentIndexChanged.connect(self._update_button)

        self.code_button = QPushButton()
        self.code_button.setObjectName("bulkCode")
        self.code_button.clicked.connect(lambda _checked=False: self.code())
        self.undo_button = QPushButton("&Undo")
        self.undo_button.setObjectName("bulkUndo")
        self.undo_button.setToolTip("Take the last coding from this window back off (Ctrl+Z)")
        self.undo_button.setShortcut(QKeySequence.StandardKey.Undo)
        self.undo_button.clicked.connect(lambda _checked=False: self.undo_last())
        self.outcome = QLabel()
        self.outcome.setObjectName("bulkOutcome")
        self.outcome.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.addButton(self.code_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.undo_button, QDialogButtonBox.ButtonRole.ActionRole)
        # Enter in the search box searches; it must not press a button of the dialog.
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        for button in (close, self.code_button, self.undo_button, self.tick_all, self.tick_none):
            button.setAutoDefault(False)
            button.setDefault(False)
        self._last: BulkCodeCommand | None = None
        ctx.undo.indexChanged.connect(self._update_undo)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(SEARCH_DELAY_MS)
        self._debounce.timeout.connect(self.search_now)
        self.box.textChanged.connect(self._debounce.start)
        self.box.returnPressed.connect(self.search_now)
        self.model.sig_ticks_changed.connect(self._update_button)

        search_row = QHBoxLayout()
        search_row.addWidget(search_label)
        search_row.addWidget(self.box, 1)
        found_row = QHBoxLayout()
        found_row.addWidget(self.found, 1)
        found_row.addWidget(self.tick_all)
        found_row.addWidget(self.tick_none)
        theme_row = QHBoxLayout()
        theme_row.addWidget(theme_label)
        theme_row.addWidget(self.theme, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(search_row)
        layout.addLayout(found_row)
        layout.addWidget(self.results, 1)
        layout.addLayout(theme_row)
        layout.addWidget(self.outcome)
        layout.addWidget(buttons)
        self.resize(720, 560)
        self._update_button()
        self._update_undo()
        self._load_themes()

    # -- themes --------------------------------------------------------------------------------

    def _load_themes(self) -> None:
        self._ctx.runner.run(read(theme_tree), self._themes_loaded, self._failed)

    def _failed(self, exc: Exception) -> None:
        self.outcome.setText(f"Could not read the study: {exc}")

    def _themes_loaded(self, tree: ThemeTree) -> None:
        chosen = self.theme.currentData() or self._wanted_theme
        self.theme.clear()
        for node, depth in theme_rows(tree):
            self.theme.addItem("\u2003" * 2 * depth + node.name, node.id)
        found = self._theme_index(chosen) if chosen is not None else -1
        self.theme.setCurrentIndex(found if found >= 0 else (0 if self.theme.count() else -1))
        self._update_button()

    def _theme_index(self, theme_id: object) -> int:
        # findData compares QVariants, which cannot compare UUIDs: look ourselves.
        return next(
            (i for i in range(self.theme.count()) if self.theme.itemData(i) == theme_id), -1
        )

    def choose_theme(self, theme_id: uuid.UUID) -> bool:
        found = self._theme_index(theme_id)
        if found >= 0:
            self.theme.setCurrentIndex(found)
        return found >= 0

    # -- search --------------------------------------------------------------------------------

    def search_now(self) -> None:
        self._debounce.stop()
        self._query = self.box.text()
        self._searching += 1
        # Bound methods: the runner drops their results once the dialog has been closed.
        self._ctx.runner.run(
            read(search_study, self._query, limit=SEARCH_LIMIT, forms=self._ctx.forms),
            self._found,
            self._not_found,
        )

    def _not_found(self, exc: Exception) -> None:
        self._searching -= 1
        self._failed(exc)

    def _found(self, hits: list[SearchHit]) -> None:
        self._searching -= 1
        if self._searching:
            return  # a newer search is on its way (results come back in order)
        query = self._query
        self.model.set_hits(hits)
        self.outcome.clear()
        if not query.strip():
            self.found.setText("")
        elif len(hits) >= SEARCH_LIMIT:
            self.found.setText(f"The first {len(hits)} matching notes; add words to find the rest.")
        else:
            self.found.setText(f"{len(hits)} matching {'note' if len(hits) == 1 else 'notes'}")

    def _open(self, index: QModelIndex) -> None:
        hit = index.data(HitRole)
        if isinstance(hit, SearchHit):
            self._ctx.navigator.sig_show_entry.emit(hit.entry_id)

    # -- coding --------------------------------------------------------------------------------

    def _update_button(self) -> None:
        n = self.model.ticked_count()
        self.code_button.setText(f"&Code {n} {'passage' if n == 1 else 'passages'}")
        self.code_button.setEnabled(n > 0 and self.theme.currentData() is not None)

    def code(self) -> BulkCodeCommand | None:
        """Code the ticked notes with the chosen theme, as one undoable step."""
        theme = self.theme.currentData()
        ticked = [hit.entry_id for hit in self.model.ticked()]
        if theme is None or not ticked:
            return None
        name = self.theme.currentText().strip()
        command = BulkCodeCommand(self._ctx, theme, name, ticked, self._coded, initiator=self)
        self._last = command
        self._ctx.undo.push(command)
        self._update_undo()
        return command

    def _last_on_top(self) -> bool:
        stack = self._ctx.undo
        return (
            self._last is not None
            and stack.index() > 0
            and stack.command(stack.index() - 1) is self._last
        )

    def _update_undo(self) -> None:
        self.undo_button.setEnabled(self._last_on_top())

    def undo_last(self) -> None:
        """Undo this window's last coding, if nothing has been done since."""
        if self._last_on_top():
            self._ctx.undo.undo()
            self.outcome.setText("Took that coding back off.")

    def _coded(self, made: int, had: int) -> None:
        text = f"Coded {made} {'passage' if made == 1 else 'passages'}"
        if had:
            text += f"; {had} already had the theme (or no text) and were left as they were"
        self.outcome.setText(text + ". Undo takes it all back.")
        self.sig_coded.emit(made, had)
