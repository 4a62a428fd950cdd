"""The participant register: list, add, edit, and take back a participant added by mistake.

Withdrawal lives in services.withdrawal; a participant who took part is never deleted.
Refs are chosen here (P<n> practitioner, G<n> parent or carer, C<n> child, X<n> other), so
the researcher never types one. Attributes are plain values checked against the small
vocabularies below; the export builds its descriptors from them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import Session, selectinload

from plrdesk.domain import models as m
from plrdesk.domain.ids import ParticipantId
from plrdesk.domain.kinds import ParticipantKind, Permission
from plrdesk.domain.permissions import consent_gaps
from plrdesk.services import audit, refs
from plrdesk.services.changes import Changes, Table
from plrdesk.services.permission_book import load_permission_book
from plrdesk.services.withdrawal import UnknownParticipant

if TYPE_CHECKING:
    from plrdesk.forms.catalog import FormCatalog

AttributeValue = str | int | float | bool

REF_PREFIX: dict[ParticipantKind, str] = {
    ParticipantKind.PRACTITIONER: "P",
    ParticipantKind.PARENT: "G",
    ParticipantKind.CHILD: "C",
    ParticipantKind.OTHER: "X",
}
KIND_LABEL: dict[ParticipantKind, str] = {
    ParticipantKind.PRACTITIONER: "practitioner",
    ParticipantKind.PARENT: "parent or carer",
    ParticipantKind.CHILD: "child",
    ParticipantKind.OTHER: "other",
}
SECTORS = ("voluntary", "school", "local authority", "health", "other")
RELATIONSHIPS = ("mother", "father", "carer", "grandparent", "other")
GENDERS = ("girl", "boy", "other", "prefer not to say")
AGES = range(4, 19)  # 4 to 18
YEAR_GROUPS = range(5, 14)  # Year 5 to Year 13
GUARDIAN_KINDS = (ParticipantKind.PARENT, ParticipantKind.OTHER)

CONSENTED = "consented"
WITHDRAWN = "withdrawn"
NEEDS_PARENTAL_CONSENT = "needs parental consent"
NEEDS_OWN_ASSENT = "needs own assent"
NEEDS_CONSENT = "needs consent"

_REF = re.compile(r"^\S{1,64}$")


class InvalidParticipant(ValueError):
    """The details given cannot be saved; the message is one plain line for the researcher."""


@dataclass(kw_only=True)
class ParticipantAdded(Changes):
    """What `add_participant` did, with the ref it chose (an undo takes that ref out)."""

    participant_id: ParticipantId
    ref: str


@dataclass(frozen=True)
class ParticipantDetails:
    """What the researcher types about a participant: everything but the ref and consent."""

    kind: ParticipantKind
    name: str
    contact: str | None
    attributes: dict[str, AttributeValue]
    guardians: tuple[str, ...] = ()


@dataclass(frozen=True)
class ParticipantRow:
    """One participant as the register shows them."""

    id: ParticipantId
    ref: str
    kind: ParticipantKind
    name: str
    contact: str | None
    attributes: dict[str, AttributeValue]
    guardians: tuple[str, ...]
    withdrawn: bool  # by date, or because the consent that let them take part was withdrawn
    withdrawn_on: dt.date | None
    consent_status: str  # one of the plain phrases above: the next thing to do, or done
    consent_gaps: tuple[str, ...]  # every reason they may not take part yet
    permissions: frozenset[Permission]

    def details(self) -> ParticipantDetails:
        return ParticipantDetails(
            self.kind, self.name, self.contact, dict(self.attributes), self.guardians
        )


# -- checks without the database (the dialog uses them too) ------------------------------------


def check_name(name: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned:
        raise InvalidParticipant("Enter a name.")
    return cleaned


def check_contact(contact: str | None) -> str | None:
    cleaned = (contact or "").strip()
    return cleaned or None


def _one_of(label: str, value: AttributeValue, allowed: Sequence[str]) -> None:
    if value not in allowed:
        raise InvalidParticipant(f"{label} must be one of: {', '.join(allowed)}.")


def _whole_number(label: str, value: AttributeValue, allowed: range) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value not in allowed:
        raise InvalidParticipant(
            f"{label} must be a whole number from {allowed.start} to {allowed.stop - 1}."
        )


def _check_known(kind: ParticipantKind, key: str, value: AttributeValue) -> None:
    if kind == ParticipantKind.PRACTITIONER and key == "sector":
        _one_of("Sector", value, SECTORS)
    elif kind == ParticipantKind.PARENT and key == "relationship":
        _one_of("Relationship", value, RELATIONSHIPS)
    elif kind == ParticipantKind.CHILD and key == "gender":
        _one_of("Gender", value, GENDERS)
    elif kind == ParticipantKind.CHILD and key == "age":
        _whole_number("Age", value, AGES)
    elif kind == ParticipantKind.CHILD and key == "year_group":
        _whole_number("Year group", value, YEAR_GROUPS)


def check_attributes(
    kind: ParticipantKind,
    attributes: Mapping[str, object],
    *,
    unchanged_from: Mapping[str, object] | None = None,
) -> dict[str, AttributeValue]:
    """Cleaned attributes: keys and text trimmed, empty text dropped, known keys checked.

    A value equal to the one in `unchanged_from` (what the participant already holds) is
    kept as it is, so an old imported value does not block an unrelated edit.
    """
    cleaned: dict[str, AttributeValue] = {}
    for raw_key, value in attributes.items():
        key = raw_key.strip()
        if not key:
            raise InvalidParticipant("Every detail needs a name.")
        if key in cleaned:
            raise InvalidParticipant(f"The detail {key!r} is given twice.")
        if isinstance(value, str):
            value = value.strip()
            if not value:
                continue
        elif value is None:
            continue
        elif not isinstance(value, bool | int | float):
            raise InvalidParticipant(f"The detail {key!r} must be text, a number or yes/no.")
        if unchanged_from is None or unchanged_from.get(key) != value:
            _check_known(kind, key, value)
        cleaned[key] = value
    return cleaned


def check_details(
    details: ParticipantDetails, *, unchanged_from: Mapping[str, object] | None = None
) -> ParticipantDetails:
    """The details cleaned, or InvalidParticipant naming the first problem. For an edit,
    `unchanged_from` is the attributes held now (see check_attributes)."""
    if details.guardians and details.kind != ParticipantKind.CHILD:
        raise InvalidParticipant("Only a child has guardians.")
    return ParticipantDetails(
        details.kind,
        check_name(details.name),
        check_contact(details.contact),
        check_attributes(details.kind, details.attributes, unchanged_from=unchanged_from),
        tuple(dict.fromkeys(details.guardians)),
    )


# -- reading -----------------------------------------------------------------------------------


def _status(kind: ParticipantKind, withdrawn: bool, gaps: Sequence[str]) -> str:
    if withdrawn:
        return WITHDRAWN
    if not gaps:
        return CONSENTED
    if kind == ParticipantKind.CHILD:
        # Parental consent comes first; the child's own assent after it.
        return NEEDS_PARENTAL_CONSENT if "has no parental consent" in gaps else NEEDS_OWN_ASSENT
    return NEEDS_CONSENT


def list_participants(db: Session, forms: FormCatalog | None) -> list[ParticipantRow]:
    """Every participant in the order they were added, with their consent status."""
    book = load_permission_book(db, forms)
    people = db.scalars(
        select(m.Participant)
        .options(selectinload(m.Participant.guardian_links).selectinload(m.Guardianship.guardian))
        .order_by(m.Participant.position, m.Participant.ref)
    )
    rows = []
    for person in people:
        kind = ParticipantKind(person.kind)
        withdrawn = book.is_withdrawn(person.ref)
        gaps = tuple(gap.reason for gap in consent_gaps(book, [person.ref]))
        rows.append(
            ParticipantRow(
                id=ParticipantId(person.id),
                ref=person.ref,
                kind=kind,
                name=person.name,
                contact=person.contact,
                attributes=dict(person.attributes or {}),
                guardians=tuple(g.ref for g in person.guardians),
                withdrawn=withdrawn,
                withdrawn_on=person.withdrawn_on,
                consent_status=_status(kind, withdrawn, gaps),
                consent_gaps=gaps,
                permissions=frozenset() if withdrawn else book.permissions(person.ref),
            )
        )
    return rows


def next_ref(db: Session, kind: ParticipantKind) -> str:
    """The next free ref for this kind: one more than the highest number in use."""
    return refs.next_ref(db.scalars(select(m.Participant.ref)), REF_PREFIX[kind])


# -- writing -----------------------------------------------------------------------------------


def _find(db: Session, ref: str) -> m.Participant:
    person = db.scalars(select(m.Participant).filter_by(ref=ref)).first()
    if person is None:
        raise UnknownParticipant(f"There is no participant {ref}.")
    return person


def _guardians(db: Session, refs: Iterable[str]) -> list[m.Participant]:
    found = []
    for ref in dict.fromkeys(refs):
        person = db.scalars(select(m.Participant).filter_by(ref=ref)).first()
        if person is None:
            raise InvalidParticipant(f"There is no participant {ref} to be a guardian.")
        if person.kind not in GUARDIAN_KINDS:
            raise InvalidParticipant(
                f"{ref} is a {KIND_LABEL[ParticipantKind(person.kind)]}; a guardian must be"
                " a parent or carer, or an other adult."
            )
        found.append(person)
    return found


def add_participant(
    db: Session,
    kind: ParticipantKind,
    name: str,
    contact: str | None,
    attributes: Mapping[str, object],
    guardian_refs: Sequence[str] = (),
    *,
    ref: str | None = None,
) -> ParticipantAdded:
    """Add a participant with the next free ref of their kind (or `ref`, to redo an add)."""
    kind = ParticipantKind(kind)
    if guardian_refs and kind != ParticipantKind.CHILD:
        raise InvalidParticipant("Only a child has guardians.")
    details = ParticipantDetails(
        kind,
        check_name(name),
        check_contact(contact),
        check_attributes(kind, attributes),
        tuple(dict.fromkeys(guardian_refs)),
    )
    if ref is None:
        ref = next_ref(db, kind)
    elif not _REF.match(ref):
        raise InvalidParticipant(f"{ref!r} cannot be a ref: use letters and digits, no spaces.")
    elif db.scalar(select(exists().where(m.Participant.ref == ref))):
        raise InvalidParticipant(f"{ref} is already in the study.")
    last = db.scalar(select(func.max(m.Participant.position)))
    person = m.Participant(
        ref=ref,
        kind=kind.value,
        name=details.name,
        contact=details.contact,
        attributes=details.attributes,
        position=0 if last is None else last + 1,
    )
    person.guardians = _guardians(db, details.guardians)
    db.add(person)
    db.flush()
    changes = ParticipantAdded(participant_id=ParticipantId(person.id), ref=ref)
    changes.add(Table.PARTICIPANT, person.id)
    if details.guardians:
        changes.add(Table.GUARDIANSHIP, person.id)
    audit.record(db, "add-participant", [person.id])
    return changes


def add_participant_again(
    db: Session, added: ParticipantAdded, details: ParticipantDetails
) -> ParticipantAdded:
    """Redo an add that was undone: the same details under the ref the first add chose
    (`added`, that add's result, handed over on the worker)."""
    return add_participant(
        db,
        details.kind,
        details.name,
        details.contact,
        details.attributes,
        details.guardians,
        ref=added.ref,
    )


def _write(db: Session, person: m.Participant, details: ParticipantDetails, action: str) -> Changes:
    changes = Changes()
    before = [g.ref for g in person.guardians]
    person.name = details.name
    person.contact = details.contact
    person.attributes = details.attributes
    changes.update(Table.PARTICIPANT, person.id)
    if list(details.guardians) != before:
        person.guardians = _guardians(db, details.guardians)
        changes.update(Table.GUARDIANSHIP, person.id)
    db.flush()
    audit.record(db, action, [person.id])
    return changes


def update_participant(
    db: Session,
    ref: str,
    name: str,
    contact: str | None,
    attributes: Mapping[str, object],
    guardian_refs: Sequence[str] = (),
) -> Changes:
    """Change a participant's details; their kind and ref stay."""
    person = _find(db, ref)
    kind = ParticipantKind(person.kind)
    if guardian_refs and kind != ParticipantKind.CHILD:
        raise InvalidParticipant("Only a child has guardians.")
    details = ParticipantDetails(
        kind,
        check_name(name),
        check_contact(contact),
        check_attributes(kind, attributes, unchanged_from=person.attributes or {}),
        tuple(dict.fromkeys(guardian_refs)),
    )
    return _write(db, person, details, "update-participant")


def restore_participant(db: Session, ref: str, details: ParticipantDetails) -> Changes:
    """Put a participant's details back exactly as they were (the undo of an edit).

    The attribute values are not checked against the vocabularies: they are what the study
    held a moment ago.
    """
    person = _find(db, ref)
    restored = ParticipantDetails(
        ParticipantKind(person.kind),
        check_name(details.name),
        check_contact(details.contact),
        dict(details.attributes),
        details.guardians,
    )
    return _write(db, person, restored, "update-participant")


def remove_new_participant(db: Session, ref: str) -> Changes:
    """Take back a participant added by mistake (the undo of an add).

    Only someone with no consents, notes or sessions, who is nobody's guardian and has not
    been withdrawn, can go; anyone else is withdrawn instead, so the record stays true.
    """
    person = _find(db, ref)
    if person.withdrawn_on is not None:
        raise InvalidParticipant(f"{ref} has been withdrawn, so stays on record.")
    pid = person.id
    used = (
        exists().where(or_(m.Consent.participant_id == pid, m.Consent.on_behalf_of_id == pid)),
        exists().where(m.Entry.speaker_id == pid),
        exists().where(m.SessionMember.participant_id == pid),
    )
    if any(db.scalar(select(check)) for check in used):
        raise InvalidParticipant(
            f"{ref} already has consents, notes or sessions, so cannot be removed;"
            " withdraw them instead."
        )
    wards = list(
        db.scalars(
            select(m.Participant.ref)
            .join(m.Guardianship, m.Guardianship.child_id == m.Participant.id)
            .where(m.Guardianship.guardian_id == pid)
            .order_by(m.Participant.ref)
        )
    )
    if wards:
        raise InvalidParticipant(
            f"{ref} is a guardian of {', '.join(wards)}, so cannot be removed."
        )
    changes = Changes()
    if person.guardian_links:
        changes.remove(Table.GUARDIANSHIP, pid)
    db.delete(person)
    db.flush()
    changes.remove(Table.PARTICIPANT, pid)
    audit.record(db, "remove-participant", [pid])
    return changes


def remove_added_participant(db: Session, added: ParticipantAdded) -> Changes:
    """The undo of an add: take out the participant that add made (`added`, its result)."""
    return remove_new_participant(db, added.ref)
