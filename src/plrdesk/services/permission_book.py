"""Build the permission book of a study from its participants, consents and forms."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from plrdesk.domain import models as m
from plrdesk.domain.kinds import ParticipantKind, Permission
from plrdesk.domain.permissions import (
    ConsentFact,
    PermissionBook,
    PersonFact,
    granted_permissions,
)

if TYPE_CHECKING:
    from plrdesk.forms.catalog import FormCatalog

# Without the form definition (an unknown form), the item ids that name a permission grant it:
# the shipped forms use the permission names as item ids.
_BY_NAME = {permission.value: permission for permission in Permission}


def load_permission_book(db: Session, catalog: FormCatalog | None) -> PermissionBook:
    people = {
        p.ref: PersonFact(
            ref=p.ref,
            kind=ParticipantKind(p.kind),
            withdrawn_on=p.withdrawn_on,
            guardians=tuple(g.ref for g in p.guardians),
        )
        for p in db.scalars(
            select(m.Participant).options(
                selectinload(m.Participant.guardian_links).selectinload(m.Guardianship.guardian)
            )
        )
    }
    facts = []
    for consent in db.scalars(
        select(m.Consent).options(
            selectinload(m.Consent.participant), selectinload(m.Consent.on_behalf_of)
        )
    ):
        form = catalog.get(consent.form, consent.form_version) if catalog else None
        grants = form.grants() if form is not None else _BY_NAME
        facts.append(
            ConsentFact(
                signer=consent.participant.ref,
                on_behalf_of=consent.on_behalf_of.ref if consent.on_behalf_of else None,
                given_on=consent.given_on,
                position=consent.position,
                granted=granted_permissions(consent.answers, grants),
                withdrawn=consent.withdrawn_on is not None,
            )
        )
    return PermissionBook(people, facts)
