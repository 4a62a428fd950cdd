"""What an operation changed, so views refresh only what it names."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field


@dataclass
class Changes:
    """Record ids touched by one operation, by table name, plus counts for reports.

    `notices` are sentences for whoever ran the operation about what the counts would not
    tell them (an import that dropped codings whose words its new text deleted). They name
    refs and themes, never what a participant said, as they may reach a terminal or a log.
    """

    added: dict[str, list[uuid.UUID]] = field(default_factory=dict)
    updated: dict[str, list[uuid.UUID]] = field(default_factory=dict)
    removed: dict[str, list[uuid.UUID]] = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)

    def add(self, table: str, record_id: uuid.UUID) -> None:
        self.added.setdefault(table, []).append(record_id)

    def update(self, table: str, record_id: uuid.UUID) -> None:
        self.updated.setdefault(table, []).append(record_id)

    def remove(self, table: str, record_id: uuid.UUID) -> None:
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

    def counts(self) -> dict[str, int]:
        """Added plus updated records per table, for the one-line report."""
        totals: dict[str, int] = {}
        for bucket in (self.added, self.updated):
            for table, ids in bucket.items():
                totals[table] = totals.get(table, 0) + len(ids)
        return totals
