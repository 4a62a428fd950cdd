"""Full-text search over entry text (the FTS5 index kept in sync by triggers), and where in
a text the words searched for are (to show the hit where the researcher lands)."""

from __future__ import annotations

import re
import unicodedata
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


@dataclass(frozen=True)
class Term:
    """One word of a search as the index compares it (see `fold`); `prefix`: a word typed
    with a trailing *, which matches every word it begins."""

    word: str
    prefix: bool = False

    def matches(self, token: str) -> bool:
        folded = fold(token)
        return folded.startswith(self.word) if self.prefix else folded == self.word


def fold(word: str) -> str:
    """A word as the index's tokenizer (unicode61, remove_diacritics 2) keeps it: lower case,
    accents off, so "Łódź" and "lodz" are one word, as they are to the search."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _is_token_char(char: str) -> bool:
    # unicode61's word characters: letters, numbers and private-use ones; marks stay with
    # the letter they modify. Everything else (spaces, punctuation, "_") separates words.
    category = unicodedata.category(char)
    return category[0] in "LNM" or category == "Co"


def tokens(text: str) -> list[tuple[int, int]]:
    """The words of `text` as the index splits it, as (start, end) Python indexes."""
    found: list[tuple[int, int]] = []
    start: int | None = None
    for at, char in enumerate(text):
        if _is_token_char(char):
            if start is None:
                start = at
        elif start is not None:
            found.append((start, at))
            start = None
    if start is not None:
        found.append((start, len(text)))
    return found


def query_terms(query: str) -> list[Term]:
    """The words the index looks for when `query` is searched (`match_expression`): each
    word typed, split where the tokenizer splits it; a trailing * makes the last a prefix."""
    terms: list[Term] = []
    for raw in query.split():
        words = [fold(raw[a:b]) for a, b in tokens(raw)]
        if not words:
            continue
        prefix = raw.endswith("*")
        terms += [Term(word) for word in words[:-1]]
        terms.append(Term(words[-1], prefix))
    return terms


def matched_spans(text: str, query: str) -> list[tuple[int, int]]:
    """Where the words of `query` are in `text`: (start, end) Python indexes of every word
    the search matched, in order. A hit's text holds each of them at least once."""
    terms = query_terms(query)
    if not terms:
        return []
    return [(a, b) for a, b in tokens(text) if any(t.matches(text[a:b]) for t in terms)]


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
