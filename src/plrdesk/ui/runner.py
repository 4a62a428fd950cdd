"""One database worker thread, and the runner the widgets hand their operations to.

SQLCipher has one writer and the key lives in one connection, so every operation runs on
a single worker thread that owns the open study; the GUI thread never touches the
database and never freezes. An operation is a plain function from plrdesk.services:
`op(db) -> result`. When the result is a `Changes`, the runner announces it with
`sig_changes` so views refresh what it names.
"""

from __future__ import annotations

import itertools
import logging
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QThread, Signal, Slot

from plrdesk.services.changes import Changes
from plrdesk.services.progress import Cancelled, Progress
from plrdesk.storage import driver_errors
from plrdesk.storage.errors import StudyReplaced
from plrdesk.storage.study_file import StudyFile

log = logging.getLogger(__name__)

DbOp = Callable[..., Any]


@dataclass
class _Job:
    ticket: int
    op: DbOp
    whole_file: bool  # the op takes the StudyFile (backup, vacuum), not a session
    progress: Progress | None
    rescue: bool = False  # a copy of a study whose file was replaced: runs all the same


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
            if not job.rescue:
                # Before each operation: a file moved or replaced under us gets nothing more.
                study.check_unchanged()
            if job.whole_file:
                result = job.op(study, *([job.progress] if job.progress else []))
            else:
                with study.transaction() as db:
                    result = job.op(db, *([job.progress] if job.progress else []))
        except Exception as exc:  # reported to the GUI, which shows one plain line
            if not isinstance(exc, Cancelled):
                # Type and frames only: a database error's text carries the SQL and the
                # very words of the note (logs name records by id, never by content).
                log.error("operation %d failed: %s", job.ticket, type(exc).__name__)
                log.debug("%s", "".join(traceback.format_tb(exc.__traceback__)))
            if study is not None:
                exc = driver_errors.plain(exc, study.path)
            self.sig_failed.emit(job.ticket, exc)
            return
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
    """Runs service operations on the database worker; results come back on the GUI thread."""

    sig_changes = Signal(object)
    """A `Changes`: some operation changed these records."""
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
        self._pending: dict[
            int, tuple[Callable[[Any], None] | None, Callable[[Exception], None] | None]
        ] = {}
        self._progress_handlers: dict[int, Callable[[int, int], None]] = {}
        self._replaced_told = False
        self._thread.start()

    def submit(
        self,
        op: DbOp,
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[Exception], None] | None = None,
        *,
        whole_file: bool = False,
        on_progress: Callable[[int, int], None] | None = None,
        rescue: bool = False,
    ) -> Progress | None:
        """Queue `op`. With `on_progress`, op gets a Progress (returned, so it can be cancelled)."""
        ticket = next(self._tickets)
        progress = None
        if on_progress is not None:
            worker = self._worker
            progress = Progress(lambda done, total: worker.sig_progress.emit(ticket, done, total))
            self._progress_handlers[ticket] = on_progress
        self._pending[ticket] = (on_done, on_error)
        if len(self._pending) == 1:
            self.sig_busy.emit(True)
        self._sig_submit.emit(_Job(ticket, op, whole_file, progress, rescue))
        return progress

    @Slot(int, object)
    def _on_done(self, ticket: int, result: object) -> None:
        if ticket not in self._pending:
            return  # the study was closed or locked meanwhile: nobody is waiting
        on_done, _ = self._finish(ticket)
        if isinstance(result, Changes):
            self.sig_changes.emit(result)
        if on_done is not None and _alive(on_done):
            on_done(result)

    @Slot(int, object)
    def _on_failed(self, ticket: int, exc: Exception) -> None:
        if isinstance(exc, StudyReplaced) and not self._replaced_told:
            self._replaced_told = True
            self.sig_study_replaced.emit(str(exc))
        if ticket not in self._pending:
            return
        _, on_error = self._finish(ticket)
        if on_error is not None and _alive(on_error):
            on_error(exc)
        elif not isinstance(exc, Cancelled):
            self.sig_failed.emit(f"Could not complete that: {exc}")

    @Slot(int, int, int)
    def _on_progress(self, ticket: int, done: int, total: int) -> None:
        handler = self._progress_handlers.get(ticket)
        if handler is not None:
            handler(done, total)

    def _finish(
        self, ticket: int
    ) -> tuple[Callable[[Any], None] | None, Callable[[Exception], None] | None]:
        self._progress_handlers.pop(ticket, None)
        handlers = self._pending.pop(ticket, (None, None))
        if not self._pending:
            self.sig_busy.emit(False)
        return handlers

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


def _alive(callback: Callable[..., object]) -> bool:
    """False when the callback is a method of a Qt object that has been deleted meanwhile
    (a dialog closed while its operation ran)."""
    owner = getattr(callback, "__self__", None)
    return not isinstance(owner, QObject) or shiboken6.isValid(owner)
