"""The app's flow: welcome → passphrase → main window; wrong passphrase; lock and unlock;
recent studies; nothing identifying written outside the study.

The tests named `..._keeps_running` run inside QApplication.exec() (see `in_the_event_loop`):
only there does Qt quit when the last window closes, which is how `plrdesk open FILE` and
every unlock used to end the whole app (issue 10).
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QWidget
from pytestqt.qtbot import QtBot

from plrdesk import settings as app_settings
from plrdesk.cli.study_commands import shipped_forms
from plrdesk.storage import study_lock
from plrdesk.storage.study_file import StudyFile
from plrdesk.ui import opener
from plrdesk.ui.controller import AppController
from plrdesk.ui.main_window import MainWindow
from plrdesk.ui.passphrase_dialog import PassphraseDialog
from tests.journeys.keyboard import CTRL, focused, press, type_text
from tests.support.files import PASSPHRASE

OPEN_TIMEOUT_MS = 20_000
QUIT_TIMEOUT_MS = 10_000


@pytest.fixture
def controller(qapp: QApplication) -> Iterator[AppController]:
    controller = AppController(qapp, shipped_forms())
    yield controller
    controller.shutdown()
    for window in (controller.dialog, controller.welcome):
        if window is not None:
            window.hide()  # not close(): a closed dialog would bring the welcome back


def type_passphrase(qtbot: QtBot, dialog: PassphraseDialog, text: str, *, twice: bool) -> None:
    qtbot.keyClicks(dialog.first, text)
    if twice:
        qtbot.keyClicks(dialog.second, text)
    qtbot.keyClick(dialog.first, Qt.Key.Key_Return)


@dataclass
class EventLoopRun:
    """What happened while steps ran inside QApplication.exec()."""

    quit_requests: list[str] = field(default_factory=list)
    """"lastWindowClosed" / "aboutToQuit", in order, while the steps ran (before the test's
    own exit at the end)."""
    quit_by_itself: bool = False
    """exec() returned because the app quit, not because the test ended it."""


def in_the_event_loop(
    qapp: QApplication, steps: Callable[[], None], *, expect_quit: bool = False
) -> EventLoopRun:
    """Run `steps` from inside QApplication.exec() and report any request to quit.

    Outside exec() Qt never quits on its own (closing the last window does nothing), and
    QApplication.quit() would not end the test process anyway, so the quit request itself
    is what is watched: Qt's lastWindowClosed (emitted only inside exec()) and aboutToQuit.
    pytest-qt's waits inside `steps` are nested loops, which is fine.

    With `expect_quit`, `steps` leaves something for the outer loop that should end the
    app (a window closed by the researcher); exec() must then return by itself, within
    QUIT_TIMEOUT_MS.
    """
    run = EventLoopRun()
    failures: list[BaseException] = []
    finished = False

    def on_last_window_closed() -> None:
        if not finished:
            run.quit_requests.append("lastWindowClosed")

    def on_about_to_quit() -> None:
        if not finished:
            run.quit_requests.append("aboutToQuit")
            run.quit_by_itself = True

    def go() -> None:
        nonlocal finished
        try:
            steps()
        except BaseException as exc:  # re-raised below, once exec() has returned
            failures.append(exc)
            finished = True
            qapp.exit(1)
            return
        if not expect_quit:
            finished = True
            qapp.exit(0)

    def give_up() -> None:
        nonlocal finished
        finished = True
        qapp.exit(2)

    # A QTimer object rather than QTimer.singleShot: it must be stopped after exec(), or it
    # would end a later test's event loop.
    guard = QTimer()
    guard.setSingleShot(True)
    guard.setInterval(QUIT_TIMEOUT_MS)
    guard.timeout.connect(give_up)
    qapp.lastWindowClosed.connect(on_last_window_closed)
    qapp.aboutToQuit.connect(on_about_to_quit)
    if expect_quit:
        guard.start()
    for stray in visible_windows():
        # Left by an earlier test in this process; a visible one would keep Qt from quitting.
        stray.hide()
    QTimer.singleShot(0, go)
    try:
        qapp.exec()
    finally:
        guard.stop()
        qapp.lastWindowClosed.disconnect(on_last_window_closed)
        qapp.aboutToQuit.disconnect(on_about_to_quit)
    if failures:
        raise failures[0]
    return run


def visible_windows() -> list[QWidget]:
    return [w for w in QApplication.topLevelWidgets() if w.isVisible()]


def unlock_by_keyboard(qtbot: QtBot, controller: AppController, passphrase: str) -> None:
    """The passphrase dialog comes up with the keyboard in its field: type, then Return."""
    dialog = controller.dialog
    assert dialog is not None, "no passphrase dialog"
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    assert focused() is dialog.first, f"the passphrase would be typed into {focused()!r}"
    type_text(qtbot, passphrase)
    press(qtbot, Qt.Key.Key_Return)


def wait_for_main_window(qtbot: QtBot, controller: AppController) -> MainWindow:
    """The main window, shown and active (the app hands it the keyboard itself)."""
    qtbot.waitUntil(
        lambda: controller.window is not None and controller.window.isVisible(),
        timeout=OPEN_TIMEOUT_MS,
    )
    window = controller.window
    assert window is not None
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    return window


def test_welcome_offers_new_open_demo_and_recent(qtbot: QtBot, controller: AppController) -> None:
    controller.settings.recent_studies = ["/somewhere/old.plr"]
    controller.show_welcome()
    welcome = controller.welcome
    assert welcome is not None
    qtbot.addWidget(welcome)
    assert welcome.windowTitle() == "plrdesk"
    assert welcome.new_button.isVisible()
    assert welcome.open_button.isVisible()
    assert welcome.demo_button.isVisible()
    assert welcome.recent.item(0).text() == "/somewhere/old.plr"


def test_try_the_demo_opens_the_main_window(qtbot: QtBot, controller: AppController) -> None:
    controller.show_welcome()
    assert controller.welcome is not None
    controller.welcome.demo_button.click()
    dialog = controller.dialog
    assert dialog is not None
    type_passphrase(qtbot, dialog, PASSPHRASE, twice=True)
    with qtbot.waitSignal(controller.sig_study_opened, timeout=20_000) as opened:
        pass
    window = opened.args[0]
    assert isinstance(window, MainWindow)
    assert "plrdesk-demo.plr" in window.windowTitle()
    assert controller.settings.recent_studies[0].endswith("plrdesk-demo.plr")
    summary = window.overview.summary
    qtbot.waitUntil(lambda: "Integrated working" in summary.text())


def test_a_weak_passphrase_cannot_create_a_study(qtbot: QtBot) -> None:
    dialog = PassphraseDialog("x.plr", new=True)
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.first, "password")
    qtbot.keyClicks(dialog.second, "password")
    assert not dialog.buttons.buttons()[0].isEnabled()
    assert "Too weak" in dialog.message.text()
    dialog.first.clear()
    dialog.second.clear()
    qtbot.keyClicks(dialog.first, PASSPHRASE)
    qtbot.keyClicks(dialog.second, PASSPHRASE + "x")
    assert "differ" in dialog.message.text()
    assert dialog.meter.value() >= 3


def test_caps_lock_is_noticed(qtbot: QtBot) -> None:
    dialog = PassphraseDialog("x.plr", new=False)
    qtbot.addWidget(dialog)
    dialog.show()
    caps = dialog.findChild(QLabel, "capsLockWarning")
    assert caps is not None
    qtbot.keyClicks(dialog.first, "A")  # an upper-case letter without Shift
    assert caps.isVisible()
    qtbot.keyClicks(dialog.first, "a")
    assert not caps.isVisible()


def test_wrong_passphrase_says_so_and_asks_again(
    qtbot: QtBot, controller: AppController, demo_path: Path
) -> None:
    controller.open_path(demo_path)
    dialog = controller.dialog
    assert dialog is not None
    type_passphrase(qtbot, dialog, "not the right words", twice=False)
    qtbot.waitUntil(lambda: dialog.message.isVisible(), timeout=10_000)
    assert "does not open this study" in dialog.message.text()
    assert dialog.first.text() == ""
    type_passphrase(qtbot, dialog, PASSPHRASE, twice=False)
    with qtbot.waitSignal(controller.sig_study_opened, timeout=10_000):
        pass


def test_lock_hides_everything_and_drops_the_key(
    qtbot: QtBot, controller: AppController, demo_path: Path
) -> None:
    controller.open_path(demo_path)
    assert controller.dialog is not None
    type_passphrase(qtbot, controller.dialog, PASSPHRASE, twice=False)
    with qtbot.waitSignal(controller.sig_study_opened, timeout=10_000) as opened:
        pass
    window = opened.args[0]
    with qtbot.waitSignal(controller.sig_locked):
        qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert controller.window is None
    assert controller.runner is None
    assert not any(
        isinstance(w, MainWindow) and w.isVisible() for w in QApplication.topLevelWidgets()
    )
    assert controller.dialog is not None  # asking for the passphrase again
    type_passphrase(qtbot, controller.dialog, PASSPHRASE, twice=False)
    with qtbot.waitSignal(controller.sig_study_opened, timeout=10_000):
        pass


def test_idle_lock(qtbot: QtBot, controller: AppController, demo_path: Path) -> None:
    controller.idle.set_timeout(0.002)  # ~120 ms
    controller.open_path(demo_path)
    assert controller.dialog is not None
    type_passphrase(qtbot, controller.dialog, PASSPHRASE, twice=False)
    with qtbot.waitSignal(controller.sig_study_opened, timeout=10_000):
        pass
    with qtbot.waitSignal(controller.sig_locked, timeout=5_000):
        pass
    assert controller.window is None


def test_settings_hold_paths_only(qtbot: QtBot, controller: AppController, demo_path: Path) -> None:
    controller.open_path(demo_path)
    assert controller.dialog is not None
    type_passphrase(qtbot, controller.dialog, PASSPHRASE, twice=False)
    with qtbot.waitSignal(controller.sig_study_opened, timeout=10_000):
        pass
    saved = app_settings.settings_path().read_text()
    assert str(demo_path.resolve()) in saved
    assert PASSPHRASE not in saved
    assert "Integrated" not in saved


# -- the app keeps running (issue 10) --------------------------------------------------------


def test_open_file_asks_for_the_passphrase_and_keeps_running(
    qapp: QApplication, qtbot: QtBot, controller: AppController, demo_path: Path
) -> None:
    """`plrdesk open FILE` without a passphrase: the dialog is the only window."""

    def steps() -> None:
        controller.open_path(demo_path)
        assert visible_windows() == [controller.dialog]
        unlock_by_keyboard(qtbot, controller, PASSPHRASE)
        window = wait_for_main_window(qtbot, controller)
        assert visible_windows() == [window]

    run = in_the_event_loop(qapp, steps)
    assert run.quit_requests == [], "the app asked to quit while the study opened"


def test_unlock_after_ctrl_l_keeps_running_twice(
    qapp: QApplication, qtbot: QtBot, controller: AppController, demo_path: Path
) -> None:
    def steps() -> None:
        controller.open_path(demo_path)
        unlock_by_keyboard(qtbot, controller, PASSPHRASE)
        for _ in range(2):
            window = wait_for_main_window(qtbot, controller)
            with qtbot.waitSignal(controller.sig_locked):
                press(qtbot, Qt.Key.Key_L, CTRL)
            assert controller.window is None
            assert not window.isVisible()
            unlock_by_keyboard(qtbot, controller, PASSPHRASE)
        wait_for_main_window(qtbot, controller)

    run = in_the_event_loop(qapp, steps)
    assert run.quit_requests == [], "the app asked to quit on lock or unlock"


def test_unlock_after_the_idle_lock_keeps_running(
    qapp: QApplication, qtbot: QtBot, controller: AppController, demo_path: Path
) -> None:
    controller.idle.set_timeout(0.01)  # 600 ms without input
    locks: list[int] = []
    controller.sig_locked.connect(lambda: locks.append(1))

    def steps() -> None:
        controller.open_path(demo_path)
        unlock_by_keyboard(qtbot, controller, PASSPHRASE)
        for count in (1, 2):
            wait_for_main_window(qtbot, controller)
            qtbot.waitUntil(lambda n=count: len(locks) == n)  # type: ignore[misc]
            assert controller.window is None
            unlock_by_keyboard(qtbot, controller, PASSPHRASE)
        wait_for_main_window(qtbot, controller)
        controller.idle.stop()

    run = in_the_event_loop(qapp, steps)
    assert run.quit_requests == [], "the app asked to quit on the idle lock or unlock"


def test_a_wrong_passphrase_leaves_the_keyboard_in_the_field_and_keeps_running(
    qapp: QApplication, qtbot: QtBot, controller: AppController, demo_path: Path
) -> None:
    def steps() -> None:
        controller.open_path(demo_path)
        dialog = controller.dialog
        assert dialog is not None
        unlock_by_keyboard(qtbot, controller, "not the right words")
        qtbot.waitUntil(lambda: "does not open this study" in dialog.message.text())
        assert controller.dialog is dialog
        assert dialog.isVisible()  # it never closed
        assert focused() is dialog.first, f"the next try would be typed into {focused()!r}"
        assert dialog.first.text() == ""
        unlock_by_keyboard(qtbot, controller, PASSPHRASE)
        wait_for_main_window(qtbot, controller)

    run = in_the_event_loop(qapp, steps)
    assert run.quit_requests == []


def test_escape_on_the_unlock_dialog_goes_to_the_welcome_and_keeps_running(
    qapp: QApplication, qtbot: QtBot, controller: AppController, demo_path: Path
) -> None:
    def steps() -> None:
        controller.open_path(demo_path)
        unlock_by_keyboard(qtbot, controller, PASSPHRASE)
        wait_for_main_window(qtbot, controller)
        with qtbot.waitSignal(controller.sig_locked):
            press(qtbot, Qt.Key.Key_L, CTRL)
        dialog = controller.dialog
        assert dialog is not None
        qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
        press(qtbot, Qt.Key.Key_Escape)
        welcome = controller.welcome
        assert welcome is not None
        assert visible_windows() == [welcome]

    run = in_the_event_loop(qapp, steps)
    assert run.quit_requests == []


def test_closing_the_study_goes_to_the_welcome_and_keeps_running(
    qapp: QApplication, qtbot: QtBot, controller: AppController, demo_path: Path
) -> None:
    def steps() -> None:
        controller.open_path(demo_path, PASSPHRASE)
        window = wait_for_main_window(qtbot, controller)
        with qtbot.waitSignal(window.sig_close_requested):
            # Study > Close study: QKeySequence(StandardKey.Close), its first binding.
            press(qtbot, Qt.Key.Key_F4, CTRL)
        welcome = controller.welcome
        assert welcome is not None
        assert visible_windows() == [welcome]

    run = in_the_event_loop(qapp, steps)
    assert run.quit_requests == []


def test_closing_the_main_window_still_quits(
    qapp: QApplication, qtbot: QtBot, controller: AppController, demo_path: Path
) -> None:
    def steps() -> None:
        controller.open_path(demo_path)
        unlock_by_keyboard(qtbot, controller, PASSPHRASE)
        window = wait_for_main_window(qtbot, controller)
        # The researcher closes the window (its title bar's button): from the outer loop,
        # as a real click would be, once these steps have returned.
        QTimer.singleShot(0, window.close)

    run = in_the_event_loop(qapp, steps, expect_quit=True)
    assert run.quit_by_itself, "closing the main window did not end the app"


def test_closing_the_welcome_window_still_quits(
    qapp: QApplication, qtbot: QtBot, controller: AppController
) -> None:
    def steps() -> None:
        controller.show_welcome()
        welcome = controller.welcome
        assert welcome is not None
        qtbot.waitUntil(welcome.isVisible)
        QTimer.singleShot(0, welcome.close)

    run = in_the_event_loop(qapp, steps, expect_quit=True)
    assert run.quit_by_itself, "closing the welcome window did not end the app"


def test_escape_while_the_study_opens_drops_it_and_keeps_running(
    qapp: QApplication, qtbot: QtBot, controller: AppController, demo_path: Path
) -> None:
    """The dialog stays up while the study opens; Escape then goes back to the welcome,
    and the study, when it has opened, is closed again (its key and lock let go)."""

    def steps() -> None:
        controller.open_path(demo_path)
        dialog = controller.dialog
        assert dialog is not None
        unlock_by_keyboard(qtbot, controller, PASSPHRASE)
        assert dialog.isVisible()  # busy, not gone
        assert dialog.progress.isVisible()
        assert focused() is dialog.first
        press(qtbot, Qt.Key.Key_Escape)
        welcome = controller.welcome
        assert welcome is not None
        assert visible_windows() == [welcome]
        assert opener.wait_for_openings(OPEN_TIMEOUT_MS)
        qtbot.waitUntil(lambda: study_lock.holder(demo_path) is None)
        assert controller.window is None

    run = in_the_event_loop(qapp, steps)
    assert run.quit_requests == []


def test_the_opener_delivers_with_no_python_reference_kept(
    qtbot: QtBot, qapp: QApplication, demo_path: Path
) -> None:
    """Its signals object is owned by its Qt parent: dropping the returned Opening and
    collecting garbage while the worker runs loses nothing (before, the result was
    silently dropped, or the emit failed with "Signal source has been deleted")."""
    owner = QObject()
    release = threading.Event()
    got: list[object] = []

    def work() -> StudyFile:
        assert release.wait(OPEN_TIMEOUT_MS / 1000)
        return StudyFile.open(demo_path, PASSPHRASE)

    opener.open_in_background(work, got.append, got.append, owner=owner)  # not kept
    gc.collect()
    release.set()
    qtbot.waitUntil(lambda: bool(got), timeout=OPEN_TIMEOUT_MS)
    study = got[0]
    assert isinstance(study, StudyFile), study
    study.close()
