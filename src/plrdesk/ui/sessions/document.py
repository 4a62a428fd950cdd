"""One open session as the screen holds it: its entries and call attempts, kept current
by the capture views' own edits, each edit pushed as an undo command (ui.undo.Command)
and saved by one write operation on the runner.

The views never run SQL: they ask the document (`type_text`, `add_note`,
`toggle_verbatim` ...), which updates its copy at once (the screen never waits for the
disk), pushes an undo command, and queues the service operation on the database worker.
New entries get their id here, so typing into a note can go on before the database
has answered; the worker runs operations in the order they were queued.

The document also holds the session's codings (`codings`, a SessionCodings): typing
moves them at once by the exact edits it hands to the autosave, coding gestures are undo
commands (`code`, `remove_coding`, `set_memo`), and a save that took a coding away (all
its words deleted) is told to the views and kept by the typing step that did it, whose
undo puts the coding back.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import shiboken6
from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QUndoStack

from plrdesk.domain.ids import EntryId, new_id
from plrdesk.domain.spans import Edit
from plrdesk.forms.schema import FormDefinition, Item, ItemType
from plrdesk.services import entries as entry_ops
from plrdesk.services import sessions as session_ops
from plrdesk.services.changes import Changes
from plrdesk.services.codings import CodingView
from plrdesk.services.note_texts import LostCoding
from plrdesk.services.sessions import (
    CallAttemptView,
    CallDecline,
    Created,
    EntryRecord,
    MemberView,
    NotesGate,
    SessionDetail,
)
from plrdesk.ui.context import StudyContext
from plrdesk.ui.operations import Operation, write
from plrdesk.ui.save_state import saved_now
from plrdesk.ui.sessions.autosave import Autosave
from plrdesk.ui.sessions.coding import SessionCodings, lost_notice
from plrdesk.ui.sessions.coding_commands import CodeCommand, MemoCommand, RemoveCodingCommand
from plrdesk.ui.sessions.running_time import RunningTime
from plrdesk.ui.sessions.undo_commands import (
    AddEntryCommand,
    DeleteEntryCommand,
    SafeguardingCommand,
    SpeakerCommand,
    TypingCommand,
    VerbatimCommand,
)

C = TypeVar("C", bound=Changes)

NOTE_RETRY_MS = 3000  # how often a note the study could not take is tried again


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class SessionDocument(QObject):
    sig_entry_added = Signal(object)
    """An `EntryRecord` now in the session (new, restored by undo, or reloaded)."""
    sig_entry_changed = Signal(object)
    """An `EntryRecord` whose fields changed (text, verbatim, speaker, flag, ref ...)."""
    sig_entry_removed = Signal(object)
    """The `EntryId` of an entry that left the session (deleted, or an add undone)."""
    sig_session_changed = Signal()
    """Start or end time changed."""
    sig_calls_changed = Signal()
    """The call log changed."""
    sig_consent_changed = Signal()
    """A member's verbal-consent status changed."""
    sig_gate_changed = Signal()
    """Whether notes may be taken changed (`gate`: consent recorded, or the parent
    declined on the call)."""
    sig_entry_not_added = Signal(object)
    """An `EntryRecord` just made that the study could not take: views keep it as a draft."""
    sig_note_added = Signal(object)
    """The `EntryId` of a note the study could not take before, in it now."""
    sig_reveal_requested = Signal(object)
    """An `EntryId` an undo or redo just changed: show it."""

    def __init__(
        self,
        ctx: StudyContext,
        detail: SessionDetail,
        guide: FormDefinition | None,
        parent: QObject | None = None,
        *,
        autosave: Autosave | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.detail = detail
        self.guide = guide
        self.entries: list[EntryRecord] = sorted(detail.entries, key=lambda e: e.position)
        self.calls: list[CallAttemptView] = list(detail.call_attempts)
        self.gate: NotesGate = detail.gate
        self.autosave = autosave or Autosave(ctx.runner, ctx.status, parent=self)
        self.unsaved_notes: dict[uuid.UUID, EntryRecord] = {}
        """New notes whose adding failed: not in the study (nor on its undo stack), their
        words kept here and in the view as a draft, added again by `retry`."""
        self._retry_notes = QTimer(self)
        self._retry_notes.setInterval(NOTE_RETRY_MS)
        self._retry_notes.timeout.connect(self.retry)
        ctx.save_state.sig_retry_requested.connect(self.retry)
        self.codings = SessionCodings(
            ctx.runner,
            detail.id,
            before_query=self.autosave.flush,
            own_echo=(self.autosave,),
            parent=self,
        )
        self._typing: dict[uuid.UUID, TypingCommand] = {}  # each note's latest typing step
        self.autosave.sig_codings_lost.connect(self._codings_lost)
        self.running = RunningTime(ctx.runner, detail, parent=self)
        """How long the session has run in the app (its clock)."""
        self.sig_session_changed.connect(self.running.follow)

    # -- what it holds ---------------------------------------------------------------------

    @property
    def id(self) -> uuid.UUID:
        return self.detail.id

    @property
    def ref(self) -> str:
        return self.detail.ref

    @property
    def undo_stack(self) -> QUndoStack:
        return self.ctx.undo

    @property
    def members(self) -> list[MemberView]:
        return self.detail.members

    def member(self, ref: str | None) -> MemberView | None:
        return self.detail.member(ref)

    def default_speaker(self) -> str | None:
        """Who a note is from unless said otherwise: the one participant of an interview."""
        return self.members[0].ref if len(self.members) == 1 else None

    def questions(self) -> list[Item]:
        """The guide's questions in order (its info items are reminders, not questions)."""
        if self.guide is None:
            return []
        return [item for item in self.guide.items() if item.type != ItemType.INFO]

    def reminders(self) -> list[Item]:
        return [] if self.guide is None else [i for i in self.guide.items() if i.type == "info"]

    def question(self, question_id: str | None) -> Item | None:
        return None if self.guide is None or question_id is None else self.guide.item(question_id)

    def entry(self, entry_id: uuid.UUID) -> EntryRecord | None:
        return next((e for e in self.entries if e.id == entry_id), None)

    def entries_under(self, question: str | None) -> list[EntryRecord]:
        return [e for e in self.entries if e.question == question]

    def show_of_hands_entry(self, question: str) -> EntryRecord | None:
        return next((e for e in self.entries_under(question) if e.show_of_hands is not None), None)

    # -- running operations -----------------------------------------------------------------

    def _save(self, op: Operation[C], on_done: Callable[[C], None] | None = None) -> None:
        """Write `op` after any pending typing (not an undo step: the clock, the call log,
        a show of hands); say "Saved at" once it is in the file. A failure is kept on screen
        by the save state."""
        self.autosave.flush()

        def done(result: C) -> None:
            if not shiboken6.isValid(self):
                return
            if on_done is not None:
                on_done(result)
            self.ctx.status(saved_now())

        def failed(exc: Exception) -> None:
            self.ctx.status(f"Not saved: {exc}")

        self.ctx.runner.run(op, done, failed, initiator=self)

    # -- changes applied to the copy (undo commands call these) -----------------------------

    def insert_record(self, record: EntryRecord) -> None:
        """Put `record` at its position, moving later ones down as the service does."""
        if any(e.position == record.position for e in self.entries):
            for e in self.entries:
                if e.position >= record.position:
                    e.position += 1
        self.entries.append(record)
        self.entries.sort(key=lambda e: e.position)
        self.sig_entry_added.emit(record)

    def remove_record(self, entry_id: uuid.UUID) -> EntryRecord | None:
        record = self.entry(entry_id)
        if record is not None:
            self.autosave.flush()  # its last words are saved before it goes (undo restores them)
            self.entries.remove(record)
            self.sig_entry_removed.emit(record.id)
        return record

    def update_record(self, entry_id: uuid.UUID, **fields: Any) -> EntryRecord | None:
        record = self.entry(entry_id)
        if record is not None:
            for name, value in fields.items():
                setattr(record, name, value)
            self.sig_entry_changed.emit(record)
        return record

    def apply_text(self, entry_id: uuid.UUID, text: str) -> None:
        """Set the text (undo or redo of typing) and save it at once (its edits unknown)."""
        record = self.entry(entry_id)
        if record is None:
            return
        old = record.text or ""
        self.update_record(entry_id, text=text)
        self.codings.edited(entry_id, old, text, None)
        self.autosave.touch(entry_id, text)
        self.autosave.flush()

    def typing_in(self, entry_id: uuid.UUID, command: TypingCommand) -> None:
        """`command` is the typing step now changing this note (it keeps what a save of it
        takes away)."""
        self._typing[entry_id] = command

    def _codings_lost(self, lost: list[LostCoding]) -> None:
        for item in lost:
            command = self._typing.get(item.record.entry_id)
            if command is not None and shiboken6.isValid(command):
                known = {c.record.id for c in command.lost}
                if item.record.id not in known:
                    command.lost.append(item)
        if lost:
            self.ctx.status(
                lost_notice(lost[0]) + ("" if len(lost) == 1 else f" (and {len(lost) - 1} more)")
            )
        self.codings.lost(lost)

    def take_back_new(self, entry_id: uuid.UUID) -> None:
        """A new note whose adding failed leaves the session's copy (the file does not have
        it) but not the screen: the views keep its words as a draft (`sig_entry_not_added`)
        and it is added again, with whatever is typed into it meanwhile, by `retry`."""
        record = self.entry(entry_id)
        if record is None:
            return
        self.autosave.discard(entry_id)
        self.entries.remove(record)
        self.unsaved_notes[record.id] = dataclasses.replace(record)
        self._retry_notes.start()
        self.sig_entry_not_added.emit(record)

    def update_unsaved(self, entry_id: uuid.UUID, text: str) -> None:
        """More words typed into a note that is not in the study yet."""
        record = self.unsaved_notes.get(entry_id)
        if record is not None:
            record.text = text

    def added(self, entry_id: uuid.UUID) -> None:
        """The note is in the study now (a retry of one that failed, perhaps)."""
        if self.unsaved_notes.pop(entry_id, None) is None:
            return
        if not self.unsaved_notes:
            self._retry_notes.stop()
        self.sig_note_added.emit(entry_id)

    def retry(self) -> None:
        """Try again: the typing waiting to be saved, and each note whose adding failed
        (with the same id, so its draft on screen becomes the note)."""
        self.autosave.flush()
        for record in list(self.unsaved_notes.values()):
            if self.entry(record.id) is None:
                self.add_note(
                    record.question,
                    record.text or "",
                    speaker_ref=record.speaker_ref,
                    follow_up=record.follow_up,
                    verbatim=record.verbatim,
                    entry_id=record.id,
                    position=record.position,
                )

    def reveal(self, entry_id: uuid.UUID) -> None:
        self.sig_reveal_requested.emit(entry_id)

    def next_position(self, after: uuid.UUID | None) -> int:
        anchor = self.entry(after) if after is not None else None
        if anchor is not None:
            return anchor.position + 1
        return max((e.position for e in self.entries), default=-1) + 1

    # -- what the researcher does (each pushes an undo command) -----------------------------

    def type_text(
        self, entry_id: uuid.UUID, text: str, edits: Sequence[Edit] | None = None
    ) -> None:
        """The researcher typed: the note now reads `text`, changed by `edits` (None:
        unknown) from what it read before (merged into one undo step)."""
        record = self.entry(entry_id)
        if record is None or record.text == text:
            return
        old = record.text or ""
        self.update_record(entry_id, text=text)
        self.codings.edited(entry_id, old, text, edits)
        self.autosave.touch(entry_id, text, edits)
        command = TypingCommand(self, record.id, old, text)
        self.undo_stack.push(command)
        if shiboken6.isValid(command):  # not merged into the step before
            self._typing[record.id] = command

    # -- coding (each an undo step) ---------------------------------------------------------

    def code(
        self,
        entry_id: uuid.UUID,
        theme_id: uuid.UUID,
        theme_name: str,
        start: int | None,
        end: int | None,
        *,
        memo: str | None = None,
        expect_text: str | None = None,
    ) -> None:
        """Give [start, end) of the note (None, None: all of it) the theme."""
        self.undo_stack.push(
            CodeCommand(
                self,
                EntryId(entry_id),
                theme_id,
                theme_name,
                start,
                end,
                memo=memo,
                expect_text=expect_text,
            )
        )

    def remove_coding(self, coding: CodingView) -> None:
        self.undo_stack.push(RemoveCodingCommand(self, coding))

    def set_memo(self, coding: CodingView, memo: str | None) -> None:
        self.undo_stack.push(MemoCommand(self, coding, memo))

    def add_note(
        self,
        question: str | None,
        text: str,
        *,
        speaker_ref: str | None = None,
        after: uuid.UUID | None = None,
        follow_up: bool = False,
        verbatim: bool = False,
        entry_id: uuid.UUID | None = None,
        position: int | None = None,
    ) -> EntryId:
        """A new note under `question` (after the `after` entry, else last), said by
        `speaker_ref`; returns its id at once."""
        record = EntryRecord(
            id=EntryId(entry_id or new_id()),
            ref="",
            question=question,
            speaker_ref=speaker_ref,
            text=text,
            verbatim=verbatim,
            follow_up=follow_up,
            at=now(),
            position=self.next_position(after) if position is None else position,
        )
        self.undo_stack.push(AddEntryCommand(self, record))
        return record.id

    def delete_note(self, entry_id: uuid.UUID) -> None:
        record = self.entry(entry_id)
        if record is not None:
            self.undo_stack.push(DeleteEntryCommand(self, dataclasses.replace(record)))

    def toggle_verbatim(self, entry_id: uuid.UUID) -> None:
        record = self.entry(entry_id)
        if record is not None:
            self.undo_stack.push(VerbatimCommand(self, record.id, not record.verbatim))

    def change_speaker(self, entry_id: uuid.UUID, speaker_ref: str | None) -> None:
        record = self.entry(entry_id)
        if record is not None and record.speaker_ref != speaker_ref:
            self.undo_stack.push(SpeakerCommand(self, record.id, record.speaker_ref, speaker_ref))

    def flag(self, entry_id: uuid.UUID, action: str) -> None:
        record = self.entry(entry_id)
        if record is not None and action.strip():
            self.undo_stack.push(SafeguardingCommand(self, record, (now(), action.strip())))

    def unflag(self, entry_id: uuid.UUID) -> None:
        record = self.entry(entry_id)
        if record is not None and record.flagged:
            self.undo_stack.push(SafeguardingCommand(self, record, None))

    # -- show of hands, clock, call log (saved at once, not undo steps) ---------------------

    def set_show_of_hands(self, question: str, counts: dict[str, int]) -> EntryId:
        record = self.show_of_hands_entry(question)
        if record is None:
            record = EntryRecord(
                id=EntryId(new_id()),
                ref="",
                question=question,
                speaker_ref=None,
                text=None,
                show_of_hands=dict(counts),
                at=now(),
                position=self.next_position(None),
            )
            self.insert_record(record)
        else:
            self.update_record(record.id, show_of_hands=dict(counts))
        entry_id = record.id
        session_id = self.id
        self._save(
            write(
                entry_ops.set_show_of_hands, session_id, question, dict(counts), entry_id=entry_id
            ),
            self._got_ref,
        )
        return entry_id

    def _got_ref(self, result: Created) -> None:
        record = self.entry(result.record_id)
        if record is not None and result.ref and record.ref != result.ref:
            self.update_record(record.id, ref=result.ref)

    def start(self) -> None:
        at = now()
        self.detail.started_at = at
        self.detail.ended_at = None
        self.sig_session_changed.emit()
        session_id = self.id
        self._save(write(session_ops.start_session, session_id, at))

    def end(self) -> None:
        at = now()
        if self.detail.started_at is None:
            self.detail.started_at = at
        self.detail.ended_at = at
        self.sig_session_changed.emit()
        session_id = self.id
        self._save(write(session_ops.end_session, session_id, at))

    def log_call(
        self, outcome: str, minutes: int | None = None, *, note: str | None = None
    ) -> uuid.UUID:
        attempt = CallAttemptView(
            new_id(),
            now(),
            outcome,
            minutes,
            max((c.position for c in self.calls), default=-1) + 1,
            (note or "").strip() or None,
        )
        self.calls.append(attempt)
        self.sig_calls_changed.emit()
        session_id = self.id
        self._save(
            write(
                session_ops.add_call_attempt,
                session_id,
                attempt.at,
                outcome,
                minutes,
                attempt_id=attempt.id,
                note=attempt.note,
            )
        )
        return attempt.id

    def set_call(
        self,
        attempt_id: uuid.UUID,
        *,
        outcome: str | None = None,
        minutes: int | None = -1,
        note: str | None = None,
    ) -> None:
        """Change a logged attempt's outcome, its minutes (None clears them) or its note
        (blank clears it)."""
        index = next((i for i, c in enumerate(self.calls) if c.id == attempt_id), None)
        if index is None:
            return
        call = self.calls[index]
        if outcome is not None and outcome != call.outcome:
            self.calls[index] = call = dataclasses.replace(call, outcome=outcome)
            self._save(write(session_ops.set_call_outcome, attempt_id, outcome))
        if minutes != -1 and minutes != call.minutes:
            self.calls[index] = call = dataclasses.replace(call, minutes=minutes)
            self._save(write(session_ops.set_call_minutes, attempt_id, minutes))
        if note is not None and (note.strip() or None) != call.note:
            self.calls[index] = dataclasses.replace(call, note=note.strip() or None)
            self._save(write(session_ops.set_call_note, attempt_id, note))
        self.sig_calls_changed.emit()

    def decline(
        self, reason: str, on_done: Callable[[], None], on_failed: Callable[[Exception], None]
    ) -> None:
        """The parent declined on the call: once the study has the declined attempt (with
        the reason) and the session's end, the log, the clock and the gate show it. The
        screen waits for the study here, since the service may refuse (a record, not an
        undo step)."""
        at, attempt_id = now(), new_id()
        position = max((c.position for c in self.calls), default=-1) + 1

        def done(_made: Created) -> None:
            if not shiboken6.isValid(self):
                return
            why = reason.strip()
            self.calls.append(CallAttemptView(attempt_id, at, "declined", None, position, why))
            self.sig_calls_changed.emit()
            if self.detail.started_at is None or self.detail.started_at > at:
                self.detail.started_at = at
            self.detail.ended_at = at
            self.sig_session_changed.emit()
            self.set_gate(NotesGate(declined=CallDecline(at, why)))
            self.ctx.status(saved_now())
            on_done()

        self.autosave.flush()
        self.ctx.runner.run(
            write(session_ops.decline_call, self.id, at, reason, attempt_id=attempt_id),
            done,
            on_failed,
            initiator=self,
        )

    def set_gate(self, gate: NotesGate) -> None:
        """Whether notes may be taken now, as the study says (after a consent or a decline)."""
        if gate != self.gate:
            self.gate = gate
            self.sig_gate_changed.emit()

    def set_consent(self, ref: str, verbal: bool) -> None:
        members = [
            dataclasses.replace(m, verbal_consent=verbal) if m.ref == ref else m
            for m in self.detail.members
        ]
        if members != self.detail.members:
            self.detail.members = members
            self.sig_consent_changed.emit()
