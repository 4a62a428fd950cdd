"""Sessions: list them, open one, create one behind the consent gate, start and end it.

Every operation takes the database session first and returns what it changed (a
`Changes`, or a `Created` that also names the new record). Audit events name record ids
and fixed words only; the one typed text they keep is the reason for overriding the
consent gate, because that reason is the accountability record itself.

A phone interview is made before the parent has consented: their consent is taken on the
call, and its notes stay shut until then. Its call log, the gate on its notes and a
parent declining on the call are in services.calls (re-exported here).
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from plrdesk.domain import models as m
from plrdesk.domain.ids import EntryId, ParticipantId, SessionId, new_id
from plrdesk.domain.kinds import ConsentMethod, ParticipantKind, SessionKind
from plrdesk.domain.permissions import (
    ConsentGap,
    consent_gaps,
    consent_on_the_call,
    session_gaps,
)
from plrdesk.services import audit
from plrdesk.services.calls import (
    CallAttemptView,
    CallDecline,
    CallDeclined,
    NotesGate,
    NotesLocked,
    add_call_attempt,
    answered,
    attempt_view,
    decline_call,
    gate_of,
    is_declined,
    notes_gate,
    require_notes_open,
    set_call_minutes,
    set_call_note,
    set_call_outcome,
)
from plrdesk.services.changes import Changes, Table
from plrdesk.services.permission_book import load_permission_book
from plrdesk.services.refs import next_ref
from plrdesk.services.session_lookup import Created, SessionRef, UnknownSession, find_session
from plrdesk.services.study_forms import catalog_for, store_if_new
from plrdesk.services.withdrawal import UnknownParticipant

if TYPE_CHECKING:
    from plrdesk.forms.catalog import FormCatalog
    from plrdesk.forms.schema import FormDefinition

__all__ = [
    "CallAttemptView",
    "CallDecline",
    "CallDeclined",
    "ConsentGateBlocked",
    "Created",
    "EntryRecord",
    "MemberView",
    "NotesGate",
    "NotesLocked",
    "ParticipantChoice",
    "SessionDetail",
    "SessionRef",
    "SessionSummary",
    "UnknownGuide",
    "UnknownParticipant",
    "UnknownSession",
    "add_call_attempt",
    "answered",
    "create_session",
    "decline_call",
    "end_session",
    "find_session",
    "has_verbal_consent",
    "is_declined",
    "list_sessions",
    "next_ref",
    "notes_gate",
    "participant_choices",
    "require_notes_open",
    "session_detail",
    "set_call_minutes",
    "set_call_note",
    "set_call_outcome",
    "start_session",
]


class UnknownGuide(LookupError):
    """No interview or focus-group guide has that id."""


class ConsentGateBlocked(Exception):
    """Someone chosen for the session lacks the consent to take part."""

    def __init__(self, gaps: list[ConsentGap]) -> None:
        self.gaps = gaps
        super().__init__("; ".join(f"{gap.ref} {gap.reason}" for gap in gaps))


# -- views of a session ----------------------------------------------------------------------


@dataclass(frozen=True)
class MemberView:
    """A participant of a session as capture shows them: ref and a short descriptor, no name."""

    id: ParticipantId
    ref: str
    kind: str
    descriptor: str
    number: int  # 1-based place in the session's member list (the focus group's speaker key)
    withdrawn: bool = False
    verbal_consent: bool = False  # a verbal consent of their own is recorded and not withdrawn


@dataclass
class EntryRecord:
    """One entry as the capture views hold it (mutable: the view keeps its copy current)."""

    id: EntryId
    ref: str
    question: str | None
    speaker_ref: str | None
    text: str | None
    verbatim: bool = False
    follow_up: bool = False
    show_of_hands: dict[str, int] | None = None
    at: dt.datetime | None = None
    updated_at: dt.datetime | None = None
    safeguarding_flagged_at: dt.datetime | None = None
    safeguarding_action: str | None = None
    position: int = 0
    # A merge conflict copy: the ref of the entry it is another copy's version of, and
    # which copy it came from (services/merge.py).
    conflict_of_ref: str | None = None
    conflict_from: str | None = None

    @property
    def flagged(self) -> bool:
        return self.safeguarding_flagged_at is not None


@dataclass(frozen=True)
class SessionSummary:
    id: SessionId
    ref: str
    kind: str
    guide: str | None
    started_at: dt.datetime | None
    ended_at: dt.datetime | None
    participants: int
    entries: int


@dataclass
class SessionDetail:
    id: SessionId
    ref: str
    kind: str
    guide: str | None
    guide_version: str | None
    started_at: dt.datetime | None
    ended_at: dt.datetime | None
    members: list[MemberView] = field(default_factory=list)
    call_attempts: list[CallAttemptView] = field(default_factory=list)
    entries: list[EntryRecord] = field(default_factory=list)
    gate: NotesGate = field(default_factory=NotesGate)

    def member(self, ref: str | None) -> MemberView | None:
        return next((member for member in self.members if member.ref == ref), None)


@dataclass(frozen=True)
class ParticipantChoice:
    """A participant as the new-session dialog lists them, with what the gate would say."""

    ref: str
    kind: str
    descriptor: str
    withdrawn: bool
    gaps: tuple[str, ...]  # reasons in plain words, empty when they may take part
    phone_gaps: tuple[str, ...] = ()  # what still blocks a phone interview with them
    consent_on_call: bool = False  # a phone interview takes their consent on the call


# -- helpers -----------------------------------------------------------------------------------


def describe(kind: str, attributes: dict[str, Any]) -> str:
    """A short descriptor from attributes (never the name): "Year 7", "head teacher"."""
    if kind == ParticipantKind.CHILD:
        if "year_group" in attributes:
            return f"Year {attributes['year_group']}"
        if "age" in attributes:
            return f"age {attributes['age']}"
        return "child"
    if kind == ParticipantKind.PRACTITIONER:
        role, sector = attributes.get("role"), attributes.get("sector")
        parts = [str(part) for part in (role, sector and f"{sector} sector") if part]
        return ", ".join(parts) or "practitioner"
    if kind == ParticipantKind.PARENT:
        return str(attributes.get("relationship") or "parent or carer")
    return str(attributes.get("role") or kind)


def _verbal_consents(db: Session, ids: list[uuid.UUID]) -> set[uuid.UUID]:
    return set(
        db.scalars(
            select(m.Consent.participant_id).where(
                m.Consent.participant_id.in_(ids),
                m.Consent.method == ConsentMethod.VERBAL,
                m.Consent.on_behalf_of_id.is_(None),
                m.Consent.withdrawn_on.is_(None),
            )
        )
    )


# -- reading -----------------------------------------------------------------------------------


def list_sessions(db: Session) -> list[SessionSummary]:
    """Every session, by start time (not yet started last), then in the order made."""
    entry_counts = dict(
        db.execute(select(m.Entry.session_id, func.count()).group_by(m.Entry.session_id)).all()
    )
    member_counts = dict(
        db.execute(
            select(m.SessionMember.session_id, func.count()).group_by(m.SessionMember.session_id)
        ).all()
    )
    rows = list(db.scalars(select(m.StudySession)))
    far = dt.datetime.max.replace(tzinfo=dt.UTC)
    rows.sort(key=lambda s: (s.started_at or far, s.position))
    return [
        SessionSummary(
            SessionId(s.id),
            s.ref,
            s.kind,
            s.guide,
            s.started_at,
            s.ended_at,
            int(member_counts.get(s.id, 0)),
            int(entry_counts.get(s.id, 0)),
        )
        for s in rows
    ]


def record_of(entry: m.Entry) -> EntryRecord:
    return EntryRecord(
        id=EntryId(entry.id),
        ref=entry.ref,
        question=entry.question,
        speaker_ref=entry.speaker.ref if entry.speaker else None,
        text=entry.text,
        verbatim=entry.verbatim,
        follow_up=entry.follow_up,
        show_of_hands=dict(entry.show_of_hands) if entry.show_of_hands is not None else None,
        at=entry.at,
        updated_at=entry.updated_at,
        safeguarding_flagged_at=entry.safeguarding_flagged_at,
        safeguarding_action=entry.safeguarding_action,
        position=entry.position,
        conflict_of_ref=entry.conflict_of.ref if entry.conflict_of is not None else None,
        conflict_from=entry.conflict_from,
    )


def session_detail(db: Session, session: SessionRef) -> SessionDetail:
    """One session with its members (in order), call attempts and entries (in order)."""
    row = find_session(db, session)
    people = [member.participant for member in row.members]
    book = load_permission_book(db, None)
    verbal = _verbal_consents(db, [p.id for p in people])
    members = [
        MemberView(
            ParticipantId(p.id),
            p.ref,
            p.kind,
            describe(p.kind, p.attributes),
            number,
            book.is_withdrawn(p.ref),
            p.id in verbal,
        )
        for number, p in enumerate(people, start=1)
    ]
    entries = list(
        db.scalars(
            select(m.Entry)
            .where(m.Entry.session_id == row.id)
            .options(selectinload(m.Entry.speaker))
            .order_by(m.Entry.position)
        )
    )
    attempts = list(
        db.scalars(
            select(m.CallAttempt)
            .where(m.CallAttempt.session_id == row.id)
            .order_by(m.CallAttempt.position)
        )
    )
    return SessionDetail(
        SessionId(row.id),
        row.ref,
        row.kind,
        row.guide,
        row.guide_version,
        row.started_at,
        row.ended_at,
        members,
        [attempt_view(a) for a in attempts],
        [record_of(entry) for entry in entries],
        gate_of(db, row, book),
    )


def session_on_screen(
    db: Session, session: SessionRef, forms: FormCatalog
) -> tuple[SessionDetail, FormDefinition | None]:
    """What the capture view of a session shows: the session, and the guide it was run
    with (the version stored in the study)."""
    detail = session_detail(db, session)
    guide = None
    if detail.guide is not None:
        guide = catalog_for(db, forms).get(detail.guide, detail.guide_version)
    return detail, guide


def participant_choices(db: Session, forms: FormCatalog | None) -> list[ParticipantChoice]:
    """Everyone who could be chosen for a session, with the consent gate's verdict."""
    book = load_permission_book(db, forms)
    people = list(db.scalars(select(m.Participant).order_by(m.Participant.position)))
    refs = [p.ref for p in people]
    gaps: dict[str, list[str]] = {}
    for gap in consent_gaps(book, refs):
        gaps.setdefault(gap.ref, []).append(gap.reason)
    phone_gaps: dict[str, list[str]] = {}
    for gap in session_gaps(book, refs, SessionKind.PHONE_INTERVIEW):
        phone_gaps.setdefault(gap.ref, []).append(gap.reason)
    on_call = set(consent_on_the_call(book, refs))
    return [
        ParticipantChoice(
            p.ref,
            p.kind,
            describe(p.kind, p.attributes),
            book.is_withdrawn(p.ref),
            tuple(gaps.get(p.ref, ())),
            tuple(phone_gaps.get(p.ref, ())),
            p.ref in on_call,
        )
        for p in people
    ]


# -- making and running a session ----------------------------------------------------------------


def create_session(
    db: Session,
    forms: FormCatalog,
    kind: str,
    guide: str | None,
    participant_refs: list[str],
    started_at: dt.datetime | None,
    override_reason: str | None = None,
) -> Created:
    """Make a session `S<n>` for these participants, behind the consent gate.

    Anyone without consent to take part (a child: without a guardian's consent or their
    own assent) blocks it with `ConsentGateBlocked`, unless `override_reason` says why
    the session goes ahead anyway; the override is audited with the people and the reason.
    A phone interview is made before an adult's consent, which is taken on the call (its
    notes stay shut until then: `notes_gate`).
    The guide's latest version is recorded on the session and its text stored in the study.
    """
    session_kind = SessionKind(kind)
    catalog = catalog_for(db, forms)
    version = None
    if guide is not None:
        from plrdesk.forms.schema import GUIDE_KINDS

        loaded = catalog.loaded(guide)
        if loaded is None or loaded.definition.kind not in GUIDE_KINDS:
            raise UnknownGuide(f"no interview or focus-group guide {guide!r}")
        version = loaded.definition.version
    refs = list(dict.fromkeys(participant_refs))
    if not refs:
        raise ValueError("a session needs at least one participant")
    people = {
        p.ref: p for p in db.scalars(select(m.Participant).where(m.Participant.ref.in_(refs)))
    }
    missing = [ref for ref in refs if ref not in people]
    if missing:
        raise UnknownParticipant(f"no participant with ref {missing[0]!r}")
    gaps = session_gaps(load_permission_book(db, catalog), refs, session_kind)
    reason = (override_reason or "").strip()
    if gaps and not reason:
        raise ConsentGateBlocked(gaps)
    existing = list(db.scalars(select(m.StudySession.ref)))
    last = db.scalar(select(func.max(m.StudySession.position)))
    row = m.StudySession(
        id=new_id(),
        ref=next_ref(existing, "S"),
        kind=session_kind.value,
        guide=guide,
        guide_version=version,
        started_at=started_at,
        position=(last + 1) if last is not None else 0,
    )
    row.members = [m.SessionMember(participant=people[ref]) for ref in refs]
    db.add(row)
    db.flush()
    if guide is not None and version is not None:
        store_if_new(db, catalog, guide, version)
    audit.record(
        db, "create-session", [row.id, *(people[r].id for r in refs)], participants=len(refs)
    )
    if gaps:
        gapped = list(dict.fromkeys(gap.ref for gap in gaps))
        audit.record(
            db,
            "consent-gate-override",
            [row.id, *(people[r].id for r in gapped)],
            participants=len(gapped),
            reason=reason,
        )
    changes = Created(record_id=row.id, ref=row.ref)
    changes.add(Table.SESSION, row.id)
    return changes


def start_session(db: Session, session: SessionRef, at: dt.datetime) -> Changes:
    """The session starts now (when it was made without a start time)."""
    row = find_session(db, session)
    row.started_at = at
    if row.ended_at is not None and row.ended_at < at:
        row.ended_at = None
    audit.record(db, "start-session", [row.id])
    changes = Changes()
    changes.update(Table.SESSION, row.id)
    return changes


def end_session(db: Session, session: SessionRef, ended_at: dt.datetime) -> Changes:
    row = find_session(db, session)
    if row.started_at is None:
        row.started_at = ended_at
    if ended_at < row.started_at:
        raise ValueError("a session cannot end before it started")
    row.ended_at = ended_at
    audit.record(db, "end-session", [row.id])
    changes = Changes()
    changes.update(Table.SESSION, row.id)
    return changes


def has_verbal_consent(db: Session, participant_ref: str) -> bool:
    """Whether a verbal consent of this participant's own is recorded and not withdrawn."""
    person = db.scalars(select(m.Participant).filter_by(ref=participant_ref)).first()
    if person is None:
        raise UnknownParticipant(f"no participant with ref {participant_ref!r}")
    return bool(_verbal_consents(db, [person.id]))
