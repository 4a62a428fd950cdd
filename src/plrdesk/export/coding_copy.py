"""The anonymised coding copy as the export sees it: the same anonymiser (the study's
register and review decisions), the same descriptors (the export's settings, coarsened
where one would single a person out) and the same people left out (consent overrides).

A coding copy leaves the researcher's hands, so it belongs with what leaves the machine;
the copying itself is the service's (`services.coding_copy`), which takes these pieces.
`write_coding_copy(db, out, passphrase, coder, anonymised=..., forms=...)` is the one
use case the command line and the app both call, so both make the same copy.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from plrdesk.domain import models as m
from plrdesk.domain.permissions import PermissionBook
from plrdesk.export import disclosure as dsc
from plrdesk.export.overlap import ShingleIndex
from plrdesk.export.overrides import admitted_by_override
from plrdesk.export.study import study_anonymiser
from plrdesk.services.changes import Changes
from plrdesk.services.coding_copy import Anonymisation, CopyMade, CopyRequest, make_coding_copy
from plrdesk.services.permission_book import load_permission_book
from plrdesk.services.study_forms import catalog_for

if TYPE_CHECKING:
    from plrdesk.forms.catalog import FormCatalog


def coding_copy_anonymisation(db: Session, catalog: FormCatalog | None) -> Anonymisation:
    """The anonymiser, descriptors and left-out people of an anonymised coding copy.
    Raises export.study.NoAnonymiser where this build has no anonymiser."""
    redact = study_anonymiser(db)
    book = load_permission_book(db, catalog)
    people = list(db.scalars(select(m.Participant).order_by(m.Participant.position)))
    left_out = {p.ref for p in admitted_by_override(db, book, people)}
    present = [p for p in people if p.ref not in left_out and not book.is_withdrawn(p.ref)]
    rules = {
        s.kind: dsc.rule_for(s.kind, s.descriptor_attributes, s.allow_unique)
        for s in db.scalars(select(m.ExportSetting))
    }
    describer = dsc.Describer(
        [dsc.Person(p.ref, p.kind, dict(p.attributes)) for p in present], rules
    )

    def describe(ref: str) -> str:
        # the export passes descriptors through the anonymiser too (an attribute may hold a name)
        return redact(describer.describe(ref).text).text

    return Anonymisation(
        redact, describe, frozenset(left_out), _repeats_excluded(db, book, people, left_out)
    )


def _repeats_excluded(
    db: Session, book: PermissionBook, people: list[m.Participant], left_out: set[str]
) -> Callable[[str], bool]:
    """Whether a text repeats eight words in a row of an entry the copy leaves out (a
    withdrawn participant's, a safeguarding one, one of a person left out): the export
    holds such an entry back for review (export.overlap); a copy has no review, so it is
    left out."""
    gone = {p.id for p in people if p.ref in left_out or book.is_withdrawn(p.ref)}
    index = ShingleIndex()
    for entry_id, speaker_id, flagged, text in db.execute(
        select(m.Entry.id, m.Entry.speaker_id, m.Entry.safeguarding_flagged_at, m.Entry.text)
    ):
        if text and (flagged is not None or speaker_id in gone):
            index.add(str(entry_id), text)
    if not len(index):
        return lambda _text: False
    return lambda text: bool(index.repeats(text))


@dataclass(kw_only=True)
class CopyWritten(Changes):
    """A coding copy written. No record a view shows changed (the study's record of the
    copy is no screen's), so the Changes are empty: a write all the same, one unit."""

    made: CopyMade


def write_coding_copy(
    db: Session,
    out: Path,
    passphrase: str,
    coder: str,
    *,
    anonymised: bool,
    forms: FormCatalog,
) -> CopyWritten:
    """Write the coding copy for `coder` at `out` (services.coding_copy.make_coding_copy),
    anonymised or not; `forms` are the shipped forms (the study's stored ones are added).
    Raises ValueError for a blank coder, export.study.NoAnonymiser, storage's StudyExists."""
    request = CopyRequest(coder)  # first: a blank name costs nothing
    catalog = catalog_for(db, forms)
    if anonymised:
        request = CopyRequest(coder, coding_copy_anonymisation(db, catalog))
    return CopyWritten(made=make_coding_copy(db, out, passphrase, request, catalog))
