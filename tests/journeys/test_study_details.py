"""A new study's details, by keyboard alone, from the welcome window to every printed form.

The researcher makes a new study in the app (New study…, a title, a passphrase twice); the
last step of that flow is the Study details form, filled in field by field with Tab and
the labels' Alt+letters, and saved with Enter. Later, Study > Study details… (Alt+S, D)
changes one detail, and Ctrl+Z in the main window takes that whole edit back. The overview
shows every detail. Each of the ten shipped forms is then made as the app prints it (the
same PDF the print preview and Save as PDF use) and read back with pdftotext: no blank
line where a study detail belongs, and no question about missing details would come up.
Last, the study file is read back with a fresh open.

The save dialog (the platform's, with its own loop) is replaced by one that answers with
the file name typed; the title box (QInputDialog.getText, its own loop too) is answered by
typing into it from a timer, as a person would.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QFileDialog, QInputDialog, QLineEdit, QMenu, QWidget
from pytestqt.qtbot import QtBot

from plrdesk.services.study_details import StudyDetails, study_details
from plrdesk.storage.study_file import StudyFile
from plrdesk.ui.consent.printing import MadePdf, PdfRequest, made_pdf
from plrdesk.ui.controller import AppController
from plrdesk.ui.main_window import MainWindow
from plrdesk.ui.operations import read
from plrdesk.ui.study_details_dialog import StudyDetailsDialog
from tests.journeys.keyboard import (
    CTRL,
    OPEN_TIMEOUT_MS,
    StatusLog,
    focused,
    press,
    type_text,
    wait_for_window,
)
from tests.support.files import PASSPHRASE

ALT = Qt.KeyboardModifier.AltModifier
TITLE = "Moving up together"
BLANK = "________"
ENDORSED = dt.date(2025, 11, 10)
EXPECTED = StudyDetails(
    title=TITLE,
    researcher="Ama Mensah",
    organisation="Riverside Youth Trust",
    phone="020 7946 0000",
    email="ama.mensah@example.org",
    aims=("What helps children move up", "What gets in the way"),
    endorsed_by="Dr Kwame Osei",
    endorser_role="Head teacher, Riverside Primary",
    endorsed_on=ENDORSED,
    ethics_reference="RYT-ETH-2025-07",
)


class TitleBox:
    """Types the title into the "New study" box and presses Enter, from inside its loop."""

    def __init__(self, title: str) -> None:
        self.title = title
        self.answered = False
        self._timer = QTimer()
        self._timer.setInterval(20)
        self._timer.timeout.connect(self._look)
        self._timer.start()

    def _look(self) -> None:
        box = QApplication.activeModalWidget()
        if self.answered or not isinstance(box, QInputDialog) or not box.isVisible():
            return
        field = box.findChild(QLineEdit)
        if field is None or not field.hasFocus():
            return  # not yet taking keys (the focus comes a moment after it is shown)
        self.answered = True
        QTest.keyClicks(field, self.title)
        QTest.keyClick(field, Qt.Key.Key_Return)

    def stop(self) -> None:
        self._timer.stop()


def details_dialog(qtbot: QtBot, window: MainWindow) -> StudyDetailsDialog:
    qtbot.waitUntil(lambda: window.findChild(StudyDetailsDialog) is not None, timeout=10_000)
    dialog = window.findChild(StudyDetailsDialog)
    assert isinstance(dialog, StudyDetailsDialog)
    qtbot.waitUntil(dialog.isVisible)
    dialog.activateWindow()  # what the window manager does for a dialog just shown
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    return dialog


def alt(qtbot: QtBot, key: Qt.Key, expected: QWidget) -> None:
    """Alt+letter on a label: the keyboard moves to its field."""
    press(qtbot, key, ALT)
    assert focused() is expected, f"Alt+{key.name} went to {focused()!r}"


def make_the_new_study(
    qtbot: QtBot, controller: AppController, path: Path, monkeypatch: pytest.MonkeyPatch
) -> MainWindow:
    """Welcome > New study… (Space on the focused button), the file, the title, the
    passphrase twice and Enter."""
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *_a, **_k: (str(path), ""))
    )
    controller.show_welcome()
    welcome = controller.welcome
    assert welcome is not None
    welcome.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is welcome)
    assert focused() is welcome.new_button
    title_box = TitleBox(TITLE)
    try:
        press(qtbot, Qt.Key.Key_Space)  # returns once the title box has been answered
    finally:
        title_box.stop()
    assert title_box.answered
    qtbot.waitUntil(lambda: controller.dialog is not None)
    passphrase = controller.dialog
    assert passphrase is not None
    passphrase.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is passphrase)
    assert focused() is passphrase.first
    type_text(qtbot, PASSPHRASE)
    press(qtbot, Qt.Key.Key_Tab)
    assert focused() is passphrase.second
    type_text(qtbot, PASSPHRASE)
    press(qtbot, Qt.Key.Key_Return)
    with qtbot.waitSignal(controller.sig_study_opened, timeout=OPEN_TIMEOUT_MS):
        pass
    return wait_for_window(qtbot, controller)


def fill_in_the_first_time(qtbot: QtBot, dialog: StudyDetailsDialog) -> None:
    """Tab from field to field, Alt+letters to jump, Enter to save."""
    assert dialog.later.text() == "&Later"
    assert dialog.title.text() == TITLE
    assert focused() is dialog.researcher  # the title is already given
    type_text(qtbot, "Ama Mensah")
    press(qtbot, Qt.Key.Key_Tab)
    type_text(qtbot, "Riverside Youth Trust")
    press(qtbot, Qt.Key.Key_Tab)
    assert focused() is dialog.phone
    type_text(qtbot, "020 7946 0000")
    press(qtbot, Qt.Key.Key_Tab)
    type_text(qtbot, "ama.mensah@example.org")
    alt(qtbot, Qt.Key.Key_A, dialog.aims)
    type_text(qtbot, "What helps children move up")
    press(qtbot, Qt.Key.Key_Return)  # a new line: the next aim
    type_text(qtbot, "What gets in the way")
    press(qtbot, Qt.Key.Key_Tab)  # Tab leaves the aims, it does not indent them
    assert focused() is dialog.endorsed_by
    type_text(qtbot, "Dr Kwame Osei")
    alt(qtbot, Qt.Key.Key_N, dialog.endorser_role)
    type_text(qtbot, "Head teacher, Riverside Primary")
    alt(qtbot, Qt.Key.Key_D, dialog.endorsed_on)
    assert dialog.endorsed_on.text() == "Not yet"
    type_text(qtbot, ENDORSED.strftime("%d/%m/%Y"))
    alt(qtbot, Qt.Key.Key_F, dialog.ethics_reference)
    type_text(qtbot, "RYT-ETH-2025-07")
    press(qtbot, Qt.Key.Key_Return)  # Save, the default button


def open_study_details_from_the_menu(qtbot: QtBot, window: MainWindow) -> StudyDetailsDialog:
    """Alt+S opens the Study menu; D (its item's letter) opens Study details…"""
    press(qtbot, Qt.Key.Key_S, ALT)
    qtbot.waitUntil(lambda: isinstance(QApplication.activePopupWidget(), QMenu))
    menu = QApplication.activePopupWidget()
    assert isinstance(menu, QMenu)
    assert menu.title() == "&Study"
    QTest.keyClick(menu, Qt.Key.Key_D)  # the open menu has the keyboard
    return details_dialog(qtbot, window)


def as_printed(qtbot: QtBot, window: MainWindow, form_id: str) -> tuple[str, MadePdf]:
    """The form's PDF as the app makes it for Print… and Save as PDF…, and its text."""
    made: list[MadePdf] = []
    window.ctx.runner.run(read(made_pdf, window.ctx.forms, PdfRequest(form_id)), made.append)
    qtbot.waitUntil(lambda: bool(made), timeout=20_000)
    done = subprocess.run(["pdftotext", "-", "-"], input=made[0].data, capture_output=True)
    assert done.returncode == 0, done.stderr
    return " ".join(done.stdout.decode("utf-8").split()), made[0]


def test_a_new_studys_details_reach_every_printed_form(
    qtbot: QtBot, controller: AppController, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "moving-up.plr"
    window = make_the_new_study(qtbot, controller, path, monkeypatch)
    status = StatusLog(window.statusBar())

    first = details_dialog(qtbot, window)  # the new-study flow's last step
    assert first.windowTitle() == "The study's details"
    fill_in_the_first_time(qtbot, first)
    qtbot.waitUntil(lambda: status.said("Saved the study's details."), timeout=10_000)
    qtbot.waitUntil(lambda: window.findChild(StudyDetailsDialog) is None)  # closed, deleted

    # Later: Study > Study details…, one detail changed, saved with Enter.
    mark = status.mark()
    later = open_study_details_from_the_menu(qtbot, window)
    assert later.windowTitle() == "Study details"
    assert later.organisation.text() == "Riverside Youth Trust"
    alt(qtbot, Qt.Key.Key_O, later.organisation)
    press(qtbot, Qt.Key.Key_End)
    type_text(qtbot, " (Southwark)")
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: status.said("Saved the study's details.", mark), timeout=10_000)
    summary = window.overview.summary
    qtbot.waitUntil(lambda: "Riverside Youth Trust (Southwark)" in summary.text())

    # Ctrl+Z in the main window takes that whole edit back, and only that one.
    assert QApplication.activeWindow() is window
    mark = status.mark()
    press(qtbot, Qt.Key.Key_Z, CTRL)
    qtbot.waitUntil(lambda: status.said("Put back the study's details.", mark), timeout=10_000)
    qtbot.waitUntil(lambda: "(Southwark)" not in summary.text())
    assert window.undo.index() == 1  # the first step's save is still done

    # The overview shows every detail, and nothing is said to be missing.
    text = summary.text()
    for shown in (
        "Researcher: Ama Mensah",
        "Organisation: Riverside Youth Trust",
        "Phone: 020 7946 0000",
        "E-mail: ama.mensah@example.org",
        "Ethics reference: RYT-ETH-2025-07",
        "Endorsed by Dr Kwame Osei (Head teacher, Riverside Primary) on 10 November 2025.",
        "<li>What helps children move up</li>",
        "<li>What gets in the way</li>",
    ):
        assert shown in text, shown
    assert "Not filled in yet" not in text
    todo = [window.overview.todo.item(i).text() for i in range(window.overview.todo.count())]
    assert not any("Printed forms leave a blank" in line for line in todo)

    # Every shipped form, as the app prints it: no blank where a study detail belongs.
    form_ids = sorted(window.ctx.forms.ids())
    assert len(form_ids) == 10
    for form_id in form_ids:
        text, made = as_printed(qtbot, window, form_id)
        assert made.missing == (), form_id  # the app would not ask before printing it
        assert BLANK not in text, form_id
        assert "Researcher: Ama Mensah" in text, form_id
        assert "Organisation: Riverside Youth Trust" in text, form_id
        assert "Ethics reference: RYT-ETH-2025-07" in text, form_id
    consent, _made = as_printed(qtbot, window, "parental-consent")
    assert "020 7946 0000, ama.mensah@example.org" in consent
    script, _made = as_printed(qtbot, window, "parent-verbal-consent")
    assert "Hello, my name is Ama Mensah. I am calling from Riverside Youth Trust" in script
    assent, _made = as_printed(qtbot, window, "child-assent")
    assert "I can tell Ama Mensah" in assent

    controller.close_study()
    with StudyFile.open(path, PASSPHRASE) as study, study.transaction() as db:
        assert study_details(db) == EXPECTED
