"""Full-text search across the study, with where each hit was said."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from plrdesk.domain import models as m
from plrdesk.storage.search import search_entries


@dataclass(frozen=True)
class SearchHit:
    entry_id: uuid.UUID
    snippet: str
    session_ref: str
    session_kind: str
    question: str | None
    speaker_ref: str | None


def search_study(db: Session, query: str, *, limit: int = 200) -> list[SearchHit]:
    hits = search_entries(db, query, limit=limit)
    entries = {
        e.id: e
        for e in db.scalars(
            select(m.Entry)
            .where(m.Entry.id.in_([h.entry_id for h in hits]))
            .options(selectinload(m.Entry.session), selectinload(m.Entry.speaker))
        )
    }
    result = []
    for hit in hits:
        entry = entries.get(hit.entry_id)
        if entry is None:
            continue
        result.append(
            SearchHit(
                hit.entry_id,
                hit.snippet,
                entry.session.ref,
                entry.session.kind,
                entry.question,
                entry.speaker.ref if entry.speaker else None,
            )
        )
    return result
