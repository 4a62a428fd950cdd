"""The register: which terms a study's participants and identifiers give, with which labels."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.orm import Session

from plrdesk.anonymise.register import (
    IdentifierEntry,
    PersonEntry,
    build_register,
    name_parts,
    phone_variants,
    register_from_study,
)
from plrdesk.anonymise.types import RegisterTerm
from plrdesk.storage.study_file import StudyFile


def terms(*people: PersonEntry, ids: tuple[IdentifierEntry, ...] = ()) -> dict[str, str]:
    return {t.text: t.label for t in build_register(people, ids)}


def test_full_name_and_each_part_with_the_participant_kind() -> None:
    got = terms(PersonEntry("Sam Jones", "child"), PersonEntry("Helen Whitaker", "practitioner"))
    assert got == {
        "Sam Jones": "child",
        "Sam": "child",
        "Jones": "child",
        "Helen Whitaker": "practitioner",
        "Helen": "practitioner",
        "Whitaker": "practitioner",
    }


def test_other_is_person_and_unknown_kinds_are_person() -> None:
    got = terms(PersonEntry("Pat Lowe", "other"), PersonEntry("Kim Moss", "volunteer"))
    assert set(got.values()) == {"person"}


def test_a_part_shared_by_two_kinds_is_labelled_person() -> None:
    got = terms(PersonEntry("Sam Jones", "child"), PersonEntry("Mary Jones", "parent"))
    assert got["Jones"] == "person"
    assert got["Sam"] == "child"
    assert got["Mary Jones"] == "parent"


def test_same_text_in_another_case_is_one_term() -> None:
    register = build_register([PersonEntry("Sam Jones", "child"), PersonEntry("SAM", "child")])
    assert [t.text for t in register].count("Sam") == 1
    assert all(t.text != "SAM" for t in register)


@pytest.mark.parametrize(
    ("name", "parts"),
    [
        ("Sam Jones", ["Sam", "Jones"]),
        ("Mrs Jane Smith", ["Jane", "Smith"]),  # no titles
        ("Dr. Priya Shah", ["Priya", "Shah"]),
        ("J. Smith", ["Smith"]),  # no initials
        ("Ali Ben Musa", ["Ali", "Ben", "Musa"]),
        ("Jean-Paul de Souza", ["Jean-Paul", "Jean", "Paul", "Souza"]),  # no particles alone
        ("Ed Li", ["Ed", "Li"]),  # two letters count
        ("Siobhan O'Neill", ["Siobhan", "O'Neill"]),
        ("Al Smith", ["Al", "Smith"]),  # a first name that looks like a particle stays
    ],
)
def test_name_parts(name: str, parts: list[str]) -> None:
    assert name_parts(name) == parts


def test_contacts_phone_and_email_labels_and_reformatted_phones() -> None:
    got = terms(PersonEntry("Mary Jones", "parent", "07700 900123, mary@example.org; flat 2"))
    assert got["07700 900123"] == "phone"
    assert got["07700900123"] == "phone"
    assert got["+44 7700 900123"] == "phone"
    assert got["+447700900123"] == "phone"
    assert got["mary@example.org"] == "email"
    assert got["flat 2"] == "parent"  # anything else keeps the participant's label


def test_phone_variants_of_a_landline() -> None:
    assert set(phone_variants("020 7946 0000")) >= {
        "020 7946 0000",
        "02079460000",
        "+44 20 7946 0000",
        "+442079460000",
    }
    assert phone_variants("not a number") == []


def test_identifiers_text_and_aliases_with_their_kind() -> None:
    got = terms(
        ids=(
            IdentifierEntry("Riverside Academy", "school", ("Riverside",)),
            IdentifierEntry("Hartley Vale", "Place"),
            IdentifierEntry("Mr Okafor", "person", ("Tunde",)),
        )
    )
    assert got == {
        "Riverside Academy": "school",
        "Riverside": "school",
        "Hartley Vale": "place",
        "Mr Okafor": "person",
        "Okafor": "person",  # a person's name: its parts too, without the title
        "Tunde": "person",
    }


def test_blank_and_one_letter_terms_are_skipped() -> None:
    assert build_register([PersonEntry(" ", "child"), PersonEntry("X", "child")]) == []


@pytest.fixture
def db(demo_study: StudyFile) -> Iterator[Session]:
    with demo_study.transaction() as session:
        yield session


def test_register_from_the_demo_study(db: Session) -> None:
    register = register_from_study(db)
    by_text = {t.text: t for t in register}
    assert by_text["Helen Whitaker"] == RegisterTerm("Helen Whitaker", "practitioner")
    assert by_text["Whitaker"].label == "practitioner"
    assert by_text["07700 900412"].label == "phone"
    assert by_text["Northfield"].label == "school"
    assert by_text["St Aidan's"].label == "school"
    assert by_text["Femi"].label == "person"
    assert by_text["Pennington"].label == "person"
