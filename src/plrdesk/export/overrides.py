"""Participants admitted through the consent override, as the export treats them.

The consent gate (services.sessions.create_session) lets a researcher start a session with
someone who lacks the consent to take part (a child without a guardian's consent or their
own assent) when they say why; the override is written to the audit log with the ids of
the session and of the people let in. It is the only record of it, so it is read here.

Such a participant is one the export must not count without a word. Someone whose consent
has been recorded since holds take-part like anyone else and is an ordinary participant;
someone withdrawn is out already. The others are left out of every figure, quote, extract
and QDPX source (`Overridden.LEAVE_OUT`, the default: nobody gave the consent that would
let their words into a report), or counted as the researcher may choose
(`Overridden.COUNT`); the reading formats' methods say which, and how many
(`wording.overrides`), and so does the command's report.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from plrdesk.domain import models as m
from plrdesk.domain.kinds import Permission
from plrdesk.domain.passages import Passage
from plrdesk.domain.permissions import PermissionBook

# The audit action services.sessions.create_session records for an override.
OVERRIDE_ACTION = "consent-gate-override"
EXCLUDED_OVERRIDE = "admitted through a consent override without consent"


def admitted_by_override(
    db: Session, book: PermissionBook, people: Iterable[m.Participant]
) -> list[m.Participant]:
    """Of `people`, those let into a session by an override who are not withdrawn and
    still do not hold the take-part permission, in `people`'s order."""
    let_in: set[str] = set()
    for ids in db.scalars(
        select(m.AuditEvent.record_ids).where(m.AuditEvent.action == OVERRIDE_ACTION)
    ):
        let_in.update(ids)
    return [
        p
        for p in people
        if str(p.id) in let_in
        and not book.is_withdrawn(p.ref)
        and not book.holds(p.ref, Permission.TAKE_PART)
    ]


def leave_out(passages: Sequence[Passage], refs: set[str]) -> list[Passage]:
    """The passages, those said by `refs` excluded (they count nowhere and never leave)."""
    if not refs:
        return list(passages)
    return [
        dataclasses.replace(p, excluded=EXCLUDED_OVERRIDE)
        if p.excluded is None and p.speaker_ref in refs
        else p
        for p in passages
    ]
