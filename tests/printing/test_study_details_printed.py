"""What `services.study_details.details_used_by` says a form prints is what it prints: every
shipped form, with every detail filled in, has no blank line ("________") at all; with one
detail left out, it has one exactly when that detail is among those the form uses. So the
warning before printing (app, `forms print`, `forms check --study`) names every blank."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.orm import Session

from plrdesk.cli.study_commands import shipped_forms
from plrdesk.domain import models as m
from plrdesk.forms.catalog import FormCatalog
from plrdesk.printing.form_pdf import render_form
from plrdesk.services.study_details import details_used_by, missing_for_form, study_details

BLANK = "________"
SHIPPED = shipped_forms()
FORM_IDS = sorted(SHIPPED.ids())

# What leaving each detail out means on the study row.
LEAVE_OUT = {
    "researcher": {"researcher": None},
    "organisation": {"organisation": None},
    "contact": {"phone": None, "email": None, "other_contact": None},
}


def text_of(db: Session, catalog: FormCatalog, form_id: str) -> str:
    loaded = catalog.loaded(form_id)
    assert loaded is not None
    data, _pages = render_form(db, loaded, large_print=False, participant_ref=None, shipped=catalog)
    return " ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def test_the_shipped_forms_are_all_here() -> None:
    assert len(FORM_IDS) == 10


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_with_every_detail_a_form_has_no_blank(db: Session, form_id: str) -> None:
    text = text_of(db, SHIPPED, form_id)
    assert BLANK not in text
    assert "Claire Beaumont" in text
    loaded = SHIPPED.loaded(form_id)
    assert loaded is not None
    assert missing_for_form(study_details(db), loaded.definition) == []


@pytest.mark.parametrize("detail", sorted(LEAVE_OUT))
@pytest.mark.parametrize("form_id", FORM_IDS)
def test_a_detail_left_out_is_blank_where_the_form_uses_it(
    db: Session, form_id: str, detail: str
) -> None:
    study = db.scalars(select(m.Study)).one()
    for column, value in LEAVE_OUT[detail].items():
        setattr(study, column, value)
    loaded = SHIPPED.loaded(form_id)
    assert loaded is not None
    used = detail in details_used_by(loaded.definition)
    assert (BLANK in text_of(db, SHIPPED, form_id)) is used
    assert missing_for_form(study_details(db), loaded.definition) == ([detail] if used else [])


def test_every_form_prints_the_researcher_and_participant_forms_the_contact() -> None:
    for form_id in FORM_IDS:
        loaded = SHIPPED.loaded(form_id)
        assert loaded is not None
        used = details_used_by(loaded.definition)
        assert {"title", "researcher", "organisation"} <= set(used)
        participant = loaded.definition.audience == "participant"
        assert ("contact" in used) is participant, form_id


def test_the_ethics_reference_is_printed_only_when_there_is_one(db: Session) -> None:
    assert "Ethics reference" not in text_of(db, SHIPPED, "parental-consent")
    study = db.scalars(select(m.Study)).one()
    study.ethics_reference = "ETH/2026/014"
    assert "Ethics reference: ETH/2026/014" in text_of(db, SHIPPED, "parental-consent")


def test_the_contact_line_joins_phone_e_mail_and_the_other_line(db: Session) -> None:
    study = db.scalars(select(m.Study)).one()
    study.other_contact = "or ask at the school office"
    text = " ".join(text_of(db, SHIPPED, "parental-consent").split())
    assert "01632 960123, researcher@example.org, or ask at the school office" in text
