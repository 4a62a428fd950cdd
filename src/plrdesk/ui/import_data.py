"""Study > Import study data…: a study-json-v1 file read and imported on the database
worker, with a progress dialog that can be cancelled (the import then rolls back)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from plrdesk.interchange.errors import InvalidDocument
from plrdesk.services.changes import Changes, Table
from plrdesk.services.study_import import import_study_file
from plrdesk.ui.context import StudyContext
from plrdesk.ui.long_work import run_with_progress
from plrdesk.ui.operations import write


def import_study_data(parent: QWidget, ctx: StudyContext) -> None:
    name, _ = QFileDialog.getOpenFileName(
        parent, "Import study data", str(Path.home()), "Study data (*.json)"
    )
    if name:
        start_import(parent, ctx, Path(name))


def start_import(parent: QWidget, ctx: StudyContext, path: Path, *, merge: bool = False) -> None:
    def done(changes: Changes) -> None:
        counts = ", ".join(f"{n} {t}" for t, n in changes.counts().items() if t != Table.STUDY)
        ctx.status(f"Imported {path.name}: {counts or 'nothing new'}")

    def failed(exc: Exception) -> None:
        if isinstance(exc, InvalidDocument):
            message = f"{exc.where}: {exc.message}" if exc.where else exc.message
        elif isinstance(exc, OSError | UnicodeDecodeError):
            message = f"The file could not be read ({exc})."
        else:
            message = f"The import failed ({type(exc).__name__}). Nothing was changed."
        QMessageBox.warning(
            parent, "Import failed", f"{path.name}: {message}\n\nNothing was changed."
        )

    run_with_progress(
        parent,
        ctx.runner,
        write(import_study_file, path, ctx.forms, merge=merge),
        "Importing study data",
        on_done=done,
        on_error=failed,
    )
