"""`plrdesk merge TARGET SOURCE`: bring another copy of the study (a colleague's laptop, a
second coder's coding copy) into TARGET. The rules are in services/merge.py."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from plrdesk.cli import passphrase as pp
from plrdesk.cli.exit_codes import CliError, Exit
from plrdesk.cli.output import say
from plrdesk.storage import study_lock
from plrdesk.storage.errors import WrongPassphrase
from plrdesk.storage.study_file import StudyFile
from plrdesk.storage.study_lock import StudyLock

ENV_SOURCE_PASSPHRASE = "PLRDESK_SOURCE_PASSPHRASE"


def _open_source(source: Path, target_secret: str) -> StudyFile:
    """SOURCE, open to read: with PLRDESK_SOURCE_PASSPHRASE when set; else with TARGET's
    passphrase (a copy usually keeps it), and when that is not its one, a second prompt."""
    if not source.exists():
        raise CliError(Exit.NOT_A_STUDY, f"{source}: no such file")
    given = os.environ.get(ENV_SOURCE_PASSPHRASE)
    if given:
        return StudyFile.open(source, given)
    try:
        return StudyFile.open(source, target_secret)
    except WrongPassphrase:
        pass
    try:
        asked = pp.read_hidden(f"Passphrase for {source} (the copy to merge): ")
    except (EOFError, KeyboardInterrupt):
        asked = ""
    if not asked:
        raise CliError(
            Exit.USAGE,
            f"{source}: TARGET's passphrase does not open it and none was given;"
            f" set {ENV_SOURCE_PASSPHRASE} or type it at the prompt",
        )
    return StudyFile.open(source, asked)


def _open_target(path: Path, secret: str, *, write: bool) -> StudyFile:
    """TARGET, holding its write lock unless this is a dry run (exit 6 if the app has it)."""
    if not path.exists():
        raise CliError(Exit.NOT_A_STUDY, f"{path}: no such file")
    lock = StudyLock.acquire(path, study_lock.COMMAND) if write else None
    return StudyFile.open(path, secret, lock=lock)


def cmd_merge(args: argparse.Namespace) -> int:
    from plrdesk.services.coding_copy_merge import NotACodingCopy
    from plrdesk.services.merge import NotACopy
    from plrdesk.services.merge_file import merge_into, preview, source_label

    target_path: Path = args.file
    source_path: Path = args.source
    if target_path.exists() and source_path.exists() and os.path.samefile(target_path, source_path):
        raise CliError(Exit.USAGE, f"{source_path}: that is TARGET itself; name another copy")
    secret = pp.existing(args.passphrase_file, str(target_path))
    label = source_label(source_path)
    with (
        _open_target(target_path, secret, write=not args.dry_run) as target,
        _open_source(source_path, secret) as source,
    ):
        try:
            if args.dry_run:
                report, backup = preview(target, source, label=label), None
            else:
                outcome = merge_into(target, source, label=label)
                report, backup = outcome.report, outcome.backup
        except (NotACopy, NotACodingCopy) as exc:
            raise CliError(
                Exit.INVALID_INPUT, f"{source_path}: {exc}; nothing was changed"
            ) from None
    heading = "would merge" if args.dry_run else "merged"
    say(f"{heading} {source_path} into {target_path}:")
    for line in report.summary_lines():
        say(f"  {line}")
    if backup is not None:
        say(f"a backup from before the merge is at {backup}")
    return Exit.OK
