"""Full-text search across the study, with where each hit was said in words a researcher
reads: the question as the guide asked it (the version the session was run with, stored
in the study), the session and its kind, and who spoke. Internal ids (a question's id such
as "barriers", an entry's uuid) are for the program, never for the list on screen.

Who spoke: a participant by ref and kind ("C3 (child)"); a follow-up question, or a note
with no speaker in an interview, is the researcher's; a line with no speaker in a focus
group (a show of hands, "the group agreed") is the group's.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from plrdesk.domain import models as m
from plrdesk.domain.kinds import ParticipantKind, SessionKind
from plrdesk.services.participants import KIND_LABEL
from plrdesk.services.study_forms import catalog_for
from plrdesk.storage.search import matched_spans, search_entries

if TYPE_CHECKING:
    from plrdesk.forms.catalog import FormCatalog
    from plrdesk.forms.schema import FormDefinition

SESSION_KIND_WORDS: dict[str, str] = {
    SessionKind.PRACTITIONER_INTERVIEW: "practitioner interview",
    SessionKind.PHONE_INTERVIEW: "phone interview",
    SessionKind.FOCUS_GROUP: "focus group",
    SessionKind.OTHER: "session",
}
RESEARCHER = "researcher"
GROUP = "the group"


@dataclass(frozen=True)
class SearchHit:
    entry_id: uuid.UUID
    snippet: str
    """The words around the hit, the matched ones in [brackets] (the index's snippet)."""
    session_ref: str
    session_kind: str
    question: str | None
    """The question's id in its guide (for the program; `question_text` is for people)."""
    speaker_ref: str | None
    question_text: str | None = None
    """The question as the session's guide words it; None for a note under no question or
    when the guide is not known."""
    speaker: str = RESEARCHER
    """Who spoke, in words: "C3 (child)", "researcher", "the group"."""
    spans: tuple[tuple[int, int], ...] = field(default=())
    """Where the words searched for are in the note's text, as Python indexes."""

    @property
    def session_words(self) -> str:
        """ "S1, practitioner interview"."""
        kind = SESSION_KIND_WORDS.get(self.session_kind, self.session_kind.replace("-", " "))
        return f"{self.session_ref}, {kind}"


def speaker_words(entry: m.Entry) -> str:
    if entry.follow_up:
        return RESEARCHER  # the text is the question the researcher asked
    person = entry.speaker
    if person is not None:
        return f"{person.ref} ({KIND_LABEL[ParticipantKind(person.kind)]})"
    return GROUP if entry.session.kind == SessionKind.FOCUS_GROUP else RESEARCHER


def _question_words(guide: FormDefinition | None, question: str | None) -> str | None:
    item = guide.item(question) if guide is not None and question is not None else None
    return " ".join(item.text.split()) if item is not None else None


def search_study(
    db: Session, query: str, *, limit: int = 200, forms: FormCatalog | None = None
) -> list[SearchHit]:
    """The notes holding every word of `query`, best match first. With `forms` (the shipped
    ones), each hit carries its question's words from the guide the session was run with."""
    hits = search_entries(db, query, limit=limit)
    if not hits:
        return []
    entries = {
        e.id: e
        for e in db.scalars(
            select(m.Entry)
            .where(m.Entry.id.in_([h.entry_id for h in hits]))
            .options(selectinload(m.Entry.session), selectinload(m.Entry.speaker))
        )
    }
    guides: dict[tuple[str | None, str | None], FormDefinition | None] = {}
    if forms is not None:
        catalog = catalog_for(db, forms)  # only when there is something to word
        for row in entries.values():
            guide_id, version = row.session.guide, row.session.guide_version
            if guide_id is not None and (guide_id, version) not in guides:
                guides[(guide_id, version)] = catalog.get(guide_id, version)
    result = []
    for hit in hits:
        entry = entries.get(hit.entry_id)
        if entry is None:
            continue
        session = entry.session
        guide = guides.get((session.guide, session.guide_version))
        result.append(
            SearchHit(
                entry_id=hit.entry_id,
                snippet=hit.snippet,
                session_ref=session.ref,
                session_kind=session.kind,
                question=entry.question,
                speaker_ref=entry.speaker.ref if entry.speaker else None,
                question_text=_question_words(guide, entry.question),
                speaker=speaker_words(entry),
                spans=tuple(matched_spans(entry.text or "", query)),
            )
        )
    return result
