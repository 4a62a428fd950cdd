"""The coded passages of a study, read once, for the quote bank, the matrix and the export."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from plrdesk.domain import models as m
from plrdesk.domain.kinds import Permission
from plrdesk.domain.passages import (
    EXCLUDED_SAFEGUARDING,
    EXCLUDED_WITHDRAWN,
    Passage,
    ThemeNode,
    ThemeTree,
)
from plrdesk.services.permission_book import load_permission_book

if TYPE_CHECKING:
    from plrdesk.forms.catalog import FormCatalog


@dataclass
class Corpus:
    passages: list[Passage]
    tree: ThemeTree


def theme_tree(db: Session) -> ThemeTree:
    tree = ThemeTree()
    for t in db.scalars(select(m.Theme).order_by(m.Theme.position)):
        tree.nodes[t.id] = ThemeNode(t.id, t.ref, t.name, t.parent_id, t.description, t.colour)
    return tree


def load_corpus(db: Session, forms: FormCatalog | None) -> Corpus:
    book = load_permission_book(db, forms)
    session_positions = {
        session_id: position
        for session_id, position in db.execute(select(m.StudySession.id, m.StudySession.position))
    }
    codings = db.scalars(
        select(m.Coding).options(
            selectinload(m.Coding.entry).selectinload(m.Entry.speaker),
            selectinload(m.Coding.entry).selectinload(m.Entry.session),
        )
    )
    passages = []
    for coding in codings:
        entry = coding.entry
        text = entry.text or ""
        start = coding.start if coding.start is not None else 0
        end = coding.end if coding.end is not None else len(text)
        speaker = entry.speaker
        excluded = None
        if entry.safeguarding_flagged_at is not None:
            excluded = EXCLUDED_SAFEGUARDING
        elif speaker is not None and book.is_withdrawn(speaker.ref):
            excluded = EXCLUDED_WITHDRAWN
        passages.append(
            Passage(
                coding_id=coding.id,
                theme_id=coding.theme_id,
                entry_id=entry.id,
                entry_ref=entry.ref,
                entry_position=(session_positions.get(entry.session_id, 0), entry.position),
                text=text[start:end],
                start=start,
                end=end,
                entry_text=text,
                speaker_ref=speaker.ref if speaker else None,
                speaker_kind=speaker.kind if speaker else None,
                speaker_attributes=dict(speaker.attributes) if speaker else {},
                session_ref=entry.session.ref,
                session_kind=entry.session.kind,
                guide=entry.session.guide,
                question=entry.question,
                verbatim=entry.verbatim,
                exemplar=coding.exemplar,
                memo=coding.memo,
                may_quote=speaker is not None and book.holds(speaker.ref, Permission.QUOTE),
                excluded=excluded,
            )
        )
    passages.sort(key=lambda p: (p.entry_position, p.start))
    return Corpus(passages, theme_tree(db))
