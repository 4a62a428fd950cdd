"""Never lose a word: typed text is saved within a second, with no Save button.

A debounce with a ceiling. Each keystroke records the note's latest text and restarts an
idle timer (`idle_ms`, 400 ms); the first keystroke not yet saved also starts a ceiling
timer (`max_ms`, 600 ms) that does not restart. Whichever fires first saves every
pending note in one operation on the database worker, so steady typing is saved at least
every `max_ms` plus one commit, and a pause is saved `idle_ms` after it begins. The
status bar then says "Saved at HH:MM:SS".

With each text comes the list of exact edits that made it (Qt's contentsChange, as
`domain.spans.Edit`), or None when they are unknown (text replaced by undo or loading,
a line edited in place). They are kept per note between saves, in the order made, and
handed to `set_entry_text` so codings follow the words; one unknown edit in the run makes
the whole run unknown, and the service then aligns old and new text instead. A failed
save puts its edits back in front of those typed since, so the retry replays them all.
A save that took a coding away (every one of its words deleted) says so with
`sig_codings_lost`.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Sequence

from PySide6.QtCore import QObject, QTimer, Signal

from plrdesk.domain.ids import EntryId
from plrdesk.domain.spans import Edit
from plrdesk.services import note_texts
from plrdesk.services.note_texts import TextSaved
from plrdesk.storage.errors import StudyReplaced
from plrdesk.ui.operations import write
from plrdesk.ui.runner import OperationRunner
from plrdesk.ui.save_state import saved_now

IDLE_MS = 400
MAX_MS = 600
RETRY_MS = 3000


Edits = list[Edit] | None


def _chain(first: Edits, then: Edits) -> Edits:
    return None if first is None or then is None else first + then


class Autosave(QObject):
    sig_saved = Signal(object)
    """A `datetime`: every text pending until then is committed."""
    sig_failed = Signal(str)
    """A one-line reason a save failed (the text stays pending and is tried again)."""
    sig_codings_lost = Signal(object)
    """A list of `services.codings.LostCoding`: a save took these codings away."""

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
        self._pending: dict[EntryId, str] = {}
        self._edits: dict[EntryId, Edits] = {}
        self._in_flight = 0
        self._failure: str | None = None
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

    def touch(self, entry_id: uuid.UUID, text: str, edits: Sequence[Edit] | None = None) -> None:
        """The note now reads `text`, made by `edits` from what it read before (None:
        unknown); save it soon."""
        entry_id = EntryId(entry_id)
        made: Edits = None if edits is None else list(edits)
        self._edits[entry_id] = (
            _chain(self._edits[entry_id], made) if entry_id in self._pending else made
        )
        self._pending[entry_id] = text
        self._idle.start()
        if not self._ceiling.isActive():
            self._ceiling.start()

    def discard(self, entry_id: uuid.UUID) -> None:
        self._pending.pop(EntryId(entry_id), None)
        self._edits.pop(EntryId(entry_id), None)

    @property
    def failure(self) -> str | None:
        """Why the last save failed, while its text is still pending; None once saved."""
        return self._failure

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
        edits = {entry_id: self._edits.get(entry_id) for entry_id in batch}
        self._pending.clear()
        self._edits.clear()
        self._in_flight += 1
        self._runner.run(
            write(note_texts.save_texts, batch, edits),
            self._done,
            lambda exc: self._failed(batch, edits, exc),
            initiator=self,
        )

    def _done(self, result: TextSaved) -> None:
        self._in_flight -= 1
        self._failure = None
        self._status(saved_now())
        self.sig_saved.emit(dt.datetime.now())
        if result.lost:
            self.sig_codings_lost.emit(list(result.lost))

    def _failed(
        self, batch: dict[EntryId, str], edits: dict[EntryId, Edits], exc: Exception
    ) -> None:
        self._in_flight -= 1
        for entry_id, text in batch.items():
            if entry_id in self._pending:  # newer typing wins, after the failed edits
                self._edits[entry_id] = _chain(edits.get(entry_id), self._edits.get(entry_id))
            else:
                self._pending[entry_id] = text
                self._edits[entry_id] = edits.get(entry_id)
        self._failure = str(exc)
        if isinstance(exc, StudyReplaced):  # no retry can succeed: say so, and stay said
            message = f"Not saving: {exc}; what you type stays on screen"
        else:
            self._retry.start()
            message = f"Not saved yet ({exc}); trying again"
        self._status(message)
        self.sig_failed.emit(message)
