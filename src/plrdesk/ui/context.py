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
