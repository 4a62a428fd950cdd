"""The study at a glance: its details (who runs it, how to reach them, the endorsement, the
ethics reference, the aims) and which of them are not filled in yet, counts, and a to-do
list computed from the data (never typed by hand, so it cannot go stale).

The to-do list names the details printed forms need (researcher, organisation, contact)
while any is blank, since every form printed meanwhile has a blank where it belongs; the
others missing (aims, endorsement, ethics reference) are only listed in the summary."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from plrdesk.domain import models as m
from plrdesk.domain.dates import long_date
from plrdesk.domain.kinds import CallOutcome, ParticipantKind, Permission, SessionKind
from plrdesk.domain.study_details import in_words
from plrdesk.services.calls import is_declined
from plrdesk.services.permission_book import load_permission_book
from plrdesk.services.study_details import StudyDetails, study_details

if TYPE_CHECKING:
    from plrdesk.forms.catalog import FormCatalog


@dataclass(frozen=True)
class ToDo:
    text: str
    count: int
    target: Literal["participant", "session", "entry", "study"]
    targets: tuple[str, ...] = ()  # participant or session refs, or entry ids, to jump to


@dataclass
class Overview:
    title: str
    researcher: str | None
    organisation: str | None
    aims: list[str]
    endorsement: str | None
    participants: dict[str, int] = field(default_factory=dict)
    withdrawn: int = 0
    sessions: dict[str, int] = field(default_factory=dict)
    entries: int = 0
    todo: list[ToDo] = field(default_factory=list)
    details: StudyDetails | None = None
    missing: list[str] = field(default_factory=list)
    """Details not filled in yet, by name ("contact", "ethics reference")."""


FORM_DETAILS = ("researcher", "organisation", "contact")
"""The details printed forms show (the to-do list asks for them)."""


def missing_details(details: StudyDetails) -> list[str]:
    """What the researcher has not filled in yet, in the dialog's order, in words."""
    blanks = {
        "researcher": details.researcher,
        "organisation": details.organisation,
        "contact": details.contact,
        "aims": "yes" if details.aims else None,
        "endorsement": details.endorsed_by,
        "ethics reference": details.ethics_reference,
    }
    return [name for name, value in blanks.items() if not value]


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def study_overview(db: Session, catalog: FormCatalog | None) -> Overview:
    details = study_details(db)
    endorsement = None
    if details.endorsed_by:
        role = f" ({details.endorser_role})" if details.endorser_role else ""
        when = f" on {long_date(details.endorsed_on)}" if details.endorsed_on else ""
        endorsement = f"Endorsed by {details.endorsed_by}{role}{when}."
    view = Overview(
        details.title,
        details.researcher,
        details.organisation,
        list(details.aims),
        endorsement,
        details=details,
        missing=missing_details(details),
    )
    book = load_permission_book(db, catalog)
    people = list(db.scalars(select(m.Participant).order_by(m.Participant.position)))
    active = [p for p in people if not book.is_withdrawn(p.ref)]
    view.participants = dict(Counter(p.kind for p in active))
    view.withdrawn = len(people) - len(active)
    sessions = list(
        db.scalars(
            select(m.StudySession).options(
                selectinload(m.StudySession.call_attempts),
                selectinload(m.StudySession.members).selectinload(m.SessionMember.participant),
            )
        )
    )
    # A call the parent declined is no interview held, and its parent is no one to chase.
    declined = [s for s in sessions if is_declined(a.outcome for a in s.call_attempts)]
    declined_refs = {
        member.participant.ref for s in declined for member in s.members if member.participant
    }
    sessions = [s for s in sessions if s not in declined]
    view.sessions = dict(Counter(s.kind for s in sessions))
    view.entries = db.scalar(select(func.count()).select_from(m.Entry)) or 0

    def todo(
        target: Literal["participant", "session", "entry"], refs: list[str], one: str, many: str
    ) -> None:
        if refs:
            text = _plural(len(refs), one, many)
            view.todo.append(ToDo(text, len(refs), target, tuple(refs)))

    children = [p for p in active if p.kind == ParticipantKind.CHILD]
    todo(
        "participant",
        [c.ref for c in children if Permission.TAKE_PART not in book.on_behalf(c.ref)],
        "child lacks parental consent",
        "children lack parental consent",
    )
    todo(
        "participant",
        [c.ref for c in children if Permission.TAKE_PART not in book.own(c.ref)],
        "child has not given their own assent",
        "children have not given their own assent",
    )
    adults = [p for p in active if p.kind != ParticipantKind.CHILD]
    todo(
        "participant",
        [
            p.ref
            for p in adults
            if Permission.TAKE_PART not in book.own(p.ref) and p.ref not in declined_refs
        ],
        "adult has not consented to take part",
        "adults have not consented to take part",
    )
    phone = [s for s in sessions if s.kind == SessionKind.PHONE_INTERVIEW]
    todo(
        "session",
        [
            s.ref
            for s in phone
            if not any(a.outcome == CallOutcome.REACHED for a in s.call_attempts)
        ],
        "phone interview with no successful call",
        "phone interviews with no successful call",
    )
    flagged = [
        str(entry_id)
        for entry_id in db.scalars(
            select(m.Entry.id).where(m.Entry.safeguarding_flagged_at.is_not(None))
        )
    ]
    todo("entry", flagged, "entry flagged for safeguarding", "entries flagged for safeguarding")
    for_forms = [name for name in FORM_DETAILS if name in view.missing]
    if for_forms:
        text = f"Printed forms leave a blank for the study's {in_words(for_forms)}: fill them in"
        view.todo.append(ToDo(text, len(for_forms), "study"))
    return view
