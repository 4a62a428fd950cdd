"""Withdrawing a participant, and erasing what they said or signed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from plrdesk.domain import models as m
from plrdesk.services import audit
from plrdesk.services.changes import Changes, Table
from plrdesk.storage.search import optimise_search_index
from plrdesk.storage.study_file import StudyFile


class UnknownParticipant(LookupError):
    """No participant has that ref."""


@dataclass(frozen=True)
class WithdrawalRequest:
    """What the researcher asked: withdraw `ref` as of `on`, and with `erase` delete
    everything they said or signed."""

    ref: str
    on: dt.date
    reason: str | None
    erase: bool


@dataclass(frozen=True)
class WithdrawalResult:
    participant: m.Participant
    entries_erased: int
    consents_erased: int
    changes: Changes


def withdraw_participant(
    db: Session,
    ref: str,
    *,
    on: dt.date,
    reason: str | None = None,
    erase: bool = False,
) -> WithdrawalResult:
    """Mark `ref` withdrawn; with `erase`, delete their entries (and codings) and consents.

    The participant's row stays, so counts of withdrawals stay true and their name stays in
    the anonymiser's register (other people's notes may still mention them). The caller
    must VACUUM after an erasure so the deleted words leave the file's free pages.
    """
    person = db.scalars(select(m.Participant).filter_by(ref=ref)).first()
    if person is None:
        raise UnknownParticipant(f"no participant with ref {ref!r}")
    changes = Changes()
    person.withdrawn_on = person.withdrawn_on or on
    if reason is not None:
        person.withdrawal_reason = reason
    changes.update(Table.PARTICIPANT, person.id)
    entries = consents = 0
    if erase:
        entry_ids = list(db.scalars(select(m.Entry.id).where(m.Entry.speaker_id == person.id)))
        consent_ids = list(
            db.scalars(
                select(m.Consent.id).where(
                    or_(
                        m.Consent.participant_id == person.id,
                        m.Consent.on_behalf_of_id == person.id,
                    )
                )
            )
        )
        # Core deletes: the ORM cascade would load every row just to delete it.
        db.execute(delete(m.Coding).where(m.Coding.entry_id.in_(entry_ids)))
        db.execute(delete(m.Entry).where(m.Entry.id.in_(entry_ids)))
        db.execute(delete(m.Consent).where(m.Consent.id.in_(consent_ids)))
        for entry_id in entry_ids:
            changes.remove(Table.ENTRY, entry_id)
        for consent_id in consent_ids:
            changes.remove(Table.CONSENT, consent_id)
        entries, consents = len(entry_ids), len(consent_ids)
        optimise_search_index(db)  # one merged index segment, no old segment left behind
    audit.record(
        db,
        "erase-participant" if erase else "withdraw-participant",
        [person.id],
        entries=entries,
        consents=consents,
    )
    return WithdrawalResult(person, entries, consents, changes)


def withdraw_in_file(study: StudyFile, request: WithdrawalRequest) -> Changes:
    """The whole use case on the open file: the withdrawal (and erasure) in one
    transaction, then, for an erasure, VACUUM, so the erased words leave the file's free
    pages and the write-ahead log."""
    with study.transaction() as db:
        result = withdraw_participant(
            db, request.ref, on=request.on, reason=request.reason, erase=request.erase
        )
    if request.erase:
        study.vacuum()
    return result.changes
