"""Quote-bank rows as a table model, and the delegate that draws a passage inside its context.

The model holds `services.quote_bank.QuoteRow`s and never touches the database: ticking the
exemplar box emits `sig_exemplar_toggled`, and the view turns that into an undo command.
"""

from __future__ import annotations

import html
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRectF,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QColor,
    QPainter,
    QPalette,
    QTextDocument,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHeaderView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
)

from plrdesk.services.quote_bank import QuoteRow

Index = QModelIndex | QPersistentModelIndex

EXEMPLAR, PASSAGE, WHO, QUESTION, STATUS, CODER = range(6)
HEADERS = ("Quote", "Passage in its context", "Who, where", "Question", "Status", "Coded by")

RowRole = Qt.ItemDataRole.UserRole + 1
"""The QuoteRow of any cell."""
HtmlRole = Qt.ItemDataRole.UserRole + 2
"""PASSAGE column: the context with the passage in bold, as rich text."""

# The same mid grey the register uses for withdrawn people (4.5:1 on white).
NOT_COUNTED_COLOUR = QColor(0x76, 0x76, 0x76)
# Muted but readable for "counted, not quotable" and group lines.
CAUTION_COLOUR = QColor(0x8A, 0x4B, 0x00)

# Context shown in a row before and after the passage (the detail pane shows all of it):
# little before, so the passage itself is in view in a three-line row.
CONTEXT_BEFORE = 80
CONTEXT_AFTER = 200

SESSION_KIND_LABEL = {
    "practitioner-interview": "practitioner interview",
    "phone-interview": "phone interview",
    "focus-group": "focus group",
    "other": "other",
}


def session_kind_label(kind: str) -> str:
    return SESSION_KIND_LABEL.get(kind, kind.replace("-", " "))


def trimmed_before(text: str, limit: int = CONTEXT_BEFORE) -> str:
    """The end of the context before, cut at a word with a leading ellipsis when long."""
    if len(text) <= limit:
        return text
    cut = text[-limit:]
    space = cut.find(" ")
    return "…" + (cut[space + 1 :] if 0 <= space < 30 else cut)


def trimmed_after(text: str, limit: int = CONTEXT_AFTER) -> str:
    if len(text) <= limit:
        return text
    cut = text[:limit]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit - 30 else cut) + "…"


def passage_html(row: QuoteRow, *, full: bool = False) -> str:
    """The context with the passage in bold (escaped; line breaks kept)."""
    before, after = row.before, row.after
    if not full:
        before, after = trimmed_before(before), trimmed_after(after)

    def esc(text: str) -> str:
        return html.escape(text).replace("\n", "<br>")

    return f"{esc(before)}<b>{esc(row.passage.text)}</b>{esc(after)}"


def passage_plain(row: QuoteRow) -> str:
    return f"{trimmed_before(row.before)}{row.passage.text}{trimmed_after(row.after)}"


def session_text(row: QuoteRow) -> str:
    return f"{row.passage.session_ref} · {session_kind_label(row.session_kind)}"


def question_text(row: QuoteRow) -> str:
    return row.question_label or row.question or ""


def can_toggle(row: QuoteRow) -> bool:
    """The box can be ticked when the report may quote the passage, and always cleared."""
    return row.not_quotable is None or row.exemplar


class QuoteTableModel(QAbstractTableModel):
    """One row per coded passage; RowRole returns the QuoteRow."""

    sig_exemplar_toggled = Signal(uuid.UUID, bool)
    """The user ticked or cleared the exemplar box: (coding id, new value). The model
    itself changes only when told to (`set_exemplar`), by the undo command."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[QuoteRow] = []
        self._coders: Mapping[uuid.UUID, str] = {}

    def set_rows(
        self, rows: Sequence[QuoteRow], coders: Mapping[uuid.UUID, str] | None = None
    ) -> None:
        """Show these rows; `coders` names each coding's coder (kept when not given)."""
        self.beginResetModel()
        self._rows = list(rows)
        if coders is not None:
            self._coders = dict(coders)
        self.endResetModel()

    def coder(self, row: QuoteRow) -> str:
        return self._coders.get(row.coding_id, "")

    def rows(self) -> list[QuoteRow]:
        return list(self._rows)

    def row_of(self, coding_id: uuid.UUID) -> int:
        """The row number of the coding, or -1."""
        return next((n for n, row in enumerate(self._rows) if row.coding_id == coding_id), -1)

    def set_exemplar(self, coding_id: uuid.UUID, exemplar: bool) -> bool:
        """Show the flag as changed; False when the coding is not listed."""
        n = self.row_of(coding_id)
        if n < 0:
            return False
        self._rows[n] = self._rows[n].with_exemplar(exemplar)
        self.dataChanged.emit(self.index(n, 0), self.index(n, len(HEADERS) - 1))
        return True

    # -- Qt ------------------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(HEADERS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        if role == Qt.ItemDataRole.ToolTipRole and section == EXEMPLAR:
            return "Ticked: usable as a quote in the report (Space)"
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == EXEMPLAR and can_toggle(self._rows[index.row()]):
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(row, column)
        if role == Qt.ItemDataRole.CheckStateRole and column == EXEMPLAR:
            if not can_toggle(row):
                return None  # no box: the status column says why
            return Qt.CheckState.Checked if row.exemplar else Qt.CheckState.Unchecked
        if role == HtmlRole and column == PASSAGE:
            return passage_html(row)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, column)
        if role == Qt.ItemDataRole.ForegroundRole:
            if row.excluded is not None:
                return NOT_COUNTED_COLOUR
            if column == STATUS and row.not_quotable is not None:
                return CAUTION_COLOUR
        if role == Qt.ItemDataRole.AccessibleTextRole and column == EXEMPLAR:
            return "usable quote" if row.exemplar else "not marked"
        if role == RowRole:
            return row
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if (
            role != Qt.ItemDataRole.CheckStateRole
            or not index.isValid()
            or index.column() != EXEMPLAR
            or not 0 <= index.row() < len(self._rows)
        ):
            return False
        row = self._rows[index.row()]
        if not can_toggle(row):
            return False
        wanted = Qt.CheckState(value) == Qt.CheckState.Checked
        if wanted != row.exemplar:
            self.sig_exemplar_toggled.emit(row.coding_id, wanted)
        return True

    def text(self, row: QuoteRow, column: int) -> str:
        if column == PASSAGE:
            return passage_plain(row)
        if column == WHO:
            return f"{row.who}\n{session_text(row)}"
        if column == QUESTION:
            return question_text(row)
        if column == STATUS:
            return row.status
        if column == CODER:
            return self.coder(row)
        return ""

    def _tooltip(self, row: QuoteRow, column: int) -> str | None:
        if column == PASSAGE:
            parts = [row.passage.text]
            if row.theme_name:
                parts.append(f"Theme: {row.theme_name}")
            if row.passage.memo:
                parts.append(f"Memo: {row.passage.memo}")
            parts.append("Enter: open it in its session.")
            return "\n".join(parts)
        if column == QUESTION and row.question_label:
            return f"{row.question}: {row.question_label}"
        if column in (STATUS, EXEMPLAR):
            if row.excluded is not None:
                return (
                    f"Not counted and never quoted: {row.excluded}. It stays in the study, "
                    "out of every count and the report."
                )
            reason = row.not_quotable
            if reason is not None:
                return f"Counts for the theme, but the report cannot quote it: {reason}."
            return "Counts for the theme; the report may quote it if marked."
        return None


class PassageDelegate(QStyledItemDelegate):
    """Draws HtmlRole (the passage bold inside its context), wrapped, clipped to the row."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        source = index.data(HtmlRole)
        if not isinstance(source, str):
            super().paint(painter, option, index)
            return
        widget = opt.widget
        style = widget.style() if widget is not None else QApplication.style()
        opt.text = ""
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        rect = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, opt, widget)
        doc = self._document(source, opt, rect.width())
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        context = QAbstractTextDocumentLayout.PaintContext()
        foreground = index.data(Qt.ItemDataRole.ForegroundRole)
        palette: QPalette = opt.palette
        if selected:
            colour = palette.color(QPalette.ColorRole.HighlightedText)
        elif isinstance(foreground, QColor):
            colour = foreground
        else:
            colour = palette.color(QPalette.ColorRole.Text)
        context.palette.setColor(QPalette.ColorRole.Text, colour)
        # Show whole lines only; a mark says there is more (the detail pane has it all).
        height, more = _whole_lines(doc, rect.height())
        clip = QRectF(0, 0, rect.width(), height)
        painter.save()
        painter.translate(rect.topLeft())
        painter.setClipRect(clip)
        context.clip = clip
        doc.documentLayout().draw(painter, context)
        painter.restore()
        if more:
            painter.save()
            painter.setPen(colour)
            painter.drawText(
                rect, int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom), "…"
            )
            painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        source = index.data(HtmlRole)
        if not isinstance(source, str):
            return super().sizeHint(option, index)
        width = max(option.rect.width(), 200)
        doc = self._document(source, option, width)
        return QSize(width, int(doc.size().height()) + 4)

    @staticmethod
    def _document(source: str, option: QStyleOptionViewItem, width: int) -> QTextDocument:
        doc = QTextDocument()
        doc.setDocumentMargin(2)
        doc.setDefaultFont(option.font)
        doc.setHtml(source)
        doc.setTextWidth(width)
        return doc


def _whole_lines(doc: QTextDocument, room: float) -> tuple[float, bool]:
    """The height of the lines that fit whole in `room`, and whether any line is left out."""
    layout = doc.documentLayout()
    fitted = 0.0
    block = doc.begin()
    while block.isValid():
        top = layout.blockBoundingRect(block).top()
        lines = block.layout()
        for n in range(lines.lineCount()):
            line = lines.lineAt(n)
            bottom = top + line.y() + line.height()
            if bottom > room + 0.5:
                return fitted, True
            fitted = bottom
        block = block.next()
    return max(fitted, 1.0), False


def set_up_passage_table(table: QTableView, model: QuoteTableModel) -> None:
    """A table of quote rows: three lines a row, the passage column taking the room left."""
    table.setModel(model)
    table.setItemDelegateForColumn(PASSAGE, PassageDelegate(table))
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setTabKeyNavigation(False)
    table.setWordWrap(True)
    table.setAlternatingRowColors(True)
    vertical = table.verticalHeader()
    vertical.hide()
    vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    vertical.setDefaultSectionSize(table.fontMetrics().lineSpacing() * 3 + 10)
    header = table.horizontalHeader()
    header.setHighlightSections(False)
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    header.setSectionResizeMode(EXEMPLAR, QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(PASSAGE, QHeaderView.ResizeMode.Stretch)
    for column, width in ((WHO, 215), (QUESTION, 150), (STATUS, 130), (CODER, 120)):
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(column, width)
    # Only the quote bank knows who coded each row (it shows the column itself).
    table.setColumnHidden(CODER, True)
