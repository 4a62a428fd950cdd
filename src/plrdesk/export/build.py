"""Building the anonymised summary from the database, once, for every format.

Counting is the shared function's (`domain.passages.raised_by` over `load_corpus`), so a
figure in the export is the figure on the analysis screen. Withdrawn participants and
entries flagged for safeguarding are in no count, quote or source; withdrawn participants
only in `methods.withdrawn`. Every text that leaves passes through the injected anonymiser.
"""

from __future__ import annotations

import datetime as dt
import gc
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from plrdesk.domain import models as m
from plrdesk.domain.kinds import SessionKind
from plrdesk.domain.passages import ThemeNode, ThemeTree, by_kind, raised_by
from plrdesk.export import disclosure as dsc
from plrdesk.export.model import (
    Disclosure,
    ExportBundle,
    ExportPassage,
    Methods,
    Period,
    Question,
    ReviewItem,
    StudyPart,
    Summary,
    Theme,
    ThemeOutline,
)
from plrdesk.export.passages import PassageExporter, SessionEntry
from plrdesk.export.redaction import Anonymiser, Texts
from plrdesk.forms.schema import ItemType
from plrdesk.services.corpus import Corpus, load_corpus
from plrdesk.services.permission_book import load_permission_book
from plrdesk.services.progress import NO_PROGRESS, Progress
from plrdesk.services.study_forms import catalog_for

if TYPE_CHECKING:
    from plrdesk.forms.catalog import FormCatalog
    from plrdesk.forms.schema import FormDefinition

SESSION_ORDER: tuple[str, ...] = tuple(kind.value for kind in SessionKind)
_STEPS = 5


def build_summary(
    db: Session,
    forms: FormCatalog | None,
    anonymiser: Anonymiser,
    *,
    suppress_below: int | None = None,
    progress: Progress | None = None,
) -> ExportBundle:
    """The anonymised summary of the study in `db`, with what the renderers need beside it.

    `forms` are the shipped forms (the study's stored versions are added); `anonymiser` is
    `redact(text) -> Redacted`; with `suppress_below` N, counts under N read "fewer than N".
    """
    if suppress_below is not None and suppress_below < 2:
        raise ValueError("suppress_below must be 2 or more")
    catalog = catalog_for(db, forms) if forms is not None else None
    builder = _Builder(db, catalog, Texts(anonymiser), suppress_below)
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


class _Builder:
    def __init__(
        self, db: Session, catalog: FormCatalog | None, texts: Texts, suppress_below: int | None
    ) -> None:
        self.db = db
        self.catalog = catalog
        self.texts = texts
        self.below = suppress_below
        self.hands_with_withdrawn: list[str] = []
        self.entries: dict[uuid.UUID, list[SessionEntry]] = {}

    def count(self, n: int) -> int | str:
        return dsc.shown(n, self.below)

    def build(self, step: Callable[[int, int], None]) -> ExportBundle:
        step(0, _STEPS)
        corpus = load_corpus(self.db, self.catalog)
        book = load_permission_book(self.db, self.catalog)
        people = list(self.db.scalars(select(m.Participant).order_by(m.Participant.position)))
        withdrawn = {p.ref for p in people if book.is_withdrawn(p.ref)}
        present = [p for p in people if p.ref not in withdrawn]
        sessions = [s for s in self._sessions() if _counted(s, withdrawn)]
        self.entries = self._entries()
        describer = dsc.Describer(
            [dsc.Person(p.ref, p.kind, dict(p.attributes)) for p in present], self._rules()
        )
        exporter = PassageExporter(self.texts, describer, corpus.passages, self.label)
        step(1, _STEPS)
        study = self._study()
        methods = self._methods(sessions, present, len(withdrawn))
        themes, outline, rows = self._themes(corpus, _kinds(p.kind for p in present), exporter)
        step(2, _STEPS)
        questions = self._questions(sessions, withdrawn)
        step(3, _STEPS)
        sources = exporter.sources(sessions, self.entries)
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
            sources=sources,
            redaction_counts=everything.counts(),
            review=[ReviewItem(label, where) for label, where in everything.needing_review()],
            guide_titles=guide_titles,
            suppress_below=self.below,
            warnings=[*warnings, *(w for w in exporter.other_warnings if w not in warnings)],
            notes=self._notes(),
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

    def _entries(self) -> dict[uuid.UUID, list[SessionEntry]]:
        """Every entry of the study, by session, in order: plain rows from one query.
        (As ORM objects, 50,000 entries took most of a whole export's time.)"""
        rows = self.db.execute(
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
        return Methods(
            sessions={k: self.count(by_session[k]) for k in _ordered(by_session, SESSION_ORDER)},
            participants={k: self.count(by_person[k]) for k in _kinds(by_person)},
            withdrawn=self.count(withdrawn),
            period=Period(start=months[0] if months else None, to=months[-1] if months else None),
        )

    def _themes(
        self, corpus: Corpus, kinds: list[str], exporter: PassageExporter
    ) -> tuple[list[Theme], list[ThemeOutline], list[ExportPassage]]:
        themes, outline, rows = [], [], []
        for node, depth in _depth_first(corpus.tree):
            name = self.texts.text(("theme", node.id), node.name, "a theme's name")
            description = self.texts.text(
                ("theme-description", node.id), node.description or "", f"theme '{name}'"
            )
            raised = raised_by(corpus.passages, corpus.tree, node.id, by_kind)
            quotes, exemplars, theme_rows = exporter.quotes(node.id, name)
            themes.append(
                Theme(
                    name=name,
                    description=description,
                    raised_by={kind: self.count(len(raised.get(kind, ()))) for kind in kinds},
                    quotes=quotes,
                )
            )
            outline.append(
                ThemeOutline(node.id, node.parent_id, depth, node.colour, tuple(exemplars))
            )
            rows += theme_rows
        return themes, outline, rows

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
            for entry in self.entries.get(session.id, ()):
                if entry.question is None or entry.safeguarding_flagged_at is not None:
                    continue
                tally = questions.setdefault(entry.question, _Tally())
                speaker = entry.speaker_ref
                if speaker is not None and speaker in withdrawn:
                    continue
                if speaker is not None and not entry.follow_up:
                    tally.responses += 1
                if entry.show_of_hands:
                    tally.hands.update({k: int(v) for k, v in entry.show_of_hands.items()})
                    tally.with_withdrawn |= someone_withdrawn
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
        return Question(
            guide=self.texts.text(("id", guide), guide, "a guide's id"),
            question=self.texts.text(("id", question), question, "a question's id"),
            label=self.label(guide, question, True),
            responses=self.count(tally.responses),
            show_of_hands={k: self.count(v) for k, v in hands.items()},
        )

    def _notes(self) -> list[str]:
        if not self.hands_with_withdrawn:
            return []
        which = ", ".join(self.hands_with_withdrawn)
        return [
            f"{len(self.hands_with_withdrawn)} show(s) of hands ({which}) were counted in a"
            " session with a participant who has since withdrawn; the counts may include"
            " their hands, which cannot be told apart"
        ]

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


def _ordered(counts: Iterable[str], order: Sequence[str]) -> list[str]:
    present = set(counts)
    return [k for k in order if k in present] + sorted(present - set(order))


def _kinds(kinds: Iterable[str]) -> list[str]:
    return _ordered(kinds, dsc.KIND_ORDER)


def _depth_first(tree: ThemeTree) -> list[tuple[ThemeNode, int]]:
    children: dict[object, list[ThemeNode]] = defaultdict(list)
    for node in tree.nodes.values():  # in the themes' order (position)
        parent = node.parent_id if node.parent_id in tree.nodes else None
        children[parent].append(node)
    found: list[tuple[ThemeNode, int]] = []

    def walk(parent: object, depth: int) -> None:
        for node in children.get(parent, []):
            found.append((node, depth))
            walk(node.id, depth + 1)

    walk(None, 0)
    return found
