"""A focus group with six children typed by keyboard alone: 30 lines, the speaker chosen by
a digit in the empty line box, lines that start with a digit, digits inside lines, then the
study closed and every line read back from the file (issue 10: "5 people asked me" typed
for speaker 3 was filed as "people asked me" under speaker 5). And Tab from a show-of-hands
counter stays in the session, so the line typed next is kept."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QSpinBox
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from plrdesk.domain import models as m
from plrdesk.storage.study_file import StudyFile
from plrdesk.ui.controller import AppController
from plrdesk.ui.main_window import MainWindow
from plrdesk.ui.sessions.focus_group_view import FocusGroupView
from plrdesk.ui.sessions.page import SessionsPage
from tests.journeys.keyboard import (
    CTRL,
    OPEN_TIMEOUT_MS,
    focused,
    press,
    type_text,
    wait_for_window,
)
from tests.support.files import PASSPHRASE

ALT = Qt.KeyboardModifier.AltModifier
DIGIT_KEYS = {str(n): getattr(Qt.Key, f"Key_{n}") for n in range(10)}
BACKSPACE = "⌫"  # a key in a step's keys: Backspace
NEXT_QUESTION = "↓"  # Ctrl+Down

# (keys pressed in the empty box first, the text typed, the speaker it must be filed under).
# The speaker carries on from line to line until a digit picks another; ↓ moves to the next
# question first, ⌫ is Backspace.
LINES: list[tuple[str, str, str | None]] = [
    ("3", "5 people asked me", "C3"),
    ("1", "I kept getting lost on the first day", "C1"),
    ("", "and 2 of my friends did too", "C1"),
    ("2", "10 minutes late every morning", "C2"),
    ("4", "We had 2 visits before we moved", "C4"),
    ("5", "0 people told me where to go", "C5"),
    ("6", "My brother is in year 9", "C6"),
    ("0", "3 of them put their hands up", None),
    ("1", "1 teacher helped me", "C1"),
    ("2", "The lunch club was best", "C2"),
    ("3", "33 kids in my class", "C3"),
    ("", "it is massive", "C3"),
    ("4", "4", "C4"),
    ("5", "Year 6 was easier", "C5"),
    ("6", "6 weeks holiday is too long", "C6"),
    (NEXT_QUESTION + "1", "2 adults came to my house", "C1"),
    ("2", "Someone who listens", "C2"),
    ("3", "7 out of 10 for the helpers", "C3"),
    ("4" + BACKSPACE + "5", "5 times I asked", "C5"),  # a wrong pick, taken back
    ("6", "They say 'intervention' a lot", "C6"),
    ("0", "Everyone laughed", None),
    ("1", "9", "C1"),
    ("", "9 of us went on the visit", "C1"),  # nobody is 9: the digit is typed
    ("2", "2nd week was better", "C2"),
    (NEXT_QUESTION + "3", "3 words I did not know", "C3"),
    ("4", "Letters should be in plain English", "C4"),
    ("5", "55 pages long", "C5"),
    ("", "nobody reads them", "C5"),
    ("6", "1, 2, 3 and then it was over", "C6"),
    ("1", "I think 4 is the answer", "C1"),
]


def showing(page: SessionsPage, ref: str) -> bool:
    return page.current is not None and page.current.doc.ref == ref


def open_focus_group(qtbot: QtBot, window: MainWindow) -> FocusGroupView:
    """Ctrl+3 (Sessions), Tab to the list, Home then Down to S11 (the focus group), Enter."""
    press(qtbot, Qt.Key.Key_3, CTRL)
    page = window.sessions
    qtbot.waitUntil(lambda: page.model.rowCount() > 0)
    for _ in range(10):
        if focused() is page.table:
            break
        press(qtbot, Qt.Key.Key_Tab)
    assert focused() is page.table, f"Tab never reached the sessions list: {focused()!r}"
    press(qtbot, Qt.Key.Key_Home)
    for _ in range(page.model.rowCount()):
        chosen = page.model.sessions()[page.table.currentIndex().row()].ref
        qtbot.waitUntil(partial(showing, page, chosen))
        if chosen == "S11":
            break
        press(qtbot, Qt.Key.Key_Down)
    view = page.current
    assert isinstance(view, FocusGroupView)
    press(qtbot, Qt.Key.Key_Return)
    assert focused() is view.line
    return view


def open_study(qtbot: QtBot, controller: AppController, path: Path) -> MainWindow:
    controller.open_path(path, PASSPHRASE)
    with qtbot.waitSignal(controller.sig_study_opened, timeout=OPEN_TIMEOUT_MS):
        pass
    return wait_for_window(qtbot, controller)


def lines_in_file(path: Path) -> list[tuple[str, str | None, str | None, dict[str, int] | None]]:
    """(ref, question, speaker, counts) and text of S11's entries by a fresh open, in order."""
    with StudyFile.open(path, PASSPHRASE) as study, study.transaction() as db:
        entries = db.scalars(
            select(m.Entry)
            .join(m.StudySession)
            .where(m.StudySession.ref == "S11")
            .order_by(m.Entry.position)
        )
        return [
            (
                e.text or "",
                e.question,
                e.speaker.ref if e.speaker else None,
                dict(e.show_of_hands) if e.show_of_hands is not None else None,
            )
            for e in entries
        ]


def test_thirty_lines_by_six_children_are_filed_exactly(
    qtbot: QtBot, controller: AppController, demo_path: Path
) -> None:
    before = lines_in_file(demo_path)
    window = open_study(qtbot, controller, demo_path)
    view = open_focus_group(qtbot, window)
    assert len(view.doc.members) == 6
    assert len(LINES) == 30
    question = 0
    expected: list[tuple[str, str | None, str | None]] = []
    for keys, text, speaker in LINES:
        for key in keys:
            if key == NEXT_QUESTION:
                press(qtbot, Qt.Key.Key_Down, CTRL)
                question += 1
            elif key == BACKSPACE:
                press(qtbot, Qt.Key.Key_Backspace)
            else:
                press(qtbot, DIGIT_KEYS[key])
        type_text(qtbot, text)
        press(qtbot, Qt.Key.Key_Return)
        expected.append((text, view.questions.question_id(question), speaker))

    controller.close_study()
    after = lines_in_file(demo_path)
    new = [(text, q, who) for text, q, who, _ in after[len(before) :]]
    assert after[: len(before)] == before  # nothing else changed
    missing = [line for line in expected if line not in new]
    strange = [line for line in new if line not in expected]
    assert (missing, strange) == ([], []), (
        f"{len(new)} lines filed for {len(expected)} typed; typed but not filed: {missing};"
        f" filed but never typed: {strange}"
    )
    assert new == expected  # and in the order said


def test_tab_from_a_show_of_hands_counter_keeps_what_is_typed_next(
    qtbot: QtBot, controller: AppController, demo_path: Path
) -> None:
    before = lines_in_file(demo_path)
    window = open_study(qtbot, controller, demo_path)
    view = open_focus_group(qtbot, window)
    last = view.counters["being-listened-to"].spins["disagree"]
    for _ in range(30):  # however the counters are reached, Tab reaches the last one
        if focused() is last:
            break
        press(qtbot, Qt.Key.Key_Tab)
    assert focused() is last, f"Tab never reached the last counter: {focused()!r}"
    assert isinstance(focused(), QSpinBox)
    type_text(qtbot, "3")  # three hands (Tab selected the old count, so this replaces it)
    press(qtbot, Qt.Key.Key_Tab)
    widget = focused()
    type_text(qtbot, "2")
    type_text(qtbot, "Nobody had been asked before")
    press(qtbot, Qt.Key.Key_Return)

    controller.close_study()
    after = lines_in_file(demo_path)
    counts = next(c for _, q, _, c in after if q == "being-listened-to" and c is not None)
    assert counts["disagree"] == 3
    new = [(text, who) for text, _, who, _ in after[len(before) :]]
    assert new == [("Nobody had been asked before", "C2")], (
        f"after Tab from the last counter the keys went to {type(widget).__name__}"
        f" {widget.accessibleName()!r}"
    )
