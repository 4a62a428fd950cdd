"""The theme tree's item model, without any widget: shape, what items show, in-place
rename and drag and drop."""

from __future__ import annotations

import shutil
import uuid
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QModelIndex, Qt
from PySide6.QtGui import QIcon
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from plrdesk.services.themes import ThemeDetails, ThemeRow, list_themes
from plrdesk.storage.study_file import StudyFile
from plrdesk.ui.analysis.theme_model import (
    THEME_MIME,
    ThemeRole,
    ThemeTreeModel,
    theme_id_from_mime,
)
from plrdesk.ui.analysis.theme_panel import THEME_MIME as PANEL_MIME
from tests.support.files import PASSPHRASE

MOVE = Qt.DropAction.MoveAction


@pytest.fixture(scope="module")
def demo_rows(demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> list[ThemeRow]:
    path = tmp_path_factory.mktemp("themes") / "demo.plr"
    shutil.copyfile(demo_template, path)
    with StudyFile.open(path, PASSPHRASE) as study, study.transaction() as db:
        return list_themes(db)


@pytest.fixture
def model(demo_rows: list[ThemeRow], qapp: object) -> ThemeTreeModel:
    model = ThemeTreeModel()
    model.set_rows(demo_rows)
    return model


def by_ref(model: ThemeTreeModel, ref: str) -> ThemeRow:
    return next(row for row in model.rows() if row.ref == ref)


def index(model: ThemeTreeModel, ref: str) -> QModelIndex:
    return model.index_of(by_ref(model, ref).id)


def drag(model: ThemeTreeModel, ref: str) -> QMimeData:
    return model.mimeData([index(model, ref)])


def test_the_model_passes_qt_model_tester(
    qtmodeltester: ModelTester, model: ThemeTreeModel, demo_rows: list[ThemeRow]
) -> None:
    qtmodeltester.check(model, force_py=True)
    # The tester keeps watching: a new shape (T5 to the top, T4 under T1), then new names.
    t1, t2, t5, t3, t4 = demo_rows
    reshaped = [
        replace(t5, parent_id=None, depth=0, position=0),
        replace(t1, position=1, sub_themes=1),
        replace(t4, parent_id=t1.id, depth=1, position=0),
        replace(t2, position=2, sub_themes=0),
        replace(t3, position=3),
    ]
    model.set_rows(reshaped)
    assert [row.ref for row in model.rows()] == ["T5", "T1", "T4", "T2", "T3"]
    assert model.index(0, 0, index(model, "T1")).data(ThemeRole).ref == "T4"
    model.set_rows([replace(row, name=row.name.upper()) for row in reshaped])
    model.set_rows([])
    assert model.rowCount() == 0


def test_an_empty_model_passes_qt_model_tester(qtmodeltester: ModelTester, qapp: object) -> None:
    qtmodeltester.check(ThemeTreeModel(), force_py=True)


def test_items_show_name_counts_colour_and_description(model: ThemeTreeModel) -> None:
    assert model.rowCount() == 4
    t2 = index(model, "T2")
    assert t2.data() == "Knowing and using common tools (13)"  # with its sub-theme's 6
    assert t2.data(Qt.ItemDataRole.EditRole) == "Knowing and using common tools"
    assert model.rowCount(t2) == 1
    t5 = model.index(0, 0, t2)
    assert t5.data() == "Using the CAF (6)"
    assert t5.parent() == t2
    assert isinstance(t5.data(Qt.ItemDataRole.DecorationRole), QIcon)
    tip = t2.data(Qt.ItemDataRole.ToolTipRole)
    assert tip.startswith("Knowing and using common tools\n7 codings, 13 with its sub-themes.\n")
    assert "pupil profiles" in tip
    assert t2.data(Qt.ItemDataRole.AccessibleTextRole) == (
        "Knowing and using common tools, 7 codings, 13 with its sub-themes"
    )
    row = t5.data(ThemeRole)
    assert isinstance(row, ThemeRow)
    assert row.ref == "T5"
    assert model.headerData(0, Qt.Orientation.Horizontal) == "Theme (codings)"


def test_new_counts_or_names_keep_the_items(
    qtbot: QtBot, model: ThemeTreeModel, demo_rows: list[ThemeRow]
) -> None:
    resets: list[None] = []
    model.modelReset.connect(lambda: resets.append(None))
    t1 = demo_rows[0]
    with qtbot.waitSignal(model.dataChanged) as changed:
        model.set_rows(
            [replace(t1, name="Professionals", codings=7, all_codings=7), *demo_rows[1:]]
        )
    assert changed.args[0] == index(model, "T1")
    assert index(model, "T1").data() == "Professionals (7)"
    assert resets == []
    model.set_rows(demo_rows[:-1])  # one theme fewer: a new shape
    assert resets == [None]


def test_an_in_place_rename_shows_at_once_and_asks_the_panel(
    qtbot: QtBot, model: ThemeTreeModel
) -> None:
    t3 = index(model, "T3")
    before = by_ref(model, "T3")
    assert t3.flags() & Qt.ItemFlag.ItemIsEditable
    with qtbot.waitSignal(model.sig_rename_requested) as asked:
        assert model.setData(t3, "  Hearing   children ")
    assert asked.args == [before, "Hearing children"]
    assert t3.data() == "Hearing children (7)"
    with qtbot.assertNotEmitted(model.sig_rename_requested):
        assert not model.setData(t3, "   ")
        assert not model.setData(t3, "Hearing children")
        assert not model.setData(t3, "x", Qt.ItemDataRole.DisplayRole)


def test_an_edit_is_shown_before_it_is_saved_and_shown_back(
    qtbot: QtBot, model: ThemeTreeModel
) -> None:
    t4 = by_ref(model, "T4")
    edited = ThemeDetails("Roles", "Who does what.", "#cc79a7")
    resets: list[None] = []
    model.modelReset.connect(lambda: resets.append(None))
    with qtbot.waitSignal(model.dataChanged) as changed:
        model.show_details(t4.id, edited)
    assert changed.args[0] == index(model, "T4")
    assert by_ref(model, "T4").details == edited
    assert index(model, "T4").data() == "Roles (7)"
    with qtbot.assertNotEmitted(model.dataChanged):
        model.show_details(t4.id, edited)  # already shown
        model.show_details(uuid.uuid4(), edited)  # not in the tree
    model.show_details(t4.id, t4.details)
    assert by_ref(model, "T4") == t4
    assert resets == []  # the items stay: selection and expansion survive


def test_a_drag_carries_the_theme_id(model: ThemeTreeModel) -> None:
    assert PANEL_MIME == THEME_MIME == "application/x-plrdesk-theme-id"
    data = drag(model, "T4")
    assert model.mimeTypes() == [THEME_MIME]
    assert bytes(data.data(THEME_MIME).data()) == str(by_ref(model, "T4").id).encode("ascii")
    assert theme_id_from_mime(data) == by_ref(model, "T4").id
    assert not data.hasText()  # dropped on a note, it codes the note; it never types a name
    assert model.supportedDragActions() & Qt.DropAction.CopyAction
    broken = QMimeData()
    broken.setData(THEME_MIME, b"not a uuid")
    assert theme_id_from_mime(broken) is None
    assert theme_id_from_mime(QMimeData()) is None


@pytest.mark.parametrize(
    ("ref", "row", "onto", "expected"),
    [
        ("T4", -1, "T3", ("T3", 0)),  # dropped on a theme: its last sub-theme
        ("T5", 0, None, (None, 0)),  # out to the top, first
        ("T1", 3, None, (None, 2)),  # down among its siblings: between T3 and T4
        ("T4", 0, None, (None, 0)),  # up to the first place
        ("T1", -1, None, (None, 3)),  # on the empty space below: last
        ("T3", 1, "T2", ("T2", 1)),  # nested after T5
    ],
)
def test_a_drop_asks_to_move_the_theme(
    qtbot: QtBot,
    model: ThemeTreeModel,
    ref: str,
    row: int,
    onto: str | None,
    expected: tuple[str | None, int],
) -> None:
    parent = index(model, onto) if onto else QModelIndex()
    data = drag(model, ref)
    assert model.canDropMimeData(data, MOVE, row, 0, parent)
    with qtbot.waitSignal(model.sig_move_requested) as asked:
        assert model.dropMimeData(data, MOVE, row, 0, parent)
    parent_ref, position = expected
    parent_id = by_ref(model, parent_ref).id if parent_ref else None
    assert asked.args == [by_ref(model, ref).id, parent_id, position]


@pytest.mark.parametrize(
    ("ref", "row", "onto"),
    [
        ("T2", -1, "T5"),  # inside its own sub-theme
        ("T2", -1, "T2"),  # inside itself
        ("T1", 0, None),  # where it is already
        ("T1", 1, None),  # just below itself: still where it is
        ("T5", -1, "T2"),  # already T2's last sub-theme
    ],
)
def test_a_drop_that_would_change_nothing_or_loop_is_refused(
    qtbot: QtBot, model: ThemeTreeModel, ref: str, row: int, onto: str | None
) -> None:
    parent = index(model, onto) if onto else QModelIndex()
    data = drag(model, ref)
    assert not model.canDropMimeData(data, MOVE, row, 0, parent)
    with qtbot.assertNotEmitted(model.sig_move_requested):
        assert not model.dropMimeData(data, MOVE, row, 0, parent)


def test_a_drop_of_something_else_is_refused(qtbot: QtBot, model: ThemeTreeModel) -> None:
    stranger = QMimeData()
    stranger.setData(THEME_MIME, str(uuid.uuid4()).encode())
    text = QMimeData()
    text.setText("hello")
    for data in (stranger, text):
        assert not model.canDropMimeData(data, MOVE, -1, 0, QModelIndex())
        assert not model.dropMimeData(data, MOVE, -1, 0, QModelIndex())
    assert not model.dropMimeData(
        drag(model, "T4"), Qt.DropAction.CopyAction, -1, 0, index(model, "T3")
    )
