"""Full-text search over entry text (the FTS5 index kept in sync by triggers)."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.orm import Session

_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class Hit:
    entry_id: uuid.UUID
    snippet: str


def match_expression(query: str) -> str | None:
    """The user's words as an FTS5 query: every word must appear, a trailing * is a prefix.

    Quoting each word keeps FTS5's own syntax (AND, NEAR, quotes, column filters) out of
    reach of whatever is typed into a search box, so no input can raise a syntax error.
    """
    terms = []
    for raw in query.split():
        prefix = raw.endswith("*")
        for word in _WORD.findall(raw):
            terms.append(f'"{word}"')
        if prefix and terms:
            terms[-1] += "*"
    return " ".join(terms) or None


def search_entries(db: Session, query: str, *, limit: int = 200) -> list[Hit]:
    """Entries whose text holds every word of `query`, best match first."""
    expression = match_expression(query)
    if expression is None:
        return []
    rows = db.execute(
        text(
            "SELECT m.entry_id, snippet(entry_fts, 0, '[', ']', '…', 12) "
            "FROM entry_fts JOIN entry_fts_map m ON m.rowid = entry_fts.rowid "
            "WHERE entry_fts MATCH :q ORDER BY rank LIMIT :limit"
        ),
        {"q": expression, "limit": limit},
    ).all()
    return [Hit(uuid.UUID(hex=str(entry_id)), str(snippet)) for entry_id, snippet in rows]


def optimise_search_index(db: Session) -> None:
    """Merge the index's segments into one: after a bulk import, and after an erasure so no
    deleted word lingers in an old segment."""
    db.execute(text("INSERT INTO entry_fts(entry_fts) VALUES ('optimize')"))
