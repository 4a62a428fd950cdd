"""Long operations (import, backup, printing, export) with a progress dialog that can be
cancelled. The work runs on the database worker; the window stays responsive."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QProgressDialog, QWidget

from plrdesk.services.progress import Cancelled
from plrdesk.ui.operations import Operation
from plrdesk.ui.runner import OperationRunner

T = TypeVar("T")


def run_with_progress(
    parent: QWidget,
    runner: OperationRunner,
    op: Operation[T],
    label: str,
    *,
    on_done: Callable[[T], None],
    on_error: Callable[[Exception], None],
    initiator: object | None = None,
) -> QProgressDialog:
    """Run `op` with a modal progress dialog; Cancel rolls it back. An operation on the
    session is given `progress=` (its steps, and the flag Cancel sets); whole-file work
    (a backup: one statement) is cancelled by interrupting it instead."""
    dialog = QProgressDialog(label, "Cancel", 0, 0, parent)
    dialog.setWindowTitle(label)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(300)  # quick work finishes before any dialog flashes up
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)

    def progressed(done: int, total: int) -> None:
        dialog.setMaximum(max(total, 1))
        dialog.setValue(min(done, total))

    def finished(result: T) -> None:
        dialog.close()
        on_done(result)

    def failed(exc: Exception) -> None:
        dialog.close()
        if not isinstance(exc, Cancelled) and "interrupted" not in str(exc):
            on_error(exc)

    pending = runner.run(
        op if op.whole_file else op.with_progress(),
        finished,
        failed,
        initiator=initiator,
        on_progress=progressed,
    )

    def cancel() -> None:
        dialog.setLabelText("Cancelling…")
        if pending.progress is not None:
            pending.progress.cancel()
        if op.whole_file:
            runner.interrupt()

    dialog.canceled.connect(cancel)
    return dialog
