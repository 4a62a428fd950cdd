"""The study's own details: read, saved (checked, one sentence per bad field, nothing saved
then), put back exactly by an undo, and which of them each shipped form would print blank."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest
from sqlalchemy import select

from plrdesk.cli.study_commands import shipped_forms
from plrdesk.domain import models as m
from plrdesk.domain.study_details import problems
from plrdesk.services.changes import Table
from plrdesk.services.study_details import (
    StudyDetails,
    StudyDetailsInvalid,
    missing_for_form,
    restore_study_details,
    set_study_details,
    study_details,
)
from plrdesk.storage.study_file import StudyFile
from tests.support.files import PASSPHRASE

FULL = StudyDetails(
    title="Moving up",
    researcher="Ama Mensah",
    organisation="Riverside Youth Trust",
    phone="020 7946 0000",
    email="ama@example.org",
    other_contact="or ask at the school office",
    aims=("What helps the move", "What hinders it"),
    endorsed_by="Dr Kwame Osei",
    endorser_role="Head teacher",
    endorsed_on=dt.date(2026, 10, 1),
    endorsement_notes="Endorsed at the governors' meeting.",
    ethics_reference="ETH-2026-14",
)


def test_a_new_study_has_only_its_title(empty_study: StudyFile) -> None:
    with empty_study.transaction() as db:
        assert study_details(db) == StudyDetails(title="Empty study")


def test_saved_details_are_read_back_from_the_file(empty_study: StudyFile) -> None:
    with empty_study.transaction() as db:
        changes = set_study_details(db, FULL)
    assert changes.touches(Table.STUDY)
    empty_study.close()
    with StudyFile.open(empty_study.path, PASSPHRASE) as again, again.transaction() as db:
        assert study_details(db) == FULL
        study = db.scalars(select(m.Study)).one()
        assert study.contact == "020 7946 0000, ama@example.org, or ask at the school office"


def test_what_is_typed_is_cleaned(empty_study: StudyFile) -> None:
    typed = StudyDetails(
        title="  Moving up ",
        researcher=" Ama Mensah ",
        organisation="",
        aims=("", "  What helps  ", "   "),
        endorsement_notes="  ",
    )
    with empty_study.transaction() as db:
        set_study_details(db, typed)
        assert study_details(db) == StudyDetails(
            title="Moving up", researcher="Ama Mensah", aims=("What helps",)
        )


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"email": "ama.example.org"}, "email", "E-mail: “ama.example.org” is not an e-mail"),
        ({"email": "ama@example"}, "email", "E-mail: “ama@example” is not an e-mail"),
        ({"phone": "call me"}, "phone", "Phone: “call me” is not a phone number"),
        ({"phone": "12"}, "phone", "Phone: “12” is not a phone number"),
        ({"endorsed_on": dt.date(2999, 1, 1)}, "endorsed_on", "Endorsement date: 1 January 2999"),
        ({"title": "  "}, "title", "Title: the study needs a title."),
        ({"researcher": "Ama\nMensah"}, "researcher", "Researcher: keep it to one line."),
        ({"endorsed_by": None}, "endorsed_by", "Endorsed by: say who endorsed the study"),
        ({"ethics_reference": "x" * 301}, "ethics_reference", "Ethics reference: too long"),
    ],
)
def test_a_bad_field_is_named_and_nothing_is_saved(
    empty_study: StudyFile, change: dict[str, Any], field: str, message: str
) -> None:
    bad = dataclasses.replace(FULL, **change)
    with empty_study.transaction() as db, pytest.raises(StudyDetailsInvalid) as raised:
        set_study_details(db, bad)
    assert list(raised.value.problems) == [field]
    assert raised.value.problems[field].startswith(message)
    with empty_study.transaction() as db:
        assert study_details(db) == StudyDetails(title="Empty study")


def test_every_bad_field_gets_its_own_sentence() -> None:
    bad = StudyDetails(title="", email="nope", phone="nope", endorser_role="Head teacher")
    found = problems(bad.cleaned(), dt.date(2026, 1, 1))
    assert list(found) == ["title", "phone", "email", "endorsed_by"]
    assert found["endorsed_by"] == (
        "Endorsed by: say who endorsed the study (endorser's role given without a name)."
    )


def test_today_is_not_in_the_future() -> None:
    today = dt.date(2026, 3, 4)
    assert problems(StudyDetails("T", endorsed_by="X", endorsed_on=today), today) == {}


def test_restore_puts_back_exactly_what_was_read(demo_study: StudyFile) -> None:
    with demo_study.transaction() as db:
        before = study_details(db)
        set_study_details(db, FULL)
    # A value the rules now refuse, stored by an older import, is put back as it was.
    with demo_study.transaction() as db:
        db.scalars(select(m.Study)).one().endorsed_on = dt.date(2999, 1, 1)
        odd = study_details(db)
        set_study_details(db, FULL)
        restore_study_details(db, odd)
        assert study_details(db).endorsed_on == dt.date(2999, 1, 1)
        restore_study_details(db, before)
        assert study_details(db) == before
    assert before.researcher == "Claire Beaumont"
    assert before.other_contact == "01632 960123, researcher@example.org"  # the old one line


@pytest.mark.parametrize("form_id", sorted(shipped_forms().ids()))
def test_which_details_a_blank_study_would_print_blank(form_id: str) -> None:
    loaded = shipped_forms().loaded(form_id)
    assert loaded is not None
    participant_facing = loaded.definition.audience == "participant"
    expected = (
        ["researcher", "organisation", "contact"]
        if participant_facing
        else [
            "researcher",
            "organisation",
        ]
    )
    assert missing_for_form(StudyDetails(title="New"), loaded.definition) == expected
    assert missing_for_form(FULL, loaded.definition) == []
    only_phone = StudyDetails("New", researcher="A", organisation="B", phone="020 7946 0000")
    assert missing_for_form(only_phone, loaded.definition) == []
