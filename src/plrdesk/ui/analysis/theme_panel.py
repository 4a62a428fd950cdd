"""The theme tree of the Analysis tab: make, name, describe, colour, nest, move, merge and
delete themes, and exchange the codebook with other tools.

Every change is an undo command on the study's stack (theme_commands) run by the runner;
the tree reloads when an operation changes themes or codings. Keys, with the tree focused:
arrows move and open, F2 renames in place, Enter opens name, description and colour,
Insert adds a sub-theme, Delete deletes an empty theme; anywhere in the panel,
Ctrl+Shift+T adds a theme and Ctrl+Shift+M merges the chosen one into another. Dragging a
theme onto another nests it; dragging it onto the text of a note codes that text.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QPoint, QSize, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QGridLayout,
    QLabel,
    QMenu,
    QPushButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from plrdesk.services.changes import Changes
from plrdesk.services.codebook import export_csv, export_qdc
from plrdesk.services.themes import PALETTE, ThemeDetails, ThemeRow, list_themes
from plrdesk.storage.files import write_atomically
from plrdesk.ui.analysis.theme_commands import (
    DeleteThemeCommand,
    EditThemeCommand,
    ImportCodebookCommand,
    MergeThemesCommand,
    MoveThemeCommand,
    NewThemeCommand,
)
from plrdesk.ui.analysis.theme_dialog import MergeDialog, ThemeDialog
from plrdesk.ui.analysis.theme_model import SWATCH, THEME_MIME, ThemeRole, ThemeTreeModel, plural
from plrdesk.ui.context import StudyContext

__all__ = ["THEME_MIME", "ThemePanel"]

# Tables whose changes alter the tree or its counts (a deleted note takes its codings).
WATCHED = frozenset({"theme", "coding"})
CODEBOOK_FILTERS = "REFI-QDA codebook (*.qdc);;CSV spreadsheet (*.csv)"


class ThemePanel(QWidget):
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
        self.dialog: QDialog | None = None

        self.model = ThemeTreeModel(self)
        self.model.sig_rename_requested.connect(self._renamed_in_place)
        self.model.sig_move_requested.connect(self._dropped)

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
        self.tree.activated.connect(lambda _index: self.edit())
        self.tree.expanded.connect(self._expanded)
        self.tree.collapsed.connect(self._collapsed_at)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._context_menu)
        self.tree.selectionModel().currentChanged.connect(self._current_changed)
        heading = QLabel("&Themes")
        heading.setBuddy(self.tree)
        font = heading.font()
        font.setBold(True)
        heading.setFont(font)

        panel = Qt.ShortcutContext.WidgetWithChildrenShortcut
        in_tree = Qt.ShortcutContext.WidgetShortcut
        self.new_action = self._action("&New theme…", self.new_theme, "Ctrl+Shift+T", panel)
        self.new_sub_action = self._action("New s&ub-theme…", self.new_sub_theme, "Insert", in_tree)
        self.rename_action = self._action("&Rename", self.rename, "F2", in_tree)
        self.edit_action = self._action("E&dit…", self.edit)
        self.merge_action = self._action("Mer&ge into…", self.merge, "Ctrl+Shift+M", panel)
        self.delete_action = self._action("De&lete", self.delete, "Delete", in_tree)
        self.import_action = self._action("&Import codebook…", self.import_codebook)
        self.export_action = self._action("E&xport codebook…", self.export_codebook)

        self.new_button = self._button(self.new_action, "Add a top-level theme (Ctrl+Shift+T)")
        self.new_sub_button = self._button(
            self.new_sub_action, "Add a theme under the chosen one (Insert)"
        )
        self.edit_button = self._button(
            self.edit_action, "Name, description and colour of the chosen theme (Enter)"
        )
        self.merge_button = self._button(
            self.merge_action,
            "Move every coding of the chosen theme to another, then remove it (Ctrl+Shift+M)",
        )
        self.delete_button = self._button(
            self.delete_action, "Delete the chosen theme if nothing is coded with it (Delete)"
        )
        self.codebook_button = QPushButton("&Codebook")
        self.codebook_button.setObjectName("codebookButton")
        self.codebook_button.setAccessibleName("Codebook")
        self.codebook_button.setToolTip(
            "Import or export the themes as a REFI-QDA codebook (.qdc: NVivo, ATLAS.ti, MAXQDA,"
            " QualCoder) or a CSV spreadsheet"
        )
        codebook_menu = QMenu(self.codebook_button)
        codebook_menu.addAction(self.import_action)
        codebook_menu.addAction(self.export_action)
        self.codebook_button.setMenu(codebook_menu)

        self.hint = QLabel()
        self.hint.setObjectName("themeHint")
        self.hint.setAccessibleName("Theme count")
        self.hint.setWordWrap(True)

        buttons = QGridLayout()
        buttons.setHorizontalSpacing(4)
        buttons.setVerticalSpacing(4)
        for number, button in enumerate(
            (
                self.new_button,
                self.new_sub_button,
                self.edit_button,
                self.merge_button,
                self.delete_button,
                self.codebook_button,
            )
        ):
            buttons.addWidget(button, number // 3, number % 3)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(heading)
        layout.addLayout(buttons)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.hint)
        self.setFocusProxy(self.tree)

        ctx.runner.sig_changes.connect(self._changed)
        self._update_actions()
        self.refresh()

    def sizeHint(self) -> QSize:
        return QSize(360, super().sizeHint().height())

    # -- building ------------------------------------------------------------------------------

    def _action(
        self,
        text: str,
        slot: Callable[[], object],
        shortcut: str | None = None,
        context: Qt.ShortcutContext = Qt.ShortcutContext.WidgetWithChildrenShortcut,
    ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(context)
            (self.tree if context == Qt.ShortcutContext.WidgetShortcut else self).addAction(action)
        action.triggered.connect(lambda _checked=False: slot())
        return action

    def _button(self, action: QAction, tip: str) -> QPushButton:
        button = QPushButton(action.text())
        button.setToolTip(tip)
        button.setAccessibleName(action.text().replace("&", "").rstrip("…"))
        button.setAccessibleDescription(tip)
        button.clicked.connect(lambda _checked=False: action.trigger())
        action.enabledChanged.connect(button.setEnabled)
        button.setEnabled(action.isEnabled())
        return button

    # -- loading -------------------------------------------------------------------------------

    def refresh(self) -> None:
        self._loads += 1
        self._ctx.runner.submit(list_themes, self._loaded)

    def _changed(self, changes: Changes) -> None:
        touched = {*changes.added, *changes.updated, *changes.removed}
        if touched & WATCHED or "entry" in {*changes.added, *changes.removed}:
            self.refresh()

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
        self._update_hint()
        self._update_actions()
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

    def _update_hint(self) -> None:
        rows = self.model.rows()
        if not rows:
            self.hint.setText(
                "No themes yet. Press Ctrl+Shift+T to add the first, or import a codebook."
            )
            return
        codings = sum(row.codings for row in rows)
        self.hint.setText(
            f"{plural(len(rows), 'theme')}, {plural(codings, 'coding')}. Drag a theme onto"
            " another to nest it, or onto a note to code it."
        )

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
        self._update_actions()

    def _update_actions(self) -> None:
        theme = self.current()
        count = len(self.model.rows())
        self.new_sub_action.setEnabled(theme is not None)
        self.rename_action.setEnabled(theme is not None)
        self.edit_action.setEnabled(theme is not None)
        self.merge_action.setEnabled(theme is not None and count > 1)
        self.delete_action.setEnabled(theme is not None)
        self.export_action.setEnabled(count > 0)

    def _context_menu(self, point: QPoint) -> None:
        menu = QMenu(self)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        for action in (self.new_action, self.new_sub_action):
            menu.addAction(action)
        menu.addSeparator()
        for action in (self.rename_action, self.edit_action, self.merge_action):
            menu.addAction(action)
        menu.addSeparator()
        menu.addAction(self.delete_action)
        menu.popup(self.tree.viewport().mapToGlobal(point))

    # -- commands ------------------------------------------------------------------------------

    def _show_dialog(self, dialog: QDialog) -> None:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(self._dialog_closed)
        self.dialog = dialog
        dialog.open()

    def _dialog_closed(self) -> None:
        self.dialog = None

    def _names_under(
        self, parent_id: uuid.UUID | None, besides: uuid.UUID | None = None
    ) -> list[str]:
        return [r.name for r in self.model.children_of(parent_id) if r.id != besides]

    def _where(self, parent_id: uuid.UUID | None) -> str:
        parent = self.model.row_of(parent_id) if parent_id else None
        return f"under '{parent.name}'" if parent else "at the top level"

    def new_theme(self) -> None:
        self._new(None)

    def new_sub_theme(self) -> None:
        theme = self.current()
        if theme is not None:
            self._new(theme)

    def _new(self, parent: ThemeRow | None) -> None:
        parent_id = parent.id if parent else None
        title = f"New sub-theme of '{parent.name}'" if parent else "New theme"
        dialog = ThemeDialog(
            title,
            ThemeDetails("", None, self._next_colour()),
            self._names_under(parent_id),
            self._where(parent_id),
            self,
        )
        dialog.ok.setText("Add")
        dialog.accepted.connect(
            lambda: self._ctx.undo.push(
                NewThemeCommand(self._ctx, dialog.details(), parent_id, self.select, self.refresh)
            )
        )
        self._show_dialog(dialog)

    def _next_colour(self) -> str:
        used = [row.shown_colour for row in self.model.rows()]
        return min(PALETTE, key=lambda colour: (used.count(colour), PALETTE.index(colour)))

    def rename(self) -> None:
        index = self.tree.currentIndex()
        if index.isValid():
            self.tree.edit(index)

    def _renamed_in_place(self, before: ThemeRow, name: str) -> None:
        if name.casefold() in {
            n.casefold() for n in self._names_under(before.parent_id, before.id)
        }:
            self._ctx.status(
                f"There is already a theme called '{name}' {self._where(before.parent_id)}."
            )
            self.refresh()
            return
        after = replace(before.details, name=name)
        self._ctx.undo.push(
            EditThemeCommand(self._ctx, before.id, before.details, after, self.select, self.refresh)
        )

    def edit(self) -> None:
        theme = self.current()
        if theme is None:
            return
        before = ThemeDetails(theme.name, theme.description, theme.shown_colour)
        dialog = ThemeDialog(
            f"Theme '{theme.name}'",
            before,
            self._names_under(theme.parent_id, theme.id),
            self._where(theme.parent_id),
            self,
        )

        def save() -> None:
            after = dialog.details()
            if after == before:
                self._ctx.status(f"Nothing changed for '{theme.name}'.")
                return
            if after.colour == theme.shown_colour and theme.colour is None:
                after = replace(after, colour=None)  # still the palette's: keep it that way
            self._ctx.undo.push(
                EditThemeCommand(
                    self._ctx, theme.id, theme.details, after, self.select, self.refresh
                )
            )

        dialog.accepted.connect(save)
        self._show_dialog(dialog)

    def merge(self) -> None:
        source = self.current()
        if source is None:
            return
        dialog = MergeDialog(source, self.model.rows(), self)

        def merge() -> None:
            target_id = dialog.target_id()
            target = self.model.row_of(target_id) if target_id else None
            if target is None:
                return
            self._ctx.undo.push(
                MergeThemesCommand(
                    self._ctx,
                    source.id,
                    target.id,
                    (source.name, target.name),
                    self.select,
                    self.refresh,
                )
            )

        dialog.accepted.connect(merge)
        self._show_dialog(dialog)

    def delete(self) -> None:
        theme = self.current()
        if theme is None:
            return
        if theme.sub_themes:
            self._ctx.status(f"'{theme.name}' has sub-themes: move or merge them first.")
            return
        if theme.codings:
            self._ctx.status(
                f"'{theme.name}' has {plural(theme.codings, 'coding')}: merge it into another"
                " theme instead (Ctrl+Shift+M), so no coding is lost."
            )
            return
        self._ctx.undo.push(
            DeleteThemeCommand(self._ctx, theme.id, theme.name, self.select, self.refresh)
        )

    def _dropped(self, theme_id: uuid.UUID, parent_id: uuid.UUID | None, position: int) -> None:
        theme = self.model.row_of(theme_id)
        if theme is None:
            return
        if parent_id != theme.parent_id and theme.name.casefold() in {
            n.casefold() for n in self._names_under(parent_id)
        }:
            self._ctx.status(
                f"There is already a theme called '{theme.name}' {self._where(parent_id)}."
            )
            return
        self._ctx.undo.push(
            MoveThemeCommand(
                self._ctx, theme_id, theme.name, parent_id, position, self.select, self.refresh
            )
        )

    # -- the codebook --------------------------------------------------------------------------

    def import_codebook(self) -> None:
        path, _chosen = QFileDialog.getOpenFileName(
            self,
            "Import codebook",
            str(self._ctx.path.parent),
            "Codebooks (*.qdc *.csv);;" + CODEBOOK_FILTERS,
        )
        if path:
            self.import_file(Path(path))

    def import_file(self, path: Path) -> None:
        """Merge the themes of a .qdc or .csv file into the tree (one undo step)."""
        self._ctx.status(f"Importing the codebook {path.name}…")
        self._ctx.undo.push(ImportCodebookCommand(self._ctx, path, self.refresh))

    def export_codebook(self) -> None:
        path, chosen = QFileDialog.getSaveFileName(
            self,
            "Export codebook",
            str(self._ctx.path.parent / "codebook.qdc"),
            CODEBOOK_FILTERS,
        )
        if path:
            target = Path(path)
            if target.suffix.lower() not in (".qdc", ".csv"):
                target = target.with_suffix(".csv" if "csv" in chosen.casefold() else ".qdc")
            self.export_file(target)

    def export_file(self, path: Path) -> None:
        """Write the codebook to `path`: CSV for a .csv name, else REFI-QDA QDC."""
        as_csv = path.suffix.lower() == ".csv"

        def op(db: Session) -> int:
            # CSV with a byte-order mark, so Excel reads accented names as they are.
            data = export_csv(db).encode("utf-8-sig") if as_csv else export_qdc(db)
            write_atomically(path, data, private=False)  # a codebook names themes, not people
            return len(list_themes(db))

        def done(count: int) -> None:
            self._ctx.status(f"Exported {plural(count, 'theme')} to {path.name}.")

        def failed(exc: Exception) -> None:
            self._ctx.status(f"Could not export the codebook: {exc}")

        self._ctx.runner.submit(op, done, failed)
