"""The session clock's count in the study: read, written, never negative; a session the
app never timed lasts from its start to its end."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from plrdesk.domain import models as m
from plrdesk.services.session_clock import length_seconds, record_running_time, running_seconds
from plrdesk.services.sessions import UnknownSession
from plrdesk.storage.study_file import StudyFile

START = dt.datetime(2008, 11, 25, 10, 0, tzinfo=dt.UTC)


def test_a_session_the_app_never_timed_has_no_count(demo_study: StudyFile) -> None:
    with demo_study.transaction() as db:
        assert running_seconds(db, "S1") is None


def test_the_count_written_is_the_count_read_and_names_no_table(demo_study: StudyFile) -> None:
    with demo_study.transaction() as db:
        changes = record_running_time(db, "S1", 754)
        assert (changes.added, changes.updated, changes.removed) == ({}, {}, {})
    with demo_study.transaction() as db:
        assert running_seconds(db, "S1") == 754
        row = db.scalars(select(m.StudySession).filter_by(ref="S1")).one()
        assert row.running_seconds == 754


def test_a_count_below_zero_is_refused_and_nothing_is_written(demo_study: StudyFile) -> None:
    with demo_study.transaction() as db:
        record_running_time(db, "S1", 60)
    with pytest.raises(ValueError, match="less than no time"), demo_study.transaction() as db:
        record_running_time(db, "S1", -1)
    with demo_study.transaction() as db:
        assert running_seconds(db, "S1") == 60


def test_an_unknown_session_is_named(demo_study: StudyFile) -> None:
    with pytest.raises(UnknownSession), demo_study.transaction() as db:
        running_seconds(db, "S99")


@pytest.mark.parametrize(
    ("ended", "ran", "length"),
    [
        (None, None, None),  # still running: no length yet
        (START + dt.timedelta(minutes=50), None, 3000.0),  # never timed: its span
        (START + dt.timedelta(hours=20), 1800, 1800.0),  # timed: what the clock counted
        (START + dt.timedelta(hours=20), 0, 0.0),
    ],
)
def test_the_length_of_a_session(
    ended: dt.datetime | None, ran: int | None, length: float | None
) -> None:
    assert length_seconds(START, ended, ran) == length
    assert length_seconds(None, ended, ran) is None
