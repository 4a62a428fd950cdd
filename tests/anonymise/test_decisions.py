"""Review decisions kept in the study, and found names added to its register."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from plrdesk.anonymise.decisions import (
    add_to_register,
    forget_decision,
    load_decisions,
    record_decision,
)
from plrdesk.anonymise.engine import Anonymiser, found_for_register
from plrdesk.anonymise.register import register_from_study
from plrdesk.anonymise.types import Layer
from plrdesk.domain import models as m
from plrdesk.storage.study_file import StudyFile


@pytest.fixture
def db(demo_study: StudyFile) -> Iterator[Session]:
    with demo_study.transaction() as session:
        yield session


def test_record_and_load(db: Session) -> None:
    assert load_decisions(db) == {}
    record_decision(db, "May", Layer.NAME, "person", "reject")
    record_decision(db, "Aisha's", "name", "person", "accept")
    assert load_decisions(db) == {("may", "name"): "reject", ("aisha", "name"): "accept"}


def test_recording_again_changes_the_decision(db: Session) -> None:
    record_decision(db, "May", Layer.NAME, "person", "reject")
    record_decision(db, "MAY", Layer.NAME, "person", "accept")
    assert load_decisions(db) == {("may", "name"): "accept"}
    assert db.scalar(select(func.count()).select_from(m.RedactionDecision)) == 1


def test_the_same_text_on_two_layers_is_two_decisions(db: Session) -> None:
    record_decision(db, "Young", Layer.NAME, "practitioner", "reject")
    record_decision(db, "Young", Layer.REGISTER, "practitioner", "accept")
    assert len(load_decisions(db)) == 2


def test_bad_decisions(db: Session) -> None:
    with pytest.raises(ValueError, match="accept"):
        record_decision(db, "May", Layer.NAME, "person", "maybe")
    with pytest.raises(ValueError, match="nowhere"):
        record_decision(db, "May", "nowhere", "person", "reject")
    with pytest.raises(ValueError, match="empty"):
        record_decision(db, "  ", Layer.NAME, "person", "reject")


def test_forget(db: Session) -> None:
    record_decision(db, "May", Layer.NAME, "person", "reject")
    assert forget_decision(db, "may", Layer.NAME)
    assert not forget_decision(db, "may", Layer.NAME)
    assert load_decisions(db) == {}


def test_decisions_from_the_study_drive_the_anonymiser(db: Session) -> None:
    text = "I saw May on Tuesday and Zuzanna."
    record_decision(db, "May", Layer.NAME, "person", "reject")
    record_decision(db, "Zuzanna", Layer.NAME, "person", "accept")
    red = Anonymiser(register_from_study(db), load_decisions(db)).redact(text)
    assert red.text == "I saw May on Tuesday and [person]."
    assert not red.redactions[0].needs_review


def test_add_to_register_then_the_register_catches_it(db: Session) -> None:
    text = "Mr Okonkwo's letter; Okonkwo rang."
    before = Anonymiser(register_from_study(db)).redact(text)
    [offered] = found_for_register([before])
    row = add_to_register(db, offered.text, offered.label, offered.aliases)
    assert (row.text, row.kind, row.aliases) == ("Mr Okonkwo", "person", ["Okonkwo"])
    last = db.scalar(select(func.max(m.Identifier.position)))
    assert row.position == last
    after = Anonymiser(register_from_study(db)).redact(text)
    assert after.text == "[person] letter; [person] rang."
    assert {r.layer for r in after.redactions} == {Layer.REGISTER}
    assert found_for_register([after]) == []


def test_add_to_register_merges_with_an_existing_identifier(db: Session) -> None:
    count = db.scalar(select(func.count()).select_from(m.Identifier))
    row = add_to_register(db, "castlebrook academy", "school", ["Castlebrook", "CBA", "cba"])
    assert row.text == "Castlebrook Academy"
    assert row.aliases == ["Castlebrook", "CBA"]
    assert db.scalar(select(func.count()).select_from(m.Identifier)) == count


def test_add_to_register_labels(db: Session) -> None:
    assert add_to_register(db, "020 7946 0000", "phone").kind == "phone"
    assert add_to_register(db, "Aisha's", "Person").text == "Aisha"
    with pytest.raises(ValueError, match="empty"):
        add_to_register(db, " ", "person")
