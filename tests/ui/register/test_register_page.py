"""The register page end to end: add, edit, undo, filter, sort, select, consent, withdraw and
erase, typing into the real widgets and waiting on conditions."""

from __future__ import annotations

import datetime as dt
from typing import Any, TypeVar

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from plrdesk.domain import models as m
from plrdesk.domain.kinds import ParticipantKind
from plrdesk.services.changes import Changes, Table
from plrdesk.services.participants import ParticipantDetails, ParticipantRow
from plrdesk.services.withdrawal import WithdrawalRequest, withdraw_in_file
from plrdesk.ui.context import StudyContext
from plrdesk.ui.operations import Operation, on_file, read, write
from plrdesk.ui.register.commands import AddParticipantCommand
from plrdesk.ui.register.model import DETAILS, REF
from plrdesk.ui.register.page import RegisterPage
from plrdesk.ui.register.participant_dialog import ParticipantDialog
from plrdesk.ui.register.withdraw_dialog import WithdrawDialog

T = TypeVar("T")


@pytest.fixture
def page(qtbot: QtBot, ctx: StudyContext) -> RegisterPage:
    page = RegisterPage(ctx)
    qtbot.addWidget(page)
    page.resize(1000, 600)
    page.show()
    qtbot.waitExposed(page)
    page.activateWindow()  # shortcuts and focus need an active window on a real display
    # (qtbot.waitActive is a context manager: called bare, it waited for nothing)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is page)
    qtbot.waitUntil(lambda: page.model.rowCount() == 16)
    return page


@pytest.fixture
def statuses(ctx: StudyContext) -> list[str]:
    seen: list[str] = []
    ctx.runner.sig_status.connect(seen.append)
    return seen


def run(qtbot: QtBot, ctx: StudyContext, op: Operation[T]) -> T:
    """Run `op` on the database worker and wait for its result."""
    out: list[Any] = []
    ctx.runner.run(op, out.append)
    qtbot.waitUntil(lambda: bool(out))
    return out[0]  # type: ignore[no-any-return]


def entries_spoken_by(db: Session, ref: str) -> int:
    person = db.scalars(select(m.Participant).filter_by(ref=ref)).one()
    return db.scalar(select(func.count()).where(m.Entry.speaker_id == person.id)) or 0


def row(page: RegisterPage, ref: str) -> ParticipantRow | None:
    return next((r for r in page.model.rows() if r.ref == ref), None)


def shown_refs(page: RegisterPage) -> list[str]:
    return [page.proxy.index(r, REF).data() for r in range(page.proxy.rowCount())]


def participant_dialog(page: RegisterPage) -> ParticipantDialog:
    dialog = page.dialog
    assert isinstance(dialog, ParticipantDialog)
    assert dialog.isVisible()
    return dialog


def withdraw_dialog(page: RegisterPage) -> WithdrawDialog:
    dialog = page.dialog
    assert isinstance(dialog, WithdrawDialog)
    assert dialog.isVisible()
    return dialog


# -- adding --------------------------------------------------------------------------------


def add_child(qtbot: QtBot, page: RegisterPage) -> None:
    """Ctrl+N, then type a child with G2 as guardian, and press the add button."""
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialog = participant_dialog(page)
    assert not dialog.ok.isEnabled()
    assert dialog.message.text() == "Enter a name."
    dialog.kind.setCurrentIndex(dialog.kind.findData(ParticipantKind.CHILD))
    assert dialog.age.isVisible()
    assert not dialog.sector.isVisible()
    qtbot.keyClicks(dialog.name, "Sam Taylor")
    qtbot.keyClicks(dialog.contact, "07700 900999")
    dialog.age.lineEdit().selectAll()
    qtbot.keyClicks(dialog.age, "12")
    dialog.gender.setCurrentIndex(dialog.gender.findData("boy"))
    dialog.year_group.lineEdit().selectAll()
    qtbot.keyClicks(dialog.year_group, "7")
    assert "No guardian ticked yet" in dialog.message.text()
    dialog.guardians.setFocus()
    dialog.guardians.setCurrentRow(1)  # G2
    qtbot.keyClick(dialog.guardians, Qt.Key.Key_Space)
    assert dialog.guardian_refs() == ("G2",)
    assert dialog.message.text() == ""
    assert dialog.ok.isEnabled()
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.current_ref() == "C7")


def test_add_a_child_with_a_guardian(
    qtbot: QtBot, page: RegisterPage, ctx: StudyContext, statuses: list[str]
) -> None:
    add_child(qtbot, page)
    added = row(page, "C7")
    assert added is not None
    assert (added.name, added.contact, added.guardians) == ("Sam Taylor", "07700 900999", ("G2",))
    assert added.attributes == {"age": 12, "gender": "boy", "year_group": 7}
    assert added.consent_status == "needs parental consent"
    index = page.proxy.mapFromSource(page.model.index(page.model.row_of("C7"), DETAILS))
    assert index.data() == "age 12 · boy · Year 7"
    assert "Added C7." in statuses
    assert page.count.text() == "17 participants (1 withdrawn)"
    assert ctx.undo.undoText() == "add child"


def test_undo_takes_the_add_back_and_redo_brings_the_same_ref(
    qtbot: QtBot, page: RegisterPage, ctx: StudyContext
) -> None:
    add_child(qtbot, page)
    ctx.undo.undo()
    qtbot.waitUntil(lambda: row(page, "C7") is None)
    assert page.model.rowCount() == 16
    ctx.undo.redo()
    qtbot.waitUntil(lambda: row(page, "C7") is not None)
    restored = row(page, "C7")
    assert restored is not None
    assert restored.guardians == ("G2",)


def test_undo_pressed_before_the_add_is_back_takes_out_the_right_person(
    qtbot: QtBot, page: RegisterPage, ctx: StudyContext, statuses: list[str]
) -> None:
    """The ref is chosen on the worker; the undo and redo queued at once read it there."""
    details = ParticipantDetails(ParticipantKind.OTHER, "Observer", None, {})
    command = AddParticipantCommand(ctx, details)
    ctx.undo.push(command)
    ctx.undo.undo()
    ctx.undo.redo()
    ctx.undo.undo()
    assert command.ref is None  # nothing has come back yet

    def steps() -> list[str]:
        return [s for s in statuses if s.startswith(("Added", "Took"))]

    qtbot.waitUntil(lambda: len(steps()) == 4)
    assert steps() == [
        "Added X1.",
        "Took X1 back out of the register.",
        "Added X1.",
        "Took X1 back out of the register.",
    ]
    assert ctx.save_state.failure is None
    ctx.undo.redo()
    qtbot.waitUntil(lambda: row(page, "X1") is not None)
    assert row(page, "X1").name == "Observer"  # type: ignore[union-attr]


def test_the_dialog_checks_as_you_type(qtbot: QtBot, page: RegisterPage) -> None:
    page.add_button.click()
    dialog = participant_dialog(page)
    dialog.kind.setCurrentIndex(dialog.kind.findData(ParticipantKind.OTHER))
    assert dialog.details_table.isVisible()
    assert not dialog.guardians.isVisible()
    qtbot.keyClicks(dialog.name, "Youth club lead")
    assert dialog.ok.isEnabled()
    qtbot.mouseClick(dialog.add_detail, Qt.MouseButton.LeftButton)
    table = dialog.details_table
    table.setItem(0, 1, QTableWidgetItem("Tuesdays"))  # a value without a name
    assert dialog.message.text() == "Every detail needs a name."
    assert not dialog.ok.isEnabled()
    table.setItem(0, 0, QTableWidgetItem("meets"))
    assert dialog.ok.isEnabled()
    assert dialog.details().attributes == {"meets": "Tuesdays"}
    dialog.name.clear()
    assert dialog.message.text() == "Enter a name."
    assert not dialog.ok.isEnabled()
    dialog.reject()


@pytest.mark.parametrize("editing", [False, True])
def test_every_control_has_a_name_and_a_label_with_a_mnemonic(
    qtbot: QtBot, page: RegisterPage, editing: bool
) -> None:
    c5 = row(page, "C5")
    assert c5 is not None
    dialog = ParticipantDialog(page.model.rows(), c5 if editing else None)
    qtbot.addWidget(dialog)
    controls: list[QWidget] = [
        w
        for kind in (QLineEdit, QComboBox, QSpinBox, QListWidget, QTableWidget)
        for w in dialog.findChildren(kind)
        if w.parent() is dialog  # not the spin boxes' own line edits
    ]
    assert len(controls) >= 10
    labelled = {label.buddy() for label in dialog.findChildren(QLabel) if "&" in label.text()}
    for control in controls:
        assert control.accessibleName(), control
        if control is not dialog.kind or not editing:  # editing shows the kind as plain text
            assert control in labelled, control.accessibleName()
    withdraw = WithdrawDialog(c5)
    qtbot.addWidget(withdraw)
    buddies = {label.buddy() for label in withdraw.findChildren(QLabel) if "&" in label.text()}
    for field in (withdraw.on, withdraw.reason, withdraw.confirm):
        assert field.accessibleName()
        assert field in buddies


# -- editing -------------------------------------------------------------------------------


def test_edit_with_enter_and_undo_it(qtbot: QtBot, page: RegisterPage, ctx: StudyContext) -> None:
    page.select("P3")
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    dialog = participant_dialog(page)
    assert not dialog.kind.isVisible()  # the kind is fixed once added
    assert dialog.name.text() == "Aisha Rahman"
    assert dialog.sector.currentData() == "school"
    dialog.role.clear()
    qtbot.keyClicks(dialog.role, "SENCO")
    dialog.sector.setCurrentIndex(dialog.sector.findData("local authority"))
    qtbot.keyClick(dialog.role, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: row(page, "P3").attributes["role"] == "SENCO")  # type: ignore[union-attr]
    edited = row(page, "P3")
    assert edited is not None
    assert edited.attributes == {"sector": "local authority", "role": "SENCO"}
    assert page.current_ref() == "P3"
    ctx.undo.undo()
    qtbot.waitUntil(lambda: row(page, "P3").attributes["role"] == "learning mentor")  # type: ignore[union-attr]
    assert row(page, "P3").attributes["sector"] == "school"  # type: ignore[union-attr]


def test_an_old_imported_value_does_not_block_an_edit(
    qtbot: QtBot, page: RegisterPage, ctx: StudyContext
) -> None:
    def old_value(db: Session) -> Changes:
        person = db.scalars(select(m.Participant).filter_by(ref="P1")).one()
        person.attributes = {"sector": "NHS trust", "role": "nurse", "team": "north"}
        changes = Changes()
        changes.update(Table.PARTICIPANT, person.id)
        return changes

    run(qtbot, ctx, write(old_value))
    qtbot.waitUntil(lambda: row(page, "P1").attributes["sector"] == "NHS trust")  # type: ignore[union-attr]
    page.select("P1")
    page.edit_button.click()
    dialog = participant_dialog(page)
    assert dialog.sector.currentText() == "NHS trust"
    dialog.name.end(False)
    qtbot.keyClicks(dialog.name, " Jr")
    assert dialog.ok.isEnabled(), dialog.message.text()
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: row(page, "P1").name == "Helen Whitaker Jr")  # type: ignore[union-attr]
    assert row(page, "P1").attributes == {"sector": "NHS trust", "role": "nurse", "team": "north"}  # type: ignore[union-attr]


def test_an_edit_that_changes_nothing_is_not_an_undo_step(
    qtbot: QtBot, page: RegisterPage, ctx: StudyContext, statuses: list[str]
) -> None:
    page.select("C5")
    page.edit_button.click()
    participant_dialog(page).accept()
    assert ctx.undo.count() == 0
    assert statuses[-1] == "Nothing changed for C5."


# -- undo that cannot be done ----------------------------------------------------------------


def test_an_add_that_fails_leaves_no_undo_step(
    qtbot: QtBot, page: RegisterPage, ctx: StudyContext, statuses: list[str]
) -> None:
    details = ParticipantDetails(ParticipantKind.CHILD, "Sam", None, {}, ("C1",))
    ctx.undo.push(AddParticipantCommand(ctx, details))
    qtbot.waitUntil(lambda: ctx.undo.count() == 0)
    assert statuses[-1].startswith("Not saved: C1 is a child")
    assert statuses[-1].endswith("“add child” was taken back")


def test_undoing_an_add_after_they_joined_a_session_keeps_them(
    qtbot: QtBot, page: RegisterPage, ctx: StudyContext, statuses: list[str]
) -> None:
    add_child(qtbot, page)

    def join_session(db: Session) -> Changes:
        child = db.scalars(select(m.Participant).filter_by(ref="C7")).one()
        session = db.scalars(select(m.StudySession).filter_by(ref="S11")).one()
        session.participants.append(child)
        changes = Changes()
        changes.update(Table.SESSION, session.id)
        return changes

    run(qtbot, ctx, write(join_session))
    ctx.undo.undo()
    qtbot.waitUntil(lambda: any(s.endswith("could not be undone") for s in statuses))
    assert "C7 already has consents, notes or sessions" in statuses[-1]
    assert ctx.undo.index() == 1  # the stack is back in step with the study
    assert ctx.undo.canUndo()
    assert row(page, "C7") is not None


# -- finding -------------------------------------------------------------------------------


def test_the_filter_box_narrows_the_rows(qtbot: QtBot, page: RegisterPage) -> None:
    qtbot.keyClicks(page.filter, "Girl")
    assert shown_refs(page) == ["C2", "C5", "C6"]
    assert page.count.text() == "Showing 3 of 16 participants (1 withdrawn)"
    qtbot.keyClick(page.filter, Qt.Key.Key_Return)  # Enter goes to the first match
    assert page.current_ref() == "C2"
    page.filter.clear()
    assert len(shown_refs(page)) == 16


def test_sorting_by_ref_is_natural(qtbot: QtBot, page: RegisterPage, ctx: StudyContext) -> None:
    for _ in range(4):  # P7 .. P10
        details = ParticipantDetails(ParticipantKind.PRACTITIONER, "New", None, {})
        ctx.undo.push(AddParticipantCommand(ctx, details))
    qtbot.waitUntil(lambda: page.model.rowCount() == 20)
    header = page.table.horizontalHeader()
    qtbot.mouseClick(
        header.viewport(),
        Qt.MouseButton.LeftButton,
        pos=QPoint(header.sectionViewportPosition(REF) + 5, 5),
    )
    assert header.sortIndicatorSection() == REF
    refs = shown_refs(page)
    if header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder:
        refs.reverse()
    assert refs[-5:] == ["P6", "P7", "P8", "P9", "P10"]
    assert refs[:2] == ["C1", "C2"]


def test_select_selects_scrolls_and_clears_a_hiding_filter(
    qtbot: QtBot, page: RegisterPage
) -> None:
    page.select("G3")
    assert page.current_ref() == "G3"
    assert page.table.hasFocus()
    qtbot.keyClicks(page.filter, "child")
    page.select("P2")
    assert page.filter.text() == ""
    assert page.current_ref() == "P2"


def test_select_an_unknown_ref_says_so(
    qtbot: QtBot, page: RegisterPage, statuses: list[str]
) -> None:
    page.select("Z9")
    qtbot.waitUntil(lambda: "There is no participant Z9." in statuses)


def test_a_reload_keeps_the_filter_the_user_typed(
    qtbot: QtBot, page: RegisterPage, ctx: StudyContext
) -> None:
    qtbot.keyClicks(page.filter, "consented")
    page.select("C5")
    request = WithdrawalRequest("C5", dt.date(2009, 2, 1), None, erase=False)
    with qtbot.waitSignal(page.sig_rows_loaded):
        ctx.runner.run(on_file(withdraw_in_file, request))
    assert page.filter.text() == "consented"
    assert "C5" not in shown_refs(page)


def test_select_before_the_rows_load_waits_for_them(qtbot: QtBot, ctx: StudyContext) -> None:
    page = RegisterPage(ctx)
    qtbot.addWidget(page)
    page.select("G4")
    with qtbot.waitSignal(page.sig_rows_loaded):
        pass
    assert page.current_ref() == "G4"


# -- consent and withdrawal ------------------------------------------------------------------


def test_record_consent_asks_the_navigator(
    qtbot: QtBot, page: RegisterPage, ctx: StudyContext
) -> None:
    page.select("C5")
    with qtbot.waitSignal(ctx.navigator.sig_record_consent) as asked:
        qtbot.mouseClick(page.consent_button, Qt.MouseButton.LeftButton)
    assert asked.args == ["C5"]
    page.select("C6")  # withdrawn
    assert not page.consent_button.isEnabled()
    assert not page.withdraw_button.isEnabled()
    assert page.edit_button.isEnabled()


def test_withdraw_keeps_their_notes(
    qtbot: QtBot, page: RegisterPage, ctx: StudyContext, statuses: list[str]
) -> None:
    page.select("C5")
    qtbot.mouseClick(page.withdraw_button, Qt.MouseButton.LeftButton)
    dialog = withdraw_dialog(page)
    assert "C5 will be left out of every count, quote and export from now on." in (
        dialog.explanation.text()
    )
    assert "Their notes stay in the study." in dialog.explanation.text()
    assert "Undo cannot take a withdrawal back." in dialog.explanation.text()
    assert not dialog.confirm.isVisible()
    qtbot.keyClicks(dialog.reason, "asked by her carer")
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: row(page, "C5").withdrawn)  # type: ignore[union-attr]
    assert row(page, "C5").consent_status == "withdrawn"  # type: ignore[union-attr]
    assert run(qtbot, ctx, read(entries_spoken_by, "C5")) == 4
    assert statuses[-1].startswith("Withdrew C5: they are now left out")
    assert ctx.undo.count() == 0


def test_withdraw_and_erase_needs_the_ref_typed(
    qtbot: QtBot, page: RegisterPage, ctx: StudyContext, statuses: list[str]
) -> None:
    assert run(qtbot, ctx, read(entries_spoken_by, "C5")) == 4
    page.select("C5")
    assert page.withdraw_button.shortcut().toString() == "Alt+W"  # its mnemonic
    qtbot.mouseClick(page.withdraw_button, Qt.MouseButton.LeftButton)
    dialog = withdraw_dialog(page)
    qtbot.mouseClick(dialog.erase, Qt.MouseButton.LeftButton)
    text = dialog.explanation.text()
    assert "This cannot be undone." in text
    assert "Older backups of the study still hold their words" in text
    assert dialog.confirm.isVisible()
    assert not dialog.ok.isEnabled()
    qtbot.keyClicks(dialog.confirm, "C4")
    assert not dialog.ok.isEnabled()
    dialog.confirm.clear()
    qtbot.keyClicks(dialog.confirm, "c5")
    assert dialog.ok.isEnabled()
    qtbot.keyClick(dialog.confirm, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: row(page, "C5").withdrawn)  # type: ignore[union-attr]
    assert run(qtbot, ctx, read(entries_spoken_by, "C5")) == 0
    qtbot.waitUntil(lambda: "erased" in statuses[-1])
    assert statuses[-1] == (
        "Withdrew C5 and erased 4 note(s) and 2 consent(s). Older backups still hold them."
    )
