"""`plrdesk export FILE --format F -o OUT [--suppress-below N]`: the anonymised summary.

Builds the real anonymiser from the study's register and the researcher's stored review
decisions, builds the summary once, writes it atomically in the chosen format and prints
the redaction report (counts by label, descriptors coarsened, what needs review).
"""

from __future__ import annotations

import argparse
import importlib
from pathlib import Path

from sqlalchemy.orm import Session

from plrdesk.cli.exit_codes import CliError, Exit
from plrdesk.cli.output import say, warn
from plrdesk.cli.study_commands import opened, refuse_output, shipped_forms
from plrdesk.export.redaction import Anonymiser
from plrdesk.storage.errors import ReadOnlyLocation, StudyBusy
from plrdesk.storage.study_lock import COMMAND, StudyLock

ENGINE = "plrdesk.anonymise.engine"


def study_anonymiser(db: Session) -> Anonymiser:
    """The study's anonymiser: its register and the researcher's stored review decisions.
    Fails with a clear message where this build has no anonymiser."""
    try:
        engine = importlib.import_module(ENGINE)
        register = importlib.import_module("plrdesk.anonymise.register")
        decisions = importlib.import_module("plrdesk.anonymise.decisions")
    except ModuleNotFoundError as exc:
        if not (exc.name or "").startswith("plrdesk.anonymise"):
            raise
        raise CliError(
            Exit.FAILURE,
            f"this build of plrdesk has no anonymiser ({exc.name} is missing);"
            " nothing was exported",
        ) from None
    anonymiser = engine.Anonymiser(register.register_from_study(db), decisions.load_decisions(db))
    redact: Anonymiser = anonymiser.redact
    return redact


def cmd_export(args: argparse.Namespace) -> int:
    from plrdesk.export.build import build_summary
    from plrdesk.export.formats import write_export
    from plrdesk.export.report import report_lines
    from plrdesk.services import audit

    below: int | None = args.suppress_below
    if below is not None and below < 2:
        raise CliError(Exit.USAGE, "--suppress-below needs a number of 2 or more")
    out: Path = args.output
    if not out.parent.is_dir():
        raise CliError(Exit.USAGE, f"{out.parent}: no such folder for the output")
    refuse_output(out, args)
    with opened(args) as study:
        with study.transaction() as db:
            bundle = build_summary(db, shipped_forms(), study_anonymiser(db), suppress_below=below)
        write_export(bundle, args.format, out)
        try:  # the audit line is the only write: it waits for the app to let the study go
            with StudyLock.acquire(args.file, COMMAND), study.transaction() as db:
                audit.record(
                    db,
                    "export",
                    format=args.format,
                    redactions=sum(bundle.redaction_counts.values()),
                    needs_review=len(bundle.review),
                )
        except (StudyBusy, ReadOnlyLocation) as busy:
            warn(f"the export was not recorded in the study's audit log: {busy}")
    say(f"wrote {out} ({args.format}, anonymised)")
    for line in report_lines(bundle, args.format):
        say(line)
    return Exit.OK
