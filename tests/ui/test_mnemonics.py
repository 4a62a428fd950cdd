"""Every Alt+letter unique within its window (issue 11: Alt+S opened both the Study menu
and the Sessions tab). The main window page by page (a hidden page's buttons answer to
nothing, so each is made current in turn, with a session of each kind open and a
participant chosen), each menu's items among themselves, and every dialog the main
window's menus and pages open, in each of the states that show different fields: zero
clashes in all of them. The checker's rules are held against Qt in
test_mnemonics_checker.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial

import pytest
from PySide6.QtWidgets import QTabWidget, QWidget
from pytestqt.qtbot import QtBot

from plrdesk.cli.study_commands import shipped_forms
from plrdesk.domain.kinds import ParticipantKind
from plrdesk.settings import AppSettings
from plrdesk.ui.analysis.theme_dialog import ThemeDialog
from plrdesk.ui.consent.recorder import ConsentRecorder
from plrdesk.ui.export.export_action import prepare_export
from plrdesk.ui.export.review_parts import AddNameDialog
from plrdesk.ui.main_window import MainWindow
from plrdesk.ui.passphrase_dialog import PassphraseDialog
from plrdesk.ui.preferences import PreferencesDialog
from plrdesk.ui.register.participant_dialog import ParticipantDialog
from plrdesk.ui.register.withdraw_dialog import WithdrawDialog
from plrdesk.ui.runner import OperationRunner
from plrdesk.ui.sessions.new_session_dialog import OverrideReasonDialog
from plrdesk.ui.welcome import WelcomeWindow
from tests.support.mnemonics import clashes, menu_clashes, menus_of, mnemonics


@pytest.fixture
def window(qtbot: QtBot, runner: OperationRunner) -> MainWindow:
    window = MainWindow(runner, shipped_forms())
    qtbot.addWidget(window)
    window.resize(1300, 850)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: window.register.model.rowCount() > 0)
    return window


def nested_tabs(widget: QWidget) -> Iterator[str]:
    """Each page of every tab widget shown inside `widget` made current in turn (the
    others left as they are), named for a failure message."""
    for tabs in widget.findChildren(QTabWidget):
        if not tabs.isVisible():
            continue
        for index in range(tabs.count()):
            tabs.setCurrentIndex(index)
            yield f"{tabs.accessibleName() or 'tabs'}: {tabs.tabText(index).replace('&', '')}"
        tabs.setCurrentIndex(0)


def session_shown(window: MainWindow, ref: str) -> bool:
    current = window.sessions.current
    return current is not None and current.doc.ref == ref


def test_the_main_window_has_no_clash_on_any_page(qtbot: QtBot, window: MainWindow) -> None:
    found: list[str] = []

    def check(where: str) -> None:
        found.extend(f"{where}: {clash}" for clash in clashes(window))

    for index in range(window.tabs.count()):
        window.tabs.setCurrentIndex(index)
        page = window.tabs.currentWidget()
        title = window.tabs.tabText(index).replace("&", "")
        check(title)
        for inner in nested_tabs(page):
            check(f"{title}, {inner}")
    # A participant chosen: Edit, Record consent and Withdraw are enabled.
    window.tabs.setCurrentWidget(window.register)
    window.register.select("G1")
    assert window.register.withdraw_action.isEnabled()
    check("Participants, G1 chosen")
    # A session of each kind open beside the list.
    window.tabs.setCurrentWidget(window.sessions)
    for ref, kind in [("S1", "interview"), ("S7", "phone interview"), ("S11", "focus group")]:
        window.sessions.show_session(ref)
        qtbot.waitUntil(partial(session_shown, window, ref))
        check(f"Sessions, {kind} {ref}")
    # The tabs and the menus are there on every page: they must have been looked at.
    keys = {m.key for m in mnemonics(window)}
    assert {"Alt+O", "Alt+P"} <= keys
    assert not found, "\n".join(found)


def test_each_menu_has_no_clash_among_its_items(window: MainWindow) -> None:
    found = [
        f"{path} menu: {clash}"
        for path, menu in menus_of(window.menuBar().actions())
        for clash in menu_clashes(menu)
    ]
    paths = [path for path, _ in menus_of(window.menuBar().actions())]
    assert {"Study", "Edit", "View"} <= set(paths)
    assert not found, "\n".join(found)


# -- dialogs -------------------------------------------------------------------------------


def dialog_clashes(dialog: QWidget, where: str) -> list[str]:
    assert dialog.isVisible(), f"{where} is not on screen"
    return [f"{where}: {clash}" for clash in clashes(dialog)]


def test_the_register_dialogs_have_no_clash(qtbot: QtBot, window: MainWindow) -> None:
    page = window.register
    window.tabs.setCurrentWidget(page)
    found: list[str] = []
    page.add()
    dialog = page.dialog
    assert isinstance(dialog, ParticipantDialog)
    qtbot.waitExposed(dialog)
    dialog.name.setText("Sam Taylor")  # the Add participant button comes alive
    for kind in ParticipantKind:  # each kind shows its own fields
        dialog.kind.setCurrentIndex(dialog.kind.findData(kind))
        assert dialog.ok.isEnabled()
        found += dialog_clashes(dialog, f"Add a participant ({kind.value})")
    dialog.reject()
    page.select("C1")
    page.edit()
    dialog = page.dialog
    assert isinstance(dialog, ParticipantDialog)
    qtbot.waitExposed(dialog)
    found += dialog_clashes(dialog, "Edit C1")
    dialog.reject()
    page.select("P2")
    page.withdraw()
    withdraw = page.dialog
    assert isinstance(withdraw, WithdrawDialog)
    qtbot.waitExposed(withdraw)
    for erase in (False, True):
        withdraw.erase.setChecked(erase)
        withdraw.confirm.setText("P2")
        found += dialog_clashes(withdraw, f"Withdraw P2 (erase {erase})")
    withdraw.reject()
    assert not found, "\n".join(found)


@pytest.mark.parametrize("ref", ["P1", "G1", "C1"])
def test_the_consent_recorder_has_no_clash(qtbot: QtBot, window: MainWindow, ref: str) -> None:
    window.ctx.navigator.sig_record_consent.emit(ref)
    qtbot.waitUntil(lambda: bool(window.findChildren(ConsentRecorder)))
    recorder = window.findChildren(ConsentRecorder)[0]
    qtbot.waitExposed(recorder)
    found: list[str] = []
    for form in range(recorder.form_combo.count()):  # each form shows its own questions
        recorder.form_combo.setCurrentIndex(form)
        for method, button in recorder.method_buttons.items():
            if button.isEnabled():
                button.setChecked(True)
                found += dialog_clashes(
                    recorder, f"Record consent {ref}, {recorder.form_combo.currentText()}, {method}"
                )
    recorder.reject()
    assert not found, "\n".join(found)


def test_the_session_and_analysis_dialogs_have_no_clash(qtbot: QtBot, window: MainWindow) -> None:
    found: list[str] = []
    window.tabs.setCurrentWidget(window.sessions)
    new = window.sessions.new_session()
    qtbot.waitExposed(new)
    for index in range(new.kind.count()):
        new.kind.setCurrentIndex(index)
        found += dialog_clashes(new, f"New session ({new.kind.currentText()})")
    new.reject()
    override = OverrideReasonDialog(["C1 has no parental consent yet"], window)
    qtbot.addWidget(override)
    override.show()
    found += dialog_clashes(override, "Override the consent gate")
    override.reject()

    window.tabs.setCurrentWidget(window.analysis)
    window.analysis.themes.new_action.trigger()
    theme = window.analysis.themes.dialog
    assert isinstance(theme, ThemeDialog)
    qtbot.waitExposed(theme)
    found += dialog_clashes(theme, "New theme")
    theme.reject()
    assert not found, "\n".join(found)


def test_the_study_menu_dialogs_have_no_clash(qtbot: QtBot, window: MainWindow) -> None:
    found: list[str] = []
    review = prepare_export(window, window.ctx)
    with qtbot.waitSignal(review.sig_review_loaded, timeout=20_000):
        pass
    review.table.selectRow(0)
    review.keep_button.click()  # a decision changed: Save decisions comes alive
    assert review.save_button.isEnabled()
    found += dialog_clashes(review, "Prepare export")
    add = AddNameDialog(review)
    qtbot.addWidget(add)
    add.show()
    found += dialog_clashes(add, "Add a missed name")
    add.reject()
    review.reject()
    preferences = PreferencesDialog(AppSettings(), window)
    qtbot.addWidget(preferences)
    preferences.show()
    found += dialog_clashes(preferences, "Preferences")
    preferences.reject()
    assert not found, "\n".join(found)


@pytest.mark.parametrize("new", [False, True])
def test_the_passphrase_dialog_has_no_clash(qtbot: QtBot, new: bool) -> None:
    dialog = PassphraseDialog("demo.plr", new=new)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog_clashes(dialog, "Passphrase") == []
    assert {m.key for m in mnemonics(dialog)} >= {"Alt+P"}


def test_the_welcome_window_has_no_clash(qtbot: QtBot) -> None:
    welcome = WelcomeWindow(["/home/someone/studies/transition.plr"])
    qtbot.addWidget(welcome)
    welcome.show()
    qtbot.waitExposed(welcome)
    assert dialog_clashes(welcome, "Welcome") == []
    assert {m.key for m in mnemonics(welcome)} >= {"Alt+N", "Alt+O"}


def test_the_study_details_and_help_dialogs_have_no_clash(qtbot: QtBot, window: MainWindow) -> None:
    """Dialogs added with issue 11 by others (Study details, the Help menu's): the same
    rule holds for them."""
    from plrdesk.ui.study_details_dialog import StudyDetailsDialog, edit_study_details

    found: list[str] = []
    edit_study_details(window, window.ctx)
    qtbot.waitUntil(lambda: bool(window.findChildren(StudyDetailsDialog)))
    details = window.findChildren(StudyDetailsDialog)[0]
    qtbot.waitExposed(details)
    found += dialog_clashes(details, "Study details")
    details.reject()
    for name, show in [
        ("Keyboard shortcuts", window.help.show_shortcuts),
        ("Getting started", window.help.show_getting_started),
        ("About", window.help.show_about),
    ]:
        dialog = show()
        qtbot.waitExposed(dialog)
        found += dialog_clashes(dialog, name)
        dialog.reject()
    assert not found, "\n".join(found)
