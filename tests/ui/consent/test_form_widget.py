"""The form on screen: every item type, live skip logic, live checks, answers round trip."""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtCore import QDate, QPoint, Qt, QTime
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QSpinBox,
    QTimeEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot

from plrdesk.forms.schema import FormDefinition, ItemType
from plrdesk.services.consents import FieldProblem
from plrdesk.ui.consent.form_widget import FormWidget
from plrdesk.ui.consent.signature_pad import SignatureCanvas
from tests.ui.consent.conftest import VALUES

CONTROL = {
    ItemType.STATEMENT: QCheckBox,
    ItemType.YES_NO: QRadioButton,
    ItemType.TEXT: QLineEdit,
    ItemType.LONG_TEXT: QPlainTextEdit,
    ItemType.SINGLE_CHOICE: QRadioButton,
    ItemType.MULTI_CHOICE: QCheckBox,
    ItemType.NUMBER: QLineEdit,
    ItemType.DATE: QDateEdit,
    ItemType.TIME: QTimeEdit,
    ItemType.SCALE: QRadioButton,
    ItemType.SHOW_OF_HANDS: QSpinBox,
    ItemType.SIGNATURE: SignatureCanvas,
}


def make(qtbot: QtBot, form: FormDefinition) -> FormWidget:
    widget = FormWidget(form, VALUES)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


W = TypeVar("W", bound=QWidget)


def control(widget: FormWidget, item_id: str, kind: type[W], index: int = 0) -> W:
    found = widget.controls(item_id)[index]
    assert isinstance(found, kind)
    return found


def message(widget: FormWidget, item_id: str) -> str:
    label = widget.findChild(QLabel, f"problem-{item_id}")
    assert label is not None
    return label.text() if label.isVisible() else ""


def test_every_item_type_is_rendered(qtbot: QtBot, every_type: FormDefinition) -> None:
    widget = make(qtbot, every_type)
    assert {item.type for item in every_type.items()} == set(ItemType)
    for item in every_type.items():
        if item.type == ItemType.INFO:
            assert widget.controls(item.id) == []
            continue
        controls = widget.controls(item.id)
        assert controls, item.id
        assert all(isinstance(c, CONTROL[item.type]) for c in controls), item.id
        for control in controls:
            assert control.accessibleName(), (item.id, control)
    info = [label.text() for label in widget.findChildren(QLabel)]
    assert "This form is for The move to secondary school, run by Claire Beaumont." in info
    assert len(widget.controls("mood")) == 5
    assert widget.controls("agree")[0].accessibleName() == (
        "I agree to the things written on this form, every one of…"
    )


def test_skip_logic_hides_and_shows_items_as_answers_change(
    qtbot: QtBot, every_type: FormDefinition
) -> None:
    widget = make(qtbot, every_type)
    assert not widget.is_shown("why-not")
    assert not widget.item_block("why-not").isVisible()
    yes, no = widget.controls("quote")
    with qtbot.waitSignal(widget.sig_changed):
        qtbot.mouseClick(no, Qt.MouseButton.LeftButton)
    assert widget.item_block("why-not").isVisible()
    qtbot.keyClicks(widget.controls("why-not")[0], "shy")
    assert widget.answers()["why-not"] == "shy"
    qtbot.mouseClick(yes, Qt.MouseButton.LeftButton)
    assert not widget.item_block("why-not").isVisible()
    assert "why-not" not in widget.answers()  # a hidden item's answer is dropped
    control(widget, "tools", QCheckBox).setChecked(True)
    assert widget.is_shown("tools-more")


def test_checks_show_under_items_live(qtbot: QtBot, every_type: FormDefinition) -> None:
    widget = make(qtbot, every_type)
    assert message(widget, "agree") == ""  # nothing nags before the item is touched
    age = control(widget, "age", QLineEdit)
    qtbot.keyClicks(age, "abc")
    assert message(widget, "age") == "Type a number, such as 12 or 3.5."
    age.clear()
    qtbot.keyClicks(age, "20")
    assert message(widget, "age") == "Give an age from 11 to 13."
    age.clear()
    qtbot.keyClicks(age, "12")
    assert message(widget, "age") == ""
    assert not widget.is_valid()
    problems = widget.show_all_problems()
    assert problems == [FieldProblem("agree", "This must be ticked before the form can be saved.")]
    assert message(widget, "agree") == "This must be ticked before the form can be saved."
    tick = control(widget, "agree", QCheckBox)
    assert tick.accessibleDescription() == message(widget, "agree")
    tick.setChecked(True)
    assert message(widget, "agree") == ""
    assert widget.is_valid()


def test_clicking_a_statements_words_ticks_its_box(
    qtbot: QtBot, every_type: FormDefinition
) -> None:
    widget = make(qtbot, every_type)
    tick = widget.controls("agree")[0]
    assert isinstance(tick, QCheckBox)
    words = next(
        label
        for label in widget.findChildren(QLabel)
        if label.text().startswith("I agree to the things")
    )
    qtbot.mouseClick(words, Qt.MouseButton.LeftButton, pos=QPoint(5, 5))
    assert tick.isChecked()


def test_answers_round_trip(qtbot: QtBot, every_type: FormDefinition) -> None:
    widget = make(qtbot, every_type)
    answers = {
        "agree": True,
        "quote": False,
        "why-not": "I would rather not",
        "story": "Line one\nLine two",
        "school": "south",
        "tools": ["caf", "iss"],
        "tools-more": "the phone",
        "age": 12,
        "when": "2008-09-03",
        "at": "14:30",
        "mood": 4,
        "hands": {"agree": 5, "disagree": 1},
    }
    widget.set_answers(answers)
    assert widget.answers() == answers
    assert control(widget, "when", QDateEdit).date() == QDate(2008, 9, 3)
    assert control(widget, "at", QTimeEdit).time() == QTime(14, 30)
    widget.set_answers({"agree": False, "age": 12.5})
    assert widget.answers() == {"agree": False, "age": 12.5}


def test_a_drawn_signature_item_is_answered(qtbot: QtBot, every_type: FormDefinition) -> None:
    widget = make(qtbot, every_type)
    canvas = widget.controls("sign")[0]
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=QPoint(20, 20))
    qtbot.mouseMove(canvas, QPoint(80, 50))
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=QPoint(120, 30))
    assert widget.answers()["sign"] is True
    assert widget.signatures()["sign"].startswith(b"\x89PNG")
