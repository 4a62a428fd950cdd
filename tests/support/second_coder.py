"""A second coder's codings on the demo study, made through the storage in test setup.

Bo codes as the researcher did, except that Bo never uses T4 ("Managing expectations and
clarity of roles") and also codes two entries nobody coded with T1. So by entry T4 has
kappa 0 (the worst), T1 is below 1, and every other theme agrees fully.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from plrdesk.domain import models as m
from plrdesk.domain.ids import new_id

SECOND = "Bo Chan"
WORST = "Managing expectations and clarity of roles"


def add_second_coder(db: Session, coder: str = SECOND) -> int:
    """Add the second coder's codings; returns how many."""
    themes = {t.ref: t.id for t in db.scalars(select(m.Theme))}
    mine = list(db.scalars(select(m.Coding).where(m.Coding.coder.is_(None))))
    coded = {c.entry_id for c in mine}
    rows = [
        m.Coding(
            id=new_id(),
            entry_id=c.entry_id,
            theme_id=c.theme_id,
            start=c.start,
            end=c.end,
            coder=coder,
            position=1000 + n,
        )
        for n, c in enumerate(mine)
        if c.theme_id != themes["T4"]
    ]
    uncoded = db.scalars(
        select(m.Entry.id)
        .where(
            m.Entry.id.not_in(coded),
            m.Entry.text.is_not(None),
            m.Entry.speaker_id.is_not(None),
            m.Entry.safeguarding_flagged_at.is_(None),
        )
        .order_by(m.Entry.ref)
        .limit(2)
    )
    for n, entry_id in enumerate(uncoded):
        rows.append(
            m.Coding(
                id=new_id(),
                entry_id=entry_id,
                theme_id=themes["T1"],
                coder=coder,
                position=2000 + n,
            )
        )
    db.add_all(rows)
    db.flush()
    return len(rows)
