"""Handlers for the study subcommands: new, info, import, dump, passwd, backup, check,
withdraw, demo. Each returns an exit code or raises CliError."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy.exc
import sqlcipher3

from plrdesk import shipped
from plrdesk.cli import passphrase as pp
from plrdesk.cli.exit_codes import CliError, Exit
from plrdesk.cli.output import say, warn
from plrdesk.interchange.errors import InvalidDocument
from plrdesk.services.changes import Table
from plrdesk.storage import driver_errors, files, study_lock
from plrdesk.storage.creation import create_study
from plrdesk.storage.study_file import StudyFile
from plrdesk.storage.study_lock import StudyLock

if TYPE_CHECKING:
    from plrdesk.forms.catalog import FormCatalog
    from plrdesk.services.changes import Changes


def shipped_forms() -> FormCatalog:
    from plrdesk.forms.catalog import shipped_catalog

    return shipped_catalog(shipped.forms_dir())


@contextmanager
def opened(args: argparse.Namespace, *, write: bool = False) -> Iterator[StudyFile]:
    """The command's study, open to read (others may be writing it) or to write (holding
    the study lock: a command waits a few seconds for another command, never for the app).
    """
    path: Path = args.file
    if not path.exists():
        raise CliError(Exit.NOT_A_STUDY, f"{path}: no such file")
    secret = pp.existing(args.passphrase_file, str(path))
    lock = StudyLock.acquire(path, study_lock.COMMAND) if write else None
    with StudyFile.open(path, secret, lock=lock) as study:
        if study.wal_set_aside is not None:
            warn(
                f"{path.name}-wal was not written by this study (a copy from elsewhere?);"
                f" moved it to {study.wal_set_aside} and opened the study as it was"
            )
        try:
            yield study
        except (sqlcipher3.DatabaseError, sqlalchemy.exc.DatabaseError) as exc:
            # Found after the open: say which file, and what it really is (full, locked...).
            known = driver_errors.classify(exc, path)
            if known is not None:
                raise known from exc
            reason = getattr(exc, "orig", exc)
            raise CliError(
                Exit.NOT_A_STUDY, f"{path}: the file is damaged ({reason}); see docs/recovery.md"
            ) from exc


def refuse_output(out: Path, args: argparse.Namespace) -> None:
    """Before any work: an output may not be the command's study or one of its sidecars."""
    study: Path | None = getattr(args, "file", None) or getattr(args, "study", None)
    files.refuse_study_target(out, study=study)


def cmd_new(args: argparse.Namespace) -> int:
    secret = pp.new(args.passphrase_file, allow_weak=args.allow_weak)
    create_study(args.file, secret, args.title)
    say(f"created {args.file}")
    return Exit.OK


def _read_document(path: Path) -> tuple[str, str]:
    try:
        return path.read_text(encoding="utf-8"), str(path)
    except UnicodeDecodeError:
        raise CliError(Exit.INVALID_INPUT, f"{path}: not UTF-8 text") from None
    except OSError as exc:
        raise CliError(Exit.INVALID_INPUT, f"{path}: cannot read ({exc.strerror})") from None


def cmd_import(args: argparse.Namespace) -> int:
    from plrdesk.interchange.parse import parse_document
    from plrdesk.services.study_import import import_document

    text, source = _read_document(args.data)
    doc = parse_document(text, source)
    if args.file.exists():
        with opened(args, write=True) as study, study.transaction() as db:
            changes = import_document(
                db, doc, merge=args.merge, source=source, forms=shipped_forms()
            )
    else:
        if doc.study is None:
            raise InvalidDocument(source, "study", "a new study needs the `study` block")
        from plrdesk.interchange import references

        # Check everything before asking for a passphrase or creating a file.
        forms = shipped_forms()
        references.check(doc, references.KnownRecords(), merge=False, source=source, forms=forms)
        secret = pp.new(args.passphrase_file, allow_weak=args.allow_weak)
        imported: list[Changes] = []
        create_study(
            args.file,
            secret,
            doc.study.title,
            lambda db: imported.append(
                import_document(db, doc, merge=False, source=source, forms=forms, new_study=True)
            ),
        )
        changes = imported[0]
    parts = [f"{n} {table}" for table, n in changes.counts().items() if table != "study"]
    if changes.updated_ids(Table.STUDY) or changes.added_ids(Table.STUDY):
        parts.insert(0, "the study's details")  # a details-only merge is not "nothing new"
    say(f"imported into {args.file}: {', '.join(parts) or 'nothing new'}")
    for notice in changes.notices:
        say(notice)
    return Exit.OK


def cmd_dump(args: argparse.Namespace) -> int:
    from plrdesk.services.study_dump import UnwritableValue, dump_document, dump_text

    to_stdout = args.output == "-"
    if not to_stdout:
        refuse_output(Path(args.output), args)
    if not args.yes:
        if not sys.stdin.isatty():
            raise CliError(
                Exit.USAGE,
                "a dump holds names and notes in plain text; confirm with --yes",
            )
        answer = input("A dump holds names and notes in plain text, unencrypted. Go on? [y/N] ")
        if answer.strip().lower() not in {"y", "yes"}:
            raise CliError(Exit.FAILURE, "dump cancelled; nothing was written")
    with opened(args) as study:
        with study.transaction() as db:
            document = dump_document(db)
        try:
            text = dump_text(document)
        except UnwritableValue as exc:
            raise CliError(Exit.FAILURE, f"{args.file}: {exc}") from None
        if to_stdout:
            sys.stdout.write(text)
            return Exit.OK
        out = Path(args.output)
        # Written while the study is open, so the guard also knows it by its inode.
        files.write_atomically(out, text.encode("utf-8"), private=True, study=args.file)
    say(f"wrote {out} (plain text: keep it safe, delete it when done)")
    return Exit.OK


def cmd_passwd(args: argparse.Namespace) -> int:
    with opened(args, write=True) as study:
        secret = pp.new(None, allow_weak=args.allow_weak, env=pp.ENV_NEW_PASSPHRASE)
        study.rekey(secret)
    say(f"changed the passphrase of {args.file}; the old one no longer opens it")
    return Exit.OK


def cmd_backup(args: argparse.Namespace) -> int:
    from plrdesk.storage.backups import backup_to

    files.refuse_study_target(args.dest, study=args.file, backup=True)
    if args.dest.exists() and not args.overwrite:
        raise CliError(
            Exit.USAGE, f"{args.dest}: a file already exists there; use --overwrite to replace it"
        )
    with opened(args) as study:
        dest = backup_to(study, args.dest)
    say(f"backed up to {dest} (encrypted, same passphrase)")
    return Exit.OK


def cmd_check(args: argparse.Namespace) -> int:
    with opened(args) as study:
        problems = study.integrity_problems()
    if problems:
        raise CliError(
            Exit.NOT_A_STUDY,
            f"{args.file}: damaged: {problems[0]}"
            + (f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""),
        )
    say(f"{args.file}: ok (integrity and encryption checks passed)")
    return Exit.OK


def cmd_withdraw(args: argparse.Namespace) -> int:
    from plrdesk.services.withdrawal import UnknownParticipant, WithdrawalRequest, withdraw_in_file

    request = WithdrawalRequest(args.ref, on=dt.date.today(), reason=args.reason, erase=args.erase)
    with opened(args, write=True) as study:
        try:
            changes = withdraw_in_file(study, request)  # the app's own use case
        except UnknownParticipant as exc:
            raise CliError(Exit.USAGE, f"{args.file}: {exc}") from None
    if args.erase:
        entries = len(changes.removed_ids(Table.ENTRY))
        consents = len(changes.removed_ids(Table.CONSENT))
        say(
            f"withdrew {args.ref} and erased {entries} entries and"
            f" {consents} consents; older backups still hold them"
        )
    else:
        say(f"withdrew {args.ref}: they now leave every count, quote and export")
    return Exit.OK


def cmd_demo(args: argparse.Namespace) -> int:
    from plrdesk.services.demo import create_demo_study

    if args.file.exists():
        raise CliError(Exit.USAGE, f"{args.file}: a file already exists there; choose another name")
    secret = pp.new(args.passphrase_file, allow_weak=args.allow_weak)
    create_demo_study(args.file, secret)
    say(f"created the demo study {args.file} (fictional people only)")
    return Exit.OK
