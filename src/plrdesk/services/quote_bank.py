"""The quote bank: the coded passages of one theme, in document order, with what the
researcher needs to judge them as quotes.

Rows are built from `domain.passages.Passage` (the same objects the matrix and the export
count), so "not counted" here means exactly what it means in the report: withdrawn
participants, entries flagged for safeguarding and group lines count no one. Who said a
passage is a descriptor made from their kind and attributes, never their name.
"""

from __future__ import annotations

import gc
import re
import uuid
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from sqlalchemy import String, select, type_coerce
from sqlalchemy.orm import Session

from plrdesk.domain import models as m
from plrdesk.domain.kinds import ParticipantKind, Permission
from plrdesk.domain.passages import (
    EXCLUDED_SAFEGUARDING,
    EXCLUDED_WITHDRAWN,
    Passage,
    ThemeTree,
)
from plrdesk.services import audit
from plrdesk.services.changes import Changes, Table
from plrdesk.services.corpus import Corpus, theme_tree
from plrdesk.services.permission_book import load_permission_book

if TYPE_CHECKING:
    from plrdesk.forms.catalog import FormCatalog

GROUP_LINE = "group line, counts no one"
NOT_QUOTABLE = "counted, not quotable"
NOT_VERBATIM = "counted; not verbatim"

GROUP_DESCRIPTOR = "the group"
KIND_WORD: dict[str, str] = {
    ParticipantKind.PRACTITIONER: "practitioner",
    ParticipantKind.PARENT: "parent or carer",
    ParticipantKind.CHILD: "child",
    ParticipantKind.OTHER: "other",
}

# A sentence ends at . ! or ? followed by white space.
_SENTENCE_END = re.compile(r"[.!?]\s+")


class NotQuotable(ValueError):
    """The passage cannot be marked as a quote; the message says why in a few words."""


class UnknownCoding(LookupError):
    """No coding with that id (deleted meanwhile)."""


# -- what a row says -----------------------------------------------------------------------


def descriptor(kind: str | None, attributes: Mapping[str, Any]) -> str:
    """Who said it, by kind and attributes, never by name:
    "practitioner · voluntary · project worker", "child · age 12 · boy · Year 7"."""
    if kind is None:
        return GROUP_DESCRIPTOR
    attrs = dict(attributes)
    parts = [KIND_WORD.get(kind, kind)]
    if kind == ParticipantKind.PRACTITIONER:
        parts += [str(attrs.pop(key)) for key in ("sector", "role") if key in attrs]
    elif kind == ParticipantKind.PARENT:
        parts += [str(attrs.pop("relationship"))] if "relationship" in attrs else []
    elif kind == ParticipantKind.CHILD:
        if "age" in attrs:
            parts.append(f"age {attrs.pop('age')}")
        if "gender" in attrs:
            parts.append(str(attrs.pop("gender")))
        if "year_group" in attrs:
            parts.append(f"Year {attrs.pop('year_group')}")
    parts += [f"{attribute_label(key)}: {attribute_text(value)}" for key, value in attrs.items()]
    return " · ".join(parts)


def attribute_label(name: str) -> str:
    """An attribute's name for people: "year_group" -> "year group"."""
    return name.replace("_", " ")


def attribute_text(value: object) -> str:
    """An attribute's value as the filters and the matrix compare it (booleans as yes/no)."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def context(text: str, start: int, end: int) -> tuple[str, str]:
    """The text around [start, end): from the start of the sentence before the one the span
    starts in, and up to the end of the sentence after the one it ends in."""
    starts = [0, *(match.end() for match in _SENTENCE_END.finditer(text))]
    first = bisect_right(starts, start) - 1
    last = bisect_right(starts, max(end - 1, start)) - 1
    begin = starts[max(first - 1, 0)]
    finish = starts[last + 2] if last + 2 < len(starts) else len(text)
    return text[begin:start], text[end:finish].rstrip()


def why_not_quotable(
    excluded: str | None, speaker_ref: str | None, may_quote: bool, verbatim: bool
) -> str | None:
    """Why this passage cannot be a quote in the report, or None when it can."""
    if excluded is not None:
        return excluded
    if speaker_ref is None:
        return GROUP_LINE
    if not may_quote:
        return NOT_QUOTABLE
    if not verbatim:
        return NOT_VERBATIM
    return None


@dataclass(frozen=True)
class QuoteRow:
    """One coded passage as the quote bank lists it."""

    passage: Passage
    theme_name: str  # the theme (or sub-theme) it is coded with
    before: str  # context: the sentence(s) before the passage
    after: str  # and after it
    who: str  # descriptor, never a name
    question_label: str | None  # the guide's text for the question, when the guide is known

    @property
    def coding_id(self) -> uuid.UUID:
        return self.passage.coding_id

    @property
    def entry_id(self) -> uuid.UUID:
        return self.passage.entry_id

    @property
    def session_kind(self) -> str:
        return self.passage.session_kind

    @property
    def question(self) -> str | None:
        return self.passage.question

    @property
    def excluded(self) -> str | None:
        """Why it never counts (withdrawn participant, flagged for safeguarding), or None."""
        return self.passage.excluded

    @property
    def counts(self) -> bool:
        return self.passage.counts

    @property
    def may_quote(self) -> bool:
        return self.passage.may_quote

    @property
    def exemplar(self) -> bool:
        return self.passage.exemplar

    @property
    def not_quotable(self) -> str | None:
        """Why it cannot be marked as a quote, or None."""
        p = self.passage
        return why_not_quotable(p.excluded, p.speaker_ref, p.may_quote, p.verbatim)

    @property
    def status(self) -> str:
        """One short line: "not counted: withdrawn participant", "counted, not quotable", ..."""
        p = self.passage
        if p.excluded is not None:
            return f"not counted: {p.excluded}"
        return self.not_quotable or ("usable quote" if p.exemplar else "counted, quotable")

    def with_exemplar(self, exemplar: bool) -> QuoteRow:
        """The same row with the flag changed (what the view shows while the save runs)."""
        return replace(self, passage=replace(self.passage, exemplar=exemplar))


# -- filters -------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuoteFilters:
    """What the researcher narrowed the list to; None means any."""

    participant_kind: str | None = None
    session_kind: str | None = None
    question: tuple[str | None, str] | None = None  # (guide, question id)
    attribute: tuple[str, str] | None = None  # (name, value as attribute_text gives it)

    def accepts(self, passage: Passage) -> bool:
        if self.participant_kind is not None and passage.speaker_kind != self.participant_kind:
            return False
        if self.session_kind is not None and passage.session_kind != self.session_kind:
            return False
        if self.question is not None and (passage.guide, passage.question) != self.question:
            return False
        if self.attribute is not None:
            name, value = self.attribute
            held = passage.speaker_attributes.get(name)
            if held is None or attribute_text(held) != value:
                return False
        return True


def filter_rows(rows: Iterable[QuoteRow], filters: QuoteFilters | None) -> list[QuoteRow]:
    if filters is None:
        return list(rows)
    return [row for row in rows if filters.accepts(row.passage)]


@dataclass(frozen=True)
class QuoteCount:
    passages: int
    participants: int  # distinct participants behind the counted passages
    not_counted: int  # withdrawn, safeguarding and group lines

    def __str__(self) -> str:
        passages = "passage" if self.passages == 1 else "passages"
        people = "participant" if self.participants == 1 else "participants"
        return (
            f"{self.passages} {passages} from {self.participants} {people}"
            f" ({self.not_counted} not counted)"
        )


def count_rows(rows: Sequence[QuoteRow]) -> QuoteCount:
    counted = [row.passage for row in rows if row.counts]
    people = {p.speaker_ref for p in counted if p.speaker_ref is not None}
    return QuoteCount(len(rows), len(people), len(rows) - len(counted))


# -- building ------------------------------------------------------------------------------


def question_label(
    forms: FormCatalog | None, guide: str | None, question: str | None
) -> str | None:
    """The guide's text for a question, when the guide is known."""
    if forms is None or guide is None or question is None:
        return None
    form = forms.get(guide)
    item = form.item(question) if form is not None else None
    return " ".join(item.text.split()) if item is not None else None


def quote_rows(
    passages: Iterable[Passage], tree: ThemeTree, forms: FormCatalog | None = None
) -> list[QuoteRow]:
    """Quote-bank rows for these passages, in the order given."""
    labels: dict[tuple[str | None, str | None], str | None] = {}
    who: dict[str | None, str] = {}  # descriptor by speaker ref
    names = {node.id: node.name for node in tree.nodes.values()}
    rows = []
    with gc_paused():  # thousands of small objects, no cycles
        for passage in passages:
            key = (passage.guide, passage.question)
            if key not in labels:
                labels[key] = question_label(forms, *key)
            speaker = passage.speaker_ref
            if speaker not in who:
                who[speaker] = descriptor(passage.speaker_kind, passage.speaker_attributes)
            before, after = context(passage.entry_text, passage.start, passage.end)
            rows.append(
                QuoteRow(
                    passage,
                    names.get(passage.theme_id, ""),
                    before,
                    after,
                    who[speaker],
                    labels[key],
                )
            )
    return rows


def quote_bank(
    corpus: Corpus,
    theme_id: uuid.UUID,
    filters: QuoteFilters | None = None,
    *,
    forms: FormCatalog | None = None,
) -> list[QuoteRow]:
    """The passages coded with a theme or any theme under it, in document order."""
    themes = corpus.tree.descendants(theme_id)
    chosen = [p for p in corpus.passages if p.theme_id in themes]
    chosen.sort(key=lambda p: (p.entry_position, p.start))
    if filters is not None:
        chosen = [p for p in chosen if filters.accepts(p)]
    return quote_rows(chosen, corpus.tree, forms)


@dataclass(frozen=True)
class ThemeQuotes:
    """What the quote bank shows for one theme: its name, whether it has sub-themes, and
    its rows."""

    theme_id: uuid.UUID
    name: str | None  # None: the theme no longer exists
    has_sub_themes: bool
    rows: list[QuoteRow]


def load_quote_bank(db: Session, forms: FormCatalog | None, theme_id: uuid.UUID) -> ThemeQuotes:
    """The quote bank of one theme (and its sub-themes), read for the app's list."""
    corpus = load_theme_corpus(db, forms, theme_id)
    node = corpus.tree.nodes.get(theme_id)
    if node is None:
        return ThemeQuotes(theme_id, None, False, [])
    has_sub = len(corpus.tree.descendants(theme_id)) > 1
    return ThemeQuotes(theme_id, node.name, has_sub, quote_bank(corpus, theme_id, forms=forms))


def load_theme_corpus(db: Session, forms: FormCatalog | None, theme_id: uuid.UUID) -> Corpus:
    """The passages of one theme and its sub-themes only, as `services.corpus.load_corpus`
    makes them (same fields, same exclusions, same order), read with plain column queries.

    The quote bank shows one theme at a time; reading every coding of the study through the
    ORM to show one theme is what made it slow on a large study (docs/performance.md). Ids
    that repeat (themes, speakers) are read as text and looked up, not parsed per row."""
    tree = theme_tree(db)
    themes = tree.descendants(theme_id)
    by_hex = {theme.hex: theme for theme in themes}
    book = load_permission_book(db, forms)
    people: dict[str, _Speaker] = {}
    for person_id, ref, kind, attributes in db.execute(
        select(
            _hex(m.Participant.id), m.Participant.ref, m.Participant.kind, m.Participant.attributes
        )
    ):
        people[person_id] = _Speaker(
            ref,
            kind,
            dict(attributes or {}),
            book.is_withdrawn(ref),
            book.holds(ref, Permission.QUOTE),
        )
    coding, entry, session = m.Coding, m.Entry, m.StudySession
    rows = db.execute(
        select(
            coding.id,
            _hex(coding.theme_id),
            coding.start,
            coding.end,
            coding.exemplar,
            coding.memo,
            entry.id,
            entry.ref,
            entry.position,
            entry.text,
            entry.question,
            entry.verbatim,
            entry.safeguarding_flagged_at.is_not(None),
            _hex(entry.speaker_id),
            session.ref,
            session.kind,
            session.guide,
            session.position,
        )
        .join(entry, entry.id == coding.entry_id)
        .join(session, session.id == entry.session_id)
        .where(coding.theme_id.in_(themes))
        .order_by(session.position, entry.position, coding.start)
    )
    passages = []
    nobody = _Speaker(None, None, {}, False, False)
    with gc_paused():  # thousands of small objects, no cycles
        for (
            coding_id,
            coded_theme,
            start,
            end,
            exemplar,
            memo,
            entry_id,
            entry_ref,
            entry_position,
            text,
            question,
            verbatim,
            flagged,
            speaker_id,
            session_ref,
            session_kind,
            guide,
            session_position,
        ) in rows:
            text = text or ""
            start = start if start is not None else 0
            end = end if end is not None else len(text)
            speaker = people.get(speaker_id, nobody) if speaker_id is not None else nobody
            excluded = None
            if flagged:
                excluded = EXCLUDED_SAFEGUARDING
            elif speaker.withdrawn:
                excluded = EXCLUDED_WITHDRAWN
            passages.append(
                Passage(
                    coding_id=coding_id,
                    theme_id=by_hex[coded_theme],
                    entry_id=entry_id,
                    entry_ref=entry_ref,
                    entry_position=(session_position, entry_position),
                    text=text[start:end],
                    start=start,
                    end=end,
                    entry_text=text,
                    speaker_ref=speaker.ref,
                    speaker_kind=speaker.kind,
                    speaker_attributes=speaker.attributes,
                    session_ref=session_ref,
                    session_kind=session_kind,
                    guide=guide,
                    question=question,
                    verbatim=bool(verbatim),
                    exemplar=bool(exemplar),
                    memo=memo,
                    may_quote=speaker.may_quote,
                    excluded=excluded,
                )
            )
    passages.sort(key=lambda p: (p.entry_position, p.start))  # whole-entry codings: start 0
    return Corpus(passages, tree)


@contextmanager
def gc_paused() -> Iterator[None]:
    """Hold the cyclic garbage collector while building many small acyclic objects.

    Building 5,000 passages or rows triggers dozens of collections; on a process holding a
    large heap (the app, a loaded corpus) the full ones cost as much as the building itself.
    Nothing built here forms a cycle, so nothing is missed; collection resumes afterwards."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@dataclass(frozen=True)
class _Speaker:
    ref: str | None
    kind: str | None
    attributes: Mapping[str, Any]
    withdrawn: bool
    may_quote: bool


def _hex(column: Any) -> Any:
    """A UUID column read as its stored hex text (no parsing)."""
    return type_coerce(column, String)


# -- the exemplar flag ---------------------------------------------------------------------


def set_exemplar(
    db: Session, coding_id: uuid.UUID, exemplar: bool, *, forms: FormCatalog | None = None
) -> Changes:
    """Mark a coded passage as usable as a quote (or not). Marking is refused for passages the
    report may never quote: withdrawn participants, safeguarding, group lines, no quote
    permission, notes not taken verbatim. Clearing the mark is always allowed."""
    coding = db.get(m.Coding, coding_id)
    if coding is None:
        raise UnknownCoding("that passage is no longer coded")
    changes = Changes()
    if coding.exemplar == exemplar:
        return changes
    if exemplar:
        entry = coding.entry
        speaker = entry.speaker
        book = load_permission_book(db, forms)
        excluded = None
        if entry.safeguarding_flagged_at is not None:
            excluded = EXCLUDED_SAFEGUARDING
        elif speaker is not None and book.is_withdrawn(speaker.ref):
            excluded = EXCLUDED_WITHDRAWN
        reason = why_not_quotable(
            excluded,
            speaker.ref if speaker is not None else None,
            speaker is not None and book.holds(speaker.ref, Permission.QUOTE),
            entry.verbatim,
        )
        if reason is not None:
            raise NotQuotable(reason)
    coding.exemplar = exemplar
    changes.update(Table.CODING, coding.id)
    audit.record(db, "coding-exemplar", [coding.id], marked=int(exemplar))
    return changes
