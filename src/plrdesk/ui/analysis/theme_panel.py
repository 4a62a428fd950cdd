"""The theme panel of the Analysis tab: make, name, describe, colour, nest, move, merge and
delete themes, and exchange the codebook with other tools.

Every change is an undo command on the study's stack (theme_commands). The panel holds no
theme rules of its own: names, deletes and moves are judged by services.themes, which the
panel asks before it offers a step (the dialogs, Delete) or whose save refuses the step
(an in-place rename, a drop), which is then taken back. Keys, with the tree focused:
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

from PySide6.QtCore import QPoint, QSize, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QGridLayout,
    QLabel,
    QMenu,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from plrdesk.services.codebook import CodebookExported, export_codebook_file
from plrdesk.services.themes import PALETTE, ThemeDetails, ThemeRow, check_deletable, check_theme
from plrdesk.ui.analysis.theme_commands import (
    DeleteThemeCommand,
    EditThemeCommand,
    ImportCodebookCommand,
    MergeThemesCommand,
    MoveThemeCommand,
    NewThemeCommand,
)
from plrdesk.ui.analysis.theme_dialog import MergeDialog, ThemeDialog
from plrdesk.ui.analysis.theme_model import THEME_MIME, plural
from plrdesk.ui.analysis.theme_tree import ThemeTree
from plrdesk.ui.context import StudyContext
from plrdesk.ui.operations import read

__all__ = ["THEME_MIME", "ThemePanel"]

CODEBOOK_FILTERS = "REFI-QDA codebook (*.qdc);;CSV spreadsheet (*.csv)"


class ThemePanel(ThemeTree):
    def __init__(self, ctx: StudyContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.dialog: QDialog | None = None
        self.model.sig_rename_requested.connect(self._renamed_in_place)
        self.model.sig_move_requested.connect(self._dropped)
        self.tree.activated.connect(lambda _index: self.edit())
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._context_menu)

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

    # -- what the tree tells ------------------------------------------------------------------

    def _shown(self) -> None:
        self._update_hint()
        self._update_actions()

    def _chosen(self) -> None:
        self._update_actions()

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
        """The names the dialog warns about early: those the tree shows (maybe out of date;
        the study judges)."""
        return [r.name for r in self.model.children_of(parent_id) if r.id != besides]

    def _ask_study(
        self, dialog: ThemeDialog, parent_id: uuid.UUID | None, besides: uuid.UUID | None
    ) -> None:
        """On OK, the dialog's details go to the study's own check before it closes."""

        def check(details: ThemeDetails) -> None:
            self._ctx.runner.run(
                read(check_theme, details, parent_id, besides), dialog.confirmed, dialog.refused
            )

        dialog.sig_check_requested.connect(check)

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
        self._ask_study(dialog, parent_id, None)
        dialog.accepted.connect(
            lambda: self._ctx.undo.push(
                NewThemeCommand(self._ctx, self, dialog.details(), parent_id)
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
        # Shown at once; the save judges the name, and a refusal takes it back off.
        after = replace(before.details, name=name)
        self._ctx.undo.push(EditThemeCommand(self._ctx, self, before.id, before.details, after))

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
            self._ctx.undo.push(EditThemeCommand(self._ctx, self, theme.id, theme.details, after))

        self._ask_study(dialog, theme.parent_id, theme.id)
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
                    self._ctx, self, source.id, target.id, (source.name, target.name)
                )
            )

        dialog.accepted.connect(merge)
        self._show_dialog(dialog)

    def delete(self) -> None:
        """Delete the chosen theme, if the study says nothing would be lost."""
        theme = self.current()
        if theme is not None:
            self._ctx.runner.run(read(check_deletable, theme.id), self._deletable, self._refused)

    def _deletable(self, theme_id: uuid.UUID) -> None:
        theme = self.model.row_of(theme_id)
        if theme is not None:
            self._ctx.undo.push(DeleteThemeCommand(self._ctx, self, theme.id, theme.name))

    def _refused(self, exc: Exception) -> None:
        self._ctx.status(str(exc))

    def _dropped(self, theme_id: uuid.UUID, parent_id: uuid.UUID | None, position: int) -> None:
        # The save judges the move (a loop, a namesake there); a refusal takes it back off.
        theme = self.model.row_of(theme_id)
        if theme is not None:
            self._ctx.undo.push(
                MoveThemeCommand(self._ctx, self, theme_id, theme.name, parent_id, position)
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
        self._ctx.undo.push(ImportCodebookCommand(self._ctx, self, path))

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

        def done(exported: CodebookExported) -> None:
            self._ctx.status(exported.message(path.name))

        def failed(exc: Exception) -> None:
            self._ctx.status(f"Could not export the codebook: {exc}")

        self._ctx.runner.run(read(export_codebook_file, path), done, failed)
