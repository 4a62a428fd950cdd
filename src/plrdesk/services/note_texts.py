"""Saving what was typed: a note's text, and the autosave's batch of notes in one write.

Codings follow their words (`entries.set_entry_text`); one whose every word was deleted
goes, and its record comes back in `TextSaved.lost` so the app can say so and put it
back when the typing is undone.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from plrdesk.domain.ids import EntryId
from plrdesk.domain.spans import Edit
from plrdesk.services.changes import Changes, Table
from plrdesk.services.codings import CodingRecord, _entry, _record
from plrdesk.services.entries import UnknownEntry, set_entry_text


@dataclass(frozen=True)
class LostCoding:
    """A coding a text save took away because every one of its words was deleted."""

    record: CodingRecord
    theme_name: str
    text_before: str  # the entry's text its span refers to (for putting it back on undo)


@dataclass(kw_only=True)
class TextSaved(Changes):
    lost: list[LostCoding] = field(default_factory=list)


def save_entry_text(
    db: Session, entry_id: EntryId, text: str | None, edits: Sequence[Edit] | None = None
) -> TextSaved:
    """`set_entry_text`, with the record of every coding the save took away (all its words
    deleted), so the app can say so and put it back when the typing is undone."""
    entry = _entry(db, entry_id)
    text_before = entry.text or ""
    held = {c.id: (_record(c), c.theme.name) for c in entry.codings}
    changes = set_entry_text(db, entry_id, text, edits)
    saved = TextSaved(
        lost=[
            LostCoding(held[cid][0], held[cid][1], text_before)
            for cid in changes.removed_ids(Table.CODING)
            if cid in held
        ]
    )
    saved.merge(changes)
    return saved


def save_texts(
    db: Session,
    texts: Mapping[EntryId, str],
    edits: Mapping[EntryId, Sequence[Edit] | None] | None = None,
) -> TextSaved:
    """Save several notes' text in one unit of work (the autosave's one write), each with
    its own edits (None or missing: unknown). A note no longer in the study (deleted by an
    undo queued before this save) is skipped: its words went with it, and an undo of that
    deletion restores them from its own snapshot."""
    saved = TextSaved()
    for entry_id, text in texts.items():
        try:
            result = save_entry_text(db, entry_id, text, (edits or {}).get(entry_id))
        except UnknownEntry:
            continue
        saved.merge(result)
        saved.lost.extend(result.lost)
    return saved
