"""`plrdesk export FILE --format F -o OUT [--suppress-below N] [--extracts]
[--count-consent-overrides]`: the anonymised summary.

A thin caller of `plrdesk.export.study.export_study`, the export the app runs too: this
checks the arguments and the output (never the study or its sidecars), writes the bytes
atomically, records the export in the study's audit log and prints the redaction report
(counts by label, descriptors coarsened, what needs review), every figure from the
export's one `ExportReport`.

`--extracts` puts every quotable coded passage under its theme (docs/export.md,
"Extracts"); `--count-consent-overrides` counts the participants admitted through a
consent override who still lack consent, whom the export otherwise leaves out
(docs/decisions.md, "Export"). An argument namespace without them (a parser from before
they were added) exports as without the options.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from plrdesk.cli.exit_codes import CliError, Exit
from plrdesk.cli.output import say, warn
from plrdesk.cli.study_commands import opened, refuse_output, shipped_forms
from plrdesk.storage.errors import ReadOnlyLocation, StudyBusy
from plrdesk.storage.study_lock import COMMAND, StudyLock


def cmd_export(args: argparse.Namespace) -> int:
    from plrdesk.export.model import Overridden
    from plrdesk.export.study import NoAnonymiser, export_study, record_export
    from plrdesk.storage.files import write_atomically

    below: int | None = args.suppress_below
    if below is not None and below < 2:
        raise CliError(Exit.USAGE, "--suppress-below needs a number of 2 or more")
    out: Path = args.output
    if not out.parent.is_dir():
        raise CliError(Exit.USAGE, f"{out.parent}: no such folder for the output")
    refuse_output(out, args)
    extracts = bool(getattr(args, "extracts", False))
    count = bool(getattr(args, "count_consent_overrides", False))
    overridden = Overridden.COUNT if count else Overridden.LEAVE_OUT
    with opened(args) as study:
        with study.transaction() as db:
            try:
                exported = export_study(
                    db,
                    shipped_forms(),
                    args.format,
                    below,
                    extracts=extracts,
                    overridden=overridden,
                )
            except NoAnonymiser as missing:
                raise CliError(Exit.FAILURE, str(missing)) from None
        write_atomically(out, exported.data, private=True)
        try:  # the audit line is the only write: it waits for the app to let the study go
            with StudyLock.acquire(args.file, COMMAND), study.transaction() as db:
                record_export(db, exported.report)
        except (StudyBusy, ReadOnlyLocation) as busy:
            warn(f"the export was not recorded in the study's audit log: {busy}")
    with_extracts = ", with extracts" if extracts else ""
    say(f"wrote {out} ({args.format}, anonymised{with_extracts})")
    for line in exported.report.lines:
        say(line)
    return Exit.OK
