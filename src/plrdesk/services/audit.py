"""The audit log: what happened, when, to which record ids. Never any content."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable

from sqlalchemy.orm import Session

from plrdesk.domain.models import AuditEvent


def record(
    db: Session,
    action: str,
    record_ids: Iterable[uuid.UUID] = (),
    **counts: int | str,
) -> None:
    """Append one event. `counts` takes numbers and fixed vocabulary; the only typed text it
    ever holds is the researcher's own stated reason where a rule demands one (overriding
    the consent gate), never anything a participant said."""
    db.add(
        AuditEvent(
            at=dt.datetime.now(dt.UTC),
            action=action,
            record_ids=[str(rid) for rid in record_ids],
            detail=dict(counts),
        )
    )
