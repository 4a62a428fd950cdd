"""How long a session ran: the seconds its clock counted while the study was open in the app.

A session's start and end times say when it began and finished; what its clock shows is
different, because the clock stops while plrdesk is closed or the study locked (issue 11:
a session left running overnight read sixteen hours the next morning). The app keeps the
count in `running_seconds`, writing it as it goes and when the session ends; None means
the app never timed the session (it was imported, or is older than the count), and its
length is then the span between its start and end.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from plrdesk.services.changes import Changes
from plrdesk.services.sessions import SessionRef, find_session

__all__ = ["length_seconds", "record_running_time", "running_seconds"]


def running_seconds(db: Session, session: SessionRef) -> int | None:
    """The seconds the session's clock has run in the app so far (None: never timed)."""
    return find_session(db, session).running_seconds


def record_running_time(db: Session, session: SessionRef, seconds: int) -> Changes:
    """The session's clock has run `seconds` in all (never below zero).

    Nothing any list or export shows changes, so the `Changes` names nothing: views do
    not reload for a clock that is written every few seconds."""
    if seconds < 0:
        raise ValueError("a session cannot have run for less than no time")
    find_session(db, session).running_seconds = int(seconds)
    return Changes()


def length_seconds(
    started_at: dt.datetime | None, ended_at: dt.datetime | None, ran: int | None
) -> float | None:
    """How long an ended session lasted: what its clock counted, else (never timed by the
    app) the span from its start to its end; None while it has not ended."""
    if started_at is None or ended_at is None:
        return None
    if ran is not None:
        return float(ran)
    return max(0.0, (ended_at - started_at).total_seconds())
