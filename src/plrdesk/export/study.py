"""One export of a study, for every caller: `export_study(db, forms, fmt, suppress_below)`,
with `extracts` and the treatment of consent overrides (`overridden`) as keywords.

The command line (`plrdesk export`) and the app (Study > Prepare export…) both call this,
so the same study, format and threshold give the same bytes from either. It chooses the
study's anonymiser (its register and the researcher's stored review decisions: the app
saves a review before it exports, so nothing else needs passing), builds the summary once
(`build.build_summary`, counts under `suppress_below` shown as "fewer than N") and renders
it in memory, with its `ExportReport` (export.report): the one source of every figure the
callers then print, show or audit. Writing the file is the caller's
(`storage.files.write_atomically` behind its output guard), and so is recording it
(`record_export`, once the file is there): the command line waits for the study lock to
write the audit line, the app writes it on its worker in the export's own transaction.
"""

from __future__ import annotations

import importlib
import io
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from plrdesk.export.build import build_summary
from plrdesk.export.formats import renderer
from plrdesk.export.model import Overridden
from plrdesk.export.redaction import Anonymiser
from plrdesk.export.report import ExportReport, export_report
from plrdesk.services import audit
from plrdesk.services.changes import Changes
from plrdesk.services.progress import NO_PROGRESS, Progress

if TYPE_CHECKING:
    from plrdesk.forms.catalog import FormCatalog

# By name, so a build without the anonymiser fails with a sentence rather than an import
# error (and tests can name a missing engine).
ENGINE = "plrdesk.anonymise.engine"


class NoAnonymiser(RuntimeError):
    """This build of plrdesk has no anonymiser: nothing may be exported."""


@dataclass(frozen=True)
class Exported:
    """The rendered file, to be written by the caller, and its report."""

    data: bytes
    report: ExportReport


def study_anonymiser(db: Session) -> Anonymiser:
    """The study's anonymiser: its register and the researcher's stored review decisions.
    Raises NoAnonymiser where this build has none."""
    try:
        engine = importlib.import_module(ENGINE)
        register = importlib.import_module("plrdesk.anonymise.register")
        decisions = importlib.import_module("plrdesk.anonymise.decisions")
    except ModuleNotFoundError as exc:
        if not (exc.name or "").startswith("plrdesk.anonymise"):
            raise
        raise NoAnonymiser(
            f"this build of plrdesk has no anonymiser ({exc.name} is missing); nothing was exported"
        ) from None
    anonymiser = engine.Anonymiser(register.register_from_study(db), decisions.load_decisions(db))
    redact: Anonymiser = anonymiser.redact
    return redact


def export_study(
    db: Session,
    forms: FormCatalog | None,
    fmt: str,
    suppress_below: int | None = None,
    *,
    extracts: bool = False,
    overridden: Overridden = Overridden.LEAVE_OUT,
    progress: Progress | None = None,
) -> Exported:
    """The anonymised summary of the study in `db`, rendered as `fmt`.

    `forms` are the shipped forms (the study's stored versions are added). With
    `suppress_below` N (2 or more), counts under N read "fewer than N"; with `extracts`
    each theme carries its extracts (an appendix in the reading formats, a row each in the
    CSV); `overridden` says whether those admitted through a consent override who still
    lack consent are left out (the default) or counted. `progress` sees
    the build's steps and one for rendering; any step may raise Cancelled, the last one
    after rendering, so a caller that writes straight after has written nothing then.
    """
    if suppress_below is not None and suppress_below < 2:
        raise ValueError("suppress_below must be 2 or more")
    render = renderer(fmt)  # first: an unknown format (ValueError) costs no build
    step = (progress or NO_PROGRESS).step
    built = 0  # the build's own count of steps, learned from its reports

    def building(done: int, total: int) -> None:
        nonlocal built
        built = total
        step(done, total + 1)

    bundle = build_summary(
        db,
        forms,
        study_anonymiser(db),
        suppress_below=suppress_below,
        extracts=extracts,
        overridden=overridden,
        progress=Progress(building),
    )
    out = io.BytesIO()
    render(bundle, out)
    step(built + 1, built + 1)
    return Exported(out.getvalue(), export_report(bundle, fmt))


def record_export(db: Session, report: ExportReport) -> Changes:
    """The export's line in the study's audit log: its format and counts, no content. No
    record a view shows changes (the audit log is no table of the study's screens), so the
    Changes are empty; a write all the same, for the app's runner to run as one."""
    audit.record(
        db,
        "export",
        format=report.fmt,
        redactions=report.redactions,
        needs_review=report.needs_review,
    )
    return Changes()
