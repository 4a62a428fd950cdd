"""Taking a codebook import back, with the record the import returned."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from plrdesk.domain import models as m
from plrdesk.domain.ids import ThemeId
from plrdesk.services import audit
from plrdesk.services.changes import Changes, Table
from plrdesk.services.themes import InvalidTheme, ThemeSnapshot, TreeEditor


@dataclass(frozen=True)
class ImportRecord:
    """What an import did: the themes it made, and every theme it matched as it was before."""

    created: tuple[ThemeId, ...]
    before: tuple[ThemeSnapshot, ...]


def undo_import(db: Session, record: ImportRecord) -> Changes:
    """Take an import back: the themes it made go (while nothing is coded with them), and
    the themes it changed get their names, details and places back."""
    tree = TreeEditor(db)
    made = [theme_id for theme_id in record.created if theme_id in tree.themes]
    coded = _coded(db, made)
    for theme_id in made:
        theme = tree.themes[theme_id]
        if theme_id in coded:
            raise InvalidTheme(
                f"'{theme.name}' has been used for coding since the import; merge it into"
                " another theme first."
            )
        others = [c for c in tree.children.get(theme_id, []) if c not in set(made)]
        if others:
            raise InvalidTheme(
                f"'{theme.name}' has sub-themes added since the import; move them first."
            )
    changes = Changes()
    restoring = [s for s in record.before if s.id in tree.themes]
    for snapshot in restoring:
        tree.detach(snapshot.id)
    for snapshot in sorted(restoring, key=lambda s: s.position):
        theme = tree.themes[snapshot.id]
        parent_id = snapshot.parent_id if snapshot.parent_id in tree.themes else None
        tree.attach(snapshot.id, parent_id, snapshot.position)
        theme.name = snapshot.name
        theme.description = snapshot.description
        theme.colour = snapshot.colour
        changes.update(Table.THEME, theme.id)
    db.flush()  # nothing points at the themes the import made before they go
    for theme_id in reversed(made):
        tree.remove(theme_id)
        db.flush()
        changes.remove(Table.THEME, theme_id)
    tree.write(changes)
    audit.record(db, "undo-import-codebook", made, removed=len(made), restored=len(restoring))
    return changes


def _coded(db: Session, theme_ids: Iterable[uuid.UUID]) -> set[uuid.UUID]:
    ids = list(theme_ids)
    if not ids:
        return set()
    return set(
        db.scalars(
            select(m.Coding.theme_id)
            .where(m.Coding.theme_id.in_(ids))
            .group_by(m.Coding.theme_id)
            .having(func.count() > 0)
        )
    )
