"""Coding: tagging passages of notes with themes, and taking the tags off again.

A coding is a theme on [start, end) of an entry's text, or on the whole entry when both
are None. The desktop app calls these from undo commands, so each has an exact inverse:
`code_passage` returns what it replaced, which `undo_code` puts back; `remove_coding`
returns the coding's record, which `restore_coding` puts back with the same id.

Rules of a coding:
- a selected span is trimmed of surrounding whitespace (`snap_to_words`) and must lie
  within the note's text; a span of nothing but spaces is not a passage;
- **one theme, one passage**: coding an entry with a theme over a span that overlaps a
  span already coded with the *same* theme, or is separated from it by nothing but
  whitespace, merges them into one coding that covers both (the earlier coding keeps its
  id, the memos are joined). A whole-entry coding overlaps every span, so coding the
  whole entry absorbs that theme's spans, and a span coded under a theme that already
  covers the whole entry changes nothing;
- several *different* themes on one passage are separate codings, as many as wanted;
- each coding names its coder (`services.coders`): NULL, the study's researcher, unless
  the study is a second coder's coding copy. Merging is within one coder's codings: two
  coders' codings of a passage stay two, for the agreement between them.

The audit log says which coding, entry and theme ids were touched, never the coded words
or a memo.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session, selectinload

from plrdesk.domain import models as m
from plrdesk.domain.ids import CodingId, EntryId, SessionId, ThemeId, new_id
from plrdesk.domain.spans import Span, snap_to_words
from plrdesk.services import audit
from plrdesk.services.changes import Changes, Table
from plrdesk.services.coders import coder_for_new_codings, coder_name, researcher_name
from plrdesk.services.entries import UnknownEntry
from plrdesk.services.themes import palette_colour

__all__ = [
    "Coded",
    "CodingRecord",
    "CodingView",
    "NotAPassage",
    "TextChanged",
    "ThemeChoice",
    "Uncoded",
    "UnknownCoding",
    "UnknownEntry",
    "UnknownTheme",
    "code_passage",
    "codings_of_entry",
    "codings_of_session",
    "remove_coding",
    "restore_coding",
    "restore_removed",
    "set_memo",
    "theme_colours",
    "themes_for_picker",
    "undo_code",
]

PATH_SEPARATOR = " › "


class UnknownCoding(LookupError):
    """No coding has that id (it was removed meanwhile)."""


class UnknownTheme(LookupError):
    """No theme has that id (it was deleted or merged meanwhile)."""


class NotAPassage(ValueError):
    """The span is not words of the note: outside its text, empty or only spaces."""


class TextChanged(ValueError):
    """The note no longer reads as the screen showed it, so the span may not be those words."""


@dataclass(frozen=True)
class ThemeChoice:
    """A theme as a picker lists it: its id, its path from the root and its colour."""

    id: ThemeId
    name: str  # "Parent › Child"
    colour: str  # "#rrggbb": the theme's own, else its palette colour
    depth: int = 0


@dataclass(frozen=True)
class CodingView:
    """A coding as a session view shows it."""

    id: CodingId
    entry_id: EntryId
    theme_id: ThemeId
    theme_name: str  # the theme's path, "Parent › Child"
    colour: str
    start: int | None  # None, None: the whole entry
    end: int | None
    memo: str | None
    exemplar: bool = False
    coder: str = ""  # who coded it, as shown: a name, or the researcher's for NULL

    @property
    def whole(self) -> bool:
        return self.start is None or self.end is None


@dataclass(frozen=True)
class CodingRecord:
    """Every field of a coding, to put it back exactly."""

    id: CodingId
    entry_id: EntryId
    theme_id: ThemeId
    start: int | None
    end: int | None
    memo: str | None
    exemplar: bool
    position: int
    coder: str | None = None  # as stored: None is the researcher


@dataclass(kw_only=True)
class Coded(Changes):
    """What `code_passage` did: the coding that now carries the theme over the passage
    (a new one, or the same-theme coding it was merged into) and every coding as it was
    before the merge (for `undo_code`)."""

    coding_id: CodingId
    start: int | None
    end: int | None
    merged: bool = False
    before: tuple[CodingRecord, ...] = ()


@dataclass(kw_only=True)
class Uncoded(Changes):
    record: CodingRecord


# -- reading ------------------------------------------------------------------------------


def _theme_order(db: Session) -> list[tuple[m.Theme, str, int]]:
    """Every theme depth first in tree order, with its path name and depth."""
    themes = list(db.scalars(select(m.Theme).order_by(m.Theme.position, m.Theme.ref)))
    ids = {t.id for t in themes}
    children: dict[uuid.UUID | None, list[m.Theme]] = {}
    for theme in themes:
        parent = theme.parent_id if theme.parent_id in ids else None
        children.setdefault(parent, []).append(theme)
    ordered: list[tuple[m.Theme, str, int]] = []
    seen: set[uuid.UUID] = set()

    def walk(parent: uuid.UUID | None, prefix: str, depth: int) -> None:
        for theme in children.get(parent, []):
            if theme.id in seen:
                continue
            seen.add(theme.id)
            path = f"{prefix}{PATH_SEPARATOR}{theme.name}" if prefix else theme.name
            ordered.append((theme, path, depth))
            walk(theme.id, path, depth + 1)

    walk(None, "", 0)
    for theme in themes:  # a cycle of parents never reaches the root: list them anyway
        if theme.id not in seen:
            seen.add(theme.id)
            ordered.append((theme, theme.name, 0))
    return ordered


def _colour(theme: m.Theme) -> str:
    own = (theme.colour or "").strip()
    return own if own.startswith("#") else palette_colour(theme.ref)


def themes_for_picker(db: Session) -> list[ThemeChoice]:
    """Every theme in tree order (parents before their children, by position), named by
    its path ("Parent › Child"), in its colour or, lacking one, the palette colour the
    theme tree shows it in (`themes.palette_colour`)."""
    return [
        ThemeChoice(ThemeId(theme.id), path, _colour(theme), depth)
        for theme, path, depth in _theme_order(db)
    ]


def theme_colours(db: Session) -> dict[uuid.UUID, tuple[str, str]]:
    """Theme id -> (path name, colour), as `themes_for_picker` gives them."""
    return {choice.id: (choice.name, choice.colour) for choice in themes_for_picker(db)}


def _view(
    coding: m.Coding, themes: dict[uuid.UUID, tuple[str, str]], researcher: str
) -> CodingView:
    name, colour = themes.get(coding.theme_id) or (coding.theme.name, _colour(coding.theme))
    return CodingView(
        id=CodingId(coding.id),
        entry_id=EntryId(coding.entry_id),
        theme_id=ThemeId(coding.theme_id),
        theme_name=name,
        colour=colour,
        start=coding.start,
        end=coding.end,
        memo=coding.memo,
        exemplar=coding.exemplar,
        coder=coder_name(coding.coder, researcher),
    )


def codings_of_entry(db: Session, entry_id: EntryId) -> list[CodingView]:
    """The entry's codings in the order they were made."""
    entry = _entry(db, entry_id)
    themes, researcher = theme_colours(db), researcher_name(db)
    return [_view(coding, themes, researcher) for coding in entry.codings]


def codings_of_session(db: Session, session_id: SessionId) -> dict[EntryId, list[CodingView]]:
    """The codings of every entry of a session, by entry id, each in the order made."""
    themes, researcher = theme_colours(db), researcher_name(db)
    rows = db.scalars(
        select(m.Coding)
        .join(m.Entry, m.Coding.entry_id == m.Entry.id)
        .where(m.Entry.session_id == session_id)
        .options(selectinload(m.Coding.theme))
        .order_by(m.Entry.position, m.Coding.position)
    )
    found: dict[EntryId, list[CodingView]] = {}
    for coding in rows:
        found.setdefault(EntryId(coding.entry_id), []).append(_view(coding, themes, researcher))
    return found


# -- helpers ------------------------------------------------------------------------------


def _entry(db: Session, entry_id: EntryId) -> m.Entry:
    entry = db.get(m.Entry, entry_id)
    if entry is None:
        raise UnknownEntry("that note no longer exists")
    return entry


def _theme(db: Session, theme_id: ThemeId) -> m.Theme:
    theme = db.get(m.Theme, theme_id)
    if theme is None:
        raise UnknownTheme("that theme no longer exists")
    return theme


def _coding(db: Session, coding_id: CodingId) -> m.Coding:
    coding = db.get(m.Coding, coding_id)
    if coding is None:
        raise UnknownCoding("that coding no longer exists")
    return coding


def _record(coding: m.Coding) -> CodingRecord:
    return CodingRecord(
        id=CodingId(coding.id),
        entry_id=EntryId(coding.entry_id),
        theme_id=ThemeId(coding.theme_id),
        start=coding.start,
        end=coding.end,
        memo=coding.memo,
        exemplar=coding.exemplar,
        position=coding.position,
        coder=coding.coder,
    )


def _check_span(text: str, start: int | None, end: int | None) -> None:
    if (start is None) != (end is None):
        raise NotAPassage("a passage needs both a start and an end, or neither (the whole note)")
    if start is not None and end is not None and not 0 <= start < end <= len(text):
        raise NotAPassage("that passage is not within the note's text")


def _touches(coding: m.Coding, span: Span | None, text: str) -> bool:
    """Whether a coding and a span share words, or only whitespace lies between them."""
    if span is None or coding.start is None or coding.end is None:
        return True
    gap = text[min(coding.end, span.end) : max(coding.start, span.start)]
    return not gap.strip()


def _clean_memo(memo: str | None) -> str | None:
    memo = (memo or "").strip()
    return memo or None


def _joined(memos: Sequence[str | None]) -> str | None:
    kept: list[str] = []
    for memo in memos:
        clean = _clean_memo(memo)
        if clean is not None and clean not in kept:
            kept.append(clean)
    return "\n\n".join(kept) or None


def _next_position(entry: m.Entry) -> int:
    return max((c.position for c in entry.codings), default=-1) + 1


# -- coding -------------------------------------------------------------------------------


def code_passage(
    db: Session,
    entry_id: EntryId,
    theme_id: ThemeId,
    start: int | None,
    end: int | None,
    memo: str | None = None,
    *,
    coding_id: CodingId | None = None,
    expect_text: str | None = None,
) -> Coded:
    """Code [start, end) of the entry's text with the theme (None, None: the whole entry).

    The span is trimmed of whitespace at both ends and must lie within the text. Where
    the same theme already codes a span of this entry that overlaps it, or is apart from
    it by nothing but whitespace, the two
    are merged into one coding covering both: the earliest such coding keeps its id and
    takes the union of the spans (the whole entry if either was), the memos of all of them
    joined and the exemplar mark if any had it; the others are removed. Otherwise a new
    coding is made (with `coding_id` when given, so a redo makes the same one). Other
    themes' codings of the passage are left as they are.

    `expect_text`: the note as the screen showed it when the span was chosen; if the
    study holds other words (a save failed), nothing is coded (TextChanged).
    """
    entry = _entry(db, entry_id)
    theme = _theme(db, theme_id)
    text = entry.text or ""
    if expect_text is not None and start is not None and expect_text != text:
        raise TextChanged("the note has changed since the passage was chosen; try again")
    _check_span(text, start, end)
    span: Span | None = None
    if start is not None and end is not None:
        span = snap_to_words(text, Span(start, end))
        if span is None:
            raise NotAPassage("select some words, not only spaces")
    memo = _clean_memo(memo)
    coder = coder_for_new_codings(db)
    same = [c for c in entry.codings if c.theme_id == theme.id and c.coder == coder]
    merging: list[m.Coding] = []
    grown = span
    changed = True
    while changed:  # a grown span may reach further same-theme codings
        changed = False
        for coding in same:
            if coding not in merging and _touches(coding, grown, text):
                merging.append(coding)
                changed = True
                if grown is not None and coding.start is not None and coding.end is not None:
                    grown = Span(min(grown.start, coding.start), max(grown.end, coding.end))
                else:
                    grown = None

    changes: Coded
    if not merging:
        coding = m.Coding(
            id=coding_id or new_id(),
            entry_id=entry.id,
            theme_id=theme.id,
            start=span.start if span else None,
            end=span.end if span else None,
            memo=memo,
            position=_next_position(entry),
            coder=coder,
        )
        entry.codings.append(coding)
        db.flush()
        changes = Coded(coding_id=CodingId(coding.id), start=coding.start, end=coding.end)
        changes.add(Table.CODING, coding.id)
        audit.record(db, "code-passage", [coding.id, entry.id, theme.id], whole=int(span is None))
        return changes

    merging.sort(key=lambda c: c.position)
    before = tuple(_record(c) for c in merging)
    keeper, absorbed = merging[0], merging[1:]
    keeper.start = grown.start if grown else None
    keeper.end = grown.end if grown else None
    keeper.memo = _joined([c.memo for c in merging] + [memo])
    keeper.exemplar = any(c.exemplar for c in merging)
    changes = Coded(
        coding_id=CodingId(keeper.id),
        start=keeper.start,
        end=keeper.end,
        merged=True,
        before=before,
    )
    changes.update(Table.CODING, keeper.id)
    for coding in absorbed:
        changes.remove(Table.CODING, coding.id)
        entry.codings.remove(coding)
        db.delete(coding)
    db.flush()
    audit.record(
        db,
        "code-passage",
        [keeper.id, entry.id, theme.id],
        merged=len(merging),
        whole=int(grown is None),
    )
    return changes


def undo_code(db: Session, coded: Coded) -> Changes:
    """Undo a `code_passage`: take its coding away and put back what it merged, exactly."""
    changes = Changes()
    restored = {record.id for record in coded.before}
    coding = db.get(m.Coding, coded.coding_id)
    if coding is not None and coding.id not in restored:
        changes.remove(Table.CODING, coding.id)
        coding.entry.codings.remove(coding)
        db.delete(coding)
        db.flush()
    for record in coded.before:
        changes.merge(_put(db, record))
    audit.record(db, "undo-code", [coded.coding_id, *(r.id for r in coded.before)])
    return changes


def set_memo(db: Session, coding_id: CodingId, memo: str | None) -> Changes:
    """The researcher's note on why this passage carries this theme (blank: none)."""
    coding = _coding(db, coding_id)
    coding.memo = _clean_memo(memo)
    audit.record(db, "coding-memo", [coding.id], cleared=int(coding.memo is None))
    changes = Changes()
    changes.update(Table.CODING, coding.id)
    return changes


def remove_coding(db: Session, coding_id: CodingId) -> Uncoded:
    """Take a coding off its passage; `record` puts it back (`restore_coding`)."""
    coding = _coding(db, coding_id)
    record = _record(coding)
    coding.entry.codings.remove(coding)
    db.delete(coding)
    db.flush()
    audit.record(db, "remove-coding", [record.id, record.entry_id, record.theme_id])
    changes = Uncoded(record=record)
    changes.remove(Table.CODING, record.id)
    return changes


def restore_removed(db: Session, removed: Uncoded) -> Changes:
    """Undo `remove_coding`: put back the coding it took off (its result handed over)."""
    return restore_coding(db, removed.record)


def _put(db: Session, record: CodingRecord) -> Changes:
    entry = _entry(db, record.entry_id)
    _theme(db, record.theme_id)
    _check_span(entry.text or "", record.start, record.end)
    changes = Changes()
    coding = db.get(m.Coding, record.id)
    if coding is None:
        taken = any(c.position == record.position for c in entry.codings)
        if taken:
            db.execute(
                update(m.Coding)
                .where(m.Coding.entry_id == entry.id, m.Coding.position >= record.position)
                .values(position=m.Coding.position + 1)
                .execution_options(synchronize_session="fetch")
            )
        coding = m.Coding(id=record.id, entry_id=entry.id, theme_id=record.theme_id)
        entry.codings.append(coding)
        changes.add(Table.CODING, record.id)
    else:
        changes.update(Table.CODING, record.id)
    coding.theme_id = record.theme_id
    coding.start, coding.end = record.start, record.end
    coding.memo = record.memo
    coding.exemplar = record.exemplar
    coding.position = record.position
    coding.coder = record.coder
    db.flush()
    return changes


def restore_coding(db: Session, record: CodingRecord) -> Changes:
    """Put a removed coding back with its id, theme, span, memo, mark and position."""
    changes = _put(db, record)
    audit.record(db, "restore-coding", [record.id, record.entry_id, record.theme_id])
    return changes


# -- text saves that report lost codings --------------------------------------------------
