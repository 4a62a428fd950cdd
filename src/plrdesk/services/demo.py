"""The fictional demo study: the shipped JSON, imported like any other study document."""

from __future__ import annotations

from pathlib import Path

from plrdesk import shipped
from plrdesk.forms.catalog import shipped_catalog
from plrdesk.interchange.parse import parse_document
from plrdesk.interchange.schema import StudyDocument
from plrdesk.services.study_import import import_document
from plrdesk.storage.creation import create_study


def demo_document() -> StudyDocument:
    source = shipped.demo_study_json()
    return parse_document(source.read_text(encoding="utf-8"), str(source))


def create_demo_study(path: Path, passphrase: str) -> None:
    doc = demo_document()
    assert doc.study is not None
    forms = shipped_catalog(shipped.forms_dir())
    create_study(
        path,
        passphrase,
        doc.study.title,
        lambda db: import_document(
            db, doc, merge=False, source="demo study", forms=forms, new_study=True
        ),
    )
