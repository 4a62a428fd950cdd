"""The register as a table model, and the proxy that sorts and filters it."""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QColor

from plrdesk.domain.kinds import ParticipantKind
from plrdesk.services.participants import KIND_LABEL, ParticipantRow
from plrdesk.ui.table_models import Index

REF, NAME, KIND, DETAILS, GUARDIANS, CONSENT = range(6)
HEADERS = ("Ref", "Name", "Kind", "Details", "Guardians", "Consent")

RowRole = Qt.ItemDataRole.UserRole + 1
"""The ParticipantRow of any cell."""

# Mid grey: readable on light and dark backgrounds (4.5:1 on white), clearly "not counted".
WITHDRAWN_COLOUR = QColor(0x76, 0x76, 0x76)
# Dark amber for a consent still to get: stands out from "consented", 6:1 on white.
TO_DO_COLOUR = QColor(0x8A, 0x4B, 0x00)


def details_text(row: ParticipantRow) -> str:
    """The attributes in a few words: "voluntary · project worker", "age 12 · boy · Year 7"."""
    attrs = dict(row.attributes)
    parts: list[str] = []
    if row.kind == ParticipantKind.PRACTITIONER:
        parts += [str(attrs.pop(key)) for key in ("sector", "role") if key in attrs]
    elif row.kind == ParticipantKind.PARENT:
        parts += [str(attrs.pop("relationship"))] if "relationship" in attrs else []
    elif row.kind == ParticipantKind.CHILD:
        if "age" in attrs:
            parts.append(f"age {attrs.pop('age')}")
        if "gender" in attrs:
            parts.append(str(attrs.pop("gender")))
        if "year_group" in attrs:
            parts.append(f"Year {attrs.pop('year_group')}")
    parts += [f"{key}: {_plain(value)}" for key, value in attrs.items()]
    return " · ".join(parts)


def _plain(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def natural_key(text: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key that puts P2 before P10: digit runs compare as numbers."""
    return tuple(
        (0, int(part)) if part.isdigit() else (1, part.casefold())
        for part in re.split(r"(\d+)", text)
        if part
    )


class ParticipantTableModel(QAbstractTableModel):
    """One row per participant; RowRole returns the ParticipantRow."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[ParticipantRow] = []
        self._names: dict[str, str] = {}

    def set_rows(self, rows: list[ParticipantRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._names = {row.ref: row.name for row in rows}
        self.endResetModel()

    def rows(self) -> list[ParticipantRow]:
        return list(self._rows)

    def row_of(self, ref: str) -> int:
        """The row number of `ref`, or -1."""
        return next((n for n, row in enumerate(self._rows) if row.ref == ref), -1)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(HEADERS)
        ):
            return HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(row, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, column)
        if role == Qt.ItemDataRole.ForegroundRole:
            if row.withdrawn:
                return WITHDRAWN_COLOUR
            if column == CONSENT and row.consent_gaps:
                return TO_DO_COLOUR
        if role == RowRole:
            return row
        return None

    def text(self, row: ParticipantRow, column: int) -> str:
        if column == REF:
            return row.ref
        if column == NAME:
            return row.name
        if column == KIND:
            return KIND_LABEL[row.kind]
        if column == DETAILS:
            return details_text(row)
        if column == GUARDIANS:
            return ", ".join(row.guardians)
        if column == CONSENT:
            if row.withdrawn and row.withdrawn_on is not None:
                return f"withdrawn {row.withdrawn_on:%d %b %Y}"
            return row.consent_status
        return ""

    def _tooltip(self, row: ParticipantRow, column: int) -> str | None:
        if column == NAME and row.contact:
            return f"Contact: {row.contact}"
        if column == GUARDIANS and row.guardians:
            return "\n".join(f"{ref}: {self._names.get(ref, '?')}" for ref in row.guardians)
        if column == CONSENT:
            if row.withdrawn:
                return (
                    f"{row.ref} is left out of every count, quote and export."
                    " Their notes stay in the study unless they were erased."
                )
            if row.consent_gaps:
                return "\n".join(f"{row.ref} {gap}." for gap in row.consent_gaps)
            granted = ", ".join(sorted(p.value for p in row.permissions))
            return f"May: {granted}."
        return None


class ParticipantFilterProxy(QSortFilterProxyModel):
    """Sorts by any column (refs naturally) and keeps rows whose text holds every word typed."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._words: list[str] = []
        self.setDynamicSortFilter(True)

    def set_filter_text(self, text: str) -> None:
        words = text.casefold().split()
        if words == self._words:
            return
        if hasattr(self, "beginFilterChange"):  # Qt 6.9+, where invalidateRowsFilter is deprecated
            self.beginFilterChange()
            self._words = words
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:  # pragma: no cover - Qt 6.7 and 6.8
            self._words = words
            self.invalidateRowsFilter()

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        if not self._words:
            return True
        model = self.sourceModel()
        haystack = " ".join(
            str(model.index(source_row, column, source_parent).data() or "")
            for column in range(model.columnCount(source_parent))
        ).casefold()
        return all(word in haystack for word in self._words)

    def lessThan(self, left: Index, right: Index) -> bool:
        a, b = left.data(RowRole), right.data(RowRole)
        if not isinstance(a, ParticipantRow) or not isinstance(b, ParticipantRow):
            return super().lessThan(left, right)
        column = left.column()
        if column == REF:
            return natural_key(a.ref) < natural_key(b.ref)
        # Ties (two "consented") fall back to the ref, so the order is stable and sensible.
        key_a = (natural_key(str(left.data() or "")), natural_key(a.ref))
        key_b = (natural_key(str(right.data() or "")), natural_key(b.ref))
        return key_a < key_b
