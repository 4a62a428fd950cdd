"""Merging one table of another copy into this study (see services/merge.py for the rules).

Rows are read and written with SQLAlchemy Core (typed values, no ORM identity map): a
merge of two 1,000-session copies touches tens of thousands of rows.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, delete, insert, select, update
from sqlalchemy.orm import Session

from plrdesk.domain.models import new_rev
from plrdesk.services.changes import Changes
from plrdesk.services.merge_index import light_index, raw, whole_rows
from plrdesk.services.merge_tables import (
    BY_NAME,
    Spec,
    _hex,
    free_ref,
    history,
    jsonable,
    label_of,
)

Row = dict[str, Any]
# Ids of the rows a merge makes (conflict copies and records) come from what they record,
# so merging the same copy again makes the same ids, and finds them there.
NAMESPACE = uuid.UUID("5a0c2f4e-9b1d-4c8e-a3f7-0e14d2b6c901")
WITHDRAWABLE = frozenset({"participant", "consent"})


@dataclass(frozen=True)
class Renamed:
    table: str
    old: str
    new: str


@dataclass(frozen=True)
class Conflict:
    """A record changed in both copies: `kept` says what the study kept and where the
    other version went. Refs and ids only, never what anyone said."""

    table: str
    label: str
    kept: str


@dataclass
class Tally:
    """What a merge did (or, in a dry run, would do), table by table."""

    added: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    deleted: Counter[str] = field(default_factory=Counter)
    renamed: list[Renamed] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)
    changes: Changes = field(default_factory=Changes)
    writes: int = 0  # every row written, bookkeeping included: 0 means nothing changed


@dataclass
class Context:
    """What every table's pass shares."""

    target: Session
    source: Session
    label: str
    now: dt.datetime
    tombstoned_here: set[tuple[str, str]]
    tombstoned_there: set[tuple[str, str]]
    erased: set[uuid.UUID]
    present: dict[str, set[str]] = field(default_factory=dict)
    tally: Tally = field(default_factory=Tally)


class TableMerge:
    """One table's pass: deletions from the other copy, then its new rows, then the rows
    both copies have."""

    def __init__(self, ctx: Context, spec: Spec) -> None:
        self.ctx, self.spec, self.tally = ctx, spec, ctx.tally
        self.mine = light_index(ctx.target, spec)
        self.theirs = light_index(ctx.source, spec)
        self.present = ctx.present.setdefault(spec.name, set(self.mine))
        self.my_refs = {r.ref for r in self.mine.values() if r.ref is not None}
        # a ref either copy has used is not free: the other copy may bring its owner later
        self.refs = self.my_refs | {r.ref for r in self.theirs.values() if r.ref is not None}
        self.natural = {r.natural for r in self.mine.values()} if spec.natural else set()
        self.positions: dict[Any, set[int]] = {}
        for light in self.mine.values():
            if light.position is not None:
                self.positions.setdefault(light.group, set()).add(light.position)

    def run(self) -> None:
        name, target, source = self.spec.name, self.ctx.target, self.ctx.source
        gone = [
            k
            for k in self.mine.keys() - self.theirs.keys()
            if (name, k) in self.ctx.tombstoned_there
        ]
        for row in whole_rows(target, self.spec, gone).values():
            self._delete(row)
        new = whole_rows(source, self.spec, self.theirs.keys() - self.mine.keys())
        self._insert_new(list(new.values()))
        if not self.spec.revisioned:
            return
        differ = sorted(k for k in self.mine.keys() & self.theirs.keys() if self._differs(k))
        mine, theirs = whole_rows(target, self.spec, differ), whole_rows(source, self.spec, differ)
        for key in differ:
            self._both(mine[key], theirs[key])

    def has_news(self) -> bool:
        """Whether the run would find anything to do (never False when it would): read
        from the first look only, so a command can skip its backup when nothing is new."""
        name = self.spec.name
        if any(
            (name, k) in self.ctx.tombstoned_there for k in self.mine.keys() - self.theirs.keys()
        ):
            return True
        if any(
            (name, k) not in self.ctx.tombstoned_here for k in self.theirs.keys() - self.mine.keys()
        ):
            return True
        return self.spec.revisioned and any(
            self._differs(k) for k in self.mine.keys() & self.theirs.keys()
        )

    def _differs(self, key: str) -> bool:
        """Whether the record needs a closer look: not the same revision and contents, and
        theirs not a revision ours has been at (ours newer: nothing to do)."""
        mine, theirs = self.mine[key], self.theirs[key]
        if theirs.rev == mine.rev:
            return theirs.digest != mine.digest
        return theirs.rev not in mine.revs()

    # -- deleted there -------------------------------------------------------------------

    def _delete(self, row: Row) -> None:
        table = self.spec.table
        where = and_(*(table.c[c] == row[c] for c in self.spec.key))
        self.ctx.target.execute(delete(table).where(where))
        self.present.discard(self.spec.key_of(row))
        self._count(self.tally.deleted, row, "remove")

    # -- new there ---------------------------------------------------------------------

    def _insert_new(self, new: list[Row]) -> None:
        pending = sorted(new, key=lambda r: (r.get("position", 0), self.spec.key_of(r)))
        batch: list[Row] = []
        progress = True
        while pending and progress:  # a theme's parent may itself be new: parents first
            progress, waiting = False, []
            for row in pending:
                if self._self_parent_pending(row, pending):
                    waiting.append(row)
                    continue
                progress = True
                prepared = self._admit(row)
                if prepared is not None:
                    batch.append(prepared)
            pending = waiting
        for row in pending:  # a cycle cannot be written
            self.tally.left_out.append(f"{label_of(self.spec, row)}: its parent is missing")
        if batch:
            self.ctx.target.execute(insert(self.spec.table), batch)

    def _self_parent_pending(self, row: Row, pending: list[Row]) -> bool:
        for column, parent in self.spec.parents.items():
            value = row[column]
            if parent == self.spec.name and value is not None and _hex(value) not in self.present:
                return any(p is not row and p["id"] == value for p in pending)
        return False

    def _admit(self, row: Row) -> Row | None:
        """The row as it will be inserted, or None (and why) when it must stay out."""
        spec, key = self.spec, self.spec.key_of(row)
        if (spec.name, key) in self.ctx.tombstoned_here:
            self.tally.left_out.append(f"{label_of(spec, row)}: deleted here; stays deleted")
            return None
        if any(row[c] in self.ctx.erased for c in spec.erased_by):
            self.tally.left_out.append(f"{label_of(spec, row)}: of an erased participant")
            return None
        missing = self._missing_parent(row)
        if missing is not None:
            self.tally.left_out.append(f"{label_of(spec, row)}: its {missing} is not here")
            return None
        if spec.natural and tuple(raw(row[c]) for c in spec.natural) in self.natural:
            return None  # the same thing, made in both copies: ours stands
        row = dict(row)
        if spec.has_ref and row["ref"] in self.my_refs:
            new_ref = free_ref(self.refs, row["ref"])
            self.tally.renamed.append(Renamed(spec.name, row["ref"], new_ref))
            row["ref"] = new_ref
            self.refs.add(new_ref)
        if spec.has_ref:
            self.my_refs.add(row["ref"])
        if spec.name == "coding":
            self._clamp(row)
        if "position" in row:
            row["position"] = self._position(row)
        self.present.add(key)
        self._count(self.tally.added, row, "add")
        return row

    def _missing_parent(self, row: Row) -> str | None:
        for column, parent in self.spec.parents.items():
            value = row[column]
            if value is not None and _hex(value) not in self.ctx.present.get(parent, set()):
                return parent
        return None

    def _position(self, row: Row) -> int:
        """Its own position unless a row of ours holds it; then after the last."""
        taken = self.positions.setdefault(self._group(row), set())
        position = int(row["position"] or 0)
        if position in taken:
            position = max(taken) + 1
        taken.add(position)
        return position

    def _group(self, row: Row) -> Any:
        return raw(row.get(self.spec.group)) if self.spec.group else None

    def _clamp(self, row: Row) -> None:
        """A span coded on the other copy's words stays inside ours (they may differ)."""
        if row["start"] is None or row["end"] is None:
            return
        text = self.ctx.target.execute(
            select(BY_NAME["entry"].table.c.text).where(
                BY_NAME["entry"].table.c.id == row["entry_id"]
            )
        ).scalar()
        length = len(text or "")
        row["start"], row["end"] = min(row["start"], length), min(row["end"], length)
        if row["start"] >= row["end"]:
            row["start"] = row["end"] = None  # nothing left of the span: the whole entry

    # -- in both copies ------------------------------------------------------------------

    def _both(self, mine: Row, theirs: Row) -> None:
        if theirs["rev"] == mine["rev"]:
            if self._same(mine, theirs):
                return
            self._conflict(mine, theirs)  # edited apart before revisions were kept (< 0011)
        elif theirs["rev"] in (mine["revs"] or []):
            return  # ours is newer: theirs is a revision we have been at
        elif mine["rev"] in (theirs["revs"] or []):
            self._take(mine, theirs)  # theirs is newer
        elif self._same(mine, theirs):
            self._write(
                mine,
                {},
                theirs["rev"],
                history(
                    mine["revs"] or [], [mine["rev"]], theirs["revs"] or [], drop=theirs["rev"]
                ),
            )
        else:
            self._conflict(mine, theirs)

    def _same(self, mine: Row, theirs: Row) -> bool:
        return all(mine[c] == theirs[c] for c in self.spec.compared())

    def _take(self, mine: Row, theirs: Row) -> None:
        missing = self._missing_parent(theirs)
        if missing is not None:
            self.tally.left_out.append(
                f"{label_of(self.spec, mine)}: their edit moves it to a {missing}"
                " not here; ours stays"
            )
            return
        values = {c: theirs[c] for c in self.spec.content() if c != "ref"}
        revs = history(mine["revs"] or [], [mine["rev"]], theirs["revs"] or [], drop=theirs["rev"])
        rev = theirs["rev"]
        if self.spec.name in WITHDRAWABLE and mine["withdrawn_on"] and not theirs["withdrawn_on"]:
            # a withdrawal here outlives their later edit (e.g. a withdrawal taken back)
            values["withdrawn_on"] = mine["withdrawn_on"]
            if "withdrawal_reason" in values:
                values["withdrawal_reason"] = mine["withdrawal_reason"]
            revs, rev = history(revs, [theirs["rev"]]), new_rev()
        self._write(mine, values, rev, revs)
        self._count(self.tally.updated, mine, "update")

    def _conflict(self, mine: Row, theirs: Row) -> None:
        spec = self.spec
        if spec.name in WITHDRAWABLE and theirs["withdrawn_on"] and not mine["withdrawn_on"]:
            # withdrawn there, edited here: the withdrawal wins; our edit is kept aside
            self._keep_other(theirs=mine, ours=mine, rev=mine["rev"])
            self._take(mine, {**theirs, "revs": [*(theirs["revs"] or []), mine["rev"]]})
            self.tally.conflicts.append(
                Conflict(
                    spec.name,
                    label_of(spec, mine),
                    "withdrawn there: the withdrawal wins; our version is kept in merge_conflict",
                )
            )
            return
        if spec.name == "entry":
            copy_ref = self._conflict_copy(mine, theirs)
            kept = f"ours kept; theirs beside it as {copy_ref}"
        else:
            self._keep_other(theirs=theirs, ours=mine, rev=theirs["rev"])
            kept = "ours kept; theirs kept in merge_conflict"
        if mine["rev"] == theirs["rev"]:  # apart before 0011: ours moves on, so it is newer
            self._write(mine, {}, new_rev(), history(mine["revs"] or [], [mine["rev"]]))
        else:
            self._write(mine, {}, mine["rev"], history(mine["revs"] or [], [theirs["rev"]]))
        self.tally.conflicts.append(Conflict(spec.name, label_of(spec, mine), kept))

    def _conflict_copy(self, mine: Row, theirs: Row) -> str:
        ref = free_ref(self.refs, mine["ref"])
        self.refs.add(ref)
        copy = {
            **theirs,
            "id": uuid.uuid5(NAMESPACE, f"entry:{mine['id'].hex}:{theirs['rev']}"),
            "ref": ref,
            "session_id": mine["session_id"],
            "position": mine["position"],
            "conflict_of_id": mine["id"],
            "conflict_from": self.ctx.label,
        }
        self.my_refs.add(ref)
        if copy["speaker_id"] is not None and _hex(copy["speaker_id"]) not in self.ctx.present.get(
            "participant", set()
        ):
            copy["speaker_id"] = mine["speaker_id"]
        self.ctx.target.execute(insert(self.spec.table), [copy])
        self.present.add(copy["id"].hex)
        self._count(self.tally.added, copy, "add")
        return ref

    def _keep_other(self, *, theirs: Row, ours: Row, rev: str) -> None:
        """Keep `theirs` (another version of `ours`) in merge_conflict, once per revision."""
        table = BY_NAME["merge_conflict"].table
        exists = self.ctx.target.execute(
            select(table.c.id).where(
                table.c.tbl == self.spec.name, table.c.record_id == ours["id"], table.c.rev == rev
            )
        ).first()
        if exists is None:
            other = {c: jsonable(theirs[c]) for c in self.spec.content()}
            self.ctx.target.execute(
                insert(table),
                [
                    {
                        "id": uuid.uuid5(NAMESPACE, f"{self.spec.name}:{ours['id'].hex}:{rev}"),
                        "tbl": self.spec.name,
                        "record_id": ours["id"],
                        "rev": rev,
                        "source": self.ctx.label,
                        "other": other,
                        "at": self.ctx.now,
                    }
                ],
            )
            self.tally.writes += 1

    def _write(self, mine: Row, values: Row, rev: str, revs: list[str]) -> None:
        """Update our row; setting `rev` ourselves keeps the trigger from moving it."""
        table = self.spec.table
        self.ctx.target.execute(
            update(table).where(table.c.id == mine["id"]).values(**values, rev=rev, revs=revs)
        )
        mine.update(values, rev=rev, revs=revs)
        self.tally.writes += 1

    def _count(self, counter: Counter[str], row: Row, how: str) -> None:
        counter[self.spec.name] += 1
        self.tally.writes += 1
        changed = self.spec.changed
        if changed is None:
            return
        record_id = row.get("id") or row[self.spec.key[0]]
        getattr(self.tally.changes, how)(changed, record_id)
