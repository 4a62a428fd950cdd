"""Undo commands of coding, on the study's one undo stack beside typing (one base:
`ui.undo.Command`, through `undo_commands.EntryCommand`).

Each writes a service operation of `services.codings` (after any pending typing is
saved) and its exact inverse on undo:
- CodeCommand: `code_passage` with an id chosen here (a redo makes the same coding), and
  `undo_code`, which removes it or, when it was merged into a coding of the same theme,
  puts that coding back as it was;
- RemoveCodingCommand: `remove_coding`, and `restore_removed` of what it removed;
- MemoCommand: `set_memo` to the new memo, and back to the old one.
An inverse reads the result of the step it takes back on the worker (`operations.after`),
handed over by the runner. Codings are not drawn local-first: the session's codings
reload when the write's changes come back.
"""

from __future__ import annotations

import uuid
from typing import Any

from PySide6.QtGui import QUndoStack

from plrdesk.domain.ids import CodingId, EntryId, ThemeId, new_id
from plrdesk.services import codings as coding_ops
from plrdesk.services.codings import CodingView
from plrdesk.ui.operations import Operation, after, write
from plrdesk.ui.sessions.store import SessionStore
from plrdesk.ui.sessions.undo_commands import EntryCommand


class CodeCommand(EntryCommand):
    def __init__(
        self,
        doc: SessionStore,
        entry_id: EntryId,
        theme_id: uuid.UUID,
        theme_name: str,
        start: int | None,
        end: int | None,
        *,
        memo: str | None = None,
        expect_text: str | None = None,
    ) -> None:
        super().__init__(doc, entry_id, f"Code as '{theme_name}'")
        self.theme_id = ThemeId(theme_id)
        self.theme_name = theme_name
        self.start = start
        self.end = end
        self.memo = memo
        self.expect_text = expect_text
        self.coding_id = CodingId(new_id())

    def operation(self, forward: bool, first: bool) -> Operation[Any]:
        if not forward:
            assert self.pending is not None
            return after(self.pending, coding_ops.undo_code)
        return write(
            coding_ops.code_passage,
            self.entry_id,
            self.theme_id,
            self.start,
            self.end,
            self.memo,
            coding_id=self.coding_id,
            expect_text=self.expect_text,
        )


class RemoveCodingCommand(EntryCommand):
    def __init__(self, doc: SessionStore, coding: CodingView) -> None:
        super().__init__(doc, coding.entry_id, f"Remove coding '{coding.theme_name}'")
        self.coding_id = coding.id

    def operation(self, forward: bool, first: bool) -> Operation[Any]:
        if forward:
            return write(coding_ops.remove_coding, self.coding_id)
        assert self.pending is not None
        return after(self.pending, coding_ops.restore_removed)


class MemoCommand(EntryCommand):
    def __init__(self, doc: SessionStore, coding: CodingView, memo: str | None) -> None:
        super().__init__(doc, coding.entry_id, f"Memo on '{coding.theme_name}'")
        self.coding_id = coding.id
        self.old = coding.memo
        self.new = memo

    def operation(self, forward: bool, first: bool) -> Operation[Any]:
        return write(coding_ops.set_memo, self.coding_id, self.new if forward else self.old)


def last_theme(undo: QUndoStack) -> uuid.UUID | None:
    """The theme most recently applied and not undone, anywhere in the study."""
    for index in range(undo.index() - 1, -1, -1):
        command = undo.command(index)
        if isinstance(command, CodeCommand):
            return command.theme_id
    return None


__all__ = ["CodeCommand", "MemoCommand", "RemoveCodingCommand", "last_theme"]
