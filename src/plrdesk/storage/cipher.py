"""Opening one SQLCipher 4 connection: key it once, then set and check the safety pragmas.

The key derivation (PBKDF2, 256,000 rounds) costs about 0.1 s; it is paid here, once
per open, and the connection is then held for the life of the open study.
SQLCipher's own settings are left at their version-4 defaults so any SQLCipher 4
client opens the file with the passphrase alone.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

import sqlcipher3

from plrdesk.storage import driver_errors, pages
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


def connect(path: Path, passphrase: str, *, must_exist: bool, read_only: bool = False) -> Any:
    """A keyed, checked sqlcipher3 connection in autocommit mode (SQLAlchemy drives transactions).

    `read_only` opens a study on a read-only disk or folder, where SQLite can make no
    `-wal` or `-shm`: as immutable, which is true there, since nobody can write it.
    Raises WrongPassphrase, NotAStudyFile, NotSQLCipher, DiskFull or ReadOnlyLocation;
    never leaves a connection open on failure.
    """
    if must_exist:
        sniff_existing(path)
    if read_only:
        target, uri = f"file:{quote(str(path.absolute()))}?immutable=1", True
    else:
        target, uri = str(path), False
    conn = sqlcipher3.connect(target, uri=uri, check_same_thread=False, isolation_level=None)
    try:
        version = conn.execute("PRAGMA cipher_version").fetchone()
        if not version or not version[0]:
            raise NotSQLCipher("the database driver does not encrypt; refusing to open the study")
        # SQLCipher logs HMAC failures on stderr; the user gets our one-line message instead.
        conn.execute("PRAGMA cipher_log_level = NONE")
        conn.execute(f"PRAGMA key = {quote_passphrase(passphrase)}")
        # Wait for another process's brief locks (a reader's checkpoint) instead of failing.
        conn.execute("PRAGMA busy_timeout = 5000")
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlcipher3.DatabaseError as exc:
            raise _first_read_failure(exc, path, passphrase, must_exist=must_exist) from exc
        apply_safety_pragmas(conn, path, read_only=read_only)
    except BaseException:
        conn.close()
        raise
    return conn


def _first_read_failure(
    exc: sqlcipher3.DatabaseError, path: Path, passphrase: str, *, must_exist: bool
) -> Exception:
    """What a failed first read means: a full disk, a read-only folder, damage, or (only
    when the first page does not verify under this passphrase) a wrong passphrase."""
    known = driver_errors.classify(exc, path)
    primary = (getattr(exc, "sqlite_errorcode", 0) or 0) & 0xFF
    if known is not None and primary != driver_errors.SQLITE_NOTADB:
        return known
    if not must_exist:
        unknown: Exception = exc
        return unknown
    if pages.first_page_verifies(path, passphrase):
        return NotAStudyFile(f"{path}: the file is damaged ({exc}); see docs/recovery.md")
    return WrongPassphrase(f"{path}: wrong passphrase, or the file is damaged")


def apply_safety_pragmas(conn: Any, path: Path, *, read_only: bool = False) -> None:
    """Set WAL, synchronous=FULL, temp_store=MEMORY, foreign_keys and secure_delete; check each.

    An immutable (read-only) open has no journal at all, so its journal mode is not asked.
    """
    for name, (statement, expected) in SAFETY_PRAGMAS.items():
        if read_only and name == "journal_mode":
            continue
        try:
            conn.execute(statement).fetchall()
            got = conn.execute(f"PRAGMA {name}").fetchone()[0]
        except sqlcipher3.DatabaseError as exc:
            known = driver_errors.classify(exc, path)
            raise known or NotAStudyFile(f"the file is damaged ({exc})") from exc
        if got != expected:
            raise PragmaNotApplied(f"PRAGMA {name} is {got!r}, expected {expected!r}")
