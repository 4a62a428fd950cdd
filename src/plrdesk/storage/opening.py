"""Keying an existing study's connection safely: read-only places, a stranger's `-wal`.

Kept apart from `study_file` (and SQLAlchemy) so that `plrdesk info`, which opens a
study with the bare driver to start fast, takes exactly the same path.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from plrdesk.storage import cipher, driver_errors, study_lock, wal_check
from plrdesk.storage.errors import ReadOnlyLocation


def connect_existing(path: Path, passphrase: str, *, writer: bool) -> tuple[Any, Path | None, bool]:
    """The keyed connection of an existing study, with a stranger's `-wal` set aside first.

    Returns (connection, where a foreign -wal was moved or None, opened read-only). A
    reader checks the -wal only when no writer holds the study (then the -wal is the
    writer's own and is being written); a writer always does, before SQLite sees it.
    """
    cipher.sniff_existing(path)
    read_only = driver_errors.location_is_read_only(path)
    if read_only:
        if writer:
            raise driver_errors.read_only(path)
        wal = path.with_name(path.name + "-wal")
        if wal.exists() and wal.stat().st_size:
            raise ReadOnlyLocation(
                f"{path} is on a read-only disk or folder with unsaved changes in {wal.name};"
                " copy both files to a writable folder and open the copy"
            )
        return cipher.connect(path, passphrase, must_exist=True, read_only=True), None, True
    if writer:
        set_aside = wal_check.set_aside_if_foreign(path, passphrase)
        return cipher.connect(path, passphrase, must_exist=True), set_aside, False
    with study_lock.unless_written(path) as alone:
        set_aside = wal_check.set_aside_if_foreign(path, passphrase) if alone else None
        return cipher.connect(path, passphrase, must_exist=True), set_aside, False
