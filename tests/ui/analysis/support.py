"""What the Analysis tab's tests share: running one operation on the study's worker (after
everything queued before it) and waiting for its result, and the small reads they need.

A test that wants a change the screen has not heard of (another window's, a race) runs
it with `read`: it commits like any operation, but no change notice is sent.
"""

from __future__ import annotations

import uuid
from typing import TypeVar

from PySide6.QtCore import QModelIndex
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from plrdesk.domain import models as m
from plrdesk.domain.ids import EntryId
from plrdesk.services.themes import ThemeRow
from plrdesk.ui.analysis.theme_panel import ThemePanel
from plrdesk.ui.context import StudyContext
from plrdesk.ui.operations import Operation

T = TypeVar("T")


def run(qtbot: QtBot, ctx: StudyContext, op: Operation[T]) -> T:
    """`op`'s result, once the worker has run it; its error raised here if it failed."""
    out: list[T] = []
    errors: list[Exception] = []
    ctx.runner.run(op, out.append, errors.append)
    qtbot.waitUntil(lambda: bool(out or errors))
    if errors:
        raise errors[0]
    return out[0]


def theme_id_of(db: Session, ref: str) -> uuid.UUID:
    return db.scalars(select(m.Theme.id).filter_by(ref=ref)).one()


def theme_named(db: Session, name: str) -> uuid.UUID | None:
    return db.scalars(select(m.Theme.id).filter_by(name=name)).one_or_none()


def entry_id_of(db: Session, ref: str) -> EntryId:
    return EntryId(db.scalars(select(m.Entry.id).filter_by(ref=ref)).one())


def entry_text(db: Session, entry_id: uuid.UUID) -> str:
    return db.scalars(select(m.Entry.text).filter_by(id=entry_id)).one() or ""


def coding_count(db: Session) -> int:
    return db.scalar(select(func.count()).select_from(m.Coding)) or 0


def codings_of_theme(db: Session, theme_id: uuid.UUID) -> int:
    return db.scalar(select(func.count()).where(m.Coding.theme_id == theme_id)) or 0


def uncoded_entry(db: Session) -> EntryId:
    """A note with words and no coding at all."""
    coded = select(m.Coding.entry_id)
    return EntryId(
        db.scalars(
            select(m.Entry.id)
            .where(m.Entry.text.is_not(None), m.Entry.text != "", m.Entry.id.not_in(coded))
            .order_by(m.Entry.ref)
            .limit(1)
        ).one()
    )


# -- the theme panel --------------------------------------------------------------------


def named(panel: ThemePanel, name: str) -> ThemeRow | None:
    return next((row for row in panel.model.rows() if row.name == name), None)


def ref(panel: ThemePanel, theme_ref: str) -> ThemeRow:
    return next(row for row in panel.model.rows() if row.ref == theme_ref)


def current_name(panel: ThemePanel) -> str | None:
    row = panel.current()
    return row.name if row else None


def choose(panel: ThemePanel, theme_ref: str) -> None:
    panel.select(ref(panel, theme_ref).id)
    assert panel.current_id() == ref(panel, theme_ref).id


def shown(panel: ThemePanel) -> list[tuple[str, int]]:
    """(display text, depth) of every row, as the tree lists them."""
    out: list[tuple[str, int]] = []

    def walk(parent: QModelIndex, depth: int) -> None:
        for row in range(panel.model.rowCount(parent)):
            index = panel.model.index(row, 0, parent)
            out.append((index.data(), depth))
            walk(index, depth + 1)

    walk(QModelIndex(), 0)
    return out


DEMO = [
    ("Relationships between professionals (6)", 0),
    ("Knowing and using common tools (13)", 0),
    ("Using the CAF (6)", 1),
    ("Engaging children and parents (7)", 0),
    ("Managing expectations and clarity of roles (7)", 0),
]
