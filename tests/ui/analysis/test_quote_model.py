"""The quote-bank table model without any widget, on the demo study's rows."""

from __future__ import annotations

import shutil
import uuid
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from plrdesk.cli.study_commands import shipped_forms
from plrdesk.domain import models as m
from plrdesk.services.corpus import load_corpus
from plrdesk.services.quote_bank import QuoteRow, quote_bank
from plrdesk.storage.study_file import StudyFile
from plrdesk.ui.analysis.quote_model import (
    EXEMPLAR,
    HEADERS,
    NOT_COUNTED_COLOUR,
    PASSAGE,
    QUESTION,
    STATUS,
    WHO,
    HtmlRole,
    QuoteTableModel,
    RowRole,
    passage_html,
    trimmed_after,
    trimmed_before,
)
from tests.support.files import PASSPHRASE


@pytest.fixture(scope="module")
def demo_rows(demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> list[QuoteRow]:
    """T3's rows (with C6's withdrawn line) and T4's (with C5's unquotable one)."""
    path = tmp_path_factory.mktemp("quotes") / "demo.plr"
    shutil.copyfile(demo_template, path)
    forms = shipped_forms()
    with StudyFile.open(path, PASSPHRASE) as study, study.transaction() as db:
        corpus = load_corpus(db, forms)
        themes = {t.ref: t.id for t in db.scalars(select(m.Theme))}
        return [
            *quote_bank(corpus, themes["T3"], forms=forms),
            *quote_bank(corpus, themes["T4"], forms=forms),
        ]


@pytest.fixture
def model(demo_rows: list[QuoteRow], qapp: object) -> QuoteTableModel:
    model = QuoteTableModel()
    model.set_rows(demo_rows)
    return model


def row_of(model: QuoteTableModel, entry_ref: str) -> int:
    return next(n for n, row in enumerate(model.rows()) if row.passage.entry_ref == entry_ref)


def cell(model: QuoteTableModel, entry_ref: str, column: int, role: int = 0) -> object:
    return model.index(row_of(model, entry_ref), column).data(role)


def test_the_model_passes_qt_model_tester(
    qtmodeltester: ModelTester, model: QuoteTableModel
) -> None:
    qtmodeltester.check(model, force_py=True)
    model.set_rows([])
    qtmodeltester.check(model, force_py=True)


def test_cells(model: QuoteTableModel) -> None:
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(len(HEADERS))]
    assert headers == list(HEADERS)
    assert cell(model, "E7", WHO) == (
        "practitioner · voluntary · project worker\nS1 · practitioner interview"
    )
    assert cell(model, "E62", WHO) == "parent or carer · father\nS8 · phone interview"
    question = cell(model, "E7", QUESTION)
    assert isinstance(question, str)
    assert question  # the guide's own words for "participation"
    assert cell(model, "E7", QUESTION, Qt.ItemDataRole.ToolTipRole) == f"participation: {question}"
    row = cell(model, "E7", PASSAGE, RowRole)
    assert isinstance(row, QuoteRow)
    assert row.passage.entry_ref == "E7"
    rich = cell(model, "E7", PASSAGE, HtmlRole)
    assert isinstance(rich, str)
    assert f"<b>{row.passage.text}</b>" in rich
    assert rich.startswith("Children are asked what they want")


def test_withdrawn_rows_are_grey_with_the_reason_and_no_box(model: QuoteTableModel) -> None:
    assert cell(model, "E90", STATUS) == "not counted: withdrawn participant"
    for column in range(5):
        assert cell(model, "E90", column, Qt.ItemDataRole.ForegroundRole) == NOT_COUNTED_COLOUR
    assert cell(model, "E90", EXEMPLAR, Qt.ItemDataRole.CheckStateRole) is None
    flags = model.flags(model.index(row_of(model, "E90"), EXEMPLAR))
    assert not flags & Qt.ItemFlag.ItemIsUserCheckable
    tip = cell(model, "E90", STATUS, Qt.ItemDataRole.ToolTipRole)
    assert isinstance(tip, str)
    assert "withdrawn participant" in tip


def test_not_quotable_rows_say_so(model: QuoteTableModel) -> None:
    assert cell(model, "E86", STATUS) == "counted, not quotable"
    assert cell(model, "E86", EXEMPLAR, Qt.ItemDataRole.CheckStateRole) is None
    assert cell(model, "E86", WHO, Qt.ItemDataRole.ForegroundRole) is None  # counted: not grey
    # A verbatim line from someone who may be quoted has a box.
    assert cell(model, "E8", EXEMPLAR, Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Unchecked


def test_ticking_asks_and_the_model_changes_when_told(qtbot: QtBot, model: QuoteTableModel) -> None:
    index = model.index(row_of(model, "E8"), EXEMPLAR)
    with qtbot.waitSignal(model.sig_exemplar_toggled) as blocker:
        assert model.setData(index, Qt.CheckState.Checked, Qt.ItemDataRole.CheckStateRole)
    row = index.data(RowRole)
    assert isinstance(row, QuoteRow)
    assert blocker.args == [row.coding_id, True]
    assert index.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Unchecked  # not yet
    with qtbot.waitSignal(model.dataChanged):
        assert model.set_exemplar(row.coding_id, True)
    assert index.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
    assert cell(model, "E8", STATUS) == "usable quote"
    assert not model.set_exemplar(uuid.uuid4(), True)
    # The withdrawn line cannot be ticked.
    withdrawn = model.index(row_of(model, "E90"), EXEMPLAR)
    with qtbot.assertNotEmitted(model.sig_exemplar_toggled):
        assert not model.setData(withdrawn, Qt.CheckState.Checked, Qt.ItemDataRole.CheckStateRole)


def test_a_marked_row_that_may_no_longer_be_quoted_can_be_cleared(
    qtbot: QtBot, model: QuoteTableModel
) -> None:
    n = row_of(model, "E90")
    marked = model.rows()[n].with_exemplar(True)
    rows = model.rows()
    rows[n] = marked
    model.set_rows(rows)
    index = model.index(n, EXEMPLAR)
    assert index.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
    with qtbot.waitSignal(model.sig_exemplar_toggled) as blocker:
        model.setData(index, Qt.CheckState.Unchecked, Qt.ItemDataRole.CheckStateRole)
    assert blocker.args == [marked.coding_id, False]


def test_rich_text_is_escaped_and_long_context_trimmed(demo_rows: list[QuoteRow]) -> None:
    row = demo_rows[0]
    odd = replace(
        row,
        passage=replace(row.passage, text="<script> & so"),
        before="x " * 200,
        after="y " * 200,
    )
    rich = passage_html(odd)
    assert "<b>&lt;script&gt; &amp; so</b>" in rich
    assert rich.startswith("…")
    assert rich.endswith("…")
    assert len(passage_html(odd, full=True)) > len(rich)
    assert trimmed_before("short") == "short"
    assert trimmed_after("short") == "short"
