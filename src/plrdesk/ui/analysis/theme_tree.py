"""The theme tree as the Analysis tab shows it, kept loaded from the study.

`ThemeTree` is the widget under the theme panel's buttons (theme_panel.py adds the steps):
it loads `services.themes.list_themes` on the database worker, keeps what the researcher
collapsed and chose across reloads, and reloads when another operation changes themes or
the number of codings. Its own steps reload it themselves once saved (theme_commands), so
it skips their change notices.
"""

from __future__ import annotations

import uuid

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QSize, Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QTreeView, QWidget

from plrdesk.services.changes import Changes, Table
from plrdesk.services.themes import ThemeDetails, ThemeRow, list_themes
from plrdesk.ui.analysis.theme_model import SWATCH, ThemeRole, ThemeTreeModel
from plrdesk.ui.context import StudyContext
from plrdesk.ui.operations import read

__all__ = ["ThemeTree", "alters_tree"]


def alters_tree(changes: Changes) -> bool:
    """Whether a change can alter the tree or its counts: a theme changed, a coding added
    or removed, a note removed (its codings go with it). A coding moved along its words by
    typing, or a note's words saved, change no count."""
    return (
        changes.touches(Table.THEME)
        or bool(changes.added_ids(Table.CODING) or changes.removed_ids(Table.CODING))
        or bool(changes.removed_ids(Table.ENTRY))
    )


class ThemeTree(QWidget):
    sig_theme_selected = Signal(uuid.UUID)
    """The researcher chose this theme in the tree."""
    sig_themes_loaded = Signal()
    """The tree now shows freshly loaded themes (no arguments)."""

    def __init__(self, ctx: StudyContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._loads = 0  # loads submitted and not yet shown
        self._pending_select: uuid.UUID | None = None
        self._collapsed: set[uuid.UUID] = set()  # what the researcher closed
        self._restoring = False
        self._focus_pending = False
        self._announced: uuid.UUID | None = None

        self.model = ThemeTreeModel(self)
        self.tree = QTreeView()
        self.tree.setObjectName("themeTree")
        self.tree.setAccessibleName("Themes")
        self.tree.setAccessibleDescription(
            "The theme tree. F2 renames, Enter edits, Insert adds a sub-theme, Delete deletes"
            " an empty theme; drag a theme onto another to nest it."
        )
        self.tree.setModel(self.model)
        # After the view's own reset handler, which forgets what was expanded.
        self.model.modelReset.connect(self._restore_expansion)
        self.tree.setHeaderHidden(True)
        self.tree.setWordWrap(True)  # long names wrap rather than lose their ends
        self.tree.setIconSize(QSize(SWATCH, SWATCH))
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setEditTriggers(
            QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.DoubleClicked
        )
        self.tree.setDragEnabled(True)
        self.tree.setAcceptDrops(True)
        self.tree.setDropIndicatorShown(True)
        self.tree.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.tree.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.tree.setExpandsOnDoubleClick(False)
        self.tree.expanded.connect(self._expanded)
        self.tree.collapsed.connect(self._collapsed_at)
        self.tree.selectionModel().currentChanged.connect(self._current_changed)
        ctx.runner.sig_changes.connect(self._changed)

    # -- what a panel built on it adds ---------------------------------------------------------

    def _shown(self) -> None:
        """Fresh rows are on screen."""

    def _chosen(self) -> None:
        """The current theme changed."""

    # -- loading -------------------------------------------------------------------------------

    def refresh(self) -> None:
        self._loads += 1
        self._ctx.runner.run(read(list_themes), self._loaded, self._load_failed)

    def reload(self, select: uuid.UUID | None = None) -> None:
        """Load the tree afresh, then choose `select` (the theme a step was about)."""
        if select is not None:
            self._pending_select = select
            self._focus_pending = True
        self.refresh()

    def show_details(self, theme_id: uuid.UUID, details: ThemeDetails) -> None:
        """Show an edit before it is saved (an undo command's `show`)."""
        self.model.show_details(theme_id, details)

    def _changed(self, changes: Changes, initiator: object) -> None:
        if initiator is self:
            return  # our own step: its command reloads the tree once saved
        if alters_tree(changes):
            self.refresh()

    def _load_failed(self, exc: Exception) -> None:
        self._loads -= 1
        if self._loads == 0:
            self._pending_select = None
            self._focus_pending = False
        self._ctx.status(f"Could not load the themes: {exc}")

    def _loaded(self, rows: list[ThemeRow]) -> None:
        self._loads -= 1
        keep = self._pending_select or self.current_id()
        focus = self.tree.hasFocus() or self._focus_pending
        if self._loads == 0:
            self._pending_select = None
            self._focus_pending = False
        self.model.set_rows(rows)
        if keep is not None and self.model.row_of(keep) is not None:
            self._select(keep, focus=focus)
        self._shown()
        self.sig_themes_loaded.emit()

    def _restore_expansion(self) -> None:
        """Everything open but what the researcher closed (expandAll announces each item
        it opens, which must not count as the researcher opening it)."""
        self._restoring = True
        try:
            self.tree.expandAll()
            for theme_id in list(self._collapsed):
                index = self.model.index_of(theme_id)
                if index.isValid():
                    self.tree.collapse(index)
        finally:
            self._restoring = False

    def _expanded(self, index: QModelIndex) -> None:
        theme = self.model.theme_at(index)
        if theme is not None and not self._restoring:
            self._collapsed.discard(theme.id)

    def _collapsed_at(self, index: QModelIndex) -> None:
        theme = self.model.theme_at(index)
        if theme is not None and not self._restoring:
            self._collapsed.add(theme.id)

    # -- selection -----------------------------------------------------------------------------

    def current(self) -> ThemeRow | None:
        row = self.tree.currentIndex().data(ThemeRole)
        return row if isinstance(row, ThemeRow) else None

    def current_id(self) -> uuid.UUID | None:
        row = self.current()
        return row.id if row else None

    def select(self, theme_id: uuid.UUID) -> None:
        """Make this theme the current one (after the reload on its way, if one is)."""
        if self._loads:
            self._pending_select = theme_id
            self._focus_pending = True
        if self.model.row_of(theme_id) is not None:
            self._select(theme_id, focus=True)

    def _select(self, theme_id: uuid.UUID, *, focus: bool) -> None:
        index = self.model.index_of(theme_id)
        parent = index.parent()
        while parent.isValid():  # show it even inside a collapsed theme
            self.tree.expand(parent)
            parent = parent.parent()
        self.tree.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect
        )
        self.tree.scrollTo(index)
        if focus:
            self.tree.setFocus()

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        theme = self.model.theme_at(current)
        if theme is not None and theme.id != self._announced:
            self._announced = theme.id
            self.sig_theme_selected.emit(theme.id)
        self._chosen()
