"""A blind coding copy of a study for a second coder (issue 14 §3).

`make_coding_copy(db, out, passphrase, request)` writes a NEW study file at `out` (under its
own passphrase) holding the sessions, entries and themes of the study open in `db`, and no
codings: the second coder codes blind. Every copied record keeps its id, so their codings
can come back (`coding_copy_merge.codings_from_copy`); the copy's study row names the
study it was made from (`copy_of_id`) and the coder (`copy_coder`, also its `researcher`, so
a coding they make with no coder named is theirs).

What goes, in both kinds of copy:
- entries that count in the analysis: never a withdrawn participant's, never one flagged
  for safeguarding (no coder needs them: they are in no figure or quote), and, when the
  caller says so (`Anonymisation.left_out`), never those of people the export leaves out;
- the sessions that keep at least one entry, with their members who are not left out;
- the themes (the codebook the coder codes with), and the stored versions of the guides
  those sessions use (so questions read as they did);
- participants: kind and reference; in a plain copy also their names and attributes.
What never goes: consents (signatures, answers), contacts, the register of identifiers,
call attempts, review decisions, export settings, the audit log, and any coding.

An anonymised copy (`request.anonymisation`) passes every text through the anonymiser
(study title and aims, theme names and descriptions, entry texts) and names each
participant by their export descriptor only; a reference or guide the anonymiser would
change is replaced (a reference by a plain number) or left out (a guide that names what
the register holds).

Where the anonymiser replaced words, the replacement map is kept in the ORIGINAL study
(`coding_copy_entry`: each redaction's [start, end, replacement] and hashes of the
original and the given text), never in the copy: the copy holds nothing of where names
were. The original's rows are added to `db` (the caller commits them after the copy is in
place: the copy file appears only whole, `storage.creation`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session, selectinload

from plrdesk.anonymise.types import Layer, Redacted
from plrdesk.domain import models as m
from plrdesk.services import audit
from plrdesk.services.permission_book import load_permission_book
from plrdesk.storage.creation import create_study

if TYPE_CHECKING:
    from plrdesk.forms.catalog import FormCatalog

AUDIT_ACTION = "coding-copy"
# What an entry carries into the copy as it is (its text goes through the anonymiser).
_ENTRY_COLUMNS = (
    m.Entry.id,
    m.Entry.ref,
    m.Entry.session_id,
    m.Entry.question,
    m.Entry.speaker_id,
    m.Entry.text,
    m.Entry.verbatim,
    m.Entry.show_of_hands,
    m.Entry.at,
    m.Entry.follow_up,
    m.Entry.updated_at,
    m.Entry.position,
)
Redact = Callable[[str], Redacted]


@dataclass(frozen=True)
class Anonymisation:
    """What an anonymised copy passes through: the study's anonymiser, the export's
    descriptor of each participant (by ref, already anonymised), and the refs the export
    leaves out beyond the withdrawn (those admitted by a consent override)."""

    redact: Redact
    describe: Callable[[str], str]
    left_out: frozenset[str] = frozenset()
    # True for a text repeating an excluded entry's words (issue 13: a withdrawn child's or
    # a disclosure's sentence said again in another note); such an entry is left out.
    repeats_excluded: Callable[[str], bool] = lambda _text: False


@dataclass(frozen=True)
class CopyRequest:
    coder: str
    anonymisation: Anonymisation | None = None

    def __post_init__(self) -> None:
        if not self.coder.strip():
            raise ValueError("a coding copy needs the second coder's name")


@dataclass
class CopyMade:
    """What went into the copy, for the one-line report; counts and refs, no content."""

    copy_id: uuid.UUID
    coder: str
    anonymised: bool
    sessions: int = 0
    entries: int = 0
    participants: int = 0
    themes: int = 0
    withdrawn_entries: int = 0
    safeguarding_entries: int = 0
    other_left_out: int = 0  # entries of people the export leaves out (consent overrides)
    repeating_entries: int = 0  # entries repeating an excluded entry's words
    redactions: int = 0
    guides_left_out: list[str] = field(default_factory=list)

    def summary(self) -> str:
        kind = "an anonymised, blind" if self.anonymised else "a blind"
        parts = [
            f"{self.sessions} sessions",
            f"{self.entries} entries",
            f"{self.themes} themes",
            f"{self.participants} participants",
        ]
        left = [
            f"{n} {what}"
            for n, what in (
                (self.withdrawn_entries, "of withdrawn participants"),
                (self.safeguarding_entries, "flagged for safeguarding"),
                (self.other_left_out, "of people the export leaves out"),
                (self.repeating_entries, "repeating an excluded entry's words"),
            )
            if n
        ]
        line = f"{kind} coding copy for {self.coder}: {', '.join(parts)}, no codings"
        if self.anonymised:
            line += f"; {self.redactions} redactions"
        if left:
            line += f"; entries left out: {', '.join(left)}"
        if self.guides_left_out:
            line += f"; guides left out (they name someone): {', '.join(self.guides_left_out)}"
        return line


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def edits_of(redacted: Redacted) -> list[list[int | str]]:
    """The redactions as [start, end, replacement]: the span of the original text and the
    label that stood for it ("[child]"), in order."""
    return [[r.start, r.end, r.replacement] for r in redacted.redactions]


class _Copier:
    """Reads the original once and gives the rows of the copy and of the original's map."""

    def __init__(self, db: Session, catalog: FormCatalog | None, request: CopyRequest) -> None:
        self.db = db
        self.request = request
        self.anon = request.anonymisation
        self.book = load_permission_book(db, catalog)
        self.made = CopyMade(new_copy_id(), request.coder.strip(), self.anon is not None)
        self.rows: dict[type[m.Base], list[dict[str, Any]]] = {}
        self.map_rows: list[dict[str, Any]] = []
        self._refs: dict[str, int] = {}

    # -- texts -------------------------------------------------------------------------

    def text(self, value: str | None) -> str | None:
        if value is None or self.anon is None:
            return value
        redacted = self.anon.redact(value)
        self.made.redactions += len(redacted.redactions)
        return redacted.text

    def ref(self, value: str, prefix: str) -> str:
        """A reference as it is, unless the anonymiser would change it (a ref made of a
        name): then the prefix and a number of its own."""
        self._refs[prefix] = self._refs.get(prefix, 0) + 1
        if self.anon is None or not self.anon.redact(value).redactions:
            return value
        return f"{prefix}-{self._refs[prefix]}"

    # -- reading -----------------------------------------------------------------------

    def run(self) -> None:
        people = list(self.db.scalars(select(m.Participant).order_by(m.Participant.position)))
        withdrawn = {p.id for p in people if self.book.is_withdrawn(p.ref)}
        left_out = {p.id for p in people if self.anon is not None and p.ref in self.anon.left_out}
        entries = self._entries(withdrawn, left_out - withdrawn)
        sessions = self._sessions({e["session_id"] for e in entries}, withdrawn | left_out)
        kept_people = [p for p in people if p.id not in withdrawn | left_out]
        self._participants(kept_people)
        self.rows[m.StudySession] = sessions[0]
        self.rows[m.SessionMember] = sessions[1]
        self.rows[m.Entry] = entries
        self._themes()
        self.made.sessions, self.made.entries = len(sessions[0]), len(entries)

    def _entries(self, withdrawn: set[uuid.UUID], left_out: set[uuid.UUID]) -> list[dict[str, Any]]:
        rows = []
        # Plain rows, not ORM objects: a study has tens of thousands of entries, and
        # building an object for each costs more than the copy's own writing.
        columns = [m.Entry.conflict_of_id, m.Entry.safeguarding_flagged_at, *_ENTRY_COLUMNS]
        for e in self.db.execute(select(*columns).order_by(m.Entry.position)):
            if e.conflict_of_id is not None:
                continue  # a merge's conflict copy: the researcher's to settle, not to code
            if e.safeguarding_flagged_at is not None:
                self.made.safeguarding_entries += 1
                continue
            if e.speaker_id in withdrawn:
                self.made.withdrawn_entries += 1
                continue
            if e.speaker_id in left_out:
                self.made.other_left_out += 1
                continue
            original = e.text
            if original and self.anon is not None and self.anon.repeats_excluded(original):
                self.made.repeating_entries += 1
                continue
            given = original
            edits: list[list[int | str]] = []
            if original is not None and self.anon is not None:
                redacted = self.anon.redact(original)
                given, edits = redacted.text, edits_of(redacted)
                self.made.redactions += len(edits)
            row = {column.key: getattr(e, column.key) for column in _ENTRY_COLUMNS}
            row["text"] = given
            rows.append(row)
            self.map_rows.append(
                {
                    "copy_id": self.made.copy_id,
                    "entry_id": e.id,
                    "original_sha256": sha256(original or ""),
                    "given_sha256": sha256(given or ""),
                    "edits": edits,
                }
            )
        return rows

    def _sessions(
        self, wanted: set[uuid.UUID], absent: set[uuid.UUID]
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        sessions, members = [], []
        guides: set[tuple[str, str]] = set()
        for s in self.db.scalars(
            select(m.StudySession)
            .order_by(m.StudySession.position)
            .options(selectinload(m.StudySession.members))
        ):
            if s.id not in wanted:
                continue
            sessions.append(
                {
                    "id": s.id,
                    "ref": self.ref(s.ref, "S"),
                    "kind": s.kind,
                    "guide": s.guide,
                    "guide_version": s.guide_version,
                    "started_at": s.started_at,
                    "ended_at": s.ended_at,
                    "running_seconds": s.running_seconds,
                    "position": s.position,
                }
            )
            members += [
                {"session_id": s.id, "participant_id": link.participant_id, "position": i}
                for i, link in enumerate(
                    link for link in s.members if link.participant_id not in absent
                )
            ]
            if s.guide is not None and s.guide_version is not None:
                guides.add((s.guide, s.guide_version))
        self._forms(guides)
        return sessions, members

    def _forms(self, guides: set[tuple[str, str]]) -> None:
        rows = []
        for form in self.db.scalars(select(m.StoredForm)):
            if (form.form_id, form.version) not in guides:
                continue
            # A guide is the researcher's own text, written before fieldwork: it names
            # someone when it names what the register holds (a school, a place, a person).
            # The other layers read its YAML keys as handles and its words as names.
            if self.anon is not None and any(
                r.layer is Layer.REGISTER for r in self.anon.redact(form.source).redactions
            ):
                self.made.guides_left_out.append(f"{form.form_id} {form.version}")
                continue
            rows.append(
                {
                    "id": form.id,
                    "form_id": form.form_id,
                    "version": form.version,
                    "source": form.source,
                    "sha256": form.sha256,
                    "stored_at": form.stored_at,
                }
            )
        self.rows[m.StoredForm] = rows

    def _participants(self, people: Sequence[m.Participant]) -> None:
        rows = []
        for p in people:
            plain = self.anon is None
            rows.append(
                {
                    "id": p.id,
                    "ref": self.ref(p.ref, "P"),
                    "kind": p.kind,
                    "name": p.name if plain else self.anon.describe(p.ref),  # type: ignore[union-attr]
                    "attributes": dict(p.attributes) if plain else {},
                    "position": p.position,
                }
            )
        self.rows[m.Participant] = rows
        self.made.participants = len(rows)

    def _themes(self) -> None:
        themes = list(self.db.scalars(select(m.Theme).order_by(m.Theme.position)))
        parent = {t.id: t.parent_id for t in themes}

        def depth(theme_id: uuid.UUID | None) -> int:
            return 0 if theme_id is None else 1 + depth(parent.get(theme_id))

        # parents before children, whatever the positions say (the foreign key checks it)
        rows = [
            {
                "id": t.id,
                "ref": self.ref(t.ref, "T"),
                "name": self.text(t.name) or "",
                "description": self.text(t.description),
                "colour": t.colour,
                "parent_id": t.parent_id,
                "position": t.position,
            }
            for t in sorted(themes, key=lambda t: depth(t.parent_id))
        ]
        self.rows[m.Theme] = rows
        self.made.themes = len(rows)

    # -- writing -----------------------------------------------------------------------

    def fill(self, copy: Session) -> None:
        """The copy's content, in the new study's own transaction."""
        study = copy.scalars(select(m.Study)).one()
        original = self.db.scalars(select(m.Study)).one()
        study.id = self.made.copy_id
        study.title = self.text(original.title) or original.title
        study.aims = [self.text(aim) or "" for aim in original.aims or []]
        study.researcher = self.made.coder
        study.copy_of_id = original.id
        study.copy_coder = self.made.coder
        if self.anon is None:
            study.organisation = original.organisation
            study.ethics_reference = original.ethics_reference
        copy.flush()
        for model in (m.StoredForm, m.Participant, m.StudySession, m.SessionMember, m.Theme):
            if self.rows.get(model):
                copy.execute(insert(model), self.rows[model])
        if self.rows[m.Entry]:
            copy.execute(insert(m.Entry), self.rows[m.Entry])
        audit.record(
            copy, "made-as-coding-copy", [original.id], anonymised=str(self.made.anonymised)
        )

    def record(self) -> None:
        """The copy and its replacement map, in the original (committed by the caller)."""
        self.db.add(
            m.CodingCopy(
                id=self.made.copy_id,
                coder=self.made.coder,
                anonymised=self.made.anonymised,
                made_at=dt.datetime.now(dt.UTC),
            )
        )
        self.db.flush()
        if self.map_rows:
            self.db.execute(insert(m.CodingCopyEntry), self.map_rows)
        audit.record(
            self.db,
            AUDIT_ACTION,
            [self.made.copy_id],
            anonymised=str(self.made.anonymised),
            entries=self.made.entries,
            redactions=self.made.redactions,
        )
        self.db.flush()


def new_copy_id() -> uuid.UUID:
    return uuid.uuid4()


def make_coding_copy(
    db: Session,
    out: Path,
    passphrase: str,
    request: CopyRequest,
    catalog: FormCatalog | None,
) -> CopyMade:
    """Write the coding copy at `out` (a new file, complete or not there at all) and add
    its record and replacement map to `db`, flushed: the caller's commit keeps them.

    `catalog` is the study's forms (shipped plus stored), for the permission rules that
    say who has withdrawn. Should the caller's commit fail after this returns, the copy
    is there without its map; its codings then cannot come back (the merge says so)."""
    copier = _Copier(db, catalog, request)
    copier.run()
    copier.record()  # first: a failure here costs no file
    create_study(out, passphrase, "coding copy", copier.fill)
    return copier.made
