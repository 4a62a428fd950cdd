"""A phone interview's calls, as calls really go: every attempt logged, consent taken on
the call, notes shut until then, and a parent's "no" kept as the reason it ended.

- A phone interview is made before the parent has consented (domain.permissions,
  `consent_on_the_call`); each attempt is logged with its outcome and a note ("call back
  Tuesday"), and its length once known.
- Its notes stay shut (`notes_gate`; `require_notes_open` for every operation that adds a
  note) until the parent's verbal consent is recorded, on the call
  (services.consents, `record_call_consent`) or elsewhere. A session made past the
  consent gate with a stated reason (an audited override) keeps its notes open.
- A parent who declines on the call ends it (`decline_call`): the declined attempt keeps
  the reason, the session is ended, and nothing else is kept: there is no consent and no
  note to keep. A declined call is a record: nothing is logged in it afterwards, and an
  attempt becomes or stops being "declined" only that way. Such a session is no
  interview (`is_declined`): counts of interviews held leave it out.

Audit events name record ids and the outcome only, never a note or a reason.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from plrdesk.domain import models as m
from plrdesk.domain.ids import new_id
from plrdesk.domain.kinds import CallOutcome, SessionKind
from plrdesk.domain.permissions import PermissionBook, consent_on_the_call
from plrdesk.services import audit
from plrdesk.services.changes import Changes, Table
from plrdesk.services.permission_book import load_permission_book
from plrdesk.services.session_lookup import Created, SessionRef, find_session

__all__ = [
    "CallAttemptView",
    "CallDecline",
    "CallDeclined",
    "NotesGate",
    "NotesLocked",
    "add_call_attempt",
    "answered",
    "attempt_view",
    "decline_call",
    "gate_of",
    "is_declined",
    "notes_gate",
    "require_notes_open",
    "set_call_minutes",
    "set_call_note",
    "set_call_outcome",
]


class NotesLocked(Exception):
    """No note may be taken in this session yet (consent still to be taken on the call),
    or any more (the parent declined); the message says which, in one plain line."""


class CallDeclined(ValueError):
    """The parent declined on this call: nothing more is logged or recorded in it."""


@dataclass(frozen=True)
class CallAttemptView:
    id: uuid.UUID
    at: dt.datetime
    outcome: str
    minutes: int | None
    position: int
    note: str | None = None


@dataclass(frozen=True)
class CallDecline:
    """A parent declined on the call: when, and the reason the researcher logged."""

    at: dt.datetime
    reason: str


@dataclass(frozen=True)
class NotesGate:
    """Whether notes may be taken in a session, and if not, why not."""

    awaiting_consent: tuple[str, ...] = ()
    """Refs of the members whose consent is still to be taken on the call."""
    declined: CallDecline | None = None

    @property
    def open(self) -> bool:
        return not self.awaiting_consent and self.declined is None

    def reason(self) -> str | None:
        """Why notes cannot be taken, in one plain line; None when they can."""
        if self.declined is not None:
            return "the parent declined on the call: nothing more is kept in this session"
        if self.awaiting_consent:
            who = ", ".join(self.awaiting_consent)
            return f"{who} has not given verbal consent yet: record it on the call first"
        return None


# -- the gate on notes ---------------------------------------------------------------------


def answered(outcomes: Iterable[str]) -> bool:
    """Whether one of these attempts reached the person (the call was answered)."""
    return any(outcome == CallOutcome.REACHED for outcome in outcomes)


def is_declined(outcomes: Iterable[str]) -> bool:
    """Whether the person declined on one of these attempts: a session so ended is no
    interview (exports and counts leave it out of the interviews held)."""
    return any(outcome == CallOutcome.DECLINED for outcome in outcomes)


def _decline_of(attempts: Iterable[m.CallAttempt]) -> CallDecline | None:
    declined = [a for a in attempts if a.outcome == CallOutcome.DECLINED]
    if not declined:
        return None
    last = max(declined, key=lambda a: a.position)
    return CallDecline(last.at, last.note or "")


def _overridden(db: Session, session_id: uuid.UUID) -> bool:
    """Whether the session was made past the consent gate with a stated reason (before
    phone interviews took consent on the call, that was how one went ahead)."""
    wanted = str(session_id)
    events = db.scalars(
        select(m.AuditEvent.record_ids).where(m.AuditEvent.action == "consent-gate-override")
    )
    return any(ids and ids[0] == wanted for ids in events)


def gate_of(db: Session, row: m.StudySession, book: PermissionBook | None = None) -> NotesGate:
    if row.kind != SessionKind.PHONE_INTERVIEW:
        return NotesGate()
    declined = _decline_of(row.call_attempts)
    if declined is not None:
        return NotesGate(declined=declined)
    refs = [member.participant.ref for member in row.members]
    book = book or load_permission_book(db, None)
    waiting = consent_on_the_call(book, refs)
    if waiting and _overridden(db, row.id):
        return NotesGate()
    return NotesGate(tuple(waiting))


def notes_gate(db: Session, session: SessionRef) -> NotesGate:
    """Whether notes may be taken in the session now (see the module docstring)."""
    return gate_of(db, find_session(db, session))


def require_notes_open(db: Session, session: SessionRef) -> None:
    """Raise NotesLocked unless notes may be taken in the session: every operation that
    adds a note to a session asks this first."""
    reason = notes_gate(db, session).reason()
    if reason is not None:
        raise NotesLocked(f"No note can be taken: {reason}.")


def attempt_view(attempt: m.CallAttempt) -> CallAttemptView:
    return CallAttemptView(
        attempt.id, attempt.at, attempt.outcome, attempt.minutes, attempt.position, attempt.note
    )


# -- call attempts (phone interviews) -------------------------------------------------------------


def _note(note: str | None) -> str | None:
    return (note or "").strip() or None


def _phone_call(db: Session, session: SessionRef) -> m.StudySession:
    """The session, a phone interview whose parent has not declined on the call."""
    row = find_session(db, session)
    if row.kind != SessionKind.PHONE_INTERVIEW:
        raise ValueError("only a phone interview has call attempts")
    if _decline_of(row.call_attempts) is not None:
        raise CallDeclined(
            f"the parent declined on the call in {row.ref}: to call again, make a new session"
        )
    return row


def _new_attempt(
    db: Session,
    row: m.StudySession,
    at: dt.datetime,
    outcome: CallOutcome,
    minutes: int | None,
    note: str | None,
    attempt_id: uuid.UUID | None,
) -> m.CallAttempt:
    if minutes is not None and minutes < 0:
        raise ValueError("minutes cannot be negative")
    last = db.scalar(
        select(func.max(m.CallAttempt.position)).where(m.CallAttempt.session_id == row.id)
    )
    attempt = m.CallAttempt(
        id=attempt_id or new_id(),
        session=row,  # through the relationship, so row.call_attempts includes it at once
        at=at,
        outcome=outcome.value,
        minutes=minutes,
        note=_note(note),
        position=(last + 1) if last is not None else 0,
    )
    db.add(attempt)
    db.flush()
    audit.record(db, "call-attempt", [row.id, attempt.id], outcome=attempt.outcome)
    return attempt


def add_call_attempt(
    db: Session,
    session: SessionRef,
    at: dt.datetime,
    outcome: str,
    minutes: int | None = None,
    *,
    attempt_id: uuid.UUID | None = None,
    note: str | None = None,
) -> Created:
    """Log one attempt at the call: when, its outcome, its length and a note. A parent
    declining is not logged here but with `decline_call`, which ends the session."""
    row = _phone_call(db, session)
    kind = CallOutcome(outcome)
    if kind == CallOutcome.DECLINED:
        raise ValueError("a parent declining ends the session: log it as declined with the reason")
    attempt = _new_attempt(db, row, at, kind, minutes, note, attempt_id)
    changes = Created(record_id=attempt.id)
    changes.add(Table.CALL_ATTEMPT, attempt.id)
    return changes


def decline_call(
    db: Session,
    session: SessionRef,
    at: dt.datetime,
    reason: str,
    *,
    attempt_id: uuid.UUID | None = None,
) -> Created:
    """The parent declined on the call: log a declined attempt with the reason and end the
    session. Nothing else is kept: before their consent no note could be taken, and once
    they have consented, stopping is a withdrawal, not a decline."""
    row = _phone_call(db, session)
    why = _note(reason)
    if why is None:
        raise ValueError("say why the call ended: the reason is kept with the call log")
    if gate_of(db, row).open:
        raise ValueError(
            f"{row.ref} already has the parent's consent: to stop now, end the session; "
            "to take their words out, withdraw them in the register"
        )
    attempt = _new_attempt(db, row, at, CallOutcome.DECLINED, None, why, attempt_id)
    if row.started_at is None or row.started_at > at:
        row.started_at = at
    row.ended_at = at
    audit.record(db, "decline-call", [row.id, attempt.id])
    changes = Created(record_id=attempt.id)
    changes.add(Table.CALL_ATTEMPT, attempt.id)
    changes.update(Table.SESSION, row.id)
    return changes


def _attempt(db: Session, attempt_id: uuid.UUID) -> m.CallAttempt:
    attempt = db.get(m.CallAttempt, attempt_id)
    if attempt is None:
        raise LookupError("that call attempt no longer exists")
    return attempt


def set_call_outcome(db: Session, attempt_id: uuid.UUID, outcome: str) -> Changes:
    """Correct an attempt's outcome. "Declined" is given only by `decline_call`, and a
    declined attempt stays declined: the session it ended is a record."""
    attempt = _attempt(db, attempt_id)
    kind = CallOutcome(outcome)
    if CallOutcome.DECLINED in (kind, attempt.outcome) and kind != attempt.outcome:
        raise ValueError("a declined call stays declined, and only a decline makes one")
    attempt.outcome = kind.value
    changes = Changes()
    changes.update(Table.CALL_ATTEMPT, attempt.id)
    return changes


def set_call_minutes(db: Session, attempt_id: uuid.UUID, minutes: int | None) -> Changes:
    if minutes is not None and minutes < 0:
        raise ValueError("minutes cannot be negative")
    attempt = _attempt(db, attempt_id)
    attempt.minutes = minutes
    changes = Changes()
    changes.update(Table.CALL_ATTEMPT, attempt.id)
    return changes


def set_call_note(db: Session, attempt_id: uuid.UUID, note: str | None) -> Changes:
    """The note on an attempt ("call back Tuesday"); blank clears it. A declined call's
    reason is kept as it was logged."""
    attempt = _attempt(db, attempt_id)
    if attempt.outcome == CallOutcome.DECLINED:
        raise ValueError("the reason a call was declined is kept as it was logged")
    attempt.note = _note(note)
    changes = Changes()
    changes.update(Table.CALL_ATTEMPT, attempt.id)
    return changes
