"""`plrdesk codebook export FILE [--format qdc|csv] -o OUT` and `plrdesk codebook import FILE
CODEBOOK`: the theme panel's codebook exchange, from the command line.

Thin callers of `plrdesk.services.codebook`, the functions the panel runs, so the rules
and the messages are the panel's: the same formats, the same merge, the same error naming
the file and the line. An export reads the study (the app may have it open) and writes OUT
atomically, never onto the study or a sidecar. An import checks the file before asking for
the passphrase, then merges under the study lock, all or nothing.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from plrdesk.cli.exit_codes import CliError, Exit
from plrdesk.cli.output import say, warn
from plrdesk.cli.study_commands import opened, refuse_output
from plrdesk.services.codebook import (
    CodebookFormat,
    export_codebook_file,
    import_codebook,
    read_codebook_file,
)
from plrdesk.services.codebook_items import plain
from plrdesk.services.themes import InvalidTheme


def cmd_codebook_export(args: argparse.Namespace) -> int:
    out: Path = args.output
    fmt = CodebookFormat(args.format) if args.format else CodebookFormat.of(out)
    if not out.parent.is_dir():
        raise CliError(Exit.USAGE, f"{out.parent}: no such folder for the output")
    refuse_output(out, args)
    with opened(args) as study, study.transaction() as db:
        try:
            exported = export_codebook_file(db, out, fmt, study=args.file)
        except InvalidTheme as exc:  # a QDC needs one theme at least
            raise CliError(
                Exit.FAILURE, f"{args.file}: {plain(str(exc))}; nothing was written"
            ) from None
    count = exported.themes
    say(f"exported {count} theme{'' if count == 1 else 's'} to {out} ({fmt})")
    if exported.note:
        warn(exported.note)
    return Exit.OK


def cmd_codebook_import(args: argparse.Namespace) -> int:
    # The file is read and checked first: a bad codebook never asks for the passphrase.
    book = read_codebook_file(args.codebook, source=str(args.codebook))
    with opened(args, write=True) as study, study.transaction() as db:
        imported = import_codebook(db, book)
    say(f"imported the codebook {args.codebook} into {args.file}: {imported.summary()}")
    return Exit.OK
