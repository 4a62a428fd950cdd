"""What Prepare export runs on the database worker (the proposals, the export), and
writing the export it gets back.

The export is the command line's: `plrdesk.export.study.export_study` (the study's
anonymiser with the decisions the review just saved, the summary built once, small groups
suppressed, extracts added and consent overrides counted when asked), run as a read with a
progress bar that can be cancelled. Its bytes are written here, as `plrdesk export` writes
them (atomically, owner-only, never over the open study), and then the export is recorded
in the audit log (format and counts, no content) by `record_export`, a write of its own,
again as the command does. A cancelled export has no bytes, so it writes nothing and
records nothing. What the dialog's log and the status line say of an export is read from
the one `ExportReport` that came back with its bytes.

The proposals are built as the export will be (`load_review`, with the same treatment of
consent overrides), so the review lists what the export will redact, and the report's
figure is the review's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget
from sqlalchemy.orm import Session

from plrdesk.anonymise.types import Redacted
from plrdesk.export.build import build_summary
from plrdesk.export.model import ExportBundle, Overridden
from plrdesk.export.report import ExportReport
from plrdesk.export.study import Exported, export_study, record_export
from plrdesk.forms.catalog import FormCatalog
from plrdesk.services.changes import Changes
from plrdesk.services.export_review import ReviewSet, proposed_redactions, study_anonymiser
from plrdesk.services.progress import Progress
from plrdesk.storage.errors import StudyFileError
from plrdesk.storage.files import write_atomically
from plrdesk.ui.context import StudyContext
from plrdesk.ui.long_work import run_with_progress
from plrdesk.ui.operations import read, write

RUNNING, CANCELLING, ENDED = "running", "cancelling", "ended"  # an ExportRun's states


@dataclass(frozen=True)
class ExportRequest:
    """One export as Prepare export asks for it: what `plrdesk export`'s options say."""

    fmt: str
    path: Path
    suppress_below: int | None = None
    extracts: bool = False
    overridden: Overridden = Overridden.LEAVE_OUT


@dataclass(frozen=True)
class ExportResult:
    """A finished export: the file written and what the export did (`report.lines` is the
    redaction report the command line prints). `not_recorded` says why the audit line
    could not be written, when it could not (the file is there all the same)."""

    path: Path
    report: ExportReport
    not_recorded: str | None = None

    @property
    def fmt(self) -> str:
        return self.report.fmt

    def report_text(self) -> str:
        """What the dialog shows: the command line's lines, and any audit failure."""
        lines = [f"Wrote {self.path} ({self.fmt}, anonymised)", *self.report.lines]
        if self.not_recorded is not None:
            lines.append(f"The export was not recorded in the audit log: {self.not_recorded}")
        return "\n".join(lines)

    def headline(self) -> str:
        """One line for the status bar: the file, its format, its redactions (the report's
        figure, as the log's first line), any suppression and extracts."""
        report = self.report
        n = report.redactions
        parts = [f"{self.fmt}, anonymised", f"{n} redaction{'' if n == 1 else 's'}"]
        if report.suppress_below is not None:
            parts.append(f"groups under {report.suppress_below} hidden")
        if report.extracts is not None:
            parts.append("with extracts")
        return f"Exported {self.path.name} ({', '.join(parts)})"


def load_review(
    db: Session,
    forms: FormCatalog | None,
    overridden: Overridden = Overridden.LEAVE_OUT,
    progress: Progress | None = None,
) -> ReviewSet:
    """Everything the export would redact now, with the stored decisions as defaults: the
    texts of an export that treats consent overrides as `overridden` (extracts are read
    whether or not an export carries them, so that choice changes nothing here)."""

    def build(
        db: Session,
        forms: FormCatalog | None,
        anonymiser: Callable[[str], Redacted],
        /,
        *,
        progress: Progress | None = None,
    ) -> ExportBundle:
        return build_summary(db, forms, anonymiser, overridden=overridden, progress=progress)

    return proposed_redactions(db, forms, study_anonymiser(db), build, progress=progress)


def write_export_file(path: Path, exported: Exported, study: Path) -> None:
    """The export's bytes into `path`, as the command line writes them: whole or not at
    all, owner-only, and never over `study` (the open one) or any other study."""
    write_atomically(path, exported.data, private=True, study=study)


class ExportRun(QObject):
    """One export from the app, from the worker's build to the audit line, with a
    progress dialog that can cancel it. Emits exactly one of its signals."""

    sig_exported = Signal(object)
    """The file is written (the ExportResult, which says if its audit line was not)."""
    sig_failed = Signal(object)
    """The export could not be made or written (the exception); nothing was recorded."""
    sig_cancelled = Signal()
    """The researcher cancelled before the file was written: nothing was."""

    def __init__(
        self,
        parent: QWidget,
        ctx: StudyContext,
        request: ExportRequest,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.path = request.path
        self._state = RUNNING
        self._written: ExportResult | None = None  # the file, once it is on disk
        self.progress_dialog: QProgressDialog = run_with_progress(
            parent,
            ctx.runner,
            read(
                export_study,
                ctx.forms,
                request.fmt,
                request.suppress_below,
                extracts=request.extracts,
                overridden=request.overridden,
            ),
            "Exporting",
            on_done=self._write,
            on_error=self._failed,
        )
        self.progress_dialog.canceled.connect(self._cancel_requested)

    def _cancel_requested(self) -> None:
        """The progress dialog was cancelled, or closed because the export finished: a
        no-op queued behind the export tells which (a cancelled export reports nothing)."""
        if self._state != RUNNING:
            return
        self._state = CANCELLING
        self.ctx.runner.after_queued(self._after_export)

    def _after_export(self) -> None:
        if self._state == CANCELLING:  # no result came: it was cancelled
            self._state = ENDED
            self.sig_cancelled.emit()
            self.deleteLater()

    def _write(self, exported: Exported) -> None:
        """The bytes came back: write them, then record the export (the audit line once
        the file is there, as the command line records it)."""
        self._state = ENDED  # a result came: the no-op behind it has nothing to say
        try:
            write_export_file(self.path, exported, self.ctx.path)
        except (OSError, StudyFileError) as exc:
            self._failed(exc)
            return
        self._written = ExportResult(self.path, exported.report)
        # Bound methods, not closures: the runner drops the answer for a deleted run.
        record = write(record_export, exported.report)
        self.ctx.runner.run(record, self._recorded, self._not_recorded)

    def _recorded(self, _: Changes) -> None:
        assert self._written is not None  # recorded only once written
        self.sig_exported.emit(self._written)
        self.deleteLater()

    def _not_recorded(self, exc: Exception) -> None:
        assert self._written is not None
        self.sig_exported.emit(replace(self._written, not_recorded=str(exc)))
        self.deleteLater()

    def _failed(self, exc: Exception) -> None:
        self._state = ENDED
        self.sig_failed.emit(exc)
        self.deleteLater()
