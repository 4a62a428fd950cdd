"""What an operation changed, so views refresh only what it names.

Tables are named by `Table`, never by strings, so a view that asks about a table that
does not exist fails the type check instead of silently never refreshing. Who made a
change is not the service's business: the app's runner announces each `Changes` with
the object that asked for it (its initiator), so a view can skip its own echo.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from enum import StrEnum


class Table(StrEnum):
    """The kinds of record an operation can touch (the value names them in reports)."""

    STUDY = "study"
    PARTICIPANT = "participant"
    IDENTIFIER = "identifier"
    GUARDIANSHIP = "guardianship"
    CONSENT = "consent"
    SESSION = "session"
    ENTRY = "entry"
    CALL_ATTEMPT = "call_attempt"
    THEME = "theme"
    CODING = "coding"
    FORM_VERSION = "form_version"
    REDACTION_DECISION = "redaction_decision"
    EXPORT_SETTING = "export_setting"


@dataclass
class Changes:
    """Record ids touched by one operation, by table, plus counts for reports.

    `notices` are sentences for whoever ran the operation about what the counts would not
    tell them (an import that dropped codings whose words its new text deleted). They name
    refs and themes, never what a participant said, as they may reach a terminal or a log.
    """

    added: dict[Table, list[uuid.UUID]] = field(default_factory=dict)
    updated: dict[Table, list[uuid.UUID]] = field(default_factory=dict)
    removed: dict[Table, list[uuid.UUID]] = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)

    def add(self, table: Table, record_id: uuid.UUID) -> None:
        self.added.setdefault(table, []).append(record_id)

    def update(self, table: Table, record_id: uuid.UUID) -> None:
        self.updated.setdefault(table, []).append(record_id)

    def remove(self, table: Table, record_id: uuid.UUID) -> None:
        self.removed.setdefault(table, []).append(record_id)

    def merge(self, other: Changes) -> None:
        """Take in what another operation changed (several saves in one unit of work)."""
        for mine, theirs in (
            (self.added, other.added),
            (self.updated, other.updated),
            (self.removed, other.removed),
        ):
            for table, ids in theirs.items():
                mine.setdefault(table, []).extend(ids)
        self.notices.extend(other.notices)

    # -- what views ask ------------------------------------------------------------------

    def tables(self) -> set[Table]:
        """Every table with a record added, updated or removed."""
        return {*self.added, *self.updated, *self.removed}

    def touches(self, *tables: Table) -> bool:
        return not self.tables().isdisjoint(tables)

    def added_ids(self, table: Table) -> list[uuid.UUID]:
        return self.added.get(table, [])

    def updated_ids(self, table: Table) -> list[uuid.UUID]:
        return self.updated.get(table, [])

    def removed_ids(self, table: Table) -> list[uuid.UUID]:
        return self.removed.get(table, [])

    def counts(self) -> dict[str, int]:
        """Added plus updated records per table, for the one-line report."""
        totals: dict[str, int] = {}
        for bucket in (self.added, self.updated):
            for table, ids in bucket.items():
                totals[table.value] = totals.get(table.value, 0) + len(ids)
        return totals
