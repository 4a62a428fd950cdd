"""Who coded a passage: the rules for naming coders, shared by every view and command.

A coding's `coder` is a person's name, or NULL for the study's researcher (Study details),
so renaming the researcher renames their codings everywhere at once. Without a researcher
set, NULL reads as "the researcher". A coding copy (study.copy_coder set) is the second
coder's own study: codings made in it carry that name.

Names are compared as people type them: case and runs of spaces do not make a different
coder ("sam  Patel" is "Sam Patel"); the study's own spelling is the one shown.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from plrdesk.domain import models as m

_CHUNK = 500  # ids per IN (...): well under SQLite's variable limit

__all__ = [
    "DEFAULT_RESEARCHER",
    "CoderCount",
    "coder_for_new_codings",
    "coder_key",
    "coder_name",
    "coder_names",
    "coders_of",
    "find_coder",
    "researcher_name",
]

DEFAULT_RESEARCHER = "the researcher"


@dataclass(frozen=True)
class CoderCount:
    name: str
    codings: int


def coder_key(name: str) -> str:
    """What makes two spellings the same coder: case and spacing do not count."""
    return " ".join(name.split()).casefold()


def researcher_name(db: Session) -> str:
    """The study's researcher as Study details name them, else "the researcher"."""
    name = db.scalar(select(m.Study.researcher).limit(1))
    name = " ".join((name or "").split())
    return name or DEFAULT_RESEARCHER


def coder_name(coder: str | None, researcher: str) -> str:
    """A coding's coder as shown: its own name, or the researcher's for NULL."""
    name = " ".join((coder or "").split())
    return name or researcher


def coder_for_new_codings(db: Session) -> str | None:
    """The coder a new coding gets: NULL (the researcher), or in a coding copy its coder."""
    copy_coder = db.scalar(select(m.Study.copy_coder).limit(1))
    name = " ".join((copy_coder or "").split())
    return name or None


def coders_of(db: Session) -> list[CoderCount]:
    """Everyone with a coding in the study, with how many, most codings first."""
    researcher = researcher_name(db)
    counts: Counter[str] = Counter()
    spelling: dict[str, str] = {}
    for coder, count in db.execute(select(m.Coding.coder, func.count()).group_by(m.Coding.coder)):
        name = coder_name(coder, researcher)
        key = coder_key(name)
        spelling.setdefault(key, name)
        counts[key] += count
    return [
        CoderCount(spelling[key], count)
        for key, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    ]


def find_coder(known: list[CoderCount], name: str) -> str | None:
    """The study's spelling of `name` among the known coders, or None."""
    key = coder_key(name)
    return next((c.name for c in known if coder_key(c.name) == key), None)


def coder_names(db: Session, coding_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, str]:
    """Coding id -> its coder as shown (the researcher's name for NULL)."""
    researcher = researcher_name(db)
    ids = list(coding_ids)
    names: dict[uuid.UUID, str] = {}
    for at in range(0, len(ids), _CHUNK):
        chunk = ids[at : at + _CHUNK]
        for coding_id, coder in db.execute(
            select(m.Coding.id, m.Coding.coder).where(m.Coding.id.in_(chunk))
        ):
            names[coding_id] = coder_name(coder, researcher)
    return names


def other_coders_codings(db: Session) -> dict[uuid.UUID, str]:
    """Coding id -> coder, for the codings of anyone but the study's researcher: a second
    coder's, brought back from a coding copy for agreement. The report and its counts are
    the researcher's coding, not the sum of everyone's (the same words coded by two people
    would be quoted twice)."""
    researcher = coder_key(researcher_name(db))
    others: dict[uuid.UUID, str] = {}
    for coding_id, coder in db.execute(
        select(m.Coding.id, m.Coding.coder).where(m.Coding.coder.is_not(None))
    ):
        if coder is not None and coder.strip() and coder_key(coder) != researcher:
            others[coding_id] = coder
    return others
