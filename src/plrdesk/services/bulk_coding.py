"""Code many entries with one theme in one step (from a search), and take it back (undo).

A bulk coding is a whole-entry coding (no span). An entry that already carries the theme,
as a whole entry or as a coded span, is left as it is: services.codings keeps one coding per
theme and passage (a whole-entry coding would absorb the span), and absorbing spans here
would throw away the researcher's own selection and make the undo put spans back. The entry
already counts for the theme either way.

The audit log says which theme and coding ids were touched, never the coded words.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from plrdesk.domain import models as m
from plrdesk.domain.ids import new_id
from plrdesk.services import audit
from plrdesk.services.changes import Changes, Table
from plrdesk.services.coders import coder_for_new_codings


class UnknownTheme(LookupError):
    """The theme was deleted meanwhile."""


def code_entries(
    db: Session,
    theme_id: uuid.UUID,
    entry_ids: Iterable[uuid.UUID],
    *,
    ids: Mapping[uuid.UUID, uuid.UUID] | None = None,
) -> Changes:
    """Code each entry, as a whole, with the theme. Entries that already carry the theme
    (whole or a span), have no text or no longer exist are skipped. `ids` may choose the id
    of each new coding by entry (a redo puts back the very records an undo took away).

    `added_ids(Table.CODING)` lists the new codings, in the order the entries were given."""
    if db.get(m.Theme, theme_id) is None:
        raise UnknownTheme("that theme no longer exists")
    wanted = list(dict.fromkeys(entry_ids))
    changes = Changes()
    if not wanted:
        return changes
    with_text: set[uuid.UUID] = set()
    already: set[uuid.UUID] = set()
    coder = coder_for_new_codings(db)
    for chunk in _chunks(wanted):
        with_text.update(
            db.scalars(
                select(m.Entry.id).where(
                    m.Entry.id.in_(chunk), m.Entry.text.is_not(None), m.Entry.text != ""
                )
            )
        )
        already.update(
            db.scalars(
                select(m.Coding.entry_id).where(
                    m.Coding.entry_id.in_(chunk),
                    m.Coding.theme_id == theme_id,
                    # Another coder's coding of the note is theirs: this coder codes it too.
                    m.Coding.coder.is_(None) if coder is None else m.Coding.coder == coder,
                )
            )
        )
    position = (db.scalar(select(func.max(m.Coding.position))) or 0) + 1
    rows = []
    for entry_id in wanted:
        if entry_id not in with_text or entry_id in already:
            continue
        coding_id = (ids or {}).get(entry_id) or new_id()
        rows.append(
            {
                "id": coding_id,
                "entry_id": entry_id,
                "theme_id": theme_id,
                "start": None,
                "end": None,
                "memo": None,
                "exemplar": False,
                "coder": coder,
                "position": position,
            }
        )
        position += 1
        changes.add(Table.CODING, coding_id)
    if rows:
        db.execute(insert(m.Coding), rows)
        created = changes.added_ids(Table.CODING)
        audit.record(db, "bulk-code", [theme_id, *created], codings=len(created))
    return changes


def uncode(db: Session, coding_ids: Iterable[uuid.UUID]) -> Changes:
    """Delete these codings (the undo of `code_entries`); ids already gone are skipped."""
    wanted = list(dict.fromkeys(coding_ids))
    changes = Changes()
    for chunk in _chunks(wanted):
        present = list(db.scalars(select(m.Coding.id).where(m.Coding.id.in_(chunk))))
        if present:
            db.execute(delete(m.Coding).where(m.Coding.id.in_(present)))
        for coding_id in present:
            changes.remove(Table.CODING, coding_id)
    removed = changes.removed_ids(Table.CODING)
    if removed:
        audit.record(db, "bulk-uncode", removed, codings=len(removed))
    db.expire_all()  # ORM objects loaded before must not keep the deleted codings
    return changes


def undo_code_entries(db: Session, coded: Changes) -> Changes:
    """Undo `code_entries`, given what it returned: exactly the codings it made go."""
    return uncode(db, coded.added_ids(Table.CODING))


def _chunks(ids: list[uuid.UUID], size: int = 500) -> Iterable[list[uuid.UUID]]:
    """Stay well below SQLite's limit on bound parameters."""
    for start in range(0, len(ids), size):
        yield ids[start : start + size]
