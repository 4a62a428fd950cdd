"""`plrdesk merge TARGET SOURCE`: the report, passphrases, refusals, the lock."""

from __future__ import annotations

import io
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select

from plrdesk.cli.exit_codes import Exit
from plrdesk.domain import models as m
from plrdesk.storage import study_lock
from plrdesk.storage.study_file import StudyFile
from plrdesk.storage.study_lock import StudyLock
from tests.conftest import CliResult
from tests.support.files import PASSPHRASE, digest
from tests.support.merging import change, copy_of, entry, read, snapshot

Cli = Callable[..., CliResult]
OTHER = "a different passphrase for the copy, long enough"


def _new_session(db: object, ref: str) -> uuid.UUID:
    from sqlalchemy.orm import Session

    assert isinstance(db, Session)
    session = m.StudySession(ref=ref, kind="other", position=40)
    db.add(session)
    db.flush()
    db.add(m.Entry(ref=f"E-{ref}", session_id=session.id, text="new words", position=0))
    return session.id


def test_merge_prints_counts_renames_and_conflicts(demo_path: Path, cli: Cli) -> None:
    other = copy_of(demo_path, "laptop-b.plr")
    change(demo_path, lambda db: _new_session(db, "S12"))
    theirs = change(other, lambda db: _new_session(db, "S12"))
    change(demo_path, lambda db: setattr(entry(db, "E3"), "text", "typed here"))
    change(other, lambda db: setattr(entry(db, "E3"), "text", "typed there"))
    result = cli("merge", demo_path, other)
    assert result.code == Exit.OK, result.err
    assert f"merged {other} into {demo_path}:" in result.out
    assert "added: 2 entries, 1 session" in result.out  # one a conflict copy
    assert "renamed session S12 -> " in result.out
    assert (
        "conflict: entry E3: changed in both copies; ours kept; theirs beside it as" in result.out
    )
    assert "a backup from before the merge is at" in result.out
    assert "typed" not in result.out  # refs and counts, never anyone's words
    assert read(demo_path, lambda db: db.get(m.StudySession, theirs)) is not None
    again = cli("merge", demo_path, other)
    assert again.code == Exit.OK
    assert "nothing new" in again.out
    assert "backup" not in again.out


def test_a_copy_made_with_backup_keeps_its_ids(demo_path: Path, cli: Cli, tmp_path: Path) -> None:
    copy = tmp_path / "copy.plr"
    assert cli("backup", demo_path, copy).code == Exit.OK
    assert "nothing new" in cli("merge", demo_path, copy).out
    change(copy, lambda db: setattr(entry(db, "E4"), "text", "edited in the backup"))
    result = cli("merge", demo_path, copy)
    assert "added: none" in result.out
    assert "updated: 1 entry" in result.out
    assert read(demo_path, lambda db: entry(db, "E4").text) == "edited in the backup"


def _rekeyed_copy(demo_path: Path) -> Path:
    other = copy_of(demo_path, "other.plr")
    with StudyFile.open(other, PASSPHRASE) as study:
        study.rekey(OTHER)
    with StudyFile.open(other, OTHER) as study, study.transaction() as db:
        _new_session(db, "S40")
    return other


def test_the_source_passphrase_from_the_environment(
    demo_path: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = _rekeyed_copy(demo_path)
    monkeypatch.setenv("PLRDESK_SOURCE_PASSPHRASE", OTHER)
    result = cli("merge", demo_path, other)
    assert result.code == Exit.OK, result.err
    assert "1 session" in result.out


def test_the_source_passphrase_asked_when_the_target_s_does_not_open_it(
    demo_path: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = _rekeyed_copy(demo_path)
    monkeypatch.setattr("sys.stdin", io.StringIO(OTHER + "\n"))
    result = cli("merge", demo_path, other)
    assert result.code == Exit.OK, result.err
    assert "the copy to merge" in result.err  # the second prompt


def test_a_wrong_source_passphrase_changes_nothing(
    demo_path: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = _rekeyed_copy(demo_path)
    before = digest(demo_path)
    monkeypatch.setattr("sys.stdin", io.StringIO("not it at all\n"))
    result = cli("merge", demo_path, other)
    assert result.code == Exit.WRONG_PASSPHRASE
    assert result.err.count("plrdesk: ") == 1  # after the prompt, one line
    assert "Traceback" not in result.err
    assert digest(demo_path) == before


def test_another_study_is_refused_in_one_line(
    demo_path: Path, empty_study_path: Path, cli: Cli
) -> None:
    before = snapshot(demo_path)
    result = cli("merge", demo_path, empty_study_path)
    assert result.code == Exit.INVALID_INPUT
    assert result.err.startswith(f"plrdesk: {empty_study_path}: it is not a copy of this study")
    assert "nothing was changed" in result.err
    assert len(result.err.strip().splitlines()) == 1
    assert snapshot(demo_path) == before


def test_a_missing_source_and_the_target_itself_are_refused(demo_path: Path, cli: Cli) -> None:
    assert cli("merge", demo_path, demo_path.with_name("nope.plr")).code == Exit.NOT_A_STUDY
    same = cli("merge", demo_path, demo_path)
    assert same.code == Exit.USAGE
    assert "TARGET itself" in same.err


def test_a_target_the_app_holds_is_busy(demo_path: Path, cli: Cli) -> None:
    other = copy_of(demo_path, "other.plr")
    change(other, lambda db: _new_session(db, "S40"))
    before = digest(demo_path)
    with StudyLock.acquire(demo_path, study_lock.APP):
        result = cli("merge", demo_path, other)
    assert result.code == Exit.BUSY
    assert digest(demo_path) == before


def test_a_dry_run_reports_and_changes_nothing(demo_path: Path, cli: Cli) -> None:
    other = copy_of(demo_path, "other.plr")
    change(other, lambda db: _new_session(db, "S40"))
    before = snapshot(demo_path)
    result = cli("merge", "--dry-run", demo_path, other)
    assert result.code == Exit.OK
    assert result.out.startswith(f"would merge {other} into {demo_path}:")
    assert "1 session" in result.out
    assert snapshot(demo_path) == before
    sessions = read(demo_path, lambda db: [s.ref for s in db.scalars(select(m.StudySession))])
    assert "S40" not in sessions


def test_a_coding_copy_brings_back_only_its_coders_codings(
    demo_path: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.services.test_coding_copy import COPY_PASSPHRASE, make_copy

    copy = demo_path.with_name("copy.plr")
    with StudyFile.open(demo_path, PASSPHRASE) as study:
        make_copy(study, copy, "Dana Mentor", anonymised=True)
    with StudyFile.open(copy, COPY_PASSPHRASE) as theirs, theirs.transaction() as db:
        note = db.scalars(select(m.Entry).order_by(m.Entry.ref)).first()
        theme = db.scalars(select(m.Theme).order_by(m.Theme.position)).first()
        assert note is not None
        assert theme is not None
        db.add(m.Coding(entry_id=note.id, theme_id=theme.id))  # the whole note
        db.add(m.StudySession(ref="S99", kind="other"))  # not brought: only codings come
    monkeypatch.setenv("PLRDESK_SOURCE_PASSPHRASE", COPY_PASSPHRASE)
    result = cli("merge", demo_path, copy)
    assert result.code == Exit.OK, result.err
    assert "codings from Dana Mentor's coding copy" in result.out
    assert "added: 1 coding" in result.out
    coders = read(demo_path, lambda db: [c.coder for c in db.scalars(select(m.Coding))])
    assert coders.count("Dana Mentor") == 1
    refs = read(demo_path, lambda db: [s.ref for s in db.scalars(select(m.StudySession))])
    assert "S99" not in refs
    assert "nothing new" in cli("merge", demo_path, copy).out
