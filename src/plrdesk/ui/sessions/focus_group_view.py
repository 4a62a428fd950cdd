"""A focus group: who said what, as it happens, one keystroke per speaker.

The children are numbered chips 1–9 in the session's member order (ref and year group,
never a name); 0 is the facilitator or the group (no speaker). One line box files what
is typed under the current speaker and the current question.

Keys in the line box:
- **the first key of a line, if it is a digit 0–9, picks the speaker**; every digit after
  it is text, so a line may start with a number: 3 then "5 people asked me" files
  "5 people asked me" for speaker 3. Backspace in the empty box takes the pick back (the
  next digit picks again). A line typed without a pick stays with the last speaker; if it
  starts with a number, pick the speaker first, even the same one (docs/decisions.md).
  A digit nobody has (9 in a group of six) is typed, not dropped.
- Alt+0–9 (or a click on a chip) picks the speaker at any moment, even mid-line; the
  line's first digit is then text too.
- Enter files the line under the speaker and question, clears the box, keeps the focus.
- Ctrl+Up / Ctrl+Down: previous / next question.
- Ctrl+Q: mark the line being typed as a quote (when the box is empty: the selected
  filed line). Ctrl+Shift+S: flag the selected filed line for safeguarding.
- Ctrl+Z with nothing to undo in the box undoes the last filing (the study's undo).
In the list of filed lines a digit gives the selected line to that speaker, Delete
removes it (Ctrl+Z brings it back) and F2 edits its text. A line is coded whole: its
context menu has Code line as ▸ (and Memo…, Remove coding for its codings), Ctrl+T
there opens the theme picker, Ctrl+Shift+R repeats the last theme.

Show-of-hands questions of the guide each have a counter (one number box per answer),
saved as the counts of one entry under that question.

Tab goes round the line box and the counters' number boxes only (line box, each counter
in order, line box again), never out of the session; from anything else here (chips,
filed lines, question list) Tab goes to the line box. A letter typed in a number box goes
to the line box with the focus, so no typed word is dropped (issue 10).
"""

from __future__ import annotations

import html
import uuid
from collections.abc import Callable

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QPoint, Qt, Signal
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence, QResizeEvent, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListView,
    QMenu,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QToolButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from plrdesk.forms.schema import Item, ItemType
from plrdesk.services.note_texts import LostCoding
from plrdesk.ui.sessions.coding import lost_notice
from plrdesk.ui.sessions.coding_actions import CodingActions, Target
from plrdesk.ui.sessions.document import SessionDocument
from plrdesk.ui.sessions.entry_editor import MUTED
from plrdesk.ui.sessions.filed_lines import (
    EntryRole,
    FiledLinesModel,
    WrappingDelegate,
    speaker_label,
)
from plrdesk.ui.sessions.header import SessionHeader
from plrdesk.ui.sessions.question_list import QuestionListModel, probes_text
from plrdesk.ui.sessions.safeguarding import SafeguardingDialog, ask_to_flag


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


DIGITS = {getattr(Qt.Key, f"Key_{n}"): n for n in range(10)}
KEYS_HINT = (
    "First key of a line: a digit picks the speaker (1–9, 0 the group); digits after it are"
    " text, so 3 then “5 people…” files “5 people…” for 3 · Backspace in the empty box:"
    " pick again · Alt+0–9 at any time · Tab: the show-of-hands counts · Ctrl+↑/↓ question"
    " · Ctrl+Q quote · Ctrl+Shift+S safeguarding"
)


class LineBox(QLineEdit):
    """The one line the researcher types into (see the module docstring for its keys).

    `armed`: the next key, if a digit, picks the speaker. True for a fresh line (after
    filing); False once the speaker was picked for this line or the line has begun, so a
    line can start with a digit and nothing typed is ever taken for a speaker twice.
    `pick(n)` picks speaker n, False when nobody has that number: the digit is typed then,
    never dropped."""

    sig_question_step = Signal(int)
    """-1 or +1: Ctrl+Up or Ctrl+Down."""
    sig_armed = Signal(bool)
    """Whether the next digit picks the speaker (for the hint beside the box)."""

    def __init__(
        self, undo: QUndoStack, pick: Callable[[int], bool], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._undo = undo
        self._pick = pick
        self.armed = True
        self.textChanged.connect(self._text_changed)

    def _text_changed(self, text: str) -> None:
        if text:  # the line has begun: its digits are text
            self.set_armed(False)

    def set_armed(self, armed: bool) -> None:
        if armed != self.armed:
            self.armed = armed
            self.sig_armed.emit(armed)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key, mods = event.key(), event.modifiers()
        plain = mods & ~Qt.KeyboardModifier.KeypadModifier
        empty = not self.text()
        plain_digit = key in DIGITS and plain == Qt.KeyboardModifier.NoModifier
        if plain_digit and empty and self.armed and self._pick(DIGITS[key]):
            self.set_armed(False)
            return
        if key == Qt.Key.Key_Backspace and empty and not self.armed:
            self.set_armed(True)  # the pick taken back, as if the digit had been in the box
            return
        if plain == Qt.KeyboardModifier.ControlModifier and key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            self.sig_question_step.emit(-1 if key == Qt.Key.Key_Up else 1)
            return
        if event.matches(QKeySequence.StandardKey.Undo) and not self.isUndoAvailable():
            self._undo.undo()
            return
        if event.matches(QKeySequence.StandardKey.Redo) and not self.isRedoAvailable():
            self._undo.redo()
            return
        super().keyPressEvent(event)


class LinesTree(QTreeView):
    """Filed lines: a digit re-attributes the selected line, Delete removes it."""

    sig_speaker_key = Signal(int)
    sig_delete = Signal()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.scheduleDelayedItemsLayout()  # wrapped rows take their new heights

    def keyPressEvent(self, event: QKeyEvent) -> None:
        plain = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if event.key() in DIGITS and plain in (
            Qt.KeyboardModifier.NoModifier,
            Qt.KeyboardModifier.AltModifier,
        ):
            self.sig_speaker_key.emit(DIGITS[event.key()])
            return
        if event.key() == Qt.Key.Key_Delete and plain == Qt.KeyboardModifier.NoModifier:
            self.sig_delete.emit()
            return
        super().keyPressEvent(event)


class CountBox(QSpinBox):
    """A number of hands. A letter or space typed here would be dropped by the spin box,
    so it is handed on (`sig_words`) to go to the line box instead."""

    sig_words = Signal(object)
    """The QKeyEvent of a printable key that is not a digit."""

    def keyPressEvent(self, event: QKeyEvent) -> None:
        text = event.text()
        mods = event.modifiers() & ~(
            Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.KeypadModifier
        )
        if text and text.isprintable() and not text.isdigit() and not mods:
            self.sig_words.emit(event)
            return
        super().keyPressEvent(event)


class ShowOfHands(QFrame):
    """A counter for one show-of-hands question: a number box per answer."""

    def __init__(self, doc: SessionDocument, number: int, item: Item) -> None:
        super().__init__()
        text = " ".join(item.text.split())
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setToolTip(text)
        self.setAccessibleName(f"Show of hands, question {number}")
        self._doc = doc
        self.question = item.id
        self.spins: dict[str, CountBox] = {}
        layout = QVBoxLayout(self)
        title = QLabel(f"<b>{number}.</b> {html.escape(_short(text, 110))}")
        title.setWordWrap(True)
        layout.addWidget(title)
        form = QFormLayout()
        layout.addLayout(form)
        current = doc.show_of_hands_entry(item.id)
        counts = current.show_of_hands or {} if current else {}
        for choice in item.choices:
            spin = CountBox()
            spin.setRange(0, 99)
            spin.setValue(int(counts.get(choice.value, 0)))
            spin.setAccessibleName(f"{choice.label}: number of hands")
            spin.valueChanged.connect(self._save)
            self.spins[choice.value] = spin
            form.addRow(choice.label, spin)
        doc.sig_entry_changed.connect(self._show)

    def counts(self) -> dict[str, int]:
        return {value: spin.value() for value, spin in self.spins.items()}

    def _save(self) -> None:
        self._doc.set_show_of_hands(self.question, self.counts())

    def _show(self, _record: object) -> None:
        current = self._doc.show_of_hands_entry(self.question)
        counts = (current.show_of_hands or {}) if current else {}
        for value, spin in self.spins.items():
            wanted = int(counts.get(value, spin.value()))
            if spin.value() != wanted:
                spin.blockSignals(True)
                spin.setValue(wanted)
                spin.blockSignals(False)


class FocusGroupView(QWidget):
    def __init__(self, doc: SessionDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.doc = doc
        self.speaker: str | None = None
        self.safeguarding_dialog: SafeguardingDialog | None = None
        self.setAccessibleName(f"Focus group {doc.ref}")
        self.header = SessionHeader(doc)

        # speakers
        self.chips: dict[str | None, QToolButton] = {}
        self._chip_group = QButtonGroup(self)
        self._chip_group.setExclusive(True)
        chips = QHBoxLayout()
        chips.setSpacing(6)
        chips.addWidget(QLabel("Speaker:"))
        chips.addWidget(self._chip(None, "0  Group", "The facilitator or the group (no speaker)"))
        for member in doc.members:
            key = f"{member.number}  " if member.number <= 9 else ""
            gone = " (withdrawn)" if member.withdrawn else ""
            tip = f"{member.ref}, {member.descriptor}" + (
                " (withdrawn since: left out of analysis)" if member.withdrawn else ""
            )
            text = f"{key}{member.ref} · {member.descriptor}{gone}"
            chips.addWidget(self._chip(member.ref, text, tip))
        chips.addStretch(1)

        # questions
        self.questions = QuestionListModel(doc.questions())
        self.question_list = QListView()
        self.question_list.setModel(self.questions)
        self.question_list.setWordWrap(True)
        self.question_list.setSpacing(2)
        self.question_list.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.question_list.setAccessibleName("Questions of the guide")
        self.question_list.selectionModel().currentChanged.connect(self._question_chosen)
        self.probes = QLabel()
        self.probes.setWordWrap(True)
        self.probes.setStyleSheet(f"color: {MUTED}; font-size: small;")
        self.probes.setAccessibleName("Probes for the current question")
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        questions_label = QLabel("&Questions (Ctrl+Up / Ctrl+Down)")
        questions_label.setBuddy(self.question_list)
        left_layout.addWidget(questions_label)
        left_layout.addWidget(self.question_list, 1)
        left_layout.addWidget(self.probes)

        # the line
        self.filing_label = QLabel()
        self.filing_label.setWordWrap(True)
        self.speaker_label = QLabel()
        self.speaker_label.setStyleSheet(
            "font-weight: bold; padding: 3px 8px; border-radius: 10px;"
            "background: #1565c0; color: white;"
        )
        self.speaker_label.setAccessibleName("Current speaker")
        self.line = LineBox(doc.undo_stack, self.pick_speaker)
        self.line.setAccessibleName("Line to file")
        self.keys_hint = QLabel(KEYS_HINT)
        self.keys_hint.setWordWrap(True)
        self.keys_hint.setStyleSheet(f"color: {MUTED}; font-size: small;")
        self.line.returnPressed.connect(self.file_line)
        self.line.sig_question_step.connect(self.step_question)
        self.line.sig_armed.connect(lambda _armed: self._show_line_hint())
        self.quote_button = QToolButton()
        self.quote_button.setText("❝ Quote")
        self.quote_button.setCheckable(True)
        self.quote_button.setToolTip("File this line as a verbatim quote (Ctrl+Q)")
        self.quote_button.setAccessibleName("File as a quote")
        line_row = QHBoxLayout()
        line_row.addWidget(self.speaker_label)
        line_row.addWidget(self.line, 1)
        line_row.addWidget(self.quote_button)

        self.lines = FiledLinesModel(doc)
        self.tree = LinesTree()
        self.tree.setModel(self.lines)
        self.tree.setHeaderHidden(True)
        self.tree.setWordWrap(True)
        self.tree.setUniformRowHeights(False)
        self.tree.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.tree.setItemDelegate(WrappingDelegate(self.tree))
        self.tree.header().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.tree.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.tree.setAccessibleName("Filed lines")
        self.tree.setEditTriggers(
            QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.DoubleClicked
        )
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._line_menu_requested)
        self.tree.expandAll()
        self.tree.sig_speaker_key.connect(self._respeak)
        self.tree.sig_delete.connect(self.delete_current)
        self.lines.rowsInserted.connect(self._expand)
        center = QWidget()
        center_layout = QVBoxLayout(center)
        center_layout.setContentsMargins(0, 0, 0, 0)
        center_layout.addWidget(self.filing_label)
        center_layout.addLayout(line_row)
        center_layout.addWidget(self.keys_hint)
        filed = QLabel("&Filed lines")
        filed.setBuddy(self.tree)
        center_layout.addWidget(filed)
        center_layout.addWidget(self.tree, 1)
        self.coding_notice = QLabel()
        self.coding_notice.setObjectName("codingNotice")
        self.coding_notice.setWordWrap(True)
        self.coding_notice.setTextFormat(Qt.TextFormat.RichText)
        self.coding_notice.setAccessibleName("Coding notice")
        self.coding_notice.setStyleSheet(
            "#codingNotice { background: #fff8e1; border: 1px solid #f9a825; border-radius: 3px;"
            " padding: 2px 6px; }"
        )
        self.coding_notice.linkActivated.connect(lambda _link: self.coding_notice.hide())
        center_layout.addWidget(self.coding_notice)
        self.coding_notice.hide()  # once parented: never a window

        # show of hands
        self.counters: dict[str, ShowOfHands] = {}
        hands = QWidget()
        hands_layout = QVBoxLayout(hands)
        hands_layout.setContentsMargins(0, 0, 0, 0)
        hands_layout.addWidget(QLabel("<b>Show of hands</b>"))
        for number, item in enumerate(doc.questions(), start=1):
            if item.type == ItemType.SHOW_OF_HANDS:
                counter = ShowOfHands(doc, number, item)
                self.counters[item.id] = counter
                for spin in counter.spins.values():
                    spin.sig_words.connect(self._words_in_counter)
                hands_layout.addWidget(counter)
        hands_layout.addStretch(1)
        self.hands_scroll = hands_scroll = QScrollArea()
        hands_scroll.setWidgetResizable(True)
        hands_scroll.setWidget(hands)
        hands_scroll.setAccessibleName("Show of hands")
        hands_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        hands_scroll.setMinimumWidth(250)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(center)
        splitter.addWidget(hands_scroll)
        hands_scroll.setVisible(bool(self.counters))
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([240, 620, 230])
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addLayout(chips)
        layout.addWidget(splitter, 1)

        self._make_actions()
        self.coding = CodingActions(
            doc,
            self,
            self.coding_target,
            self._picker_anchor,
            what="line",
            whole_menu="Code line as",
        )
        self.coding.install(self.tree)
        doc.codings.sig_lost.connect(self._codings_lost)
        self.set_speaker(None)
        if self.questions.rowCount():
            self.question_list.setCurrentIndex(self.questions.index(0, 0))

    # -- building ------------------------------------------------------------------------------

    def _chip(self, ref: str | None, text: str, tip: str) -> QToolButton:
        chip = QToolButton()
        chip.setText(text)
        chip.setCheckable(True)
        chip.setToolTip(tip)
        chip.setAccessibleName(f"Speaker {text.strip()}")
        chip.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        chip.setStyleSheet(
            "QToolButton { border: 1px solid palette(mid); border-radius: 10px; padding: 3px 8px; }"
            "QToolButton:checked { background: #1565c0; color: white; border-color: #0d47a1; }"
        )
        chip.clicked.connect(lambda _checked=False: self._chip_clicked(ref))
        self._chip_group.addButton(chip)
        self.chips[ref] = chip
        return chip

    def _make_actions(self) -> None:
        def action(text: str, shortcut: str, slot: object) -> QAction:
            act = QAction(text, self)
            act.setShortcut(QKeySequence(shortcut))
            act.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            act.triggered.connect(lambda _checked=False: slot())  # type: ignore[operator]
            self.addAction(act)
            return act

        self.verbatim_action = action("Mark as &quote", "Ctrl+Q", self.toggle_quote)
        self.flag_action = action("Flag for &safeguarding…", "Ctrl+Shift+S", self.flag_current)
        self.delete_action = QAction("&Delete line", self)
        self.delete_action.triggered.connect(lambda _checked=False: self.delete_current())
        for act in (self.verbatim_action, self.flag_action, self.delete_action):
            self.tree.addAction(act)
        for number in range(10):
            action(
                f"Speaker {number}", f"Alt+{number}", lambda n=number: self.set_speaker_number(n)
            )

    # -- speaker and question ------------------------------------------------------------------

    def set_speaker(self, ref: str | None) -> None:
        self.speaker = ref
        self.chips[ref].setChecked(True)
        self.speaker_label.setText(speaker_label(self.doc, ref))
        self._show_line_hint()

    def _show_line_hint(self) -> None:
        """The box says whether the next digit picks the speaker or is typed."""
        if self.line.armed:
            self.line.setPlaceholderText("Type what was said, then Enter (a digit first: speaker)")
        else:
            who = speaker_label(self.doc, self.speaker)
            self.line.setPlaceholderText(f"{who} speaking: type the line (digits are text now)")

    def pick_speaker(self, number: int) -> bool:
        """1–9: the member with that number; 0: the facilitator or the group. False, and
        nothing changes, when nobody has that number."""
        if number == 0:
            self.set_speaker(None)
            return True
        member = next((m for m in self.doc.members if m.number == number), None)
        if member is None:
            return False
        self.set_speaker(member.ref)
        return True

    def set_speaker_number(self, number: int) -> None:
        """Alt+digit: pick that speaker for this line, or say there is none."""
        if self.pick_speaker(number):
            self.line.set_armed(False)  # picked for this line: a first digit now is text
        else:
            self.doc.ctx.status(f"There is no speaker {number} in this group")

    def _chip_clicked(self, ref: str | None) -> None:
        self.line.set_armed(False)  # picked for this line: a first digit now is text
        self.set_speaker(ref)
        self.line.setFocus()

    def current_question(self) -> str | None:
        return self.questions.question_id(self.question_list.currentIndex().row())

    def step_question(self, step: int) -> None:
        row = self.question_list.currentIndex().row() + step
        if 0 <= row < self.questions.rowCount():
            self.question_list.setCurrentIndex(self.questions.index(row, 0))

    def _question_chosen(self, current: QModelIndex, _previous: QModelIndex) -> None:
        item = self.questions.item(current.row())
        self.probes.setText(probes_text(item))
        text = " ".join(item.text.split()) if item else "no question"
        self.filing_label.setText(f"Filing under <b>{current.row() + 1}.</b> {text}")
        self.tree.scrollTo(self.lines.question_index(self.current_question()))

    # -- filing --------------------------------------------------------------------------------

    def file_line(self) -> uuid.UUID | None:
        """File the typed line under the current speaker and question; keep the focus."""
        text = self.line.text().strip()
        if not text:
            return None
        entry_id = self.doc.add_note(
            self.current_question(),
            text,
            speaker_ref=self.speaker,
            verbatim=self.quote_button.isChecked(),
        )
        self.line.setText("")  # unlike clear(), also empties the box's own undo history
        self.line.set_armed(True)  # a new line: its first digit picks the speaker again
        self.quote_button.setChecked(False)
        index = self.lines.index_of(entry_id)
        if index.isValid():
            self.tree.selectionModel().setCurrentIndex(
                index, QItemSelectionModel.SelectionFlag.ClearAndSelect
            )
            self.tree.scrollTo(index)
        self.line.setFocus()
        return entry_id

    def current_entry(self) -> uuid.UUID | None:
        record = self.tree.currentIndex().data(EntryRole)
        return record.id if record is not None else None

    def toggle_quote(self) -> None:
        if self.line.hasFocus() and self.line.text().strip():
            self.quote_button.toggle()
            return
        entry_id = self.current_entry()
        if entry_id is not None:
            self.doc.toggle_verbatim(entry_id)

    def flag_current(self) -> None:
        entry_id = self.current_entry()
        if entry_id is not None:
            self.safeguarding_dialog = ask_to_flag(self, self.doc, entry_id)

    def delete_current(self) -> None:
        entry_id = self.current_entry()
        if entry_id is not None:
            self.doc.delete_note(entry_id)

    def _respeak(self, number: int) -> None:
        entry_id = self.current_entry()
        if entry_id is None:
            return
        if number == 0:
            self.doc.change_speaker(entry_id, None)
            return
        member = next((m for m in self.doc.members if m.number == number), None)
        if member is not None:
            self.doc.change_speaker(entry_id, member.ref)

    # -- coding ------------------------------------------------------------------------------

    def coding_target(self) -> Target | None:
        """The selected filed line, coded whole."""
        record = self.tree.currentIndex().data(EntryRole)
        return Target(record.id) if record is not None else None

    def _picker_anchor(self) -> QPoint:
        rect = self.tree.visualRect(self.tree.currentIndex())
        return self.tree.viewport().mapToGlobal(rect.bottomLeft() if rect.isValid() else QPoint())

    def line_menu(self, index: QModelIndex) -> QMenu:
        """The context menu of a filed line: coding, then quote, flag and delete."""
        if index.isValid():
            self.tree.setCurrentIndex(index)
        menu = QMenu(self.tree)
        record = index.data(EntryRole) if index.isValid() else None
        if record is not None:
            target = Target(record.id)
            menu.addActions(self.coding.menu_actions(menu, target, None))
            menu.addSeparator()
        menu.addActions([self.verbatim_action, self.flag_action, self.delete_action])
        return menu

    def _line_menu_requested(self, pos: QPoint) -> None:
        menu = self.line_menu(self.tree.indexAt(pos))
        menu.exec(self.tree.viewport().mapToGlobal(pos))
        menu.deleteLater()

    def _codings_lost(self, lost: list[LostCoding]) -> None:
        if lost:
            text = html.escape(lost_notice(lost[0]), quote=False) + ". Undo (Ctrl+Z) puts it back."
            self.coding_notice.setText(f"{text} &nbsp;<a href='dismiss'>Dismiss</a>")
            self.coding_notice.show()

    def _expand(self, parent: QModelIndex, _first: int, _last: int) -> None:
        if parent.isValid():
            self.tree.expand(parent)

    # -- the page's calls ----------------------------------------------------------------------

    def focus_entry(self, entry_id: uuid.UUID) -> bool:
        index = self.lines.index_of(entry_id)
        if not index.isValid():
            return False
        self.tree.setCurrentIndex(index)
        self.tree.scrollTo(index)
        self.tree.setFocus()
        return True

    def focus_start(self) -> None:
        self.line.setFocus()

    # -- Tab: the line box and the counters, never out of the session ----------------------

    def tab_stops(self) -> list[QWidget]:
        """The line box, then every show-of-hands number box in guide order."""
        spins = [spin for counter in self.counters.values() for spin in counter.spins.values()]
        return [self.line, *spins]

    def focusNextPrevChild(self, forward: bool) -> bool:
        """Tab / Shift+Tab from anything in the view (Qt hands a child's Tab to its parents).

        Qt's own chain ran from the last counter on to the main tab bar, which drops every
        key typed there (issue 10); and chips, lists and buttons drop typed words too.
        """
        if not self.isVisible():  # hidden with the focus inside: Qt's chain finds a new one
            return super().focusNextPrevChild(forward)
        focus = self.focusWidget()
        stops = self.tab_stops()
        here = next(
            (
                i
                for i, w in enumerate(stops)
                if focus is not None and (w is focus or w.isAncestorOf(focus))
            ),
            None,
        )
        target = self.line if here is None else stops[(here + (1 if forward else -1)) % len(stops)]
        if target is not self.line:
            self.hands_scroll.ensureWidgetVisible(target)
        target.setFocus(
            Qt.FocusReason.TabFocusReason if forward else Qt.FocusReason.BacktabFocusReason
        )
        return True

    def _words_in_counter(self, event: QKeyEvent) -> None:
        """A letter typed in a number box: to the line box, where it is kept."""
        self.line.setFocus(Qt.FocusReason.OtherFocusReason)
        self.line.end(False)
        self.line.keyPressEvent(event)
