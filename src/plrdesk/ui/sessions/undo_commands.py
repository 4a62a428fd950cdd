"""Undo commands of session capture, on the study's one undo stack, on the one base
(`ui.undo.Command`).

Each shows its change in the session at once and saves it with one write; its undo
writes the inverse (`delete_entry` / `restore_deleted`, `set_verbatim(not)` ...). A write
that fails takes the change back off the screen and the stack (the base does). Typing
merges into one command per run of keystrokes in the same note (until a pause of
`MERGE_PAUSE` seconds or another note); the autosave saves it, so its first run writes
nothing. A command that is undone or redone (not its first run) shows the entry it
touched.

An inverse that needs what the step's write returned (the deleted note's snapshot) reads
it on the worker with `operations.after`: the undo may be queued before that result is
back on the GUI thread.

A typing step keeps the codings a save of it took away (every coded word deleted), so
undoing the typing puts them back on the same words.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from typing import Any

from PySide6.QtGui import QUndoCommand

from plrdesk.domain.ids import EntryId
from plrdesk.domain.spans import Span, remap_by_diff
from plrdesk.services import entries as entry_ops
from plrdesk.services.codings import restore_coding
from plrdesk.services.note_texts import LostCoding
from plrdesk.services.sessions import Created, EntryRecord
from plrdesk.ui.operations import Operation, after, write
from plrdesk.ui.save_state import saved_now
from plrdesk.ui.sessions.store import SessionStore
from plrdesk.ui.undo import Command

TYPING_ID = 0x5E55  # QUndoCommand.id() of typing commands, for mergeWith
MERGE_PAUSE = 2.0  # seconds of no typing that start a new undo step


class EntryCommand(Command):
    """A step on one entry of a session; an undo or a redo (not the first run) shows it."""

    def __init__(self, doc: SessionStore, entry_id: EntryId, text: str) -> None:
        super().__init__(doc.ctx, text, initiator=doc)
        self.doc = doc
        self.entry_id = entry_id

    def show(self, forward: bool, first: bool) -> None:
        self.change(forward)
        if not first:
            self.doc.reveal(self.entry_id)

    def change(self, forward: bool) -> None:
        """The step (or its undoing) in the session's copy."""

    def before(self) -> None:
        self.doc.autosave.flush()  # the typing before this step is saved before it

    def depends_on(self, earlier: Command) -> bool:
        """A step on the note `earlier` touched (typing into a new note whose adding
        failed goes with it)."""
        return isinstance(earlier, EntryCommand) and earlier.entry_id == self.entry_id

    def saved(self, forward: bool, result: Any) -> None:
        self.ctx.status(saved_now())


class TypingCommand(EntryCommand):
    """Keystrokes in one note; its first run is the typing itself, already on screen."""

    def __init__(self, doc: SessionStore, entry_id: EntryId, old: str, new: str) -> None:
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

    def show(self, forward: bool, first: bool) -> None:
        if not first:
            super().show(forward, first)

    def change(self, forward: bool) -> None:
        self.doc.apply_text(self.entry_id, self.new if forward else self.old)
        if not forward:
            lost, self.lost = self.lost, []
            for coding in lost:
                self._put_back(coding)

    def operation(self, forward: bool, first: bool) -> Operation[Any] | None:
        return None  # the autosave saves the text (apply_text hands it over)

    def _put_back(self, lost: LostCoding) -> None:
        record = lost.record
        if record.start is None or record.end is None:
            return
        (span,) = remap_by_diff([Span(record.start, record.end)], lost.text_before, self.old)
        if span is None:
            return
        back = dataclasses.replace(record, start=span.start, end=span.end)
        self.ctx.runner.run(write(restore_coding, back), initiator=self.doc)


class AddEntryCommand(EntryCommand):
    """A new note: made on the first run, deleted on undo, restored exactly on redo."""

    def __init__(self, doc: SessionStore, record: EntryRecord) -> None:
        what = "follow-up question" if record.follow_up else "note"
        super().__init__(doc, record.id, f"Add {what}")
        self.record = record
        self._not_added = False

    def change(self, forward: bool) -> None:
        if forward:
            self.doc.insert_record(dataclasses.replace(self.record))
            return
        current = self.doc.entry(self.record.id)
        if current is not None:
            self.record = dataclasses.replace(current)
        if self._not_added:
            self.doc.take_back_new(self.record.id)  # its words stay on screen, as a draft
        else:
            self.doc.remove_record(self.record.id)

    def operation(self, forward: bool, first: bool) -> Operation[Any]:
        record = self.record
        if not forward:
            return write(entry_ops.delete_entry, record.id)
        if first:
            return write(
                entry_ops.add_entry,
                self.doc.id,
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
        assert self.pending is not None  # the deletion this redo takes back
        return after(self.pending, entry_ops.restore_deleted)

    def failed(self, forward: bool) -> None:
        self._not_added = forward  # taken back as a draft, not deleted

    def taken_back(self) -> str:
        if self._not_added:
            return "The new note stays on screen and is added once the study can be written"
        return super().taken_back()

    def saved(self, forward: bool, result: Any) -> None:
        super().saved(forward, result)
        if forward:
            self.doc.added(self.record.id)
        if forward and isinstance(result, Created):
            self.record.ref = result.ref or self.record.ref
            self.doc.update_record(self.record.id, ref=self.record.ref)


class DeleteEntryCommand(AddEntryCommand):
    """Deleting a note is adding it, backwards."""

    def __init__(self, doc: SessionStore, record: EntryRecord) -> None:
        super().__init__(doc, record)
        self.setText("Delete note")

    def change(self, forward: bool) -> None:
        super().change(not forward)

    def operation(self, forward: bool, first: bool) -> Operation[Any]:
        return super().operation(not forward, False)

    def failed(self, forward: bool) -> None:
        super().failed(not forward)

    def saved(self, forward: bool, result: Any) -> None:
        super().saved(not forward, result)


class VerbatimCommand(EntryCommand):
    def __init__(self, doc: SessionStore, entry_id: EntryId, verbatim: bool) -> None:
        super().__init__(doc, entry_id, "Mark as quote" if verbatim else "Unmark quote")
        self.verbatim = verbatim

    def _value(self, forward: bool) -> bool:
        return self.verbatim if forward else not self.verbatim

    def change(self, forward: bool) -> None:
        self.doc.update_record(self.entry_id, verbatim=self._value(forward))

    def operation(self, forward: bool, first: bool) -> Operation[Any]:
        return write(entry_ops.set_verbatim, self.entry_id, self._value(forward))


class SpeakerCommand(EntryCommand):
    def __init__(
        self, doc: SessionStore, entry_id: EntryId, old: str | None, new: str | None
    ) -> None:
        super().__init__(doc, entry_id, f"Speaker {new or 'group'}")
        self.old = old
        self.new = new

    def change(self, forward: bool) -> None:
        self.doc.update_record(self.entry_id, speaker_ref=self.new if forward else self.old)

    def operation(self, forward: bool, first: bool) -> Operation[Any]:
        return write(entry_ops.set_speaker, self.entry_id, self.new if forward else self.old)


Flag = tuple[dt.datetime, str] | None


class SafeguardingCommand(EntryCommand):
    """Flag (with the action taken) or unflag a note; undo restores the previous state."""

    def __init__(self, doc: SessionStore, record: EntryRecord, new: Flag) -> None:
        super().__init__(
            doc, record.id, "Flag for safeguarding" if new else "Remove safeguarding flag"
        )
        self.old: Flag = (
            (record.safeguarding_flagged_at, record.safeguarding_action or "")
            if record.safeguarding_flagged_at is not None
            else None
        )
        self.new = new

    def change(self, forward: bool) -> None:
        state = self.new if forward else self.old
        at, action = state if state is not None else (None, None)
        self.doc.update_record(
            self.entry_id, safeguarding_flagged_at=at, safeguarding_action=action
        )

    def operation(self, forward: bool, first: bool) -> Operation[Any]:
        state = self.new if forward else self.old
        if state is None:
            return write(entry_ops.unflag_safeguarding, self.entry_id)
        at, action = state
        return write(entry_ops.flag_safeguarding, self.entry_id, action, at)


__all__ = [
    "AddEntryCommand",
    "DeleteEntryCommand",
    "EntryCommand",
    "SafeguardingCommand",
    "SpeakerCommand",
    "TypingCommand",
    "VerbatimCommand",
]
