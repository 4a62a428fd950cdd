"""Whether what the researcher did is saved, said where it cannot be missed.

Every write's outcome reaches here from the runner. A write the study could not store
(the disk is full, the file was replaced, an unexpected error) leaves "Not saved:
<reason>" in the status bar's permanent corner, red, until a write from the same
initiator succeeds (the autosave's retry, the next note of that session ...) or that
initiator is gone (a dialog closed, its step taken back): a temporary message would be
gone before anyone looked. A write the service *refused* (a theme name taken, a
withdrawn participant) lost nothing: the step is taken back and the status bar says why
(`refused` keeps the last reason), but the corner stays quiet and closing does not ask.
"Saved at" is said only after a write committed, never of one that failed.
"""

from __future__ import annotations

import datetime as dt

import shiboken6
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from plrdesk.storage.errors import StudyFileError
from plrdesk.ui.operations import EarlierFailed
from plrdesk.ui.runner import OperationRunner


def lost_nothing(exc: Exception) -> bool:
    """A refusal by the service (its rules said no: an exception of plrdesk's own, or a
    ValueError/LookupError) or a step that needed one that failed: nothing the study
    could have stored was lost. Every driver error reaches here as a StudyFileError (the
    worker's driver_errors.plain), which is a failure to store; so is any other exception
    (a fault of ours), which is not known to have kept anything."""
    if isinstance(exc, StudyFileError):
        return False
    if isinstance(exc, EarlierFailed | ValueError | LookupError):
        return True
    return type(exc).__module__.startswith("plrdesk.")


class SaveState(QObject):
    sig_changed = Signal()
    """Whether anything is unsaved, or why, changed."""
    sig_retry_requested = Signal()
    """The researcher pressed Try again: whoever keeps unsaved work saves it now."""
    sig_copy_requested = Signal()
    """The researcher asked to save a copy of the study elsewhere."""

    def __init__(self, runner: OperationRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._failures: dict[int, tuple[object | None, str]] = {}  # id(initiator) -> why
        self._order: list[int] = []
        self.refused: str | None = None
        """The last reason the service refused a write (shown in the status bar)."""
        runner.sig_written.connect(self._written)
        runner.sig_write_failed.connect(self.report)

    @property
    def failure(self) -> str | None:
        """The newest reason something is not saved; None when everything is."""
        for key in [k for k in self._order if _gone(self._failures[k][0])]:
            self._forget(key)
        return self._failures[self._order[-1]][1] if self._order else None

    def report(self, exc: Exception, initiator: object | None) -> None:
        """A write of `initiator`'s failed with `exc` (the runner says so of every write)."""
        if lost_nothing(exc):
            if not isinstance(exc, EarlierFailed):
                self.refused = str(exc)
            return
        key = id(initiator)
        if key in self._order:
            self._order.remove(key)
        self._failures[key] = (initiator, str(exc))
        self._order.append(key)
        self.sig_changed.emit()

    def _written(self, initiator: object | None) -> None:
        key = id(initiator)
        if key in self._failures:
            self._forget(key)
            self.sig_changed.emit()

    def _forget(self, key: int) -> None:
        del self._failures[key]
        self._order.remove(key)


def _gone(initiator: object | None) -> bool:
    """A Qt object deleted since (a dialog closed): its failure has nobody to retry it."""
    return isinstance(initiator, QObject) and not shiboken6.isValid(initiator)


def saved_now() -> str:
    return f"Saved at {dt.datetime.now():%H:%M:%S}"


class NotSavedBar(QWidget):
    """The status bar's permanent corner: hidden while everything is saved."""

    def __init__(self, state: SaveState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._state = state
        self.label = QLabel()
        self.label.setStyleSheet("color: #b00020; font-weight: bold;")
        self.label.setAccessibleName("Not saved")
        self.retry = QPushButton("&Try again")
        self.retry.setToolTip("Save what is waiting now")
        self.retry.clicked.connect(lambda: state.sig_retry_requested.emit())
        self.copy = QPushButton("Save a cop&y…")
        self.copy.setToolTip("Save a copy of the study somewhere else (another disk)")
        self.copy.clicked.connect(lambda: state.sig_copy_requested.emit())
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.retry)
        layout.addWidget(self.copy)
        state.sig_changed.connect(self._show)
        self._show()

    def _show(self) -> None:
        failure = self._state.failure
        self.label.setText("" if failure is None else f"Not saved: {failure}")
        self.setVisible(failure is not None)
