"""The guide's questions on one side, the notes under each question on the other: the
heart of a practitioner interview and of a phone interview.

Keys (active anywhere in the widget):
- Ctrl+Enter: a new note under the current question, after the current note;
- Ctrl+Shift+F: a follow-up question there (its text is the question you asked);
- Ctrl+Q: mark or unmark the current note as a verbatim quote;
- Ctrl+Shift+S: flag the current note for safeguarding (asks what was done);
- Ctrl+Shift+Delete: delete the current note (Ctrl+Z brings it back);
- Ctrl+T: give the selected words (no selection: the whole note) a theme, from a picker
  that filters as you type; Ctrl+Shift+R: the theme applied last, again (see coding);
- Tab / Shift+Tab: the next / previous note box in order, question after question (the
  last wraps to the first), with the cursor at the end of its text; from the question
  list, its current question's notes (as Enter). Tab never leaves the notes: every key
  typed after it lands in a note (docs/decisions.md, "Keys in a session");
- Enter on a question: go to its notes.

A question without notes shows one blank note; a note is made in the study on its first
keystroke, so blank notes never become empty entries. As a note grows, the notes scroll
to keep its caret in view, with room for the next line (`follow_caret`).
"""

from __future__ import annotations

import uuid

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QPoint, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence, QTextCursor
from PySide6.QtWidgets import (
    QFrame,
    QLabel,
    QListView,
    QMenu,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from plrdesk.domain.ids import EntryId, new_id
from plrdesk.forms.schema import Item
from plrdesk.services.note_texts import LostCoding
from plrdesk.services.sessions import EntryRecord
from plrdesk.ui.sessions.coding import lost_notice
from plrdesk.ui.sessions.coding_actions import CodingActions, Target
from plrdesk.ui.sessions.document import SessionDocument
from plrdesk.ui.sessions.entry_editor import MUTED, EntryEditor
from plrdesk.ui.sessions.question_list import OTHER, QuestionListModel, probes_text
from plrdesk.ui.sessions.safeguarding import SafeguardingDialog, ask_to_flag

CARET_ROOM = 24  # pixels kept in view below the line being typed


def _muted(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet(f"color: {MUTED}; font-size: small;")
    return label


class QuestionSection(QWidget):
    """A question's heading and probes, then its notes in the order they were taken."""

    def __init__(self, number: int | None, item: Item | None, parent: QWidget | None = None):
        super().__init__(parent)
        self.question = item.id if item is not None else None
        title = " ".join(item.text.split()) if item is not None else OTHER
        self.heading = QLabel(f"{number}. {title}" if number is not None else title)
        self.heading.setWordWrap(True)
        self.heading.setStyleSheet("font-weight: bold; margin-top: 8px;")
        self.heading.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        self.probes = _muted(probes_text(item).replace("\n", "<br>"))
        self.editors: list[EntryEditor] = []
        self._box = QVBoxLayout()
        self._box.setSpacing(4)
        self.add_button = QPushButton("+ Add a note")
        self.add_button.setFlat(True)
        self.add_button.setAccessibleName(f"Add a note under: {title[:60]}")
        self.add_button.setToolTip("Ctrl+Enter")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.heading)
        layout.addWidget(self.probes)
        layout.addLayout(self._box)
        layout.addWidget(self.add_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.probes.setVisible(bool(item and item.probes))  # once parented: never a window

    def _key(self, editor: EntryEditor, positions: dict[EntryId, int]) -> float:
        if editor.record is not None:
            return float(editor.record.position)
        if editor.anchor is not None and editor.anchor in positions:
            return positions[EntryId(editor.anchor)] + 0.5
        return float("inf")

    def insert(self, editor: EntryEditor) -> None:
        if editor in self.editors:
            self.editors.remove(editor)
            self._box.removeWidget(editor)
        positions = {e.record.id: e.record.position for e in self.editors if e.record}
        if editor.record is not None:
            positions[editor.record.id] = editor.record.position
        key = self._key(editor, positions)
        index = next(
            (i for i, e in enumerate(self.editors) if self._key(e, positions) > key),
            len(self.editors),
        )
        self.editors.insert(index, editor)
        self._box.insertWidget(index, editor)

    def take(self, editor: EntryEditor) -> None:
        if editor in self.editors:
            self.editors.remove(editor)
            self._box.removeWidget(editor)
            editor.hide()
            editor.deleteLater()

    def bound(self) -> list[EntryEditor]:
        return [e for e in self.editors if e.record is not None]


class GuideNotes(QWidget):
    def __init__(self, doc: SessionDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.doc = doc
        self.current_editor: EntryEditor | None = None
        self.safeguarding_dialog: SafeguardingDialog | None = None
        questions = doc.questions()
        known = {item.id for item in questions}
        with_other = not questions or any(e.question not in known for e in doc.entries)
        self.model = QuestionListModel(questions, with_other=with_other)
        self.question_list = QListView()
        self.question_list.setModel(self.model)
        self.question_list.setWordWrap(True)
        self.question_list.setUniformItemSizes(False)
        self.question_list.setSpacing(2)
        self.question_list.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.question_list.setAccessibleName("Questions of the guide")
        self.question_list.selectionModel().currentChanged.connect(self._question_chosen)
        self.question_list.activated.connect(self._go_to_notes)
        self.probes = _muted("")
        self.probes.setAccessibleName("Probes for the current question")
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        heading = QLabel("&Questions")
        heading.setBuddy(self.question_list)
        left_layout.addWidget(heading)
        left_layout.addWidget(self.question_list, 1)
        left_layout.addWidget(self.probes)

        self.sections: dict[str | None, QuestionSection] = {}
        page = QWidget()
        self._page_layout = QVBoxLayout(page)
        self._page_layout.setContentsMargins(6, 0, 6, 6)
        reminders = doc.reminders()
        if reminders:
            self._page_layout.addWidget(self._reminder(reminders[0]))
        for number, item in enumerate(questions, start=1):
            self._add_section(QuestionSection(number, item))
        if with_other:
            self._add_section(QuestionSection(None, None))
        for reminder in reminders[1:]:
            self._page_layout.addWidget(self._reminder(reminder))
        self._page_layout.addStretch(1)
        self.notes_area = QScrollArea()
        self.notes_area.setWidgetResizable(True)
        self.notes_area.setWidget(page)
        self._page = page
        self.notes_area.setFrameShape(QFrame.Shape.NoFrame)
        self.notes_area.setAccessibleName("Notes")
        # Typing keeps its caret in view (issue 11: a note typed at the bottom of the
        # interview grew out of sight). Asked on each caret move and each change of the
        # page's height as a note grows, answered once the events in hand are done, when
        # the page has its new geometry.
        self._follow = QTimer(self)
        self._follow.setSingleShot(True)
        self._follow.setInterval(0)
        self._follow.timeout.connect(self.follow_caret)
        self.notes_area.verticalScrollBar().rangeChanged.connect(lambda *_: self._follow.start())

        self._make_actions()
        self.coding = CodingActions(doc, self, self.coding_target, self._picker_anchor)
        self.coding.install(self)
        for record in doc.entries:
            self._new_editor(record)
        for section in self.sections.values():
            self._ensure_placeholder(section)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(self.notes_area)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([320, 640])
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)

        doc.sig_entry_added.connect(self._entry_added)
        doc.sig_entry_changed.connect(self._entry_changed)
        doc.sig_entry_removed.connect(self._entry_removed)
        doc.sig_entry_not_added.connect(self._entry_not_added)
        doc.sig_note_added.connect(self._note_added)
        doc.codings.sig_changed.connect(self._codings_changed)
        doc.codings.sig_lost.connect(self._codings_lost)
        if self.model.rowCount():
            self.question_list.setCurrentIndex(self.model.index(0, 0))

    # -- building ------------------------------------------------------------------------------

    def _reminder(self, item: Item) -> QLabel:
        label = _muted(" ".join(item.text.split()))
        label.setFrameShape(QFrame.Shape.StyledPanel)
        label.setContentsMargins(6, 4, 6, 4)
        label.setAccessibleName("Reminder")
        return label

    def _add_section(self, section: QuestionSection) -> None:
        self.sections[section.question] = section
        self._page_layout.addWidget(section)
        section.add_button.clicked.connect(lambda: self.add_note(section=section))

    def _section_for(self, question: str | None) -> QuestionSection:
        section = self.sections.get(question)
        if section is None:
            section = self.sections.get(None)
        if section is None:
            section = QuestionSection(None, None)
            self.sections[None] = section
            self._page_layout.insertWidget(self._page_layout.count() - 1, section)
            section.add_button.clicked.connect(lambda: self.add_note(section=section))
        return section

    def _make_actions(self) -> None:
        def action(text: str, shortcut: str, slot: object) -> QAction:
            act = QAction(text, self)
            act.setShortcut(QKeySequence(shortcut))
            act.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            act.triggered.connect(lambda _checked=False: slot())  # type: ignore[operator]
            self.addAction(act)
            return act

        self.add_note_action = action("Add a &note", "Ctrl+Return", self.add_note)
        self.follow_up_action = action(
            "Add &follow-up question", "Ctrl+Shift+F", lambda: self.add_note(follow_up=True)
        )
        self.verbatim_action = action("Mark as &quote", "Ctrl+Q", self.toggle_verbatim)
        self.flag_action = action("Flag for &safeguarding…", "Ctrl+Shift+S", self.flag)
        self.delete_action = action("&Delete note", "Ctrl+Shift+Delete", self.delete_note)
        # The keypad's Enter is a second Return.
        self.add_note_action.setShortcuts([QKeySequence("Ctrl+Return"), QKeySequence("Ctrl+Enter")])
        self.entry_actions = [
            self.verbatim_action,
            self.flag_action,
            self.follow_up_action,
            self.add_note_action,
            self.delete_action,
        ]

    def _new_editor(
        self,
        record: EntryRecord | None,
        *,
        section: QuestionSection | None = None,
        anchor: uuid.UUID | None = None,
        follow_up: bool = False,
    ) -> EntryEditor:
        if section is None:
            section = self._section_for(record.question if record else None)
        editor = EntryEditor(
            self.doc.undo_stack,
            question=section.question,
            record=record,
            follow_up=follow_up,
            anchor=anchor,
            show_speaker=len(self.doc.members) > 1,
        )
        editor.text.extra_actions = self.entry_actions
        editor.text.menu_hook = lambda menu, position, e=editor: self._coding_menu(
            e, menu, position
        )
        editor.text.sig_theme_dropped.connect(
            lambda theme, start, end, e=editor: self._theme_dropped(e, theme, start, end)
        )
        if record is not None:
            editor.show_codings(self.doc.codings.of(record.id))
        editor.sig_text_edited.connect(self._typed)
        editor.text.cursorPositionChanged.connect(self._follow.start)
        editor.sig_focused.connect(self._editor_focused)
        editor.sig_left_blank.connect(self._left_blank)
        section.insert(editor)
        return editor

    def _ensure_placeholder(self, section: QuestionSection) -> None:
        if section.editors:
            return
        if section.question is not None or not self.doc.questions():
            self._new_editor(None, section=section)

    # -- finding -------------------------------------------------------------------------------

    def editor_for(self, entry_id: uuid.UUID) -> EntryEditor | None:
        for section in self.sections.values():
            for editor in section.editors:
                if editor.entry_id == entry_id or editor.pending_id == entry_id:
                    return editor
        return None

    def _section_of(self, editor: EntryEditor) -> QuestionSection | None:
        return next((s for s in self.sections.values() if editor in s.editors), None)

    def current_question(self) -> str | None:
        if self.current_editor is not None and self._section_of(self.current_editor):
            return self.current_editor.question
        return self.model.question_id(self.question_list.currentIndex().row())

    def current_entry(self) -> uuid.UUID | None:
        editor = self.current_editor
        if editor is None or self._section_of(editor) is None:
            return None
        return editor.entry_id

    def focus_entry(self, entry_id: uuid.UUID) -> bool:
        editor = self.editor_for(entry_id)
        if editor is None:
            return False
        self.notes_area.ensureWidgetVisible(editor, 0, 40)
        editor.focus_text()
        self.current_editor = editor
        return True

    # -- Tab: from note box to note box, never out of the notes ------------------------------

    def note_boxes(self) -> list[EntryEditor]:
        """Every note box in the order shown: question by question, then "Other notes"."""
        sections = sorted(self.sections.values(), key=self._page_layout.indexOf)
        return [editor for section in sections for editor in section.editors]

    def focusNextPrevChild(self, forward: bool) -> bool:
        """Tab / Shift+Tab from anything in here (Qt hands a child's Tab to its parents).

        Qt's own chain would go on to whatever follows in the window, and a note made by
        Ctrl+Enter joins that chain at its very end, so Tab went to the main tab bar and
        the next note typed was dropped (issue 10). Only note boxes are Tab stops here.
        Qt also calls this when the focused widget is hidden; once this view is hidden
        itself, Qt's chain finds a visible widget instead.
        """
        if not self.isVisible():
            return super().focusNextPrevChild(forward)
        focus = self.focusWidget()
        boxes = self.note_boxes()
        here = next((i for i, e in enumerate(boxes) if e.text is focus), None)
        if here is None:
            self.enter_notes()
        elif len(boxes) > 1:
            step = 1 if forward else -1
            reason = Qt.FocusReason.TabFocusReason if forward else Qt.FocusReason.BacktabFocusReason
            self._land(boxes[(here + step) % len(boxes)], reason)
        return True  # handled, even with one box: Tab never leaves the notes

    def enter_notes(self) -> None:
        """The current question's last note (Enter on the list, or Tab from outside the
        notes); the first note box when the list has no current question."""
        section = self.sections.get(self.current_question_from_list())
        if section is not None:
            self._ensure_placeholder(section)
            if section.editors:
                self._land(section.editors[-1], Qt.FocusReason.TabFocusReason)
                return
        boxes = self.note_boxes()
        if boxes:
            self._land(boxes[0], Qt.FocusReason.TabFocusReason)

    def _land(self, editor: EntryEditor, reason: Qt.FocusReason) -> None:
        # The cursor goes to the end so the words typed next continue the note rather than
        # split it wherever the cursor was left.
        self.notes_area.ensureWidgetVisible(editor, 0, 40)
        editor.text.setFocus(reason)
        editor.text.moveCursor(QTextCursor.MoveOperation.End)

    def follow_caret(self) -> None:
        """Scroll the notes so the caret of the note being typed in is in view, with a
        little room below it for the line that comes next."""
        editor = self.current_editor
        if editor is None or not editor.text.hasFocus() or self._section_of(editor) is None:
            return
        caret = editor.text.cursorRect()
        centre = editor.text.viewport().mapTo(self._page, caret.center())
        room = caret.height() // 2 + CARET_ROOM
        self.notes_area.ensureVisible(centre.x(), centre.y(), 0, room)

    def focus_question(self, question: str | None) -> None:
        row = self.model.row_of(question)
        if row >= 0:
            self.question_list.setCurrentIndex(self.model.index(row, 0))
        self._go_to_notes()

    # -- the researcher's actions -------------------------------------------------------------

    def add_note(
        self, *, follow_up: bool = False, section: QuestionSection | None = None
    ) -> EntryEditor:
        """A blank note (or follow-up question) after the current note; typing makes it."""
        editor = self.current_editor
        in_notes = editor is not None and self._section_of(editor) is not None
        anchor: uuid.UUID | None = None
        if section is None and in_notes and editor is not None:
            section = self._section_of(editor)
            if (
                editor.record is None
                and not editor.text.toPlainText()
                and editor.follow_up == follow_up
            ):
                editor.focus_text()
                return editor
            anchor = editor.entry_id or editor.anchor
        if section is None:
            section = self._section_for(self.current_question())
        if anchor is None:
            bound = section.bound()
            anchor = bound[-1].entry_id if bound else None
        blank = next(
            (
                e
                for e in section.editors
                if e.record is None and not e.text.toPlainText() and e.follow_up == follow_up
            ),
            None,
        )
        if blank is not None and blank.anchor == anchor:
            new = blank
        else:
            new = self._new_editor(None, section=section, anchor=anchor, follow_up=follow_up)
        self.notes_area.ensureWidgetVisible(new, 0, 40)
        new.focus_text()
        self.current_editor = new
        return new

    def toggle_verbatim(self) -> None:
        entry_id = self.current_entry()
        if entry_id is not None:
            self.doc.toggle_verbatim(entry_id)

    def flag(self) -> None:
        entry_id = self.current_entry()
        if entry_id is not None:
            self.safeguarding_dialog = ask_to_flag(self, self.doc, entry_id)

    def delete_note(self) -> None:
        entry_id = self.current_entry()
        if entry_id is not None:
            self.doc.delete_note(entry_id)

    # -- coding ----------------------------------------------------------------------------------

    def coding_target(self, editor: EntryEditor | None = None) -> Target | None:
        """The current note's selection (no selection: the whole note)."""
        editor = editor or self.current_editor
        if editor is None or editor.record is None or self._section_of(editor) is None:
            return None
        cursor = editor.text.textCursor()
        if not cursor.hasSelection():
            return Target(editor.record.id)
        return Target(
            editor.record.id,
            cursor.selectionStart(),
            cursor.selectionEnd(),
            editor.text.toPlainText(),
        )

    def _picker_anchor(self) -> QPoint:
        editor = self.current_editor
        if editor is None or self._section_of(editor) is None:
            return self.mapToGlobal(self.rect().center())
        return editor.text.viewport().mapToGlobal(editor.text.cursorRect().bottomLeft())

    def _coding_menu(self, editor: EntryEditor, menu: QMenu, position: int) -> list[QAction]:
        self.current_editor = editor
        return self.coding.menu_actions(menu, self.coding_target(editor), position)

    def _theme_dropped(self, editor: EntryEditor, theme: uuid.UUID, start: int, end: int) -> None:
        if editor.record is None:
            self.doc.ctx.status("Type the note first, then give it a theme")
            return
        self.current_editor = editor
        target = Target(editor.record.id, start, end, editor.text.toPlainText())
        self.coding.apply(theme, target)

    def _codings_changed(self, entry_ids: set[uuid.UUID]) -> None:
        for entry_id in entry_ids:
            editor = self.editor_for(entry_id)
            if editor is not None and editor.record is not None:
                editor.show_codings(self.doc.codings.of(entry_id))

    def _codings_lost(self, lost: list[LostCoding]) -> None:
        for item in lost:
            editor = self.editor_for(item.record.entry_id)
            if editor is not None:
                editor.show_notice(lost_notice(item) + ". Undo (Ctrl+Z) puts it back.")

    # -- editors' signals ------------------------------------------------------------------------

    def _typed(self, editor: EntryEditor, text: str) -> None:
        edits = editor.take_edits()
        if editor.record is not None:
            self.doc.type_text(editor.record.id, text, edits)
            return
        if editor.pending_id in self.doc.unsaved_notes:
            self.doc.update_unsaved(editor.pending_id, text)  # a draft: added on the retry
            return
        if editor.pending_id is not None or not text:
            return
        editor.pending_id = new_id()
        self.doc.add_note(
            editor.question,
            text,
            speaker_ref=None if editor.follow_up else self.doc.default_speaker(),
            after=editor.anchor,
            follow_up=editor.follow_up,
            entry_id=editor.pending_id,
        )

    def _editor_focused(self, editor: EntryEditor) -> None:
        self.current_editor = editor
        row = self.model.row_of(editor.question)
        if row >= 0 and self.question_list.currentIndex().row() != row:
            self.question_list.selectionModel().setCurrentIndex(
                self.model.index(row, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect
            )

    def _left_blank(self, editor: EntryEditor) -> None:
        section = self._section_of(editor)
        if section is not None and len(section.editors) > 1:
            section.take(editor)
            if self.current_editor is editor:
                self.current_editor = None

    def _question_chosen(self, current: QModelIndex, _previous: QModelIndex) -> None:
        item = self.model.item(current.row())
        self.probes.setText(probes_text(item))
        section = self.sections.get(self.model.question_id(current.row()))
        focused = self.current_editor
        if section is not None and (focused is None or focused.question != section.question):
            if current.row() == 0:
                self.notes_area.verticalScrollBar().setValue(0)  # the opening reminder too
            else:
                self.notes_area.ensureWidgetVisible(section.heading, 0, 10)

    def _go_to_notes(self, _index: QModelIndex | None = None) -> None:
        self.enter_notes()

    def current_question_from_list(self) -> str | None:
        return self.model.question_id(self.question_list.currentIndex().row())

    # -- the document's signals -----------------------------------------------------------------

    def _entry_added(self, record: EntryRecord) -> None:
        if record.show_of_hands is not None and not record.text:
            return
        editor = self.editor_for(record.id)
        if editor is not None:
            editor.bind(record)
            section = self._section_of(editor)
            if section is not None:
                section.insert(editor)
            return
        section = self._section_for(record.question)
        self._new_editor(record, section=section)
        for blank in [e for e in section.editors if e.record is None and e.pending_id is None]:
            if not blank.text.toPlainText() and not blank.text.hasFocus():
                section.take(blank)

    def _entry_changed(self, record: EntryRecord) -> None:
        editor = self.editor_for(record.id)
        if editor is not None:
            editor.refresh()

    def _entry_not_added(self, record: EntryRecord) -> None:
        """The study could not take the new note: its editor stays, every word in it, as
        a draft under the same id (the retry that adds it binds it again)."""
        editor = self.editor_for(record.id)
        if editor is None:
            return
        editor.unbind(record.id)
        editor.show_notice(
            "Not saved yet: this note is not in the study. It is added as soon as the"
            " study can be written (or press Try again); keep typing.",
            lasting=True,
        )

    def _note_added(self, entry_id: uuid.UUID) -> None:
        editor = self.editor_for(entry_id)
        if editor is not None:
            editor.hide_notice()  # the draft is a note of the study now

    def _entry_removed(self, entry_id: uuid.UUID) -> None:
        editor = self.editor_for(entry_id)
        if editor is None:
            return
        section = self._section_of(editor)
        had_focus = editor.text.hasFocus()
        if section is None:
            return
        index = section.editors.index(editor)
        section.take(editor)
        if self.current_editor is editor:
            self.current_editor = None
        self._ensure_placeholder(section)
        if had_focus and section.editors:
            section.editors[max(0, index - 1)].focus_text()
