"""A phone call the parent declined is no interview held: the summary's session counts
leave it out (issue 11: before, a declined call was counted as a phone interview), and a
call's note (why they declined, "call back Tuesday") survives a dump and an import."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import select

from plrdesk.cli.study_commands import shipped_forms
from plrdesk.domain import models as m
from plrdesk.export.study import export_study
from plrdesk.storage.study_file import StudyFile
from tests.conftest import CliResult
from tests.support.files import PASSPHRASE


def phone_count(study: StudyFile) -> int:
    with study.transaction() as db:
        methods = json.loads(export_study(db, shipped_forms(), "json").data)["methods"]
    count: int = methods["sessions"]["phone-interview"]
    return count


def add_attempt(study: StudyFile, ref: str, outcome: str, note: str) -> None:
    with study.transaction() as db:
        session = db.scalars(select(m.StudySession).filter_by(ref=ref)).one()
        at = dt.datetime(2009, 1, 20, 10, 0, tzinfo=dt.UTC)
        position = len(session.call_attempts)
        session.call_attempts.append(
            m.CallAttempt(at=at, outcome=outcome, note=note, position=position)
        )


def test_a_declined_call_is_not_counted_as_an_interview(demo_study: StudyFile) -> None:
    before = phone_count(demo_study)
    add_attempt(demo_study, "S7", "declined", "does not want to take part after all")
    assert phone_count(demo_study) == before - 1


def test_call_notes_survive_a_dump_and_an_import(
    cli: Callable[..., CliResult], demo_path: Path, tmp_path: Path
) -> None:
    with StudyFile.open(demo_path, PASSPHRASE) as study:
        add_attempt(study, "S8", "no-answer", "call back Tuesday after 4")
    dumped = tmp_path / "dump.json"
    result = cli("dump", demo_path, "-o", dumped, "--yes")
    assert result.code == 0, result.err
    copy = tmp_path / "copy.plr"
    result = cli("import", copy, dumped)
    assert result.code == 0, result.err
    with StudyFile.open(copy, PASSPHRASE) as study, study.transaction() as db:
        notes = list(db.scalars(select(m.CallAttempt.note).where(m.CallAttempt.note.is_not(None))))
    assert "call back Tuesday after 4" in notes


def test_the_overview_neither_counts_a_declined_call_nor_chases_its_parent(
    demo_study: StudyFile,
) -> None:
    from plrdesk.services.overview import study_overview

    with demo_study.transaction() as db:
        before = study_overview(db, shipped_forms())
    add_attempt(demo_study, "S7", "declined", "does not want to take part after all")
    with demo_study.transaction() as db:
        after = study_overview(db, shipped_forms())
    assert after.sessions["phone-interview"] == before.sessions["phone-interview"] - 1
    assert not any("no successful call" in t.text and "S7" in t.targets for t in after.todo)
