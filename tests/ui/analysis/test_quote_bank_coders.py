"""The quote bank names who coded each passage and filters by coder (demo study with a
second coder's codings)."""

from __future__ import annotations

import uuid

from pytestqt.qtbot import QtBot

from plrdesk.ui.analysis.quote_bank import QuoteBankView
from plrdesk.ui.analysis.quote_model import CODER
from plrdesk.ui.context import StudyContext
from plrdesk.ui.operations import read
from tests.support.second_coder import SECOND, add_second_coder
from tests.ui.analysis.support import run, theme_id_of

RESEARCHER = "Claire Beaumont"


def _coders_shown(view: QuoteBankView) -> list[str]:
    model = view.model
    return [str(model.index(n, CODER).data()) for n in range(model.rowCount())]


def test_coder_column_and_filter(qtbot: QtBot, ctx: StudyContext) -> None:
    run(qtbot, ctx, read(add_second_coder))
    t3: uuid.UUID = run(qtbot, ctx, read(theme_id_of, "T3"))
    view = QuoteBankView(ctx)
    qtbot.addWidget(view)
    view.show()
    with qtbot.waitSignal(view.sig_rows_loaded):
        view.show_theme(t3)
    assert not view.table.isColumnHidden(CODER)
    shown = _coders_shown(view)
    assert set(shown) == {RESEARCHER, SECOND}
    assert shown.count(RESEARCHER) == shown.count(SECOND)  # Bo copied every T3 coding
    combo = view.coder_filter
    assert [combo.itemText(i) for i in range(combo.count())] == ["Any coder", SECOND, RESEARCHER]
    combo.setCurrentIndex(combo.findText(SECOND))
    assert set(_coders_shown(view)) == {SECOND}
    assert "before filtering" in view.count.text()
    combo.setCurrentIndex(0)
    assert len(_coders_shown(view)) == len(shown)
