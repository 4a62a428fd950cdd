"""The theme panel's steps when the study will not take them: the study, not the panel's
copy of the tree, judges names, moves, merges and deletes, so a step the panel thought
fine is refused by its save, taken off the undo stack and off the screen, and the save
state says "Not saved: <why>". Also: an undo pressed before its redo's result is back,
and the change notices the tree ignores. The other window's changes are made with
`read`, which commits without a notice: the panel's copy is out of date, as in a race."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from plrdesk.services.bulk_coding import code_entries
from plrdesk.services.changes import Table
from plrdesk.services.note_texts import save_entry_text
from plrdesk.services.themes import ThemeDetails, ThemeRow, create_theme
from plrdesk.ui.analysis.theme_commands import (
    DeleteThemeCommand,
    EditThemeCommand,
    NewThemeCommand,
)
from plrdesk.ui.analysis.theme_dialog import MergeDialog, ThemeDialog
from plrdesk.ui.analysis.theme_panel import ThemePanel
from plrdesk.ui.context import StudyContext
from plrdesk.ui.operations import read, write
from tests.ui.analysis.support import (
    DEMO,
    choose,
    codings_of_theme,
    current_name,
    entry_id_of,
    entry_text,
    named,
    ref,
    run,
    shown,
    theme_named,
    uncoded_entry,
)


def add_spare(qtbot: QtBot, panel: ThemePanel) -> ThemeRow:
    """An empty theme made through the panel's dialog."""
    panel.new_theme()
    dialog = panel.dialog
    assert isinstance(dialog, ThemeDialog)
    qtbot.keyClicks(dialog.name, "Spare")
    dialog.accept()
    qtbot.waitUntil(lambda: current_name(panel) == "Spare")
    row = named(panel, "Spare")
    assert row is not None
    return row


def test_a_name_taken_meanwhile_is_refused_by_the_study_though_the_panel_never_saw_it(
    qtbot: QtBot, panel: ThemePanel, ctx: StudyContext
) -> None:
    run(qtbot, ctx, read(create_theme, "Quiet theme"))
    assert named(panel, "Quiet theme") is None  # the panel's copy does not know it
    panel.new_theme()
    dialog = panel.dialog
    assert isinstance(dialog, ThemeDialog)
    qtbot.keyClicks(dialog.name, "quiet THEME")
    assert dialog.ok.isEnabled()  # nothing the panel shows says otherwise
    dialog.accept()  # the study is asked before the dialog closes
    qtbot.waitUntil(lambda: bool(dialog.message.text()))
    assert dialog.message.text() == (
        "There is already a theme called 'quiet THEME' at the top level."
    )
    assert dialog.isVisible()
    assert not dialog.ok.isEnabled()
    assert ctx.undo.count() == 0
    dialog.name.selectAll()
    qtbot.keyClicks(dialog.name, "Loud theme")
    assert dialog.ok.isEnabled()
    dialog.accept()
    qtbot.waitUntil(lambda: named(panel, "Loud theme") is not None)
    assert ctx.undo.undoText() == "new theme"
    assert named(panel, "Quiet theme") is not None  # the reload brought it too


def test_a_new_theme_the_study_refuses_is_taken_back(
    qtbot: QtBot, panel: ThemePanel, ctx: StudyContext, statuses: list[str]
) -> None:
    run(qtbot, ctx, read(create_theme, "Quiet theme"))
    ctx.undo.push(NewThemeCommand(ctx, panel, ThemeDetails("Quiet theme"), None))
    assert ctx.undo.count() == 1
    qtbot.waitUntil(lambda: ctx.undo.count() == 0)
    reason = "There is already a theme called 'Quiet theme' at the top level."
    assert ctx.save_state.refused == reason
    assert statuses[-1].startswith(f"Not saved: {reason}")
    assert statuses[-1].endswith("“new theme” was taken back")
    assert shown(panel) == DEMO


def test_an_edit_shown_at_once_goes_back_when_its_save_is_refused(
    qtbot: QtBot, panel: ThemePanel, ctx: StudyContext
) -> None:
    t4 = ref(panel, "T4")
    run(qtbot, ctx, read(create_theme, "Roles"))
    wanted = replace(t4.details, name="Roles", description="Who does what.", colour="#cc79a7")
    ctx.undo.push(EditThemeCommand(ctx, panel, t4.id, t4.details, wanted))
    assert ref(panel, "T4").details == wanted  # on screen at once
    qtbot.waitUntil(lambda: ctx.undo.count() == 0)
    assert ref(panel, "T4") == t4  # name, description and colour as the study has them
    assert ctx.save_state.refused == "There is already a theme called 'Roles' at the top level."


def test_a_drop_beside_a_namesake_is_refused_by_the_study(
    qtbot: QtBot, panel: ThemePanel, ctx: StudyContext, statuses: list[str]
) -> None:
    t3, t4 = ref(panel, "T3"), ref(panel, "T4")
    run(qtbot, ctx, read(create_theme, t4.name, t3.id))
    model = panel.model
    data = model.mimeData([model.index_of(t4.id)])
    assert model.dropMimeData(data, Qt.DropAction.MoveAction, -1, 0, model.index_of(t3.id))
    assert ctx.undo.undoText() == "move theme"
    qtbot.waitUntil(lambda: ctx.undo.count() == 0)
    assert ctx.save_state.refused == (
        f"There is already a theme called '{t4.name}' under '{t3.name}'."
    )
    assert ref(panel, "T4").parent_id is None
    assert shown(panel) == DEMO


def test_a_merge_the_study_refuses_is_taken_back(
    qtbot: QtBot, panel: ThemePanel, ctx: StudyContext
) -> None:
    t2, t4 = ref(panel, "T2"), ref(panel, "T4")
    run(qtbot, ctx, read(create_theme, "Using the CAF", t4.id))
    choose(panel, "T2")
    panel.merge()
    dialog = panel.dialog
    assert isinstance(dialog, MergeDialog)
    dialog.choose(t4.id)
    dialog.accept()
    assert ctx.undo.undoText() == "merge themes"
    qtbot.waitUntil(lambda: ctx.undo.count() == 0)
    assert ctx.save_state.refused == (
        f"'{t2.name}' and '{t4.name}' both have a sub-theme called 'Using the CAF';"
        " merge those two first."
    )
    assert shown(panel) == DEMO
    assert run(qtbot, ctx, read(codings_of_theme, t2.id)) == 7


def test_a_theme_coded_meanwhile_is_not_deleted(
    qtbot: QtBot, panel: ThemePanel, ctx: StudyContext, statuses: list[str]
) -> None:
    spare = add_spare(qtbot, panel)
    entry = run(qtbot, ctx, read(uncoded_entry))
    run(qtbot, ctx, read(code_entries, spare.id, [entry]))
    assert spare.codings == 0  # as far as the panel knows
    reason = "'Spare' has 1 coding; merge it into another theme instead, so no coding is lost."
    # Delete asks the study first: no step at all.
    assert panel.current_id() == spare.id
    panel.delete_button.click()
    qtbot.waitUntil(lambda: statuses[-1] == reason)
    assert ctx.undo.count() == 1  # the new theme only
    # The step itself, if it got as far as its save, is refused there and taken back.
    ctx.undo.push(DeleteThemeCommand(ctx, panel, spare.id, spare.name))
    qtbot.waitUntil(lambda: ctx.undo.count() == 1)
    assert ctx.undo.undoText() == "new theme"
    assert ctx.save_state.refused == reason
    assert named(panel, "Spare") is not None


def test_an_undo_pressed_before_its_redo_is_back_reads_the_result_on_the_worker(
    qtbot: QtBot, panel: ThemePanel, ctx: StudyContext, statuses: list[str]
) -> None:
    model = panel.model
    t3, t4 = ref(panel, "T3"), ref(panel, "T4")
    data = model.mimeData([model.index_of(t4.id)])
    assert model.dropMimeData(data, Qt.DropAction.MoveAction, -1, 0, model.index_of(t3.id))
    ctx.undo.undo()  # no event has been handled since: the move's result is not back
    qtbot.waitUntil(lambda: f"Moved the theme '{t4.name}' back." in statuses)
    qtbot.waitUntil(lambda: shown(panel) == DEMO)

    t1 = ref(panel, "T1")
    choose(panel, "T1")
    panel.merge()
    dialog = panel.dialog
    assert isinstance(dialog, MergeDialog)
    dialog.choose(t3.id)
    dialog.accept()
    ctx.undo.undo()
    qtbot.waitUntil(lambda: any(s.startswith("Took the merge back") for s in statuses))
    qtbot.waitUntil(lambda: shown(panel) == DEMO)
    assert ref(panel, "T1") == t1
    assert run(qtbot, ctx, read(codings_of_theme, t1.id)) == 6

    spare = add_spare(qtbot, panel)
    ctx.undo.push(DeleteThemeCommand(ctx, panel, spare.id, spare.name))
    ctx.undo.undo()
    qtbot.waitUntil(lambda: "Put the theme 'Spare' back." in statuses)
    assert run(qtbot, ctx, read(theme_named, "Spare")) == spare.id
    assert ctx.save_state.failure is None


def test_the_tree_ignores_typing_and_follows_codings(
    qtbot: QtBot, panel: ThemePanel, ctx: StudyContext
) -> None:
    loads: list[None] = []
    panel.sig_themes_loaded.connect(lambda: loads.append(None))
    e2 = run(qtbot, ctx, read(entry_id_of, "E2"))  # E2 holds a coded span of T1
    text = run(qtbot, ctx, read(entry_text, e2))
    saved = run(qtbot, ctx, write(save_entry_text, e2, "First of all. " + text))
    assert saved.tables() == {Table.ENTRY, Table.CODING}  # the span moved with its words
    assert not saved.removed_ids(Table.CODING)
    run(qtbot, ctx, read(entry_text, e2))  # a reload asked for meanwhile would be back now
    assert loads == []
    t3 = ref(panel, "T3")
    entry = run(qtbot, ctx, read(uncoded_entry))
    run(qtbot, ctx, write(code_entries, t3.id, [entry]))
    qtbot.waitUntil(lambda: len(loads) == 1)
    assert ref(panel, "T3").codings == t3.codings + 1
