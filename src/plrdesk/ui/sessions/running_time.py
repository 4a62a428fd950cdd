"""How long an open session has run, as its clock shows it: the seconds the study holds
(services.session_clock) plus those counted since the app took the session up.

The clock runs only while the app does (issue 11: it showed the time since the session
started, so a session left running when the study was closed read sixteen hours the next
morning). While the session runs, the count is written every `BANK_MS` and whenever the
session starts or ends, so closing the app, locking the study or a crash loses at most
that much of it; when the study is opened again the count goes on from what was written.
The time between is never counted. Stretches are measured on a monotonic clock, so
changing the computer's clock changes nothing.

It follows the session's start and end wherever they come from (the clock's buttons, a
parent declining on the call), through the document's `sig_session_changed`.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable

import shiboken6
from PySide6.QtCore import QObject, QTimer, Signal

from plrdesk.services import session_clock
from plrdesk.services.sessions import SessionDetail
from plrdesk.ui.operations import read, write
from plrdesk.ui.runner import OperationRunner

BANK_MS = 10_000  # how often a running session's count is written

_NOT_READ = object()


class RunningTime(QObject):
    sig_changed = Signal()
    """What `seconds` says changed other than by time passing (the study's count arrived,
    the session started or ended)."""

    def __init__(
        self,
        runner: OperationRunner,
        detail: SessionDetail,
        parent: QObject | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        bank_ms: int = BANK_MS,
    ) -> None:
        super().__init__(parent)
        self._runner = runner
        self._detail = detail
        self._clock = clock
        self._stored: object | int | None = _NOT_READ  # the study's count (None: never timed)
        self._here = 0.0  # seconds counted in this run, in stretches now over
        self._since: float | None = None  # when the stretch going on now began
        self._bank_waiting = False  # a count to write once the study's is known
        self._timer = QTimer(self)
        self._timer.setInterval(bank_ms)
        self._timer.timeout.connect(self.bank)
        if self.running:  # taken up again: it counts on from what the study holds
            self._since = clock()
            self._timer.start()
        session_id: uuid.UUID = detail.id
        runner.run(read(session_clock.running_seconds, session_id), self._read, self._unread)

    @property
    def running(self) -> bool:
        return self._detail.started_at is not None and self._detail.ended_at is None

    @property
    def known(self) -> bool:
        """Whether the study's count has arrived (until then `seconds` is None)."""
        return self._stored is not _NOT_READ

    def seconds(self) -> float | None:
        """What the clock shows: seconds run in the app (an ended session: how long it ran;
        never timed by the app: from its start to its end); None before it started, or
        before the study's count has arrived."""
        detail = self._detail
        if detail.started_at is None or not self.known:
            return None
        stored = self._stored if isinstance(self._stored, int) else None
        if not self.running and stored is None and not self._here:
            return session_clock.length_seconds(detail.started_at, detail.ended_at, None)
        stretch = 0.0 if self._since is None else self._clock() - self._since
        return (stored or 0) + self._here + max(0.0, stretch)

    def follow(self) -> None:
        """Start or stop counting as the session now is (after a start or an end)."""
        if self.running and self._since is None:
            self._since = self._clock()
            self._timer.start()
            self.bank()
        elif not self.running and self._since is not None:
            self._here += max(0.0, self._clock() - self._since)
            self._since = None
            self._timer.stop()
            self.bank()
        else:
            return
        self.sig_changed.emit()

    def bank(self) -> None:
        """Write the count so far to the study (once its own count is known)."""
        if not shiboken6.isValid(self):
            return
        if not self.known:
            self._bank_waiting = True
            return
        seconds = self.seconds()
        if seconds is None or (not self.running and not self._here):
            return  # nothing counted in this run: what the study has stands
        session_id: uuid.UUID = self._detail.id
        self._runner.run(
            write(session_clock.record_running_time, session_id, round(seconds)),
            None,
            self._not_written,
            initiator=self,
        )

    def _read(self, stored: int | None) -> None:
        if not shiboken6.isValid(self):
            return
        self._stored = stored
        if self._bank_waiting:
            self._bank_waiting = False
            self.bank()
        self.sig_changed.emit()

    def _unread(self, _exc: Exception) -> None:
        # The study would not say: count from nothing rather than show no clock.
        self._read(None)

    def _not_written(self, _exc: Exception) -> None:
        """A count the study could not take: the "Not saved" bar says so (the runner tells
        it); the next one, a few seconds on, carries the whole count again."""
