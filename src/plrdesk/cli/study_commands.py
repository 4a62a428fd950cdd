"""Handlers for the study subcommands: new, info, import, dump, passwd, backup, check,
withdraw, demo. Each returns an exit code or raises CliError."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
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
from plrdesk.interchange.errors import InvalidDocument
from plrdesk.storage.creation import create_study, partial_path
from plrdesk.storage.study_file import StudyFile

if TYPE_CHECKING:
    from plrdesk.forms.catalog import FormCatalog
    from plrdesk.services.changes import Changes


def say(message: str) -> None:
    print(message)  # noqa: T201 - command output


def warn(message: str) -> None:
    print(f"plrdesk: {message}", file=sys.stderr)  # noqa: T201 - command output


def shipped_forms() -> FormCatalog:
    from plrdesk.forms.catalog import shipped_catalog

    return shipped_catalog(shipped.forms_dir())


@contextmanager
def opened(args: argparse.Namespace) -> Iterator[StudyFile]:
    path: Path = args.file
    if not path.exists():
        raise CliError(Exit.NOT_A_STUDY, f"{path}: no such file")
    secret = pp.existing(args.passphrase_file, str(path))
    with StudyFile.open(path, secret) as study:
        try:
            yield study
        except (sqlcipher3.DatabaseError, sqlalchemy.exc.DatabaseError) as exc:
            # A damaged page found after the open: say which file, not just what broke.
            reason = getattr(exc, "orig", exc)
            raise CliError(
                Exit.NOT_A_STUDY, f"{path}: the file is damaged ({reason}); see docs/recovery.md"
            ) from exc


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
        with opened(args) as study, study.transaction() as db:
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
    counts = ", ".join(f"{n} {table}" for table, n in changes.counts().items() if table != "study")
    say(f"imported into {args.file}: {counts or 'nothing new'}")
    return Exit.OK


def cmd_dump(args: argparse.Namespace) -> int:
    from plrdesk.services.study_dump import dump_document

    to_stdout = args.output == "-"
    if not args.yes:
        if not sys.stdin.isatty():
            raise CliError(
                Exit.USAGE,
                "a dump holds names and notes in plain text; confirm with --yes",
            )
        answer = input("A dump holds names and notes in plain text, unencrypted. Go on? [y/N] ")
        if answer.strip().lower() not in {"y", "yes"}:
            raise CliError(Exit.FAILURE, "dump cancelled; nothing was written")
    with opened(args) as study, study.transaction() as db:
        document = dump_document(db)
    text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    if to_stdout:
        sys.stdout.write(text)
        return Exit.OK
    out = Path(args.output)
    partial = partial_path(out)
    try:
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(partial, out)
    finally:
        partial.unlink(missing_ok=True)
    say(f"wrote {out} (plain text: keep it safe, delete it when done)")
    return Exit.OK


def cmd_passwd(args: argparse.Namespace) -> int:
    with opened(args) as study:
        secret = pp.new(None, allow_weak=args.allow_weak, env=pp.ENV_NEW_PASSPHRASE)
        study.rekey(secret)
    say(f"changed the passphrase of {args.file}; the old one no longer opens it")
    return Exit.OK


def cmd_backup(args: argparse.Namespace) -> int:
    from plrdesk.storage.backups import backup_to

    if args.dest.exists() and args.dest.resolve() == args.file.resolve():
        raise CliError(Exit.USAGE, f"{args.dest}: a backup cannot overwrite the study itself")
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
    from plrdesk.services.withdrawal import UnknownParticipant, withdraw_participant

    with opened(args) as study:
        try:
            with study.transaction() as db:
                result = withdraw_participant(
                    db, args.ref, on=dt.date.today(), reason=args.reason, erase=args.erase
                )
        except UnknownParticipant as exc:
            raise CliError(Exit.USAGE, f"{args.file}: {exc}") from None
        if args.erase:
            study.vacuum()
    if args.erase:
        say(
            f"withdrew {args.ref} and erased {result.entries_erased} entries and"
            f" {result.consents_erased} consents; older backups still hold them"
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
