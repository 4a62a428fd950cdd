"""The study at a glance: title, aims, endorsement, counts, and a to-do list computed from
the data (never typed by hand, so it cannot go stale)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from plrdesk.domain import models as m
from plrdesk.domain.kinds import CallOutcome, ParticipantKind, Permission, SessionKind
from plrdesk.services.permission_book import load_permission_book

if TYPE_CHECKING:
    from plrdesk.forms.catalog import FormCatalog


@dataclass(frozen=True)
class ToDo:
    text: str
    count: int
    target: Literal["participant", "session", "entry"]
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


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def study_overview(db: Session, catalog: FormCatalog | None) -> Overview:
    study = db.scalars(select(m.Study)).one()
    endorsement = None
    if study.endorsed_by:
        when = f" on {study.endorsed_on:%d %B %Y}" if study.endorsed_on else ""
        endorsement = f"Endorsed by {study.endorsed_by}{when}."
    view = Overview(
        study.title, study.researcher, study.organisation, list(study.aims), endorsement
    )
    book = load_permission_book(db, catalog)
    people = list(db.scalars(select(m.Participant).order_by(m.Participant.position)))
    active = [p for p in people if not book.is_withdrawn(p.ref)]
    view.participants = dict(Counter(p.kind for p in active))
    view.withdrawn = len(people) - len(active)
    sessions = list(
        db.scalars(select(m.StudySession).options(selectinload(m.StudySession.call_attempts)))
    )
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
        [p.ref for p in adults if Permission.TAKE_PART not in book.own(p.ref)],
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
    return view
