"""The theme × participant-group matrix as a table model.

Every number comes from `domain.passages.matrix` (and the drill-down from `cell_passages`),
the functions the export's `raised_by` uses, so a figure on screen is the figure in the
report. Rows are the themes, nested ones indented under their parent; columns are the
groups of the chosen grouping (kind, one attribute, or each participant by ref), then
"All participants".
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QColor, QFont

from plrdesk.domain.kinds import ParticipantKind
from plrdesk.domain.passages import (
    Grouping,
    Passage,
    ThemeNode,
    ThemeTree,
    by_attribute,
    by_kind,
    by_person,
    cell_passages,
    matrix,
)
from plrdesk.services.corpus import Corpus
from plrdesk.services.quote_bank import KIND_WORD, attribute_label, descriptor

Index = QModelIndex | QPersistentModelIndex

CountRole = Qt.ItemDataRole.UserRole + 1
"""A cell's number of distinct participants (int); None in the theme column."""
PeopleRole = Qt.ItemDataRole.UserRole + 2
"""A cell's participant refs, sorted (list[str])."""
ThemeRole = Qt.ItemDataRole.UserRole + 3
"""The row's theme id."""
GroupRole = Qt.ItemDataRole.UserRole + 4
"""The column's group key (str), ALL for the last column, None for the theme column."""

ALL = "\x00all"  # the "All participants" column's key: no attribute value can be this
MISSING = "\x00none"  # the column of participants without the chosen attribute
ATTRIBUTE_ORDER = ("sector", "role", "relationship", "age", "gender", "year_group")
KIND_ORDER = [kind.value for kind in ParticipantKind]
ZERO_COLOUR = QColor(0x76, 0x76, 0x76)
CELL_SHADE = QColor(0x2F, 0x6F, 0xB3)


def everyone(passage: Passage) -> str | None:
    """One group holding every counted participant (the last column)."""
    return ALL


def natural_key(text: str) -> tuple[tuple[int, int | str], ...]:
    """P2 before P10, Year 7 before Year 10."""
    return tuple(
        (0, int(part)) if part.isdigit() else (1, part.casefold())
        for part in re.split(r"(\d+)", text)
        if part
    )


@dataclass(frozen=True)
class GroupingChoice:
    """One way to split participants into columns."""

    key: str  # "kind", "attribute:sector", "person"
    label: str  # what the chooser shows
    group: Grouping
    header: Callable[[str], str]  # a column's title from its group key
    order: Callable[[str], Any]  # sort key of the columns

    @property
    def per_person(self) -> bool:
        return self.key == "person"


def _kind_order(key: str) -> Any:
    return (KIND_ORDER.index(key) if key in KIND_ORDER else len(KIND_ORDER), key)


KIND = GroupingChoice("kind", "Kind", by_kind, lambda key: KIND_WORD.get(key, key), _kind_order)


def attribute_choice(name: str) -> GroupingChoice:
    """Columns by the attribute's values, then one for participants without it (parents and
    children have no sector), so the columns add up to "All participants"."""
    label = attribute_label(name)
    valued = by_attribute(name)

    def group(passage: Passage) -> str | None:
        value = valued(passage)
        return MISSING if value is None else value

    def header(value: str) -> str:
        if value == MISSING:
            return f"no {label}"
        if name == "year_group":
            return f"Year {value}"
        if name == "age":
            return f"age {value}"
        if value in ("True", "False"):
            return f"{label}: {'yes' if value == 'True' else 'no'}"
        return value

    def order(value: str) -> Any:
        return (value == MISSING, natural_key(value))

    return GroupingChoice(f"attribute:{name}", label.capitalize(), group, header, order)


def person_choice(passages: Iterable[Passage]) -> GroupingChoice:
    kinds = {p.speaker_ref: p.speaker_kind or "" for p in passages if p.speaker_ref}

    def order(ref: str) -> Any:
        return (_kind_order(kinds.get(ref, "")), natural_key(ref))

    return GroupingChoice("person", "Participant (ref)", by_person, lambda ref: ref, order)


def groupings_for(passages: Sequence[Passage]) -> list[GroupingChoice]:
    """Kind, each attribute the study's participants have, and each participant."""
    names = {name for p in passages if p.counts for name in p.speaker_attributes}
    ordered = [n for n in ATTRIBUTE_ORDER if n in names] + sorted(names - set(ATTRIBUTE_ORDER))
    return [KIND, *(attribute_choice(n) for n in ordered), person_choice(passages)]


def theme_rows(tree: ThemeTree) -> list[tuple[ThemeNode, int]]:
    """The themes in tree order (each parent before its children) with their depth."""
    children: dict[uuid.UUID | None, list[ThemeNode]] = {}
    for node in tree.nodes.values():  # already in position order
        parent = node.parent_id if node.parent_id in tree.nodes else None
        children.setdefault(parent, []).append(node)
    rows: list[tuple[ThemeNode, int]] = []

    def walk(parent: uuid.UUID | None, depth: int) -> None:
        for node in children.get(parent, []):
            rows.append((node, depth))
            walk(node.id, depth + 1)

    walk(None, 0)
    return rows


class MatrixModel(QAbstractTableModel):
    """Themes × groups; each cell the distinct participants who raised the theme."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._passages: list[Passage] = []
        self._tree = ThemeTree()
        self._choice = KIND
        self._themes: list[tuple[ThemeNode, int]] = []
        self._keys: list[str] = []
        self._cells: dict[uuid.UUID, dict[str, set[str]]] = {}
        self._totals: dict[uuid.UUID, dict[str, set[str]]] = {}
        self._people: dict[str, str] = {}  # ref -> descriptor, for the per-person headers
        self._peak = 1

    # -- what it shows -------------------------------------------------------------------------

    def set_corpus(self, corpus: Corpus, choice: GroupingChoice | None = None) -> None:
        self._passages = list(corpus.passages)
        self._tree = corpus.tree
        self._people = {
            p.speaker_ref: descriptor(p.speaker_kind, p.speaker_attributes)
            for p in self._passages
            if p.speaker_ref is not None
        }
        self.set_grouping(choice or self._choice)

    def set_grouping(self, choice: GroupingChoice) -> None:
        self.beginResetModel()
        self._choice = choice
        self._themes = theme_rows(self._tree)
        self._cells = matrix(self._passages, self._tree, choice.group)
        self._totals = matrix(self._passages, self._tree, everyone)
        keys = {key for cells in self._cells.values() for key in cells}
        self._keys = sorted(keys, key=choice.order)
        self._peak = max(
            (len(people) for cells in self._cells.values() for people in cells.values()),
            default=1,
        )
        self.endResetModel()

    @property
    def choice(self) -> GroupingChoice:
        return self._choice

    @property
    def passages(self) -> list[Passage]:
        return self._passages

    @property
    def tree(self) -> ThemeTree:
        return self._tree

    def groupings(self) -> list[GroupingChoice]:
        return groupings_for(self._passages)

    def group_keys(self) -> list[str]:
        """The group keys of the columns after the theme column (without ALL)."""
        return list(self._keys)

    def column_of(self, key: str) -> int:
        if key == ALL:
            return len(self._keys) + 1
        return self._keys.index(key) + 1 if key in self._keys else -1

    def row_of(self, theme_id: uuid.UUID) -> int:
        return next((n for n, (node, _) in enumerate(self._themes) if node.id == theme_id), -1)

    def people(self, theme_id: uuid.UUID, key: str) -> set[str]:
        table = self._totals if key == ALL else self._cells
        return set(table.get(theme_id, {}).get(key, set()))

    def passages_behind(self, index: Index) -> list[Passage]:
        """The counted passages behind a cell, in document order; the theme column gives
        all of the theme's counted passages."""
        if not index.isValid() or not 0 <= index.row() < len(self._themes):
            return []
        theme = self._themes[index.row()][0].id
        key = index.data(GroupRole)
        if key is None or key == ALL:
            return cell_passages(self._passages, self._tree, theme, everyone, ALL)
        return cell_passages(self._passages, self._tree, theme, self._choice.group, key)

    def describe(self, index: Index) -> str:
        """A cell in words: "Relationships between professionals × practitioner"."""
        if not index.isValid() or not 0 <= index.row() < len(self._themes):
            return ""
        name = self._themes[index.row()][0].name
        key = index.data(GroupRole)
        if key is None or key == ALL:
            return name
        return f"{name} × {self._header(key)}"

    # -- Qt ------------------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._themes)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._keys) + 2

    def _key(self, column: int) -> str | None:
        if column == 0:
            return None
        if column == len(self._keys) + 1:
            return ALL
        return self._keys[column - 1]

    def _header(self, key: str) -> str:
        return "All participants" if key == ALL else self._choice.header(key)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < self.columnCount():
            return None
        key = self._key(section)
        if role == Qt.ItemDataRole.DisplayRole:
            return "Theme" if key is None else self._header(key)
        if role == Qt.ItemDataRole.ToolTipRole and key is not None:
            if key == ALL:
                return "Every participant who raised the theme, whatever their group"
            if self._choice.per_person:
                return f"{key}: {self._people.get(key, '')}"
            return f"{self._choice.label}: {self._header(key)}"
        if role == GroupRole:
            return key
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._themes):
            return None
        if not 0 <= index.column() < self.columnCount():
            return None
        node, depth = self._themes[index.row()]
        key = self._key(index.column())
        if role == ThemeRole:
            return node.id
        if role == GroupRole:
            return key
        if key is None:
            if role == Qt.ItemDataRole.DisplayRole:
                return "\u2003" * 2 * depth + node.name
            if role == Qt.ItemDataRole.ToolTipRole:
                return node.description or node.name
            if role == Qt.ItemDataRole.FontRole and depth == 0:
                font = QFont()
                font.setBold(True)
                return font
            return None
        people = self.people(node.id, key)
        if role == CountRole:
            return len(people)
        if role == PeopleRole:
            return sorted(people, key=natural_key)
        if role == Qt.ItemDataRole.DisplayRole:
            if self._choice.per_person and key != ALL:
                return "✓" if people else ""
            return str(len(people))
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{self.describe(index)}: {len(people)}"
        if role == Qt.ItemDataRole.ToolTipRole:
            if not people:
                return f"No one in {self._header(key)} raised {node.name}."
            refs = ", ".join(sorted(people, key=natural_key))
            return f"{len(people)} raised {node.name}: {refs}. Enter lists their passages."
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.ForegroundRole and not people:
            return ZERO_COLOUR
        if role == Qt.ItemDataRole.BackgroundRole and people and key != ALL:
            shade = QColor(CELL_SHADE)
            shade.setAlpha(25 + int(70 * len(people) / max(self._peak, 1)))
            return shade
        if role == Qt.ItemDataRole.FontRole and key == ALL:
            font = QFont()
            font.setBold(True)
            return font
        return None
