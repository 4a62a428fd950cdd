"""A participant's copy of the consent they gave: their answers, the date, the method, the
signature, which consent is chosen, and always the wording of the consent's own version."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session

from plrdesk.domain import models as m
from plrdesk.forms.loader import LoadedForm
from plrdesk.printing import (
    ConsentWordingMissing,
    NoConsentRecorded,
    UnknownParticipant,
    print_form,
)
from plrdesk.services.study_forms import store_if_new
from plrdesk.storage.study_file import StudyFile
from tests.printing.support import Pdf, catalog, consent_yaml, form, png, read_pdf

V1 = form(consent_yaml(version="1", take_part="I agree to take part, version one wording."))
V2 = form(consent_yaml(version="2", take_part="I agree to take part, version two wording."))
PARENTAL = form(
    consent_yaml(form_id="parental-consent", signers="[Parent or carer]", title="For parents")
)


def person(db: Session, ref: str, name: str, kind: str = "parent") -> m.Participant:
    row = m.Participant(ref=ref, kind=kind, name=name, attributes={})
    db.add(row)
    db.flush()
    return row


def consent(
    db: Session,
    ref: str,
    signer: m.Participant,
    *,
    form_id: str = "test-consent",
    version: str = "1",
    method: str = "written",
    given_on: dt.date = dt.date(2008, 11, 26),
    answers: dict[str, Any] | None = None,
    for_child: m.Participant | None = None,
    signature: bytes | None = None,
) -> m.Consent:
    row = m.Consent(
        ref=ref,
        participant_id=signer.id,
        on_behalf_of_id=for_child.id if for_child else None,
        form=form_id,
        form_version=version,
        method=method,
        given_on=given_on,
        answers={"take-part": True, "quote": False, "audio": "yes"} if answers is None else answers,
        signature_png=signature,
        position=int(ref.removeprefix("K")),
    )
    db.add(row)
    db.flush()
    return row


def copy(
    db: Session, tmp_path: Path, ref: str, loaded: LoadedForm = V1, *shipped: LoadedForm
) -> Pdf:
    out = tmp_path / f"copy-{ref}.pdf"
    pages = print_form(
        db,
        loaded,
        out,
        large_print=False,
        participant_ref=ref,
        shipped=catalog(*(shipped or (loaded,))),
    )
    pdf = read_pdf(out)
    assert pages == pdf.pages
    return pdf


def ticks_and_crosses(pdf: Pdf) -> tuple[int, int]:
    """Drawn marks: a tick is one stroke with a bend (m l l), a cross two strokes (m l m l)."""
    content = pdf.content(0)
    point = r"-?[\d.]+\s+-?[\d.]+\s+"
    ticks = re.findall(rf"{point}m\s+{point}l\s+{point}l\s+S", content)
    crosses = re.findall(rf"{point}m\s+{point}l\s+{point}m\s+{point}l\s+S", content)
    return len(ticks), len(crosses)


def test_the_copy_shows_answers_date_and_method(db: Session, tmp_path: Path) -> None:
    helen = person(db, "P1", "Helen Whitaker", "practitioner")
    consent(db, "K1", helen, given_on=dt.date(2008, 11, 18))
    pdf = copy(db, tmp_path, "P1")
    text = pdf.text
    assert text.startswith("Copy for the participant")
    assert "1. I agree to take part, version one wording. Yes" in text
    assert re.search(r"2\. I agree that my words may be quoted without my name\. No", text)
    assert "Participant Name Helen Whitaker Signature Signed on the paper form" in text
    assert "Date 18 November 2008" in text
    assert "Consent given on 18 November 2008" in text
    assert "Method: written" in text
    assert "Researcher: Claire Beaumont" in text
    assert "test-consent, version 1, page 1 of 1" in text
    assert ticks_and_crosses(pdf) == (2, 1)  # take-part and the yes-no's Yes; quote crossed


def test_a_verbal_consent_says_who_recorded_it_and_when(db: Session, tmp_path: Path) -> None:
    lisa = person(db, "G1", "Lisa Harrington")
    consent(db, "K19", lisa, method="verbal", given_on=dt.date(2009, 1, 7))
    text = copy(db, tmp_path, "G1").text
    assert "Verbal consent recorded by Claire Beaumont on 7 January 2009" in text
    assert "Method: verbal" in text
    assert "Given verbally (no signature)" in text


def test_the_metadata_never_names_the_participant(db: Session, tmp_path: Path) -> None:
    helen = person(db, "P1", "Helen Whitaker", "practitioner")
    consent(db, "K1", helen)
    pdf = copy(db, tmp_path, "P1")
    assert "Helen Whitaker" in pdf.text  # their own copy
    metadata = pdf.reader.metadata
    assert metadata is not None
    assert metadata.title == "Consent to take part"
    assert not any("Whitaker" in str(value) for value in metadata.values())
    assert pdf.lang == "en-GB"


def test_a_stored_signature_is_embedded_as_an_image(db: Session, tmp_path: Path) -> None:
    helen = person(db, "P1", "Helen Whitaker", "practitioner")
    consent(db, "K1", helen, signature=png())
    pdf = copy(db, tmp_path, "P1")
    assert pdf.images() == 1
    assert "Signed on the paper form" not in pdf.text


def test_a_damaged_signature_image_still_prints_the_copy(db: Session, tmp_path: Path) -> None:
    helen = person(db, "P1", "Helen Whitaker", "practitioner")
    consent(db, "K1", helen, signature=b"\x89PNG not really")
    pdf = copy(db, tmp_path, "P1")
    assert pdf.images() == 0
    assert "(the stored signature image cannot be read)" in pdf.text


def test_a_childs_ref_finds_the_consent_given_on_their_behalf(db: Session, tmp_path: Path) -> None:
    lisa = person(db, "G1", "Lisa Harrington")
    jordan = person(db, "C1", "Jordan Harrington", "child")
    chloe = person(db, "C2", "Chloe Harrington", "child")
    consent(db, "K7", lisa, form_id="parental-consent", for_child=jordan)
    consent(db, "K8", lisa, form_id="parental-consent", for_child=chloe, answers={})
    text = copy(db, tmp_path, "C1", PARENTAL).text
    assert "Parent or carer Name Lisa Harrington For Jordan Harrington" in text
    assert "Chloe" not in text
    # the parent's own ref: the latest of the consents they gave on this form
    text = copy(db, tmp_path, "G1", PARENTAL).text
    assert "For Chloe Harrington" in text
    assert "Jordan" not in text


def test_the_latest_consent_on_the_form_is_printed(db: Session, tmp_path: Path) -> None:
    helen = person(db, "P1", "Helen Whitaker", "practitioner")
    consent(db, "K3", helen, given_on=dt.date(2009, 2, 1))
    consent(db, "K1", helen, given_on=dt.date(2008, 11, 18))
    consent(db, "K2", helen, form_id="other-form", given_on=dt.date(2010, 1, 1))
    assert "Consent given on 1 February 2009" in copy(db, tmp_path, "P1").text


def test_a_withdrawn_consent_says_so(db: Session, tmp_path: Path) -> None:
    helen = person(db, "P1", "Helen Whitaker", "practitioner")
    consent(db, "K1", helen).withdrawn_on = dt.date(2009, 3, 2)
    assert "Withdrawn on 2 March 2009" in copy(db, tmp_path, "P1").text


def test_no_consent_on_this_form_is_a_clear_error(db: Session, tmp_path: Path) -> None:
    helen = person(db, "P1", "Helen Whitaker", "practitioner")
    consent(db, "K2", helen, form_id="other-form")
    out = tmp_path / "copy.pdf"
    with pytest.raises(NoConsentRecorded) as caught:
        print_form(db, V1, out, large_print=False, participant_ref="P1", shipped=catalog(V1))
    assert str(caught.value) == "no consent recorded for participant 'P1' on form 'test-consent'"
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []


def test_an_unknown_participant_is_a_clear_error(db: Session, tmp_path: Path) -> None:
    out = tmp_path / "copy.pdf"
    with pytest.raises(UnknownParticipant, match="no participant 'P9' in this study"):
        print_form(db, V1, out, large_print=False, participant_ref="P9", shipped=catalog(V1))
    assert isinstance(UnknownParticipant("x"), NoConsentRecorded)
    assert not out.exists()


def test_the_copy_uses_its_own_stored_version(empty_study: StudyFile, tmp_path: Path) -> None:
    """forms/ has moved on to version 2; the consent was given on version 1."""
    with empty_study.transaction() as db:
        study = empty_study.study_row(db)
        study.researcher = "Claire Beaumont"
        assert store_if_new(db, catalog(V1), "test-consent", "1")
        consent(db, "K1", person(db, "P1", "Helen Whitaker", "practitioner"))
    with empty_study.transaction() as db:
        text = copy(db, tmp_path, "P1", V2, V2).text
    assert "version one wording" in text
    assert "version two wording" not in text
    assert "test-consent, version 1, page 1 of 1" in text


def test_stored_wording_wins_over_an_edit_without_a_new_version(
    db: Session, tmp_path: Path
) -> None:
    assert store_if_new(db, catalog(V1), "test-consent", "1")
    consent(db, "K1", person(db, "P1", "Helen Whitaker", "practitioner"))
    edited = form(consent_yaml(version="1", take_part="Silently changed wording."))
    text = copy(db, tmp_path, "P1", edited, edited).text
    assert "version one wording" in text
    assert "Silently changed" not in text


def test_an_unstored_version_is_found_in_forms(db: Session, tmp_path: Path) -> None:
    consent(db, "K1", person(db, "P1", "Helen Whitaker", "practitioner"))
    text = copy(db, tmp_path, "P1", V2, V1, V2).text
    assert "version one wording" in text


def test_wording_found_nowhere_is_a_clear_error(db: Session, tmp_path: Path) -> None:
    consent(db, "K1", person(db, "P1", "Helen Whitaker", "practitioner"))
    with pytest.raises(ConsentWordingMissing, match="'test-consent' version '1'"):
        copy(db, tmp_path, "P1", V2, V2)


def test_unanswered_lines_stay_empty_and_the_copy_says_why(db: Session, tmp_path: Path) -> None:
    helen = person(db, "P1", "Helen Whitaker", "practitioner")
    consent(db, "K1", helen, answers={"take-part": True})
    pdf = copy(db, tmp_path, "P1")
    assert ticks_and_crosses(pdf) == (1, 0)
    assert "An empty box means that no answer was recorded for that line." in pdf.text
    assert "May we record the sound of the interview? Yes No" in pdf.text


def test_a_fully_answered_copy_has_no_note_about_empty_boxes(db: Session, tmp_path: Path) -> None:
    consent(db, "K1", person(db, "P1", "Helen Whitaker", "practitioner"))
    assert "An empty box" not in copy(db, tmp_path, "P1").text


def test_a_childs_assent_is_called_assent(db: Session, tmp_path: Path) -> None:
    assent = form(consent_yaml(kind="assent", signers="[Child]", large=True))
    consent(db, "K13", person(db, "C1", "Jordan Harrington", "child"))
    pdf = copy(db, tmp_path, "C1", assent)
    assert "Child Name Jordan Harrington" in pdf.text
    assert "Assent given on 26 November 2008" in pdf.text
    assert min(pdf.font_sizes()) >= 14
