"""What every page of the main window is handed: the runner, the forms, the undo stack and
a way to talk to the status bar. Widgets receive what they show; nothing is looked up
globally."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from plrdesk.forms.catalog import FormCatalog
from plrdesk.ui.runner import OperationRunner
from plrdesk.ui.save_state import SaveState


@dataclass(frozen=True)
class FoundWords:
    """The words a search found in a note, to highlight where the researcher lands."""

    entry_id: uuid.UUID
    spans: tuple[tuple[int, int], ...]
    """Where they were in the note's text when searched (Python indexes)."""
    query: str
    """What was searched for: to find the words again if the note changed since."""


class Navigator(QObject):
    """Requests to move around the study, so pages need not know each other."""

    sig_show_entry = Signal(uuid.UUID)
    """Open the session holding this entry and put the cursor on it."""
    sig_show_session = Signal(str)
    """Open the session with this ref."""
    sig_show_participant = Signal(str)
    """Select the participant with this ref in the register."""
    sig_record_consent = Signal(str)
    """Open the consent recorder for the participant with this ref."""

    def __init__(self) -> None:
        super().__init__()
        self._next: FoundWords | None = None
        self._found: FoundWords | None = None
        # Connected first, so it runs before any page's slot: every request to show an
        # entry replaces the words of the search before it (a jump from the quote bank
        # must not light up the words of an old search).
        self.sig_show_entry.connect(self._showing)

    def show_found(self, found: FoundWords) -> None:
        """sig_show_entry for a search result: the page that lands on the entry asks
        `take_found` for the words to highlight there."""
        self._next = found
        self.sig_show_entry.emit(found.entry_id)

    def _showing(self, entry_id: uuid.UUID) -> None:
        found, self._next = self._next, None
        self._found = found if found is not None and found.entry_id == entry_id else None

    def take_found(self, entry_id: uuid.UUID) -> FoundWords | None:
        """The search words to highlight in `entry_id`, once, when the latest request to
        show an entry was a search result for it (None otherwise)."""
        found = self._found
        if found is None or found.entry_id != entry_id:
            return None
        self._found = None
        return found


@dataclass
class StudyContext:
    runner: OperationRunner
    forms: FormCatalog
    undo: QUndoStack
    path: Path
    navigator: Navigator = field(default_factory=Navigator)
    save_state: SaveState = field(init=False)
    """What is not saved, and why (every write's outcome, from the runner)."""

    def __post_init__(self) -> None:
        self.save_state = SaveState(self.runner)

    def status(self, text: str) -> None:
        """A short message in the main window's status bar."""
        self.runner.sig_status.emit(text)
