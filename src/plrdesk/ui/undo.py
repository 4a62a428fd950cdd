"""The one undo command: every undoable action in the app is a `Command`.

A command shows its change at once (`show`, local-first: the screen never waits for the
disk) and saves it with one write operation (`operation`), run by the database worker in
the order queued; what the write returns comes back through the runner (`saved`). When
the write fails, nothing of it is in the file, so nothing of it may stay: the change is
taken back off the screen (`show` the other way) and off the undo stack, and the save
state keeps "Not saved: <reason>" on screen until a save of the same initiator
succeeds. A failed undo leaves the change in the file, so it is shown again and the stack
steps forward. Either way the undo stack and the screen say what the file holds.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QUndoCommand, QUndoStack

from plrdesk.storage.errors import StudyReplaced
from plrdesk.ui.context import StudyContext
from plrdesk.ui.operations import EarlierFailed, Operation, Pending


class Command(QUndoCommand):
    def __init__(self, ctx: StudyContext, text: str, *, initiator: object | None = None) -> None:
        super().__init__(text)
        self.ctx = ctx
        self.initiator = initiator
        """Told with the changes, so the view that made them can skip their echo."""
        self._first = True
        self._skip = False  # the next redo/undo only moves the stack's index back in step
        self._dead = False  # failed and taken back: the stack drops it when it gets there
        self.pending: Pending[Any] | None = None
        """The latest run's write: an inverse queued before its result is back reads it
        on the worker with `operations.after(self.pending, fn)`."""

    # -- what subclasses give -------------------------------------------------------------

    def operation(self, forward: bool, first: bool) -> Operation[Any] | None:
        """The write that saves this step done (forward) or taken back; None when something
        else saves it (typing: the autosave)."""
        raise NotImplementedError

    def show(self, forward: bool, first: bool) -> None:
        """Put the step (or its undoing) on screen now, before the write has run."""

    def saved(self, forward: bool, result: Any) -> None:
        """The write committed; `result` is what the service returned."""

    def before(self) -> None:
        """Called before the write is queued (session commands save pending typing first)."""

    def failed(self, forward: bool) -> None:
        """The write failed; called before the step is taken back off the screen."""

    # -- QUndoCommand ---------------------------------------------------------------------

    def redo(self) -> None:
        self._step(forward=True)

    def undo(self) -> None:
        self._step(forward=False)

    def _step(self, *, forward: bool) -> None:
        if self._skip or self._dead:
            self._skip = False
            return
        first, self._first = self._first and forward, False
        self.show(forward, first)
        op = self.operation(forward, first)
        if op is None:
            return
        self.before()
        self.pending = self.ctx.runner.run(
            op,
            lambda result: self.saved(forward, result),
            lambda exc: self._failed(forward, first, exc),
            initiator=self.initiator,
        )

    def taken_back(self) -> str:
        """What the status bar says became of a step whose write failed."""
        return f"“{self.text()}” was taken back"

    def depends_on(self, earlier: Command) -> bool:
        """Whether this step cannot stand without `earlier` (typing into a new note): when
        `earlier`'s write fails, such steps above it leave the stack with it."""
        return False

    def _position(self) -> int:
        stack = self.ctx.undo
        return next((i for i in range(stack.count()) if stack.command(i) is self), -1)

    def _failed(self, forward: bool, first: bool, exc: Exception) -> None:
        reason = str(exc).rstrip(".")
        if self._dead or isinstance(exc, EarlierFailed):
            return  # the step this one needed failed and was taken back already
        if isinstance(exc, StudyReplaced):
            # Nothing can be saved in this file any more, and the screen holds the only copy
            # of what was typed: take nothing off it (the app offers a copy elsewhere).
            self._dead = True
            self.ctx.status(f"Not saving: {reason}; what you type stays on screen")
            return
        stack = self.ctx.undo
        self.failed(forward)
        self.show(not forward, False)  # the file does not have it: neither does the screen
        if forward:
            self.ctx.status(f"Not saved: {reason}. {self.taken_back()}")
            self._take_off(stack)
        else:
            self.ctx.status(f"Not saved: {reason}. “{self.text()}” could not be undone")
            if self._position() == stack.index():
                self._skip = True
                stack.redo()

    def _take_off(self, stack: QUndoStack) -> None:
        """Off the stack: with the steps above it that depend on it, else left to be
        dropped when undo reaches it."""
        at = self._position()
        above = [stack.command(i) for i in range(at + 1, stack.index())] if at >= 0 else []
        self.setObsolete(True)
        self._dead = True
        if at < 0 or not all(isinstance(c, Command) and c.depends_on(self) for c in above):
            return
        for command in [*reversed(above), self]:
            assert isinstance(command, Command)
            command.setObsolete(True)  # undo() then deletes it from the stack
            command._skip = True
            command._dead = False  # let the skip consume this one undo
            stack.undo()
        self._dead = True
