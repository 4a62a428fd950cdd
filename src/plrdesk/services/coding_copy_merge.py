"""The second coder's codings, brought back from a coding copy onto the original's words.

`codings_from_copy(target_db, source_db)` is what `plrdesk merge STUDY COPY` takes from a
coding copy (a study whose `copy_of_id` is the target's id), and all it takes: the copy's
participants, entries and themes are redacted versions of the target's own, under the
same ids, never to be merged as records.

Each coding of the copy is mapped back through the replacement map the target kept when
the copy was made (`coding_copy_entry`): a span edge in the plain text moves by what the
labels before it added or took away; an edge inside a `[label]` goes to the edge of the
name it stands for, so a coding that touched a redacted name covers the name's whole
original span. Where the second coder edited the copy's text, the span first follows the
edits back to the text they were given (difflib, `domain.spans.remap_by_diff`).

Not brought back, each with one line in `refused` (refs only, no words):
- a coding on a note the copy was not given (one added in the copy), or on one deleted
  (or erased) here since;
- a coding on an entry whose text changed here since the copy was made (its words may no
  longer be where the map says);
- a coding whose words the second coder deleted from the copy's text.

A coding keeps the id it has in the copy, and the ids brought back are kept with the
copy's record, so merging the same copy again adds nothing, even a coding removed here
since. It names its coder (the copy's coding's own, else the copy's `copy_coder`); its
memo comes as written (in the copy's words); it is never an exemplar (the report's quotes
stay the researcher's choice). A theme the second coder added comes with its codings,
under a free ref if the copy's is taken here.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from plrdesk.domain import models as m
from plrdesk.domain.spans import Span, remap_by_diff
from plrdesk.services.coding_copy import sha256


class NotACodingCopy(ValueError):
    """The source is no coding copy of the target (or its record here is gone)."""


@dataclass
class CopyCodings:
    """What a coding copy brings back: new rows, not yet added (themes first)."""

    coder: str
    themes: list[m.Theme] = field(default_factory=list)
    codings: list[m.Coding] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)

    def add_to(self, db: Session) -> None:
        """Add the rows to the target's session, themes first (the codings name them)."""
        db.add_all(self.themes)
        db.flush()
        db.add_all(self.codings)
        db.flush()


def is_coding_copy_of(target_db: Session, source_db: Session) -> bool:
    target = target_db.scalars(select(m.Study)).one()
    source = source_db.scalars(select(m.Study)).one()
    return source.copy_of_id == target.id


Edits = Sequence[Sequence[int | str]]  # [start, end, replacement], in the original's order


def _edits(edits: Edits) -> list[tuple[int, int, str]]:
    return [(int(start), int(end), str(label)) for start, end, label in edits]


def to_original(edits: Edits, start: int, end: int) -> tuple[int, int] | None:
    """Where [start, end) of the given (redacted) text is in the original. `edits` are the
    redactions as [start, end, replacement] in the original, in order; an edge inside a
    label moves out to the edge of the name it replaced."""
    shift = 0  # given position - original position, before the current redaction
    new_start: int | None = None
    new_end: int | None = None
    for r_start, r_end, label in _edits(edits):
        added = len(label)
        label_start = r_start + shift
        label_end = label_start + added
        if new_start is None:
            if start < label_start:
                new_start = start - shift
            elif start < label_end:
                new_start = r_start
        if new_end is None:
            if end <= label_start:
                new_end = end - shift
            elif end <= label_end:
                new_end = r_end
        if new_start is not None and new_end is not None:
            break
        shift += added - (r_end - r_start)
    s = start - shift if new_start is None else new_start
    e = end - shift if new_end is None else new_end
    return (s, e) if s < e else None


def given_text(original: str, edits: Edits) -> str:
    """The text the copy was given: the original with each redaction's label in place."""
    parts, last = [], 0
    for r_start, r_end, label in _edits(edits):
        parts += [original[last:r_start], label]
        last = r_end
    parts.append(original[last:])
    return "".join(parts)


def codings_from_copy(target_db: Session, source_db: Session) -> CopyCodings:
    """The coding copy's codings not yet here, mapped onto the target's original words.

    Reads the source; in the target it only reads, and notes the ids brought back on the
    copy's record (in the caller's transaction: a merge rolled back forgets them too).
    Raises NotACodingCopy when the source is not a copy made from the target."""
    target = target_db.scalars(select(m.Study)).one()
    source = source_db.scalars(select(m.Study)).one()
    if source.copy_of_id != target.id:
        raise NotACodingCopy("it is not a coding copy of this study")
    record = target_db.get(m.CodingCopy, source.id)
    if record is None:
        raise NotACodingCopy(
            "it is a coding copy of this study, but this file has no record of making it"
            " (a backup from before the copy was made?); its codings cannot be placed"
        )
    coder = source.copy_coder or record.coder
    result = CopyCodings(coder)
    seen = set(record.brought_back or [])
    maps = {
        row.entry_id: row
        for row in target_db.scalars(
            select(m.CodingCopyEntry).where(m.CodingCopyEntry.copy_id == record.id)
        )
    }
    themes = _Themes(target_db, source_db)
    positions: dict[uuid.UUID, int] = {}
    brought: list[str] = []
    for coding in source_db.scalars(select(m.Coding).order_by(m.Coding.position)):
        if coding.id.hex in seen or target_db.get(m.Coding, coding.id) is not None:
            continue
        entry_ref = coding.entry.ref
        placed = _place(target_db, maps.get(coding.entry_id), coding, result.refused, entry_ref)
        if placed is None:
            continue
        theme_id = themes.bring(coding.theme_id, result)
        if coding.entry_id not in positions:
            top = target_db.scalar(
                select(func.max(m.Coding.position)).where(m.Coding.entry_id == coding.entry_id)
            )
            positions[coding.entry_id] = -1 if top is None else int(top)
        positions[coding.entry_id] += 1
        result.codings.append(
            m.Coding(
                id=coding.id,
                entry_id=coding.entry_id,
                theme_id=theme_id,
                start=placed.start if placed.span else None,
                end=placed.end if placed.span else None,
                memo=coding.memo,
                exemplar=False,
                coder=coding.coder or coder,
                position=positions[coding.entry_id],
            )
        )
        brought.append(coding.id.hex)
    if brought:
        record.brought_back = [*(record.brought_back or []), *brought]
    return result


@dataclass(frozen=True)
class _Placed:
    start: int
    end: int
    span: bool  # False: the coding is of the whole entry


def _place(
    target_db: Session,
    row: m.CodingCopyEntry | None,
    coding: m.Coding,
    refused: list[str],
    entry_ref: str,
) -> _Placed | None:
    """Where the copy's coding lies in the target's entry, or None (with a line why)."""
    entry = target_db.get(m.Entry, coding.entry_id)
    if entry is None:  # (its map row went with it)
        if target_db.get(m.Tombstone, ("entry", coding.entry_id.hex)) is None:
            refused.append(f"{entry_ref}: a note added in the copy; its coding stays there")
        else:
            refused.append(
                f"{entry_ref}: deleted here since the copy was made; its coding stays there"
            )
        return None
    if row is None:
        refused.append(f"{entry_ref}: not an entry given in this copy; its coding stays there")
        return None
    original = entry.text or ""
    if sha256(original) != row.original_sha256:
        refused.append(
            f"{entry_ref}: its text changed here since the copy was made; the coding stays there"
        )
        return None
    if coding.start is None or coding.end is None:
        return _Placed(0, 0, span=False)
    copy_text = coding.entry.text or ""
    span: Span | None = Span(coding.start, coding.end)
    if sha256(copy_text) != row.given_sha256:
        # the second coder edited the text: follow their edits back to the text they were given
        given = given_text(original, row.edits)
        span = remap_by_diff([span], copy_text, given)[0]
    moved = None if span is None else to_original(row.edits, span.start, span.end)
    if moved is None:
        refused.append(f"{entry_ref}: the coded words were deleted in the copy; not brought back")
        return None
    return _Placed(moved[0], moved[1], span=True)


class _Themes:
    """The target's theme for a copy's theme id: the same id, or the copy's new theme
    (with its new parents), made once, under a free ref."""

    def __init__(self, target_db: Session, source_db: Session) -> None:
        self.target_db = target_db
        self.source_db = source_db
        self.known = set(target_db.scalars(select(m.Theme.id)))
        self.refs = set(target_db.scalars(select(m.Theme.ref)))
        top = target_db.scalar(select(func.max(m.Theme.position)))
        self.position = -1 if top is None else int(top)

    def bring(self, theme_id: uuid.UUID, result: CopyCodings) -> uuid.UUID:
        if theme_id in self.known:
            return theme_id
        theme = self.source_db.get(m.Theme, theme_id)
        assert theme is not None  # the copy's foreign key
        if theme.parent_id is not None:
            self.bring(theme.parent_id, result)
        ref, n = theme.ref, 1
        while ref in self.refs:
            n += 1
            ref = f"{theme.ref}-{n}"
        self.position += 1
        result.themes.append(
            m.Theme(
                id=theme.id,
                ref=ref,
                name=theme.name,
                description=theme.description,
                colour=theme.colour,
                parent_id=theme.parent_id,
                position=self.position,
            )
        )
        self.known.add(theme.id)
        self.refs.add(ref)
        return theme.id
