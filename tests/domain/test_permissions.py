"""Permissions and withdrawal, as study-json-v1 states them, and the consent gate."""

from __future__ import annotations

import datetime as dt

from plrdesk.domain.kinds import ParticipantKind, Permission
from plrdesk.domain.permissions import ConsentFact, PermissionBook, PersonFact, consent_gaps

TAKE, QUOTE = Permission.TAKE_PART, Permission.QUOTE
DAY = dt.date(2008, 11, 20)


def consent(
    signer: str,
    *granted: Permission,
    for_child: str | None = None,
    days: int = 0,
    position: int = 0,
    withdrawn: bool = False,
) -> ConsentFact:
    return ConsentFact(
        signer, for_child, DAY + dt.timedelta(days=days), position, frozenset(granted), withdrawn
    )


PEOPLE = {
    "P1": PersonFact("P1", ParticipantKind.PRACTITIONER),
    "G1": PersonFact("G1", ParticipantKind.PARENT),
    "C1": PersonFact("C1", ParticipantKind.CHILD, guardians=("G1",)),
}


def test_an_adult_holds_what_their_latest_consent_grants() -> None:
    book = PermissionBook(PEOPLE, [consent("P1", TAKE, QUOTE), consent("P1", TAKE, days=3)])
    assert book.permissions("P1") == {TAKE}


def test_same_day_consents_are_ordered_by_recording() -> None:
    book = PermissionBook(
        PEOPLE, [consent("P1", TAKE, position=2), consent("P1", TAKE, QUOTE, position=1)]
    )
    assert book.permissions("P1") == {TAKE}


def test_a_withdrawn_consent_grants_nothing_and_withdraws_the_person() -> None:
    book = PermissionBook(PEOPLE, [consent("P1", TAKE, QUOTE, withdrawn=True)])
    assert book.permissions("P1") == frozenset()
    assert book.is_withdrawn("P1")


def test_no_consent_yet_is_not_withdrawal() -> None:
    assert not PermissionBook(PEOPLE, []).is_withdrawn("P1")


def test_a_withdrawal_date_withdraws() -> None:
    people = dict(PEOPLE, P1=PersonFact("P1", ParticipantKind.PRACTITIONER, withdrawn_on=DAY))
    assert PermissionBook(people, [consent("P1", TAKE)]).is_withdrawn("P1")


def test_a_child_needs_both_the_guardian_and_their_own_yes() -> None:
    both = [consent("G1", TAKE, QUOTE, for_child="C1"), consent("C1", TAKE, QUOTE)]
    assert PermissionBook(PEOPLE, both).permissions("C1") == {TAKE, QUOTE}
    child_says_no = [consent("G1", TAKE, QUOTE, for_child="C1"), consent("C1", TAKE)]
    assert PermissionBook(PEOPLE, child_says_no).permissions("C1") == {TAKE}
    parent_only = [consent("G1", TAKE, QUOTE, for_child="C1")]
    assert PermissionBook(PEOPLE, parent_only).permissions("C1") == frozenset()


def test_consent_on_behalf_of_a_child_gives_the_parent_nothing() -> None:
    book = PermissionBook(PEOPLE, [consent("G1", TAKE, QUOTE, for_child="C1")])
    assert book.permissions("G1") == frozenset()


def test_the_gate_names_each_gap() -> None:
    book = PermissionBook(PEOPLE, [consent("C1", TAKE)])
    gaps = {(g.ref, g.reason) for g in consent_gaps(book, ["P1", "C1"])}
    assert gaps == {
        ("P1", "has not consented to take part"),
        ("C1", "has no parental consent"),
    }
    ready = PermissionBook(
        PEOPLE, [consent("P1", TAKE), consent("C1", TAKE), consent("G1", TAKE, for_child="C1")]
    )
    assert consent_gaps(ready, ["P1", "C1"]) == []
