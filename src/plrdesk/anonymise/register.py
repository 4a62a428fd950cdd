"""The study's register as terms the engine matches: every participant's name, its parts
and contact, and every identifier's text and aliases (study-json-v1, "the register").

Labels come from what the term is: a participant's kind (`other` is `person`) or an
identifier's kind. Two exceptions, both for the reader of the summary: a contact that is
a phone number or an e-mail address is labelled `[phone]` / `[email]` (a phone number
replaced by "[practitioner]" reads as nonsense), and a part shared by people of different
kinds (a child and her mother share a surname) is labelled `[person]`, so the label does
not say which of them was meant.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

import phonenumbers

from plrdesk.anonymise.text import fold
from plrdesk.anonymise.types import RegisterTerm

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

PERSON = "person"
PARTICIPANT_LABELS = {
    "practitioner": "practitioner",
    "parent": "parent",
    "child": "child",
    "other": PERSON,
}
# Honorifics are not part of a name to register on their own ("Mrs" would go everywhere).
TITLES = frozenset(
    ("mr", "mrs", "ms", "miss", "mx", "dr", "sir", "dame", "prof", "professor", "rev", "revd")
)
# Particles of a surname: registered inside the full name, never alone ("de", "van").
PARTICLES = frozenset(
    {"de", "da", "di", "du", "del", "della", "der", "den", "van", "von", "la", "le", "al"}
    | {"el", "bin", "binti", "ap", "st"}
)
MIN_PART = 2
_SPLIT_CONTACT = re.compile(r"\s*(?:[,;/\n]|\bor\b)\s*")
_EMAIL = re.compile(r"^[\w.+-]+@[\w-]+(?:\.[\w-]+)+$")
_PHONE_CHARS = re.compile(r"^[\d\s()+.\-]{9,}$")


class ParticipantLike(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def contact(self) -> str | None: ...


class IdentifierLike(Protocol):
    @property
    def text(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def aliases(self) -> Sequence[str]: ...


@dataclass(frozen=True)
class PersonEntry:
    """A participant as the register sees it."""

    name: str
    kind: str
    contact: str | None = None


@dataclass(frozen=True)
class IdentifierEntry:
    """A registered identifier (a school, a place, a person who is not a participant)."""

    text: str
    kind: str
    aliases: tuple[str, ...] = ()


def participant_label(kind: str) -> str:
    return PARTICIPANT_LABELS.get(kind.strip().lower(), PERSON)


def identifier_label(kind: str) -> str:
    label = re.sub(r"[^a-z0-9-]+", "-", kind.strip().lower()).strip("-")
    return label or PERSON


def name_parts(name: str) -> list[str]:
    """The parts of a person's name worth registering alone: first names and surnames of
    two letters or more, both halves of a hyphenated part, no titles, no particles."""
    words = [w.strip('.,()"') for w in name.split()]
    words = [w for w in words if w and fold(w).rstrip(".") not in TITLES]
    parts: list[str] = []
    for i, word in enumerate(words):
        if i > 0 and fold(word) in PARTICLES:
            continue
        pieces = [word, *word.split("-")] if "-" in word else [word]
        parts.extend(p for p in pieces if len(p) >= MIN_PART)
    return parts


def phone_variants(contact: str) -> list[str]:
    """Ways the same UK number is written, so the register catches a reformatted copy."""
    try:
        number = phonenumbers.parse(contact, "GB")
    except phonenumbers.NumberParseException:
        return []
    if not phonenumbers.is_possible_number(number):
        return []
    national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    international = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    digits = re.sub(r"\D", "", national)
    return list(dict.fromkeys([national, international, e164, digits, "0044" + e164[3:]]))


def contact_terms(contact: str, label: str) -> list[RegisterTerm]:
    terms: list[RegisterTerm] = []
    for piece in _SPLIT_CONTACT.split(contact.strip()):
        piece = piece.strip()
        if len(piece) < MIN_PART:
            continue
        if _EMAIL.match(piece):
            terms.append(RegisterTerm(piece, "email"))
        elif _PHONE_CHARS.match(piece) and (variants := phone_variants(piece)):
            terms.append(RegisterTerm(piece, "phone"))
            terms.extend(RegisterTerm(v, "phone") for v in variants)
        else:
            terms.append(RegisterTerm(piece, label))
    return terms


def _clean(text: str) -> str:
    return " ".join(text.split())


def build_register(
    participants: Iterable[ParticipantLike], identifiers: Iterable[IdentifierLike] = ()
) -> list[RegisterTerm]:
    """Every term of the register, once each (the same text under two labels becomes
    `person`), in the order the study lists them."""
    found: list[RegisterTerm] = []
    for person in participants:
        label = participant_label(person.kind)
        name = _clean(person.name)
        if len(name) >= MIN_PART:
            found.append(RegisterTerm(name, label))
        found.extend(RegisterTerm(part, label) for part in name_parts(name))
        if person.contact:
            found.extend(contact_terms(person.contact, label))
    for item in identifiers:
        label = identifier_label(item.kind)
        for text in [item.text, *item.aliases]:
            text = _clean(text)
            if len(text) >= MIN_PART:
                found.append(RegisterTerm(text, label))
            if label == PERSON:  # a person's name: its parts too ("Mrs Pennington")
                found.extend(RegisterTerm(part, label) for part in name_parts(text))
    return merge_terms(found)


def merge_terms(terms: Iterable[RegisterTerm]) -> list[RegisterTerm]:
    by_key: dict[str, RegisterTerm] = {}
    for term in terms:
        key = " ".join(fold(term.text).split())
        have = by_key.get(key)
        if have is None:
            by_key[key] = RegisterTerm(term.text, term.label)
        elif have.label != term.label:
            by_key[key] = RegisterTerm(have.text, PERSON)
    return list(by_key.values())


def register_from_study(db: Session) -> list[RegisterTerm]:
    """The register of the open study: all participants (withdrawn ones too: their names
    must leave every export) and all identifiers, in the order the study lists them."""
    from sqlalchemy import select

    from plrdesk.domain import models as m

    people = [
        PersonEntry(p.name, p.kind, p.contact)
        for p in db.scalars(select(m.Participant).order_by(m.Participant.position))
    ]
    identifiers = [
        IdentifierEntry(i.text, i.kind, tuple(i.aliases or ()))
        for i in db.scalars(select(m.Identifier).order_by(m.Identifier.position))
    ]
    return build_register(people, identifiers)
