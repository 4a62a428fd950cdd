"""Coded passages on their way out: the quotes of each theme (with the CSV's rows) and the
coded entries of each session as QDPX sources.

- A quote is a coded span of a verbatim entry (the whole entry when the coding has no
  span), said by a participant who holds the `quote` permission, never withdrawn, never
  from an entry flagged for safeguarding (`Passage.counts`, `Passage.may_quote`). A theme's
  quotes are its own codings (a sub-theme's quotes are under the sub-theme), those the
  researcher marked as exemplars first, then in document order.
- An extract is what a quote is without the `verbatim` mark: every coded passage of the
  theme that a quote's rules let leave (permission, withdrawal, safeguarding), in document
  order, the span moved into the redacted entry exactly as a quote's is. With --extracts
  they are in the summary (and counted in its redactions); without, they are still made,
  so the anonymiser reads the same texts either way (Prepare export's review lists what it
  read), and their redactions are tallied with the content beyond the summary.
- A source is one session: its coded entries that may leave (not withdrawn, not flagged,
  and said by someone who holds the `quote` permission, or by the facilitator or the
  group), each on its own paragraph after its speaker's descriptor, with every coding as
  a selection in the anonymised text.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from plrdesk.domain import models as m
from plrdesk.domain.passages import Passage
from plrdesk.domain.spans import Span
from plrdesk.export.disclosure import Describer, coarsened_warning, plain_group_descriptor
from plrdesk.export.model import ExportPassage, ExportSource, Extract, Quote, SourceSelection
from plrdesk.export.redaction import Texts, move_span, redactions_consistent

# (guide, question, in_summary) -> the question's anonymised label
Labels = Callable[[str | None, str | None, bool], str]


class SessionEntry(NamedTuple):
    """What the export reads of an entry besides its codings: one plain row, not an ORM
    object (a study has tens of thousands of entries; see `read_entries`)."""

    id: uuid.UUID
    question: str | None
    speaker_ref: str | None
    follow_up: bool
    show_of_hands: dict[str, int] | None
    safeguarding_flagged_at: dt.datetime | None
    at: dt.datetime | None
    text: str | None


# session id -> its entries in order
SessionEntries = Mapping[uuid.UUID, Sequence[SessionEntry]]


def read_entries(db: Session) -> dict[uuid.UUID, list[SessionEntry]]:
    """Every entry of the study, by session, in order: plain rows from one query.
    (As ORM objects, 50,000 entries took most of a whole export's time.)"""
    rows = db.execute(
        select(
            m.Entry.session_id,
            m.Entry.id,
            m.Entry.question,
            m.Participant.ref,
            m.Entry.follow_up,
            m.Entry.show_of_hands,
            m.Entry.safeguarding_flagged_at,
            m.Entry.at,
            m.Entry.text,
        )
        .outerjoin(m.Participant, m.Entry.speaker_id == m.Participant.id)
        .order_by(m.Entry.session_id, m.Entry.position)
    )
    found: dict[uuid.UUID, list[SessionEntry]] = defaultdict(list)
    for session_id, entry_id, question, speaker, follow_up, hands, flagged, at, text in rows:
        found[session_id].append(
            SessionEntry(entry_id, question, speaker, follow_up, hands, flagged, at, text)
        )
    return found


class PassageExporter:
    def __init__(
        self, texts: Texts, describer: Describer, passages: Sequence[Passage], labels: Labels
    ) -> None:
        self._texts = texts
        self._describer = describer
        self._passages = passages
        self._labels = labels
        self.summary_warnings: dict[str, None] = {}  # ordered sets
        self.other_warnings: dict[str, None] = {}

    # -- quotes ----------------------------------------------------------------------------

    def quotes(
        self, theme_id: uuid.UUID, theme_name: str
    ) -> tuple[list[Quote], list[bool], list[ExportPassage]]:
        """The theme's quotes, whether each is an exemplar, and the CSV rows for them."""
        chosen = [
            p
            for p in self._passages
            if p.theme_id == theme_id and p.counts and p.may_quote and p.verbatim
        ]
        chosen.sort(key=lambda p: not p.exemplar)  # stable: document order within each
        quotes, exemplars, rows = [], [], []
        where = f"a quote under theme '{theme_name}'"
        for p in chosen:
            text = self._quote_text(p, where, in_summary=True)
            if not text:
                continue
            descriptor = self.descriptor(p, where, in_summary=True)
            quotes.append(Quote(text=text, descriptor=descriptor, session_kind=p.session_kind))
            exemplars.append(p.exemplar)
            label = self._labels(p.guide, p.question, False) if p.question else ""
            rows.append(ExportPassage(theme_name, descriptor, p.session_kind, label, text))
        return quotes, exemplars, rows

    def extracts(
        self, theme_id: uuid.UUID, theme_name: str, *, in_summary: bool
    ) -> tuple[list[Extract], list[ExportPassage]]:
        """The theme's extracts, in document order, and the CSV rows for them."""
        extracts, rows = [], []
        where = f"an extract under theme '{theme_name}'"
        for p in self._passages:
            if p.theme_id != theme_id or not (p.counts and p.may_quote):
                continue
            text = self._quote_text(p, where, in_summary=in_summary)
            if not text:
                continue
            descriptor = self.descriptor(p, where, in_summary=in_summary)
            extracts.append(
                Extract(
                    text=text,
                    descriptor=descriptor,
                    session_kind=p.session_kind,
                    verbatim=p.verbatim,
                )
            )
            label = self._labels(p.guide, p.question, False) if p.question else ""
            rows.append(
                ExportPassage(theme_name, descriptor, p.session_kind, label, text, p.verbatim)
            )
        return extracts, rows

    def _quote_text(self, p: Passage, where: str, *, in_summary: bool) -> str:
        if p.end <= p.start:
            return ""
        redacted = self._texts.redact(p.entry_text)
        if redactions_consistent(redacted):
            span, inside = move_span(redacted, Span(p.start, p.end))
            if span is None:
                return ""
            self._texts.tally(in_summary).add(("entry", p.entry_id), inside, where)
            return redacted.text[span.start : span.end]
        # The anonymiser's text is not the original with its spans replaced: redact the
        # passage on its own rather than guess where the span went.
        key = ("passage", p.coding_id)
        return self._texts.text(key, p.text, where, in_summary=in_summary).strip()

    def descriptor(
        self, p: Passage, where: str, *, in_summary: bool, follow_up: bool = False
    ) -> str:
        if p.speaker_ref is None:
            return "facilitator" if follow_up else plain_group_descriptor(p.session_kind)
        described = self._describer.describe(p.speaker_ref)
        shown = self._texts.text(
            ("descriptor", described.text), described.text, where, in_summary=in_summary
        )
        if described.original is not None:
            original = self._texts.text(
                ("descriptor", described.original), described.original, where, in_summary=in_summary
            )
            warnings = self.summary_warnings if in_summary else self.other_warnings
            warnings[coarsened_warning(original, shown)] = None
        return shown

    # -- QDPX sources ----------------------------------------------------------------------

    def sources(
        self, sessions: Sequence[m.StudySession], entries: SessionEntries
    ) -> list[ExportSource]:
        leaving: dict[uuid.UUID, list[Passage]] = defaultdict(list)
        for p in self._passages:
            if p.excluded is None and (p.speaker_ref is None or p.may_quote):
                leaving[p.entry_id].append(p)
        numbers: dict[str, int] = defaultdict(int)
        sources = []
        for session in sessions:
            numbers[session.kind] += 1
            name = f"{session.kind.replace('-', ' ').capitalize()} {numbers[session.kind]}"
            source = self._source(session, entries.get(session.id, ()), name, leaving)
            if source is not None:
                sources.append(source)
        return sources

    def _source(
        self,
        session: m.StudySession,
        entries: Sequence[SessionEntry],
        name: str,
        leaving: dict[uuid.UUID, list[Passage]],
    ) -> ExportSource | None:
        parts: list[str] = []
        selections: list[SourceSelection] = []
        length = 0
        question: str | None = None
        where = f"source '{name}'"
        for entry in entries:
            coded = leaving.get(entry.id)
            if not coded:
                continue
            if entry.question and entry.question != question:
                question = entry.question
                header = f"Question: {self._labels(session.guide, question, False)}\n"
                parts.append(header)
                length += len(header)
            speaker = self.descriptor(coded[0], where, in_summary=False, follow_up=entry.follow_up)
            prefix = f"{speaker[:1].upper()}{speaker[1:]}: "
            redacted = self._texts.redact(entry.text or "")
            self._texts.other.add(("entry", entry.id), redacted.redactions, where)
            start = length + len(prefix)
            if redactions_consistent(redacted):
                for p in coded:
                    if p.end <= p.start:
                        continue
                    span, _ = move_span(redacted, Span(p.start, p.end))
                    if span is not None:
                        selections.append(
                            SourceSelection(
                                p.coding_id, p.theme_id, start + span.start, start + span.end
                            )
                        )
            paragraph = f"{prefix}{redacted.text}\n\n"
            parts.append(paragraph)
            length += len(paragraph)
        if not parts:
            return None
        return ExportSource(session.id, name, "".join(parts), tuple(selections))
