"""The operation layer and the one undo command, on a real study behind the runner:
results come back typed and through the runner, writes are announced with who made them,
an inverse reads its step's result on the worker, and a failed write takes its step back
off the screen and the stack and leaves "Not saved" until a write of its own succeeds."""

from __future__ import annotations

import uuid
from typing import Any

from pytestqt.qtbot import QtBot
from sqlalchemy import select
from sqlalchemy.orm import Session

from plrdesk.domain import models as m
from plrdesk.services.changes import Changes, Table
from plrdesk.services.progress import Progress
from plrdesk.storage.errors import DiskFull
from plrdesk.ui.context import StudyContext
from plrdesk.ui.operations import EarlierFailed, Operation, after, read, write
from plrdesk.ui.undo import Command


def count_entries(db: Session, session_ref: str | None = None) -> int:
    query = select(m.Entry)
    if session_ref is not None:
        query = query.join(m.StudySession).where(m.StudySession.ref == session_ref)
    return len(db.scalars(query).all())


def touch_entry(db: Session, ref: str) -> Changes:
    entry = db.scalars(select(m.Entry).filter_by(ref=ref)).one()
    changes = Changes()
    changes.update(Table.ENTRY, entry.id)
    return changes


def refuse(db: Session, why: str) -> Changes:
    raise ValueError(why)  # the service's rules said no


def disk_full(db: Session, why: str) -> Changes:
    raise DiskFull(why)  # the class the worker gives SQLite's SQLITE_FULL


def entry_id_of(db: Session, ref: str) -> uuid.UUID:
    return db.scalars(select(m.Entry.id).filter_by(ref=ref)).one()


def counted(db: Session, *, progress: Progress | None = None) -> int:
    assert progress is not None
    progress.step(1, 1)
    return 7


def test_a_read_names_its_function_and_hands_back_a_typed_result(
    qtbot: QtBot, ctx: StudyContext
) -> None:
    op = read(count_entries, "S1")
    assert op.kind == "read"
    assert op.name.endswith("test_operations.count_entries")
    got: list[int] = []
    announced: list[object] = []
    ctx.runner.sig_changes.connect(lambda *args: announced.append(args))
    ctx.runner.run(op, got.append)
    qtbot.waitUntil(lambda: bool(got))
    assert got[0] > 0
    assert announced == []  # a read changes nothing, so nothing is announced


def test_a_write_is_announced_with_its_initiator(qtbot: QtBot, ctx: StudyContext) -> None:
    me = object()
    announced: list[tuple[Changes, object]] = []
    ctx.runner.sig_changes.connect(lambda changes, who: announced.append((changes, who)))
    with qtbot.waitSignal(ctx.runner.sig_written):
        ctx.runner.run(write(touch_entry, "E1"), initiator=me)
    ((changes, who),) = announced
    assert who is me
    assert changes.touches(Table.ENTRY)
    assert not changes.touches(Table.CODING)


def test_an_operation_after_another_reads_its_result_on_the_worker(
    qtbot: QtBot, ctx: StudyContext
) -> None:
    def double(db: Session, earlier: uuid.UUID, times: int) -> Changes:
        changes = Changes()
        for _ in range(times):
            changes.update(Table.ENTRY, earlier)
        return changes

    first = ctx.runner.run(read(entry_id_of, "E1"))
    got: list[Changes] = []
    ctx.runner.run(after(first, double, 2), got.append)  # queued before first's result is back
    qtbot.waitUntil(lambda: bool(got))
    assert len(got[0].updated_ids(Table.ENTRY)) == 2


def test_an_operation_after_a_failed_one_fails_too(qtbot: QtBot, ctx: StudyContext) -> None:
    def use(db: Session, earlier: Changes) -> Changes:
        return earlier

    first = ctx.runner.run(write(refuse, "no"), on_error=lambda exc: None)
    errors: list[Exception] = []
    ctx.runner.run(after(first, use), on_error=errors.append)
    qtbot.waitUntil(lambda: bool(errors))
    assert isinstance(errors[0], EarlierFailed)


def test_with_progress_passes_a_progress(qtbot: QtBot, ctx: StudyContext) -> None:
    steps: list[tuple[int, int]] = []
    got: list[int] = []
    ctx.runner.run(
        read(counted).with_progress(),
        got.append,
        on_progress=lambda done, total: steps.append((done, total)),
    )
    qtbot.waitUntil(lambda: bool(got))
    assert got == [7]
    assert steps == [(1, 1)]  # reported from the worker, before the result


class Mark(Command):
    """A step that marks itself on a 'screen' (a list) and writes `touch_entry` or a
    refusal."""

    def __init__(
        self, ctx: StudyContext, screen: list[str], *, fail: str | None, refusal: bool = False
    ) -> None:
        super().__init__(ctx, "mark", initiator=screen)
        self.screen = screen
        self.fail = fail
        self.refusal = refusal

    def show(self, forward: bool, first: bool) -> None:
        if forward:
            self.screen.append("mark")
        else:
            self.screen.remove("mark")

    def operation(self, forward: bool, first: bool) -> Operation[Any]:
        if self.fail == ("redo" if forward else "undo"):
            return write(refuse if self.refusal else disk_full, "the disk is full")
        return write(touch_entry, "E1")


def test_a_failed_step_is_taken_back_off_the_screen_and_the_stack(
    qtbot: QtBot, ctx: StudyContext
) -> None:
    screen: list[str] = []
    with qtbot.waitSignal(ctx.runner.sig_write_failed):
        ctx.undo.push(Mark(ctx, screen, fail="redo"))
        assert screen == ["mark"]  # local-first: on screen before the write ran
    qtbot.waitUntil(lambda: ctx.undo.count() == 0)
    assert screen == []
    assert ctx.save_state.failure == "the disk is full"
    # A later write of the same initiator succeeds: "Not saved" goes.
    with qtbot.waitSignal(ctx.runner.sig_written):
        ctx.undo.push(Mark(ctx, screen, fail=None))
    assert ctx.save_state.failure is None
    assert screen == ["mark"]
    assert ctx.undo.count() == 1


def test_a_failed_undo_steps_forward_again(qtbot: QtBot, ctx: StudyContext) -> None:
    screen: list[str] = []
    with qtbot.waitSignal(ctx.runner.sig_written):
        ctx.undo.push(Mark(ctx, screen, fail=None))
    command = ctx.undo.command(0)
    assert isinstance(command, Mark)
    command.fail = "undo"
    with qtbot.waitSignal(ctx.runner.sig_write_failed):
        ctx.undo.undo()
    qtbot.waitUntil(lambda: ctx.undo.index() == 1)
    assert screen == ["mark"]  # the file still has it, so the screen shows it again
    assert ctx.save_state.failure == "the disk is full"


def test_another_initiators_success_leaves_not_saved(qtbot: QtBot, ctx: StudyContext) -> None:
    screen: list[str] = []
    with qtbot.waitSignal(ctx.runner.sig_write_failed):
        ctx.undo.push(Mark(ctx, screen, fail="redo"))
    with qtbot.waitSignal(ctx.runner.sig_written):
        ctx.runner.run(write(touch_entry, "E1"), initiator=object())
    assert ctx.save_state.failure == "the disk is full"


def test_a_refused_step_is_taken_back_but_lost_nothing(qtbot: QtBot, ctx: StudyContext) -> None:
    """The service said no (a name taken): off the screen and the stack, the reason kept
    for the status bar, but no "Not saved" corner and nothing for closing to ask about."""
    screen: list[str] = []
    with qtbot.waitSignal(ctx.runner.sig_write_failed):
        ctx.undo.push(Mark(ctx, screen, fail="redo", refusal=True))
    qtbot.waitUntil(lambda: ctx.undo.count() == 0)
    assert screen == []
    assert ctx.save_state.failure is None
    assert ctx.save_state.refused == "the disk is full"
