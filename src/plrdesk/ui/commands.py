"""Undo commands whose redo and undo are service operations run on the database worker.

A failed operation puts the undo stack back in step with the file: a redo that failed
leaves the stack, an undo that failed steps it forward again.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QUndoCommand
from sqlalchemy.orm import Session

from plrdesk.services.changes import Changes
from plrdesk.ui.context import StudyContext

Op = Callable[[Session], Changes]


class RunnerCommand(QUndoCommand):
    """An undo command whose redo and undo are service operations run by the runner."""

    def __init__(self, ctx: StudyContext, text: str) -> None:
        super().__init__(text)
        self._ctx = ctx
        self._skip = False  # the next redo/undo only moves the stack's index back in step

    # Subclasses give the operations and say what happened.
    def redo_op(self) -> Op:
        raise NotImplementedError

    def undo_op(self) -> Op:
        raise NotImplementedError

    def redone(self) -> None:
        """Called on the GUI thread after redo_op committed."""

    def undone(self) -> None:
        """Called on the GUI thread after undo_op committed."""

    def redo(self) -> None:
        if self._skip:
            self._skip = False
            return
        self._ctx.runner.submit(self.redo_op(), lambda _result: self.redone(), self._redo_failed)

    def undo(self) -> None:
        if self._skip:
            self._skip = False
            return
        self._ctx.runner.submit(self.undo_op(), lambda _result: self.undone(), self._undo_failed)

    def _position(self) -> int:
        stack = self._ctx.undo
        return next((i for i in range(stack.count()) if stack.command(i) is self), -1)

    def _redo_failed(self, exc: Exception) -> None:
        """Nothing changed: this command cannot be redone, so it leaves the stack."""
        self._ctx.status(f"Could not {self.text()}: {exc}")
        stack = self._ctx.undo
        if self._position() == stack.index() - 1:
            self.setObsolete(True)  # undo() then deletes it without calling it
            self._skip = True
            stack.undo()

    def _undo_failed(self, exc: Exception) -> None:
        """The change stays: step the stack forward again without running redo."""
        self._ctx.status(f"Could not undo {self.text()}: {exc}")
        stack = self._ctx.undo
        if self._position() == stack.index():
            self._skip = True
            stack.redo()
