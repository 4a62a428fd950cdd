"""Undo commands for the register. Each runs its operation through the runner, so the
database work stays on the worker; a failed operation puts the undo stack back in step."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from plrdesk.services.changes import Changes
from plrdesk.services.participants import (
    KIND_LABEL,
    ParticipantDetails,
    add_participant,
    next_ref,
    remove_new_participant,
    restore_participant,
    update_participant,
)
from plrdesk.ui.commands import Op, RunnerCommand
from plrdesk.ui.context import StudyContext


class _RefBox:
    """The ref an add chose, written on the worker and read by the ops queued after it."""

    def __init__(self) -> None:
        self.value: str | None = None


class AddParticipantCommand(RunnerCommand):
    """Redo adds the participant (the second time with the same ref); undo takes them back
    out, which the service allows only while they have no consents, notes or sessions."""

    def __init__(
        self,
        ctx: StudyContext,
        details: ParticipantDetails,
        on_added: Callable[[str], Any] | None = None,
    ) -> None:
        super().__init__(ctx, f"add {KIND_LABEL[details.kind]}")
        self._details = details
        self._ref = _RefBox()
        self._on_added = on_added

    @property
    def ref(self) -> str | None:
        return self._ref.value

    def redo_op(self) -> Op:
        details, box = self._details, self._ref

        def op(db: Session) -> Changes:
            ref = box.value or next_ref(db, details.kind)
            changes = add_participant(
                db,
                details.kind,
                details.name,
                details.contact,
                details.attributes,
                details.guardians,
                ref=ref,
            )
            box.value = ref
            return changes

        return op

    def undo_op(self) -> Op:
        box = self._ref

        def op(db: Session) -> Changes:
            if box.value is None:  # the add never happened
                return Changes()
            return remove_new_participant(db, box.value)

        return op

    def redone(self) -> None:
        self._ctx.status(f"Added {self.ref}.")
        if self._on_added is not None and self.ref is not None:
            self._on_added(self.ref)

    def undone(self) -> None:
        self._ctx.status(f"Took {self.ref} back out of the register.")


class EditParticipantCommand(RunnerCommand):
    """Redo saves the new details; undo puts the previous ones back exactly."""

    def __init__(
        self,
        ctx: StudyContext,
        ref: str,
        before: ParticipantDetails,
        after: ParticipantDetails,
        on_saved: Callable[[str], Any] | None = None,
    ) -> None:
        super().__init__(ctx, f"edit {ref}")
        self.ref = ref
        self._before = before
        self._after = after
        self._on_saved = on_saved

    def redo_op(self) -> Op:
        ref, after = self.ref, self._after
        return lambda db: update_participant(
            db, ref, after.name, after.contact, after.attributes, after.guardians
        )

    def undo_op(self) -> Op:
        ref, before = self.ref, self._before
        return lambda db: restore_participant(db, ref, before)

    def redone(self) -> None:
        self._ctx.status(f"Saved {self.ref}.")
        if self._on_saved is not None:
            self._on_saved(self.ref)

    def undone(self) -> None:
        self._ctx.status(f"Put back the details {self.ref} had before.")
        if self._on_saved is not None:
            self._on_saved(self.ref)
