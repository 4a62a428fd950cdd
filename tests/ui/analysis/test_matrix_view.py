"""The matrix view on the demo study: loads when shown, regroups, drills down into a cell,
opens a passage, follows changes. The numbers on screen equal the shared function's."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from plrdesk.domain.passages import by_attribute, raised_by
from plrdesk.services.bulk_coding import code_entries
from plrdesk.services.corpus import load_corpus
from plrdesk.services.note_texts import save_entry_text
from plrdesk.ui.analysis.matrix import MatrixView
from plrdesk.ui.analysis.matrix_model import ALL, MISSING, CountRole
from plrdesk.ui.analysis.quote_model import PASSAGE, RowRole
from plrdesk.ui.context import StudyContext
from plrdesk.ui.operations import read, write
from tests.services.test_counting import EXPECTED
from tests.ui.analysis.support import entry_id_of, entry_text, run, theme_id_of, uncoded_entry


def theme_id(qtbot: QtBot, ctx: StudyContext, ref: str) -> uuid.UUID:
    return run(qtbot, ctx, read(theme_id_of, ref))


@pytest.fixture
def view(qtbot: QtBot, ctx: StudyContext) -> Iterator[MatrixView]:
    view = MatrixView(ctx)
    qtbot.addWidget(view)
    view.resize(1100, 700)
    with qtbot.waitSignal(view.sig_matrix_loaded):
        view.show()  # loads when first shown
    yield view
    ctx.undo.clear()


def count(view: MatrixView, theme: uuid.UUID, key: str) -> int:
    index = view.model.index(view.model.row_of(theme), view.model.column_of(key))
    value = index.data(CountRole)
    assert isinstance(value, int)
    return value


def test_by_kind_the_screen_shows_the_hand_counts(
    qtbot: QtBot, view: MatrixView, ctx: StudyContext
) -> None:
    for ref, expected in EXPECTED.items():
        theme = theme_id(qtbot, ctx, ref)
        shown = {key: count(view, theme, key) for key in view.model.group_keys()}
        assert {k: v for k, v in shown.items() if v} == expected, ref
        text = view.model.index(view.model.row_of(theme), view.model.column_of("practitioner"))
        assert text.data() == str(expected["practitioner"])
    assert view.grouping.currentText() == "Kind"


def test_by_sector_the_screen_equals_the_shared_function(
    qtbot: QtBot, view: MatrixView, ctx: StudyContext
) -> None:
    assert view.choose_grouping("attribute:sector")
    corpus = run(qtbot, ctx, read(load_corpus, ctx.forms))
    for node in corpus.tree.nodes.values():
        shared = raised_by(corpus.passages, corpus.tree, node.id, by_attribute("sector"))
        for key in view.model.group_keys():
            if key != MISSING:  # "no sector": see test_matrix_model
                assert count(view, node.id, key) == len(shared.get(key, set())), (node.ref, key)
    assert not view.choose_grouping("attribute:shoe size")


def test_a_cell_lists_its_passages_and_enter_opens_one(
    qtbot: QtBot, view: MatrixView, ctx: StudyContext
) -> None:
    view.choose_grouping("attribute:sector")
    t1 = theme_id(qtbot, ctx, "T1")
    cell = view.model.index(view.model.row_of(t1), view.model.column_of("voluntary"))
    view.table.setFocus()
    qtbot.mouseClick(
        view.table.viewport(), Qt.MouseButton.LeftButton, pos=view.table.visualRect(cell).center()
    )
    listed = [row.passage.entry_ref for row in view.passages.rows()]
    assert listed == ["E2", "E30"]
    assert view.cell_title.text() == (
        "Relationships between professionals × voluntary: 2 passages from 2 participants"
    )
    # Enter on a cell moves into its passages; Enter on a passage opens it.
    view.table.setFocus()
    view.table.setCurrentIndex(
        view.model.index(view.model.row_of(t1), view.model.column_of("school"))
    )
    qtbot.keyClick(view.table, Qt.Key.Key_Return)
    assert view.passage_table.hasFocus()
    first = view.passage_table.currentIndex().data(RowRole)
    assert first is not None
    assert first.passage.speaker_ref in {"P2", "P3"}
    with qtbot.waitSignal(ctx.navigator.sig_show_entry) as blocker:
        qtbot.keyClick(view.passage_table, Qt.Key.Key_Return)
    assert blocker.args == [first.entry_id]
    assert view.passage_table.currentIndex().column() == PASSAGE


def test_theme_by_participant(qtbot: QtBot, view: MatrixView, ctx: StudyContext) -> None:
    assert view.choose_grouping("person")
    t4 = theme_id(qtbot, ctx, "T4")
    row = view.model.row_of(t4)
    model = view.model
    raised = {key for key in model.group_keys() if model.index(row, model.column_of(key)).data()}
    assert raised == {"P1", "P2", "P4", "P5", "G1", "C5"}
    view.table.setCurrentIndex(view.model.index(row, view.model.column_of("C5")))
    assert [r.passage.entry_ref for r in view.passages.rows()] == ["E86"]
    assert view.passages.rows()[0].status == "counted, not quotable"


def test_the_matrix_follows_codings_made_elsewhere(
    qtbot: QtBot, view: MatrixView, ctx: StudyContext
) -> None:
    t1 = theme_id(qtbot, ctx, "T1")
    view.table.setCurrentIndex(view.model.index(view.model.row_of(t1), view.model.column_of(ALL)))
    assert count(view, t1, "practitioner") == 4
    e44 = run(qtbot, ctx, read(entry_id_of, "E44"))
    with qtbot.waitSignal(view.sig_matrix_loaded):
        ctx.runner.run(write(code_entries, t1, [e44]))  # P5
    assert count(view, t1, "practitioner") == 5
    assert count(view, t1, ALL) == 7
    # The chosen cell stays chosen, and its passages follow.
    assert view.table.currentIndex().row() == view.model.row_of(t1)
    assert "E44" in [row.passage.entry_ref for row in view.passages.rows()]
    # A grouping survives a reload.
    view.choose_grouping("attribute:sector")
    with qtbot.waitSignal(view.sig_matrix_loaded):
        view.reload()
    assert view.grouping.currentData() == "attribute:sector"
    assert count(view, t1, "school") == 3


def test_a_hidden_matrix_waits_until_shown(
    qtbot: QtBot, view: MatrixView, ctx: StudyContext
) -> None:
    t1 = theme_id(qtbot, ctx, "T1")
    loads: list[None] = []
    view.sig_matrix_loaded.connect(lambda: loads.append(None))
    view.hide()
    e44 = run(qtbot, ctx, read(entry_id_of, "E44"))
    run(qtbot, ctx, write(code_entries, t1, [e44]))
    assert loads == []
    assert count(view, t1, "practitioner") == 4  # not yet
    with qtbot.waitSignal(view.sig_matrix_loaded):
        view.show()
    assert count(view, t1, "practitioner") == 5


def test_typing_in_a_note_it_does_not_list_leaves_the_matrix_alone(
    qtbot: QtBot, view: MatrixView, ctx: StudyContext
) -> None:
    loads: list[None] = []
    view.sig_matrix_loaded.connect(lambda: loads.append(None))
    quiet = run(qtbot, ctx, read(uncoded_entry))
    text = run(qtbot, ctx, read(entry_text, quiet))
    run(qtbot, ctx, write(save_entry_text, quiet, text + " And more."))
    assert not view._debounce.isActive()
    assert loads == []
    # Typing in a note behind a cell moves its coded span: the passages shown change.
    e2 = run(qtbot, ctx, read(entry_id_of, "E2"))
    text = run(qtbot, ctx, read(entry_text, e2))
    with qtbot.waitSignal(view.sig_matrix_loaded):
        run(qtbot, ctx, write(save_entry_text, e2, "First of all. " + text))
