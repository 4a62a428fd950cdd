"""Forms as a study uses them: store each version's exact text on first use, look up the
wording of a consent's own version, count consents per version, catch silent edits."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from plrdesk.domain import models as m

if TYPE_CHECKING:  # the form machinery (pydantic, YAML) loads only when a form is needed
    from plrdesk.forms.catalog import FormCatalog


def catalog_for(db: Session, shipped: FormCatalog) -> FormCatalog:
    """The shipped forms plus every version this study stored."""
    from plrdesk.forms.catalog import FormCatalog

    catalog = FormCatalog(dict(shipped.forms))
    for stored in db.scalars(select(m.StoredForm)):
        catalog.add_stored(stored.form_id, stored.version, stored.source)
    return catalog


def stored_versions(db: Session) -> dict[tuple[str, str], m.StoredForm]:
    return {(s.form_id, s.version): s for s in db.scalars(select(m.StoredForm))}


def store_if_new(db: Session, catalog: FormCatalog, form_id: str, version: str) -> bool:
    """Keep the exact text of (form_id, version) in the study the first time it is used."""
    if db.scalars(select(m.StoredForm).filter_by(form_id=form_id, version=version)).first():
        return False
    loaded = catalog.loaded(form_id, version)
    if loaded is None:
        return False
    db.add(
        m.StoredForm(
            form_id=form_id,
            version=version,
            source=loaded.source,
            sha256=hashlib.sha256(loaded.source.encode()).hexdigest(),
            stored_at=dt.datetime.now(dt.UTC),
        )
    )
    db.flush()
    return True


def store_used_forms(db: Session, catalog: FormCatalog) -> int:
    """Store each form version the consents and sessions use; return how many were new.

    A session without a guide version gets the newest version of its guide: that is the
    wording it is run with from now on.
    """
    used: set[tuple[str, str]] = {
        (form, version)
        for form, version in db.execute(select(m.Consent.form, m.Consent.form_version).distinct())
    }
    unversioned = db.scalars(
        select(m.StudySession.guide)
        .where(m.StudySession.guide.is_not(None), m.StudySession.guide_version.is_(None))
        .distinct()
    )
    for guide in [g for g in unversioned if g is not None]:
        loaded = catalog.loaded(guide)
        if loaded is not None:
            db.execute(
                update(m.StudySession)
                .where(m.StudySession.guide == guide, m.StudySession.guide_version.is_(None))
                .values(guide_version=loaded.definition.version)
            )
    used |= {
        (str(guide), str(version))
        for guide, version in db.execute(
            select(m.StudySession.guide, m.StudySession.guide_version)
            .where(m.StudySession.guide.is_not(None), m.StudySession.guide_version.is_not(None))
            .distinct()
        )
    }
    return sum(store_if_new(db, catalog, form_id, version) for form_id, version in sorted(used))


def consents_per_version(db: Session) -> dict[tuple[str, str], int]:
    rows = db.execute(
        select(m.Consent.form, m.Consent.form_version, func.count()).group_by(
            m.Consent.form, m.Consent.form_version
        )
    ).all()
    return {(form, version): int(n) for form, version, n in rows}


@dataclass(frozen=True)
class Drift:
    form_id: str
    version: str
    path: str


def drifted(db: Session, shipped: FormCatalog) -> list[Drift]:
    """Forms whose wording in forms/ differs from the study's stored copy of the same version."""
    from plrdesk.forms.loader import parse_form

    found = []
    for (form_id, version), stored in stored_versions(db).items():
        current = shipped.forms.get((form_id, version))
        if current is None:
            continue
        before = parse_form(stored.source, "stored").definition
        if before.model_dump() != current.definition.model_dump():
            found.append(Drift(form_id, version, current.path))
    return found
