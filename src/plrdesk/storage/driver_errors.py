"""What a failure of the database driver or the disk really is, in one place.

SQLite reports a full disk, a read-only folder, another process's lock and a damaged
page through a handful of result codes; shown raw they all read like damage, and a
researcher told "damaged" goes looking for an old backup. `classify` turns each into the
`StudyFileError` that names it, so the command line and the app word it the same way.
"""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path

from plrdesk.storage.errors import (
    DatabaseRefused,
    DiskFull,
    NotAStudyFile,
    ReadOnlyLocation,
    StudyBusy,
    StudyFileError,
)

# SQLite's primary result codes (the low byte of an extended code).
SQLITE_BUSY = 5
SQLITE_LOCKED = 6
SQLITE_READONLY = 8
SQLITE_IOERR = 10
SQLITE_CORRUPT = 11
SQLITE_FULL = 13
SQLITE_CANTOPEN = 14
SQLITE_NOTADB = 26

# Below this much free space an I/O error is taken to be the full disk it almost surely
# is: SQLite needs room for a -wal frame and the 32 KiB -shm index before it can even read.
LOW_SPACE_BYTES = 1 << 20


def free_bytes(path: Path) -> int | None:
    folder = path if path.is_dir() else path.parent
    try:
        return shutil.disk_usage(folder).free
    except OSError:
        return None


def disk_full(path: Path) -> DiskFull:
    free = free_bytes(path)
    amount = f" ({free / 1_000_000:.1f} MB free)" if free is not None else ""
    return DiskFull(f"{path}: the disk is full{amount}; nothing was changed")


def read_only(path: Path) -> ReadOnlyLocation:
    return ReadOnlyLocation(f"{path} is on a read-only disk or folder")


def location_is_read_only(path: Path) -> bool:
    """The study's folder (or the file itself) cannot be written, even by root."""
    folder = path.parent
    try:
        if os.statvfs(folder).f_flag & os.ST_RDONLY:
            return True
    except OSError:
        return False
    return not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK))


def classify(exc: BaseException, path: Path) -> StudyFileError | None:
    """The StudyFileError `exc` really is, or None when it is none of these."""
    if isinstance(exc, StudyFileError):
        return exc
    exc = getattr(exc, "orig", None) or exc  # SQLAlchemy wraps the driver's own error
    if isinstance(exc, OSError):
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            return disk_full(path)
        if exc.errno == errno.EROFS:
            return read_only(path)
        return None
    code = getattr(exc, "sqlite_errorcode", None)
    if code is None:
        return None
    primary = code & 0xFF
    if primary in (SQLITE_BUSY, SQLITE_LOCKED):
        return StudyBusy(f"{path}: another program is using the study; try again in a moment")
    if primary == SQLITE_FULL:
        return disk_full(path)
    if primary in (SQLITE_READONLY, SQLITE_CANTOPEN) and location_is_read_only(path):
        return read_only(path)
    if primary == SQLITE_IOERR:
        free = free_bytes(path)
        if free is not None and free < LOW_SPACE_BYTES:
            return disk_full(path)
        if location_is_read_only(path):
            return read_only(path)
        return NotAStudyFile(f"{path}: the disk reported an error reading or writing it ({exc})")
    if primary in (SQLITE_CORRUPT, SQLITE_NOTADB):
        return NotAStudyFile(f"{path}: the file is damaged ({exc}); see docs/recovery.md")
    return None


def plain(exc: Exception, path: Path) -> Exception:
    """`exc`, or what it really is, fit to show: never the SQL or the values a driver or
    SQLAlchemy error carries in its text (they hold the very words of a note)."""
    known = classify(exc, path)
    if known is not None:
        return known
    inner = getattr(exc, "orig", None)
    if inner is not None or hasattr(exc, "sqlite_errorcode"):
        # SQLite's own message names a constraint or a table, never a value.
        return DatabaseRefused(f"the study refused the change ({inner or exc})")
    return exc
