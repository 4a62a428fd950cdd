"""Undo commands of session capture, on the study's one undo stack (ctx.undo).

Each command changes the document's copy at once and queues the matching service
operation; its undo queues the inverse (`delete_entry` / `restore_entry`,
`set_verbatim(not)` ...). Typing merges into one command per run of keystrokes in the
same note (until a pause of `MERGE_PAUSE` seconds or another note). A command that is
undone or redone (not its first run) asks the view to show the entry it touched.

Operations that delete and restore pass the deleted entry's snapshot through the
command object itself: the delete runs on the worker and stores it there, the restore
runs later on the same worker and reads it, so no round trip through the GUI is needed.

A typing step keeps the codings a save of it took away (every coded word deleted), so
undoing the typing puts them back on the same words.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
import uuid

from PySide6.QtGui import QUndoCommand
from sqlalchemy.orm import Session

from plrdesk.domain.spans import Span, remap_by_diff
from plrdesk.services import entries as entry_ops
from plrdesk.services.changes import Changes
from plrdesk.services.codings import LostCoding, restore_coding
from plrdesk.services.entries import EntrySnapshot
from plrdesk.services.sessions import Created, EntryRecord
from plrdesk.ui.sessions.document import SessionDocument

TYPING_ID = 0x5E55  # QUndoCommand.id() of typing commands, for mergeWith
MERGE_PAUSE = 2.0  # seconds of no typing that start a new undo step


class EntryCommand(QUndoCommand):
    """A step on one entry: `apply` does it (forward) or takes it back; an undo or a redo
    (not the first run) shows the entry."""

    def __init__(self, doc: SessionDocument, entry_id: uuid.UUID, text: str) -> None:
        super().__init__(text)
        self.doc = doc
        self.entry_id = entry_id
        self._first = True

    def redo(self) -> None:
        first, self._first = self._first, False
        self.apply(forward=True, first=first)
        if not first:
            self.doc.reveal(self.entry_id)

    def undo(self) -> None:
        self.apply(forward=False, first=False)
        self.doc.reveal(self.entry_id)

    def apply(self, *, forward: bool, first: bool) -> None:
        raise NotImplementedError


class TypingCommand(EntryCommand):
    """Keystrokes in one note; the first run is a no-op (the text is already on screen)."""

    def __init__(self, doc: SessionDocument, entry_id: uuid.UUID, old: str, new: str) -> None:
        super().__init__(doc, entry_id, "Typing")
        self.old = old
        self.new = new
        self.last = time.monotonic()
        self.lost: list[LostCoding] = []  # codings its saves took away, to put back on undo

    def id(self) -> int:
        return TYPING_ID

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, TypingCommand) or other.doc is not self.doc:
            return False
        if other.entry_id != self.entry_id or other.last - self.last > MERGE_PAUSE:
            return False
        self.new = other.new
        self.last = other.last
        self.setObsolete(self.new == self.old)
        return True

    def apply(self, *, forward: bool, first: bool) -> None:
        if first:
            return
        self.doc.typing_in(self.entry_id, self)
        self.doc.apply_text(self.entry_id, self.new if forward else self.old)
        if not forward:
            lost, self.lost = self.lost, []
            for coding in lost:
                self._put_back(coding)

    def _put_back(self, lost: LostCoding) -> None:
        record = lost.record
        if record.start is None or record.end is None:
            return
        (span,) = remap_by_diff([Span(record.start, record.end)], lost.text_before, self.old)
        if span is None:
            return
        back = dataclasses.replace(record, start=span.start, end=span.end)
        self.doc.submit(lambda db: restore_coding(db, back))


class AddEntryCommand(EntryCommand):
    """A new note: made on the first run, deleted on undo, restored exactly on redo."""

    def __init__(self, doc: SessionDocument, record: EntryRecord) -> None:
        what = "follow-up question" if record.follow_up else "note"
        super().__init__(doc, record.id, f"Add {what}")
        self.record = record
        self.snapshot: EntrySnapshot | None = None

    def apply(self, *, forward: bool, first: bool) -> None:
        doc, record = self.doc, self.record
        if forward:
            doc.insert_record(dataclasses.replace(record))
            if first:
                session_id = doc.id

                def add(db: Session) -> Created:
                    return entry_ops.add_entry(
                        db,
                        session_id,
                        record.question,
                        record.speaker_ref,
                        record.text,
                        verbatim=record.verbatim,
                        follow_up=record.follow_up,
                        at=record.at,
                        position=record.position,
                        entry_id=record.id,
                        show_of_hands=record.show_of_hands,
                    )

                doc.submit(add, self._added)
            else:
                doc.submit(self._restore, self._added)
        else:
            current = doc.entry(record.id)
            if current is not None:
                self.record = dataclasses.replace(current)
            doc.remove_record(record.id)
            doc.submit(self._delete)

    def _added(self, result: Created) -> None:
        self.record.ref = result.ref or self.record.ref
        self.doc.update_record(result.record_id, ref=self.record.ref)

    def _delete(self, db: Session) -> Changes:
        deleted = entry_ops.delete_entry(db, self.entry_id)
        self.snapshot = deleted.snapshot  # read by the restore queued after it
        return deleted

    def _restore(self, db: Session) -> Created:
        if self.snapshot is None:
            raise RuntimeError("the note was not deleted, so it cannot be put back")
        return entry_ops.restore_entry(db, self.snapshot)


class DeleteEntryCommand(AddEntryCommand):
    """Deleting a note is adding it, backwards."""

    def __init__(self, doc: SessionDocument, record: EntryRecord) -> None:
        super().__init__(doc, record)
        self.setText("Delete note")

    def apply(self, *, forward: bool, first: bool) -> None:
        super().apply(forward=not forward, first=False)


class VerbatimCommand(EntryCommand):
    def __init__(self, doc: SessionDocument, entry_id: uuid.UUID, verbatim: bool) -> None:
        super().__init__(doc, entry_id, "Mark as quote" if verbatim else "Unmark quote")
        self.verbatim = verbatim

    def apply(self, *, forward: bool, first: bool) -> None:
        value = self.verbatim if forward else not self.verbatim
        entry_id = self.entry_id
        self.doc.update_record(entry_id, verbatim=value)
        self.doc.submit(lambda db: entry_ops.set_verbatim(db, entry_id, value))


class SpeakerCommand(EntryCommand):
    def __init__(
        self, doc: SessionDocument, entry_id: uuid.UUID, old: str | None, new: str | None
    ) -> None:
        super().__init__(doc, entry_id, f"Speaker {new or 'group'}")
        self.old = old
        self.new = new

    def apply(self, *, forward: bool, first: bool) -> None:
        value = self.new if forward else self.old
        entry_id = self.entry_id
        self.doc.update_record(entry_id, speaker_ref=value)
        self.doc.submit(lambda db: entry_ops.set_speaker(db, entry_id, value))


Flag = tuple[dt.datetime, str] | None


class SafeguardingCommand(EntryCommand):
    """Flag (with the action taken) or unflag a note; undo restores the previous state."""

    def __init__(self, doc: SessionDocument, record: EntryRecord, new: Flag) -> None:
        super().__init__(
            doc, record.id, "Flag for safeguarding" if new else "Remove safeguarding flag"
        )
        self.old: Flag = (
            (record.safeguarding_flagged_at, record.safeguarding_action or "")
            if record.safeguarding_flagged_at is not None
            else None
        )
        self.new = new

    def apply(self, *, forward: bool, first: bool) -> None:
        state = self.new if forward else self.old
        entry_id = self.entry_id
        if state is None:
            self.doc.update_record(entry_id, safeguarding_flagged_at=None, safeguarding_action=None)
            self.doc.submit(lambda db: entry_ops.unflag_safeguarding(db, entry_id))
        else:
            at, action = state
            self.doc.update_record(entry_id, safeguarding_flagged_at=at, safeguarding_action=action)
            self.doc.submit(lambda db: entry_ops.flag_safeguarding(db, entry_id, action, at))


__all__ = [
    "AddEntryCommand",
    "DeleteEntryCommand",
    "EntryCommand",
    "SafeguardingCommand",
    "SpeakerCommand",
    "TypingCommand",
    "VerbatimCommand",
]
