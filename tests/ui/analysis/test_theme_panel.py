"""The theme panel end to end on the demo study: add, rename in place, edit, merge, move by
drag and drop, delete, import and export, each undone and redone through the study's undo
stack, with the keys a researcher would press. Waits on conditions, never on time."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QPlainTextEdit, QPushButton
from pytestqt.qtbot import QtBot
from sqlalchemy import select
from sqlalchemy.orm import Session

from plrdesk.domain import models as m
from plrdesk.ui.analysis.theme_dialog import MergeDialog, ThemeDialog
from plrdesk.ui.analysis.theme_panel import ThemePanel
from plrdesk.ui.context import StudyContext
from plrdesk.ui.operations import read
from tests.ui.analysis.support import (
    DEMO,
    choose,
    coding_count,
    current_name,
    named,
    ref,
    run,
    shown,
)

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def stored_name(db: Session, ref: str) -> str:
    return db.scalars(select(m.Theme.name).filter_by(ref=ref)).one()


def test_the_tree_shows_every_theme_expanded_with_counts(panel: ThemePanel) -> None:
    assert shown(panel) == DEMO
    assert panel.tree.isExpanded(panel.model.index_of(ref(panel, "T2").id))
    assert panel.hint.text().startswith("5 themes, 33 codings.")


def test_choosing_a_theme_announces_it(qtbot: QtBot, panel: ThemePanel) -> None:
    panel.tree.setFocus()
    with qtbot.waitSignal(panel.sig_theme_selected) as chosen:
        panel.tree.setCurrentIndex(panel.model.index_of(ref(panel, "T2").id))
    assert chosen.args == [ref(panel, "T2").id]
    with qtbot.waitSignal(panel.sig_theme_selected) as chosen:  # the keyboard moves down
        qtbot.keyClick(panel.tree, Qt.Key.Key_Down)
    assert chosen.args == [ref(panel, "T5").id]


def test_add_a_theme_with_the_keyboard_then_undo_and_redo(
    qtbot: QtBot, panel: ThemePanel, ctx: StudyContext, statuses: list[str]
) -> None:
    panel.tree.setFocus()
    qtbot.keyClick(panel.tree, Qt.Key.Key_T, CTRL_SHIFT)
    dialog = panel.dialog
    assert isinstance(dialog, ThemeDialog)
    assert dialog.windowTitle() == "New theme"
    assert not dialog.ok.isEnabled()
    qtbot.keyClicks(dialog.name, "engaging CHILDREN and parents")
    assert dialog.message.text() == (
        "There is already a theme called 'engaging CHILDREN and parents' at the top level."
    )
    assert not dialog.ok.isEnabled()
    dialog.name.clear()
    qtbot.keyClicks(dialog.name, "Trust between agencies")
    assert dialog.ok.isEnabled()
    qtbot.keyClick(dialog.name, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: current_name(panel) == "Trust between agencies")
    added = named(panel, "Trust between agencies")
    assert added is not None
    assert (added.ref, added.depth, added.colour) == ("T6", 0, "#d55e00")
    assert shown(panel)[-1] == ("Trust between agencies (0)", 0)
    assert "Added the theme 'Trust between agencies'." in statuses
    assert ctx.undo.undoText() == "new theme"

    ctx.undo.undo()
    qtbot.waitUntil(lambda: named(panel, "Trust between agencies") is None)
    assert shown(panel) == DEMO
    ctx.undo.redo()
    qtbot.waitUntil(lambda: named(panel, "Trust between agencies") is not None)
    again = named(panel, "Trust between agencies")
    assert again is not None
    assert (again.id, again.ref) == (added.id, "T6")


def test_add_a_sub_theme_with_insert(qtbot: QtBot, panel: ThemePanel, ctx: StudyContext) -> None:
    choose(panel, "T3")
    qtbot.keyClick(panel.tree, Qt.Key.Key_Insert)
    dialog = panel.dialog
    assert isinstance(dialog, ThemeDialog)
    assert dialog.windowTitle() == "New sub-theme of 'Engaging children and parents'"
    qtbot.keyClicks(dialog.name, "Listening to children")
    qtbot.keyClicks(dialog.description, "Whether children felt heard")
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: named(panel, "Listening to children") is not None)
    child = named(panel, "Listening to children")
    assert child is not None
    assert child.parent_id == ref(panel, "T3").id
    assert child.description == "Whether children felt heard"
    assert ctx.undo.undoText() == "new sub-theme"


def test_rename_in_place_with_f2_then_undo_and_redo(
    qtbot: QtBot, panel: ThemePanel, ctx: StudyContext
) -> None:
    choose(panel, "T3")
    qtbot.keyClick(panel.tree, Qt.Key.Key_F2)
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit)
    assert editor.text() == "Engaging children and parents"  # the name, not the count
    editor.selectAll()
    qtbot.keyClicks(editor, "Hearing children and parents")
    qtbot.keyClick(editor, Qt.Key.Key_Return)  # the delegate commits on the next turn
    qtbot.waitUntil(lambda: ref(panel, "T3").name == "Hearing children and parents")
    stored = run(qtbot, ctx, read(stored_name, "T3"))
    assert stored == "Hearing children and parents"
    assert ctx.undo.undoText() == "rename theme"
    ctx.undo.undo()
    qtbot.waitUntil(lambda: ref(panel, "T3").name == "Engaging children and parents")
    ctx.undo.redo()
    qtbot.waitUntil(lambda: ref(panel, "T3").name == "Hearing children and parents")
    assert panel.current_id() == ref(panel, "T3").id


def test_a_rename_to_a_siblings_name_is_refused_by_the_study_and_put_back(
    qtbot: QtBot, panel: ThemePanel, ctx: StudyContext, statuses: list[str]
) -> None:
    choose(panel, "T3")
    panel.rename_action.trigger()
    editor = QApplication.focusWidget()
    assert isinstance(editor, QLineEdit)
    editor.selectAll()
    qtbot.keyClicks(editor, "managing EXPECTATIONS and clarity of roles")
    seen: list[str] = []  # what the tree showed, change by change
    panel.model.dataChanged.connect(lambda first, _last: seen.append(first.data()))
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(statuses))
    # Shown at once, as any rename (the save judges it), then put back when refused.
    assert seen == [
        "managing EXPECTATIONS and clarity of roles (7)",
        "Engaging children and parents (7)",
    ]
    assert ctx.undo.count() == 0
    assert ref(panel, "T3").name == "Engaging children and parents"
    reason = (
        "There is already a theme called 'managing EXPECTATIONS and clarity of roles'"
        " at the top level."
    )
    assert ctx.save_state.refused == reason
    assert statuses[-1].startswith(f"Not saved: {reason}")
    assert run(qtbot, ctx, read(stored_name, "T3")) == "Engaging children and parents"


def test_edit_description_and_colour_then_undo(
    qtbot: QtBot, panel: ThemePanel, ctx: StudyContext
) -> None:
    choose(panel, "T4")
    qtbot.keyClick(panel.tree, Qt.Key.Key_Return)
    dialog = panel.dialog
    assert isinstance(dialog, ThemeDialog)
    assert dialog.windowTitle() == "Theme 'Managing expectations and clarity of roles'"
    assert dialog.colour_button.text() == "#f0e442…"  # the palette colour it is shown in
    qtbot.mouseClick(dialog.colour_button, Qt.MouseButton.LeftButton)
    picker = dialog.colour_dialog
    assert picker is not None
    picker.setCurrentColor(QColor("#cc79a7"))
    picker.accept()
    assert dialog.colour_button.text() == "#cc79a7…"
    dialog.description.selectAll()
    qtbot.keyClicks(dialog.description, "Who does what.")
    dialog.accept()
    qtbot.waitUntil(lambda: ref(panel, "T4").colour == "#cc79a7")
    assert ref(panel, "T4").description == "Who does what."
    assert ctx.undo.undoText() == "edit theme"
    ctx.undo.undo()
    qtbot.waitUntil(lambda: ref(panel, "T4").colour is None)
    assert (ref(panel, "T4").description or "").startswith("Who does what, who leads")


def test_an_edit_that_changes_nothing_is_not_an_undo_step(
    qtbot: QtBot, panel: ThemePanel, ctx: StudyContext, statuses: list[str]
) -> None:
    choose(panel, "T1")
    panel.edit_button.click()
    dialog = panel.dialog
    assert isinstance(dialog, ThemeDialog)
    dialog.accept()
    assert ctx.undo.count() == 0
    assert statuses[-1] == "Nothing changed for 'Relationships between professionals'."


def test_merge_through_the_panel_keeps_every_coding_and_undo_brings_the_theme_back(
    qtbot: QtBot, panel: ThemePanel, ctx: StudyContext, statuses: list[str]
) -> None:
    total = run(qtbot, ctx, read(coding_count))
    source = ref(panel, "T1")
    choose(panel, "T1")
    qtbot.keyClick(panel.tree, Qt.Key.Key_M, CTRL_SHIFT)
    dialog = panel.dialog
    assert isinstance(dialog, MergeDialog)
    assert not dialog.ok.isEnabled()
    assert dialog.summary.text() == "Choose a theme."
    offered = [dialog.targets.item(n).text() for n in range(dialog.targets.count())]
    assert offered == [
        "Knowing and using common tools",
        "    Using the CAF",
        "Engaging children and parents",
        "Managing expectations and clarity of roles",
    ]
    dialog.choose(ref(panel, "T3").id)
    assert dialog.summary.text() == (
        "All 6 codings of 'Relationships between professionals' move to 'Engaging children"
        " and parents'; 'Relationships between professionals' is removed."
    )
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: named(panel, "Relationships between professionals") is None)
    assert ref(panel, "T3").codings == 13
    assert panel.current_id() == ref(panel, "T3").id
    assert run(qtbot, ctx, read(coding_count)) == total
    assert statuses[-1] == (
        "Merged 'Relationships between professionals' into 'Engaging children and parents':"
        " 6 codings moved."
    )
    assert ctx.undo.undoText() == "merge themes"

    ctx.undo.undo()
    qtbot.waitUntil(lambda: named(panel, "Relationships between professionals") is not None)
    back = ref(panel, "T1")
    assert (back.id, back.codings, back.position) == (source.id, 6, 0)
    assert shown(panel) == DEMO
    ctx.undo.redo()
    qtbot.waitUntil(lambda: named(panel, "Relationships between professionals") is None)
    assert run(qtbot, ctx, read(coding_count)) == total


def test_a_merge_into_a_sub_theme_is_not_offered(qtbot: QtBot, panel: ThemePanel) -> None:
    choose(panel, "T2")
    panel.merge_button.click()
    dialog = panel.dialog
    assert isinstance(dialog, MergeDialog)
    offered = [dialog.targets.item(n).text() for n in range(dialog.targets.count())]
    assert "    Using the CAF" not in offered
    dialog.choose(ref(panel, "T4").id)
    assert dialog.summary.text().endswith(
        " Its sub-theme moves under 'Managing expectations and clarity of roles'."
    )
    dialog.reject()


def test_drag_and_drop_nests_a_theme_and_undo_moves_it_back(
    qtbot: QtBot, panel: ThemePanel, ctx: StudyContext
) -> None:
    model = panel.model
    data = model.mimeData([model.index_of(ref(panel, "T4").id)])
    onto = model.index_of(ref(panel, "T3").id)
    assert model.dropMimeData(data, Qt.DropAction.MoveAction, -1, 0, onto)
    qtbot.waitUntil(lambda: ref(panel, "T4").parent_id == ref(panel, "T3").id)
    assert shown(panel)[-2:] == [
        ("Engaging children and parents (14)", 0),
        ("Managing expectations and clarity of roles (7)", 1),
    ]
    assert panel.tree.isExpanded(model.index_of(ref(panel, "T3").id))
    assert ctx.undo.undoText() == "move theme"
    ctx.undo.undo()
    qtbot.waitUntil(lambda: ref(panel, "T4").parent_id is None)
    assert shown(panel) == DEMO
    # a drop between top-level themes reorders them
    data = model.mimeData([model.index_of(ref(panel, "T4").id)])
    assert model.dropMimeData(data, Qt.DropAction.MoveAction, 0, 0, QModelIndex())
    qtbot.waitUntil(lambda: ref(panel, "T4").position == 0)
    assert shown(panel)[0] == ("Managing expectations and clarity of roles (7)", 0)


def test_collapsed_themes_stay_collapsed_across_a_reload(
    qtbot: QtBot, panel: ThemePanel, ctx: StudyContext
) -> None:
    t2 = panel.model.index_of(ref(panel, "T2").id)
    panel.tree.collapse(t2)
    data = panel.model.mimeData([panel.model.index_of(ref(panel, "T4").id)])
    assert panel.model.dropMimeData(data, Qt.DropAction.MoveAction, 0, 0, QModelIndex())
    qtbot.waitUntil(lambda: ref(panel, "T4").position == 0)
    assert not panel.tree.isExpanded(panel.model.index_of(ref(panel, "T2").id))


def test_delete_only_an_empty_theme(
    qtbot: QtBot, panel: ThemePanel, ctx: StudyContext, statuses: list[str]
) -> None:
    choose(panel, "T1")
    qtbot.keyClick(panel.tree, Qt.Key.Key_Delete)  # the study says whether it may go
    qtbot.waitUntil(lambda: bool(statuses))
    assert statuses[-1] == (
        "'Relationships between professionals' has 6 codings; merge it into another theme"
        " instead, so no coding is lost."
    )
    assert ctx.undo.count() == 0
    assert ctx.save_state.failure is None  # asked before: nothing was refused a save
    panel.new_theme()
    dialog = panel.dialog
    assert isinstance(dialog, ThemeDialog)
    qtbot.keyClicks(dialog.name, "Spare")
    dialog.accept()
    qtbot.waitUntil(lambda: current_name(panel) == "Spare")
    with qtbot.waitActive(panel):
        panel.activateWindow()  # the window manager's part when a dialog closes
    assert panel.tree.hasFocus()
    spare = named(panel, "Spare")
    assert spare is not None
    qtbot.keyClick(panel.tree, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: named(panel, "Spare") is None)
    assert ctx.undo.undoText() == "delete theme"
    ctx.undo.undo()
    qtbot.waitUntil(lambda: named(panel, "Spare") is not None)
    assert named(panel, "Spare") == spare


def test_export_and_import_a_codebook_with_undo(
    qtbot: QtBot, panel: ThemePanel, ctx: StudyContext, statuses: list[str], tmp_path: Path
) -> None:
    qdc = tmp_path / "codebook.qdc"
    panel.export_file(qdc)
    qtbot.waitUntil(lambda: "Exported 5 themes to codebook.qdc." in statuses)
    assert b'name="Using the CAF"' in qdc.read_bytes()
    assert not list(tmp_path.glob(".codebook.qdc.*"))  # no temporary file left behind
    csv_path = tmp_path / "codebook.csv"
    panel.export_file(csv_path)
    qtbot.waitUntil(lambda: csv_path.exists())
    assert csv_path.read_bytes().startswith(b"\xef\xbb\xbfref,name,parent_ref")

    mine = tmp_path / "more.csv"
    mine.write_bytes("name,parent_ref\nWaiting lists,T2\nCafé culture,\n".encode("cp1252"))
    panel.import_file(mine)
    qtbot.waitUntil(lambda: named(panel, "Café culture") is not None)
    waiting = named(panel, "Waiting lists")
    assert waiting is not None
    assert waiting.parent_id == ref(panel, "T2").id
    qtbot.waitUntil(lambda: "Imported the codebook more.csv: 2 new themes." in statuses)
    assert ctx.undo.undoText() == "import codebook"
    ctx.undo.undo()
    qtbot.waitUntil(lambda: named(panel, "Café culture") is None)
    assert shown(panel) == DEMO


def test_a_bad_codebook_says_where_and_leaves_no_undo_step(
    qtbot: QtBot, panel: ThemePanel, ctx: StudyContext, statuses: list[str], tmp_path: Path
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("name,colour\nFine,#123456\nBroken,red\n", encoding="utf-8")
    panel.import_file(bad)
    qtbot.waitUntil(lambda: statuses[-1].startswith("Not saved"))
    reason = "bad.csv: line 3, column colour: 'red' is not a colour like #1f77b4"
    assert statuses[-1] == f"Not saved: {reason}. “import codebook” was taken back"
    assert ctx.save_state.refused == reason
    assert ctx.undo.count() == 0
    assert named(panel, "Fine") is None


def test_every_control_has_a_name(qtbot: QtBot, panel: ThemePanel) -> None:
    buttons = panel.findChildren(QPushButton)
    assert len(buttons) == 6
    for button in buttons:
        assert button.accessibleName(), button.text()
        assert button.toolTip(), button.text()
    assert panel.tree.accessibleName() == "Themes"
    heading = next(label for label in panel.findChildren(QLabel) if label.buddy() is panel.tree)
    assert heading.text() == "&Themes"
    choose(panel, "T1")
    panel.edit()
    dialog = panel.dialog
    assert isinstance(dialog, ThemeDialog)
    buddies = {label.buddy() for label in dialog.findChildren(QLabel) if "&" in label.text()}
    for control in (dialog.name, dialog.description, dialog.colour_button):
        assert control.accessibleName()
        assert control in buddies
    assert isinstance(dialog.description, QPlainTextEdit)
    assert dialog.description.tabChangesFocus()
    dialog.reject()
    panel.merge()
    merge = panel.dialog
    assert isinstance(merge, MergeDialog)
    assert merge.targets.accessibleName() == "Theme to merge into"
    assert merge.targets in {label.buddy() for label in merge.findChildren(QLabel)}
    merge.reject()
