"""`plrdesk coding-copy STUDY OUT --coder NAME [--anonymised]`."""

from __future__ import annotations

import subprocess
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select

from plrdesk.domain import models as m
from plrdesk.storage.study_file import StudyFile
from plrdesk.storage.study_lock import APP
from tests.cli.test_study_lock import hold  # noqa: F401 - the fixture
from tests.conftest import CliResult
from tests.support.files import PASSPHRASE, digest

NEW = "violet harbour canoe ninety"


@pytest.fixture(autouse=True)
def _new_passphrase(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLRDESK_NEW_PASSPHRASE", NEW)


def test_an_anonymised_copy_is_made_under_the_new_passphrase(
    cli: Callable[..., CliResult], demo_path: Path, tmp_path: Path
) -> None:
    out = tmp_path / "for-dana.plr"
    result = cli("coding-copy", demo_path, out, "--coder", "Dana Mentor", "--anonymised")
    assert result.code == 0, result.err
    assert result.out.startswith(f"wrote {out}: an anonymised, blind coding copy for Dana Mentor")
    assert "no codings" in result.out
    assert result.err == ""
    with StudyFile.open(out, NEW) as copy, copy.transaction() as db:
        study = db.scalars(select(m.Study)).one()
        assert study.copy_coder == "Dana Mentor"
        assert list(db.scalars(select(m.Coding))) == []
    with StudyFile.open(demo_path, PASSPHRASE) as original, original.transaction() as db:
        record = db.get(m.CodingCopy, study_id(out))
        assert record is not None
        assert record.anonymised is True


def study_id(path: Path) -> uuid.UUID:
    with StudyFile.open(path, NEW) as copy, copy.transaction() as db:
        return db.scalars(select(m.Study.id)).one()


def test_a_plain_copy_says_blind(
    cli: Callable[..., CliResult], demo_path: Path, tmp_path: Path
) -> None:
    result = cli("coding-copy", demo_path, tmp_path / "c.plr", "--coder", "Dana")
    assert result.code == 0, result.err
    assert ": a blind coding copy for Dana:" in result.out


@pytest.mark.parametrize(
    ("env", "extra", "code", "message"),
    [
        ({"PLRDESK_NEW_PASSPHRASE": "abc123"}, [], 2, "plrdesk: passphrase too weak"),
        ({}, ["--coder", " "], 2, "plrdesk: --coder: give the second coder's name"),
    ],
)
def test_bad_input_makes_no_file_and_changes_nothing(
    cli: Callable[..., CliResult],
    demo_path: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    env: dict[str, str],
    extra: list[str],
    code: int,
    message: str,
) -> None:
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    out = tmp_path / "c.plr"
    before = digest(demo_path)
    result = cli("coding-copy", demo_path, out, "--coder", "Dana", *extra)
    assert result.code == code
    assert result.err.startswith(message)
    assert result.err.count("\n") == 1
    assert not out.exists()
    assert list(tmp_path.glob(".c.plr*")) == []
    assert digest(demo_path) == before


def test_a_weak_passphrase_is_taken_with_allow_weak(
    cli: Callable[..., CliResult],
    demo_path: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PLRDESK_NEW_PASSPHRASE", "abc123")
    out = tmp_path / "c.plr"
    result = cli("coding-copy", demo_path, out, "--coder", "Dana", "--allow-weak")
    assert result.code == 0, result.err
    StudyFile.open(out, "abc123").close()


def test_an_existing_out_or_the_study_itself_is_refused(
    cli: Callable[..., CliResult], demo_path: Path, tmp_path: Path
) -> None:
    out = tmp_path / "taken.plr"
    out.write_bytes(b"mine")
    before = digest(demo_path)
    result = cli("coding-copy", demo_path, out, "--coder", "Dana")
    assert result.code == 2
    assert result.err.startswith(f"plrdesk: {out}: ")
    assert "choose another name" in result.err
    assert out.read_bytes() == b"mine"
    result = cli("coding-copy", demo_path, demo_path, "--coder", "Dana")
    assert result.code != 0
    assert result.err.count("\n") == 1
    assert digest(demo_path) == before


def test_a_wrong_passphrase_or_a_missing_study(
    cli: Callable[..., CliResult], demo_path: Path, tmp_path: Path
) -> None:
    out = tmp_path / "c.plr"
    result = cli("coding-copy", demo_path, out, "--coder", "Dana", passphrase="not the one at all")
    assert result.code == 3
    assert not out.exists()
    result = cli("coding-copy", tmp_path / "nope.plr", out, "--coder", "Dana")
    assert result.code == 4
    assert result.err == f"plrdesk: {tmp_path / 'nope.plr'}: no such file\n"
    assert not out.exists()


def test_a_study_open_in_the_app_is_left_alone(
    cli: Callable[..., CliResult],
    demo_path: Path,
    tmp_path: Path,
    hold: Callable[[str], subprocess.Popen[str]],  # noqa: F811
) -> None:
    hold(APP)
    before = digest(demo_path)
    out = tmp_path / "c.plr"
    result = cli("coding-copy", demo_path, out, "--coder", "Dana")
    assert result.code == 6
    assert "close it there first" in result.err
    assert not out.exists()
    assert digest(demo_path) == before
