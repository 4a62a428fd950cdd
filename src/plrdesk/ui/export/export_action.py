"""Study > Prepare export…: the review dialog, and the operations it runs on the database
worker (finding the proposals, saving the review, writing the export).

The operations are plain functions of a session, like the command line's `plrdesk
export`: the summary is built once by `export.build.build_summary` with the study's
anonymiser (its register and the stored decisions, read after the review was saved),
written atomically by `export.formats.write_export`, and audited (format and counts, no
content). The last chance to cancel is before the file is written, so a cancelled export
writes nothing and its transaction (the audit) rolls back.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from plrdesk.export.build import build_summary
from plrdesk.export.formats import FORMATS, write_export
from plrdesk.export.report import report_lines
from plrdesk.forms.catalog import FormCatalog
from plrdesk.services import audit
from plrdesk.services.export_review import ReviewSet, proposed_redactions, study_anonymiser
from plrdesk.services.progress import Progress

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from plrdesk.ui.context import StudyContext
    from plrdesk.ui.export.review_dialog import ReviewDialog


@dataclass(frozen=True)
class ExportResult:
    """A finished export: where, in which format, and the redaction report's lines."""

    path: Path
    fmt: str
    report: list[str]
    redactions: int
    needs_review: int


def prepare_export(parent: QWidget | None, ctx: StudyContext) -> ReviewDialog:
    """Open the Prepare export dialog over `parent` (it loads the proposals itself)."""
    from PySide6.QtCore import Qt

    from plrdesk.ui.export.review_dialog import ReviewDialog

    dialog = ReviewDialog(ctx, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog


def load_review(
    db: Session, forms: FormCatalog | None, progress: Progress | None = None
) -> ReviewSet:
    """Everything the export would redact now, with the stored decisions as defaults."""
    return proposed_redactions(db, forms, study_anonymiser(db), build_summary, progress=progress)


def run_export(
    db: Session, forms: FormCatalog | None, fmt: str, path: Path, progress: Progress
) -> ExportResult:
    """Build the summary with the study's anonymiser, write it as `fmt` to `path`."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    redact = study_anonymiser(db).redact
    # The build's five steps, then one for writing; any step may raise Cancelled.
    building = Progress(lambda done, total: progress.step(done, total + 1))
    bundle = build_summary(db, forms, redact, progress=building)
    progress.step(5, 6)  # the last point to cancel: nothing is written before it
    write_export(bundle, fmt, path)
    redactions = sum(bundle.redaction_counts.values())
    audit.record(db, "export", format=fmt, redactions=redactions, needs_review=len(bundle.review))
    return ExportResult(path, fmt, report_lines(bundle, fmt), redactions, len(bundle.review))
