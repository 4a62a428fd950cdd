"""The register's table model and its sort/filter proxy, without any widget."""

from __future__ import annotations

import datetime as dt
import shutil
import uuid
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester

from plrdesk.cli.study_commands import shipped_forms
from plrdesk.domain.ids import ParticipantId
from plrdesk.domain.kinds import ParticipantKind, Permission
from plrdesk.services.participants import ParticipantRow, list_participants
from plrdesk.storage.study_file import StudyFile
from plrdesk.ui.register.model import (
    CONSENT,
    DETAILS,
    GUARDIANS,
    KIND,
    NAME,
    REF,
    TO_DO_COLOUR,
    WITHDRAWN_COLOUR,
    ParticipantFilterProxy,
    ParticipantTableModel,
    RowRole,
    natural_key,
)
from tests.support.files import PASSPHRASE

K = ParticipantKind


def make_row(
    ref: str,
    kind: ParticipantKind = K.PRACTITIONER,
    *,
    name: str = "Someone",
    attributes: dict[str, str | int | float | bool] | None = None,
    guardians: tuple[str, ...] = (),
    status: str = "consented",
    withdrawn_on: dt.date | None = None,
) -> ParticipantRow:
    return ParticipantRow(
        id=ParticipantId(uuid.uuid4()),
        ref=ref,
        kind=kind,
        name=name,
        contact=None,
        attributes=attributes or {},
        guardians=guardians,
        withdrawn=withdrawn_on is not None,
        withdrawn_on=withdrawn_on,
        consent_status="withdrawn" if withdrawn_on else status,
        consent_gaps=("has not consented to take part",) if status.startswith("needs") else (),
        permissions=frozenset() if withdrawn_on else frozenset({Permission.TAKE_PART}),
    )


@pytest.fixture(scope="module")
def demo_rows(
    demo_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> list[ParticipantRow]:
    path = tmp_path_factory.mktemp("register") / "demo.plr"
    shutil.copyfile(demo_template, path)
    with StudyFile.open(path, PASSPHRASE) as study, study.transaction() as db:
        return list_participants(db, shipped_forms())


@pytest.fixture
def model(demo_rows: list[ParticipantRow], qapp: object) -> ParticipantTableModel:
    model = ParticipantTableModel()
    model.set_rows(demo_rows)
    return model


def cell(model: ParticipantTableModel, ref: str, column: int, role: int = 0) -> object:
    return model.index(model.row_of(ref), column).data(role)


def test_the_model_passes_qt_model_tester(
    qtmodeltester: ModelTester, model: ParticipantTableModel
) -> None:
    qtmodeltester.check(model, force_py=True)
    model.set_rows([])
    qtmodeltester.check(model, force_py=True)


def test_the_proxy_passes_qt_model_tester(
    qtmodeltester: ModelTester, model: ParticipantTableModel
) -> None:
    proxy = ParticipantFilterProxy()
    proxy.setSourceModel(model)
    proxy.sort(REF)
    proxy.set_filter_text("child")
    qtmodeltester.check(proxy, force_py=True)


def test_cells_say_who_and_what_in_plain_words(model: ParticipantTableModel) -> None:
    assert model.rowCount() == 16
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(6)] == [
        "Ref", "Name", "Kind", "Details", "Guardians", "Consent"
    ]  # fmt: skip
    assert cell(model, "P1", DETAILS) == "voluntary · project worker"
    assert cell(model, "G3", KIND) == "parent or carer"
    assert cell(model, "G3", DETAILS) == "carer"
    assert cell(model, "C5", DETAILS) == "age 13 · girl · Year 8"
    assert cell(model, "C5", GUARDIANS) == "G3"
    assert cell(model, "C5", GUARDIANS, Qt.ItemDataRole.ToolTipRole) == "G3: Sandra Kelly"
    assert cell(model, "C5", CONSENT) == "consented"
    assert cell(model, "P1", NAME, Qt.ItemDataRole.ToolTipRole) == "Contact: 07700 900412"
    row = cell(model, "C5", REF, RowRole)
    assert isinstance(row, ParticipantRow)
    assert row.ref == "C5"


def test_withdrawn_rows_are_grey_and_say_so(model: ParticipantTableModel) -> None:
    assert cell(model, "C6", CONSENT) == "withdrawn 16 Jan 2009"
    for column in range(6):
        assert cell(model, "C6", column, Qt.ItemDataRole.ForegroundRole) == WITHDRAWN_COLOUR
    assert cell(model, "C5", NAME, Qt.ItemDataRole.ForegroundRole) is None
    tip = cell(model, "C6", CONSENT, Qt.ItemDataRole.ToolTipRole)
    assert isinstance(tip, str)
    assert "left out of every count, quote and export" in tip


def test_other_kinds_list_their_free_details(qapp: object) -> None:
    model = ParticipantTableModel()
    model.set_rows([make_row("X1", K.OTHER, attributes={"organisation": "club", "paid": False})])
    assert cell(model, "X1", DETAILS) == "organisation: club · paid: no"


def test_refs_sort_naturally(qapp: object) -> None:
    model = ParticipantTableModel()
    model.set_rows([make_row(ref) for ref in ["P10", "P2", "C1", "P1", "G11", "G9"]])
    proxy = ParticipantFilterProxy()
    proxy.setSourceModel(model)
    proxy.sort(REF, Qt.SortOrder.AscendingOrder)
    refs = [proxy.index(r, REF).data() for r in range(proxy.rowCount())]
    assert refs == ["C1", "G9", "G11", "P1", "P2", "P10"]
    proxy.sort(REF, Qt.SortOrder.DescendingOrder)
    assert proxy.index(0, REF).data() == "P10"
    assert natural_key("P2") < natural_key("P10")


def test_other_columns_sort_by_their_text_then_ref(model: ParticipantTableModel) -> None:
    proxy = ParticipantFilterProxy()
    proxy.setSourceModel(model)
    proxy.sort(CONSENT)
    refs = [proxy.index(r, REF).data() for r in range(proxy.rowCount())]
    assert refs[:3] == ["C1", "C2", "C3"]  # "consented", then by ref
    assert refs[-1] == "C6"  # "withdrawn ..."


def test_the_filter_is_case_insensitive_and_needs_every_word(
    model: ParticipantTableModel,
) -> None:
    proxy = ParticipantFilterProxy()
    proxy.setSourceModel(model)

    def shown(text: str) -> list[str]:
        proxy.set_filter_text(text)
        return [proxy.index(r, REF).data() for r in range(proxy.rowCount())]

    assert shown("GIRL") == ["C2", "C5", "C6"]
    assert shown("child  year 7") == ["C1", "C3", "C4", "C6"]
    assert shown("harrington") == ["G1", "C1", "C2"]
    assert shown("g3") == ["G3", "C4", "C5"]  # the ref, and where G3 is a guardian
    assert shown("withdrawn") == ["C6"]
    assert shown("nobody") == []
    assert len(shown("")) == 16


def test_a_consent_still_to_get_stands_out(qapp: object) -> None:
    model = ParticipantTableModel()
    model.set_rows([make_row("X1", K.OTHER, status="needs consent")])
    assert cell(model, "X1", CONSENT) == "needs consent"
    assert cell(model, "X1", CONSENT, Qt.ItemDataRole.ForegroundRole) == TO_DO_COLOUR
    assert cell(model, "X1", NAME, Qt.ItemDataRole.ForegroundRole) is None
    assert cell(model, "X1", CONSENT, Qt.ItemDataRole.ToolTipRole) == (
        "X1 has not consented to take part."
    )
