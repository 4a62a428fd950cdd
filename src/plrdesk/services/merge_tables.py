"""What a merge needs to know of each table: its key, parents, refs and grouping.

Listed in the order a merge takes them, parents before children, so every foreign key a
row names is already in the target when the row comes in (or the row is left out: its
parent was deleted or erased in the target, and deletions win).
"""

from __future__ import annotations

import base64
import datetime as dt
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Column, Table

from plrdesk.domain import models as m
from plrdesk.services.changes import Table as Changed
from plrdesk.services.refs import next_ref

HISTORY_LIMIT = 100  # as the triggers of migration 0011 keep

# Columns a merge never takes from the other copy: the record's identity, its revision
# bookkeeping, and its place in the list (each copy orders its own lists).
BOOKKEEPING = frozenset({"id", "rev", "revs", "position"})
# Columns that differ without a real edit: a ref is a label each file gives (a clash renames
# the incoming record), updated_at moves with every save of the same words.
NOT_COMPARED = frozenset({"ref", "updated_at"})


@dataclass(frozen=True)
class Spec:
    """How one table is merged."""

    name: str
    table: Table
    key: tuple[str, ...] = ("id",)
    revisioned: bool = True
    # foreign-key column -> parent table name; a row whose parent is missing is left out
    parents: dict[str, str] = field(default_factory=dict)
    has_ref: bool = False
    # another unique key: a row from the other copy that matches a row here by it is the
    # same thing made twice (a school typed into the register on both laptops): not added
    natural: tuple[str, ...] = ()
    # a new row's position is counted among the rows with the same value of this column
    group: str | None = None
    # columns naming a participant: a row naming an erased participant is never brought in
    erased_by: tuple[str, ...] = ()
    changed: Changed | None = None

    def columns(self) -> list[Column[object]]:
        return list(self.table.columns)

    def content(self) -> list[str]:
        """Columns taken from the other copy's version of a record."""
        return [c.name for c in self.table.columns if c.name not in BOOKKEEPING]

    def compared(self) -> list[str]:
        """Columns whose difference is an edit."""
        return [c for c in self.content() if c not in NOT_COMPARED and c != "created_at"]

    def key_of(self, row: dict[str, object]) -> str:
        """The record's key as text, as tombstones spell it (hex ids, ':' between two)."""
        return ":".join(_hex(row[column]) for column in self.key)


def history(*parts: Iterable[str | None], drop: str | None = None) -> list[str]:
    """The revisions in order of first appearance, without `drop`, the last HISTORY_LIMIT."""
    seen: dict[str, None] = {}
    for part in parts:
        for rev in part:
            if rev is not None and rev != drop:
                seen.setdefault(rev, None)
    return list(seen)[-HISTORY_LIMIT:]


def jsonable(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return value.hex
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, bytes):
        return {"base64": base64.b64encode(value).decode("ascii")}
    return value


def free_ref(taken: set[str], wanted: str) -> str:
    """The next free ref of `wanted`'s kind (S12 -> S31), or `wanted-2`, `-3` ..."""
    match = re.fullmatch(r"([A-Za-z]+)[0-9]+", wanted)
    if match:
        return next_ref(taken, match.group(1))
    n = 2
    while f"{wanted}-{n}" in taken:
        n += 1
    return f"{wanted}-{n}"


def label_of(spec: Spec, row: dict[str, Any]) -> str:
    ref = row.get("ref")
    return f"{spec.name} {ref}" if ref else f"{spec.name} {spec.key_of(row)[:8]}"


def _hex(value: object) -> str:
    hexed = getattr(value, "hex", None)
    return hexed if isinstance(hexed, str) else str(value)


def _t(model: type[m.Base]) -> Table:
    table = model.__table__
    assert isinstance(table, Table)
    return table


SPECS: tuple[Spec, ...] = (
    Spec("study", _t(m.Study), changed=Changed.STUDY),
    Spec("identifier", _t(m.Identifier), natural=("text",), changed=Changed.IDENTIFIER),
    Spec("participant", _t(m.Participant), has_ref=True, changed=Changed.PARTICIPANT),
    Spec(
        "guardianship",
        _t(m.Guardianship),
        key=("child_id", "guardian_id"),
        revisioned=False,
        parents={"child_id": "participant", "guardian_id": "participant"},
        group="child_id",
        changed=Changed.GUARDIANSHIP,
    ),
    Spec(
        "consent",
        _t(m.Consent),
        parents={"participant_id": "participant", "on_behalf_of_id": "participant"},
        has_ref=True,
        erased_by=("participant_id", "on_behalf_of_id"),
        changed=Changed.CONSENT,
    ),
    Spec("session", _t(m.StudySession), has_ref=True, changed=Changed.SESSION),
    Spec(
        "session_participant",
        _t(m.SessionMember),
        key=("session_id", "participant_id"),
        revisioned=False,
        parents={"session_id": "session", "participant_id": "participant"},
        group="session_id",
        changed=Changed.SESSION,
    ),
    Spec(
        "call_attempt",
        _t(m.CallAttempt),
        parents={"session_id": "session"},
        group="session_id",
        changed=Changed.CALL_ATTEMPT,
    ),
    Spec("theme", _t(m.Theme), parents={"parent_id": "theme"}, has_ref=True, changed=Changed.THEME),
    Spec(
        "entry",
        _t(m.Entry),
        parents={"session_id": "session", "speaker_id": "participant"},
        has_ref=True,
        group="session_id",
        erased_by=("speaker_id",),
        changed=Changed.ENTRY,
    ),
    Spec(
        "coding",
        _t(m.Coding),
        parents={"entry_id": "entry", "theme_id": "theme"},
        group="entry_id",
        changed=Changed.CODING,
    ),
    Spec("export_setting", _t(m.ExportSetting), natural=("kind",), changed=Changed.EXPORT_SETTING),
    Spec(
        "form_version",
        _t(m.StoredForm),
        revisioned=False,
        natural=("form_id", "version"),
        changed=Changed.FORM_VERSION,
    ),
    Spec(
        "redaction_decision",
        _t(m.RedactionDecision),
        natural=("folded", "layer"),
        changed=Changed.REDACTION_DECISION,
    ),
    Spec("audit_log", _t(m.AuditEvent), revisioned=False),
    Spec(
        "merge_conflict", _t(m.MergeConflict), revisioned=False, natural=("tbl", "record_id", "rev")
    ),
)
BY_NAME = {spec.name: spec for spec in SPECS}
