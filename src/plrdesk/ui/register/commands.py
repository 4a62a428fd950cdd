"""Undo commands for the register, on the one command base (ui/undo.py).

The register shows what the file holds (it reloads on the changes), so these commands put
nothing on screen themselves: each step is one write, and a failed one is taken back off
the stack by the base and said in the "Not saved" bar.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from plrdesk.services.participants import (
    KIND_LABEL,
    ParticipantAdded,
    ParticipantDetails,
    add_participant,
    add_participant_again,
    remove_added_participant,
    restore_participant,
    update_participant,
)
from plrdesk.ui.context import StudyContext
from plrdesk.ui.operations import Operation, Pending, after, write
from plrdesk.ui.undo import Command


class AddParticipantCommand(Command):
    """Redo adds the participant (the second time with the same ref); undo takes them back
    out, which the service allows only while they have no consents, notes or sessions.

    The ref is chosen on the worker by the first add. Every later step reads it from that
    add's result there (`after`), so an undo pressed before the add's answer is back on
    screen still takes out the right person."""

    def __init__(
        self,
        ctx: StudyContext,
        details: ParticipantDetails,
        on_added: Callable[[str], Any] | None = None,
        *,
        initiator: object | None = None,
    ) -> None:
        super().__init__(ctx, f"add {KIND_LABEL[details.kind]}", initiator=initiator)
        self._details = details
        self._on_added = on_added
        self._added: Pending[ParticipantAdded] | None = None
        self.ref: str | None = None
        """The ref the add chose, once its result is back."""

    def operation(self, forward: bool, first: bool) -> Operation[Any]:
        details = self._details
        if first:
            return write(
                add_participant,
                details.kind,
                details.name,
                details.contact,
                details.attributes,
                details.guardians,
            )
        if self._added is None:
            self._added = self.pending  # the first add's: the one that chose the ref
        assert self._added is not None
        if forward:
            return after(self._added, add_participant_again, details)
        return after(self._added, remove_added_participant)

    def saved(self, forward: bool, result: Any) -> None:
        if forward:
            assert isinstance(result, ParticipantAdded)
            self.ref = result.ref
            self.ctx.status(f"Added {self.ref}.")
            if self._on_added is not None:
                self._on_added(self.ref)
        else:
            self.ctx.status(f"Took {self.ref} back out of the register.")


class EditParticipantCommand(Command):
    """Redo saves the new details; undo puts the previous ones back exactly."""

    def __init__(
        self,
        ctx: StudyContext,
        ref: str,
        before: ParticipantDetails,
        after: ParticipantDetails,
        on_saved: Callable[[str], Any] | None = None,
        *,
        initiator: object | None = None,
    ) -> None:
        super().__init__(ctx, f"edit {ref}", initiator=initiator)
        self.ref = ref
        self._before = before
        self._after = after
        self._on_saved = on_saved

    def operation(self, forward: bool, first: bool) -> Operation[Any]:
        if forward:
            new = self._after
            return write(
                update_participant, self.ref, new.name, new.contact, new.attributes, new.guardians
            )
        return write(restore_participant, self.ref, self._before)

    def saved(self, forward: bool, result: Any) -> None:
        if forward:
            self.ctx.status(f"Saved {self.ref}.")
        else:
            self.ctx.status(f"Put back the details {self.ref} had before.")
        if self._on_saved is not None:
            self._on_saved(self.ref)
