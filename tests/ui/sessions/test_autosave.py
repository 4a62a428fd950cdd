"""The autosave debounce: a pause saves soon after it starts, steady typing is saved at
least every MAX_MS, and a failed save is tried again."""

from __future__ import annotations

import time
import uuid

from PySide6.QtCore import QTimer
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from plrdesk.domain import models as m
from plrdesk.ui.context import StudyContext
from plrdesk.ui.sessions.autosave import MAX_MS, Autosave
from tests.ui.sessions.conftest import query


def first_entry(qtbot: QtBot, ctx: StudyContext) -> uuid.UUID:
    return query(
        qtbot, ctx.runner, lambda db: db.scalars(select(m.Entry.id).filter_by(ref="E1")).one()
    )


def text_of(qtbot: QtBot, ctx: StudyContext, entry_id: uuid.UUID) -> str | None:
    return query(qtbot, ctx.runner, lambda db: db.get_one(m.Entry, entry_id).text)


def test_a_pause_saves_and_says_when(qtbot: QtBot, ctx: StudyContext) -> None:
    entry_id = first_entry(qtbot, ctx)
    said: list[str] = []
    autosave = Autosave(ctx.runner, said.append)
    with qtbot.waitSignal(autosave.sig_saved, timeout=2000):
        autosave.touch(entry_id, "paused here")
    assert said[-1].startswith("Saved at ")
    assert text_of(qtbot, ctx, entry_id) == "paused here"
    assert autosave.is_idle()


def test_steady_typing_is_saved_within_the_ceiling(qtbot: QtBot, ctx: StudyContext) -> None:
    entry_id = first_entry(qtbot, ctx)
    autosave = Autosave(ctx.runner, lambda _text: None)
    typed: list[str] = []
    ticker = QTimer()
    ticker.setInterval(20)  # a keystroke every 20 ms: the idle timer never fires

    def key() -> None:
        typed.append("x")
        autosave.touch(entry_id, "".join(typed))

    ticker.timeout.connect(key)
    saves: list[float] = []
    autosave.sig_saved.connect(lambda _at: saves.append(time.monotonic()))
    started = time.monotonic()
    ticker.start()
    qtbot.waitUntil(lambda: len(saves) >= 3, timeout=5000)
    ticker.stop()
    gaps = [b - a for a, b in zip([started, *saves], saves, strict=False)]
    assert max(gaps) < 1.0, gaps  # never a second without a save
    assert gaps[0] >= MAX_MS / 1000 - 0.05, gaps  # not more often than the ceiling
    saved = text_of(qtbot, ctx, entry_id)
    assert saved is not None
    assert set(saved) == {"x"}


def test_a_failed_save_is_kept_and_tried_again(qtbot: QtBot, ctx: StudyContext) -> None:
    entry_id = first_entry(qtbot, ctx)
    said: list[str] = []
    failures = iter([True])

    real_run = ctx.runner.run

    def flaky_run(op, on_done=None, on_error=None, **kw):  # type: ignore[no-untyped-def]
        if next(failures, False):
            assert on_error is not None
            QTimer.singleShot(0, lambda: on_error(RuntimeError("disk busy")))
            return None
        return real_run(op, on_done, on_error, **kw)

    ctx.runner.run = flaky_run  # type: ignore[method-assign]
    autosave = Autosave(ctx.runner, said.append, idle_ms=10, max_ms=20)
    autosave._retry.setInterval(50)
    with qtbot.waitSignal(autosave.sig_failed):
        autosave.touch(entry_id, "keep me")
    assert "Not saved yet" in said[-1]
    with qtbot.waitSignal(autosave.sig_saved, timeout=2000):
        pass
    assert text_of(qtbot, ctx, entry_id) == "keep me"
