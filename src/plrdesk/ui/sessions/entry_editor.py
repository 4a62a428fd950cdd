"""One note on screen: its text, when it was said, whether it is a quote, a follow-up
question or flagged for safeguarding.

The text box (note_text.NoteText) is as tall as what is typed (nothing scrolls inside it),
Tab moves to the next note, and Ctrl+Z / Ctrl+Shift+Z go to the study's undo stack. An
editor may be *unbound*: a blank note waiting for its first keystroke, which then asks
for an entry to be made (so leaving a blank note never leaves an empty entry behind).

Coding: the editor shows the note's codings (tinted spans, chips for whole-note ones,
a tooltip with themes and memos), accepts a theme dragged from the theme tree, lets the
coding controller add to its context menu, and reports every change of its text exactly
(`take_edits`: Qt's contentsChange as `Edit`s since the last call, None when unknown) so
codings follow the very words they were put on.

Qt counts positions in UTF-16 units, the study in Python indexes (they part after the first
emoji): the editor converts at each meeting (`ui.text_positions`) so that what it hands out,
edits and the position under a click or the pointer, is in Python indexes. The one
exception is `sig_theme_dropped`, whose span goes into a coding `Target` as Qt reported it
(the coding actions convert targets, from selections and drops alike).
"""

from __future__ import annotations

import datetime as dt
import html
import uuid
from collections.abc import Sequence

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from plrdesk.domain.spans import Edit
from plrdesk.services.sessions import EntryRecord
from plrdesk.ui.sessions.highlight import LiveCoding, chips_html, coding_tooltip, extra_selections
from plrdesk.ui.sessions.note_text import NoteText as NoteText
from plrdesk.ui.text_positions import TextPositions, positions_of

FLAG_RED = "#b71c1c"
QUOTE_BLUE = "#1565c0"
MUTED = "#5f6368"
LEFT_OUT = "Left out of all analysis and exports."
NOTICE_MS = 30_000  # how long a notice under a note stays


class _NoChange:
    """Qt reported a change that changed no character (a format change)."""


NO_CHANGE = _NoChange()


def edit_from_change(
    old: str, new: str, position: int, removed: int, added: int
) -> Edit | _NoChange | None:
    """The exact edit behind Qt's contentsChange(position, removed, added) from `old` to
    `new`, in Python indexes, None when the report does not fit the texts (then the edits
    are unknown).

    Qt reports in UTF-16 units: the position and the end of what was removed are found in
    `old`, the end of what was added in `new`. Qt counts the document's closing paragraph
    mark in some reports (both counts one too many, or more than the text holds); those are
    brought back to the plain text.
    """
    if old == new:
        return NO_CHANGE
    found = _in_python(old, new, position, removed, added)
    if found is None:
        return None
    position, removed, added = found
    for slack in (0, 1):
        r = min(removed - slack, len(old) - position)
        a = min(added - slack, len(new) - position)
        if r < 0 or a < 0:
            break
        if (
            len(old) - r + a == len(new)
            and old[:position] == new[:position]
            and old[position + r :] == new[position + a :]
        ):
            return Edit(position, r, a)
    return None


def _in_python(
    old: str, new: str, position: int, removed: int, added: int
) -> tuple[int, int, int] | None:
    """Qt's (position, removed, added) as Python counts; what lies past the end of a text
    (the closing paragraph mark) is kept as it is, one unit being one character there."""
    before, after = positions_of(old), positions_of(new)
    if not before.is_boundary(position):
        return None

    def end_of(positions: TextPositions, end: int) -> int | None:
        if end > positions.utf16_length:
            return positions.length + end - positions.utf16_length
        return positions.to_python(end) if positions.is_boundary(end) else None

    removed_to = end_of(before, position + removed)
    added_to = end_of(after, position + added)
    if removed_to is None or added_to is None:
        return None
    start = before.to_python(position)
    return start, removed_to - start, added_to - start


def clock_time(at: dt.datetime | None) -> str:
    """A moment as the researcher's local hours and minutes."""
    return "" if at is None else at.astimezone().strftime("%H:%M")


def speaker_label(record: EntryRecord, *, several: bool) -> str | None:
    """Who a note is from, as its line says it (None: nothing to say, the one participant
    of an interview). A follow-up is the researcher's own question; "group" is only for a
    note from nobody in particular among several people."""
    if record.speaker_ref is not None:
        return record.speaker_ref if several else None
    if record.follow_up:
        return "you asked"
    return "group" if several else "your note"


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
        self._last_text = ""
        self._edits: list[Edit] | None = []

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
        self.codes_label = QLabel()
        self.codes_label.setObjectName("wholeNoteCodings")
        self.codes_label.setTextFormat(Qt.TextFormat.RichText)
        self.codes_label.setWordWrap(True)
        self.codes_label.hide()
        self.notice = QLabel()
        self.notice.setObjectName("codingNotice")
        self.notice.setTextFormat(Qt.TextFormat.RichText)
        self.notice.setWordWrap(True)
        self.notice.setAccessibleName("Coding notice")
        self.notice.setStyleSheet(
            "#codingNotice { background: #fff8e1; border: 1px solid #f9a825; border-radius: 3px;"
            " padding: 2px 6px; }"
        )
        self.notice.linkActivated.connect(lambda _link: self.notice.hide())
        self.notice.hide()
        self._notice_timer = QTimer(self)
        self._notice_timer.setSingleShot(True)
        self._notice_timer.setInterval(NOTICE_MS)
        self._notice_timer.timeout.connect(self.notice.hide)

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
        layout.addWidget(self.codes_label)
        layout.addWidget(self.flag_label)
        layout.addWidget(self.notice)

        self.text.document().contentsChange.connect(self._contents_changed)
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

    def unbind(self, pending_id: uuid.UUID) -> None:
        """Back to a draft: the entry made for it is not in the study; the text stays."""
        self.record = None
        self.pending_id = pending_id
        self._show_state()

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
            self._last_text = self.text.toPlainText()
            self._edits = []
        # The change ends at a Python index of `text`; the cursor wants a Qt position in
        # what the document made of it.
        shown = positions_of(self._last_text)
        cursor = self.text.textCursor()
        cursor.setPosition(shown.to_utf16(min(len(text) - tail, shown.length)))
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
        if record is not None and record.conflict_of_ref is not None:
            source = html.escape(record.conflict_from or "another copy")
            marks.append(f"<b>Conflict copy</b> of {html.escape(record.conflict_of_ref)}, {source}")
        self.marker.setText(" · ".join(marks))
        self.marker.setVisible(bool(marks))
        meta = []
        if record is not None:
            meta.append(speaker_label(record, several=self._show_speaker) or "")
            meta.append(clock_time(record.at))
            if record.ref:
                meta.append(record.ref)
        self.meta.setText(" · ".join(part for part in meta if part))
        font = self.text.font()
        if font.italic() != verbatim or font.bold() != self.follow_up:
            font.setItalic(verbatim)
            font.setBold(self.follow_up)
            self.text.setFont(font)
        if flagged and record is not None:
            action = html.escape(record.safeguarding_action or "")
            self.flag_label.setText(f"<b>Safeguarding:</b> {action}<br><i>{LEFT_OUT}</i>")
        self.flag_label.setVisible(flagged)
        border = FLAG_RED if flagged else QUOTE_BLUE if verbatim else "transparent"
        background = "#fff3f3" if flagged else "transparent"
        sheet = f"#entryFrame {{ border-left: 4px solid {border}; background: {background}; }}"
        if self.styleSheet() != sheet:  # a new sheet re-polishes every child: not per key
            self.setStyleSheet(sheet)
        self.text.setPlaceholderText(
            "Type the follow-up question you asked…" if self.follow_up else "Type a note…"
        )
        self.text.setAccessibleName(self.accessible_name())
        self.show_codings(self.text.codings)

    def _described(self) -> str:
        record = self.record
        described = []
        if record is not None and record.verbatim:
            described.append("marked as a quote")
        if record is not None and record.flagged:
            described.append("flagged for safeguarding: " + (record.safeguarding_action or ""))
        if record is not None and record.conflict_of_ref is not None:
            described.append(f"a merge conflict copy of {record.conflict_of_ref}")
        return "; ".join(described)

    def accessible_name(self) -> str:
        what = "Follow-up question" if self.follow_up else "Note"
        if self.record is None:
            return f"New {what.lower()}"
        return f"{what} {self.record.ref}".strip()

    def focus_text(self) -> None:
        self.text.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- codings -----------------------------------------------------------------------------

    def show_codings(self, codings: Sequence[LiveCoding]) -> None:
        """Tint the coded spans; name the codings of the whole note under it."""
        self.text.codings = list(codings)
        self.text.setExtraSelections(extra_selections(self.text.document(), codings))
        whole = [c for c in codings if c.span is None]
        self.codes_label.setText(f"<small>Whole note:</small> {chips_html(whole)}" if whole else "")
        self.codes_label.setVisible(bool(whole))
        self.codes_label.setToolTip(coding_tooltip(whole) if whole else "")
        themes = ", ".join(dict.fromkeys(c.view.theme_name for c in codings))
        self.text.setAccessibleDescription(
            "; ".join(
                part for part in (self._described(), f"coded: {themes}" if themes else "") if part
            )
        )

    def show_notice(self, text: str, *, lasting: bool = False) -> None:
        """A note under the text that stays a while (or until dismissed; `lasting`: until
        dismissed or `hide_notice`)."""
        self.notice.setText(f"{html.escape(text, quote=False)} &nbsp;<a href='dismiss'>Dismiss</a>")
        self.notice.show()
        if lasting:
            self._notice_timer.stop()
        else:
            self._notice_timer.start()

    def hide_notice(self) -> None:
        self._notice_timer.stop()
        self.notice.hide()

    # -- typing ------------------------------------------------------------------------------

    def _contents_changed(self, position: int, removed: int, added: int) -> None:
        new = self.text.toPlainText()
        old, self._last_text = self._last_text, new
        if self._silent:
            return
        edit = edit_from_change(old, new, position, removed, added)
        if isinstance(edit, _NoChange):
            return
        if edit is not None and old and edit.removed == len(old):
            # Every character replaced (setPlainText, or all selected and retyped): not an
            # edit to follow, so the save aligns old and new text instead.
            edit = None
        if edit is None or self._edits is None:
            self._edits = None
        else:
            self._edits.append(edit)

    def take_edits(self) -> list[Edit] | None:
        """The exact edits typed since the last call, in order (None: some were unknown)."""
        edits, self._edits = self._edits, []
        return edits

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
