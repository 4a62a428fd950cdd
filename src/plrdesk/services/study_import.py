"""Import a study document (study-json-v1) into an open study, all or nothing.

The caller runs this inside one transaction; any error rolls the whole import back.
Records are matched by `ref`; with `merge` an existing record is updated in place,
otherwise a clash was already refused by `references.check`.
"""

from __future__ import annotations

import base64
import uuid
from dataclasses import dataclass
from typing import Protocol, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from plrdesk.domain import models as m
from plrdesk.forms.catalog import FormCatalog
from plrdesk.interchange import references
from plrdesk.interchange.errors import InvalidDocument
from plrdesk.interchange.schema import (
    CodingIn,
    ConsentIn,
    EntryIn,
    ParticipantIn,
    SessionIn,
    StudyBlock,
    StudyDocument,
    ThemeIn,
)
from plrdesk.services import audit, study_forms
from plrdesk.services.changes import Changes
from plrdesk.services.progress import NO_PROGRESS, Progress

Row = TypeVar("Row", bound=m.Base)


class _HasId(Protocol):
    @property
    def id(self) -> uuid.UUID: ...


@dataclass
class _Positions:
    """Next free `position` per table, so imported rows follow what is already there."""

    db: Session

    def next(self, model: type[m.Base], column: str = "position") -> int:
        current = self.db.scalar(select(func.max(getattr(model, column))))
        return 0 if current is None else int(current) + 1


def known_records(db: Session) -> references.KnownRecords:
    known = references.KnownRecords()
    known.participants = {p.ref: p.kind for p in db.scalars(select(m.Participant))}  # type: ignore[misc]
    known.consents = set(db.scalars(select(m.Consent.ref)))
    for session in db.scalars(select(m.StudySession)):
        known.sessions[session.ref] = {p.ref for p in session.participants}
    known.entries = {ref: text for ref, text in db.execute(select(m.Entry.ref, m.Entry.text))}
    for theme in db.scalars(select(m.Theme)):
        known.themes[theme.ref] = theme.parent.ref if theme.parent else None
    return known


def import_document(
    db: Session,
    doc: StudyDocument,
    *,
    merge: bool,
    source: str,
    forms: FormCatalog,
    new_study: bool = False,
    progress: Progress = NO_PROGRESS,
) -> Changes:
    """Write `doc` into the study held by `db`. Raises InvalidDocument before writing anything.

    Guides, question ids and consent forms are checked against `forms` (the shipped forms
    plus those the study stored), and every form version used is stored in the study.
    """
    study = db.scalars(select(m.Study)).one()
    if doc.study is not None and not new_study and not merge and doc.study.title != study.title:
        raise InvalidDocument(
            source,
            "study.title",
            f"the file is for study {doc.study.title!r}, not this one (use --merge to update)",
        )
    catalog = study_forms.catalog_for(db, forms)
    references.check(doc, known_records(db), merge=merge, source=source, forms=catalog)
    with db.no_autoflush:  # one flush at the end, not one per ref lookup
        changes = _Writer(db, merge=merge, progress=progress).write(doc, study)
    study_forms.store_used_forms(db, catalog)
    return changes


class _Writer:
    def __init__(self, db: Session, *, merge: bool, progress: Progress) -> None:
        self.db = db
        self.merge = merge
        self.progress = progress
        # Rows get their UUIDs at flush; remember them and report ids afterwards.
        self._touched: list[tuple[str, str, _HasId]] = []
        self.positions = _Positions(db)

    def write(self, doc: StudyDocument, study: m.Study) -> Changes:
        if doc.study is not None:
            self._study(doc.study, study)
        self._identifiers(doc)
        participants = self._participants(doc.participants)
        self._consents(doc.consents, participants)
        entries = self._sessions(doc.sessions, participants)
        themes = self._themes(doc.themes)
        self._codings(doc.codings, entries, themes)
        for kind, settings in doc.export_settings.items():
            setting = self.db.scalars(select(m.ExportSetting).filter_by(kind=kind)).first()
            if setting is None:
                setting = m.ExportSetting(kind=kind)
                self.db.add(setting)
                self._touched.append(("add", "export_setting", setting))
            setting.descriptor_attributes = list(settings.descriptor_attributes)
            setting.allow_unique = settings.allow_unique
        self.db.flush()
        changes = Changes()
        for what, table, row in self._touched:
            (changes.add if what == "add" else changes.update)(table, row.id)
        audit.record(self.db, "import", (), **changes.counts())
        return changes

    def _by_ref(self, model: type[Row], ref: str) -> Row | None:
        return self.db.scalars(select(model).filter_by(ref=ref)).first()

    def _study(self, block: StudyBlock, study: m.Study) -> None:
        study.title = block.title
        study.researcher = block.researcher
        study.organisation = block.organisation
        study.contact = block.contact
        study.aims = list(block.aims)
        endorsement = block.endorsement
        study.endorsed_by = endorsement.by if endorsement else None
        study.endorsed_on = endorsement.on if endorsement else None
        study.endorsement_notes = endorsement.notes if endorsement else None
        self._touched.append(("update", "study", study))

    def _identifiers(self, doc: StudyDocument) -> None:
        position = self.positions.next(m.Identifier)
        for item in doc.identifiers:
            row = self.db.scalars(select(m.Identifier).filter_by(text=item.text)).first()
            if row is None:
                row = m.Identifier(text=item.text, kind=item.kind, aliases=[], position=position)
                self.db.add(row)
                position += 1
                self._touched.append(("add", "identifier", row))
            else:
                self._touched.append(("update", "identifier", row))
            row.kind = item.kind
            row.aliases = list(dict.fromkeys([*row.aliases, *item.aliases]))

    def _participants(self, items: list[ParticipantIn]) -> dict[str, m.Participant]:
        rows = {p.ref: p for p in self.db.scalars(select(m.Participant))}
        position = self.positions.next(m.Participant)
        for item in items:
            row = rows.get(item.ref)
            if row is None:
                row = m.Participant(ref=item.ref, position=position)
                position += 1
                self.db.add(row)
                rows[item.ref] = row
                self._touched.append(("add", "participant", row))
            else:
                self._touched.append(("update", "participant", row))
            row.kind = item.kind
            row.name = item.name
            row.contact = item.contact
            row.attributes = dict(item.attributes)
            row.withdrawn_on = item.withdrawn_on
            row.withdrawal_reason = item.withdrawal_reason
        for item in items:  # guardians after all participants exist: a child may precede a parent
            rows[item.ref].guardians = [rows[ref] for ref in item.guardians]
        return rows

    def _consents(self, items: list[ConsentIn], people: dict[str, m.Participant]) -> None:
        position = self.positions.next(m.Consent)
        for item in items:
            row = self._by_ref(m.Consent, item.ref)
            if row is None:
                row = m.Consent(ref=item.ref, position=position)
                position += 1
                self.db.add(row)
                self._touched.append(("add", "consent", row))
            else:
                self._touched.append(("update", "consent", row))
            row.participant = people[item.participant]
            row.on_behalf_of = people[item.on_behalf_of] if item.on_behalf_of else None
            row.form = item.form
            row.form_version = item.form_version
            row.method = item.method
            row.given_on = item.given_on
            row.answers = dict(item.answers)
            row.withdrawn_on = item.withdrawn_on
            row.signature_png = _decode(item.signature.data if item.signature else None)
            row.second_signature_png = _decode(
                item.second_signature.data if item.second_signature else None
            )
            row.scan_image = _decode(item.scan.data if item.scan else None)
            row.scan_media_type = item.scan.media_type if item.scan else None
            row.confirmations = {key: at.isoformat() for key, at in item.confirmations.items()}
            row.recorded_by = item.recorded_by

    def _sessions(
        self, items: list[SessionIn], people: dict[str, m.Participant]
    ) -> dict[str, m.Entry]:
        entries = {e.ref: e for e in self.db.scalars(select(m.Entry))}
        position = self.positions.next(m.StudySession)
        for done, item in enumerate(items):
            self.progress.step(done, len(items))
            row = self._by_ref(m.StudySession, item.ref)
            if row is None:
                row = m.StudySession(ref=item.ref, position=position)
                position += 1
                self.db.add(row)
                self._touched.append(("add", "session", row))
            else:
                self._touched.append(("update", "session", row))
            row.kind = item.kind
            row.guide = item.guide
            row.started_at = item.started_at
            row.ended_at = item.ended_at
            members = [*row.participants]
            members += [people[ref] for ref in item.participants if people[ref] not in members]
            row.participants = members
            if item.call_attempts:
                row.call_attempts = [
                    m.CallAttempt(at=a.at, outcome=a.outcome, minutes=a.minutes, position=n)
                    for n, a in enumerate(item.call_attempts)
                ]
            next_entry = max((e.position for e in row.entries), default=-1) + 1
            for entry_in in item.entries:
                entry = entries.get(entry_in.ref)
                if entry is None:
                    entry = m.Entry(ref=entry_in.ref, position=next_entry)
                    next_entry += 1
                    row.entries.append(entry)
                    entries[entry_in.ref] = entry
                    self._touched.append(("add", "entry", entry))
                else:
                    self._touched.append(("update", "entry", entry))
                _fill_entry(entry, entry_in, people)
        return entries

    def _themes(self, items: list[ThemeIn]) -> dict[str, m.Theme]:
        rows = {t.ref: t for t in self.db.scalars(select(m.Theme))}
        position = self.positions.next(m.Theme)
        for item in items:
            row = rows.get(item.ref)
            if row is None:
                row = m.Theme(ref=item.ref, position=position)
                position += 1
                self.db.add(row)
                rows[item.ref] = row
                self._touched.append(("add", "theme", row))
            else:
                self._touched.append(("update", "theme", row))
            row.name = item.name
            row.description = item.description
            row.colour = item.colour
        for item in items:
            rows[item.ref].parent = rows[item.parent] if item.parent else None
        return rows

    def _codings(
        self, items: list[CodingIn], entries: dict[str, m.Entry], themes: dict[str, m.Theme]
    ) -> None:
        position = self.positions.next(m.Coding)
        for item in items:
            entry, theme = entries[item.entry], themes[item.theme]
            same = [
                c
                for c in entry.codings
                if c.theme is theme and (c.start, c.end) == (item.start, item.end)
            ]
            if same:
                same[0].memo = item.memo
                same[0].exemplar = item.exemplar
                self._touched.append(("update", "coding", same[0]))
                continue
            coding = m.Coding(
                theme=theme,
                start=item.start,
                end=item.end,
                memo=item.memo,
                exemplar=item.exemplar,
                position=position,
            )
            position += 1
            entry.codings.append(coding)
            self._touched.append(("add", "coding", coding))


def _decode(data: str | None) -> bytes | None:
    return base64.b64decode(data) if data is not None else None


def _fill_entry(entry: m.Entry, item: EntryIn, people: dict[str, m.Participant]) -> None:
    entry.question = item.question
    entry.speaker = people[item.speaker] if item.speaker else None
    entry.text = item.text
    entry.verbatim = item.verbatim
    entry.show_of_hands = dict(item.show_of_hands) if item.show_of_hands is not None else None
    entry.at = item.at
    entry.safeguarding_flagged_at = item.safeguarding.flagged_at if item.safeguarding else None
    entry.safeguarding_action = item.safeguarding.action if item.safeguarding else None
    entry.follow_up = item.follow_up
