"""Opening, creating and unlocking studies off the GUI thread (key derivation takes a
moment, and creating the demo imports a whole study)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

if TYPE_CHECKING:  # imported on the worker when it opens: the welcome window needs neither
    from plrdesk.storage.study_file import StudyFile


class Opening(QObject):
    """One study being opened (or created) on Qt's thread pool.

    Owned by its Qt parent (the controller), not by whoever holds the Python reference:
    the worker emits on it from its own thread, so it must outlive the worker. A Python-
    owned signals object could be deleted mid-open (when the app quit under it, issue 10:
    "Signal source has been deleted"). It deletes itself once the result was handed on.
    """

    sig_opened = Signal(object)
    """The open StudyFile (emitted on the worker thread)."""
    sig_failed = Signal(object)
    """The exception: WrongPassphrase, NotAStudyFile, ... (emitted on the worker thread)."""

    def __init__(
        self,
        on_opened: Callable[[StudyFile], None],
        on_failed: Callable[[Exception], None],
        owner: QObject,
    ) -> None:
        super().__init__(owner)
        self._on_opened = on_opened
        self._on_failed = on_failed
        self._abandoned = False
        # Slots of this object, which lives on the GUI thread: Qt queues the worker's
        # emits there, so the callbacks run on the GUI thread.
        self.sig_opened.connect(self._deliver_opened)
        self.sig_failed.connect(self._deliver_failed)

    def abandon(self) -> None:
        """Nobody wants the result any more (the dialog was cancelled, the app is closing):
        a study that still opens is closed at once, so its key and lock go."""
        self._abandoned = True

    def _deliver_opened(self, study: StudyFile) -> None:
        self.deleteLater()
        if self._abandoned:
            study.close()
            return
        self._on_opened(study)

    def _deliver_failed(self, exc: Exception) -> None:
        self.deleteLater()
        if not self._abandoned:
            self._on_failed(exc)


class _Task(QRunnable):
    def __init__(self, work: Callable[[], StudyFile], opening: Opening) -> None:
        super().__init__()
        self._work = work
        self._opening = opening

    def run(self) -> None:
        try:
            study = self._work()
        except Exception as exc:  # handed to the GUI, which words it for the user
            self._opening.sig_failed.emit(exc)
            return
        try:
            self._opening.sig_opened.emit(study)
        except RuntimeError:  # its owner is gone (the app ended): let the study, key and lock go
            study.close()


def open_in_background(
    work: Callable[[], StudyFile],
    on_opened: Callable[[StudyFile], None],
    on_failed: Callable[[Exception], None],
    *,
    owner: QObject,
) -> Opening:
    """Run `work` on Qt's thread pool; one of the callbacks runs on the GUI thread, unless
    the returned Opening is abandoned first. `owner` keeps the Opening alive meanwhile."""
    opening = Opening(on_opened, on_failed, owner)
    QThreadPool.globalInstance().start(_Task(work, opening))
    return opening


def wait_for_openings(timeout_ms: int) -> bool:
    """Block until every open started here has finished on its worker (True), or until
    `timeout_ms` passed. For the app's last moments: an Opening is deleted with its owner,
    and a worker emitting on a deleted one could crash rather than close its study."""
    return QThreadPool.globalInstance().waitForDone(timeout_ms)


def _open_locked(path: Path, passphrase: str) -> StudyFile:
    """Open to write, holding the study lock for as long as the study is open: a command
    that would write it meanwhile is told the app has it (exit 6)."""
    from plrdesk.storage.study_file import StudyFile
    from plrdesk.storage.study_lock import APP, StudyLock

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
