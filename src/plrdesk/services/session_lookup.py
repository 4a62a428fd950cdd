"""Finding a session by ref or id, and what an operation that made a record returns.

Kept apart from sessions.py so that the modules about one part of a session (calls.py,
entries.py) can find it without importing all of sessions.py.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from plrdesk.domain import models as m
from plrdesk.services.changes import Changes

__all__ = ["Created", "SessionRef", "UnknownSession", "find_session"]

SessionRef = str | uuid.UUID


class UnknownSession(LookupError):
    """No session has that ref or id."""


@dataclass(kw_only=True)
class Created(Changes):
    """The changes of an operation that made one record, with that record's id and ref."""

    record_id: uuid.UUID
    ref: str | None = None


def find_session(db: Session, session: SessionRef) -> m.StudySession:
    """The session with this ref (a string) or id (a UUID)."""
    if isinstance(session, uuid.UUID):
        row = db.get(m.StudySession, session)
    else:
        row = db.scalars(select(m.StudySession).filter_by(ref=session)).first()
    if row is None:
        raise UnknownSession(f"no session {session}")
    return row
