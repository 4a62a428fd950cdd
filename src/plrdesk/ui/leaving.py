"""Leaving a study's window (lock, close, quit) without taking anything typed with it.

Kept apart from the controller, which decides when to leave: this says whether it is safe
(every queued save answered, none failed), asks when it is not, and hands the keyboard back
after.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QAbstractButton, QApplication, QMessageBox, QWidget

if TYPE_CHECKING:  # the welcome window imports this; the sessions page would cost ~600 ms
    from plrdesk.ui.runner import OperationRunner
    from plrdesk.ui.save_state import SaveState
    from plrdesk.ui.sessions.page import SessionsPage

DRAIN_WAIT_MS = 30_000  # a save that hangs longer than this is reported as not finished


def wait_for_saves(
    runner: OperationRunner, sessions: SessionsPage, save_state: SaveState | None = None
) -> str | None:
    """Queue the last keystrokes, wait until the worker has answered every save queued so
    far, then say why some typing is still not in the study (None: all saved). With
    `save_state`, a write that failed (its change taken back off the screen, the "Not
    saved" bar up) counts as well: the researcher about to leave has not seen it saved."""
    sessions.flush()
    loop = QEventLoop()
    answered: list[bool] = []

    def back() -> None:
        answered.append(True)
        loop.quit()

    # Once this answers, every save before it has succeeded or failed (and a failure is
    # pending again).
    runner.after_queued(back)
    if not answered:
        QTimer.singleShot(DRAIN_WAIT_MS, loop.quit)
        loop.exec()
    typing = sessions.unsaved()
    if typing is not None or save_state is None:
        return typing
    return save_state.failure


def unsaved_box(
    parent: QWidget | None, reason: str, doing: str
) -> tuple[QMessageBox, QAbstractButton]:
    """The question before `doing` (lock, close) would lose typing, and its Keep button,
    which is the default and the Escape answer."""
    box = QMessageBox(QMessageBox.Icon.Warning, "Some notes are not saved", "", parent=parent)
    box.setText(
        f"Some of what you typed is not saved yet ({reason}).\n\nIt is still on screen."
        f" If you {doing} now, what is not saved is lost."
    )
    keep = box.addButton("&Keep the study open", QMessageBox.ButtonRole.RejectRole)
    box.addButton(f"{doing.capitalize()} and &lose it", QMessageBox.ButtonRole.DestructiveRole)
    box.setDefaultButton(keep)
    box.setEscapeButton(keep)
    return box, keep


def give_the_keyboard(window: QWidget, widget: QWidget | None = None) -> None:
    """Ask for the keyboard focus for a window just shown (and `widget` in it): it replaces
    the app's own window the researcher was typing in, and a window manager may give the
    focus elsewhere (on a bare X server nobody gives it at all)."""
    window.raise_()
    window.activateWindow()
    if widget is not None and shiboken6.isValid(widget):
        widget.setFocus()


def modal_over(window: QWidget | None) -> bool:
    """A dialog of `window`'s (its child, so deleted with it) is running its own loop."""
    widget = QApplication.activeModalWidget()
    while widget is not None:
        if widget is window:
            return True
        widget = widget.parentWidget()
    return False
