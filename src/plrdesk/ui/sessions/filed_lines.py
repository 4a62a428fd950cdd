"""The focus group's filed lines as a tree: one branch per guide question (in guide order,
then "Other notes"), under it the lines in the order they were said, each with its
speaker's number and ref. EntryRole returns the EntryRecord of a line; the text of a
line can be edited in place (an undo step like typing). A coded line shows a swatch in
its themes' colours (stripes for several) and names them, with their memos, in its
tooltip; CodingsRole gives its codings."""

from __future__ import annotations

import html
import uuid
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics
from PySide6.QtWidgets import QStyledItemDelegate, QStyleOptionViewItem, QTreeView

from plrdesk.services.sessions import EntryRecord
from plrdesk.ui.sessions.document import SessionDocument
from plrdesk.ui.sessions.entry_editor import FLAG_RED, LEFT_OUT
from plrdesk.ui.sessions.highlight import coding_tooltip, swatch_icon
from plrdesk.ui.sessions.question_list import OTHER
from plrdesk.ui.table_models import Index

EntryRole = Qt.ItemDataRole.UserRole + 1
QuestionRole = Qt.ItemDataRole.UserRole + 2
CodingsRole = Qt.ItemDataRole.UserRole + 3

_TOP = 0  # internal id of a question row; a line's internal id is its question row + 1


def speaker_label(doc: SessionDocument, ref: str | None) -> str:
    member = doc.member(ref)
    if member is None:
        return "Group" if ref is None else ref
    return f"{member.number} · {member.ref}" if member.number <= 9 else member.ref


def line_text(doc: SessionDocument, record: EntryRecord) -> str:
    parts = []
    if record.show_of_hands is not None:
        counts = ", ".join(f"{k} {v}" for k, v in record.show_of_hands.items())
        parts.append(f"Hands: {counts}")
    if record.text:
        parts.append(("❝ " if record.verbatim else "") + record.text)
    text = " — ".join(parts)
    prefix = "⚠ Safeguarding — " if record.flagged else ""
    return f"{prefix}{speaker_label(doc, record.speaker_ref)}: {text}"


class WrappingDelegate(QStyledItemDelegate):
    """Rows as tall as their wrapped text at the view's width (QTreeView alone elides)."""

    def __init__(self, view: QTreeView) -> None:
        super().__init__(view)
        self._view = view

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        hint = super().sizeHint(option, index)
        depth = 1 if index.parent().isValid() else 0
        width = self._view.viewport().width() - self._view.indentation() * (depth + 1) - 8
        text = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
        if width <= 50 or not text:
            return hint
        font = index.data(Qt.ItemDataRole.FontRole)
        metrics = QFontMetrics(font if isinstance(font, QFont) else option.font)
        rect = metrics.boundingRect(
            QRect(0, 0, width, 100_000), int(Qt.TextFlag.TextWordWrap), text
        )
        return QSize(hint.width(), max(hint.height(), rect.height() + 4))


class FiledLinesModel(QAbstractItemModel):
    def __init__(self, doc: SessionDocument) -> None:
        super().__init__()
        self._doc = doc
        self._questions: list[str | None] = [item.id for item in doc.questions()] + [None]
        self._lines: dict[str | None, list[uuid.UUID]] = {q: [] for q in self._questions}
        for record in doc.entries:
            self._lines[self._group(record.question)].append(record.id)
        doc.sig_entry_added.connect(self._added)
        doc.sig_entry_changed.connect(self._changed)
        doc.sig_entry_removed.connect(self._removed)
        # A line the study could not take leaves the list; the document keeps its words and
        # files it again (the same line, the same speaker) once the study can be written.
        doc.sig_entry_not_added.connect(lambda record: self._removed(record.id))
        doc.codings.sig_changed.connect(self._codings_changed)

    def _group(self, question: str | None) -> str | None:
        return question if question in self._lines else None

    def _sorted(self, question: str | None) -> list[uuid.UUID]:
        records = [r for r in self._doc.entries if self._group(r.question) == question]
        return [r.id for r in records]  # the document keeps its entries in position order

    # -- following the document ----------------------------------------------------------

    def _added(self, record: EntryRecord) -> None:
        question = self._group(record.question)
        lines = self._sorted(question)
        row = lines.index(record.id)
        group_row = self._questions.index(question)
        self.beginInsertRows(self.index(group_row, 0), row, row)
        self._lines[question] = lines
        self.endInsertRows()
        self._group_changed(group_row)

    def _changed(self, record: EntryRecord) -> None:
        index = self.index_of(record.id)
        if not index.isValid():
            return
        if self._lines[self._group(record.question)] != self._sorted(
            self._group(record.question)
        ):  # moved to another question: rare, start over
            self.beginResetModel()
            for question in self._questions:
                self._lines[question] = self._sorted(question)
            self.endResetModel()
            return
        self.dataChanged.emit(index, index)

    def _removed(self, entry_id: uuid.UUID) -> None:
        for group_row, question in enumerate(self._questions):
            lines = self._lines[question]
            if entry_id in lines:
                row = lines.index(entry_id)
                self.beginRemoveRows(self.index(group_row, 0), row, row)
                lines.remove(entry_id)
                self.endRemoveRows()
                self._group_changed(group_row)
                return

    def _codings_changed(self, entry_ids: set[uuid.UUID]) -> None:
        for entry_id in entry_ids:
            index = self.index_of(entry_id)
            if index.isValid():
                self.dataChanged.emit(index, index)

    def _group_changed(self, group_row: int) -> None:
        index = self.index(group_row, 0)
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.DisplayRole])

    # -- lookups ----------------------------------------------------------------------------

    def index_of(self, entry_id: uuid.UUID) -> QModelIndex:
        for group_row, question in enumerate(self._questions):
            lines = self._lines[question]
            if entry_id in lines:
                return self.index(lines.index(entry_id), 0, self.index(group_row, 0))
        return QModelIndex()

    def question_index(self, question: str | None) -> QModelIndex:
        question = self._group(question)
        return self.index(self._questions.index(question), 0)

    def record(self, index: Index) -> EntryRecord | None:
        if not index.isValid() or index.internalId() == _TOP:
            return None
        question = self._questions[index.internalId() - 1]
        lines = self._lines[question]
        if not 0 <= index.row() < len(lines):
            return None
        return self._doc.entry(lines[index.row()])

    # -- the model --------------------------------------------------------------------------

    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        if column != 0 or row < 0:
            return QModelIndex()
        if not parent.isValid():
            if row >= len(self._questions):
                return QModelIndex()
            return self.createIndex(row, 0, _TOP)
        if parent.internalId() != _TOP or parent.column() != 0:
            return QModelIndex()
        if row >= len(self._lines[self._questions[parent.row()]]):
            return QModelIndex()
        return self.createIndex(row, 0, parent.row() + 1)

    def parent(self, index: Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not index.isValid() or index.internalId() == _TOP:
            return QModelIndex()
        return self.createIndex(index.internalId() - 1, 0, _TOP)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        if not parent.isValid():
            return len(self._questions)
        if parent.internalId() == _TOP and parent.column() == 0:
            return len(self._lines[self._questions[parent.row()]])
        return 0

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 1

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if index.internalId() == _TOP:
            question = self._questions[index.row()]
            if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
                item = self._doc.question(question)
                title = " ".join(item.text.split()) if item else OTHER
                if len(title) > 90:
                    title = title[:89] + "…"
                count = len(self._lines[question])
                number = f"{index.row() + 1}. " if item else ""
                return f"{number}{title} ({count})"
            if role == Qt.ItemDataRole.FontRole:
                font = QFont()
                font.setBold(True)
                return font
            if role == QuestionRole:
                return question
            return None
        record = self.record(index)
        if record is None:
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return line_text(self._doc, record)
        if role == Qt.ItemDataRole.EditRole:
            return record.text or ""
        codings = self._doc.codings.of(record.id)
        if role == Qt.ItemDataRole.ToolTipRole:
            tips = []
            if record.flagged:
                action = html.escape(record.safeguarding_action or "")
                tips.append(f"Safeguarding: {action}<br>{LEFT_OUT}")
            if codings:
                tips.append(coding_tooltip(codings))
            if not tips:
                return record.ref or None
            return "<br>".join(tips)
        if role == Qt.ItemDataRole.DecorationRole and codings:
            return swatch_icon([c.view.colour for c in codings])
        if role == CodingsRole:
            return codings
        if role == Qt.ItemDataRole.ForegroundRole and record.flagged:
            return QBrush(QColor(FLAG_RED))
        if role == Qt.ItemDataRole.FontRole and record.verbatim:
            font = QFont()
            font.setItalic(True)
            return font
        if role == EntryRole:
            return record
        if role == QuestionRole:
            return record.question
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        record = self.record(index)
        if role != Qt.ItemDataRole.EditRole or record is None or not isinstance(value, str):
            return False
        self._doc.type_text(record.id, value)
        return True

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        record = self.record(index)
        if record is not None:
            flags |= Qt.ItemFlag.ItemNeverHasChildren
            if record.show_of_hands is None:
                flags |= Qt.ItemFlag.ItemIsEditable
        return flags
