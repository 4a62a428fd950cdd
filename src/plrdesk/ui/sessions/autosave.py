"""Never lose a word: typed text is saved within a second, with no Save button.

A debounce with a ceiling. Each keystroke records the note's latest text and restarts an
idle timer (`idle_ms`, 400 ms); the first keystroke not yet saved also starts a ceiling
timer (`max_ms`, 600 ms) that does not restart. Whichever fires first saves every
pending note in one operation on the database worker, so steady typing is saved at least
every `max_ms` plus one commit, and a pause is saved `idle_ms` after it begins. The
status bar then says "Saved at HH:MM:SS".
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal
from sqlalchemy.orm import Session

from plrdesk.services.changes import Changes
from plrdesk.services.entries import UnknownEntry, set_entry_text
from plrdesk.ui.runner import OperationRunner

IDLE_MS = 400
MAX_MS = 600
RETRY_MS = 3000


def save_texts(db: Session, texts: dict[uuid.UUID, str]) -> Changes:
    """Save several notes' text in one unit of work; a note deleted meanwhile is skipped."""
    changes = Changes()
    for entry_id, text in texts.items():
        try:
            changes.merge(set_entry_text(db, entry_id, text))
        except UnknownEntry:
            continue
    return changes


class Autosave(QObject):
    sig_saved = Signal(object)
    """A `datetime`: every text pending until then is committed."""
    sig_failed = Signal(str)
    """A one-line reason a save failed (the text stays pending and is tried again)."""

    def __init__(
        self,
        runner: OperationRunner,
        status: Callable[[str], None],
        *,
        idle_ms: int = IDLE_MS,
        max_ms: int = MAX_MS,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._runner = runner
        self._status = status
        self._pending: dict[uuid.UUID, str] = {}
        self._in_flight = 0
        self._idle = QTimer(self)
        self._idle.setSingleShot(True)
        self._idle.setInterval(idle_ms)
        self._idle.timeout.connect(self.flush)
        self._ceiling = QTimer(self)
        self._ceiling.setSingleShot(True)
        self._ceiling.setInterval(max_ms)
        self._ceiling.timeout.connect(self.flush)
        self._retry = QTimer(self)
        self._retry.setSingleShot(True)
        self._retry.setInterval(RETRY_MS)
        self._retry.timeout.connect(self.flush)

    def touch(self, entry_id: uuid.UUID, text: str) -> None:
        """The note now reads `text`; save it soon."""
        self._pending[entry_id] = text
        self._idle.start()
        if not self._ceiling.isActive():
            self._ceiling.start()

    def discard(self, entry_id: uuid.UUID) -> None:
        self._pending.pop(entry_id, None)

    def is_idle(self) -> bool:
        """Nothing waiting to be saved and no save running."""
        return not self._pending and self._in_flight == 0

    def flush(self) -> None:
        """Save everything pending now (queued on the worker after what came before)."""
        self._idle.stop()
        self._ceiling.stop()
        self._retry.stop()
        if not self._pending:
            return
        batch = dict(self._pending)
        self._pending.clear()
        self._in_flight += 1
        self._runner.submit(
            lambda db: save_texts(db, batch),
            lambda _result: self._done(),
            lambda exc: self._failed(batch, exc),
        )

    def _done(self) -> None:
        self._in_flight -= 1
        now = dt.datetime.now()
        self._status(f"Saved at {now:%H:%M:%S}")
        self.sig_saved.emit(now)

    def _failed(self, batch: dict[uuid.UUID, str], exc: Exception) -> None:
        self._in_flight -= 1
        for entry_id, text in batch.items():
            self._pending.setdefault(entry_id, text)  # newer typing wins
        self._retry.start()
        message = f"Not saved yet ({exc}); trying again"
        self._status(message)
        self.sig_failed.emit(message)
