"""Who may do what: permissions from consents, withdrawal, and the consent gate.

The rules are those of study-json-v1:
- a participant holds a permission when their latest, not withdrawn consent for
  themselves grants it;
- a child holds a permission only when both a guardian's latest consent on their behalf
  and the child's own latest assent grant it (a child's "no" always wins);
- a participant is withdrawn when they have a withdrawal date, or when they no longer
  hold take-part because the consent that granted it was withdrawn;
- a phone interview may be made before an adult in it has consented: their verbal
  consent is taken on the call, and until then no note can be taken in it.

Pure functions over plain values, so the app, the export and the tests share one truth.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from plrdesk.domain.kinds import ParticipantKind, Permission, SessionKind


@dataclass(frozen=True)
class ConsentFact:
    """What the rules need of one consent record."""

    signer: str  # participant ref (or id) of the person who signed
    on_behalf_of: str | None
    given_on: dt.date
    position: int  # recorded order, to break ties on the same day
    granted: frozenset[Permission]
    withdrawn: bool


@dataclass(frozen=True)
class PersonFact:
    ref: str
    kind: ParticipantKind
    withdrawn_on: dt.date | None = None
    guardians: tuple[str, ...] = ()


def granted_permissions(
    answers: Mapping[str, object], grants: Mapping[str, Permission]
) -> frozenset[Permission]:
    """Permissions a consent's answers give, given the form's `item id -> permission` map."""
    return frozenset(permission for item, permission in grants.items() if answers.get(item) is True)


def _latest(consents: Iterable[ConsentFact]) -> ConsentFact | None:
    return max(consents, key=lambda c: (c.given_on, c.position), default=None)


def _held(consent: ConsentFact | None) -> frozenset[Permission]:
    if consent is None or consent.withdrawn:
        return frozenset()
    return consent.granted


@dataclass
class PermissionBook:
    """Permissions of every participant, computed once from all consents."""

    people: Mapping[str, PersonFact]
    consents: list[ConsentFact] = field(default_factory=list)

    def own(self, ref: str) -> frozenset[Permission]:
        """From the person's own latest consent (for a child: their assent)."""
        return _held(
            _latest(c for c in self.consents if c.signer == ref and c.on_behalf_of is None)
        )

    def on_behalf(self, child: str) -> frozenset[Permission]:
        """From the latest consent any guardian gave on the child's behalf."""
        return _held(_latest(c for c in self.consents if c.on_behalf_of == child))

    def permissions(self, ref: str) -> frozenset[Permission]:
        person = self.people[ref]
        if person.kind == ParticipantKind.CHILD:
            return self.own(ref) & self.on_behalf(ref)
        return self.own(ref)

    def holds(self, ref: str, permission: Permission) -> bool:
        return permission in self.permissions(ref)

    def is_withdrawn(self, ref: str) -> bool:
        """Withdrawn by date, or take-part lost because its consent was withdrawn."""
        person = self.people[ref]
        if person.withdrawn_on is not None:
            return True
        return self._consent_withdrawn(ref) and not self.holds(ref, Permission.TAKE_PART)

    def _consent_withdrawn(self, ref: str) -> bool:
        latest_own = _latest(c for c in self.consents if c.signer == ref and c.on_behalf_of is None)
        latest_for = _latest(c for c in self.consents if c.on_behalf_of == ref)
        return any(c is not None and c.withdrawn for c in (latest_own, latest_for))


@dataclass(frozen=True)
class ConsentGap:
    """Why a participant may not yet take part in a session."""

    ref: str
    reason: str


def consent_gaps(book: PermissionBook, refs: Iterable[str]) -> list[ConsentGap]:
    """The consent gate before a session: everyone needs take-part; a child needs both a
    guardian's consent and their own assent."""
    gaps = []
    for ref in refs:
        person = book.people[ref]
        if book.is_withdrawn(ref):
            gaps.append(ConsentGap(ref, "has withdrawn"))
        elif person.kind == ParticipantKind.CHILD:
            if Permission.TAKE_PART not in book.on_behalf(ref):
                gaps.append(ConsentGap(ref, "has no parental consent"))
            if Permission.TAKE_PART not in book.own(ref):
                gaps.append(ConsentGap(ref, "has not given their own assent"))
        elif Permission.TAKE_PART not in book.own(ref):
            gaps.append(ConsentGap(ref, "has not consented to take part"))
    return gaps


def consent_on_the_call(book: PermissionBook, refs: Iterable[str]) -> list[str]:
    """Who in a phone interview gives their consent on the call itself: each adult who has
    not withdrawn and does not yet hold take-part. Until they do, the call can be logged
    but the interview guide stays shut (no note can be taken)."""
    return [
        ref
        for ref in refs
        if book.people[ref].kind != ParticipantKind.CHILD
        and not book.is_withdrawn(ref)
        and Permission.TAKE_PART not in book.own(ref)
    ]


def session_gaps(book: PermissionBook, refs: Iterable[str], kind: SessionKind) -> list[ConsentGap]:
    """The consent gate before making a session of this kind: `consent_gaps`, except that
    a phone interview is made before an adult's consent, which is taken on the call (see
    `consent_on_the_call`). A withdrawn person, or a child, still blocks it."""
    wanted = list(refs)
    gaps = consent_gaps(book, wanted)
    if kind != SessionKind.PHONE_INTERVIEW:
        return gaps
    on_call = set(consent_on_the_call(book, wanted))
    return [gap for gap in gaps if gap.ref not in on_call]
