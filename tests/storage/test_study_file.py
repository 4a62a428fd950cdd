"""The encrypted study file: standard SQLCipher 4, safety pragmas, one key derivation."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import sqlcipher3
from sqlalchemy import func, select

from plrdesk.domain import models as m
from plrdesk.storage.errors import NotAStudyFile, NotSQLCipher, StudyExists, WrongPassphrase
from plrdesk.storage.study_file import StudyFile
from tests.support.files import PASSPHRASE


def test_any_sqlcipher4_client_opens_it_with_the_passphrase_alone(demo_path: Path) -> None:
    conn = sqlcipher3.connect(str(demo_path))
    conn.execute(f"PRAGMA key = '{PASSPHRASE}'")
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"study", "participant", "consent", "session", "entry", "theme", "coding"} <= tables
    assert conn.execute("SELECT count(*) FROM participant").fetchone()[0] == 16
    assert conn.execute("SELECT title FROM study").fetchone()[0].startswith("Integrated working")
    conn.close()


def test_the_file_uses_sqlcipher_defaults(demo_study: StudyFile) -> None:
    settings = {row[0] for row in demo_study.raw_execute("PRAGMA cipher_settings")}
    assert "PRAGMA kdf_iter = 256000;" in settings
    assert "PRAGMA cipher_page_size = 4096;" in settings
    assert "PRAGMA cipher_hmac_algorithm = HMAC_SHA512;" in settings
    assert demo_study.raw_execute("PRAGMA cipher_version")[0][0].startswith("4.")


def test_the_file_is_not_readable_without_the_key(demo_path: Path) -> None:
    raw = demo_path.read_bytes()
    assert not raw.startswith(b"SQLite format 3")
    assert b"participant" not in raw
    with pytest.raises(sqlite3.DatabaseError):
        sqlite3.connect(demo_path).execute("SELECT * FROM sqlite_master").fetchall()


@pytest.mark.parametrize(
    ("pragma", "expected"),
    [
        ("journal_mode", "wal"),
        ("synchronous", 2),
        ("temp_store", 2),
        ("foreign_keys", 1),
        ("secure_delete", 1),
    ],
)
def test_each_open_sets_the_safety_pragmas(
    demo_study: StudyFile, pragma: str, expected: object
) -> None:
    assert demo_study.raw_execute(f"PRAGMA {pragma}")[0][0] == expected


def test_opening_fails_closed_without_sqlcipher(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A driver build without encryption answers `PRAGMA cipher_version` with nothing;
    # stdlib sqlite3 is exactly such a driver.
    monkeypatch.setattr(sqlcipher3, "connect", sqlite3.connect)
    before = demo_path.read_bytes()
    with pytest.raises(NotSQLCipher):
        StudyFile.open(demo_path, PASSPHRASE)
    with pytest.raises(NotSQLCipher):
        StudyFile.create(demo_path.with_name("new.plr"), PASSPHRASE, title="t")
    assert demo_path.read_bytes() == before
    assert not demo_path.with_name("new.plr").exists()


def test_the_key_is_derived_once_per_open(demo_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    keyings: list[str] = []
    real_connect = sqlcipher3.connect

    class CountingConnection:
        """Wraps the real connection to count PRAGMA key statements (each one a PBKDF2 run)."""

        def __init__(self, *args: object, **kwargs: object) -> None:
            self._conn = real_connect(*args, **kwargs)

        def execute(self, sql: str, *params: object) -> object:
            if sql.upper().startswith("PRAGMA KEY"):
                keyings.append(sql)
            return self._conn.execute(sql, *params)

        def __getattr__(self, name: str) -> object:
            return getattr(self._conn, name)

    monkeypatch.setattr(sqlcipher3, "connect", CountingConnection)
    with StudyFile.open(demo_path, PASSPHRASE) as study:
        for _ in range(20):
            with study.transaction() as db:
                db.scalar(select(func.count()).select_from(m.Entry))
                db.execute(select(m.Participant)).all()
    assert len(keyings) == 1


def test_wrong_passphrase_is_refused(demo_path: Path) -> None:
    with pytest.raises(WrongPassphrase):
        StudyFile.open(demo_path, "not the passphrase")


def test_create_refuses_to_overwrite(demo_path: Path) -> None:
    with pytest.raises(StudyExists):
        StudyFile.create(demo_path, PASSPHRASE, title="again")


def test_an_encrypted_database_that_is_not_a_study_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.plr"
    conn = sqlcipher3.connect(str(path))
    conn.execute(f"PRAGMA key = '{PASSPHRASE}'")
    conn.execute("CREATE TABLE notes(x)")
    conn.commit()
    conn.close()
    with pytest.raises(NotAStudyFile, match="not a plrdesk study"):
        StudyFile.open(path, PASSPHRASE)


def test_rekey_keeps_every_row_and_the_old_passphrase_fails(demo_path: Path) -> None:
    def counts(study: StudyFile) -> dict[str, int]:
        tables = ["participant", "consent", "session", "entry", "theme", "coding", "identifier"]
        return {t: study.raw_execute(f"SELECT count(*) FROM {t}")[0][0] for t in tables}

    with StudyFile.open(demo_path, PASSPHRASE) as study:
        before = counts(study)
        study.rekey("granite willow teapot marching")
    with pytest.raises(WrongPassphrase):
        StudyFile.open(demo_path, PASSPHRASE)
    with StudyFile.open(demo_path, "granite willow teapot marching") as study:
        assert counts(study) == before
        assert study.integrity_problems() == []


def test_close_leaves_no_wal_behind(demo_path: Path) -> None:
    with StudyFile.open(demo_path, PASSPHRASE) as study, study.transaction() as db:
        db.scalars(select(m.Entry)).first().text = "changed"  # type: ignore[union-attr]
    wal = Path(f"{demo_path}-wal")
    assert not wal.exists() or wal.stat().st_size == 0
