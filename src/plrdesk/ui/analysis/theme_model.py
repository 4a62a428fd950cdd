"""The theme tree as a Qt item model: one column, a theme a row, sub-themes as children.

Rows come from services.themes.list_themes. The model never writes to the study itself:
an in-place rename or a drop asks for the change with a signal, and the panel pushes the
matching undo command. Drags carry THEME_MIME (the theme's UUID as ASCII), so a theme can
be dropped on another theme (to nest it) or on the text of a note (to code it).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QByteArray,
    QMimeData,
    QModelIndex,
    QObject,
    QRectF,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap

from plrdesk.services.themes import ThemeDetails, ThemeRow
from plrdesk.ui.table_models import Index

THEME_MIME = "application/x-plrdesk-theme-id"
"""Drag payload: a theme's UUID as ASCII text (the tree drags it, entry editors accept it)."""

ThemeRole = Qt.ItemDataRole.UserRole + 1
"""The ThemeRow of an item."""

SWATCH = 14  # pixels: the colour square before each name


def theme_id_from_mime(data: QMimeData) -> uuid.UUID | None:
    """The theme a drag carries, or None when it carries none (or something malformed)."""
    if not data.hasFormat(THEME_MIME):
        return None
    try:
        return uuid.UUID(bytes(data.data(THEME_MIME).data()).decode("ascii").strip())
    except (ValueError, UnicodeDecodeError):
        return None


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def swatch(colour: str) -> QIcon:
    """A filled square with a thin dark edge, so a pale colour still shows on white."""
    pixmap = QPixmap(SWATCH, SWATCH)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    fill = QColor(colour)
    painter.setBrush(fill)
    painter.setPen(fill.darker(170))
    painter.drawRoundedRect(QRectF(0.5, 0.5, SWATCH - 1.0, SWATCH - 1.0), 3.0, 3.0)
    painter.end()
    icon = QIcon(pixmap)
    icon.addPixmap(pixmap, QIcon.Mode.Selected)  # the true colour on a selected row too
    return icon


class ThemeTreeModel(QAbstractItemModel):
    """Themes in their tree; ThemeRole gives the ThemeRow, DisplayRole "name (n)" where n
    counts the codings of the theme and its sub-themes, EditRole the bare name."""

    sig_rename_requested = Signal(object, str)
    """(the ThemeRow as it was, new name): the researcher renamed a theme in place."""
    sig_move_requested = Signal(object, object, int)
    """(theme id, new parent id or None, position among the new siblings once moved): the
    researcher dropped a theme somewhere else in the tree."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: dict[uuid.UUID, ThemeRow] = {}
        self._children: dict[uuid.UUID | None, list[uuid.UUID]] = {None: []}
        # Qt indexes carry an integer; each theme keeps its number for the model's life.
        self._numbers: dict[uuid.UUID, int] = {}
        self._ids: dict[int, uuid.UUID] = {}
        self._icons: dict[str, QIcon] = {}

    # -- contents ------------------------------------------------------------------------------

    def set_rows(self, rows: Sequence[ThemeRow]) -> None:
        """Show these rows (in reading order). When only names, colours or counts changed,
        the items stay (selection, expansion and an open editor survive); otherwise the
        model resets."""
        shape = [(row.id, row.parent_id) for row in rows]
        if shape == [(row.id, row.parent_id) for row in self.rows()]:
            changed = [row for row in rows if self._rows.get(row.id) != row]
            self._rows = {row.id: row for row in rows}
            for row in changed:
                index = self.index_of(row.id)
                self.dataChanged.emit(index, index)
            return
        self.beginResetModel()
        self._rows = {row.id: row for row in rows}
        self._children = {None: []}
        for row in rows:
            parent = row.parent_id if row.parent_id in self._rows else None
            self._children.setdefault(parent, []).append(row.id)
            if row.id not in self._numbers:
                number = len(self._numbers) + 1
                self._numbers[row.id] = number
                self._ids[number] = row.id
        self.endResetModel()

    def show_details(self, theme_id: uuid.UUID, details: ThemeDetails) -> None:
        """Show a theme with these name, description and colour before the study has them
        (an edit is on screen at once; the reload after its save brings the stored row)."""
        row = self._rows.get(theme_id)
        if row is None or row.details == details:
            return
        self._rows[theme_id] = replace(
            row, name=details.name, description=details.description, colour=details.colour
        )
        index = self.index_of(theme_id)
        self.dataChanged.emit(index, index)

    def rows(self) -> list[ThemeRow]:
        """Every row in reading order."""
        out: list[ThemeRow] = []

        def walk(parent: uuid.UUID | None) -> None:
            for theme_id in self._children.get(parent, []):
                out.append(self._rows[theme_id])
                walk(theme_id)

        walk(None)
        return out

    def row_of(self, theme_id: uuid.UUID) -> ThemeRow | None:
        return self._rows.get(theme_id)

    def children_of(self, theme_id: uuid.UUID | None) -> list[ThemeRow]:
        return [self._rows[c] for c in self._children.get(theme_id, [])]

    def descendants(self, theme_id: uuid.UUID) -> set[uuid.UUID]:
        """The theme and every theme under it."""
        found = {theme_id}
        for child in self._children.get(theme_id, []):
            found |= self.descendants(child)
        return found

    def index_of(self, theme_id: uuid.UUID | None) -> QModelIndex:
        if theme_id is None or theme_id not in self._rows:
            return QModelIndex()
        row = self._rows[theme_id]
        siblings = self._children.get(row.parent_id if row.parent_id in self._rows else None, [])
        return self.createIndex(siblings.index(theme_id), 0, self._numbers[theme_id])

    def theme_at(self, index: Index) -> ThemeRow | None:
        if not index.isValid():
            return None
        theme_id = self._ids.get(index.internalId())
        return self._rows.get(theme_id) if theme_id else None

    # -- the model's shape -----------------------------------------------------------------------

    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008 - Qt's signature
        if column != 0 or row < 0:
            return QModelIndex()
        if parent.isValid():
            owner = self.theme_at(parent)
            if owner is None or parent.column() != 0:
                return QModelIndex()
            siblings = self._children.get(owner.id, [])
        else:
            siblings = self._children.get(None, [])
        if row >= len(siblings):
            return QModelIndex()
        return self.createIndex(row, 0, self._numbers[siblings[row]])

    def parent(self, index: Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008 - Qt's signature
        theme = self.theme_at(index)
        if theme is None or theme.parent_id is None:
            return QModelIndex()
        return self.index_of(theme.parent_id)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        if not parent.isValid():
            return len(self._children.get(None, []))
        if parent.column() != 0:
            return 0
        theme = self.theme_at(parent)
        return len(self._children.get(theme.id, [])) if theme else 0

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 1

    def hasChildren(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008 - Qt's signature
        return self.rowCount(parent) > 0

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            section == 0
            and orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
        ):
            return "Theme (codings)"
        return None

    # -- what an item shows ------------------------------------------------------------------------

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        theme = self.theme_at(index)
        if theme is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{theme.name} ({theme.all_codings})"
        if role == Qt.ItemDataRole.EditRole:
            return theme.name
        if role == Qt.ItemDataRole.DecorationRole:
            colour = theme.shown_colour
            if colour not in self._icons:
                self._icons[colour] = swatch(colour)
            return self._icons[colour]
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tooltip(theme)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{theme.name}, {self.counts(theme)}"
        if role == ThemeRole:
            return theme
        return None

    @staticmethod
    def counts(theme: ThemeRow) -> str:
        """'7 codings' or '7 codings, 13 with its sub-themes'."""
        text = plural(theme.codings, "coding")
        if theme.sub_themes:
            text += f", {theme.all_codings} with its sub-themes"
        return text

    def tooltip(self, theme: ThemeRow) -> str:
        lines = [theme.name, self.counts(theme).capitalize() + "."]
        if theme.description:
            lines.append(theme.description)
        return "\n".join(lines)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.ItemIsDropEnabled  # a drop on the empty space: the top level
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemIsEditable
            | Qt.ItemFlag.ItemIsDragEnabled
            | Qt.ItemFlag.ItemIsDropEnabled
        )

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        """An in-place rename: shown at once, saved by the panel's undo command."""
        theme = self.theme_at(index)
        if theme is None or role != Qt.ItemDataRole.EditRole or not isinstance(value, str):
            return False
        name = " ".join(value.split())
        if not name or name == theme.name:
            return False
        self._rows[theme.id] = replace(theme, name=name)
        changed = self.index_of(theme.id)
        self.dataChanged.emit(changed, changed)
        self.sig_rename_requested.emit(theme, name)
        return True

    # -- drag and drop -----------------------------------------------------------------------------

    def mimeTypes(self) -> list[str]:
        return [THEME_MIME]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        data = QMimeData()
        theme = next((t for t in map(self.theme_at, indexes) if t is not None), None)
        if theme is not None:
            data.setData(THEME_MIME, QByteArray(str(theme.id).encode("ascii")))
        return data

    def supportedDragActions(self) -> Qt.DropAction:
        # Move within the tree; copy or link where a note takes the theme as a coding.
        return Qt.DropAction.MoveAction | Qt.DropAction.CopyAction | Qt.DropAction.LinkAction

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def drop_target(
        self, data: QMimeData, row: int, parent: Index
    ) -> tuple[uuid.UUID, uuid.UUID | None, int] | None:
        """(theme, new parent, position once moved) for a drop, or None where the drop
        would change nothing or put a theme inside itself."""
        theme_id = theme_id_from_mime(data)
        if theme_id is None or theme_id not in self._rows:
            return None
        owner = self.theme_at(parent)
        if parent.isValid() and owner is None:
            return None
        new_parent = owner.id if owner else None
        if new_parent is not None and new_parent in self.descendants(theme_id):
            return None
        theme = self._rows[theme_id]
        siblings = self._children.get(new_parent, [])
        same_parent = theme.parent_id == new_parent
        if row < 0 or row > len(siblings):
            position = len(siblings) - (1 if same_parent else 0)
        else:
            position = row - (1 if same_parent and siblings.index(theme_id) < row else 0)
        if same_parent and position == siblings.index(theme_id):
            return None
        return theme_id, new_parent, position

    def canDropMimeData(
        self,
        data: QMimeData,
        action: Qt.DropAction,
        row: int,
        column: int,
        parent: Index,
    ) -> bool:
        return (
            action == Qt.DropAction.MoveAction and self.drop_target(data, row, parent) is not None
        )

    def dropMimeData(
        self,
        data: QMimeData,
        action: Qt.DropAction,
        row: int,
        column: int,
        parent: Index,
    ) -> bool:
        if action != Qt.DropAction.MoveAction:
            return False
        target = self.drop_target(data, row, parent)
        if target is None:
            return False
        self.sig_move_requested.emit(*target)
        return True
