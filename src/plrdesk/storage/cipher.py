"""Opening one SQLCipher 4 connection: key it once, then set and check the safety pragmas.

The key derivation (PBKDF2, 256,000 rounds) costs about 0.1 s; it is paid here, once
per open, and the connection is then held for the life of the open study.
SQLCipher's own settings are left at their version-4 defaults so any SQLCipher 4
client opens the file with the passphrase alone.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlcipher3

from plrdesk.storage.errors import NotAStudyFile, NotSQLCipher, PragmaNotApplied, WrongPassphrase

PAGE_SIZE = 4096
_SQLITE_MAGIC = b"SQLite format 3\x00"

# pragma -> (statement, expected value as read back)
SAFETY_PRAGMAS: dict[str, tuple[str, object]] = {
    "journal_mode": ("PRAGMA journal_mode = WAL", "wal"),
    "synchronous": ("PRAGMA synchronous = FULL", 2),
    "temp_store": ("PRAGMA temp_store = MEMORY", 2),
    "foreign_keys": ("PRAGMA foreign_keys = ON", 1),
    "secure_delete": ("PRAGMA secure_delete = ON", 1),
}


def quote_passphrase(passphrase: str) -> str:
    """The passphrase as an SQL string literal (PRAGMA takes no bound parameters)."""
    if "\x00" in passphrase:
        raise ValueError("a passphrase cannot contain a NUL character")
    return "'" + passphrase.replace("'", "''") + "'"


def sniff_existing(path: Path) -> None:
    """Cheap checks before keying: empty, plain SQLite, or not whole pages means not a study."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise NotAStudyFile(f"{path}: no such file") from None
    if size == 0:
        raise NotAStudyFile(f"{path}: the file is empty, not a plrdesk study")
    with path.open("rb") as handle:
        head = handle.read(len(_SQLITE_MAGIC))
    if head == _SQLITE_MAGIC:
        raise NotAStudyFile(f"{path}: this is an unencrypted SQLite file, not a plrdesk study")
    if size % PAGE_SIZE:
        raise NotAStudyFile(f"{path}: the file is damaged or not a plrdesk study (partial page)")


def connect(path: Path, passphrase: str, *, must_exist: bool) -> Any:
    """A keyed, checked sqlcipher3 connection in autocommit mode (SQLAlchemy drives transactions).

    Raises WrongPassphrase, NotAStudyFile or NotSQLCipher; never leaves a connection open
    on failure.
    """
    if must_exist:
        sniff_existing(path)
    conn = sqlcipher3.connect(str(path), check_same_thread=False, isolation_level=None)
    try:
        version = conn.execute("PRAGMA cipher_version").fetchone()
        if not version or not version[0]:
            raise NotSQLCipher("the database driver does not encrypt; refusing to open the study")
        # SQLCipher logs HMAC failures on stderr; the user gets our one-line message instead.
        conn.execute("PRAGMA cipher_log_level = NONE")
        conn.execute(f"PRAGMA key = {quote_passphrase(passphrase)}")
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlcipher3.DatabaseError as exc:
            if must_exist:
                raise WrongPassphrase(f"{path}: wrong passphrase, or the file is damaged") from exc
            raise
        apply_safety_pragmas(conn)
    except BaseException:
        conn.close()
        raise
    return conn


def apply_safety_pragmas(conn: Any) -> None:
    """Set WAL, synchronous=FULL, temp_store=MEMORY, foreign_keys and secure_delete; check each."""
    for name, (statement, expected) in SAFETY_PRAGMAS.items():
        try:
            conn.execute(statement).fetchall()
            got = conn.execute(f"PRAGMA {name}").fetchone()[0]
        except sqlcipher3.DatabaseError as exc:
            raise NotAStudyFile(f"the file is damaged ({exc})") from exc
        if got != expected:
            raise PragmaNotApplied(f"PRAGMA {name} is {got!r}, expected {expected!r}")
