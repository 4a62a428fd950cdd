"""Building the anonymised summary from the database, once, for every format.

Counting is the shared function's (`domain.passages.raised_by` over `load_corpus`), so a
figure in the export is the figure on the analysis screen. Withdrawn participants and
entries flagged for safeguarding are in no count, quote or source; withdrawn participants
only in `methods.withdrawn`. Participants admitted through a consent override without the
consent since are left out in the same way, or counted, as asked (export.overrides). Every
text that leaves passes through the injected anonymiser; extracts are made whether or not
the summary carries them, so the anonymiser reads the same texts either way; so are the
QDPX's cases and coding memos (export.qdpx_cases), whatever the format.
"""

from __future__ import annotations

import datetime as dt
import gc
import uuid
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from plrdesk.domain import models as m
from plrdesk.domain.passages import by_kind, raised_by
from plrdesk.export import disclosure as dsc
from plrdesk.export import ordering, overlap, qdpx_cases
from plrdesk.export.model import (
    ConsentOverrides,
    Disclosure,
    ExportBundle,
    ExportPassage,
    Methods,
    Overridden,
    Period,
    Question,
    ReviewItem,
    StudyPart,
    Summary,
    Theme,
    ThemeOutline,
)
from plrdesk.export.overrides import admitted_by_override, leave_out
from plrdesk.export.passages import PassageExporter, SessionEntry, read_entries
from plrdesk.export.redaction import Anonymiser, Texts
from plrdesk.forms.schema import ItemType
from plrdesk.services.calls import is_declined
from plrdesk.services.coders import other_coders_codings
from plrdesk.services.corpus import Corpus, load_corpus
from plrdesk.services.export_review import made_redactions
from plrdesk.services.permission_book import load_permission_book
from plrdesk.services.progress import NO_PROGRESS, Progress
from plrdesk.services.study_forms import catalog_for

if TYPE_CHECKING:
    from plrdesk.forms.catalog import FormCatalog
    from plrdesk.forms.schema import FormDefinition

_STEPS = 5


def build_summary(
    db: Session,
    forms: FormCatalog | None,
    anonymiser: Anonymiser,
    *,
    suppress_below: int | None = None,
    extracts: bool = False,
    overridden: Overridden = Overridden.LEAVE_OUT,
    progress: Progress | None = None,
) -> ExportBundle:
    """The anonymised summary of the study in `db`, with what the renderers need beside it.

    `forms` are the shipped forms (the study's stored versions are added); `anonymiser` is
    `redact(text) -> Redacted`; with `suppress_below` N, counts under N read "fewer than N";
    with `extracts` each theme carries its extracts; `overridden` says what to do with
    those admitted through a consent override who still lack consent.
    """
    if suppress_below is not None and suppress_below < 2:
        raise ValueError("suppress_below must be 2 or more")
    catalog = catalog_for(db, forms) if forms is not None else None
    builder = _Builder(db, catalog, Texts(anonymiser), suppress_below, extracts, overridden)
    with _gc_paused():
        return builder.build((progress or NO_PROGRESS).step)


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Hold the cyclic garbage collector while the summary is built.

    The build makes hundreds of thousands of small objects (ORM rows, passages, redacted
    texts) that form no cycles worth collecting while it runs; the collections their
    allocation sets off cost more than the building (JSON export of the 1,000-session
    benchmark study: 5.3 s before, 3.6 s with this; docs/performance.md). What the build
    leaves is freed by reference counting, or by the collector once it runs again."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@dataclass
class _Tally:
    """One question's figures while they are being summed."""

    choices: list[str] = field(default_factory=list)  # the form's order of answers
    responses: int = 0
    hands: Counter[str] = field(default_factory=Counter)
    with_withdrawn: bool = False  # a show of hands taken while a withdrawn participant was there
    with_left_out: bool = False  # ... while someone left out (a consent override) was there


class _Builder:
    def __init__(
        self,
        db: Session,
        catalog: FormCatalog | None,
        texts: Texts,
        suppress_below: int | None,
        extracts: bool,
        overridden: Overridden,
    ) -> None:
        self.db = db
        self.catalog = catalog
        self.texts = texts
        self.below = suppress_below
        self.extracts = extracts
        self.overridden = Overridden(overridden)
        self.left_out: set[str] = set()  # refs admitted by an override, not counted
        self.others: dict[uuid.UUID, str] = {}  # codings by another coder (not reported)
        self.hands_with_withdrawn: list[str] = []
        self.hands_with_left_out: list[str] = []
        self.entries: dict[uuid.UUID, list[SessionEntry]] = {}

    def count(self, n: int) -> int | str:
        return dsc.shown(n, self.below)

    def build(self, step: Callable[[int, int], None]) -> ExportBundle:
        step(0, _STEPS)
        corpus = load_corpus(self.db, self.catalog)
        # A second coder's codings are for agreement, not for the report (services.coders).
        self.others = other_coders_codings(self.db)
        if self.others:
            corpus = Corpus(
                [p for p in corpus.passages if p.coding_id not in self.others], corpus.tree
            )
        book = load_permission_book(self.db, self.catalog)
        people = list(self.db.scalars(select(m.Participant).order_by(m.Participant.position)))
        withdrawn = {p.ref for p in people if book.is_withdrawn(p.ref)}
        admitted = admitted_by_override(self.db, book, people)
        if self.overridden == Overridden.LEAVE_OUT:
            self.left_out = {p.ref for p in admitted}
            corpus = Corpus(leave_out(corpus.passages, self.left_out), corpus.tree)
        present = [p for p in people if p.ref not in withdrawn | self.left_out]
        sessions = [
            s
            for s in self._sessions()
            if _counted(s, withdrawn | self.left_out)
            # a call the parent declined is no interview held (services/calls.py)
            and not is_declined(a.outcome for a in s.call_attempts)
        ]
        self.entries = read_entries(self.db)
        # An entry repeating an excluded one's words is held back until released (overlap).
        holding = overlap.hold_back(
            self.db, corpus.passages, self.entries, sessions, withdrawn | self.left_out
        )
        corpus = Corpus(holding.passages, corpus.tree)
        describer = dsc.Describer(
            [dsc.Person(p.ref, p.kind, dict(p.attributes)) for p in present], self._rules()
        )
        exporter = PassageExporter(self.texts, describer, corpus.passages, self.label)
        step(1, _STEPS)
        study = self._study()
        methods = self._methods(sessions, present, len(withdrawn))
        themes, outline, rows, extract_rows = self._themes(
            corpus, ordering.kinds(p.kind for p in present), exporter
        )
        step(2, _STEPS)
        questions = self._questions(sessions, withdrawn)
        step(3, _STEPS)
        sources = exporter.sources(sessions, self.entries)
        cases = qdpx_cases.cases(sessions, sources, corpus.passages, present, describer, self.texts)
        memos = qdpx_cases.memos(sources, corpus.passages, self.texts)
        guide_titles = self._guide_titles(sessions)
        step(4, _STEPS)
        warnings = list(exporter.summary_warnings)
        summary = Summary(
            study=study,
            methods=methods,
            themes=themes,
            questions=questions,
            disclosure=Disclosure(
                redactions=self.texts.summary.counts(),
                descriptors_coarsened=len(warnings),
                warnings=warnings,
            ),
        )
        everything = self.texts.everything()
        bundle = ExportBundle(
            summary=summary,
            outline=outline,
            passages=rows,
            extracts=self.extracts,
            extract_rows=extract_rows,
            sources=sources,
            cases=cases,
            memos=memos,
            redaction_counts=everything.counts(),
            made=made_redactions(self.texts.redact.results()),
            overrides=ConsentOverrides(
                {k: self.count(n) for k, n in ordering.by_kind(p.kind for p in admitted).items()},
                self.overridden,
            ),
            review=[ReviewItem(label, where) for label, where in everything.needing_review()],
            guide_titles=guide_titles,
            suppress_below=self.below,
            warnings=[*warnings, *(w for w in exporter.other_warnings if w not in warnings)],
            notes=[*self._notes(), *holding.notes()],
            held_back=holding.found,
        )
        step(5, _STEPS)
        return bundle

    # -- reading ---------------------------------------------------------------------------

    def _sessions(self) -> list[m.StudySession]:
        return list(
            self.db.scalars(
                select(m.StudySession)
                .order_by(m.StudySession.position)
                .options(
                    selectinload(m.StudySession.members).selectinload(m.SessionMember.participant),
                    selectinload(m.StudySession.call_attempts),
                )
            )
        )

    def _rules(self) -> dict[str, dsc.DescriptorRule]:
        return {
            s.kind: dsc.rule_for(s.kind, s.descriptor_attributes, s.allow_unique)
            for s in self.db.scalars(select(m.ExportSetting))
        }

    def form(self, guide: str | None, version: str | None = None) -> FormDefinition | None:
        if guide is None or self.catalog is None:
            return None
        return (self.catalog.get(guide, version) if version else None) or self.catalog.get(guide)

    def label(self, guide: str | None, question: str | None, in_summary: bool) -> str:
        """A question's text from its guide (anonymised); its id where the guide is unknown."""
        if question is None:
            return ""
        form = self.form(guide)
        item = form.item(question) if form is not None else None
        text = " ".join(item.text.split()) if item is not None else question
        return self.texts.text(
            ("label", guide, question), text, f"question {guide}/{question}", in_summary=in_summary
        )

    # -- the parts of the summary ------------------------------------------------------------

    def _study(self) -> StudyPart:
        study = self.db.scalars(select(m.Study)).one()
        return StudyPart(
            title=self.texts.text(("title",), study.title, "the study's title"),
            aims=[
                self.texts.text(("aim", i), aim, f"aim {i + 1}")
                for i, aim in enumerate(study.aims or [])
            ],
        )

    def _methods(
        self, sessions: Sequence[m.StudySession], present: Sequence[m.Participant], withdrawn: int
    ) -> Methods:
        by_session = Counter(s.kind for s in sessions)
        by_person = Counter(p.kind for p in present)
        months = sorted(
            f"{day.year:04d}-{day.month:02d}"
            for day in (_session_date(s, self.entries.get(s.id, ())) for s in sessions)
            if day is not None
        )
        session_kinds = ordering.ordered(by_session, ordering.SESSION_ORDER)
        return Methods(
            sessions={k: self.count(by_session[k]) for k in session_kinds},
            participants={k: self.count(by_person[k]) for k in ordering.kinds(by_person)},
            withdrawn=self.count(withdrawn),
            period=Period(start=months[0] if months else None, to=months[-1] if months else None),
        )

    def _themes(
        self, corpus: Corpus, kinds: list[str], exporter: PassageExporter
    ) -> tuple[list[Theme], list[ThemeOutline], list[ExportPassage], list[ExportPassage]]:
        themes, outline, rows, extract_rows = [], [], [], []
        for node, depth in ordering.depth_first(corpus.tree):
            name = self.texts.text(("theme", node.id), node.name, "a theme's name")
            description = self.texts.text(
                ("theme-description", node.id), node.description or "", f"theme '{name}'"
            )
            raised = raised_by(corpus.passages, corpus.tree, node.id, by_kind)
            quotes, exemplars, theme_rows = exporter.quotes(node.id, name)
            extracts, extracted = exporter.extracts(node.id, name, in_summary=self.extracts)
            themes.append(
                Theme(
                    name=name,
                    description=description,
                    raised_by={kind: self.count(len(raised.get(kind, ()))) for kind in kinds},
                    quotes=quotes,
                    extracts=extracts if self.extracts else None,
                )
            )
            outline.append(
                ThemeOutline(node.id, node.parent_id, depth, node.colour, tuple(exemplars))
            )
            rows += theme_rows
            extract_rows += extracted
        return themes, outline, rows, extract_rows

    def _questions(self, sessions: Sequence[m.StudySession], withdrawn: set[str]) -> list[Question]:
        guides: dict[str, dict[str, _Tally]] = {}
        for session in sessions:
            if session.guide is None:
                continue
            questions = guides.get(session.guide)
            if questions is None:
                form = self.form(session.guide, session.guide_version)
                questions = guides[session.guide] = {
                    item.id: _Tally([c.value for c in item.choices])
                    for item in (form.items() if form is not None else [])
                    if item.type != ItemType.INFO
                }
            someone_withdrawn = any(p.ref in withdrawn for p in session.participants)
            someone_left_out = any(p.ref in self.left_out for p in session.participants)
            for entry in self.entries.get(session.id, ()):
                if entry.question is None or entry.safeguarding_flagged_at is not None:
                    continue
                tally = questions.setdefault(entry.question, _Tally())
                speaker = entry.speaker_ref
                if speaker is not None and (speaker in withdrawn or speaker in self.left_out):
                    continue
                if speaker is not None and not entry.follow_up:
                    tally.responses += 1
                if entry.show_of_hands:
                    tally.hands.update({k: int(v) for k, v in entry.show_of_hands.items()})
                    tally.with_withdrawn |= someone_withdrawn
                    tally.with_left_out |= someone_left_out
        return [
            self._question(guide, question, tally)
            for guide, questions in guides.items()
            for question, tally in questions.items()
        ]

    def _question(self, guide: str, question: str, tally: _Tally) -> Question:
        keys = [*tally.choices, *(k for k in tally.hands if k not in tally.choices)]
        hands: Counter[str] = Counter()
        for key in keys if tally.hands else []:
            shown_key = self.texts.text(("id", key), key, f"a show-of-hands answer of {question}")
            hands[shown_key] += tally.hands[key]
        if tally.with_withdrawn:
            self.hands_with_withdrawn.append(f"{guide}/{question}")
        if tally.with_left_out:
            self.hands_with_left_out.append(f"{guide}/{question}")
        return Question(
            guide=self.texts.text(("id", guide), guide, "a guide's id"),
            question=self.texts.text(("id", question), question, "a question's id"),
            label=self.label(guide, question, True),
            responses=self.count(tally.responses),
            show_of_hands={k: self.count(v) for k, v in hands.items()},
        )

    def _notes(self) -> list[str]:
        notes = []
        if self.others:
            coders = sorted(set(self.others.values()))
            notes.append(
                f"{len(self.others)} coding(s) by {', '.join(coders)} left out of the report:"
                " another coder's codings are for agreement (plrdesk agreement), and the report"
                " is the study researcher's coding"
            )
        for hands, who in (
            (self.hands_with_withdrawn, "a participant who has since withdrawn"),
            (self.hands_with_left_out, "someone left out (admitted by a consent override)"),
        ):
            if hands:
                notes.append(
                    f"{len(hands)} show(s) of hands ({', '.join(hands)}) were counted in a"
                    f" session with {who}; the counts may include their hands, which cannot"
                    " be told apart"
                )
        return notes

    def _guide_titles(self, sessions: Sequence[m.StudySession]) -> dict[str, str]:
        titles = {}
        for session in sessions:
            form = self.form(session.guide, session.guide_version)
            if session.guide is not None and session.guide not in titles and form is not None:
                titles[session.guide] = self.texts.text(
                    ("guide-title", session.guide), form.title, "a guide's title", in_summary=False
                )
        return titles


def _counted(session: m.StudySession, withdrawn: set[str]) -> bool:
    """A session counts unless everyone in it has withdrawn."""
    refs = [p.ref for p in session.participants]
    return not refs or any(ref not in withdrawn for ref in refs)


def _session_date(session: m.StudySession, entries: Sequence[SessionEntry]) -> dt.datetime | None:
    if session.started_at is not None:
        return session.started_at
    times = [e.at for e in entries if e.at is not None]
    times += [a.at for a in session.call_attempts]
    return min(times, default=None)
