"""A short description of a study: title, and counts by kind. Names no one."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from plrdesk.domain import models as m
from plrdesk.services.study_forms import consents_per_version


def _by_kind(db: Session, column: object) -> dict[str, int]:
    rows = db.execute(select(column, func.count()).group_by(column)).all()  # type: ignore[call-overload]
    return {str(kind): int(n) for kind, n in rows}


def summarise(db: Session, path: Path) -> list[str]:
    study = db.scalars(select(m.Study)).one()
    people = _by_kind(db, m.Participant.kind)
    sessions = _by_kind(db, m.StudySession.kind)
    withdrawn = db.scalar(select(func.count()).where(m.Participant.withdrawn_on.is_not(None)))
    entries = db.scalar(select(func.count()).select_from(m.Entry)) or 0
    themes = db.scalar(select(func.count()).select_from(m.Theme)) or 0
    codings = db.scalar(select(func.count()).select_from(m.Coding)) or 0
    flagged = db.scalar(select(func.count()).where(m.Entry.safeguarding_flagged_at.is_not(None)))

    def listing(counts: dict[str, int]) -> str:
        return ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items())) or "none"

    per_version = consents_per_version(db)
    consents = ", ".join(
        f"{form} v{version}: {n}" for (form, version), n in sorted(per_version.items())
    )
    return [
        f"study:        {study.title}",
        f"file:         {path}",
        f"participants: {listing(people)} ({withdrawn or 0} withdrawn)",
        f"sessions:     {listing(sessions)}",
        f"entries:      {entries} ({flagged or 0} flagged for safeguarding)",
        f"themes:       {themes}, codings: {codings}",
        f"consents:     {consents or 'none'}",
    ]
