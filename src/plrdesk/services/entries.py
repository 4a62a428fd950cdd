"""Entries of a session: add, edit, mark, flag, delete and restore them.

The desktop app calls these from undo commands, so each is the exact inverse of another:
`delete_entry` returns a snapshot that `restore_entry` puts back with the same id, ref,
position and codings. A caller may choose the id of a new entry (`entry_id`), so the
screen can keep typing into it before the database has answered.

Text edits and verbatim marks are not audited (they come every second while typing and
carry nothing but content); deleting, restoring and safeguarding flags are, by id only.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Integer, func, not_, select, update
from sqlalchemy.orm import Session

from plrdesk.domain import models as m
from plrdesk.domain.ids import EntryId, new_id
from plrdesk.domain.spans import Edit, Span, apply_edits, remap_by_diff
from plrdesk.services import audit
from plrdesk.services.calls import require_notes_open
from plrdesk.services.changes import Changes, Table
from plrdesk.services.sessions import Created, SessionRef, find_session

__all__ = [
    "CodingSnapshot",
    "Deleted",
    "EntrySnapshot",
    "NotASessionMember",
    "UnknownEntry",
    "add_entry",
    "delete_entry",
    "flag_safeguarding",
    "restore_entry",
    "session_ref_of_entry",
    "set_entry_text",
    "set_question",
    "set_show_of_hands",
    "set_speaker",
    "set_verbatim",
    "unflag_safeguarding",
]


class UnknownEntry(LookupError):
    """No entry has that id (it was deleted meanwhile)."""


class NotASessionMember(ValueError):
    """A speaker must be one of the session's participants (or nobody: the facilitator)."""


@dataclass(frozen=True)
class CodingSnapshot:
    id: uuid.UUID
    theme_id: uuid.UUID
    start: int | None
    end: int | None
    memo: str | None
    position: int
    exemplar: bool = False
    coder: str | None = None  # as stored: None is the researcher


@dataclass(frozen=True)
class EntrySnapshot:
    """Everything a deleted entry held, to put it back exactly."""

    id: EntryId
    ref: str
    session_id: uuid.UUID
    question: str | None
    speaker_id: uuid.UUID | None
    text: str | None
    verbatim: bool
    show_of_hands: dict[str, int] | None
    at: dt.datetime | None
    safeguarding_flagged_at: dt.datetime | None
    safeguarding_action: str | None
    follow_up: bool
    updated_at: dt.datetime | None
    position: int
    codings: tuple[CodingSnapshot, ...] = ()


@dataclass(kw_only=True)
class Deleted(Changes):
    snapshot: EntrySnapshot


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _entry(db: Session, entry_id: EntryId) -> m.Entry:
    entry = db.get(m.Entry, entry_id)
    if entry is None:
        raise UnknownEntry("that note no longer exists")
    return entry


def _updated(entry: m.Entry) -> Changes:
    changes = Changes()
    changes.update(Table.ENTRY, entry.id)
    return changes


def _speaker(db: Session, session: m.StudySession, ref: str | None) -> m.Participant | None:
    if ref is None:
        return None
    for member in session.members:
        if member.participant.ref == ref:
            return member.participant
    raise NotASessionMember(f"{ref} is not a participant of session {session.ref}")


def _make_room(db: Session, session_id: uuid.UUID, position: int) -> None:
    """When `position` is taken in the session, move it and every later entry down one."""
    taken = db.scalar(
        select(m.Entry.id).where(m.Entry.session_id == session_id, m.Entry.position == position)
    )
    if taken is not None:
        db.execute(
            update(m.Entry)
            .where(m.Entry.session_id == session_id, m.Entry.position >= position)
            .values(position=m.Entry.position + 1)
            .execution_options(synchronize_session="fetch")
        )


def _next_position(db: Session, session_id: uuid.UUID) -> int:
    last = db.scalar(
        select(m.Entry.position)
        .where(m.Entry.session_id == session_id)
        .order_by(m.Entry.position.desc())
        .limit(1)
    )
    return 0 if last is None else last + 1


def _free_ref(db: Session, wanted: str | None = None) -> str:
    if wanted is not None and db.scalar(select(m.Entry.id).filter_by(ref=wanted)) is None:
        return wanted
    # The largest number among refs E<digits>, found by SQLite: reading every ref of a
    # study of 50,000 notes into Python cost ~150 ms per new note (bench/keystrokes.py).
    # GLOB 'E[0-9]*' with no non-digit after the E keeps "E1a" or "Ex" out, as next_ref does.
    number = func.cast(func.substr(m.Entry.ref, 2), Integer)
    query = select(func.max(number)).where(
        m.Entry.ref.op("GLOB", is_comparison=True)("E[0-9]*"),
        not_(m.Entry.ref.op("GLOB", is_comparison=True)("E*[^0-9]*")),
    )
    return f"E{(db.scalar(query) or 0) + 1}"


def add_entry(
    db: Session,
    session: SessionRef,
    question: str | None,
    speaker_ref: str | None,
    text: str | None,
    verbatim: bool = False,
    follow_up: bool = False,
    at: dt.datetime | None = None,
    position: int | None = None,
    *,
    entry_id: EntryId | None = None,
    show_of_hands: dict[str, int] | None = None,
) -> Created:
    """A new note `E<n>` (unique across the study) under `question`, said by `speaker_ref`
    (a member of the session, or None for the facilitator or the group).

    Without `position` it goes last; with it, it goes there and later entries move down.
    A phone interview takes no note before the parent's consent is recorded on the call.
    """
    row = find_session(db, session)
    require_notes_open(db, row.id)
    speaker = _speaker(db, row, speaker_ref)
    if position is None:
        position = _next_position(db, row.id)
    else:
        _make_room(db, row.id, position)
    now = _now()
    entry = m.Entry(
        id=entry_id or new_id(),
        ref=_free_ref(db),
        session_id=row.id,
        question=question,
        speaker_id=speaker.id if speaker else None,
        text=text,
        verbatim=verbatim,
        follow_up=follow_up,
        show_of_hands=dict(show_of_hands) if show_of_hands is not None else None,
        at=at or now,
        updated_at=now,
        position=position,
    )
    db.add(entry)
    db.flush()
    changes = Created(record_id=entry.id, ref=entry.ref)
    changes.add(Table.ENTRY, entry.id)
    return changes


def set_entry_text(
    db: Session, entry_id: EntryId, text: str | None, edits: Sequence[Edit] | None = None
) -> Changes:
    """Save the note's text as typed (the full-text index follows by trigger).

    Its codings move with the text: along `edits` when the editor reported them exactly,
    else along difflib's alignment of old and new text. A coding whose every character
    was deleted goes, and is reported under `removed["coding"]` so the app can say so.
    """
    entry = _entry(db, entry_id)
    changes = _updated(entry)
    if entry.text == text:
        return changes
    old = entry.text or ""
    new = text or ""
    spanned = [c for c in entry.codings if c.start is not None and c.end is not None]
    if spanned:
        spans = [Span(c.start, c.end) for c in spanned]  # type: ignore[arg-type]
        moved = apply_edits(spans, edits) if edits is not None else remap_by_diff(spans, old, new)
        for coding, span in zip(spanned, moved, strict=True):
            if span is None or span.end > len(new):
                changes.remove(Table.CODING, coding.id)
                db.delete(coding)
            else:
                coding.start, coding.end = span.start, span.end
                changes.update(Table.CODING, coding.id)
    entry.text = text
    entry.updated_at = _now()
    return changes


def set_verbatim(db: Session, entry_id: EntryId, verbatim: bool) -> Changes:
    entry = _entry(db, entry_id)
    entry.verbatim = verbatim
    entry.updated_at = _now()
    return _updated(entry)


def set_speaker(db: Session, entry_id: EntryId, speaker_ref: str | None) -> Changes:
    entry = _entry(db, entry_id)
    speaker = _speaker(db, entry.session, speaker_ref)
    entry.speaker_id = speaker.id if speaker else None
    entry.updated_at = _now()
    return _updated(entry)


def set_question(db: Session, entry_id: EntryId, question: str | None) -> Changes:
    entry = _entry(db, entry_id)
    entry.question = question
    entry.updated_at = _now()
    return _updated(entry)


def set_show_of_hands(
    db: Session,
    session: SessionRef,
    question: str | None,
    counts: dict[str, int],
    *,
    entry_id: EntryId | None = None,
) -> Created:
    """Record the counts of a show of hands under `question`.

    The entry is `entry_id` when given (made with that id if it does not exist yet),
    otherwise the first show-of-hands entry under that question, otherwise a new one
    with no speaker (the group).
    """
    if any(n < 0 for n in counts.values()):
        raise ValueError("a count cannot be negative")
    row = find_session(db, session)
    entry = db.get(m.Entry, entry_id) if entry_id is not None else None
    if entry is None and entry_id is None:
        # JSON columns keep Python None as JSON null, so filter here rather than in SQL.
        under = db.scalars(
            select(m.Entry)
            .where(m.Entry.session_id == row.id, m.Entry.question == question)
            .order_by(m.Entry.position)
        )
        entry = next((e for e in under if e.show_of_hands is not None), None)
    if entry is None:
        return add_entry(
            db, row.id, question, None, None, entry_id=entry_id, show_of_hands=dict(counts)
        )
    entry.show_of_hands = dict(counts)
    entry.updated_at = _now()
    changes = Created(record_id=entry.id, ref=entry.ref)
    changes.update(Table.ENTRY, entry.id)
    return changes


def flag_safeguarding(
    db: Session, entry_id: EntryId, action: str, at: dt.datetime | None = None
) -> Changes:
    """Flag a disclosure with the action taken; it then leaves every count, quote and export."""
    action = action.strip()
    if not action:
        raise ValueError("say what was done about it")
    entry = _entry(db, entry_id)
    entry.safeguarding_flagged_at = at or _now()
    entry.safeguarding_action = action
    audit.record(db, "safeguarding-flag", [entry.id])
    return _updated(entry)


def unflag_safeguarding(db: Session, entry_id: EntryId) -> Changes:
    entry = _entry(db, entry_id)
    entry.safeguarding_flagged_at = None
    entry.safeguarding_action = None
    audit.record(db, "safeguarding-unflag", [entry.id])
    return _updated(entry)


def delete_entry(db: Session, entry_id: EntryId) -> Deleted:
    """Delete a note (and its codings); the snapshot puts it back exactly (undo)."""
    entry = _entry(db, entry_id)
    snapshot = EntrySnapshot(
        id=EntryId(entry.id),
        ref=entry.ref,
        session_id=entry.session_id,
        question=entry.question,
        speaker_id=entry.speaker_id,
        text=entry.text,
        verbatim=entry.verbatim,
        show_of_hands=dict(entry.show_of_hands) if entry.show_of_hands is not None else None,
        at=entry.at,
        safeguarding_flagged_at=entry.safeguarding_flagged_at,
        safeguarding_action=entry.safeguarding_action,
        follow_up=entry.follow_up,
        updated_at=entry.updated_at,
        position=entry.position,
        codings=tuple(
            CodingSnapshot(
                c.id, c.theme_id, c.start, c.end, c.memo, c.position, c.exemplar, c.coder
            )
            for c in entry.codings
        ),
    )
    db.delete(entry)
    db.flush()
    audit.record(db, "delete-entry", [snapshot.id], codings=len(snapshot.codings))
    changes = Deleted(snapshot=snapshot)
    changes.remove(Table.ENTRY, snapshot.id)
    return changes


def restore_entry(db: Session, snapshot: EntrySnapshot) -> Created:
    """Put a deleted note back with its id, ref (unless taken since), position and codings."""
    if db.get(m.Entry, snapshot.id) is not None:
        raise ValueError("that note is already there")
    find_session(db, snapshot.session_id)
    _make_room(db, snapshot.session_id, snapshot.position)
    entry = m.Entry(
        id=snapshot.id,
        ref=_free_ref(db, snapshot.ref),
        session_id=snapshot.session_id,
        question=snapshot.question,
        speaker_id=snapshot.speaker_id,
        text=snapshot.text,
        verbatim=snapshot.verbatim,
        show_of_hands=dict(snapshot.show_of_hands) if snapshot.show_of_hands else None,
        at=snapshot.at,
        safeguarding_flagged_at=snapshot.safeguarding_flagged_at,
        safeguarding_action=snapshot.safeguarding_action,
        follow_up=snapshot.follow_up,
        updated_at=snapshot.updated_at,
        position=snapshot.position,
    )
    db.add(entry)
    db.flush()
    themes = set(db.scalars(select(m.Theme.id)))
    for coding in snapshot.codings:
        if coding.theme_id in themes:  # a theme deleted meanwhile takes its codings with it
            db.add(
                m.Coding(
                    id=coding.id,
                    entry_id=entry.id,
                    theme_id=coding.theme_id,
                    start=coding.start,
                    end=coding.end,
                    memo=coding.memo,
                    position=coding.position,
                    exemplar=coding.exemplar,
                    coder=coding.coder,
                )
            )
    db.flush()
    audit.record(db, "restore-entry", [entry.id])
    changes = Created(record_id=entry.id, ref=entry.ref)
    changes.add(Table.ENTRY, entry.id)
    for coding in snapshot.codings:  # views that draw codings reload for these
        changes.add(Table.CODING, coding.id)
    return changes


def restore_deleted(db: Session, deleted: Deleted) -> Created:
    """Undo `delete_entry`: put the note back from the snapshot its result carries."""
    return restore_entry(db, deleted.snapshot)


def session_ref_of_entry(db: Session, entry_id: EntryId) -> str:
    """The ref of the session holding this entry (to jump to it)."""
    return _entry(db, entry_id).session.ref
