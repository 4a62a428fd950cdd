"""A failed save never shows SQL or the note's words, in the status bar or in the logs.

Before: the status bar showed SQLAlchemy's text, "[SQL: UPDATE entry SET text=?...]
[parameters: ('Sam said ...',)]": the very words of the note. Now the app's worker turns
every database error into its plain form first, and logs name the type, never the text.
"""

from __future__ import annotations

import logging
import uuid

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from plrdesk.domain import models as m
from plrdesk.ui.context import StudyContext
from plrdesk.ui.sessions.autosave import Autosave
from tests.ui.sessions.conftest import query

WORDS = "Sam said his dad hits him when he is late home"


def _refuse_every_entry_update(db: Session) -> None:
    # A real SQLite refusal on the study's own connection (TEMP: gone when it closes).
    db.execute(
        text(
            "CREATE TEMP TRIGGER refuse BEFORE UPDATE ON entry"
            " BEGIN SELECT RAISE(ABORT, 'refused for the test'); END"
        )
    )


def test_a_refused_save_says_why_without_sql_or_words(
    qtbot: QtBot, ctx: StudyContext, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    entry_id: uuid.UUID = query(
        qtbot, ctx.runner, lambda db: db.scalars(select(m.Entry.id).filter_by(ref="E1")).one()
    )
    query(qtbot, ctx.runner, _refuse_every_entry_update)
    said: list[str] = []
    autosave = Autosave(ctx.runner, said.append, idle_ms=10, max_ms=20)
    with qtbot.waitSignal(autosave.sig_failed) as failed:
        autosave.touch(entry_id, WORDS)
    message = failed.args[0]
    assert (
        message
        == "Not saved yet (the study refused the change (refused for the test)); trying again"
    )
    assert said[-1] == message
    for shown in [*said, caplog.text]:
        assert "Sam said" not in shown
        assert "UPDATE" not in shown
        assert "SQL" not in shown
