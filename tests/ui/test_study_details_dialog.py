"""The Study details dialog, its one undo step, and the question before printing a form
that would have blanks where study details belong."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtPrintSupport import QPrintPreviewDialog
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot

from plrdesk.cli.study_commands import shipped_forms
from plrdesk.services.study_details import StudyDetails, study_details
from plrdesk.storage.study_file import StudyFile
from plrdesk.ui.consent.printing import PdfRequest, print_pdf
from plrdesk.ui.context import StudyContext
from plrdesk.ui.operations import read
from plrdesk.ui.overview_page import OverviewPage
from plrdesk.ui.runner import OperationRunner
from plrdesk.ui.study_details_dialog import (
    DateOrNotYet,
    StudyDetailsDialog,
    edit_study_details,
)
from tests.support.files import PASSPHRASE


@pytest.fixture
def blank_ctx(empty_study_path: Path, qapp: object) -> Iterator[StudyContext]:
    """A new study with only its title, behind a runner."""
    runner = OperationRunner(StudyFile.open(empty_study_path, PASSPHRASE))
    yield StudyContext(runner, shipped_forms(), QUndoStack(), runner.path)
    runner.close()


def details_now(qtbot: QtBot, ctx: StudyContext) -> StudyDetails:
    found: list[StudyDetails] = []
    ctx.runner.run(read(study_details), found.append)
    qtbot.waitUntil(lambda: bool(found), timeout=10_000)
    return found[0]


def open_dialog(
    qtbot: QtBot, ctx: StudyContext, parent: QWidget, **kwargs: Any
) -> StudyDetailsDialog:
    qtbot.addWidget(parent)  # held weakly: the test keeps `parent`
    edit_study_details(parent, ctx, **kwargs)
    qtbot.waitUntil(lambda: parent.findChild(StudyDetailsDialog) is not None, timeout=10_000)
    dialog = parent.findChild(StudyDetailsDialog)
    assert isinstance(dialog, StudyDetailsDialog)
    qtbot.waitUntil(dialog.isVisible)
    return dialog


def mnemonic(text: str) -> str:
    at = text.index("&")
    return text[at + 1].lower()


@pytest.mark.parametrize("first_time", [False, True])
def test_every_field_has_a_label_with_its_own_mnemonic(qtbot: QtBot, first_time: bool) -> None:
    dialog = StudyDetailsDialog(StudyDetails("T"), first_time=first_time)
    qtbot.addWidget(dialog)
    labels = [label for label in dialog.findChildren(QLabel) if "&" in label.text()]
    buddies = {label.buddy() for label in labels}
    fields = [
        w
        for kind in (QLineEdit, QPlainTextEdit, DateOrNotYet)
        for w in dialog.findChildren(kind)
        if w.parent() is dialog
    ]
    assert len(fields) == 12
    for field in fields:
        assert field in buddies
        assert field.accessibleName()
    buttons = [b.text() for b in dialog.buttons.findChildren(QAbstractButton)]
    letters = [mnemonic(label.text()) for label in labels]
    letters += [mnemonic(text) for text in buttons if "&" in text]  # Cancel: Esc
    assert len(letters) == len(set(letters)), letters
    assert ("&Later" in buttons) is first_time


def test_the_date_is_typed_or_not_yet(qtbot: QtBot) -> None:
    edit = DateOrNotYet()
    qtbot.addWidget(edit)
    edit.show()
    assert edit.value() is None
    assert edit.text() == "Not yet"
    qtbot.keyClicks(edit, "10/11/2008")
    assert edit.value() == dt.date(2008, 11, 10)
    qtbot.keyClick(edit, Qt.Key.Key_Delete)
    assert edit.value() is None
    qtbot.keyClicks(edit, "03022009")
    assert edit.value() == dt.date(2009, 2, 3)
    qtbot.keyClick(edit, Qt.Key.Key_Delete)
    qtbot.keyClick(edit, Qt.Key.Key_Up)  # from "Not yet" to today, not to 2 January 1900
    assert edit.value() == dt.date.today()


def test_a_bad_field_keeps_the_dialog_open_and_says_why(
    qtbot: QtBot, blank_ctx: StudyContext
) -> None:
    parent = QWidget()
    dialog = open_dialog(qtbot, blank_ctx, parent)
    qtbot.keyClicks(dialog.email, "ama.example.org")
    qtbot.keyClicks(dialog.phone, "call me")
    dialog.save.click()
    assert dialog.isVisible()
    assert dialog.message.isVisible()
    assert dialog.message.text().splitlines() == [
        "Phone: “call me” is not a phone number (digits, spaces and + - ( ) only,"
        " like 020 7946 0000).",
        "E-mail: “ama.example.org” is not an e-mail address (it needs an @ and a domain,"
        " like name@example.org).",
    ]
    assert QApplication.focusWidget() is dialog.phone  # the first field with a problem
    dialog.reject()
    assert blank_ctx.undo.count() == 0


def test_one_save_is_one_undo_step(qtbot: QtBot, ctx: StudyContext) -> None:
    before = details_now(qtbot, ctx)
    parent = QWidget()
    dialog = open_dialog(qtbot, ctx, parent)
    assert dialog.researcher.text() == "Claire Beaumont"
    assert dialog.other_contact.text() == "01632 960123, researcher@example.org"
    dialog.researcher.setText("Ama Mensah")
    dialog.ethics_reference.setText("ETH-2026-14")
    dialog.aims.setPlainText("One aim\n\nAnother aim\n")
    with qtbot.waitSignal(ctx.runner.sig_changes, timeout=10_000):
        dialog.save.click()
    assert ctx.undo.count() == 1
    assert ctx.undo.undoText() == "edit the study's details"
    after = details_now(qtbot, ctx)
    assert (after.researcher, after.ethics_reference) == ("Ama Mensah", "ETH-2026-14")
    assert after.aims == ("One aim", "Another aim")
    with qtbot.waitSignal(ctx.runner.sig_changes, timeout=10_000):
        ctx.undo.undo()
    assert details_now(qtbot, ctx) == before
    with qtbot.waitSignal(ctx.runner.sig_changes, timeout=10_000):
        ctx.undo.redo()
    assert details_now(qtbot, ctx) == after


def test_saving_without_a_change_adds_no_undo_step(qtbot: QtBot, ctx: StudyContext) -> None:
    parent = QWidget()
    dialog = open_dialog(qtbot, ctx, parent)
    dialog.save.click()
    assert not dialog.isVisible()
    assert ctx.undo.count() == 0


# -- before printing ------------------------------------------------------------------------


def question(qtbot: QtBot, parent: QWidget) -> QMessageBox:
    def found() -> QMessageBox | None:
        box = parent.findChild(QMessageBox, "missingDetailsQuestion")
        return box if isinstance(box, QMessageBox) and box.isVisible() else None

    qtbot.waitUntil(lambda: found() is not None, timeout=10_000)
    box = found()
    assert box is not None
    return box


def button(box: QMessageBox, text: str) -> QAbstractButton:
    return next(b for b in box.buttons() if b.text() == text)


def preview() -> QPrintPreviewDialog | None:
    shown = [w for w in QApplication.topLevelWidgets() if isinstance(w, QPrintPreviewDialog)]
    return next((w for w in shown if w.isVisible()), None)


def test_printing_with_details_missing_asks_first(qtbot: QtBot, blank_ctx: StudyContext) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    print_pdf(parent, blank_ctx, PdfRequest("parental-consent"))
    box = question(qtbot, parent)
    assert box.windowModality() != Qt.WindowModality.ApplicationModal  # no loop of its own
    assert box.text().startswith(
        "This form prints the study's researcher, organisation and contact, which are not"
        " filled in yet"
    )
    assert preview() is None  # nothing printed before the answer
    button(box, "&Print anyway").click()
    qtbot.waitUntil(lambda: preview() is not None, timeout=10_000)
    shown = preview()
    assert shown is not None
    shown.reject()


def test_fill_them_in_then_the_form_prints_with_them(qtbot: QtBot, blank_ctx: StudyContext) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    print_pdf(parent, blank_ctx, PdfRequest("child-assent"))
    button(question(qtbot, parent), "&Fill them in…").click()
    qtbot.waitUntil(lambda: parent.findChild(StudyDetailsDialog) is not None, timeout=10_000)
    dialog = parent.findChild(StudyDetailsDialog)
    assert isinstance(dialog, StudyDetailsDialog)
    qtbot.waitUntil(dialog.isVisible)
    dialog.researcher.setText("Ama Mensah")
    dialog.organisation.setText("Riverside Youth Trust")
    dialog.email.setText("ama@example.org")
    dialog.save.click()
    qtbot.waitUntil(lambda: preview() is not None, timeout=10_000)  # no second question
    shown = preview()
    assert shown is not None
    shown.reject()
    assert details_now(qtbot, blank_ctx).researcher == "Ama Mensah"
    assert blank_ctx.undo.count() == 1


def test_cancel_prints_nothing(qtbot: QtBot, blank_ctx: StudyContext) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    print_pdf(parent, blank_ctx, PdfRequest("parent-verbal-consent"))
    box = question(qtbot, parent)
    box.button(QMessageBox.StandardButton.Cancel).click()
    qtbot.waitUntil(lambda: parent.findChild(QMessageBox, "missingDetailsQuestion") is None)
    assert preview() is None


def test_later_leaves_the_details_blank_and_the_overview_asks_for_them(
    qtbot: QtBot, blank_ctx: StudyContext
) -> None:
    parent = QWidget()
    dialog = open_dialog(qtbot, blank_ctx, parent, first_time=True)
    assert dialog.windowTitle() == "The study's details"
    qtbot.keyClicks(dialog.researcher, "Ama Mensah")
    dialog.later.click()
    qtbot.waitUntil(lambda: parent.findChild(StudyDetailsDialog) is None)
    assert blank_ctx.undo.count() == 0
    assert details_now(qtbot, blank_ctx) == StudyDetails(title="Empty study")

    page = OverviewPage(blank_ctx)
    qtbot.addWidget(page)
    qtbot.waitUntil(lambda: "Empty study" in page.summary.text())
    assert (
        "<b>Not filled in yet:</b> researcher, organisation, contact, aims, endorsement,"
        " ethics reference" in page.summary.text()
    )
    assert "Not yet endorsed." in page.summary.text()
    last = page.todo.item(page.todo.count() - 1)
    assert last.text() == (
        "Printed forms leave a blank for the study's researcher, organisation and contact:"
        " fill them in"
    )
    page.todo.itemActivated.emit(last)  # Enter on it
    qtbot.waitUntil(lambda: page.findChild(StudyDetailsDialog) is not None, timeout=10_000)
    opened = page.findChild(StudyDetailsDialog)
    assert isinstance(opened, StudyDetailsDialog)
    opened.reject()
