"""What the session's undo commands need of the session they change, as a protocol.

The document (document.py) pushes the commands and the commands change the document:
naming the document's class here instead of importing it keeps the import graph one-way
(document → commands → store), which the import-circle test holds.
"""

from __future__ import annotations

import uuid
from typing import Any, Protocol

from plrdesk.domain.ids import EntryId
from plrdesk.services.sessions import EntryRecord
from plrdesk.ui.context import StudyContext
from plrdesk.ui.sessions.autosave import Autosave


class SessionStore(Protocol):
    ctx: StudyContext
    autosave: Autosave

    @property
    def id(self) -> uuid.UUID: ...

    def entry(self, entry_id: EntryId) -> EntryRecord | None: ...

    def insert_record(self, record: EntryRecord) -> None: ...

    def remove_record(self, entry_id: EntryId) -> EntryRecord | None: ...

    def update_record(self, entry_id: EntryId, **fields: Any) -> EntryRecord | None: ...

    def apply_text(self, entry_id: EntryId, text: str) -> None: ...

    def reveal(self, entry_id: EntryId) -> None: ...

    def take_back_new(self, entry_id: uuid.UUID) -> None: ...

    def added(self, entry_id: uuid.UUID) -> None: ...
