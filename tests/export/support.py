"""Helpers for the export tests: change the demo study, build its summary, read outputs."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from plrdesk.anonymise.types import Redacted
from plrdesk.cli.study_commands import shipped_forms
from plrdesk.domain import models as m
from plrdesk.export.build import build_summary
from plrdesk.export.model import ExportBundle
from plrdesk.interchange.parse import parse_document
from plrdesk.services.study_import import import_document
from plrdesk.storage.study_file import StudyFile
from tests.support.files import PASSPHRASE


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


# A study whose export makes exactly one redaction, in a note the summary does not quote.
ONE_NAME = {
    "format": "plrdesk-study",
    "version": 1,
    "study": {"title": "One name", "aims": ["What helps"]},
    "identifiers": [{"text": "Castlebrook Academy", "kind": "school", "aliases": []}],
    "participants": [
        {"ref": "P1", "kind": "practitioner", "name": "Ann Okafor",
         "attributes": {"sector": "school", "role": "SENCO"}},
        {"ref": "P2", "kind": "practitioner", "name": "Bea Lindqvist",
         "attributes": {"sector": "school", "role": "SENCO"}},
    ],
    "consents": [
        {"ref": f"K{n}", "participant": ref, "form": "practitioner-consent",
         "form_version": "1", "method": "written", "given_on": "2008-11-20",
         "answers": {"take-part": True, "quote": True}}
        for n, ref in ((1, "P1"), (2, "P2"))
    ],
    "sessions": [
        {"ref": "S1", "kind": "practitioner-interview", "guide": "practitioner-interview",
         "participants": ["P1"], "started_at": "2008-11-25T10:00:00Z",
         "entries": [{"ref": "E1", "speaker": "P1",
                      "text": "Moving up went well. The SENCO at Castlebrook Academy rang us."}]},
    ],
    "themes": [{"ref": "T1", "name": "Relationships", "description": "", "parent": None}],
    # The coded span (the quote) stops before the name: the note holds the only redaction.
    "codings": [{"entry": "E1", "theme": "T1", "start": 0, "end": 19}],
}  # fmt: skip


def make_one_name(path: Path) -> Path:
    """The ONE_NAME study at `path`, closed (the test passphrase)."""
    doc = parse_document(json.dumps(ONE_NAME), "one")
    with StudyFile.create(path, PASSPHRASE, title="One name") as study, study.transaction() as db:
        import_document(db, doc, merge=False, source="one", forms=shipped_forms(), new_study=True)
    return path
