"""One note on screen: its text, when it was said, whether it is a quote, a follow-up
question or flagged for safeguarding.

The text box grows with what is typed (no inner scroll bar), Tab moves to the next
control, and Ctrl+Z / Ctrl+Shift+Z go to the study's undo stack, not the box's own. An
editor may be *unbound*: a blank note waiting for its first keystroke, which then asks
for an entry to be made (so leaving a blank note never leaves an empty entry behind).
"""

from __future__ import annotations

import datetime as dt
import html
import uuid

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import (
    QAction,
    QContextMenuEvent,
    QFocusEvent,
    QKeyEvent,
    QKeySequence,
    QResizeEvent,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from plrdesk.services.sessions import EntryRecord

FLAG_RED = "#b71c1c"
QUOTE_BLUE = "#1565c0"
MUTED = "#5f6368"
LEFT_OUT = "Left out of all analysis and exports."


def clock_time(at: dt.datetime | None) -> str:
    """A moment as the researcher's local hours and minutes."""
    return "" if at is None else at.astimezone().strftime("%H:%M")


class NoteText(QTextEdit):
    """Plain text that grows with its content; undo goes to the study's undo stack."""

    sig_focus_in = Signal()
    sig_focus_out = Signal(object)
    """The Qt.FocusReason focus left for."""

    def __init__(self, undo: QUndoStack, parent: QFrame | None = None) -> None:
        super().__init__(parent)
        self._undo = undo
        self.extra_actions: list[QAction] = []
        self.setAcceptRichText(False)
        self.setUndoRedoEnabled(False)
        self.setTabChangesFocus(True)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.document().setDocumentMargin(4)
        self.document().contentsChanged.connect(self._fit)
        self._fit()

    def _fit(self) -> None:
        lines = max(1, self.document().size().height())
        minimum = self.fontMetrics().lineSpacing() + 10
        self.setFixedHeight(max(minimum, int(lines) + 2 * self.frameWidth() + 2))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def event(self, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and (
                event.matches(QKeySequence.StandardKey.Undo)
                or event.matches(QKeySequence.StandardKey.Redo)
            )
        ):
            event.accept()  # ours, so the window's Undo action does not fire as well
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.matches(QKeySequence.StandardKey.Undo):
            self._undo.undo()
            return
        if event.matches(QKeySequence.StandardKey.Redo):
            self._undo.redo()
            return
        super().keyPressEvent(event)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        menu = self.createStandardContextMenu()
        for action in menu.actions():  # the box's own undo is off; the study's is in Edit
            if action.text().replace("&", "").startswith(("Undo", "Redo")):
                menu.removeAction(action)
        standard = menu.actions()
        if self.extra_actions and standard:
            first = menu.insertSeparator(standard[0])
            for action in self.extra_actions:
                menu.insertAction(first, action)
        elif self.extra_actions:
            menu.addActions(self.extra_actions)
        menu.exec(event.globalPos())
        menu.deleteLater()

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        self.sig_focus_in.emit()

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self.sig_focus_out.emit(event.reason())


class EntryEditor(QFrame):
    """A note, bound to an entry of the document, or blank and waiting for its first words."""

    sig_text_edited = Signal(object, str)
    """(EntryEditor, text): the researcher typed; unbound editors ask for an entry."""
    sig_focused = Signal(object)
    """This EntryEditor got the keyboard focus."""
    sig_left_blank = Signal(object)
    """This unbound EntryEditor lost the focus while still blank."""

    def __init__(
        self,
        undo: QUndoStack,
        *,
        question: str | None,
        record: EntryRecord | None = None,
        follow_up: bool = False,
        anchor: uuid.UUID | None = None,
        show_speaker: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("entryFrame")
        self.question = question
        self.follow_up = follow_up if record is None else record.follow_up
        self.anchor = anchor  # an unbound editor sits after this entry
        self.pending_id: uuid.UUID | None = None  # the entry being made for an unbound editor
        self.record: EntryRecord | None = None
        self._show_speaker = show_speaker
        self._silent = False

        self.marker = QLabel()
        self.marker.setObjectName("entryMarker")
        self.meta = QLabel()
        self.meta.setObjectName("entryMeta")
        self.meta.setStyleSheet(f"color: {MUTED};")
        self.text = NoteText(undo, self)
        self.flag_label = QLabel()
        self.flag_label.setObjectName("safeguardingLabel")
        self.flag_label.setWordWrap(True)
        self.flag_label.setTextFormat(Qt.TextFormat.RichText)
        self.flag_label.setStyleSheet(f"color: {FLAG_RED};")
        self.flag_label.hide()

        header = QHBoxLayout()
        header.setContentsMargins(0, 0, 0, 0)
        header.addWidget(self.marker)
        header.addStretch(1)
        header.addWidget(self.meta)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 2, 2, 2)
        layout.setSpacing(1)
        layout.addLayout(header)
        layout.addWidget(self.text)
        layout.addWidget(self.flag_label)

        self.text.textChanged.connect(self._typed)
        self.text.sig_focus_in.connect(lambda: self.sig_focused.emit(self))
        self.text.sig_focus_out.connect(self._focus_left)
        if record is not None:
            self.bind(record)
        else:
            self._show_state()

    # -- state -------------------------------------------------------------------------------

    @property
    def entry_id(self) -> uuid.UUID | None:
        return self.record.id if self.record is not None else None

    def bind(self, record: EntryRecord) -> None:
        """Show `record` (an unbound editor becomes the editor of the entry made for it)."""
        self.record = record
        self.pending_id = None
        self.follow_up = record.follow_up
        self.refresh()

    def refresh(self) -> None:
        """Show the record's current fields (text only when it differs: no echo while typing)."""
        if self.record is not None and (self.record.text or "") != self.text.toPlainText():
            self.set_text_silently(self.record.text or "")
        self._show_state()

    def set_text_silently(self, text: str) -> None:
        """Replace the text without it counting as typing; the cursor goes to the change."""
        old = self.text.toPlainText()
        start = 0
        while start < min(len(old), len(text)) and old[start] == text[start]:
            start += 1
        tail = 0
        while tail < min(len(old), len(text)) - start and old[-1 - tail] == text[-1 - tail]:
            tail += 1
        self._silent = True
        try:
            self.text.setPlainText(text)
        finally:
            self._silent = False
        cursor = self.text.textCursor()
        cursor.setPosition(len(text) - tail)
        self.text.setTextCursor(cursor)

    def _show_state(self) -> None:
        record = self.record
        verbatim = bool(record and record.verbatim)
        flagged = bool(record and record.flagged)
        marks = []
        if self.follow_up:
            marks.append("<b>Follow-up question</b>")
        if verbatim:
            marks.append(f"<span style='color:{QUOTE_BLUE}'><b>❝ Quote</b></span>")
        self.marker.setText(" · ".join(marks))
        self.marker.setVisible(bool(marks))
        meta = []
        if record is not None:
            if self._show_speaker or record.speaker_ref is None:
                meta.append(record.speaker_ref or "researcher / group")
            meta.append(clock_time(record.at))
            if record.ref:
                meta.append(record.ref)
        self.meta.setText(" · ".join(part for part in meta if part))
        font = self.text.font()
        font.setItalic(verbatim)
        font.setBold(self.follow_up)
        self.text.setFont(font)
        if flagged and record is not None:
            action = html.escape(record.safeguarding_action or "")
            self.flag_label.setText(f"<b>Safeguarding:</b> {action}<br><i>{LEFT_OUT}</i>")
        self.flag_label.setVisible(flagged)
        border = FLAG_RED if flagged else QUOTE_BLUE if verbatim else "transparent"
        background = "#fff3f3" if flagged else "transparent"
        self.setStyleSheet(
            f"#entryFrame {{ border-left: 4px solid {border}; background: {background}; }}"
        )
        self.text.setPlaceholderText(
            "Type the follow-up question you asked…" if self.follow_up else "Type a note…"
        )
        self.text.setAccessibleName(self.accessible_name())
        described = []
        if verbatim:
            described.append("marked as a quote")
        if flagged and record is not None:
            described.append("flagged for safeguarding: " + (record.safeguarding_action or ""))
        self.text.setAccessibleDescription("; ".join(described))

    def accessible_name(self) -> str:
        what = "Follow-up question" if self.follow_up else "Note"
        if self.record is None:
            return f"New {what.lower()}"
        return f"{what} {self.record.ref}".strip()

    def focus_text(self) -> None:
        self.text.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- typing ------------------------------------------------------------------------------

    def _typed(self) -> None:
        if not self._silent:
            self.sig_text_edited.emit(self, self.text.toPlainText())

    def _focus_left(self, reason: Qt.FocusReason) -> None:
        if (
            self.record is None
            and self.pending_id is None
            and not self.text.toPlainText()
            and reason != Qt.FocusReason.PopupFocusReason
        ):
            self.sig_left_blank.emit(self)
