"""The study as typed SQLAlchemy 2 ORM models.

Every table has a UUID primary key so studies kept on several laptops can later be
merged. Rows that the interchange format (study-json-v1) points at also keep their
file `ref`, unique per study, so a dump reproduces the labels it was imported with.
Child rows (call attempts, entries, codings) keep a `position` so a dump lists them
in the order they were recorded.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    Uuid,
    text,
)
from sqlalchemy.ext.associationproxy import AssociationProxy, association_proxy
from sqlalchemy.ext.orderinglist import ordering_list
from sqlalchemy.orm import DeclarativeBase, Mapped, foreign, mapped_column, relationship

from plrdesk.domain.ids import new_id
from plrdesk.domain.study_details import contact_line
from plrdesk.domain.types import AwareDateTime

JsonValue = Any


class Base(DeclarativeBase):
    type_annotation_map = {  # noqa: RUF012 - SQLAlchemy reads this class attribute
        uuid.UUID: Uuid(as_uuid=True),
        dt.datetime: AwareDateTime(),
        dt.date: Date(),
    }


def _pk() -> Mapped[uuid.UUID]:
    return mapped_column(primary_key=True, default=new_id)


def new_rev() -> str:
    """A fresh revision id (32 hex digits)."""
    return uuid.uuid4().hex


class Revisioned:
    """A record a merge can compare across copies (migration 0011): `rev` is its current
    revision, `revs` the revisions it has been at before (oldest first, the last 100).

    Triggers in the study file move `rev` on every edit of a tracked column (whoever writes),
    so code never sets these by hand; only a merge does, to adopt another copy's version."""

    rev: Mapped[str | None] = mapped_column(String(32), default=new_rev)
    revs: Mapped[list[str] | None] = mapped_column(JSON, default=list)


class Study(Revisioned, Base):
    """The one study a file holds (a single row).

    The researcher's contact is kept in parts: `phone`, `email`, and `other_contact`, a
    free line kept in the column `contact` that older plrdesk versions filled with their
    one contact line. `contact` reads the parts joined, the line forms print."""

    __tablename__ = "study"

    id: Mapped[uuid.UUID] = _pk()
    title: Mapped[str] = mapped_column(Text)
    researcher: Mapped[str | None] = mapped_column(Text)
    organisation: Mapped[str | None] = mapped_column(Text)
    other_contact: Mapped[str | None] = mapped_column("contact", Text)
    phone: Mapped[str | None] = mapped_column(Text)
    email: Mapped[str | None] = mapped_column(Text)
    aims: Mapped[list[str]] = mapped_column(JSON, default=list)
    endorsed_by: Mapped[str | None] = mapped_column(Text)
    endorser_role: Mapped[str | None] = mapped_column(Text)
    endorsed_on: Mapped[dt.date | None]
    endorsement_notes: Mapped[str | None] = mapped_column(Text)
    ethics_reference: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime]
    # A coding copy for a second coder names the study it was made from, and that coder.
    copy_of_id: Mapped[uuid.UUID | None]
    copy_coder: Mapped[str | None] = mapped_column(Text)

    @property
    def contact(self) -> str | None:
        """Phone, e-mail and the other contact line, joined: what `{study.contact}` prints."""
        return contact_line(self.phone, self.email, self.other_contact)


class Identifier(Revisioned, Base):
    """A name the anonymiser must remove (a school, a place, a person who is not a participant)."""

    __tablename__ = "identifier"

    id: Mapped[uuid.UUID] = _pk()
    text: Mapped[str] = mapped_column(Text, unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    aliases: Mapped[list[str]] = mapped_column(JSON, default=list)
    position: Mapped[int] = mapped_column(Integer, default=0)


class Guardianship(Base):
    """A child's guardian, in the order the guardians were given."""

    __tablename__ = "guardianship"

    child_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("participant.id", ondelete="CASCADE"), primary_key=True
    )
    guardian_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("participant.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)

    guardian: Mapped[Participant] = relationship(foreign_keys=[guardian_id])


class Participant(Revisioned, Base):
    __tablename__ = "participant"

    id: Mapped[uuid.UUID] = _pk()
    ref: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(Text)
    contact: Mapped[str | None] = mapped_column(Text)
    attributes: Mapped[dict[str, JsonValue]] = mapped_column(JSON, default=dict)
    withdrawn_on: Mapped[dt.date | None]
    withdrawal_reason: Mapped[str | None] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer, default=0)

    guardian_links: Mapped[list[Guardianship]] = relationship(
        foreign_keys=lambda: Guardianship.child_id,
        order_by=lambda: Guardianship.position,
        collection_class=ordering_list("position"),
        cascade="all, delete-orphan",
    )
    guardians: AssociationProxy[list[Participant]] = association_proxy(
        "guardian_links", "guardian", creator=lambda guardian: Guardianship(guardian=guardian)
    )


class Consent(Revisioned, Base):
    """A consent or assent as given: form id and version, method, answers, withdrawal."""

    __tablename__ = "consent"

    id: Mapped[uuid.UUID] = _pk()
    ref: Mapped[str] = mapped_column(String(64), unique=True)
    participant_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("participant.id", ondelete="CASCADE"), index=True
    )
    on_behalf_of_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("participant.id", ondelete="CASCADE"), index=True
    )
    form: Mapped[str] = mapped_column(String(80))
    form_version: Mapped[str] = mapped_column(String(40))
    method: Mapped[str] = mapped_column(String(20))
    given_on: Mapped[dt.date]
    answers: Mapped[dict[str, JsonValue]] = mapped_column(JSON, default=dict)
    withdrawn_on: Mapped[dt.date | None]
    signature_png: Mapped[bytes | None] = mapped_column(LargeBinary)
    second_signature_png: Mapped[bytes | None] = mapped_column(LargeBinary)
    scan_image: Mapped[bytes | None] = mapped_column(LargeBinary)
    scan_media_type: Mapped[str | None] = mapped_column(String(40))
    # Verbal consent: when each confirmation was ticked during the call (item id -> ISO time).
    confirmations: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    recorded_by: Mapped[str | None] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer, default=0)

    participant: Mapped[Participant] = relationship(foreign_keys=[participant_id])
    on_behalf_of: Mapped[Participant | None] = relationship(foreign_keys=[on_behalf_of_id])


class SessionMember(Base):
    """A participant of a session, in the order they were listed."""

    __tablename__ = "session_participant"

    session_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("session.id", ondelete="CASCADE"), primary_key=True
    )
    participant_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("participant.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)

    participant: Mapped[Participant] = relationship()


class StudySession(Revisioned, Base):
    """An interview, phone interview or focus group."""

    __tablename__ = "session"

    id: Mapped[uuid.UUID] = _pk()
    ref: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    guide: Mapped[str | None] = mapped_column(String(80))
    guide_version: Mapped[str | None] = mapped_column(String(40))
    started_at: Mapped[dt.datetime | None]
    ended_at: Mapped[dt.datetime | None]
    # Seconds the session's clock ran while the study was open in plrdesk (the clock does
    # not run while the app is closed or the study locked); None: never timed by the app
    # (imported, or from before the column), its length then reads ended_at - started_at.
    running_seconds: Mapped[int | None]
    position: Mapped[int] = mapped_column(Integer, default=0)

    members: Mapped[list[SessionMember]] = relationship(
        order_by=lambda: SessionMember.position,
        collection_class=ordering_list("position"),
        cascade="all, delete-orphan",
    )
    participants: AssociationProxy[list[Participant]] = association_proxy(
        "members", "participant", creator=lambda person: SessionMember(participant=person)
    )
    call_attempts: Mapped[list[CallAttempt]] = relationship(
        back_populates="session",
        cascade="all, delete-orphan",
        order_by=lambda: CallAttempt.position,
    )
    entries: Mapped[list[Entry]] = relationship(
        back_populates="session", cascade="all, delete-orphan", order_by=lambda: Entry.position
    )


class CallAttempt(Revisioned, Base):
    __tablename__ = "call_attempt"

    id: Mapped[uuid.UUID] = _pk()
    session_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("session.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[dt.datetime]
    outcome: Mapped[str] = mapped_column(String(20))
    minutes: Mapped[int | None]
    # The researcher's note on the attempt ("call back Tuesday"); on a declined call, why.
    note: Mapped[str | None] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer, default=0)

    session: Mapped[StudySession] = relationship(back_populates="call_attempts")


class Entry(Revisioned, Base):
    """One note: a line said under a question, and/or a show of hands."""

    __tablename__ = "entry"
    # Flagged entries are few; a partial index finds them without reading every note.
    __table_args__ = (
        Index(
            "ix_entry_safeguarding",
            "safeguarding_flagged_at",
            sqlite_where=text("safeguarding_flagged_at IS NOT NULL"),
        ),
    )

    id: Mapped[uuid.UUID] = _pk()
    ref: Mapped[str] = mapped_column(String(64), unique=True)
    session_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("session.id", ondelete="CASCADE"), index=True
    )
    question: Mapped[str | None] = mapped_column(String(80))
    speaker_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("participant.id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str | None] = mapped_column(Text)
    verbatim: Mapped[bool] = mapped_column(Boolean, default=False)
    show_of_hands: Mapped[dict[str, int] | None] = mapped_column(JSON)
    at: Mapped[dt.datetime | None]
    safeguarding_flagged_at: Mapped[dt.datetime | None]
    safeguarding_action: Mapped[str | None] = mapped_column(Text)
    # A follow-up question the researcher added under `question` (its text is the question).
    follow_up: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[dt.datetime | None]
    # A merge conflict copy: the other copy's version of the entry `conflict_of_id`, kept
    # beside it; `conflict_from` says which copy (file name and when) it came from.
    # (No foreign key: a trigger clears it when that entry is deleted.)
    conflict_of_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    conflict_from: Mapped[str | None] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer, default=0)

    session: Mapped[StudySession] = relationship(back_populates="entries")
    speaker: Mapped[Participant | None] = relationship()
    conflict_of: Mapped[Entry | None] = relationship(
        primaryjoin=lambda: foreign(Entry.conflict_of_id) == Entry.id,
        remote_side=lambda: Entry.id,
        viewonly=True,
    )
    codings: Mapped[list[Coding]] = relationship(
        back_populates="entry", cascade="all, delete-orphan", order_by=lambda: Coding.position
    )


class Theme(Revisioned, Base):
    __tablename__ = "theme"

    id: Mapped[uuid.UUID] = _pk()
    ref: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    colour: Mapped[str | None] = mapped_column(String(9))
    parent_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("theme.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)

    parent: Mapped[Theme | None] = relationship(remote_side=lambda: Theme.id)


class Coding(Revisioned, Base):
    """A theme applied to an entry, over [start, end) of its text or, without a span, all of it."""

    __tablename__ = "coding"

    id: Mapped[uuid.UUID] = _pk()
    entry_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("entry.id", ondelete="CASCADE"), index=True
    )
    theme_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("theme.id", ondelete="CASCADE"), index=True
    )
    start: Mapped[int | None]
    end: Mapped[int | None]
    memo: Mapped[str | None] = mapped_column(Text)
    # The researcher marked this passage as usable as a quote in the report.
    exemplar: Mapped[bool] = mapped_column(Boolean, default=False)
    # Who coded it: a person's name; None means the study's researcher (Study details).
    coder: Mapped[str | None] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer, default=0)

    entry: Mapped[Entry] = relationship(back_populates="codings")
    theme: Mapped[Theme] = relationship()


class ExportSetting(Revisioned, Base):
    """Per participant kind: which attributes may describe a participant in an export."""

    __tablename__ = "export_setting"
    __table_args__ = (UniqueConstraint("kind"),)

    id: Mapped[uuid.UUID] = _pk()
    kind: Mapped[str] = mapped_column(String(20))
    descriptor_attributes: Mapped[list[str]] = mapped_column(JSON, default=list)
    allow_unique: Mapped[bool] = mapped_column(Boolean, default=False)


class StoredForm(Base):
    """The exact text of a form version, stored the first time the study used it, so a
    consent always shows the wording the person agreed to."""

    __tablename__ = "form_version"
    __table_args__ = (UniqueConstraint("form_id", "version"),)

    id: Mapped[uuid.UUID] = _pk()
    form_id: Mapped[str] = mapped_column(String(80))
    version: Mapped[str] = mapped_column(String(40))
    source: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    stored_at: Mapped[dt.datetime]


class RedactionDecision(Revisioned, Base):
    """The researcher's review of a proposed redaction, kept so the next export starts from
    it: `accept` (always redact this text) or `reject` (this text is not identifying, e.g.
    "May" the month). Matched by the case-folded text and the layer that proposed it."""

    __tablename__ = "redaction_decision"
    __table_args__ = (UniqueConstraint("folded", "layer"),)

    id: Mapped[uuid.UUID] = _pk()
    folded: Mapped[str] = mapped_column(Text)
    layer: Mapped[str] = mapped_column(String(20))
    label: Mapped[str] = mapped_column(String(40))
    decision: Mapped[str] = mapped_column(String(10))
    decided_at: Mapped[dt.datetime]


class AuditEvent(Base):
    """What happened and to which records, never what they contain."""

    __tablename__ = "audit_log"

    id: Mapped[uuid.UUID] = _pk()
    at: Mapped[dt.datetime]
    action: Mapped[str] = mapped_column(String(60))
    record_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    detail: Mapped[dict[str, JsonValue]] = mapped_column(JSON, default=dict)


class Tombstone(Base):
    """A deleted record (written by a trigger): lets a merge tell "deleted in this copy"
    from "new in the other". `record_id` is the id's 32 hex digits, or for a link row the
    two ids it links joined by ':'."""

    __tablename__ = "tombstone"

    tbl: Mapped[str] = mapped_column(String(40), primary_key=True)
    record_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    deleted_at: Mapped[str] = mapped_column(String(40))


class Erasure(Base):
    """A participant whose words were erased (written by a trigger on the audit event), so
    a merge never brings them back from another copy."""

    __tablename__ = "erasure"

    participant_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    erased_at: Mapped[str] = mapped_column(String(40))


class MergeConflict(Base):
    """Another copy's version of a record (not an entry: entries get a conflict copy beside
    them) that was changed in both copies; the study kept its own. `other` holds that
    version's columns as JSON-able values."""

    __tablename__ = "merge_conflict"
    __table_args__ = (UniqueConstraint("tbl", "record_id", "rev"),)

    id: Mapped[uuid.UUID] = _pk()
    tbl: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[uuid.UUID]
    rev: Mapped[str] = mapped_column(String(32))
    source: Mapped[str] = mapped_column(Text)
    other: Mapped[dict[str, JsonValue]] = mapped_column(JSON)
    at: Mapped[dt.datetime]


class CodingCopy(Base):
    """A blind coding copy made of this study for a second coder (services/coding_copy.py):
    its id is the copy's own study id, so a copy coming back is known by it."""

    __tablename__ = "coding_copy"

    id: Mapped[uuid.UUID] = _pk()
    coder: Mapped[str] = mapped_column(Text)
    anonymised: Mapped[bool] = mapped_column(Boolean, default=False)
    made_at: Mapped[dt.datetime]
    # Ids (hex) of the copy's codings already brought back, so merging again adds none,
    # not even one removed here since.
    brought_back: Mapped[list[str]] = mapped_column(JSON, default=list)


class CodingCopyEntry(Base):
    """How one entry went into a coding copy, kept in the original only (the copy holds
    nothing of where names were): the redactions as [start, end, replacement] (the span in
    the original text and the label that stood for it, "[child]"), and hashes of the
    original text and of the text the copy was given, to tell whether either changed
    before the codings come back."""

    __tablename__ = "coding_copy_entry"

    copy_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("coding_copy.id", ondelete="CASCADE"), primary_key=True
    )
    entry_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("entry.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    original_sha256: Mapped[str] = mapped_column(String(64))
    given_sha256: Mapped[str] = mapped_column(String(64))
    edits: Mapped[list[JsonValue]] = mapped_column(JSON, default=list)
