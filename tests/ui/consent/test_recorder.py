"""The consent recorder: written with a scan, verbal with timed ticks, electronic with two
signatures; checked in the study through the runner, never through mocks."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QDate, QPoint, Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication, QCheckBox, QLabel, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select
from sqlalchemy.orm import Session

from plrdesk.domain import models as m
from plrdesk.domain.kinds import ConsentMethod
from plrdesk.services.changes import Changes, Table
from plrdesk.services.consents import RecorderSetup, recorder_setup
from plrdesk.ui.consent.open import open_consent_recorder
from plrdesk.ui.consent.recorder import SAVE_TOOLTIP, ConsentRecorder
from plrdesk.ui.consent.signature_pad import SignaturePad
from plrdesk.ui.context import StudyContext
from plrdesk.ui.operations import Operation, read, write

Run = Callable[[Operation[Any]], Any]


@pytest.fixture
def open_recorder(
    qtbot: QtBot, ctx: StudyContext, run: Run, people: None
) -> Callable[[str], ConsentRecorder]:
    def make(ref: str) -> ConsentRecorder:
        setup: RecorderSetup = run(read(recorder_setup, ctx.forms, ref))
        dialog = ConsentRecorder(ctx, setup)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        return dialog

    return make


def tick(dialog: ConsentRecorder, item_id: str, on: bool = True) -> None:
    assert dialog.form_widget is not None
    box = dialog.form_widget.controls(item_id)[0]
    assert isinstance(box, QCheckBox)
    box.setChecked(on)


def note(dialog: ConsentRecorder, item_id: str) -> str:
    assert dialog.form_widget is not None
    label = dialog.form_widget.findChild(QLabel, f"note-{item_id}")
    assert label is not None
    return label.text() if label.isVisible() else ""


def save(qtbot: QtBot, ctx: StudyContext, dialog: ConsentRecorder, ref: str) -> None:
    with qtbot.waitSignal(ctx.runner.sig_status, timeout=10_000) as status:
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert status.args == [f"Consent recorded for {ref}"]
    assert dialog.recorded is not None


@dataclass(frozen=True)
class Recorded:
    """The latest consent in the study, read on the worker."""

    ref: str
    form: str
    method: str
    given_on: dt.date
    answers: dict[str, Any]
    on_behalf_of: str | None
    signature_png: bytes | None
    second_signature_png: bytes | None
    scan_image: bytes | None
    scan_media_type: str | None
    confirmations: dict[str, str]
    recorded_by: str | None


def latest_consent(db: Session) -> Recorded:
    c = db.scalars(select(m.Consent).order_by(m.Consent.position.desc())).first()
    assert c is not None
    return Recorded(
        c.ref,
        c.form,
        c.method,
        c.given_on,
        dict(c.answers),
        c.on_behalf_of.ref if c.on_behalf_of else None,
        c.signature_png,
        c.second_signature_png,
        c.scan_image,
        c.scan_media_type,
        dict(c.confirmations),
        c.recorded_by,
    )


def latest(run: Run) -> Recorded:
    result: Recorded = run(read(latest_consent))
    return result


def sign(qtbot: QtBot, pad: SignaturePad, wobble: int = 0) -> None:
    canvas = pad.canvas
    canvas.setFocus()
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=QPoint(40, 90))
    for x, y in [(70, 60 + wobble), (100, 95), (140, 55), (180, 85 - wobble), (230, 70)]:
        qtbot.mouseMove(canvas, QPoint(x, y))
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=QPoint(260, 80))


def test_written_consent_with_a_scan(
    qtbot: QtBot,
    ctx: StudyContext,
    run: Run,
    open_recorder: Callable[[str], ConsentRecorder],
    tmp_path: Path,
) -> None:
    (tmp_path / "scans").mkdir()
    scan = tmp_path / "scans" / "scan.png"
    image = QImage(8, 8, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    assert image.save(str(scan))
    before = scan.read_bytes()
    dialog = open_recorder("P7")
    choice = dialog.choice()
    assert choice is not None
    assert choice.form_id == "practitioner-consent"
    assert dialog.method() == ConsentMethod.WRITTEN
    assert dialog.date_label.text() == "&Date the paper form came back"
    dialog.date_edit.setDate(QDate(2009, 1, 5))
    tick(dialog, "take-part")
    tick(dialog, "quote")
    assert dialog.attach_scan(scan)
    assert "scan.png" in dialog.scan_label.text()
    save(qtbot, ctx, dialog, "P7")
    consent = latest(run)
    assert consent.ref == "K23"
    assert consent.method == "written"
    assert consent.given_on == dt.date(2009, 1, 5)
    assert consent.answers["take-part"] is True
    assert consent.answers["audio"] is False  # left blank on the paper form
    assert consent.scan_image == before
    assert consent.scan_media_type == "image/png"
    assert scan.read_bytes() == before  # the file itself is left alone
    assert [p.name for p in scan.parent.iterdir()] == ["scan.png"]
    # Recorded: the form is locked and the copy can be printed.
    assert not dialog.save_button.isEnabled()
    qtbot.waitUntil(lambda: dialog.selected_consent() is not None)
    selected = dialog.selected_consent()
    assert selected is not None
    assert selected.ref == "K23"
    assert dialog.print_copy.isEnabled()


def test_a_file_that_is_not_a_scan_is_refused(
    open_recorder: Callable[[str], ConsentRecorder], tmp_path: Path
) -> None:
    dialog = open_recorder("P7")
    other = tmp_path / "notes.txt"
    other.write_text("hello")
    assert not dialog.attach_scan(other)
    assert dialog.error.text() == "notes.txt is not a PNG, JPEG or PDF file."
    assert dialog.scan is None


def test_verbal_consent_keeps_the_time_of_each_tick(
    qtbot: QtBot, ctx: StudyContext, run: Run, open_recorder: Callable[[str], ConsentRecorder]
) -> None:
    dialog = open_recorder("G5")
    dialog.select_form("parent-verbal-consent")
    assert dialog.method() == ConsentMethod.VERBAL
    assert not dialog.method_buttons[ConsentMethod.WRITTEN].isEnabled()
    assert dialog.recorded_by.text() == "Claire Beaumont"
    start = dt.datetime(2009, 2, 3, 18, 5, 0, tzinfo=dt.UTC)
    moments = (start + dt.timedelta(seconds=20 * n) for n in itertools.count())
    dialog.clock = lambda: next(moments).isoformat()
    assert dialog.form_widget is not None
    assert dialog.form_widget.item_block("hello").isVisible()  # the script is on screen
    for item_id in ["understands-purpose", "can-withdraw", "take-part", "quote"]:
        tick(dialog, item_id)
    tick(dialog, "quote", on=False)  # they said no after all
    assert note(dialog, "take-part") == "Ticked at 18:05:40"
    assert note(dialog, "quote") == ""
    save(qtbot, ctx, dialog, "G5")
    consent = latest(run)
    assert consent.form == "parent-verbal-consent"
    assert consent.method == "verbal"
    assert consent.recorded_by == "Claire Beaumont"
    assert consent.confirmations == {
        "understands-purpose": "2009-02-03T18:05:00+00:00",
        "can-withdraw": "2009-02-03T18:05:20+00:00",
        "take-part": "2009-02-03T18:05:40+00:00",
    }
    assert consent.answers["quote"] is False


def test_electronic_consent_with_two_signatures(
    qtbot: QtBot, ctx: StudyContext, run: Run, open_recorder: Callable[[str], ConsentRecorder]
) -> None:
    dialog = open_recorder("G5")
    choice = dialog.choice()
    assert choice is not None
    assert choice.form_id == "parental-consent"
    assert dialog.child_combo.isVisible()
    assert dialog.child_combo.currentData() == "C7"
    dialog.set_method(ConsentMethod.ELECTRONIC)
    assert not dialog.date_edit.isEnabled()
    assert [pad.title.text() for pad in dialog.pads] == [
        "Signature: Parent or carer",
        "Signature: Child (optional)",
    ]
    tick(dialog, "take-part")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.error.text() == "Signature: Parent or carer is needed: sign on the pad."
    for number, pad in enumerate(dialog.pads):
        dialog.scroller.ensureWidgetVisible(pad)
        sign(qtbot, pad, wobble=number * 10)
    save(qtbot, ctx, dialog, "G5")
    consent = latest(run)
    assert consent.method == "electronic"
    assert consent.given_on == dt.date.today()
    assert consent.on_behalf_of == "C7"
    assert consent.signature_png is not None
    assert consent.second_signature_png is not None
    assert consent.signature_png.startswith(b"\x89PNG")
    assert consent.second_signature_png.startswith(b"\x89PNG")
    assert consent.signature_png != consent.second_signature_png


def test_a_problem_is_one_plain_line_and_nothing_is_recorded(
    qtbot: QtBot, ctx: StudyContext, run: Run, open_recorder: Callable[[str], ConsentRecorder]
) -> None:
    dialog = open_recorder("P7")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.error.isVisible()
    assert dialog.error.text() == (
        "This must be ticked before the form can be saved."
        ' (item "take-part": I agree to take part in an interview for this study.)'
    )
    assert dialog.recorded is None
    assert latest(run).ref == "K22"
    tick(dialog, "take-part")
    assert not dialog.error.isVisible()


def test_the_service_refusal_is_shown_in_the_dialog(
    qtbot: QtBot, ctx: StudyContext, run: Run, open_recorder: Callable[[str], ConsentRecorder]
) -> None:
    dialog = open_recorder("P7")
    tick(dialog, "take-part")

    def withdraw(db: Session) -> Changes:
        person = db.scalars(select(m.Participant).filter_by(ref="P7")).one()
        person.withdrawn_on = dt.date.today()
        changes = Changes()
        changes.update(Table.PARTICIPANT, person.id)
        return changes

    run(write(withdraw))  # meanwhile, elsewhere
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.error.isVisible())
    assert dialog.error.text() == "P7 has withdrawn from the study."
    assert dialog.save_button.isEnabled()


def test_saving_says_it_cannot_be_undone(open_recorder: Callable[[str], ConsentRecorder]) -> None:
    dialog = open_recorder("C7")
    assert "cannot be undone" in SAVE_TOOLTIP
    assert dialog.save_button.toolTip() == SAVE_TOOLTIP
    choice = dialog.choice()
    assert choice is not None
    assert choice.form_id == "child-assent"


def test_open_consent_recorder_loads_the_participant_then_shows_the_dialog(
    qtbot: QtBot, ctx: StudyContext, people: None
) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    open_consent_recorder(ctx, "G5", parent)
    qtbot.waitUntil(lambda: parent.findChild(ConsentRecorder) is not None, timeout=10_000)
    dialog = parent.findChild(ConsentRecorder)
    assert dialog is not None
    assert dialog.isVisible()
    assert [c.ref for c in dialog.setup.children] == ["C7"]
    with qtbot.waitSignal(ctx.runner.sig_status) as status:
        open_consent_recorder(ctx, "Z9", parent)
    assert status.args == [
        "Could not open the consent recorder: There is no participant Z9 in this study."
    ]
    dialog.close()


def test_the_register_opens_the_recorder_through_the_navigator(
    qtbot: QtBot, ctx: StudyContext, people: None
) -> None:
    from plrdesk.ui.main_window import MainWindow

    window = MainWindow(ctx.runner, ctx.forms)
    qtbot.addWidget(window)
    window.ctx.navigator.sig_record_consent.emit("C7")

    def recorder() -> ConsentRecorder | None:
        found = [w for w in QApplication.topLevelWidgets() if isinstance(w, ConsentRecorder)]
        return found[0] if found else None

    qtbot.waitUntil(lambda: recorder() is not None, timeout=10_000)
    dialog = recorder()
    assert dialog is not None
    assert dialog.parent() is window
    assert dialog.setup.participant.ref == "C7"
    dialog.close()
