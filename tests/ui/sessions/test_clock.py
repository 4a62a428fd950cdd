"""The session clock counts the time a session ran in the app: it goes on from the count
the study holds, writes it as it runs and when the session ends (wherever the end came
from), and shows a session the app never timed by its start and end."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from plrdesk.domain import models as m
from plrdesk.services.session_clock import running_seconds
from plrdesk.services.sessions import SessionDetail, session_detail
from plrdesk.storage.study_file import StudyFile
from plrdesk.ui.context import StudyContext
from plrdesk.ui.sessions.clock import UNKNOWN, elapsed_text, spoken_length
from plrdesk.ui.sessions.interview_view import InterviewView
from plrdesk.ui.sessions.page import SessionsPage
from plrdesk.ui.sessions.running_time import RunningTime
from tests.support.files import PASSPHRASE
from tests.ui.sessions.conftest import open_session, query


class FakeClock:
    """A monotonic clock the test moves on."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def s1_running(demo_path: Path) -> Path:
    """S1 started three hours ago, not ended, its clock at ten minutes (written before the
    runner opens the file: ask for it before `ctx`)."""
    with StudyFile.open(demo_path, PASSPHRASE) as study, study.transaction() as db:
        row = db.scalars(select(m.StudySession).filter_by(ref="S1")).one()
        row.started_at = dt.datetime.now(dt.UTC) - dt.timedelta(hours=3)
        row.ended_at = None
        row.running_seconds = 600
    return demo_path


def detail_of(qtbot: QtBot, ctx: StudyContext, ref: str) -> SessionDetail:
    return query(qtbot, ctx.runner, lambda db: session_detail(db, ref))


def stored(qtbot: QtBot, ctx: StudyContext, ref: str) -> int | None:
    return query(qtbot, ctx.runner, lambda db: running_seconds(db, ref))


def test_elapsed_text() -> None:
    assert elapsed_text(0) == "00:00"
    assert elapsed_text(605.9) == "10:05"
    assert elapsed_text(3 * 3600 + 61) == "3:01:01"
    assert elapsed_text(-5) == "00:00"
    assert spoken_length(1236) == "20 min 36 s"
    assert spoken_length(3 * 3600 + 61) == "3 h 1 min"
    assert spoken_length(9) == "9 s"


def test_a_running_session_counts_on_from_the_studys_count(
    qtbot: QtBot, s1_running: Path, ctx: StudyContext
) -> None:
    clock = FakeClock()
    running = RunningTime(ctx.runner, detail_of(qtbot, ctx, "S1"), clock=clock)
    assert running.running
    assert running.seconds() is None  # until the study's count arrives
    with qtbot.waitSignal(running.sig_changed):
        pass
    assert running.seconds() == 600  # not three hours: the time since it started
    clock.now += 65
    assert running.seconds() == 665
    running.bank()
    assert stored(qtbot, ctx, "S1") == 665


def test_the_count_is_written_as_the_session_runs(
    qtbot: QtBot, s1_running: Path, ctx: StudyContext
) -> None:
    clock = FakeClock()
    running = RunningTime(ctx.runner, detail_of(qtbot, ctx, "S1"), clock=clock, bank_ms=20)
    qtbot.waitUntil(lambda: running.known)
    clock.now += 30
    with qtbot.waitSignal(ctx.runner.sig_written) as written:
        pass
    assert written.args == [running]  # its own write: nobody else's echo
    assert stored(qtbot, ctx, "S1") == 630


def test_an_end_from_elsewhere_stops_the_count_and_writes_it(
    qtbot: QtBot, s1_running: Path, ctx: StudyContext
) -> None:
    clock = FakeClock()
    detail = detail_of(qtbot, ctx, "S1")
    running = RunningTime(ctx.runner, detail, clock=clock)
    qtbot.waitUntil(lambda: running.known)
    clock.now += 20
    detail.ended_at = dt.datetime.now(dt.UTC)  # a parent declined on the call, say
    running.follow()
    assert not running.running
    clock.now += 3600  # time goes by; an ended session's clock does not
    assert running.seconds() == 620
    assert stored(qtbot, ctx, "S1") == 620


def test_a_session_the_app_never_timed_lasts_from_its_start_to_its_end(
    qtbot: QtBot, ctx: StudyContext
) -> None:
    running = RunningTime(ctx.runner, detail_of(qtbot, ctx, "S2"), clock=FakeClock())
    qtbot.waitUntil(lambda: running.known)
    assert running.seconds() == 45 * 60  # the demo's S2: 13:30 to 14:15
    running.bank()  # nothing counted here: what the study has stands
    assert stored(qtbot, ctx, "S2") is None


def test_starting_counts_from_nothing_and_ending_keeps_the_count(
    qtbot: QtBot, ctx: StudyContext, page: SessionsPage
) -> None:
    view = open_session(qtbot, page, "S3")
    assert isinstance(view, InterviewView)
    doc, clock = view.doc, view.header.clock
    doc.detail.started_at = doc.detail.ended_at = None  # as a session not started yet
    doc.sig_session_changed.emit()
    assert clock.label.text() == "Not started"
    assert clock.start_button.isVisible()
    doc.start()
    assert doc.running.running
    assert clock.label.text() in ("00:00", "00:01")
    assert clock.end_button.isVisible()
    assert stored(qtbot, ctx, "S3") == 0
    doc.end()
    assert clock.label.text().endswith("(ended)")
    assert not clock.end_button.isVisible()
    ran = stored(qtbot, ctx, "S3")
    assert ran is not None
    assert ran < 5  # the seconds it ran here, not the demo's 45 minutes


def test_the_clock_shows_dashes_until_the_count_arrives(
    qtbot: QtBot, s1_running: Path, ctx: StudyContext, page: SessionsPage
) -> None:
    view = open_session(qtbot, page, "S1")
    assert isinstance(view, InterviewView)
    label = view.header.clock.label
    qtbot.waitUntil(lambda: label.text() != UNKNOWN)
    assert label.text().startswith("10:0")


def test_ending_asks_and_keep_is_the_default(
    qtbot: QtBot, s1_running: Path, ctx: StudyContext, page: SessionsPage
) -> None:
    view = open_session(qtbot, page, "S1")
    assert isinstance(view, InterviewView)
    clock = view.header.clock
    qtbot.waitUntil(lambda: view.doc.running.known)
    box = clock.ask_to_end()
    assert box is not None
    assert clock.ask_to_end() is box  # one question at a time
    keep = box.defaultButton()
    assert keep is not None
    assert keep is box.escapeButton()
    assert keep.text() == "&Keep it running"
    assert "It has run for 10 min" in box.informativeText()
    keep.click()
    qtbot.waitUntil(lambda: clock.end_box is None)
    assert view.doc.detail.ended_at is None
