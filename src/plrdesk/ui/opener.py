"""Opening, creating and unlocking studies off the GUI thread (key derivation takes a
moment, and creating the demo imports a whole study)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from plrdesk.storage.study_file import StudyFile
from plrdesk.storage.study_lock import APP, StudyLock


class _Signals(QObject):
    sig_opened = Signal(object)
    """The open StudyFile."""
    sig_failed = Signal(object)
    """The exception (WrongPassphrase, NotAStudyFile, ...)."""


class _Task(QRunnable):
    def __init__(self, work: Callable[[], StudyFile], signals: _Signals) -> None:
        super().__init__()
        self._work = work
        self._signals = signals

    def run(self) -> None:
        try:
            study = self._work()
        except Exception as exc:  # handed to the GUI, which words it for the user
            self._signals.sig_failed.emit(exc)
            return
        try:
            self._signals.sig_opened.emit(study)
        except RuntimeError:  # nobody listens any more: let the study, its key and lock go
            study.close()


def open_in_background(
    work: Callable[[], StudyFile],
    on_opened: Callable[[StudyFile], None],
    on_failed: Callable[[Exception], None],
) -> _Signals:
    """Run `work` on Qt's thread pool; the callbacks run on the GUI thread.

    Keep the returned object alive until a callback has run.
    """
    signals = _Signals()
    signals.sig_opened.connect(on_opened)
    signals.sig_failed.connect(on_failed)
    QThreadPool.globalInstance().start(_Task(work, signals))
    return signals


def _open_locked(path: Path, passphrase: str) -> StudyFile:
    """Open to write, holding the study lock for as long as the study is open: a command
    that would write it meanwhile is told the app has it (exit 6)."""
    return StudyFile.open(path, passphrase, lock=StudyLock.acquire(path, APP))


def open_study(path: Path, passphrase: str) -> Callable[[], StudyFile]:
    return lambda: _open_locked(path, passphrase)


def create_and_open(path: Path, passphrase: str, title: str) -> Callable[[], StudyFile]:
    def work() -> StudyFile:
        from plrdesk.storage.creation import create_study

        create_study(path, passphrase, title)
        return _open_locked(path, passphrase)

    return work


def create_demo_and_open(path: Path, passphrase: str) -> Callable[[], StudyFile]:
    def work() -> StudyFile:
        from plrdesk.services.demo import create_demo_study

        create_demo_study(path, passphrase)
        return _open_locked(path, passphrase)

    return work
