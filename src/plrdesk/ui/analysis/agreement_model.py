"""Item models of the agreement view: themes worst first, and the entries where the two
coders differ on one theme. Both hold plain records from `services.agreement` and never
touch the database; RowRole returns the record of a row."""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, Qt

from plrdesk.services.agreement import Difference, ThemeAgreement, worst_first
from plrdesk.services.agreement_data import EntryInfo, rounded
from plrdesk.ui.table_models import HeaderedTableModel

Index = QModelIndex | QPersistentModelIndex

RowRole = Qt.ItemDataRole.UserRole + 1
"""The ThemeAgreement (theme table) or Difference (difference list) of any cell."""

THEME, KAPPA, AGREEMENT, DIFFER, UNITS = range(5)
WHERE, A_WORDS, B_WORDS = range(3)
NO_FIGURE = "–"


def figure(value: object) -> str:
    return NO_FIGURE if value is None else f"{value:.2f}"


class AgreementTableModel(HeaderedTableModel):
    """One row per theme, lowest kappa first."""

    HEADERS = ("Theme", "Kappa", "Agreement", "Units differing", "Units")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[ThemeAgreement] = []

    def set_rows(self, rows: Sequence[ThemeAgreement]) -> None:
        self.beginResetModel()
        self._rows = worst_first(rows)
        self.endResetModel()

    def rows(self) -> list[ThemeAgreement]:
        return list(self._rows)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role == RowRole:
            return row
        if role == Qt.ItemDataRole.DisplayRole:
            table = row.table
            return {
                THEME: row.theme.name,
                KAPPA: figure(rounded(row.kappa, 2)),
                AGREEMENT: figure(rounded(row.agreement, 2)),
                DIFFER: str(table.only_a + table.only_b),
                UNITS: str(table.units),
            }.get(column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column != THEME:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and column == THEME:
            t = row.table
            return (
                f"{t.both} coded by both, {t.only_a} by the first coder only,"
                f" {t.only_b} by the second only, {t.neither} by neither"
            )
        return None


class DifferenceModel(HeaderedTableModel):
    """The entries where the coders differ on the chosen theme, in document order."""

    HEADERS = ("Entry", "First coder's words", "Second coder's words")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[Difference] = []
        self._info: dict[Any, EntryInfo] = {}
        self._coders = ("First coder", "Second coder")

    def set_rows(
        self, rows: Sequence[Difference], info: dict[Any, EntryInfo], coders: tuple[str, str]
    ) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._info = info
        self._coders = coders
        self.endResetModel()

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and section in (A_WORDS, B_WORDS)
        ):
            return f"{self._coders[section - A_WORDS]}'s words"
        return super().headerData(section, orientation, role)

    def rows(self) -> list[Difference]:
        return list(self._rows)

    def info(self, row: Difference) -> EntryInfo | None:
        return self._info.get(row.entry_id)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if role == RowRole:
            return row
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        info = self._info.get(row.entry_id)
        text = info.text if info is not None else ""
        column = index.column()
        if column == WHERE:
            return f"{info.session_ref} · {info.ref}" if info is not None else ""
        spans = row.a_spans if column == A_WORDS else row.b_spans
        return coded_words(text, spans) or "(not coded)"


def coded_words(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """The coded words of a text, one passage after another, joined by an ellipsis."""
    return " … ".join(text[start:end].strip() for start, end in spans if text[start:end].strip())


def marked_html(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """The text, escaped, with the coded spans in bold and underlined (no colour: a reader
    who cannot tell colours apart sees the same)."""
    out: list[str] = []
    at = 0
    for start, end in spans:
        out.append(html.escape(text[at:start]))
        out.append(f"<b><u>{html.escape(text[start:end])}</u></b>")
        at = end
    out.append(html.escape(text[at:]))
    return "".join(out).replace("\n", "<br>")
