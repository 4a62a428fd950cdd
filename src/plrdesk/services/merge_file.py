"""The merge use case on open study files, shared by `plrdesk merge` and the app's dialog:
a dry run (the whole merge, rolled back) to say what would come in (the app, --dry-run),
and the merge itself in one transaction after an automatic backup (skipped, with the
merge, when a quick look finds nothing new), then compaction if words were erased."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from plrdesk.services.changes import Changes
from plrdesk.services.merge import MergeReport, has_news, merge
from plrdesk.storage.backups import automatic_backup
from plrdesk.storage.study_file import StudyFile


@dataclass(frozen=True)
class MergeOutcome:
    report: MergeReport
    backup: Path | None  # the backup taken before the merge; None when nothing came in


def source_label(source: Path, *, now: dt.datetime | None = None) -> str:
    """How a conflict copy names where it came from: the file's name and the day."""
    when = (now or dt.datetime.now()).strftime("%Y-%m-%d")
    return f"{source.name}, merged {when}"


def preview(target: StudyFile, source: StudyFile, *, label: str) -> MergeReport:
    """What merging would do: the same merge in a transaction that is rolled back."""
    with source.transaction() as source_db, target.sessions() as db:
        outer = db.begin()
        try:
            return merge(db, source_db, label=label)
        finally:
            outer.rollback()


def merge_into(
    target: StudyFile, source: StudyFile, *, label: str, backup: bool = True
) -> MergeOutcome:
    """Merge `source` into `target` (which the caller holds the lock of): first a quick look
    (revisions and keys), and when something may come in, a backup, the merge in one
    transaction, and VACUUM if it erased anything (so those words leave the free pages)."""
    with source.transaction() as source_db, target.transaction() as db:
        news = has_news(db, source_db)
    if not news:
        return MergeOutcome(MergeReport(), None)
    kept = automatic_backup(target, reason="before-merge", verify=True) if backup else None
    with source.transaction() as source_db, target.transaction() as db:
        report = merge(db, source_db, label=label)
    if report.needs_vacuum:
        target.vacuum()
    return MergeOutcome(report, kept)


@dataclass
class MergedChanges(Changes):
    """What the app's merge changed (announced to the views), with the whole outcome."""

    outcome: MergeOutcome | None = None


def preview_file(study: StudyFile, source: Path, passphrase: str, *, label: str) -> MergeReport:
    """The app's dry run: open the copy at `source` (to read) and say what would come in."""
    with StudyFile.open(source, passphrase) as theirs:
        return preview(study, theirs, label=label)


def merge_file(study: StudyFile, source: Path, passphrase: str, *, label: str) -> MergedChanges:
    """The app's merge (the command line's `merge_into`), its changes for the views."""
    with StudyFile.open(source, passphrase) as theirs:
        outcome = merge_into(study, theirs, label=label)
    changes = MergedChanges(outcome=outcome)
    changes.merge(outcome.report.changes)
    return changes
