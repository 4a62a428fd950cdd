"""A form on screen: every item of a form definition as a control, with live skip logic and
live checks under each item.

The widget holds no rules of its own: which items show and what is wrong come from the
pure functions in plrdesk.services.consents (`visible_items`, `validate_answers`,
`clean_answers`), the same ones `record_consent` applies. Answers come out in the shapes
that module's docstring lists. Typing uses each control's own undo (Ctrl+Z in a text box).

The widget is embedded where a form is filled in: the consent recorder, and the call
screen of a phone interview, where `TimedConfirmations` keeps the time of each tick of a
script read aloud.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QDate, QEvent, QObject, Qt, QTime, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QButtonGroup,
    QCheckBox,
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QSpinBox,
    QTimeEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from plrdesk.forms.placeholders import fill
from plrdesk.forms.schema import FormDefinition, Item, ItemType
from plrdesk.services.consents import (
    FieldProblem,
    clean_answers,
    short_text,
    takes_a_time,
    validate_answers,
    visible_items,
)
from plrdesk.ui.consent.signature_pad import SignaturePad

NO_DATE = QDate(1900, 1, 1)  # a date edit's "not answered": shown as NOT_ANSWERED
NO_TIME = QTime(0, 0)  # a time edit's "not answered" (so midnight cannot be given)
NOT_ANSWERED = "Not answered"
MAX_SCALE_BUTTONS = 21
PROBLEM_STYLE = "color: #b00020;"
QUIET_STYLE = "color: palette(placeholder-text);"


@dataclass
class _Editor:
    """One item on screen: its block (hidden by skip logic), how to read and set its answer."""

    item: Item
    block: QWidget
    get: Callable[[], Any]
    put: Callable[[Any], None]
    message: QLabel
    note: QLabel
    controls: list[QWidget] = field(default_factory=list)
    pad: SignaturePad | None = None


class _ClickLabel(QLabel):
    """A statement's wrapped wording: clicking it ticks the box beside it."""

    def __init__(self, text: str, box: QCheckBox) -> None:
        super().__init__(text)
        self._box = box
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setBuddy(box)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self._box.isEnabled():
            self._box.toggle()
            self._box.setFocus()


class _NoWheel(QObject):
    """Spin boxes and date edits ignore the mouse wheel unless focused: scrolling the form
    must not change an answer under the pointer."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        wheel = event.type() == QEvent.Type.Wheel
        if wheel and isinstance(watched, QWidget) and not watched.hasFocus():
            event.ignore()
            return True
        return False


class FormWidget(QWidget):
    """Renders `form` with its placeholders filled from `values` ({study.title} ...)."""

    sig_changed = Signal(str)
    """The answer to the item with this id changed (typed, ticked, chosen, signed)."""

    def __init__(
        self,
        form: FormDefinition,
        values: Mapping[str, str | None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.form = form
        self._values = dict(values)
        self._editors: dict[str, _Editor] = {}
        self._section_titles: dict[str, QLabel] = {}
        self._touched: set[str] = set()
        self._show_all = False
        self._loading = False
        self._no_wheel = _NoWheel(self)
        self.setAccessibleName(short_text(self._fill(form.title)))
        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        for section in form.sections:
            if section.title:
                title = QLabel(self._fill(section.title))
                title.setWordWrap(True)
                title.setTextFormat(Qt.TextFormat.PlainText)
                title.setStyleSheet("font-weight: bold; font-size: 110%; margin-top: 6px;")
                title.setAccessibleName(short_text(self._fill(section.title)))
                self._section_titles[section.id] = title
                layout.addWidget(title)
            for item in section.items:
                editor = self._build(item)
                self._editors[item.id] = editor
                layout.addWidget(editor.block)
        layout.addStretch(1)
        self.refresh()

    # -- reading and writing answers -----------------------------------------------------

    def raw_answers(self) -> dict[str, Any]:
        """What every control holds, shown or hidden (skip logic is applied by answers())."""
        return {
            item_id: editor.get()
            for item_id, editor in self._editors.items()
            if editor.item.type != ItemType.INFO
        }

    def answers(self) -> dict[str, Any]:
        """The answers to save: items shown and answered (ticked or not, for statements)."""
        return clean_answers(self.form, self.raw_answers())

    def set_answers(self, answers: Mapping[str, Any]) -> None:
        """Fill the controls (unknown ids are ignored; items not named are cleared)."""
        self._loading = True
        try:
            for item_id, editor in self._editors.items():
                if editor.item.type != ItemType.INFO:
                    editor.put(answers.get(item_id))
        finally:
            self._loading = False
        self.refresh()

    def signatures(self) -> dict[str, bytes]:
        """PNG images of the signature items that were signed, by item id."""
        found = {}
        for item_id, editor in self._editors.items():
            png = editor.pad.png_bytes() if editor.pad is not None else None
            if png:
                found[item_id] = png
        return found

    def problems(self) -> list[FieldProblem]:
        return validate_answers(self.form, self.answers())

    def is_valid(self) -> bool:
        return not self.problems()

    def show_all_problems(self) -> list[FieldProblem]:
        """Show every problem, even under items not touched yet (on Save); return them."""
        self._show_all = True
        self.refresh()
        return self.problems()

    def set_note(self, item_id: str, text: str) -> None:
        """A quiet line under an item (e.g. when a verbal confirmation was ticked)."""
        note = self._editors[item_id].note
        note.setText(text)
        note.setVisible(bool(text))

    def item_block(self, item_id: str) -> QWidget:
        return self._editors[item_id].block

    def controls(self, item_id: str) -> list[QWidget]:
        """The controls of one item (for focus and for tests)."""
        return list(self._editors[item_id].controls)

    def focus_item(self, item_id: str) -> None:
        editor = self._editors.get(item_id)
        if editor is not None and editor.controls:
            editor.controls[0].setFocus(Qt.FocusReason.OtherFocusReason)

    def is_shown(self, item_id: str) -> bool:
        """Whether skip logic shows the item (whether or not the widget is on screen)."""
        return not self._editors[item_id].block.isHidden()

    # -- live skip logic and checks ------------------------------------------------------

    def refresh(self) -> None:
        raw = self.raw_answers()
        shown = visible_items(self.form, raw)
        for item_id, editor in self._editors.items():
            editor.block.setVisible(item_id in shown)
        for section in self.form.sections:
            title = self._section_titles.get(section.id)
            if title is not None:
                title.setVisible(any(item.id in shown for item in section.items))
        problems = {p.item_id: p.message for p in validate_answers(self.form, self.answers())}
        for item_id, editor in self._editors.items():
            text = problems.get(item_id, "")
            if not (self._show_all or item_id in self._touched):
                text = ""
            editor.message.setText(text)
            editor.message.setVisible(bool(text))
            described = text
            if editor.pad is not None:  # keep the pad's note for keyboard users
                described = " ".join(part for part in (text, editor.pad.note.text()) if part)
            for control in editor.controls:
                control.setAccessibleDescription(described)

    def _changed(self, item_id: str) -> None:
        if self._loading:
            return
        self._touched.add(item_id)
        self.refresh()
        self.sig_changed.emit(item_id)

    # -- building ------------------------------------------------------------------------

    def _fill(self, text: str) -> str:
        return fill(" ".join(text.split()), self._values)

    def _build(self, item: Item) -> _Editor:
        block = QWidget()
        block.setObjectName(f"item-{item.id}")
        box = QVBoxLayout(block)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(4)
        text = self._fill(item.text)
        name = short_text(text)
        if item.type not in {ItemType.STATEMENT, ItemType.INFO}:
            question = QLabel(text + ("  (required)" if item.required else ""))
            question.setWordWrap(True)
            question.setTextFormat(Qt.TextFormat.PlainText)
            question.setStyleSheet("font-weight: 600;")
            box.addWidget(question)
        else:
            question = None
        if item.help:
            hint = QLabel(self._fill(item.help))
            hint.setWordWrap(True)
            hint.setTextFormat(Qt.TextFormat.PlainText)
            hint.setStyleSheet(QUIET_STYLE)
            box.addWidget(hint)
        builder = getattr(self, f"_build_{item.type.value.replace('-', '_')}")
        editor: _Editor = builder(item, text, name, box)
        if question is not None and editor.controls:
            question.setBuddy(editor.controls[0])
        box.addWidget(editor.note)
        box.addWidget(editor.message)
        for control in editor.controls:
            if not control.accessibleName():
                control.setAccessibleName(name)
            if isinstance(control, QSpinBox | QDateEdit | QTimeEdit):
                control.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
                control.installEventFilter(self._no_wheel)
        return editor

    def _editor(
        self,
        item: Item,
        box: QVBoxLayout,
        get: Callable[[], Any],
        put: Callable[[Any], None],
        controls: list[QWidget],
        pad: SignaturePad | None = None,
    ) -> _Editor:
        message = QLabel()
        message.setWordWrap(True)
        message.setStyleSheet(PROBLEM_STYLE)
        message.setObjectName(f"problem-{item.id}")
        message.hide()
        note = QLabel()
        note.setStyleSheet(QUIET_STYLE)
        note.setObjectName(f"note-{item.id}")
        note.hide()
        block = box.parentWidget()
        assert block is not None
        return _Editor(item, block, get, put, message, note, controls, pad)

    def _notify(self, item: Item) -> Callable[..., None]:
        return lambda *_args: self._changed(item.id)

    def _clear_button(self, name: str, group: QButtonGroup, item: Item) -> QToolButton:
        clear = QToolButton()
        clear.setText("Clear")
        clear.setAutoRaise(True)
        clear.setAccessibleName(f"Clear the answer: {name}")
        clear.setToolTip("Take this answer away")

        def clear_choice() -> None:
            _uncheck(group)
            self._changed(item.id)

        clear.clicked.connect(clear_choice)
        return clear

    def _build_info(self, item: Item, text: str, name: str, box: QVBoxLayout) -> _Editor:
        label = QLabel(text)
        label.setWordWrap(True)
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        label.setAccessibleName(name)
        box.addWidget(label)
        return self._editor(item, box, lambda: None, lambda _value: None, [])

    def _build_statement(self, item: Item, text: str, name: str, box: QVBoxLayout) -> _Editor:
        tick = QCheckBox()
        tick.setAccessibleName(name)
        wording = _ClickLabel(text + ("  (required)" if item.required else ""), tick)
        row = QHBoxLayout()
        row.addWidget(tick, 0, Qt.AlignmentFlag.AlignTop)
        row.addWidget(wording, 1)
        box.addLayout(row)
        tick.toggled.connect(self._notify(item))
        editor = self._editor(
            item, box, tick.isChecked, lambda value: tick.setChecked(value is True), [tick]
        )
        indent = tick.sizeHint().width() + row.spacing()  # line up with the wording
        editor.note.setIndent(indent)
        editor.message.setIndent(indent)
        return editor

    def _build_yes_no(self, item: Item, text: str, name: str, box: QVBoxLayout) -> _Editor:
        group = QButtonGroup(self)
        yes, no = QRadioButton("Yes"), QRadioButton("No")
        row = QHBoxLayout()
        for button, word in ((yes, "Yes"), (no, "No")):
            button.setAccessibleName(f"{name}: {word}")
            group.addButton(button)
            row.addWidget(button)
        row.addWidget(self._clear_button(name, group, item))
        row.addStretch(1)
        box.addLayout(row)
        group.buttonToggled.connect(self._notify(item))

        def get() -> bool | None:
            return True if yes.isChecked() else False if no.isChecked() else None

        def put(value: Any) -> None:
            _uncheck(group)
            if value is True:
                yes.setChecked(True)
            elif value is False:
                no.setChecked(True)

        return self._editor(item, box, get, put, [yes, no])

    def _build_text(self, item: Item, text: str, name: str, box: QVBoxLayout) -> _Editor:
        line = QLineEdit()
        box.addWidget(line)
        line.textChanged.connect(self._notify(item))
        return self._editor(
            item, box, line.text, lambda v: line.setText("" if v is None else str(v)), [line]
        )

    def _build_long_text(self, item: Item, text: str, name: str, box: QVBoxLayout) -> _Editor:
        edit = QPlainTextEdit()
        edit.setTabChangesFocus(True)
        edit.setFixedHeight(edit.fontMetrics().lineSpacing() * 5 + 12)
        box.addWidget(edit)
        edit.textChanged.connect(self._notify(item))
        return self._editor(
            item,
            box,
            edit.toPlainText,
            lambda v: edit.setPlainText("" if v is None else str(v)),
            [edit],
        )

    def _build_single_choice(self, item: Item, text: str, name: str, box: QVBoxLayout) -> _Editor:
        group = QButtonGroup(self)
        buttons: dict[str, QRadioButton] = {}
        for choice in item.choices:
            button = QRadioButton(self._fill(choice.label))
            button.setAccessibleName(f"{name}: {self._fill(choice.label)}")
            group.addButton(button)
            buttons[choice.value] = button
            box.addWidget(button)
        box.addWidget(self._clear_button(name, group, item), 0, Qt.AlignmentFlag.AlignLeft)
        group.buttonToggled.connect(self._notify(item))

        def get() -> str | None:
            return next((value for value, b in buttons.items() if b.isChecked()), None)

        def put(value: Any) -> None:
            _uncheck(group)
            if isinstance(value, str) and value in buttons:
                buttons[value].setChecked(True)

        return self._editor(item, box, get, put, list(buttons.values()))

    def _build_multi_choice(self, item: Item, text: str, name: str, box: QVBoxLayout) -> _Editor:
        boxes: dict[str, QCheckBox] = {}
        for choice in item.choices:
            tick = QCheckBox(self._fill(choice.label))
            tick.setAccessibleName(f"{name}: {self._fill(choice.label)}")
            tick.toggled.connect(self._notify(item))
            boxes[choice.value] = tick
            box.addWidget(tick)

        def get() -> list[str]:
            return [value for value, tick in boxes.items() if tick.isChecked()]

        def put(value: Any) -> None:
            chosen = set(value) if isinstance(value, list | tuple | set) else set()
            for choice_value, tick in boxes.items():
                tick.setChecked(choice_value in chosen)

        return self._editor(item, box, get, put, list(boxes.values()))

    def _build_number(self, item: Item, text: str, name: str, box: QVBoxLayout) -> _Editor:
        line = QLineEdit()
        line.setPlaceholderText("A number")
        line.setMaximumWidth(160)
        line.setInputMethodHints(Qt.InputMethodHint.ImhFormattedNumbersOnly)
        box.addWidget(line)
        line.textChanged.connect(self._notify(item))

        def put(value: Any) -> None:
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            line.setText("" if value is None else str(value))

        return self._editor(item, box, lambda: _number(line.text()), put, [line])

    def _build_date(self, item: Item, text: str, name: str, box: QVBoxLayout) -> _Editor:
        edit = QDateEdit()
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("d MMMM yyyy")
        edit.setMinimumDate(NO_DATE)
        edit.setSpecialValueText(NOT_ANSWERED)
        edit.setDate(NO_DATE)
        edit.calendarWidget().installEventFilter(_CalendarOpensOnToday(edit))
        row = QHBoxLayout()
        row.addWidget(edit)
        row.addWidget(_reset_button(name, lambda: edit.setDate(NO_DATE)))
        row.addStretch(1)
        box.addLayout(row)
        edit.dateChanged.connect(self._notify(item))

        def get() -> str | None:
            day = edit.date()
            return None if day == NO_DATE else day.toString(Qt.DateFormat.ISODate)

        def put(value: Any) -> None:
            day = QDate.fromString(str(value), Qt.DateFormat.ISODate) if value else NO_DATE
            edit.setDate(day if day.isValid() else NO_DATE)

        return self._editor(item, box, get, put, [edit])

    def _build_time(self, item: Item, text: str, name: str, box: QVBoxLayout) -> _Editor:
        edit = QTimeEdit()
        edit.setDisplayFormat("HH:mm")
        edit.setMinimumTime(NO_TIME)
        edit.setSpecialValueText(NOT_ANSWERED)
        edit.setTime(NO_TIME)
        row = QHBoxLayout()
        row.addWidget(edit)
        row.addWidget(_reset_button(name, lambda: edit.setTime(NO_TIME)))
        row.addStretch(1)
        box.addLayout(row)
        edit.timeChanged.connect(self._notify(item))

        def get() -> str | None:
            moment = edit.time()
            return None if moment == NO_TIME else moment.toString("HH:mm")

        def put(value: Any) -> None:
            try:
                moment = dt.time.fromisoformat(str(value)) if value else None
            except ValueError:
                moment = None
            edit.setTime(QTime(moment.hour, moment.minute) if moment else NO_TIME)

        return self._editor(item, box, get, put, [edit])

    def _build_scale(self, item: Item, text: str, name: str, box: QVBoxLayout) -> _Editor:
        assert item.min is not None
        assert item.max is not None
        low, high = sorted((item.min, item.max))
        if high - low + 1 > MAX_SCALE_BUTTONS:
            spin = QSpinBox()
            spin.setRange(low - 1, high)
            spin.setSpecialValueText(NOT_ANSWERED)
            spin.setValue(low - 1)
            box.addWidget(spin, 0, Qt.AlignmentFlag.AlignLeft)
            spin.valueChanged.connect(self._notify(item))
            return self._editor(
                item,
                box,
                lambda: None if spin.value() < low else spin.value(),
                lambda v: spin.setValue(v if isinstance(v, int) and low <= v <= high else low - 1),
                [spin],
            )
        group = QButtonGroup(self)
        buttons: dict[int, QRadioButton] = {}
        row = QHBoxLayout()
        for number in range(low, high + 1):
            button = QRadioButton(str(number))
            button.setAccessibleName(f"{name}: {number}")
            group.addButton(button)
            buttons[number] = button
            row.addWidget(button)
        row.addWidget(self._clear_button(name, group, item))
        row.addStretch(1)
        box.addLayout(row)
        group.buttonToggled.connect(self._notify(item))

        def get() -> int | None:
            return next((n for n, b in buttons.items() if b.isChecked()), None)

        def put(value: Any) -> None:
            _uncheck(group)
            if isinstance(value, int | float) and int(value) in buttons:
                buttons[int(value)].setChecked(True)

        return self._editor(item, box, get, put, list(buttons.values()))

    def _build_show_of_hands(self, item: Item, text: str, name: str, box: QVBoxLayout) -> _Editor:
        counts = QFormLayout()
        spins: dict[str, QSpinBox] = {}
        for choice in item.choices:
            spin = QSpinBox()
            spin.setRange(0, 999)
            spin.setAccessibleName(f"{name}: {self._fill(choice.label)}")
            spin.valueChanged.connect(self._notify(item))
            spins[choice.value] = spin
            counts.addRow(self._fill(choice.label), spin)
        box.addLayout(counts)

        def get() -> dict[str, int] | None:
            found = {value: spin.value() for value, spin in spins.items()}
            return found if any(found.values()) else None

        def put(value: Any) -> None:
            given = value if isinstance(value, Mapping) else {}
            for choice_value, spin in spins.items():
                count = given.get(choice_value, 0)
                spin.setValue(count if isinstance(count, int) else 0)

        return self._editor(item, box, get, put, list(spins.values()))

    def _build_signature(self, item: Item, text: str, name: str, box: QVBoxLayout) -> _Editor:
        pad = SignaturePad(name, required=item.required)
        pad.title.hide()  # the question above already says what is signed
        box.addWidget(pad)
        pad.sig_changed.connect(self._notify(item))

        def put(value: Any) -> None:
            if value is not True:
                pad.clear()  # a drawn signature cannot be put back from an answer

        return self._editor(
            item, box, lambda: None if pad.is_empty() else True, put, [pad.canvas], pad=pad
        )


class TimedConfirmations(QObject):
    """The time each confirmation of a script read aloud was ticked (verbal consent): kept
    as the person says yes, dropped when the tick is taken away, shown under its item.

    For a FormWidget embedded where a script is read (the call screen of a phone
    interview); the widget itself keeps no times. `clock` gives the moment as ISO text with
    a time zone."""

    def __init__(self, widget: FormWidget, clock: Callable[[], str]) -> None:
        super().__init__(widget)
        self._widget = widget
        self.clock = clock
        self._times: dict[str, str] = {}
        widget.sig_changed.connect(self._changed)

    def times(self) -> dict[str, str]:
        """Item id -> when it was ticked, for the confirmations ticked now."""
        answers = self._widget.answers()
        return {key: when for key, when in self._times.items() if answers.get(key) is True}

    def _changed(self, item_id: str) -> None:
        item = self._widget.form.item(item_id)
        if item is None or not takes_a_time(item):
            return
        if self._widget.raw_answers().get(item_id) is True:
            self._times.setdefault(item_id, self.clock())
        else:
            self._times.pop(item_id, None)
        when = self._times.get(item_id)
        text = "" if when is None else f"Ticked at {dt.datetime.fromisoformat(when):%H:%M:%S}"
        self._widget.set_note(item_id, text)


class _CalendarOpensOnToday(QObject):
    """A date edit still at "not answered" opens its calendar on this month, not on 1900."""

    def __init__(self, edit: QDateEdit) -> None:
        super().__init__(edit)
        self._edit = edit

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Show and self._edit.date() == NO_DATE:
            today = QDate.currentDate()
            self._edit.calendarWidget().setCurrentPage(today.year(), today.month())
        return False


def _uncheck(group: QButtonGroup) -> None:
    """Radio buttons in an exclusive group cannot be unticked one by one."""
    group.setExclusive(False)
    button: QAbstractButton
    for button in group.buttons():
        button.setChecked(False)
    group.setExclusive(True)


def _reset_button(name: str, reset: Callable[[], None]) -> QToolButton:
    button = QToolButton()
    button.setText("Clear")
    button.setAutoRaise(True)
    button.setAccessibleName(f"Clear the answer: {name}")
    button.setToolTip("Take this answer away")
    button.clicked.connect(lambda _checked=False: reset())
    return button


def _number(text: str) -> int | float | str | None:
    """Typed text as a number; text that is not one stays text, so the check can say so."""
    typed = text.strip()  # "1,5" is refused rather than read as 15 or as 1.5
    if not typed:
        return None
    try:
        value = float(typed)
    except ValueError:
        return text.strip()
    whole = value.is_integer() and "." not in typed and "e" not in typed.lower()
    return int(value) if whole else value
