"""Helpers for the export tests: change the demo study, build its summary, read outputs."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from plrdesk.anonymise.types import Redacted
from plrdesk.cli.study_commands import shipped_forms
from plrdesk.domain import models as m
from plrdesk.export.build import build_summary
from plrdesk.export.model import ExportBundle
from plrdesk.storage.study_file import StudyFile


def entry(db: Session, ref: str) -> m.Entry:
    return db.scalars(select(m.Entry).where(m.Entry.ref == ref)).one()


def theme_id(db: Session, ref: str) -> uuid.UUID:
    return db.scalars(select(m.Theme.id).where(m.Theme.ref == ref)).one()


def change(study: StudyFile, edit: Callable[[Session], object]) -> None:
    with study.transaction() as db:
        edit(db)


def build(
    study: StudyFile, anonymiser: Callable[[str], Redacted], suppress_below: int | None = None
) -> ExportBundle:
    with study.transaction() as db:
        return build_summary(db, shipped_forms(), anonymiser, suppress_below=suppress_below)


def set_export_setting(
    db: Session, kind: str, attributes: list[str], *, allow_unique: bool = False
) -> None:
    db.add(m.ExportSetting(kind=kind, descriptor_attributes=attributes, allow_unique=allow_unique))


def all_quotes(bundle: ExportBundle) -> list[str]:
    return [q.text for theme in bundle.summary.themes for q in theme.quotes]


def flat(text: str) -> str:
    """White space folded, for comparing text read back from a layout (PDF lines)."""
    return " ".join(text.split())


def words_found(text: str, terms: Iterable[str]) -> list[str]:
    """The terms that occur in `text` as whole words (case-insensitive)."""
    folded = flat(text)
    return [
        term
        for term in terms
        if re.search(rf"(?<!\w){re.escape(flat(term))}(?!\w)", folded, re.IGNORECASE)
    ]
