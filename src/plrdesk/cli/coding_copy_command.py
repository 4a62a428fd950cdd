"""`plrdesk coding-copy STUDY OUT --coder NAME [--anonymised]`: a blind copy for a second
coder, as a new study file under a new passphrase (services.coding_copy).

The study is opened to be written (its record of the copy and the replacement map go into
it), so the command waits for another command and gives way to the app (exit 6). OUT is
made whole or not at all; should the study's own commit fail after OUT is in place, OUT is
removed again, so the two never disagree.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from plrdesk.cli import passphrase as pp
from plrdesk.cli.exit_codes import CliError, Exit
from plrdesk.cli.output import say
from plrdesk.cli.study_commands import opened, refuse_output, shipped_forms
from plrdesk.storage.creation import remove_with_sidecars


def cmd_coding_copy(args: argparse.Namespace) -> int:
    from plrdesk.export.coding_copy import write_coding_copy
    from plrdesk.export.study import NoAnonymiser

    out: Path = args.out
    coder = " ".join(str(args.coder).split())
    if not coder:
        raise CliError(Exit.USAGE, "--coder: give the second coder's name")
    refuse_output(out, args)
    if out.exists():
        raise CliError(Exit.USAGE, f"{out}: a file already exists there; choose another name")
    forms = shipped_forms()
    written = None
    try:
        with opened(args, write=True) as study:
            secret = pp.new(None, allow_weak=args.allow_weak, env=pp.ENV_NEW_PASSPHRASE)
            with study.transaction() as db:
                written = write_coding_copy(
                    db, out, secret, coder, anonymised=args.anonymised, forms=forms
                )
    except NoAnonymiser as exc:
        raise CliError(Exit.FAILURE, f"{exc}; no copy was made") from None
    except BaseException:
        if written is not None:  # the copy was written, but the study did not keep its record
            remove_with_sidecars(out)
        raise
    say(f"wrote {out}: {written.made.summary()}")
    say(f"give {coder} the new passphrase apart from the file; bring it back with `plrdesk merge`")
    return Exit.OK
