"""Import a study document (study-json-v1) into an open study, all or nothing.

The caller runs this inside one transaction; any error rolls the whole import back.
Records are matched by `ref`; with `merge` an existing record is updated in place,
otherwise a clash was already refused by `references.check`.
"""

from __future__ import annotations

import base64
import uuid
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from plrdesk.domain import models as m
from plrdesk.domain.ids import new_id
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
from plrdesk.storage.search import optimise_search_index

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
    # Merge the full-text index's new segments now, once, rather than inside the first
    # edits after the import (which would then take tens of milliseconds each).
    optimise_search_index(db)
    return changes


class _Writer:
    def __init__(self, db: Session, *, merge: bool, progress: Progress) -> None:
        self.db = db
        self.merge = merge
        self.progress = progress
        # Rows get their UUIDs at flush; remember them and report ids afterwards.
        self._touched: list[tuple[str, str, _HasId]] = []
        self._bulk_added: list[tuple[str, uuid.UUID]] = []
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
        for table, record_id in self._bulk_added:
            changes.add(table, record_id)
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
        rows = {c.ref: c for c in self.db.scalars(select(m.Consent))}
        position = self.positions.next(m.Consent)
        for item in items:
            row = rows.get(item.ref)
            if row is None:
                row = m.Consent(ref=item.ref, position=position)
                position += 1
                self.db.add(row)
                rows[item.ref] = row
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
    ) -> dict[str, _EntryRef]:
        """Sessions and their entries. New sessions (the bulk of any import) go in with
        Core bulk inserts; sessions already in the study (--merge) go through the ORM."""
        self.db.flush()  # participants need their ids before rows point at them
        entries = {
            ref: _EntryRef(entry_id, text, new=False)
            for entry_id, ref, text in self.db.execute(
                select(m.Entry.id, m.Entry.ref, m.Entry.text)
            )
        }
        existing = {s.ref: s for s in self.db.scalars(select(m.StudySession))}
        position = self.positions.next(m.StudySession)
        bulk = _BulkRows()
        for done, item in enumerate(items):
            self.progress.step(done, len(items))
            row = existing.get(item.ref)
            if row is None:
                bulk.add_session(item, position, people, entries)
                position += 1
            else:
                self._merge_session(row, item, people, entries)
        for model, rows in bulk.tables():
            if rows:
                self.db.execute(insert(model), rows)
        self._bulk_added += bulk.added
        return entries

    def _merge_session(
        self,
        row: m.StudySession,
        item: SessionIn,
        people: dict[str, m.Participant],
        entries: dict[str, _EntryRef],
    ) -> None:
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
            known = entries.get(entry_in.ref)
            entry = self.db.get(m.Entry, known.id) if known else None
            if entry is None:
                entry = m.Entry(id=new_id(), ref=entry_in.ref, position=next_entry)
                next_entry += 1
                row.entries.append(entry)
                self._touched.append(("add", "entry", entry))
            else:
                self._touched.append(("update", "entry", entry))
            _fill_entry(entry, entry_in, people)
            entries[entry_in.ref] = _EntryRef(entry.id, entry.text, new=False)

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
        self, items: list[CodingIn], entries: dict[str, _EntryRef], themes: dict[str, m.Theme]
    ) -> None:
        self.db.flush()  # themes need their ids
        position = self.positions.next(m.Coding)
        rows = []
        for item in items:
            entry, theme = entries[item.entry], themes[item.theme]
            if not entry.new:
                same = self.db.scalars(
                    select(m.Coding).filter_by(
                        entry_id=entry.id, theme_id=theme.id, start=item.start, end=item.end
                    )
                ).first()
                if same is not None:
                    same.memo = item.memo
                    same.exemplar = item.exemplar
                    self._touched.append(("update", "coding", same))
                    continue
            coding_id = new_id()
            rows.append(
                {
                    "id": coding_id,
                    "entry_id": entry.id,
                    "theme_id": theme.id,
                    "start": item.start,
                    "end": item.end,
                    "memo": item.memo,
                    "exemplar": item.exemplar,
                    "position": position,
                }
            )
            position += 1
            self._bulk_added.append(("coding", coding_id))
        if rows:
            self.db.execute(insert(m.Coding), rows)


@dataclass(frozen=True)
class _EntryRef:
    """An entry known by ref: its id and text (for coding spans), and whether this import
    creates it (then it cannot have codings yet)."""

    id: uuid.UUID
    text: str | None
    new: bool


@dataclass
class _BulkRows:
    """Rows of new sessions, gathered for one executemany per table."""

    sessions: list[dict[str, object]] = field(default_factory=list)
    members: list[dict[str, object]] = field(default_factory=list)
    attempts: list[dict[str, object]] = field(default_factory=list)
    entries: list[dict[str, object]] = field(default_factory=list)
    added: list[tuple[str, uuid.UUID]] = field(default_factory=list)

    def add_session(
        self,
        item: SessionIn,
        position: int,
        people: dict[str, m.Participant],
        entries: dict[str, _EntryRef],
    ) -> None:
        session_id = new_id()
        self.added.append(("session", session_id))
        self.sessions.append(
            {
                "id": session_id,
                "ref": item.ref,
                "kind": item.kind.value,
                "guide": item.guide,
                "started_at": item.started_at,
                "ended_at": item.ended_at,
                "position": position,
            }
        )
        self.members += [
            {"session_id": session_id, "participant_id": people[ref].id, "position": n}
            for n, ref in enumerate(item.participants)
        ]
        self.attempts += [
            {
                "id": new_id(),
                "session_id": session_id,
                "at": a.at,
                "outcome": a.outcome.value,
                "minutes": a.minutes,
                "position": n,
            }
            for n, a in enumerate(item.call_attempts)
        ]
        for n, e in enumerate(item.entries):
            entry_id = new_id()
            self.added.append(("entry", entry_id))
            entries[e.ref] = _EntryRef(entry_id, e.text, new=True)
            self.entries.append(
                {
                    "id": entry_id,
                    "ref": e.ref,
                    "session_id": session_id,
                    "question": e.question,
                    "speaker_id": people[e.speaker].id if e.speaker else None,
                    "text": e.text,
                    "verbatim": e.verbatim,
                    "show_of_hands": dict(e.show_of_hands) if e.show_of_hands is not None else None,
                    "at": e.at,
                    "safeguarding_flagged_at": e.safeguarding.flagged_at
                    if e.safeguarding
                    else None,
                    "safeguarding_action": e.safeguarding.action if e.safeguarding else None,
                    "follow_up": e.follow_up,
                    "updated_at": None,
                    "position": n,
                }
            )

    def tables(self) -> list[tuple[type[m.Base], list[dict[str, object]]]]:
        """In foreign-key order."""
        return [
            (m.StudySession, self.sessions),
            (m.SessionMember, self.members),
            (m.CallAttempt, self.attempts),
            (m.Entry, self.entries),
        ]


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
