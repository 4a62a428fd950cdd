"""The idle lock's countdown: restarted by input while a study is open, and out of the
application's event path otherwise (it costs every event a call into Python)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QLineEdit
from pytestqt.qtbot import QtBot

from plrdesk.ui.idle_lock import IdleLock

INTERVAL_MS = 4_000  # Qt's coarse timers round a deadline by up to 5%: 200 ms here


def _key(widget: QLineEdit) -> None:
    QApplication.sendEvent(
        widget, QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_A, Qt.KeyboardModifier.NoModifier, "a")
    )


def test_a_key_press_restarts_the_countdown_only_while_started(qtbot: QtBot) -> None:
    field = QLineEdit()
    qtbot.addWidget(field)
    field.show()  # a hidden widget's key press goes nowhere, not even to the app's filters
    lock = IdleLock(INTERVAL_MS / 60_000)
    timer = lock._timer
    lock.start()
    _restarted_by_a_key(qtbot, lock, field)

    lock.stop()
    _key(field)
    assert not timer.isActive()  # a key with no study open starts nothing
    lock.start()
    lock.start()  # twice (unlock after a lock): still one filter, still counting
    _restarted_by_a_key(qtbot, lock, field)
    lock.stop()


def _restarted_by_a_key(qtbot: QtBot, lock: IdleLock, field: QLineEdit) -> None:
    timer = lock._timer
    # Wait until the time left has clearly gone down (past the timer's rounding), then see
    # a key put it clearly back up.
    qtbot.waitUntil(lambda: timer.remainingTime() < INTERVAL_MS - 600)
    before = timer.remainingTime()
    _key(field)
    assert timer.remainingTime() > before + 300  # the filter saw the key and restarted it


def test_the_filter_is_removed_when_stopped(qtbot: QtBot) -> None:
    """Once stopped, the lock is out of the app's event path: events reach no Python."""
    field = QLineEdit()
    qtbot.addWidget(field)
    lock = IdleLock(1)
    seen: list[int] = []
    original = lock.eventFilter

    def counting(watched: object, event: QEvent) -> bool:
        seen.append(1)
        return original(watched, event)  # type: ignore[arg-type]

    lock.eventFilter = counting  # type: ignore[method-assign]
    _key(field)
    assert seen == []  # never started: not installed
    lock.start()
    _key(field)
    assert seen
    lock.stop()
    seen.clear()
    _key(field)
    assert seen == []
