"""Verbal consent taken on the call screen of a phone interview.

The parent is called before they have consented (services.calls); once the call is
answered, the researcher reads the verbal-consent script on the call screen and ticks
each confirmation as the parent says yes. `record_call_consent` records it as any verbal
consent is recorded (`record_consent`: the form version, the answers, the time of each
confirmation) after checking what only a call can get wrong: the session is a phone
interview still waiting for this person's consent, the call was answered, the parent did
not decline on it, and the form is a script read aloud. It is then in the register like
any other consent, and the session's notes open (`notes_gate`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from plrdesk.domain.ids import SessionId
from plrdesk.domain.kinds import ConsentMethod, SessionKind
from plrdesk.forms.schema import FormDefinition, FormKind
from plrdesk.services import audit
from plrdesk.services.calls import answered, gate_of
from plrdesk.services.changes import Changes, Table
from plrdesk.services.consents import (
    ConsentRequest,
    InvalidConsent,
    record_requested_consent,
    recorder_setup,
)
from plrdesk.services.session_lookup import SessionRef, find_session
from plrdesk.services.study_forms import catalog_for

if TYPE_CHECKING:
    from plrdesk.forms.catalog import FormCatalog

__all__ = ["CallConsentSetup", "call_consent_setup", "record_call_consent"]

PREFERRED_SCRIPT = "parent-verbal-consent"


@dataclass(frozen=True)
class CallConsentSetup:
    """What the call screen reads aloud, for whom (by ref and descriptor, never by name)."""

    session_id: SessionId
    participant_ref: str
    form: FormDefinition
    placeholders: dict[str, str | None]


def call_consent_setup(
    db: Session, forms: FormCatalog, session: SessionRef
) -> CallConsentSetup | None:
    """The verbal-consent script for the first member whose consent is still to be taken
    on this call, at its latest version; None when nobody's is (or the parent declined)."""
    row = find_session(db, session)
    gate = gate_of(db, row)
    if gate.declined is not None or not gate.awaiting_consent:
        return None
    ref = gate.awaiting_consent[0]
    setup = recorder_setup(db, forms, ref)
    scripts = [
        choice.definition
        for choice in setup.choices
        if choice.definition.kind == FormKind.VERBAL_CONSENT_SCRIPT and not choice.for_child
    ]
    if not scripts:
        raise InvalidConsent(
            f"There is no verbal consent script for a {setup.kind.value} in this study's forms."
        )
    form = next((f for f in scripts if f.id == PREFERRED_SCRIPT), scripts[0])
    return CallConsentSetup(SessionId(row.id), ref, form, dict(setup.placeholders))


def record_call_consent(
    db: Session, forms: FormCatalog, session: SessionRef, request: ConsentRequest
) -> Changes:
    """Record the verbal consent given on this call; raise InvalidConsent (one plain line)
    before writing anything when it cannot be."""
    row = find_session(db, session)
    if row.kind != SessionKind.PHONE_INTERVIEW:
        raise InvalidConsent(f"{row.ref} is not a phone interview: record consent in the register.")
    gate = gate_of(db, row)
    if gate.declined is not None:
        raise InvalidConsent(f"The parent declined on the call in {row.ref}: nothing more is kept.")
    if request.participant_ref not in gate.awaiting_consent:
        raise InvalidConsent(
            f"{request.participant_ref} is not waiting to give consent on the call in {row.ref}."
        )
    if not answered(attempt.outcome for attempt in row.call_attempts):
        raise InvalidConsent("Log the call as answered before recording consent on it.")
    if request.method != ConsentMethod.VERBAL:
        raise InvalidConsent("Consent given on a call is verbal consent.")
    form = catalog_for(db, forms).get(request.form_id, request.form_version)
    if form is None or form.kind != FormKind.VERBAL_CONSENT_SCRIPT:
        raise InvalidConsent(f"{request.form_id} is not a script to read aloud on a call.")
    changes = record_requested_consent(db, forms, request)
    consent_ids = changes.added_ids(Table.CONSENT)
    audit.record(db, "consent-on-call", [row.id, *consent_ids])
    changes.update(Table.SESSION, row.id)
    return changes
