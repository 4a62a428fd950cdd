"""Error classification, case by case: what each driver or disk failure is called.

The end-to-end cases (a real full tmpfs, a read-only mount, a truncated file, another
process's lock) are in tests/cli/test_disk_errors.py and test_study_lock.py; here each
SQLite result code and errno is injected at the driver boundary, so every branch is seen.
"""

from __future__ import annotations

import errno
from pathlib import Path

import pytest
import sqlalchemy.exc
import sqlcipher3

from plrdesk.storage import driver_errors
from plrdesk.storage.errors import (
    DatabaseRefused,
    DiskFull,
    NotAStudyFile,
    ReadOnlyLocation,
    StudyBusy,
)


def _driver_error(code: int, message: str) -> Exception:
    exc: Exception = sqlcipher3.OperationalError(message)
    setattr(exc, "sqlite_errorcode", code)  # noqa: B010 - as the driver sets it
    return exc


@pytest.mark.parametrize(
    ("code", "message", "kind", "words"),
    [
        (5, "database is locked", StudyBusy, "another program is using the study"),
        (6, "database table is locked", StudyBusy, "another program"),
        (13, "database or disk is full", DiskFull, "the disk is full"),
        (11, "database disk image is malformed", NotAStudyFile, "damaged"),
        (26, "file is not a database", NotAStudyFile, "damaged"),
        (10 | (12 << 8), "disk I/O error", NotAStudyFile, "the disk reported an error"),
    ],
)
def test_each_sqlite_code_is_called_what_it_is(
    tmp_path: Path, code: int, message: str, kind: type[Exception], words: str
) -> None:
    found = driver_errors.classify(_driver_error(code, message), tmp_path / "s.plr")
    assert isinstance(found, kind)
    assert words in str(found)


def test_an_io_error_with_no_space_left_is_a_full_disk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(driver_errors, "free_bytes", lambda path: 0)
    found = driver_errors.classify(_driver_error(10, "disk I/O error"), tmp_path / "s.plr")
    assert isinstance(found, DiskFull)
    assert (
        str(found) == f"{tmp_path / 's.plr'}: the disk is full (0.0 MB free); nothing was changed"
    )


def test_a_read_only_location_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(driver_errors, "location_is_read_only", lambda path: True)
    for code in (8, 14, 10):
        found = driver_errors.classify(_driver_error(code, "x"), tmp_path / "s.plr")
        assert isinstance(found, ReadOnlyLocation), code
        assert str(found) == f"{tmp_path / 's.plr'} is on a read-only disk or folder"


@pytest.mark.parametrize(
    ("number", "kind"),
    [(errno.ENOSPC, DiskFull), (errno.EDQUOT, DiskFull), (errno.EROFS, ReadOnlyLocation)],
)
def test_os_errors(tmp_path: Path, number: int, kind: type[Exception]) -> None:
    assert isinstance(driver_errors.classify(OSError(number, "x"), tmp_path / "s.plr"), kind)


def test_an_unknown_error_is_left_alone(tmp_path: Path) -> None:
    assert driver_errors.classify(ValueError("x"), tmp_path) is None
    assert driver_errors.classify(OSError(errno.EPERM, "x"), tmp_path) is None


def test_sqlalchemy_wrappers_are_unwrapped_and_shown_without_sql_or_values(tmp_path: Path) -> None:
    inner = sqlcipher3.IntegrityError("NOT NULL constraint failed: entry.session_id")
    inner.sqlite_errorcode = 19  # the driver's untyped exception
    wrapped = sqlalchemy.exc.IntegrityError(
        "INSERT INTO entry (text) VALUES (?)", ("Sam said his dad hits him",), inner
    )
    assert "Sam said" in str(wrapped)  # what used to reach the status bar
    plain = driver_errors.plain(wrapped, tmp_path / "s.plr")
    assert isinstance(plain, DatabaseRefused)
    assert (
        str(plain) == "the study refused the change (NOT NULL constraint failed: entry.session_id)"
    )
    locked = sqlalchemy.exc.OperationalError(
        "UPDATE entry SET text=?", ("words",), _driver_error(5, "database is locked")
    )
    assert isinstance(driver_errors.plain(locked, tmp_path / "s.plr"), StudyBusy)
