"""The agreement view on the demo study with a second coder's codings: coders offered,
themes worst first, the entries where they differ side by side, Enter opening one, and a
reload when a coding is saved. The models pass pytest-qt's model tester."""

from __future__ import annotations

import uuid

import pytest
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from plrdesk.domain import models as m
from plrdesk.services.agreement import Unit
from plrdesk.services.changes import Changes, Table
from plrdesk.ui.analysis.agreement_model import (
    AgreementTableModel,
    DifferenceModel,
    coded_words,
    marked_html,
)
from plrdesk.ui.analysis.agreement_view import AgreementDialog
from plrdesk.ui.context import StudyContext
from plrdesk.ui.operations import read, write
from tests.support.mnemonics import clashes
from tests.support.second_coder import SECOND, WORST, add_second_coder
from tests.ui.analysis.support import run

RESEARCHER = "Claire Beaumont"  # the demo's researcher: her codings have no coder (NULL)


@pytest.fixture
def opened(qtbot: QtBot, ctx: StudyContext) -> tuple[AgreementDialog, list[uuid.UUID]]:
    assert run(qtbot, ctx, read(add_second_coder)) > 0
    asked: list[uuid.UUID] = []
    dialog = AgreementDialog(ctx, asked.append)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.sig_report_shown):
        dialog.show()
    return dialog, asked


def test_the_worst_theme_comes_first_and_its_differences_show(
    qtbot: QtBot, opened: tuple[AgreementDialog, list[uuid.UUID]]
) -> None:
    dialog, asked = opened
    assert (dialog.coder_a.currentText(), dialog.coder_b.currentText()) == (RESEARCHER, SECOND)
    rows = dialog.themes.rows()
    assert rows[0].theme.name == WORST
    assert rows[0].kappa == 0
    kappas = [row.kappa for row in rows]
    assert kappas == sorted(kappas)  # type: ignore[type-var]
    assert "Overall, pooled" in dialog.summary.text()
    # The worst theme is current: the entries where they differ, Bo's side empty.
    assert dialog.current_theme() is rows[0]
    differences = dialog.differences.rows()
    assert differences
    assert all(d.a_spans and not d.b_spans for d in differences)
    assert "<b><u>" in dialog.a_text.toHtml() or "font-weight" in dialog.a_text.toHtml()
    assert dialog.b_text.toPlainText() == dialog.a_text.toPlainText()
    # Enter on the difference opens that entry in its session.
    dialog.difference_table.setFocus()
    dialog.difference_table.activated.emit(dialog.difference_table.currentIndex())
    assert asked == [differences[0].entry_id]


def test_choosing_the_unit_and_swapping_coders_reread(
    qtbot: QtBot, opened: tuple[AgreementDialog, list[uuid.UUID]]
) -> None:
    dialog, _ = opened
    with qtbot.waitSignal(dialog.sig_report_shown):
        dialog.unit.setCurrentIndex(dialog.unit.findData("character"))
    report = dialog._report
    assert report is not None
    assert report.result is not None
    assert report.result.unit is Unit.CHARACTER
    assert dialog.themes.rows()[0].theme.name == WORST
    with qtbot.waitSignal(dialog.sig_report_shown):
        dialog.coder_a.setCurrentIndex(dialog.coder_a.findData(SECOND))
    assert dialog.summary.text().startswith('"Bo Chan" twice')


def _drop_second(db: Session) -> Changes:
    ids = list(db.scalars(select(m.Coding.id).where(m.Coding.coder == SECOND)))
    db.execute(delete(m.Coding).where(m.Coding.id.in_(ids)))
    changes = Changes()
    for coding_id in ids:
        changes.remove(Table.CODING, coding_id)
    return changes


def test_a_saved_change_reloads_and_one_coder_is_said(
    qtbot: QtBot, ctx: StudyContext, opened: tuple[AgreementDialog, list[uuid.UUID]]
) -> None:
    dialog, _ = opened
    with qtbot.waitSignal(dialog.sig_report_shown):
        ctx.runner.run(write(_drop_second))
    assert dialog.summary.text() == f'Agreement needs two coders; only "{RESEARCHER}" has coded.'
    assert dialog.themes.rowCount() == 0
    assert dialog.differences.rowCount() == 0


def test_models_pass_the_model_tester(
    qtmodeltester: ModelTester, opened: tuple[AgreementDialog, list[uuid.UUID]]
) -> None:
    dialog, _ = opened
    qtmodeltester.check(dialog.themes, force_py=True)
    qtmodeltester.check(dialog.differences, force_py=True)
    qtmodeltester.check(AgreementTableModel(), force_py=True)
    qtmodeltester.check(DifferenceModel(), force_py=True)


def test_marked_text_and_coded_words() -> None:
    text = "Say <hi>. Then more."
    assert marked_html(text, [(0, 3), (10, 14)]) == (
        "<b><u>Say</u></b> &lt;hi&gt;. <b><u>Then</u></b> more."
    )
    assert coded_words(text, [(0, 3), (10, 14)]) == "Say … Then"
    assert coded_words(text, []) == ""


def test_the_dialog_has_no_mnemonic_clash(opened: tuple[AgreementDialog, list[uuid.UUID]]) -> None:
    dialog, _ = opened
    assert clashes(dialog) == []
