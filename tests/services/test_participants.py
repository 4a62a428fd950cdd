"""The participant register's use cases: refs, checks, guardians, edits, taking back an add,
and the consent status each row shows."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from plrdesk.cli.study_commands import shipped_forms
from plrdesk.domain import models as m
from plrdesk.domain.kinds import ParticipantKind, Permission
from plrdesk.services.changes import Table
from plrdesk.services.participants import (
    InvalidParticipant,
    ParticipantDetails,
    ParticipantRow,
    add_participant,
    add_participant_again,
    check_details,
    list_participants,
    remove_added_participant,
    remove_new_participant,
    restore_participant,
    update_participant,
)
from plrdesk.services.withdrawal import UnknownParticipant, withdraw_participant
from plrdesk.storage.study_file import StudyFile

K = ParticipantKind


@pytest.fixture
def db(demo_study: StudyFile) -> Iterator[Session]:
    with demo_study.transaction() as session:
        yield session


def rows(db: Session) -> dict[str, ParticipantRow]:
    return {row.ref: row for row in list_participants(db, shipped_forms())}


def audit_actions(db: Session) -> list[str]:
    return list(db.scalars(select(m.AuditEvent.action).order_by(m.AuditEvent.at)))


# -- refs --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "attributes", "ref"),
    [
        (K.PRACTITIONER, {"sector": "health", "role": "school nurse"}, "P7"),
        (K.PARENT, {"relationship": "grandparent"}, "G5"),
        (K.CHILD, {"age": 12, "gender": "girl", "year_group": 7}, "C7"),
        (K.OTHER, {"organisation": "youth club"}, "X1"),
    ],
)
def test_refs_are_the_next_free_number_of_the_kind(
    db: Session, kind: ParticipantKind, attributes: dict[str, object], ref: str
) -> None:
    changes = add_participant(db, kind, "  New  Person ", " 0161 496 0000 ", attributes)
    person = db.scalars(select(m.Participant).filter_by(ref=ref)).one()
    assert changes.added == {Table.PARTICIPANT: [person.id]}
    assert (changes.ref, changes.participant_id) == (ref, person.id)
    assert person.name == "New Person"
    assert person.contact == "0161 496 0000"
    assert person.attributes == attributes
    assert person.position == 16  # after the demo's sixteen
    assert audit_actions(db)[-1] == "add-participant"
    event = db.scalars(select(m.AuditEvent).order_by(m.AuditEvent.at.desc())).first()
    assert event is not None
    assert event.record_ids == [str(person.id)]
    assert event.detail == {}  # never any content


def test_refs_follow_the_highest_number_and_never_clash(db: Session) -> None:
    add_participant(db, K.OTHER, "First", None, {}, ref="X9")
    add_participant(db, K.OTHER, "Second", None, {})
    assert {r for r in rows(db) if r.startswith("X")} == {"X9", "X10"}
    with pytest.raises(InvalidParticipant, match="X9 is already in the study"):
        add_participant(db, K.OTHER, "Third", None, {}, ref="X9")


# -- checks ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "name", "attributes", "message"),
    [
        (K.PARENT, "   ", {}, "Enter a name."),
        (K.PRACTITIONER, "Ann", {"sector": "NHS"}, "Sector must be one of: voluntary, school"),
        (K.PARENT, "Ann", {"relationship": "aunt"}, "Relationship must be one of"),
        (K.CHILD, "Ann", {"age": 19}, "Age must be a whole number from 4 to 18."),
        (K.CHILD, "Ann", {"age": True}, "Age must be a whole number"),
        (K.CHILD, "Ann", {"year_group": 4}, "Year group must be a whole number from 5 to 13."),
        (K.CHILD, "Ann", {"gender": "male"}, "Gender must be one of: girl, boy, other"),
        (K.OTHER, "Ann", {" ": "x"}, "Every detail needs a name."),
        (K.OTHER, "Ann", {"a": "x", "a ": "y"}, "The detail 'a' is given twice."),
        (K.OTHER, "Ann", {"a": ["x"]}, "must be text, a number or yes/no"),
    ],
)
def test_bad_details_are_refused_with_one_plain_line(
    db: Session, kind: ParticipantKind, name: str, attributes: dict[str, object], message: str
) -> None:
    with pytest.raises(InvalidParticipant, match=re.escape(message)) as caught:
        add_participant(db, kind, name, None, attributes)
    assert "\n" not in str(caught.value)
    assert isinstance(caught.value, ValueError)
    assert db.scalar(select(func.count()).select_from(m.Participant)) == 16


def test_empty_text_details_are_dropped(db: Session) -> None:
    add_participant(db, K.PRACTITIONER, "Ann", "", {"sector": "school", "role": "  "})
    person = db.scalars(select(m.Participant).filter_by(ref="P7")).one()
    assert person.attributes == {"sector": "school"}
    assert person.contact is None


def test_check_details_is_the_same_truth_without_a_database() -> None:
    details = ParticipantDetails(K.CHILD, " Sam ", None, {"age": 12}, ("G1", "G1"))
    assert check_details(details) == ParticipantDetails(K.CHILD, "Sam", None, {"age": 12}, ("G1",))
    with pytest.raises(InvalidParticipant, match="Only a child has guardians"):
        check_details(ParticipantDetails(K.PARENT, "Ann", None, {}, ("G1",)))


# -- guardians ---------------------------------------------------------------------------------


def test_a_child_gets_parents_and_others_as_guardians(db: Session) -> None:
    add_participant(db, K.OTHER, "Foster Carer", None, {})
    changes = add_participant(db, K.CHILD, "Sam", None, {"age": 11}, ["G2", "X1"])
    assert set(changes.added) == {Table.PARTICIPANT, Table.GUARDIANSHIP}
    assert rows(db)["C7"].guardians == ("G2", "X1")


@pytest.mark.parametrize(
    ("guardian", "message"),
    [
        ("C1", "C1 is a child; a guardian must be a parent or carer, or an other adult."),
        ("P1", "P1 is a practitioner; a guardian must be"),
        ("G9", "There is no participant G9 to be a guardian."),
    ],
)
def test_guardians_must_be_existing_adults(db: Session, guardian: str, message: str) -> None:
    with pytest.raises(InvalidParticipant, match=re.escape(message)):
        add_participant(db, K.CHILD, "Sam", None, {}, [guardian])


def test_only_a_child_has_guardians(db: Session) -> None:
    with pytest.raises(InvalidParticipant, match="Only a child has guardians"):
        add_participant(db, K.PARENT, "Ann", None, {}, ["G1"])
    with pytest.raises(InvalidParticipant, match="Only a child has guardians"):
        update_participant(db, "G1", "Ann", None, {}, ["G2"])


# -- edits -------------------------------------------------------------------------------------


def test_update_changes_details_and_guardians(db: Session) -> None:
    person = db.scalars(select(m.Participant).filter_by(ref="C3")).one()
    changes = update_participant(
        db,
        "C3",
        "Liam A.",
        "07700 900000",
        {"age": 12, "gender": "boy", "year_group": 8},
        ["G2", "G1"],
    )
    assert changes.updated == {Table.PARTICIPANT: [person.id], Table.GUARDIANSHIP: [person.id]}
    row = rows(db)["C3"]
    assert (row.name, row.contact, row.guardians) == ("Liam A.", "07700 900000", ("G2", "G1"))
    assert row.attributes == {"age": 12, "gender": "boy", "year_group": 8}
    assert row.kind == K.CHILD
    assert audit_actions(db)[-1] == "update-participant"


def test_update_without_guardian_change_names_only_the_participant(db: Session) -> None:
    changes = update_participant(db, "C3", "Liam", None, {"age": 11}, ["G2"])
    assert set(changes.updated) == {Table.PARTICIPANT}


def test_an_old_imported_value_does_not_block_an_unrelated_edit(db: Session) -> None:
    person = db.scalars(select(m.Participant).filter_by(ref="P1")).one()
    person.attributes = {"sector": "NHS trust", "role": "nurse"}
    update_participant(db, "P1", "Helen W.", None, {"sector": "NHS trust", "role": "nurse"})
    with pytest.raises(InvalidParticipant, match="Sector"):
        update_participant(db, "P1", "Helen W.", None, {"sector": "hospital"})


def test_restore_puts_back_exactly_what_was_there(db: Session) -> None:
    before = rows(db)["P1"].details()
    update_participant(db, "P1", "Someone Else", None, {"sector": "health"})
    restore_participant(db, "P1", before)
    assert rows(db)["P1"].details() == before


def test_updating_an_unknown_ref_says_so(db: Session) -> None:
    with pytest.raises(UnknownParticipant, match="There is no participant Z1"):
        update_participant(db, "Z1", "x", None, {})


# -- taking back an add ------------------------------------------------------------------------


def test_a_new_participant_can_be_removed_again(db: Session) -> None:
    add_participant(db, K.CHILD, "Sam", None, {}, ["G1"])
    person = db.scalars(select(m.Participant).filter_by(ref="C7")).one()
    changes = remove_new_participant(db, "C7")
    assert changes.removed == {Table.GUARDIANSHIP: [person.id], Table.PARTICIPANT: [person.id]}
    assert "C7" not in rows(db)
    assert db.scalar(select(func.count()).select_from(m.Guardianship)) == 6  # the demo's
    assert audit_actions(db)[-1] == "remove-participant"
    add_participant(db, K.CHILD, "Sam", None, {}, ["G1"], ref="C7")  # redo: same ref
    assert rows(db)["C7"].guardians == ("G1",)


def test_undo_and_redo_of_an_add_follow_the_ref_the_add_chose(db: Session) -> None:
    details = ParticipantDetails(K.CHILD, "Sam", None, {"age": 11}, ("G1",))
    added = add_participant(db, details.kind, details.name, None, details.attributes, ["G1"])
    assert added.ref == "C7"
    add_participant(db, K.CHILD, "Someone Else", None, {})  # C8, added meanwhile
    remove_added_participant(db, added)
    assert "C7" not in rows(db)
    assert "C8" in rows(db)
    again = add_participant_again(db, added, details)
    assert again.ref == "C7"
    assert again.added_ids(Table.PARTICIPANT) != added.added_ids(Table.PARTICIPANT)  # new row
    assert rows(db)["C7"].details() == details


@pytest.mark.parametrize("ref", ["P1", "G4", "C5"])  # consents, notes, session members
def test_someone_who_took_part_cannot_be_removed(db: Session, ref: str) -> None:
    with pytest.raises(InvalidParticipant, match=f"{ref} already has consents, notes or sessions"):
        remove_new_participant(db, ref)


def test_someone_who_is_only_in_a_session_cannot_be_removed(db: Session) -> None:
    add_participant(db, K.OTHER, "Observer", None, {})
    observer = db.scalars(select(m.Participant).filter_by(ref="X1")).one()
    session = db.scalars(select(m.StudySession).filter_by(ref="S11")).one()
    session.participants.append(observer)
    db.flush()
    with pytest.raises(InvalidParticipant, match="already has consents, notes or sessions"):
        remove_new_participant(db, "X1")


def test_a_guardian_cannot_be_removed_from_under_a_child(db: Session) -> None:
    add_participant(db, K.PARENT, "New Parent", None, {})
    add_participant(db, K.CHILD, "Sam", None, {}, ["G5"])
    with pytest.raises(InvalidParticipant, match="G5 is a guardian of C7"):
        remove_new_participant(db, "G5")


# -- consent status ----------------------------------------------------------------------------


def test_statuses_on_the_demo_study(db: Session) -> None:
    register = rows(db)
    assert list(register)[:3] == ["P1", "P2", "P3"]
    assert len(register) == 16
    c6 = register["C6"]
    assert c6.withdrawn
    assert c6.withdrawn_on == dt.date(2009, 1, 16)
    assert c6.consent_status == "withdrawn"
    assert c6.permissions == frozenset()
    c5 = register["C5"]
    assert c5.consent_status == "consented"
    assert c5.permissions == {Permission.TAKE_PART}  # her own assent said no to quotes
    assert register["P1"].consent_status == "consented"
    assert register["C1"].guardians == ("G1",)
    assert register["G3"].attributes == {"relationship": "carer"}


def test_statuses_say_what_is_needed_next(db: Session) -> None:
    add_participant(db, K.CHILD, "Sam", None, {}, ["G1"])
    add_participant(db, K.PARENT, "Ann", None, {})
    register = rows(db)
    assert register["C7"].consent_status == "needs parental consent"
    assert register["C7"].consent_gaps == (
        "has no parental consent",
        "has not given their own assent",
    )
    assert register["G5"].consent_status == "needs consent"
    child = db.scalars(select(m.Participant).filter_by(ref="C7")).one()
    parent = db.scalars(select(m.Participant).filter_by(ref="G1")).one()
    db.add(
        m.Consent(
            ref="K99",
            participant=parent,
            on_behalf_of=child,
            form="parental-consent",
            form_version="1",
            method="written",
            given_on=dt.date(2009, 2, 1),
            answers={"take-part": True},
        )
    )
    db.flush()
    assert rows(db)["C7"].consent_status == "needs own assent"


def test_a_withdrawn_newcomer_stays_on_record(db: Session) -> None:
    add_participant(db, K.OTHER, "Observer", None, {})
    withdraw_participant(db, "X1", on=dt.date(2009, 2, 1))
    with pytest.raises(InvalidParticipant, match="X1 has been withdrawn, so stays on record"):
        remove_new_participant(db, "X1")
