"""Two copies of one study, changed apart, for the merge tests (tests/services/test_merge*.py)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from plrdesk.domain import models as m
from plrdesk.services.merge import MergeReport, merge
from plrdesk.storage.study_file import StudyFile
from tests.support.files import PASSPHRASE

T = TypeVar("T")


def copy_of(path: Path, name: str) -> Path:
    """A byte copy of a closed study, as `cp` makes it."""
    dest = path.with_name(name)
    shutil.copyfile(path, dest)
    return dest


def change(path: Path, edit: Callable[[Session], T]) -> T:
    """Run `edit` in one committed transaction on the study at `path`."""
    with StudyFile.open(path, PASSPHRASE) as study, study.transaction() as db:
        return edit(db)


def read(path: Path, query: Callable[[Session], T]) -> T:
    with StudyFile.open(path, PASSPHRASE) as study, study.transaction() as db:
        return query(db)


def merge_files(target: Path, source: Path, *, label: str = "laptop B") -> MergeReport:
    """`source` merged into `target` in one committed transaction."""
    with (
        StudyFile.open(source, PASSPHRASE) as theirs,
        StudyFile.open(target, PASSPHRASE) as ours,
        ours.transaction() as db,
        theirs.transaction() as source_db,
    ):
        return merge(db, source_db, label=label)


def entry(db: Session, ref: str) -> m.Entry:
    return db.scalars(select(m.Entry).filter_by(ref=ref)).one()


def participant(db: Session, ref: str) -> m.Participant:
    return db.scalars(select(m.Participant).filter_by(ref=ref)).one()


def snapshot(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every merged table, as plain tuples in a stable order (rev included)."""
    tables = [
        "study", "identifier", "participant", "guardianship", "consent", "session",
        "session_participant", "call_attempt", "theme", "entry", "coding", "export_setting",
        "form_version", "redaction_decision", "audit_log", "tombstone", "erasure",
        "merge_conflict",
    ]  # fmt: skip
    with StudyFile.open(path, PASSPHRASE) as study:
        return {t: sorted(study.raw_execute(f'SELECT * FROM "{t}"'), key=repr) for t in tables}
