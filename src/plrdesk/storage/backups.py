"""Encrypted backups with SQLCipher's own export, never a file copy.

`sqlcipher_export` into a database ATTACHed without a KEY clause writes a copy under
the open study's key, so a backup opens with the same passphrase and no second key
derivation is paid. The copy is written to a temporary name beside the target and
renamed into place, so a backup is either whole or absent.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path
from typing import Any, Protocol

from plrdesk.storage import files, study_lock
from plrdesk.storage.errors import NotAStudyFile, StudyBusy


class OpenStudy(Protocol):
    """What a backup needs of the open study (study_file.StudyFile is one): named here so
    study_file can back itself up without an import circle."""

    @property
    def path(self) -> Path: ...

    def raw_execute(self, sql: str) -> Any: ...


KEEP_AUTOMATIC = 5


def backup_to(study: OpenStudy, dest: Path, *, verify: bool = False) -> Path:
    """Write an encrypted copy of `study` to `dest`, atomically. Returns `dest`.

    With `verify`, the copy's pages are checked (SQLite's integrity check, through the
    same key) before it is put in place, and a damaged copy is not written at all: a
    study written over in place while open reads as a mix of two files' pages.

    Refuses the study itself or its sidecars by any spelling, and a study another plrdesk
    holds open (it would be replaced under that program's feet).
    """
    files.refuse_study_target(dest, study=study.path, backup=True)
    holder = study_lock.holder(dest)
    if holder is not None:
        raise StudyBusy(holder.describe(dest))
    dest = dest.resolve()
    partial = dest.with_name(f".{dest.name}.partial")
    partial.unlink(missing_ok=True)
    os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    literal = "'" + str(partial).replace("'", "''") + "'"
    try:
        study.raw_execute(f"ATTACH DATABASE {literal} AS backup_target")
        try:
            study.raw_execute("SELECT sqlcipher_export('backup_target')")
            problems = (
                [r[0] for r in study.raw_execute("PRAGMA backup_target.integrity_check")]
                if verify
                else ["ok"]
            )
        finally:
            study.raw_execute("DETACH DATABASE backup_target")
        if problems != ["ok"]:
            raise NotAStudyFile(
                "the copy would be damaged (the study was read as a mix of two files: one"
                " was written over the other while it was open); no copy was written"
            )
        files.fsync(partial)
        files.move_into_place(partial, dest)
    except BaseException:
        for leftover in files.family(partial):
            leftover.unlink(missing_ok=True)
        raise
    return dest


def backup_dir(study_path: Path) -> Path:
    """Automatic backups live beside the study, where the researcher will look for them."""
    return study_path.with_name(study_path.name + ".backups")


def automatic_backup(study: OpenStudy, *, reason: str, verify: bool = False) -> Path:
    """Back up before a risky step (schema upgrade, erasure); keep only the newest few."""
    folder = backup_dir(study.path)
    folder.mkdir(mode=0o700, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    target = backup_to(study, folder / f"{study.path.stem}-{stamp}-{reason}.plr", verify=verify)
    # Prune only what this function wrote (its exact name pattern): a backup the researcher
    # put in the folder by hand is theirs to delete.
    ours = re.compile(rf"^{re.escape(study.path.stem)}-\d{{8}}T\d{{12}}Z-[a-z-]+\.plr$")
    automatic = sorted(p for p in folder.iterdir() if ours.match(p.name))
    for old in automatic[:-KEEP_AUTOMATIC]:
        old.unlink()
    return target
