"""Import a study document (study-json-v1) into an open study, all or nothing.

The caller runs this inside one transaction; any error rolls the whole import back.
Records are matched by `ref`; with `merge` an existing record is updated in place,
otherwise a clash was already refused by `references.check`.

A merge that replaces a coded entry's text moves its codings the way the editor's save
does (`note_texts.save_entry_text`): each follows its words, and one whose every word is gone
is dropped and named in the result's `notices`. The file's own codings are offsets into the
file's text; one that names a stored coding by the span it had before the text changed is
that coding (a dump edited by hand keeps the old offsets), not a second one.
"""

from __future__ import annotations

import base64
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, TypeVar

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session, aliased

from plrdesk.domain import models as m
from plrdesk.domain.ids import EntryId, new_id
from plrdesk.forms.catalog import FormCatalog
from plrdesk.interchange import references
from plrdesk.interchange.errors import InvalidDocument
from plrdesk.interchange.parse import parse_document
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
from plrdesk.services import audit, note_texts, study_forms
from plrdesk.services.changes import Changes, Table
from plrdesk.services.merge_dump import check_conflicts, restore_conflicts
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
    giver, behalf = aliased(m.Participant), aliased(m.Participant)
    known.consent_people = {
        ref: (giver_ref, behalf_ref)
        for ref, giver_ref, behalf_ref in db.execute(
            select(m.Consent.ref, giver.ref, behalf.ref)
            .join(giver, m.Consent.participant_id == giver.id)
            .outerjoin(behalf, m.Consent.on_behalf_of_id == behalf.id)
            .order_by(m.Consent.position)
        )
    }
    for session in db.scalars(select(m.StudySession)):
        known.sessions[session.ref] = {p.ref for p in session.participants}
    rows = db.execute(
        select(m.Entry.ref, m.Entry.text, m.StudySession.ref).join(
            m.StudySession, m.Entry.session_id == m.StudySession.id
        )
    )
    for ref, text, session_ref in rows:
        known.entries[ref] = text
        known.entry_sessions[ref] = session_ref
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
    check_conflicts(db, doc, source=source)
    with db.no_autoflush:  # one flush at the end, not one per ref lookup
        changes = _Writer(db, merge=merge, progress=progress).write(doc, study)
    restore_conflicts(db, doc)
    study_forms.store_used_forms(db, catalog)
    # Merge the full-text index's new segments now, once, rather than inside the first
    # edits after the import (which would then take tens of milliseconds each).
    optimise_search_index(db)
    return changes


def import_study_file(
    db: Session, path: Path, forms: FormCatalog, *, merge: bool, progress: Progress = NO_PROGRESS
) -> Changes:
    """Read, parse and import the file, all on the database worker (a large file would
    freeze the window if read or parsed on the GUI thread)."""
    doc = parse_document(path.read_text(encoding="utf-8"), path.name)
    return import_document(db, doc, merge=merge, source=path.name, forms=forms, progress=progress)


class _Writer:
    def __init__(self, db: Session, *, merge: bool, progress: Progress) -> None:
        self.db = db
        self.merge = merge
        self.progress = progress
        # Rows get their UUIDs at flush; remember them and report ids afterwards.
        self._touched: list[tuple[str, Table, _HasId]] = []
        self._bulk_added: list[tuple[Table, uuid.UUID]] = []
        self.positions = _Positions(db)
        # What replacing entries' texts did to their codings: which moved or went, and, by
        # (entry, theme, span before), the stored coding a file coding may name (None: gone).
        self._followed = Changes()
        self._spans_before: dict[tuple[uuid.UUID, uuid.UUID, int, int], uuid.UUID | None] = {}

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
                self._touched.append(("add", Table.EXPORT_SETTING, setting))
            setting.descriptor_attributes = list(settings.descriptor_attributes)
            setting.allow_unique = settings.allow_unique
        self.db.flush()
        changes = Changes()
        for what, table, row in self._touched:
            (changes.add if what == "add" else changes.update)(table, row.id)
        for table, record_id in self._bulk_added:
            changes.add(table, record_id)
        changes.merge(self._followed)
        dropped = changes.removed_ids(Table.CODING)
        audit.record(self.db, "import", dropped, **changes.counts(), coding_dropped=len(dropped))
        return changes

    def _by_ref(self, model: type[Row], ref: str) -> Row | None:
        return self.db.scalars(select(model).filter_by(ref=ref)).first()

    def _study(self, block: StudyBlock, study: m.Study) -> None:
        """Only the keys the file gives: `plrdesk import STUDY details.json --merge` with a
        few details leaves the rest alone; a key given as null clears its detail. The
        endorsement is one detail: given, all four of its parts are set (absent: none)."""
        given = block.model_fields_set
        study.title = block.title
        for key in ("researcher", "organisation", "phone", "email", "ethics_reference"):
            if key in given:
                setattr(study, key, getattr(block, key))
        if "contact" in given:  # the file's one contact line is the study's free line
            study.other_contact = block.contact
        if "aims" in given:
            study.aims = list(block.aims)
        if "endorsement" in given:
            endorsement = block.endorsement
            study.endorsed_by = endorsement.by if endorsement else None
            study.endorser_role = endorsement.role if endorsement else None
            study.endorsed_on = endorsement.on if endorsement else None
            study.endorsement_notes = endorsement.notes if endorsement else None
        if self.db.is_modified(study):  # the same details again change nothing
            self._touched.append(("update", Table.STUDY, study))

    def _identifiers(self, doc: StudyDocument) -> None:
        position = self.positions.next(m.Identifier)
        for item in doc.identifiers:
            row = self.db.scalars(select(m.Identifier).filter_by(text=item.text)).first()
            if row is None:
                row = m.Identifier(text=item.text, kind=item.kind, aliases=[], position=position)
                self.db.add(row)
                position += 1
                self._touched.append(("add", Table.IDENTIFIER, row))
            else:
                self._touched.append(("update", Table.IDENTIFIER, row))
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
                self._touched.append(("add", Table.PARTICIPANT, row))
            else:
                self._touched.append(("update", Table.PARTICIPANT, row))
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
                self._touched.append(("add", Table.CONSENT, row))
            else:
                self._touched.append(("update", Table.CONSENT, row))
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
        self._touched.append(("update", Table.SESSION, row))
        row.kind = item.kind
        row.guide = item.guide
        row.started_at = item.started_at
        row.ended_at = item.ended_at
        members = [*row.participants]
        members += [people[ref] for ref in item.participants if people[ref] not in members]
        row.participants = members
        if item.call_attempts:
            row.call_attempts = [
                m.CallAttempt(
                    at=a.at, outcome=a.outcome, minutes=a.minutes, note=a.note, position=n
                )
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
                self._touched.append(("add", Table.ENTRY, entry))
            else:
                self._touched.append(("update", Table.ENTRY, entry))
                if entry.text != entry_in.text:
                    self._follow_text(entry, entry_in.text)
            _fill_entry(entry, entry_in, people)
            entries[entry_in.ref] = _EntryRef(entry.id, entry.text, new=False)

    def _follow_text(self, entry: m.Entry, text: str | None) -> None:
        """Replace a stored entry's text, its codings following their words (or going)."""
        spans = {
            c.id: (c.theme, c.start, c.end)
            for c in entry.codings
            if c.start is not None and c.end is not None
        }
        saved = note_texts.save_entry_text(self.db, EntryId(entry.id), text)
        lost = {gone.record.id for gone in saved.lost}
        moved, dropped = 0, []
        for coding_id, (theme, start, end) in spans.items():
            key = (entry.id, theme.id, start, end)
            if coding_id in lost:
                self._spans_before[key] = None
                self._followed.remove(Table.CODING, coding_id)
                dropped.append(
                    f"{theme.ref} {theme.name}, characters {start}-{end} of the old text"
                )
                continue
            self._spans_before[key] = coding_id
            coding = self.db.get(m.Coding, coding_id)
            if coding is not None and (coding.start, coding.end) != (start, end):
                moved += 1
                self._followed.update(Table.CODING, coding_id)
        if moved or dropped:
            self._followed.notices.append(_text_notice(entry.ref, moved, dropped))

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
                self._touched.append(("add", Table.THEME, row))
            else:
                self._touched.append(("update", Table.THEME, row))
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
            coder = " ".join((item.coder or "").split()) or None  # None: the researcher
            if not entry.new:
                same = self.db.scalars(
                    select(m.Coding).filter_by(
                        entry_id=entry.id,
                        theme_id=theme.id,
                        start=item.start,
                        end=item.end,
                        coder=coder,  # another coder's coding of the same span is another
                    )
                ).first()
                if same is None and item.start is not None and item.end is not None:
                    key = (entry.id, theme.id, item.start, item.end)
                    if key in self._spans_before:
                        found = self._spans_before[key]
                        if found is None:
                            continue  # a coding the new text took the words of: it stays gone
                        same = self.db.get(m.Coding, found)
                if same is not None:
                    same.memo = item.memo
                    same.exemplar = item.exemplar
                    self._touched.append(("update", Table.CODING, same))
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
                    "coder": coder,
                    "position": position,
                }
            )
            position += 1
            self._bulk_added.append((Table.CODING, coding_id))
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
    added: list[tuple[Table, uuid.UUID]] = field(default_factory=list)

    def add_session(
        self,
        item: SessionIn,
        position: int,
        people: dict[str, m.Participant],
        entries: dict[str, _EntryRef],
    ) -> None:
        session_id = new_id()
        self.added.append((Table.SESSION, session_id))
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
                "note": a.note,
                "position": n,
            }
            for n, a in enumerate(item.call_attempts)
        ]
        for n, e in enumerate(item.entries):
            entry_id = new_id()
            self.added.append((Table.ENTRY, entry_id))
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


def _text_notice(entry_ref: str, moved: int, gone: list[str]) -> str:
    """What a new text did to an entry's codings, naming themes and offsets, never words:
    'entry E2: its new text moved 1 coding to follow its words and dropped 1 whose words
    are gone (T2 Theme name, characters 0-24 of the old text)'."""

    def count(n: int) -> str:
        return "1 coding" if n == 1 else f"{n} codings"

    done = []
    if moved:
        done.append(f"moved {count(moved)} to follow {'its' if moved == 1 else 'their'} words")
    if gone:
        what = str(len(gone)) if moved else count(len(gone))
        done.append(f"dropped {what} whose words are gone ({'; '.join(gone)})")
    return f"entry {entry_ref}: its new text {' and '.join(done)}"


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
