"""Recording consent: each method, every check that refuses a record, the stored wording,
and the permissions that follow."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from plrdesk.cli.study_commands import shipped_forms
from plrdesk.domain import models as m
from plrdesk.domain.kinds import ConsentMethod, Permission
from plrdesk.forms.catalog import FormCatalog
from plrdesk.forms.loader import parse_form
from plrdesk.services.call_consent import call_consent_setup, record_call_consent
from plrdesk.services.changes import Table
from plrdesk.services.consents import (
    ConsentRequest,
    FieldProblem,
    InvalidConsent,
    clean_answers,
    consents_of,
    describe,
    record_consent,
    recorder_setup,
    validate_answers,
    visible_items,
    withdraw_consent,
)
from plrdesk.services.permission_book import load_permission_book
from plrdesk.services.sessions import add_call_attempt, create_session, decline_call, notes_gate
from plrdesk.storage.study_file import StudyFile

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 16
TODAY = dt.date.today()
NOW = dt.datetime(2009, 2, 3, 18, 0, tzinfo=dt.UTC)

CUSTOM = """\
id: club-consent
title: Consent for the club study
version: "3"
kind: consent
audience: researcher
sections:
  - id: main
    items:
      - id: intro
        type: info
        text: This is about the club.
      - id: take-part
        type: statement
        text: I agree to take part.
        required: true
        grants: take-part
      - id: quote
        type: yes-no
        text: May we quote you?
      - id: why-not
        type: text
        text: Why not?
        relevant: ${quote} = no
        required: true
      - id: years
        type: number
        text: How many years have you been at the club?
        constraints:
          - rule: . >= 0 and . < 80
            message: Give a number of years from 0 to 79.
"""


@pytest.fixture
def forms() -> FormCatalog:
    """The shipped forms plus a small consent form with skip logic and a constraint."""
    catalog = FormCatalog(dict(shipped_forms().forms))
    loaded = parse_form(CUSTOM, "club-consent.yaml")
    catalog.forms[("club-consent", "3")] = loaded
    return catalog


def add_people(db: Session) -> None:
    """A new parent G5 with child C7, a new practitioner P7 (no consents yet)."""
    parent = m.Participant(ref="G5", kind="parent", name="Nadia Okafor", position=100)
    child = m.Participant(ref="C7", kind="child", name="Femi Okafor", position=101)
    child.guardians = [parent]
    db.add_all([parent, child, m.Participant(ref="P7", kind="practitioner", name="Ann Lee")])
    db.flush()


@pytest.fixture
def study(demo_study: StudyFile) -> StudyFile:
    with demo_study.transaction() as db:
        add_people(db)
    return demo_study


def consent(db: Session, ref: str) -> m.Consent:
    return db.scalars(select(m.Consent).filter_by(ref=ref)).one()


def practitioner(db: Session, forms: FormCatalog, **overrides: Any) -> None:
    kwargs: dict[str, Any] = {
        "participant_ref": "P7",
        "form_id": "practitioner-consent",
        "form_version": "1",
        "method": "written",
        "given_on": TODAY,
        "answers": {"take-part": True, "quote": True, "audio": False},
    }
    kwargs.update(overrides)
    record_consent(db, forms, **kwargs)


# -- each method ------------------------------------------------------------------------------


def test_written_consent_with_a_scan_gets_the_next_ref(
    study: StudyFile, forms: FormCatalog
) -> None:
    scan = b"%PDF-1.4 scanned"
    with study.transaction() as db:
        changes = record_consent(
            db,
            forms,
            participant_ref="P7",
            form_id="practitioner-consent",
            form_version="1",
            method="written",
            given_on=dt.date(2009, 1, 5),
            answers={"take-part": True, "quote": True, "audio": False, "future-contact": True},
            scan_image=scan,
            scan_media_type="application/pdf",
        )
    with study.transaction() as db:
        row = consent(db, "K23")
        assert changes.added_ids(Table.CONSENT) == [row.id]
        assert row.participant.ref == "P7"
        assert row.method == "written"
        assert row.given_on == dt.date(2009, 1, 5)
        assert row.answers["take-part"] is True
        assert row.scan_image == scan
        assert row.scan_media_type == "application/pdf"
        assert row.signature_png is None
        events = db.scalars(select(m.AuditEvent).filter_by(action="record-consent")).all()
        assert [str(row.id) in e.record_ids for e in events] == [True]
        assert events[0].detail == {
            "form": "practitioner-consent",
            "version": "1",
            "method": "written",
        }


def test_verbal_consent_keeps_each_confirmation_time_and_who_recorded_it(
    study: StudyFile, forms: FormCatalog
) -> None:
    at = dt.datetime(2009, 2, 3, 18, 5, 12, tzinfo=dt.UTC)
    with study.transaction() as db:
        record_consent(
            db,
            forms,
            participant_ref="G5",
            form_id="parent-verbal-consent",
            form_version="1",
            method="verbal",
            given_on=dt.date(2009, 2, 3),
            answers={"understands-purpose": True, "take-part": True, "quote": False},
            confirmations={
                "understands-purpose": at.isoformat(),
                "take-part": (at + dt.timedelta(seconds=40)).isoformat(),
            },
        )
    with study.transaction() as db:
        row = consent(db, "K23")
        assert row.method == "verbal"
        assert row.recorded_by == "Claire Beaumont"  # the study's researcher by default
        assert row.confirmations == {
            "understands-purpose": "2009-02-03T18:05:12+00:00",
            "take-part": "2009-02-03T18:05:52+00:00",
        }
        assert row.answers == {"understands-purpose": True, "take-part": True, "quote": False}


def test_electronic_consent_for_a_child_keeps_both_signatures(
    study: StudyFile, forms: FormCatalog
) -> None:
    with study.transaction() as db:
        record_consent(
            db,
            forms,
            participant_ref="G5",
            on_behalf_of_ref="C7",
            form_id="parental-consent",
            form_version="1",
            method="electronic",
            given_on=TODAY,
            answers={"take-part": True, "quote": True},
            signature_png=PNG,
            second_signature_png=PNG + b"child",
            recorded_by="  ",
        )
    with study.transaction() as db:
        row = consent(db, "K23")
        assert row.on_behalf_of is not None
        assert row.on_behalf_of.ref == "C7"
        assert row.signature_png == PNG
        assert row.second_signature_png == PNG + b"child"
        assert row.recorded_by is None


def test_a_new_form_version_is_stored_with_its_exact_text(
    study: StudyFile, forms: FormCatalog
) -> None:
    with study.transaction() as db:
        assert not db.scalars(select(m.StoredForm).filter_by(form_id="club-consent")).all()
        changes = record_consent(
            db,
            forms,
            participant_ref="P7",
            form_id="club-consent",
            form_version="3",
            method="written",
            given_on=TODAY,
            answers={"take-part": True, "quote": True},
        )
    with study.transaction() as db:
        stored = db.scalars(select(m.StoredForm).filter_by(form_id="club-consent")).one()
        assert (stored.version, stored.source) == ("3", CUSTOM)
        assert changes.added_ids(Table.FORM_VERSION) == [stored.id]
        # Used again: stored once only.
        changes = record_consent(
            db,
            forms,
            participant_ref="P1",
            form_id="club-consent",
            form_version="3",
            method="written",
            given_on=TODAY,
            answers={"take-part": True, "quote": True},
        )
        assert Table.FORM_VERSION not in changes.added
        assert len(db.scalars(select(m.StoredForm).filter_by(form_id="club-consent")).all()) == 1


def test_a_stored_version_no_longer_in_forms_can_still_be_recorded_on(
    study: StudyFile, forms: FormCatalog
) -> None:
    with study.transaction() as db:
        practitioner(
            db, forms, form_id="club-consent", form_version="3", answers={"take-part": True}
        )
    with study.transaction() as db:
        # The shipped catalog alone lacks club-consent: the study's stored copy is used.
        record_consent(
            db,
            shipped_forms(),
            participant_ref="P1",
            form_id="club-consent",
            form_version="3",
            method="written",
            given_on=TODAY,
            answers={"take-part": True},
        )
        assert consent(db, "K24").form == "club-consent"


# -- permissions ------------------------------------------------------------------------------


def test_a_child_takes_part_once_a_parent_consents_and_the_child_assents(
    study: StudyFile, forms: FormCatalog
) -> None:
    with study.transaction() as db:
        assert not load_permission_book(db, forms).holds("C7", Permission.TAKE_PART)
        record_consent(
            db,
            forms,
            participant_ref="G5",
            on_behalf_of_ref="C7",
            form_id="parental-consent",
            form_version="1",
            method="written",
            given_on=TODAY,
            answers={"take-part": True, "quote": True},
        )
        book = load_permission_book(db, forms)
        assert not book.holds("C7", Permission.TAKE_PART)  # no assent yet
        assert not book.holds("G5", Permission.TAKE_PART)  # the parent spoke for the child
        record_consent(
            db,
            forms,
            participant_ref="C7",
            form_id="child-assent",
            form_version="1",
            method="written",
            given_on=TODAY,
            answers={"take-part": True, "quote": False},
        )
        book = load_permission_book(db, forms)
        assert book.holds("C7", Permission.TAKE_PART)
        assert not book.holds("C7", Permission.QUOTE)  # the child's "no" wins


def test_withdrawing_a_consent_takes_its_permissions_away(
    study: StudyFile, forms: FormCatalog
) -> None:
    with study.transaction() as db:
        practitioner(db, forms, given_on=TODAY - dt.timedelta(days=3))
        assert load_permission_book(db, forms).holds("P7", Permission.TAKE_PART)
        changes = withdraw_consent(db, "K23", TODAY)
        assert changes.updated_ids(Table.CONSENT) == [consent(db, "K23").id]
        book = load_permission_book(db, forms)
        assert not book.holds("P7", Permission.TAKE_PART)
        assert book.is_withdrawn("P7")
        with pytest.raises(InvalidConsent, match="already withdrawn"):
            withdraw_consent(db, "K23", TODAY)
        with pytest.raises(InvalidConsent, match="no consent K99"):
            withdraw_consent(db, "K99", TODAY)


def test_a_consent_cannot_be_withdrawn_before_it_was_given(
    study: StudyFile, forms: FormCatalog
) -> None:
    with study.transaction() as db:
        practitioner(db, forms)
        with pytest.raises(InvalidConsent, match="cannot be withdrawn before"):
            withdraw_consent(db, "K23", TODAY - dt.timedelta(days=1))


def test_consents_of_lists_what_a_person_gave_and_what_was_given_for_them(
    demo_study: StudyFile,
) -> None:
    with demo_study.transaction() as db:
        mine = consents_of(db, "G1")
        for_child = consents_of(db, "C1")
    assert [c.ref for c in mine] == ["K7", "K8", "K19"]
    assert [(c.ref, c.signer_ref, c.subject_ref) for c in for_child] == [
        ("K7", "G1", "C1"),
        ("K13", "C1", "C1"),
    ]
    assert for_child[0].on_behalf_of_name == "Jordan Harrington"


def test_recorder_setup_offers_the_forms_that_fit_each_kind(
    study: StudyFile, forms: FormCatalog
) -> None:
    with study.transaction() as db:
        parent = recorder_setup(db, forms, "G5")
        child = recorder_setup(db, forms, "C7")
        worker = recorder_setup(db, forms, "P7")
    assert [(c.form_id, c.for_child) for c in parent.choices] == [
        ("club-consent", False),  # a study's own consent form is offered to every adult
        ("parental-consent", True),
        ("parent-verbal-consent", False),
    ]
    assert [c.ref for c in parent.children] == ["C7"]
    assert [c.form_id for c in child.choices] == ["child-assent"]
    assert {c.form_id for c in worker.choices} == {"practitioner-consent", "club-consent"}
    assert parent.placeholders["study.researcher"] == "Claire Beaumont"


# -- refusals ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"answers": {"take-part": True, "colour": "red"}}, "has no item 'colour'"),
        ({"answers": {"quote": True}}, 'must be ticked.*item "take-part"'),
        ({"answers": {"take-part": False}}, 'must be ticked.*item "take-part"'),
        ({"answers": {"take-part": "yes"}}, "must be yes or no"),
        ({"form_version": "9"}, "no form 'practitioner-consent' version '9'"),
        ({"form_id": "practitioner-interview"}, "not a consent form"),
        ({"form_id": "child-assent"}, "not a form for a practitioner"),
        ({"participant_ref": "P99"}, "no participant P99"),
        ({"method": "carrier-pigeon"}, "Unknown method"),
        ({"method": "electronic"}, "needs the signature drawn on screen"),
        ({"signature_png": PNG}, "signed on paper or not at all"),
        ({"method": "electronic", "signature_png": b"GIF89a"}, "must be a PNG"),
        ({"scan_image": b"%PDF-", "scan_media_type": "image/png"}, "not a PNG file"),
        ({"scan_image": b"GIF89a", "scan_media_type": "image/gif"}, "PNG or JPEG image or a PDF"),
        ({"confirmations": {"take-part": "2009-01-01T10:00:00+00:00"}}, "verbal consent only"),
        (
            {"given_on": TODAY + dt.timedelta(days=400)},
            "after today",
        ),  # far: a run may span midnight
        ({"on_behalf_of_ref": "C7"}, "not given on a child's behalf"),
    ],
)
def test_a_bad_consent_is_refused_with_one_plain_line(
    study: StudyFile, forms: FormCatalog, overrides: dict[str, Any], message: str
) -> None:
    with study.transaction() as db:
        with pytest.raises(InvalidConsent, match=message) as caught:
            practitioner(db, forms, **overrides)
        assert "\n" not in str(caught.value)
        assert not db.scalars(select(m.Consent).filter_by(ref="K23")).first()


def test_refusal_names_the_item(study: StudyFile, forms: FormCatalog) -> None:
    with study.transaction() as db, pytest.raises(InvalidConsent) as caught:
        practitioner(db, forms, answers={"quote": True})
    assert caught.value.item_id == "take-part"
    assert str(caught.value) == (
        "This must be ticked before the form can be saved."
        ' (item "take-part": I agree to take part in an interview for this study.)'
    )


def test_a_verbal_script_must_be_recorded_as_verbal(study: StudyFile, forms: FormCatalog) -> None:
    with study.transaction() as db, pytest.raises(InvalidConsent, match="record it as verbal"):
        record_consent(
            db,
            forms,
            participant_ref="G5",
            form_id="parent-verbal-consent",
            form_version="1",
            method="written",
            given_on=TODAY,
            answers={"take-part": True},
        )


@pytest.mark.parametrize(
    ("signer", "child", "message"),
    [
        ("G5", "P1", "P1 is not a child"),
        ("G5", "C1", "G5 is not a parent or carer of C1"),
        ("G4", "C6", "C6 has withdrawn"),
        ("G5", None, "choose which child"),
    ],
)
def test_a_parent_consents_only_for_their_own_child(
    study: StudyFile, forms: FormCatalog, signer: str, child: str | None, message: str
) -> None:
    with study.transaction() as db, pytest.raises(InvalidConsent, match=message):
        record_consent(
            db,
            forms,
            participant_ref=signer,
            on_behalf_of_ref=child,
            form_id="parental-consent",
            form_version="1",
            method="written",
            given_on=TODAY,
            answers={"take-part": True},
        )


def test_an_assent_is_never_given_on_someone_elses_behalf(
    study: StudyFile, forms: FormCatalog
) -> None:
    with study.transaction() as db, pytest.raises(InvalidConsent, match="child's own"):
        record_consent(
            db,
            forms,
            participant_ref="C7",
            on_behalf_of_ref="C7",
            form_id="child-assent",
            form_version="1",
            method="written",
            given_on=TODAY,
            answers={"take-part": True},
        )


def test_constraint_and_skip_logic(study: StudyFile, forms: FormCatalog) -> None:
    club = dict(form_id="club-consent", form_version="3")
    with study.transaction() as db:
        with pytest.raises(InvalidConsent, match=r'from 0 to 79.*item "years"') as caught:
            practitioner(db, forms, **club, answers={"take-part": True, "years": 120})
        assert caught.value.item_id == "years"
        with pytest.raises(InvalidConsent, match=r'An answer is needed.*item "why-not"'):
            practitioner(db, forms, **club, answers={"take-part": True, "quote": False})
        # why-not is hidden when quote is yes: its answer is dropped, and it is not required.
        practitioner(
            db, forms, **club, answers={"take-part": True, "quote": True, "why-not": "shy"}
        )
        assert consent(db, "K23").answers == {"take-part": True, "quote": True}


def test_a_confirmation_needs_a_ticked_item_and_an_aware_time(
    study: StudyFile, forms: FormCatalog
) -> None:
    base: dict[str, Any] = {
        "participant_ref": "G5",
        "form_id": "parent-verbal-consent",
        "form_version": "1",
        "method": "verbal",
        "given_on": TODAY,
        "answers": {"take-part": True, "quote": False},
    }
    with study.transaction() as db:
        for confirmations, message in [
            ({"quote": "2009-01-01T10:00:00+00:00"}, "not ticked"),
            ({"take-part": "2009-01-01T10:00:00"}, "no time zone"),
            ({"take-part": "soon"}, "not a date and time"),
            ({"hello": "2009-01-01T10:00:00+00:00"}, "no confirmation 'hello'"),
        ]:
            with pytest.raises(InvalidConsent, match=message):
                record_consent(db, forms, **base, confirmations=confirmations)


# -- the pure checks the form on screen shares --------------------------------------------------


def test_validate_and_visible_are_pure(forms: FormCatalog) -> None:
    form = forms.get("club-consent", "3")
    assert form is not None
    assert "why-not" not in visible_items(form, {})
    assert "why-not" in visible_items(form, {"quote": False})
    assert validate_answers(form, {"take-part": True}) == []
    problems = validate_answers(form, {"take-part": True, "quote": False, "years": "x"})
    assert problems == [
        FieldProblem("why-not", "An answer is needed."),
        FieldProblem("years", "Type a number, such as 12 or 3.5."),
    ]
    assert clean_answers(form, {"take-part": True, "why-not": "", "years": None}) == {
        "take-part": True
    }
    assert describe(form, FieldProblem("nope", "The form has no item 'nope'.")) == (
        "The form has no item 'nope'."
    )


def test_hiding_cascades_through_dependent_items() -> None:
    form = parse_form(
        """\
id: chain
title: Chain
version: "1"
kind: interview-guide
audience: researcher
sections:
  - id: s
    items:
      - {id: a, type: yes-no, text: "A?"}
      - {id: b, type: yes-no, text: "B?", relevant: "${a} = yes"}
      - {id: c, type: text, text: "C?", relevant: "${b} = yes"}
""",
        "chain.yaml",
    ).definition
    assert visible_items(form, {"a": True, "b": True}) == {"a", "b", "c"}
    # a = no hides b, and b's stale yes must not keep c showing.
    assert visible_items(form, {"a": False, "b": True}) == {"a"}


# -- verbal consent taken on the call screen of a phone interview ----------------------------


def call_for_g5(db: Session, forms: FormCatalog, *outcomes: str) -> uuid.UUID:
    """A phone interview with G5 (no consent yet), its attempts logged."""
    made = create_session(db, forms, "phone-interview", "parent-phone-interview", ["G5"], None)
    for n, outcome in enumerate(outcomes):
        add_call_attempt(db, made.record_id, NOW + dt.timedelta(hours=n), outcome)
    return made.record_id


def on_call(**overrides: Any) -> ConsentRequest:
    fields: dict[str, Any] = {
        "participant_ref": "G5",
        "form_id": "parent-verbal-consent",
        "form_version": "1",
        "method": ConsentMethod.VERBAL,
        "given_on": TODAY,
        "answers": {"understands-purpose": True, "take-part": True},
        "confirmations": {
            "understands-purpose": NOW.isoformat(),
            "take-part": (NOW + dt.timedelta(seconds=30)).isoformat(),
        },
    }
    fields.update(overrides)
    return ConsentRequest(**fields)


def test_the_call_screen_reads_the_parents_script_with_the_study_filled_in(
    study: StudyFile, forms: FormCatalog
) -> None:
    with study.transaction() as db:
        session_id = call_for_g5(db, forms, "no-answer")
        setup = call_consent_setup(db, forms, session_id)
        assert setup is not None
        assert (setup.participant_ref, setup.form.id) == ("G5", "parent-verbal-consent")
        assert setup.placeholders["study.researcher"] == "Claire Beaumont"
        assert call_consent_setup(db, forms, "S7") is None  # G1 consented already


def test_consent_recorded_on_the_call_is_in_the_register_and_opens_the_notes(
    study: StudyFile, forms: FormCatalog
) -> None:
    with study.transaction() as db:
        session_id = call_for_g5(db, forms, "no-answer", "reached")
        assert notes_gate(db, session_id).awaiting_consent == ("G5",)
        changes = record_call_consent(db, forms, session_id, on_call())
        (consent_id,) = changes.added_ids(Table.CONSENT)
        assert changes.updated_ids(Table.SESSION) == [session_id]
    with study.transaction() as db:
        row = db.get_one(m.Consent, consent_id)
        assert (row.participant.ref, row.method, row.form) == (
            "G5",
            "verbal",
            "parent-verbal-consent",
        )
        assert row.confirmations["take-part"] == (NOW + dt.timedelta(seconds=30)).isoformat()
        assert row.recorded_by == "Claire Beaumont"
        assert notes_gate(db, session_id).open
        (event,) = db.scalars(select(m.AuditEvent).filter_by(action="consent-on-call"))
        assert event.record_ids == [str(session_id), str(consent_id)]


@pytest.mark.parametrize(
    ("outcomes", "request_fields", "message"),
    [
        (("no-answer",), {}, "Log the call as answered"),
        (("reached",), {"participant_ref": "G1"}, "G1 is not waiting"),
        (("reached",), {"method": ConsentMethod.WRITTEN}, "verbal consent"),
        (("reached",), {"form_id": "parental-consent"}, "not a script"),
        (("reached",), {"answers": {"understands-purpose": True}}, "take-part"),
    ],
)
def test_consent_on_the_call_is_refused_before_anything_is_written(
    study: StudyFile,
    forms: FormCatalog,
    outcomes: tuple[str, ...],
    request_fields: dict[str, Any],
    message: str,
) -> None:
    with study.transaction() as db:
        session_id = call_for_g5(db, forms, *outcomes)
    fields = {"confirmations": {}, **request_fields}
    with pytest.raises(InvalidConsent, match=message), study.transaction() as db:
        record_call_consent(db, forms, session_id, on_call(**fields))
    with study.transaction() as db:
        assert consents_of(db, "G5") == []
        assert not notes_gate(db, session_id).open


def test_no_consent_on_a_call_declined_or_outside_a_phone_interview(
    study: StudyFile, forms: FormCatalog
) -> None:
    with study.transaction() as db:
        session_id = call_for_g5(db, forms, "reached")
        decline_call(db, session_id, NOW + dt.timedelta(hours=2), "not now, maybe in spring")
        with pytest.raises(InvalidConsent, match="declined"):
            record_call_consent(db, forms, session_id, on_call(confirmations={}))
        with pytest.raises(InvalidConsent, match="not a phone interview"):
            record_call_consent(db, forms, "S1", on_call(confirmations={}))
        assert consents_of(db, "G5") == []
