"""Undo commands of coding, on the study's one undo stack (ctx.undo) beside typing.

Each queues a service operation of `services.codings` through the document (after any
pending typing is saved) and its exact inverse on undo:
- CodeCommand: `code_passage` with an id chosen here (a redo makes the same coding), and
  `undo_code`, which removes it or, when it was merged into a coding of the same theme,
  puts that coding back as it was;
- RemoveCodingCommand: `remove_coding`, and `restore_coding` with the same id;
- MemoCommand: `set_memo` to the new memo, and back to the old one.
Results pass between a command's runs through the command itself, on the worker thread
(as the entry commands do with their snapshots).
"""

from __future__ import annotations

import uuid

from PySide6.QtGui import QUndoStack
from sqlalchemy.orm import Session

from plrdesk.domain.ids import new_id
from plrdesk.services import codings as coding_ops
from plrdesk.services.changes import Changes
from plrdesk.services.codings import Coded, CodingRecord, CodingView
from plrdesk.ui.sessions.document import SessionDocument
from plrdesk.ui.sessions.undo_commands import EntryCommand


class CodeCommand(EntryCommand):
    def __init__(
        self,
        doc: SessionDocument,
        entry_id: uuid.UUID,
        theme_id: uuid.UUID,
        theme_name: str,
        start: int | None,
        end: int | None,
        *,
        memo: str | None = None,
        expect_text: str | None = None,
    ) -> None:
        super().__init__(doc, entry_id, f"Code as '{theme_name}'")
        self.theme_id = theme_id
        self.theme_name = theme_name
        self.start = start
        self.end = end
        self.memo = memo
        self.expect_text = expect_text
        self.coding_id = new_id()
        self.coded: Coded | None = None

    def apply(self, *, forward: bool, first: bool) -> None:
        self.doc.submit(self._code if forward else self._uncode)

    def _code(self, db: Session) -> Coded:
        self.coded = coding_ops.code_passage(
            db,
            self.entry_id,
            self.theme_id,
            self.start,
            self.end,
            self.memo,
            coding_id=self.coding_id,
            expect_text=self.expect_text,
        )
        return self.coded

    def _uncode(self, db: Session) -> Changes:
        coded, self.coded = self.coded, None
        if coded is None:  # the coding never happened (the note had changed): nothing to undo
            return Changes()
        return coding_ops.undo_code(db, coded)


class RemoveCodingCommand(EntryCommand):
    def __init__(self, doc: SessionDocument, coding: CodingView) -> None:
        super().__init__(doc, coding.entry_id, f"Remove coding '{coding.theme_name}'")
        self.coding_id = coding.id
        self.record: CodingRecord | None = None

    def apply(self, *, forward: bool, first: bool) -> None:
        self.doc.submit(self._remove if forward else self._restore)

    def _remove(self, db: Session) -> Changes:
        removed = coding_ops.remove_coding(db, self.coding_id)
        self.record = removed.record
        return removed

    def _restore(self, db: Session) -> Changes:
        record, self.record = self.record, None
        if record is None:
            return Changes()
        return coding_ops.restore_coding(db, record)


class MemoCommand(EntryCommand):
    def __init__(self, doc: SessionDocument, coding: CodingView, memo: str | None) -> None:
        super().__init__(doc, coding.entry_id, f"Memo on '{coding.theme_name}'")
        self.coding_id = coding.id
        self.old = coding.memo
        self.new = memo

    def apply(self, *, forward: bool, first: bool) -> None:
        coding_id, memo = self.coding_id, self.new if forward else self.old
        self.doc.submit(lambda db: coding_ops.set_memo(db, coding_id, memo))


def last_theme(undo: QUndoStack) -> uuid.UUID | None:
    """The theme most recently applied and not undone, anywhere in the study."""
    for index in range(undo.index() - 1, -1, -1):
        command = undo.command(index)
        if isinstance(command, CodeCommand):
            return command.theme_id
    return None


__all__ = ["CodeCommand", "MemoCommand", "RemoveCodingCommand", "last_theme"]
