"""Importing study data in the app: off the GUI thread, with progress, all or nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from plrdesk.domain import models as m
from plrdesk.ui.context import StudyContext
from plrdesk.ui.import_data import start_import
from plrdesk.ui.operations import read


def extra_sessions(count: int) -> dict[str, object]:
    return {
        "format": "plrdesk-study",
        "version": 1,
        "sessions": [
            {
                "ref": f"S-x{n}",
                "kind": "practitioner-interview",
                "guide": "practitioner-interview",
                "participants": ["P1"],
                "entries": [{"ref": f"E-x{n}", "question": "tools", "speaker": "P1", "text": "x"}],
            }
            for n in range(count)
        ],
    }


def sessions_in(db: Session) -> int:
    return db.scalar(select(func.count()).select_from(m.StudySession)) or 0


def count_sessions(qtbot: QtBot, ctx: StudyContext) -> int:
    got: list[int] = []
    ctx.runner.run(read(sessions_in), got.append)
    qtbot.waitUntil(lambda: bool(got))
    return got[0]


def test_import_runs_with_progress_and_reports(
    qtbot: QtBot, ctx: StudyContext, tmp_path: Path
) -> None:
    data = tmp_path / "more.json"
    data.write_text(json.dumps(extra_sessions(30)))
    parent = QWidget()
    qtbot.addWidget(parent)
    with qtbot.waitSignal(ctx.runner.sig_status, timeout=10_000) as status:
        start_import(parent, ctx, data)
    assert "Imported more.json" in status.args[0]
    assert count_sessions(qtbot, ctx) == 11 + 30


def test_a_bad_file_changes_nothing_and_says_where(
    qtbot: QtBot, ctx: StudyContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    doc = extra_sessions(3)
    doc["sessions"][2]["entries"][0]["speaker"] = "NOBODY"  # type: ignore[index]
    data = tmp_path / "bad.json"
    data.write_text(json.dumps(doc))
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *args: shown.append(args[2]))
    parent = QWidget()
    qtbot.addWidget(parent)
    start_import(parent, ctx, data)
    qtbot.waitUntil(lambda: bool(shown), timeout=10_000)
    assert "sessions[2].entries[0].speaker" in shown[0]
    assert "Nothing was changed" in shown[0]
    assert count_sessions(qtbot, ctx) == 11
