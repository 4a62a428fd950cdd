"""Long operations (import, backup, printing, export) with a progress dialog that can be
cancelled. The work runs on the database worker; the window stays responsive."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QProgressDialog, QWidget

from plrdesk.services.progress import Cancelled
from plrdesk.ui.runner import DbOp, OperationRunner


def run_with_progress(
    parent: QWidget,
    runner: OperationRunner,
    op: DbOp,
    label: str,
    *,
    on_done: Callable[[Any], None],
    on_error: Callable[[Exception], None],
    whole_file: bool = False,
) -> QProgressDialog:
    """Run `op(db_or_study, progress)` with a modal progress dialog; Cancel rolls it back."""
    dialog = QProgressDialog(label, "Cancel", 0, 0, parent)
    dialog.setWindowTitle(label)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(300)  # quick work finishes before any dialog flashes up
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)

    def progressed(done: int, total: int) -> None:
        dialog.setMaximum(max(total, 1))
        dialog.setValue(min(done, total))

    def finished(result: Any) -> None:
        dialog.close()
        on_done(result)

    def failed(exc: Exception) -> None:
        dialog.close()
        if not isinstance(exc, Cancelled) and "interrupted" not in str(exc):
            on_error(exc)

    progress = runner.submit(op, finished, failed, whole_file=whole_file, on_progress=progressed)

    def cancel() -> None:
        dialog.setLabelText("Cancelling…")
        if progress is not None:
            progress.cancel()
        if whole_file:
            runner.interrupt()

    dialog.canceled.connect(cancel)
    return dialog
