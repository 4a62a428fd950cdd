"""The study's own details: read them, save them (checked), and say which of them a form
would print as a blank.

- `study_details(db)`: everything the Study details dialog shows, as one `StudyDetails`.
- `set_study_details(db, details)`: save them all, after the rules of
  `domain.study_details` (one sentence per field that is wrong; nothing saved then).
- `restore_study_details(db, details)`: put back details exactly as they were read (the
  undo of a save). Unchecked: what the study held before was what it held, even if an
  older import let in something the rules now refuse (a date that is in the future).
- `missing_for_form(details, form)`: the details that form prints and that are blank, by
  name ("researcher", "organisation", "contact", "title"), in that order. Pure: the app
  asks it before printing, `forms print` and `forms check --study` warn with it.

What a form prints (kept in step with plrdesk.printing by a test that prints every shipped
form with each detail left out): every form's header shows the title, the researcher and
the organisation; a participant-facing form ends with "please contact <researcher>,
<organisation>: <contact>"; and any text may hold the placeholders `{study.title}`,
`{study.researcher}`, `{study.organisation}`, `{study.contact}`.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from plrdesk.domain import models as m
from plrdesk.domain.study_details import LABELS, StudyDetails, problems
from plrdesk.forms.placeholders import KNOWN
from plrdesk.forms.schema import Audience, FormDefinition
from plrdesk.services import audit
from plrdesk.services.changes import Changes, Table

__all__ = [
    "DETAIL_NAMES",
    "StudyDetails",
    "StudyDetailsInvalid",
    "details_used_by",
    "missing_for_form",
    "restore_study_details",
    "set_study_details",
    "study_details",
]

DETAIL_NAMES = ("researcher", "organisation", "contact", "title")
"""The details a printed form can need, in the order a warning names them."""

_HEADER = ("title", "researcher", "organisation")
_CONTACT_BLOCK = ("researcher", "organisation", "contact")


class StudyDetailsInvalid(ValueError):
    """Some details cannot be saved. `problems` maps each field to its one sentence."""

    def __init__(self, found: dict[str, str]) -> None:
        super().__init__(" ".join(found.values()))
        self.problems = found


def study_details(db: Session) -> StudyDetails:
    study = db.scalars(select(m.Study)).one()
    return StudyDetails(
        title=study.title,
        researcher=study.researcher,
        organisation=study.organisation,
        phone=study.phone,
        email=study.email,
        other_contact=study.other_contact,
        aims=tuple(study.aims or ()),
        endorsed_by=study.endorsed_by,
        endorser_role=study.endorser_role,
        endorsed_on=study.endorsed_on,
        endorsement_notes=study.endorsement_notes,
        ethics_reference=study.ethics_reference,
    )


def check_study_details(details: StudyDetails, today: dt.date | None = None) -> StudyDetails:
    """The details cleaned (see `StudyDetails.cleaned`), or StudyDetailsInvalid."""
    cleaned = details.cleaned()
    found = problems(cleaned, today or dt.date.today())
    if found:
        raise StudyDetailsInvalid(found)
    return cleaned


def set_study_details(db: Session, details: StudyDetails) -> Changes:
    """Save every detail (cleaned and checked first; nothing is saved if one is wrong)."""
    return _write(db, check_study_details(details))


def restore_study_details(db: Session, details: StudyDetails) -> Changes:
    """Put back details as `study_details` read them (the undo of a save)."""
    return _write(db, details)


def _write(db: Session, details: StudyDetails) -> Changes:
    study = db.scalars(select(m.Study)).one()
    study.title = details.title
    study.researcher = details.researcher
    study.organisation = details.organisation
    study.phone = details.phone
    study.email = details.email
    study.other_contact = details.other_contact
    study.aims = list(details.aims)
    study.endorsed_by = details.endorsed_by
    study.endorser_role = details.endorser_role
    study.endorsed_on = details.endorsed_on
    study.endorsement_notes = details.endorsement_notes
    study.ethics_reference = details.ethics_reference
    db.flush()
    audit.record(db, "study-details", [study.id])
    changes = Changes()
    changes.update(Table.STUDY, study.id)
    return changes


def details_used_by(form: FormDefinition) -> tuple[str, ...]:
    """The study details `form` prints, in `DETAIL_NAMES` order."""
    used = set(_HEADER)
    if form.audience == Audience.PARTICIPANT:
        used.update(_CONTACT_BLOCK)
    # The texts the printer fills placeholders in (probes and choices are printed as
    # written, so a placeholder there is no study detail).
    texts = [form.title]
    for section in form.sections:
        texts.append(section.title or "")
        for item in section.items:
            texts += [item.text, item.help or ""]
    joined = "\n".join(texts)
    used.update(name.removeprefix("study.") for name in KNOWN if f"{{{name}}}" in joined)
    return tuple(name for name in DETAIL_NAMES if name in used)


def missing_for_form(details: StudyDetails, form: FormDefinition) -> list[str]:
    """The details `form` prints that are blank in `details` (names as in DETAIL_NAMES)."""
    values = {
        "title": details.title.strip() or None,
        "researcher": details.researcher,
        "organisation": details.organisation,
        "contact": details.contact,
    }
    return [name for name in details_used_by(form) if not (values[name] or "").strip()]


def field_label(name: str) -> str:
    """A field's label as the dialog shows it ("E-mail")."""
    return LABELS[name]
