"""Tests of the test tool ``tests.support.sqlcipher_pages``.

A leak test built on that tool is only meaningful if the tool really finds
plaintext where SQLCipher put it, so these tests write a marker with the bare
``sqlcipher3`` driver and check the tool finds it in the WAL and, after a
checkpoint, in the main file, while the raw bytes never contain it.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

import pytest
import sqlcipher3

from tests.support.sqlcipher_pages import (
    PAGE_SIZE,
    decrypt_database,
    decrypt_wal,
    derive_key,
    plaintext_everywhere,
    read_salt,
)

PASSPHRASE = "correct horse battery staple"
MARKER = b"PLRDESK-MARKER-7f3c9a"


class _Cursor(Protocol):
    def fetchall(self) -> list[tuple[object, ...]]: ...


class _Connection(Protocol):
    """The slice of the untyped sqlcipher3 connection these tests use."""

    def execute(self, sql: str, parameters: tuple[object, ...] = ..., /) -> _Cursor: ...

    def commit(self) -> None: ...

    def close(self) -> None: ...


def _open(path: Path, key_pragma: str) -> _Connection:
    conn: _Connection = sqlcipher3.connect(str(path))
    conn.execute(f"PRAGMA key = {key_pragma}")
    return conn


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "study.plr"


@pytest.fixture
def conn(db_path: Path) -> Iterator[_Connection]:
    """An open WAL-mode database holding one committed row with the marker.

    The connection stays open for the test because closing the last
    connection checkpoints and deletes the WAL.
    """
    connection = _open(db_path, f"'{PASSPHRASE}'")
    assert connection.execute("PRAGMA journal_mode=WAL").fetchall() == [("wal",)]
    connection.execute("CREATE TABLE notes (body TEXT)")
    connection.execute("INSERT INTO notes VALUES (?)", (MARKER.decode(),))
    connection.commit()
    yield connection
    connection.close()


def _wal(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + "-wal")


def _raw_bytes_everywhere(db_path: Path) -> bytes:
    return b"".join(
        p.read_bytes()
        for p in (db_path, _wal(db_path), db_path.with_name(db_path.name + "-shm"))
        if p.exists()
    )


def test_marker_found_in_wal_before_checkpoint(db_path: Path, conn: _Connection) -> None:
    wal = _wal(db_path)
    assert wal.stat().st_size > 0
    wal_pages = decrypt_wal(wal, PASSPHRASE, read_salt(db_path))
    assert MARKER in b"".join(wal_pages)
    # The row is only in the WAL so far, so finding it proves the WAL decoding works.
    assert MARKER not in b"".join(decrypt_database(db_path, PASSPHRASE))
    assert MARKER in plaintext_everywhere(db_path, PASSPHRASE)
    assert MARKER not in _raw_bytes_everywhere(db_path)


def test_marker_found_in_main_file_after_checkpoint(db_path: Path, conn: _Connection) -> None:
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
    assert _wal(db_path).stat().st_size == 0
    assert decrypt_wal(_wal(db_path), PASSPHRASE, read_salt(db_path)) == []
    assert MARKER in b"".join(decrypt_database(db_path, PASSPHRASE))
    assert MARKER in plaintext_everywhere(db_path, PASSPHRASE)
    assert MARKER not in _raw_bytes_everywhere(db_path)


def test_decrypted_pages_form_a_plain_sqlite_database(
    db_path: Path, conn: _Connection, tmp_path: Path
) -> None:
    # Byte-exact decryption of every page is the strongest evidence the format
    # is right: stock SQLite must be able to read the result.
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
    pages = decrypt_database(db_path, PASSPHRASE)
    assert len(pages) == db_path.stat().st_size // PAGE_SIZE
    plain_path = tmp_path / "plain.db"
    plain_path.write_bytes(b"".join(pages))
    plain = sqlite3.connect(plain_path)
    try:
        assert plain.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert plain.execute("SELECT body FROM notes").fetchall() == [(MARKER.decode(),)]
    finally:
        plain.close()


def test_derive_key_matches_sqlcipher_raw_key(db_path: Path, conn: _Connection) -> None:
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
    salt = read_salt(db_path)
    key = derive_key(PASSPHRASE, salt)
    assert key == hashlib.pbkdf2_hmac("sha512", PASSPHRASE.encode(), salt, 256_000, 32)
    # SQLCipher accepts the derived key plus salt as a raw key and skips its KDF,
    # so opening the file this way confirms it derives the same key.
    raw = _open(db_path, f"\"x'{key.hex()}{salt.hex()}'\"")
    try:
        assert raw.execute("SELECT body FROM notes").fetchall() == [(MARKER.decode(),)]
    finally:
        raw.close()


def test_wrong_passphrase_raises_naming_page_1(db_path: Path, conn: _Connection) -> None:
    with pytest.raises(ValueError, match="page 1"):
        decrypt_database(db_path, "wrong passphrase")
    with pytest.raises(ValueError, match="page 1"):
        plaintext_everywhere(db_path, "wrong passphrase")
    with pytest.raises(ValueError, match="HMAC check failed"):
        decrypt_wal(_wal(db_path), "wrong passphrase", read_salt(db_path))


def test_tampered_page_raises_naming_that_page(db_path: Path, conn: _Connection) -> None:
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
    data = bytearray(db_path.read_bytes())
    assert len(data) >= 2 * PAGE_SIZE
    data[PAGE_SIZE + 100] ^= 0x01  # one bit of page 2's ciphertext
    tampered = db_path.with_name("tampered.plr")
    tampered.write_bytes(bytes(data))
    with pytest.raises(ValueError, match="page 2"):
        decrypt_database(tampered, PASSPHRASE)


def test_missing_wal_is_empty(tmp_path: Path) -> None:
    assert decrypt_wal(tmp_path / "absent-wal", PASSPHRASE, bytes(16)) == []


def test_missing_database_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        plaintext_everywhere(tmp_path / "absent.plr", PASSPHRASE)
