"""Merging another copy of a study into this one (`plrdesk merge`, Study > Merge another copy).

The rules, in the order they are applied:
- Records are matched by their stable ids (UUIDs, the same in a copy made with `cp` or
  `plrdesk backup`), never by refs. The two files must hold the same study (same study id),
  or the source must be a coding copy made from the target: then only its codings come,
  through services/coding_copy_merge.py.
- A record only the other copy has comes in, unless this copy deleted it (a tombstone:
  deletions win over edits), it names a participant erased in either copy, or its parent
  is not here. Its ref, if ours already names another record, becomes the next free one.
- A record this copy has and the other deleted is deleted here (deletions win).
- A record both have: each keeps its revision and the revisions it has been at
  (migration 0011's triggers). If one copy's revision is in the other's history, only one
  side changed since they parted and the newer wins. If neither, both changed: ours stays,
  and theirs is kept too: an entry as a conflict copy beside ours (`conflict_of_id`,
  `conflict_from`), any other record in `merge_conflict`. A withdrawal (participant or
  consent) wins over an edit on the other side.
- Erasures of either copy are honoured after the merge: the erased participant's entries,
  codings and consents are deleted here too, and the file must then be compacted.
- Idempotent: every row a merge makes has an id derived from what it records, and ours
  remembers their revision, so merging the same copy again writes nothing at all.
- All or nothing: the caller's one transaction on the target; the source is only read.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import delete, insert, or_, select, update
from sqlalchemy.orm import Session

from plrdesk.domain import models as m
from plrdesk.services import audit
from plrdesk.services.changes import Changes
from plrdesk.services.changes import Table as Changed
from plrdesk.services.merge_rows import Conflict, Context, Renamed, TableMerge, Tally
from plrdesk.services.merge_tables import SPECS


class NotACopy(ValueError):
    """The source is not a copy of the target's study (nor a coding copy made from it)."""


@dataclass
class MergeReport:
    """What came in. Refs, counts and ids only: it may be printed or logged."""

    added: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    deleted: Counter[str] = field(default_factory=Counter)
    renamed: list[Renamed] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)
    erased_here: int = 0  # entries and consents of participants the other copy erased
    from_coding_copy: str | None = None  # the second coder's name, for a coding copy
    changes: Changes = field(default_factory=Changes)
    writes: int = 0

    @property
    def changed(self) -> bool:
        return self.writes > 0

    @property
    def needs_vacuum(self) -> bool:
        """Words were erased: the file must be compacted so they leave its free pages (as
        withdrawal does; an ordinary deletion, here as in the app, relies on secure_delete)."""
        return self.erased_here > 0

    def summary_lines(self) -> list[str]:
        """The report as lines for a terminal or a dialog."""

        def counts(counter: Counter[str]) -> str:
            return (
                ", ".join(f"{n} {_records(table, n)}" for table, n in sorted(counter.items()))
                or "none"
            )

        if not self.changed:
            return ["nothing new: the study already has everything the other copy has"]
        lines = []
        if self.from_coding_copy is not None:
            lines.append(f"codings from {self.from_coding_copy}'s coding copy")
        lines.append(f"added: {counts(self.added)}")
        if self.updated:
            lines.append(f"updated: {counts(self.updated)}")
        if self.deleted:
            lines.append(f"deleted (deleted in the other copy): {counts(self.deleted)}")
        if self.erased_here:
            lines.append(f"erased (erased in the other copy): {self.erased_here} records")
        lines += [f"renamed {r.table} {r.old} -> {r.new} (ref taken here)" for r in self.renamed]
        lines += [f"conflict: {c.label}: changed in both copies; {c.kept}" for c in self.conflicts]
        lines += [f"left out: {why}" for why in self.left_out]
        return lines


_PLURALS = {"entry": "entries", "study": "studies", "guardianship": "guardianships"}


def _records(table: str, n: int) -> str:
    """A table's rows in words: "1 entry", "2 entries", "3 audit records"."""
    words = {"audit_log": "audit record", "session_participant": "session member"}.get(
        table, table.replace("_", " ")
    )
    if n == 1:
        return words
    last = words.rsplit(" ", 1)[-1]
    return words[: len(words) - len(last)] + _PLURALS.get(last, last + "s")


def merge(target_db: Session, source_db: Session, *, label: str = "another copy") -> MergeReport:
    """Bring into the target everything the source has that the target lacks (module doc).

    `label` names the source in conflict copies ("Ana's laptop, 2026-11-27")."""
    target = target_db.scalars(select(m.Study)).one()
    source = source_db.scalars(select(m.Study)).one()
    if source.copy_of_id is not None and source.copy_of_id == target.id:
        return _from_coding_copy(target_db, source_db)
    if source.id != target.id:
        raise NotACopy(
            "it is not a copy of this study (another study's file); only copies of one study"
            " (made with cp, plrdesk backup or a coding copy) can be merged"
        )
    ctx = _context(target_db, source_db, label)
    for spec in SPECS:
        TableMerge(ctx, spec).run()
    report = _report(ctx.tally)
    report.erased_here = _honour_erasures(target_db, ctx.erased, report.changes)
    report.writes += report.erased_here + _copy_bookkeeping(target_db, source_db)
    # Their audit records alone are no event: two copies merged back and forth settle.
    if report.writes > report.added["audit_log"]:
        audit.record(
            target_db,
            "merge-copy",
            [],
            added=sum(report.added.values()),
            updated=sum(report.updated.values()),
            deleted=sum(report.deleted.values()),
            conflicts=len(report.conflicts),
            erased=report.erased_here,
        )
    target_db.expire_all()  # the rows changed under the ORM's feet
    return report


def has_news(target_db: Session, source_db: Session) -> bool:
    """Whether merging would change the target (a quick look at revisions and keys only;
    it may say True for a merge that then writes nothing, never False for one that would)."""
    target = target_db.scalars(select(m.Study)).one()
    source = source_db.scalars(select(m.Study)).one()
    if source.id != target.id:
        return True  # a coding copy (or a refusal) is for merge() to tell
    ctx = _context(target_db, source_db, "")
    if _tombstones(source_db) - ctx.tombstoned_here or _erased(source_db) - _erased(target_db):
        return True
    if _still_there(target_db, ctx.erased):
        return True
    return any(TableMerge(ctx, spec).has_news() for spec in SPECS)


def _context(target_db: Session, source_db: Session, label: str) -> Context:
    target_db.flush()
    return Context(
        target=target_db,
        source=source_db,
        label=label,
        now=dt.datetime.now(dt.UTC),
        tombstoned_here=_tombstones(target_db),
        tombstoned_there=_tombstones(source_db),
        erased=_erased(target_db) | _erased(source_db),
    )


def _still_there(db: Session, erased: set[uuid.UUID]) -> bool:
    """Whether anything an erased participant said or signed is in the study."""
    if not erased:
        return False
    ids = list(erased)
    said = select(m.Entry.id).where(m.Entry.speaker_id.in_(ids)).limit(1)
    signed = select(m.Consent.id).where(
        or_(m.Consent.participant_id.in_(ids), m.Consent.on_behalf_of_id.in_(ids))
    )
    return db.scalar(said) is not None or db.scalar(signed.limit(1)) is not None


def _report(tally: Tally) -> MergeReport:
    return MergeReport(
        added=tally.added,
        updated=tally.updated,
        deleted=tally.deleted,
        renamed=tally.renamed,
        conflicts=tally.conflicts,
        left_out=tally.left_out,
        changes=tally.changes,
        writes=tally.writes,
    )


def _from_coding_copy(target_db: Session, source_db: Session) -> MergeReport:
    from plrdesk.services.coding_copy_merge import codings_from_copy

    brought = codings_from_copy(target_db, source_db)
    brought.add_to(target_db)
    report = MergeReport(from_coding_copy=brought.coder, left_out=list(brought.refused))
    for theme in brought.themes:
        report.added["theme"] += 1
        report.changes.add(Changed.THEME, theme.id)
    for coding in brought.codings:
        report.added["coding"] += 1
        report.changes.add(Changed.CODING, coding.id)
    report.writes = len(brought.themes) + len(brought.codings)
    if report.changed:
        audit.record(
            target_db,
            "merge-coding-copy",
            [],
            codings=len(brought.codings),
            themes=len(brought.themes),
        )
    return report


def _tombstones(db: Session) -> set[tuple[str, str]]:
    return {(t, r) for t, r in db.execute(select(m.Tombstone.tbl, m.Tombstone.record_id))}


def _erased(db: Session) -> set[uuid.UUID]:
    return set(db.scalars(select(m.Erasure.participant_id)))


def _honour_erasures(db: Session, erased: set[uuid.UUID], changes: Changes) -> int:
    """Delete here what an erased participant said or signed (as withdrawal.py does), and
    mark them withdrawn; returns how many entries and consents went."""
    if not erased:
        return 0
    ids = list(erased)
    entries = list(db.scalars(select(m.Entry.id).where(m.Entry.speaker_id.in_(ids))))
    consents = list(
        db.scalars(
            select(m.Consent.id).where(
                or_(m.Consent.participant_id.in_(ids), m.Consent.on_behalf_of_id.in_(ids))
            )
        )
    )
    db.execute(delete(m.Coding).where(m.Coding.entry_id.in_(entries)))
    db.execute(delete(m.Entry).where(m.Entry.id.in_(entries)))
    db.execute(delete(m.Consent).where(m.Consent.id.in_(consents)))
    for entry_id in entries:
        changes.remove(Changed.ENTRY, entry_id)
    for consent_id in consents:
        changes.remove(Changed.CONSENT, consent_id)
    today = dt.datetime.now(dt.UTC).date()
    unmarked = list(
        db.scalars(
            select(m.Participant.id).where(
                m.Participant.id.in_(ids), m.Participant.withdrawn_on.is_(None)
            )
        )
    )
    if unmarked:
        db.execute(
            update(m.Participant).where(m.Participant.id.in_(unmarked)).values(withdrawn_on=today)
        )
    for person in unmarked:
        changes.update(Changed.PARTICIPANT, person)
    return len(entries) + len(consents) + len(unmarked)


def _copy_bookkeeping(target_db: Session, source_db: Session) -> int:
    """Their tombstones and erasures become ours, so a third copy merged later honours them."""
    written = 0
    have = _tombstones(target_db)
    stones = [
        {"tbl": s.tbl, "record_id": s.record_id, "deleted_at": s.deleted_at}
        for s in source_db.scalars(select(m.Tombstone))
        if (s.tbl, s.record_id) not in have
    ]
    if stones:
        target_db.execute(insert(m.Tombstone), stones)
        written += len(stones)
    erased_here = _erased(target_db)
    erasures = [
        {"participant_id": e.participant_id, "erased_at": e.erased_at}
        for e in source_db.scalars(select(m.Erasure))
        if e.participant_id not in erased_here
    ]
    if erasures:
        target_db.execute(insert(m.Erasure), erasures)
        written += len(erasures)
    return written
