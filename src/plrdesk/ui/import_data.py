"""Study > Import study data…: a study-json-v1 file read and imported on the database
worker, with a progress dialog that can be cancelled (the import then rolls back)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget
from sqlalchemy.orm import Session

from plrdesk.interchange.errors import InvalidDocument
from plrdesk.services.changes import Changes
from plrdesk.services.progress import Progress
from plrdesk.ui.context import StudyContext
from plrdesk.ui.long_work import run_with_progress


def import_study_data(parent: QWidget, ctx: StudyContext) -> None:
    name, _ = QFileDialog.getOpenFileName(
        parent, "Import study data", str(Path.home()), "Study data (*.json)"
    )
    if name:
        start_import(parent, ctx, Path(name))


def start_import(parent: QWidget, ctx: StudyContext, path: Path, *, merge: bool = False) -> None:
    forms = ctx.forms

    def op(db: Session, progress: Progress) -> Changes:
        from plrdesk.interchange.parse import parse_document
        from plrdesk.services.study_import import import_document

        doc = parse_document(path.read_text(encoding="utf-8"), path.name)
        return import_document(
            db, doc, merge=merge, source=path.name, forms=forms, progress=progress
        )

    def done(changes: Changes) -> None:
        counts = ", ".join(f"{n} {t}" for t, n in changes.counts().items() if t != "study")
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

    run_with_progress(parent, ctx.runner, op, "Importing study data", on_done=done, on_error=failed)
