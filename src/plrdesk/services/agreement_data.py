"""Reading a study into the records `agreement` compares, and the figures as JSON.

The entries compared are the ones the report counts: an entry flagged for safeguarding,
or said by a participant who has withdrawn, is left out for both coders alike (a coding
copy for a second coder leaves them out too, so counting them would read as
disagreement). A merge's conflict copy of an entry (another copy's version of it, kept
beside it) is left out too: its words are the entry's, counted once. Entries come in
document order (by session, then by entry), themes in tree order and named by their
path ("Parent › Child").
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from fractions import Fraction

from sqlalchemy import select
from sqlalchemy.orm import Session

from plrdesk.domain import models as m
from plrdesk.services import coders as c
from plrdesk.services.agreement import (
    Agreement,
    CodedSpan,
    Difference,
    TextUnit,
    ThemeRef,
    Unit,
    compare,
    differences,
)
from plrdesk.services.codings import themes_for_picker
from plrdesk.services.permission_book import load_permission_book

__all__ = [
    "AgreementData",
    "AgreementReport",
    "EntryInfo",
    "UnknownCoder",
    "agreement_json",
    "agreement_report",
    "load_agreement_data",
    "rounded",
]


class UnknownCoder(LookupError):
    """No coding in the study is by that name; the message lists who did code."""


@dataclass(frozen=True)
class EntryInfo:
    ref: str
    session_ref: str
    question: str | None
    text: str


@dataclass
class AgreementData:
    """A study's entries, themes and codings as the comparison needs them, read once."""

    entries: list[TextUnit]
    themes: list[ThemeRef]
    codings: list[CodedSpan]  # coder: the coder's key (`coders.coder_key`)
    coders: list[c.CoderCount]
    info: dict[uuid.UUID, EntryInfo]

    def resolve(self, name: str) -> str:
        """The study's spelling of a coder's name, or UnknownCoder."""
        found = c.find_coder(self.coders, name)
        if found is None:
            names = ", ".join(f'"{coder.name}"' for coder in self.coders) or "nobody yet"
            raise UnknownCoder(f'no coding is by "{name.strip()}"; the coders are {names}')
        return found

    def compare(self, coder_a: str, coder_b: str, unit: Unit) -> Agreement:
        a, b = self.resolve(coder_a), self.resolve(coder_b)
        if c.coder_key(a) == c.coder_key(b):
            raise ValueError(f'"{a}" twice: name two different coders')
        result = compare(self.entries, self.themes, self.codings, self._keys(a, b), unit)
        return Agreement(result.unit, (a, b), result.themes, result.overall)

    def differences(
        self, coder_a: str, coder_b: str, unit: Unit, theme_id: uuid.UUID
    ) -> list[Difference]:
        a, b = self.resolve(coder_a), self.resolve(coder_b)
        return differences(self.entries, theme_id, self.codings, self._keys(a, b), unit)

    @staticmethod
    def _keys(a: str, b: str) -> tuple[str, str]:
        return c.coder_key(a), c.coder_key(b)


def load_agreement_data(db: Session) -> AgreementData:
    researcher = c.researcher_name(db)
    book = load_permission_book(db, None)
    rows = db.execute(
        select(m.Entry, m.StudySession.ref, m.Participant.ref)
        .join(m.StudySession, m.Entry.session_id == m.StudySession.id)
        .outerjoin(m.Participant, m.Entry.speaker_id == m.Participant.id)
        .where(m.Entry.safeguarding_flagged_at.is_(None), m.Entry.conflict_of_id.is_(None))
        .order_by(m.StudySession.position, m.StudySession.ref, m.Entry.position, m.Entry.ref)
    )
    entries: list[TextUnit] = []
    info: dict[uuid.UUID, EntryInfo] = {}
    for entry, session_ref, speaker_ref in rows:
        if speaker_ref is not None and book.is_withdrawn(speaker_ref):
            continue
        entries.append(TextUnit(entry.id, entry.text))
        info[entry.id] = EntryInfo(entry.ref, session_ref, entry.question, entry.text or "")
    themes = [ThemeRef(t.id, t.name) for t in themes_for_picker(db)]
    codings = [
        CodedSpan(entry_id, theme_id, c.coder_key(c.coder_name(coder, researcher)), start, end)
        for entry_id, theme_id, coder, start, end in db.execute(
            select(
                m.Coding.entry_id, m.Coding.theme_id, m.Coding.coder, m.Coding.start, m.Coding.end
            )
        )
    ]
    return AgreementData(entries, themes, codings, c.coders_of(db), info)


def rounded(value: Fraction | None, places: int = 4) -> float | None:
    return None if value is None else round(float(value), places)


def agreement_json(result: Agreement) -> dict[str, object]:
    """The figures as `plrdesk agreement --format json` writes them (4 decimal places)."""
    return {
        "unit": result.unit.value,
        "coders": list(result.coders),
        "themes": [
            {
                "name": row.theme.name,
                "agreement": rounded(row.agreement),
                "kappa": rounded(row.kappa),
                "units": row.table.units,
            }
            for row in result.themes
        ],
        "overall": {
            "agreement": rounded(result.overall.agreement),
            "kappa": rounded(result.overall.kappa),
        },
    }


@dataclass(frozen=True)
class AgreementReport:
    """What the app's agreement view shows: the coders to choose from, and the figures for
    the two chosen (None with `problem` saying why, e.g. fewer than two coders)."""

    data: AgreementData
    result: Agreement | None
    problem: str | None = None
    chosen: tuple[str | None, str | None] = (None, None)  # the coders compared, or asked for


def agreement_report(
    db: Session, coder_a: str | None, coder_b: str | None, unit: Unit
) -> AgreementReport:
    """Read the study and compare `coder_a` with `coder_b`; without names (or with a name
    no coding has any more), the two coders with the most codings (the researcher and the
    second coder, usually)."""
    data = load_agreement_data(db)
    names = [coder.name for coder in data.coders]
    a, b = (c.find_coder(data.coders, name) if name else None for name in (coder_a, coder_b))
    if a is None or b is None:
        if len(names) < 2:
            who = f'only "{names[0]}" has coded' if names else "nobody has coded yet"
            return AgreementReport(data, None, f"Agreement needs two coders; {who}.")
        a, b = names[0], names[1]
    try:
        return AgreementReport(data, data.compare(a, b, unit), chosen=(a, b))
    except ValueError as exc:  # the same coder twice
        return AgreementReport(data, None, str(exc.args[0]), chosen=(a, b))
