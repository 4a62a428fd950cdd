"""`plrdesk info FILE`: the one command that opens a study without SQLAlchemy.

It keys the file (the unavoidable key derivation), checks it holds the current plrdesk
schema, counts and closes. A study from an older plrdesk takes the full open instead,
which backs it up and upgrades it first.
"""

from __future__ import annotations

import argparse

from plrdesk.cli import passphrase as pp
from plrdesk.cli.exit_codes import CliError, Exit
from plrdesk.services.study_info import summarise
from plrdesk.storage.errors import NotAStudyFile
from plrdesk.storage.opening import connect_existing
from plrdesk.storage.schema_version import HEAD


def cmd_info(args: argparse.Namespace) -> int:
    path = args.file
    if not path.exists():
        raise CliError(Exit.NOT_A_STUDY, f"{path}: no such file")
    secret = pp.existing(args.passphrase_file, str(path))
    import sqlcipher3

    from plrdesk.cli.output import warn

    conn, set_aside, _ = connect_existing(path, secret, writer=False)
    if set_aside is not None:
        warn(
            f"{path.name}-wal was not written by this study (a copy from elsewhere?);"
            f" moved it to {set_aside} and opened the study as it was"
        )
    try:
        current = _revision(conn, path) == HEAD
        lines = summarise(conn, path) if current else None
    except sqlcipher3.DatabaseError as exc:
        raise CliError(
            Exit.NOT_A_STUDY, f"{path}: the file is damaged ({exc}); see docs/recovery.md"
        ) from exc
    finally:
        conn.close()
    if lines is None:
        lines = _after_full_open(args, secret)
    for line in lines:
        print(line)  # noqa: T201 - command output
    return Exit.OK


def _revision(conn: object, path: object) -> str | None:
    import sqlcipher3

    try:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()  # type: ignore[attr-defined]
        conn.execute("SELECT title FROM study").fetchone()  # type: ignore[attr-defined]
    except sqlcipher3.OperationalError:
        raise NotAStudyFile(f"{path}: an encrypted database, but not a plrdesk study") from None
    return None if row is None else str(row[0])


def _after_full_open(args: argparse.Namespace, secret: str) -> list[str]:
    from plrdesk.storage.study_file import StudyFile

    with StudyFile.open(args.file, secret) as study:
        return summarise(study.raw_connection(), study.path)
