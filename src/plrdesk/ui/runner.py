"""One database worker thread, and the runner the widgets hand their operations to.

SQLCipher has one writer and the key lives in one connection, so every operation runs on
a single worker thread that owns the open study; the GUI thread never touches the
database and never freezes. What runs is an `Operation` (ui/operations.py): one service function
with its arguments. A write's `Changes` is announced with `sig_changes`, together with
the object that asked for it, so views refresh what it names and skip their own echo;
every write's outcome is announced too (`sig_written`, `sig_write_failed`), so "Saved"
is said only of what was saved (ui/save_state.py).
"""

from __future__ import annotations

import itertools
import logging
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import shiboken6
from PySide6.QtCore import QObject, QThread, Signal, Slot

from plrdesk.services.changes import Changes
from plrdesk.services.progress import Cancelled, Progress
from plrdesk.storage import driver_errors
from plrdesk.storage.errors import StudyReplaced
from plrdesk.storage.study_file import StudyFile
from plrdesk.ui.operations import Operation, Pending

log = logging.getLogger(__name__)

T = TypeVar("T")


@dataclass
class _Job:
    ticket: int
    op: Operation[Any]
    progress: Progress | None
    pending: Pending[Any]


@dataclass
class _Waiting:
    """What the GUI side keeps of a queued operation until its result comes back."""

    write: bool
    initiator: object | None
    on_done: Callable[[Any], None] | None
    on_error: Callable[[Exception], None] | None


class _Worker(QObject):
    """Lives on the worker thread; owns the StudyFile from open to close."""

    sig_done = Signal(int, object)
    sig_failed = Signal(int, object)
    sig_progress = Signal(int, int, int)

    def __init__(self, study: StudyFile) -> None:
        super().__init__()
        self._study: StudyFile | None = study

    @Slot(object)
    def run(self, job: _Job) -> None:
        study = self._study
        try:
            if study is None:
                raise RuntimeError("the study is locked")
            op = job.op
            if not op.rescue:
                # Before each operation: a file moved or replaced under us gets nothing more.
                study.check_unchanged()
            if op.whole_file:
                result = op.call(study, job.progress)
            else:
                with study.transaction() as db:
                    result = op.call(db, job.progress)
        except Exception as exc:  # reported to the GUI, which shows one plain line
            if not isinstance(exc, Cancelled):
                # Type and frames only: a database error's text carries the SQL and the
                # very words of the note (logs name records by id, never by content).
                log.error("%s (%d) failed: %s", job.op.name, job.ticket, type(exc).__name__)
                log.debug("%s", "".join(traceback.format_tb(exc.__traceback__)))
            if study is not None:
                exc = driver_errors.plain(exc, study.path)
            job.pending.fail(exc)
            self.sig_failed.emit(job.ticket, exc)
            return
        job.pending.resolve(result)
        self.sig_done.emit(job.ticket, result)

    def interrupt(self) -> None:
        study = self._study
        if study is not None:
            study.interrupt()

    @Slot()
    def close(self) -> None:
        if self._study is not None:
            self._study.close()
            self._study = None

    @Slot()
    def close_and_stop(self) -> None:
        """Queued behind every job submitted before it, so each of those (the last typed
        words' save among them) runs first; then the study closes and the thread ends."""
        try:
            self.close()
        finally:
            QThread.currentThread().quit()


class OperationRunner(QObject):
    """Runs operations on the database worker; results come back on the GUI thread."""

    sig_changes = Signal(object, object)
    """A `Changes` some write committed, and its initiator (None: nobody in particular)."""
    sig_written = Signal(object)
    """A write committed; its initiator."""
    sig_write_failed = Signal(object, object)
    """A write failed (not cancelled): the plain exception, and its initiator."""
    sig_failed = Signal(str)
    """A one-line message for the status bar when an operation without its own handler fails."""
    sig_busy = Signal(bool)
    """True while any operation is running."""
    sig_status = Signal(str)
    """A short message for the status bar (saved at ..., search done ...)."""
    sig_study_replaced = Signal(str)
    """Why the open study's file is no longer ours (moved, replaced); sent once."""

    _sig_submit = Signal(object)
    _sig_close = Signal()

    def __init__(self, study: StudyFile, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.path = study.path
        self._thread = QThread()
        self._thread.setObjectName("plrdesk-db")
        self._worker = _Worker(study)
        self._worker.moveToThread(self._thread)
        self._sig_submit.connect(self._worker.run)
        self._sig_close.connect(self._worker.close_and_stop)
        self._worker.sig_done.connect(self._on_done)
        self._worker.sig_failed.connect(self._on_failed)
        self._worker.sig_progress.connect(self._on_progress)
        self._tickets = itertools.count(1)
        self._pending: dict[int, _Waiting] = {}
        self._progress_handlers: dict[int, Callable[[int, int], None]] = {}
        self._replaced_told = False
        self._thread.start()

    def run(
        self,
        op: Operation[T],
        on_done: Callable[[T], None] | None = None,
        on_error: Callable[[Exception], None] | None = None,
        *,
        initiator: object | None = None,
        on_progress: Callable[[int, int], None] | None = None,
    ) -> Pending[T]:
        """Queue `op` behind everything queued before it. `initiator` is who asked (told
        with the write's changes, so it can skip its own echo)."""
        ticket = next(self._tickets)
        progress = None
        if op.progress:
            worker = self._worker
            progress = Progress(lambda done, total: worker.sig_progress.emit(ticket, done, total))
            if on_progress is not None:
                self._progress_handlers[ticket] = on_progress
        pending: Pending[T] = Pending(progress)
        self._pending[ticket] = _Waiting(op.kind == "write", initiator, on_done, on_error)
        if len(self._pending) == 1:
            self.sig_busy.emit(True)
        self._sig_submit.emit(_Job(ticket, op, progress, pending))
        return pending

    @Slot(int, object)
    def _on_done(self, ticket: int, result: object) -> None:
        if ticket not in self._pending:
            return  # the study was closed or locked meanwhile: nobody is waiting
        waiting = self._finish(ticket)
        if waiting.write:
            if isinstance(result, Changes):
                self.sig_changes.emit(result, waiting.initiator)
            self.sig_written.emit(waiting.initiator)
        if waiting.on_done is not None and _alive(waiting.on_done):
            waiting.on_done(result)

    @Slot(int, object)
    def _on_failed(self, ticket: int, exc: Exception) -> None:
        if isinstance(exc, StudyReplaced) and not self._replaced_told:
            self._replaced_told = True
            self.sig_study_replaced.emit(str(exc))
        if ticket not in self._pending:
            return
        waiting = self._finish(ticket)
        if waiting.write and not isinstance(exc, Cancelled):
            self.sig_write_failed.emit(exc, waiting.initiator)
        if waiting.on_error is not None and _alive(waiting.on_error):
            waiting.on_error(exc)
        elif not isinstance(exc, Cancelled):
            self.sig_failed.emit(f"Could not complete that: {exc}")

    @Slot(int, int, int)
    def _on_progress(self, ticket: int, done: int, total: int) -> None:
        handler = self._progress_handlers.get(ticket)
        if handler is not None:
            handler(done, total)

    def _finish(self, ticket: int) -> _Waiting:
        self._progress_handlers.pop(ticket, None)
        waiting = self._pending.pop(ticket)
        if not self._pending:
            self.sig_busy.emit(False)
        return waiting

    def after_queued(self, callback: Callable[[], None]) -> None:
        """Call back on the GUI thread once everything queued so far has answered (jobs run,
        and answer, in order); it runs on a replaced study too, as it touches nothing."""
        done: Callable[[object], None] = lambda _result: callback()  # noqa: E731
        self.run(_NOTHING, done, lambda _exc: callback())

    def interrupt(self) -> None:
        """Stop the running statement (a cancelled backup); safe from the GUI thread."""
        self._worker.interrupt()

    def close(self) -> None:
        """Close the study (drops the key) on its own thread, then stop the thread."""
        if not self._thread.isRunning():
            return
        self._pending.clear()  # late results are dropped, never shown in a torn-down window
        self._progress_handlers.clear()
        # Not quit() from here: that ends the worker's loop after the job it is running and
        # drops every job queued behind it, saves included. The worker quits itself.
        self._sig_close.emit()
        self._thread.wait()
        self._worker.close()  # a no-op unless the thread ended some other way


def _nothing(target: object, progress: Progress | None) -> None:
    """Queued behind other jobs by `after_queued`: its answer says theirs have come."""


_NOTHING: Operation[None] = Operation(
    "plrdesk.ui.runner.after_queued", "read", _nothing, rescue=True
)


def _alive(callback: Callable[..., object]) -> bool:
    """False when the callback is a method of a Qt object that has been deleted meanwhile
    (a dialog closed while its operation ran)."""
    owner = getattr(callback, "__self__", None)
    return not isinstance(owner, QObject) or shiboken6.isValid(owner)
