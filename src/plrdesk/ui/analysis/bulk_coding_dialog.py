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
    QAbstractListModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
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
from sqlalchemy.orm import Session

from plrdesk.services.bulk_coding import code_entries, uncode
from plrdesk.services.changes import Changes
from plrdesk.services.corpus import theme_tree
from plrdesk.services.search import SearchHit, search_study
from plrdesk.ui.analysis.matrix_model import theme_rows
from plrdesk.ui.analysis.quote_model import session_kind_label
from plrdesk.ui.commands import Op, RunnerCommand
from plrdesk.ui.context import StudyContext

Index = QModelIndex | QPersistentModelIndex

HitRole = Qt.ItemDataRole.UserRole + 1
"""The SearchHit of a row."""

SEARCH_LIMIT = 1000  # results listed at most; the dialog says when there may be more
SEARCH_DELAY_MS = 250


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
            where = " · ".join(
                part
                for part in (
                    hit.session_ref,
                    session_kind_label(hit.session_kind),
                    hit.question,
                    hit.speaker_ref or "group",
                )
                if part
            )
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


class _Created:
    """The codings the last redo made, written on the worker, read by the undo queued after."""

    def __init__(self) -> None:
        self.ids: list[uuid.UUID] = []


class BulkCodeCommand(RunnerCommand):
    """Redo codes the entries with the theme (a second redo makes the same coding ids);
    undo deletes exactly the codings the redo made."""

    def __init__(
        self,
        ctx: StudyContext,
        theme_id: uuid.UUID,
        theme_name: str,
        entry_ids: Sequence[uuid.UUID],
        on_done: Callable[[int, int], Any] | None = None,
    ) -> None:
        n = len(entry_ids)
        super().__init__(ctx, f"code {n} {'passage' if n == 1 else 'passages'} with {theme_name}")
        self.theme_id = theme_id
        self.theme_name = theme_name
        self.entry_ids = list(entry_ids)
        self._ids = {entry_id: uuid.uuid4() for entry_id in self.entry_ids}
        self._created = _Created()
        self._on_done = on_done

    @property
    def created(self) -> list[uuid.UUID]:
        return list(self._created.ids)

    def redo_op(self) -> Op:
        theme, entries, ids, box = self.theme_id, self.entry_ids, self._ids, self._created

        def op(db: Session) -> Changes:
            changes = code_entries(db, theme, entries, ids=ids)
            box.ids = list(changes.added.get("coding", []))
            return changes

        return op

    def undo_op(self) -> Op:
        box = self._created
        return lambda db: uncode(db, box.ids)

    def redone(self) -> None:
        made = len(self._created.ids)
        had = len(self.entry_ids) - made
        text = f"Coded {made} {'passage' if made == 1 else 'passages'} with “{self.theme_name}”"
        if had:
            text += f"; {had} already had it or had no text"
        self._ctx.status(text + ".")
        if self._on_done is not None and _alive(self._on_done):
            self._on_done(made, had)

    def undone(self) -> None:
        self._ctx.status(f"Took “{self.theme_name}” back off {len(self._created.ids)} notes.")


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
        self._searches = 0
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
        self._ctx.runner.submit(theme_tree, self._themes_loaded)

    def _themes_loaded(self, tree: Any) -> None:
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
        query = self.box.text()
        self._searches += 1
        ticket = self._searches
        self._ctx.runner.submit(
            lambda db: search_study(db, query, limit=SEARCH_LIMIT),
            lambda hits: self._show(ticket, query, hits),
        )

    def _show(self, ticket: int, query: str, hits: list[SearchHit]) -> None:
        if ticket != self._searches:
            return
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
        command = BulkCodeCommand(self._ctx, theme, name, ticked, self._coded)
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
