"""A blank form printed to fill in by hand: header, wording, numbered boxes, signature
lines, contact, footer, metadata, large print, and nothing about any participant."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from plrdesk.domain import models as m
from plrdesk.printing import blocks, print_form
from tests.printing.support import STUDY, catalog, consent_yaml, form, read_pdf

INFO_ITEM = """\
      - id: note-{n}
        type: info
        text: >-
          Paragraph {n}. The study asks how schools and services work together when
          children move up to secondary school, and what would make the move easier.
"""

QUESTIONS = """\
  - id: questions
    title: A few questions
    items:
      - id: school
        type: text
        text: Which school do you work in?
      - id: story
        type: long-text
        text: Tell us about the move.
        help: Write as much as you like.
      - id: tools
        type: multi-choice
        text: Which tools do you use?
        choices:
          - {value: caf, label: Common Assessment Framework}
          - {value: ehm, label: Information-sharing system}
      - id: role
        type: single-choice
        text: What is your role?
        choices:
          - {value: school, label: School staff}
          - {value: voluntary, label: Voluntary sector}
      - id: ease
        type: scale
        text: How easy was the move?
        min: 1
        max: 5
      - id: hands
        type: show-of-hands
        text: Put your hand up if the move went well.
        choices:
          - {value: well, label: Went well}
          - {value: badly, label: Did not}
      - id: day
        type: date
        text: Date of the interview
"""


def long_form(form_id: str = "test-consent", version: str = "1") -> str:
    notes = "".join(INFO_ITEM.format(n=n) for n in range(1, 41))
    section = "  - id: more\n    title: More about it\n    items:\n"
    return consent_yaml(form_id=form_id, version=version) + section + notes


def blank(db: Session, tmp_path: Path, text: str, *, large: bool = False) -> Path:
    loaded = form(text)
    out = tmp_path / "form.pdf"
    pages = print_form(
        db, loaded, out, large_print=large, participant_ref=None, shipped=catalog(loaded)
    )
    assert pages == read_pdf(out).pages
    return out


def test_header_and_information_text_are_filled_from_the_study(db: Session, tmp_path: Path) -> None:
    text = read_pdf(blank(db, tmp_path, consent_yaml())).text
    assert STUDY["title"] in text
    assert f"Researcher: {STUDY['researcher']}" in text
    assert f"Organisation: {STUDY['organisation']}" in text
    assert "Consent to take part" in text
    assert "Claire Beaumont from Brightpath Youth Trust runs Moving up together." in text
    assert "About the study" in text
    assert "What I agree to" in text
    assert "{study." not in text


def test_statements_are_numbered_with_drawn_boxes(db: Session, tmp_path: Path) -> None:
    pdf = read_pdf(blank(db, tmp_path, consent_yaml()))
    text = pdf.text
    assert re.search(r"1\. I agree to take part in the study\.", text)
    assert re.search(r"2\. I agree that my words may be quoted", text)
    assert re.search(r"3\. May we record the sound of the interview\? Yes No", text)
    assert pdf.pages == 1
    assert pdf.boxes() == 4  # two statements and the yes-no's Yes and No


def test_other_item_types_get_boxes_and_lines(db: Session, tmp_path: Path) -> None:
    pdf = read_pdf(blank(db, tmp_path, consent_yaml(extra=QUESTIONS)))
    text = pdf.text
    assert "4. Which school do you work in?" in text
    assert "Write as much as you like." in text
    assert "Tick all that apply. Common Assessment Framework Information-sharing system" in text
    assert "Tick one. School staff Voluntary sector" in text
    assert "1 2 3 4 5" in text
    assert "Went well Did not" in text
    boxes = sum(pdf.boxes(i) for i in range(pdf.pages))
    assert boxes == 4 + 2 + 2 + 5 + 2


def test_each_signer_and_the_researcher_get_name_signature_and_date(
    db: Session, tmp_path: Path
) -> None:
    text = read_pdf(blank(db, tmp_path, consent_yaml(signers="[Parent or carer, Child]"))).text
    signers = re.findall(r"(Parent or carer|Child|Researcher) Name", text)
    assert signers == ["Parent or carer", "Child", "Researcher"]
    assert text.count("Signature") == 3
    assert text.count("Date") == 3
    assert f"Researcher Name {STUDY['researcher']} Signature" in text


def test_a_form_without_signers_is_signed_by_the_participant(db: Session, tmp_path: Path) -> None:
    text = read_pdf(blank(db, tmp_path, consent_yaml())).text
    assert re.findall(r"(\w+) Name", text) == ["Participant", "Researcher"]


def test_a_verbal_script_has_no_participant_signature(db: Session, tmp_path: Path) -> None:
    text = read_pdf(blank(db, tmp_path, consent_yaml(kind="verbal-consent-script"))).text
    assert "Participant Name Date" in text
    assert "Researcher (records the verbal consent) Name" in text
    assert text.count("Signature") == 1


def test_an_information_sheet_has_no_signature_lines(db: Session, tmp_path: Path) -> None:
    text = read_pdf(blank(db, tmp_path, consent_yaml(kind="information-sheet"))).text
    assert "Signature" not in text
    assert "Contact" in text


def test_contact_uses_the_study_contact_or_researcher_and_organisation(
    db: Session, tmp_path: Path
) -> None:
    text = read_pdf(blank(db, tmp_path, consent_yaml())).text
    assert (
        "please contact Claire Beaumont, Brightpath Youth Trust:"
        " 01632 960123, researcher@example.org." in text
    )
    study = db.scalars(select(m.Study)).one()
    study.phone = study.email = None
    text = read_pdf(blank(db, tmp_path, consent_yaml())).text
    assert "please contact Claire Beaumont, Brightpath Youth Trust: ________." in text


def test_an_unset_study_value_prints_as_a_line_to_write_on(db: Session, tmp_path: Path) -> None:
    study = db.scalars(select(m.Study)).one()
    study.researcher = None
    text = read_pdf(blank(db, tmp_path, consent_yaml())).text
    assert "________ from Brightpath Youth Trust runs Moving up together." in text
    assert "Researcher: ________" in text


def test_markup_characters_print_as_written(db: Session, tmp_path: Path) -> None:
    study = db.scalars(select(m.Study)).one()
    study.organisation = "Smith & Jones <Trust>"
    text = read_pdf(blank(db, tmp_path, consent_yaml(take_part="I agree to take part & <b>"))).text
    assert "Smith & Jones <Trust> runs" in text
    assert "I agree to take part & <b>" in text


def test_every_page_has_the_footer_with_the_page_count(db: Session, tmp_path: Path) -> None:
    pdf = read_pdf(blank(db, tmp_path, long_form(form_id="long-consent", version="2.1")))
    assert pdf.pages >= 3
    for index in range(pdf.pages):
        footer = f"long-consent, version 2.1, page {index + 1} of {pdf.pages}"
        assert footer in pdf.page_text(index)
    assert "Paragraph 40." in pdf.text


def test_metadata_has_the_form_title_and_language(db: Session, tmp_path: Path) -> None:
    pdf = read_pdf(blank(db, tmp_path, consent_yaml(title="Cytundeb", language="cy")))
    assert pdf.reader.metadata is not None
    assert pdf.reader.metadata.title == "Cytundeb"
    assert pdf.lang == "cy"
    pdf = read_pdf(blank(db, tmp_path, consent_yaml()))
    assert pdf.lang == "en-GB"


def test_large_print_uses_at_least_16_point_type(db: Session, tmp_path: Path) -> None:
    standard = read_pdf(blank(db, tmp_path, long_form()))
    large = read_pdf(blank(db, tmp_path, long_form(), large=True))
    body = max(set(large.font_sizes()), key=large.font_sizes().count)
    assert body >= 16
    assert max(set(standard.font_sizes()), key=standard.font_sizes().count) < 13
    assert min(large.font_sizes()) >= 14  # the footer; everything else is 16 or more
    assert large.pages > standard.pages


def test_a_form_marked_large_print_is_large_without_asking(db: Session, tmp_path: Path) -> None:
    pdf = read_pdf(blank(db, tmp_path, consent_yaml(large=True)))
    assert min(pdf.font_sizes()) >= 14


def test_a_blank_form_holds_no_participant_data(db: Session, tmp_path: Path) -> None:
    person = m.Participant(ref="P1", kind="practitioner", name="Helen Whitaker", attributes={})
    db.add(person)
    db.flush()
    db.add(
        m.Consent(
            ref="K1",
            participant_id=person.id,
            form="test-consent",
            form_version="1",
            method="written",
            given_on=dt.date(2008, 11, 18),
            answers={"take-part": True},
        )
    )
    db.flush()
    out = blank(db, tmp_path, consent_yaml())
    assert b"Whitaker" not in out.read_bytes()
    assert "Whitaker" not in read_pdf(out).text
    assert "Copy for the participant" not in read_pdf(out).text


def test_a_failed_print_leaves_the_old_file_and_no_partial_one(
    db: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "form.pdf"
    out.write_bytes(b"the previous print")

    def broken(*args: object) -> list[object]:
        raise RuntimeError("disk full half way")

    monkeypatch.setattr(blocks, "contact", broken)
    loaded = form(consent_yaml())
    with pytest.raises(RuntimeError):
        print_form(db, loaded, out, large_print=False, participant_ref=None, shipped=catalog())
    assert out.read_bytes() == b"the previous print"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["form.pdf"]


def test_a_missing_folder_is_named_in_the_error(db: Session, tmp_path: Path) -> None:
    loaded = form(consent_yaml())
    with pytest.raises(FileNotFoundError) as caught:
        print_form(
            db,
            loaded,
            tmp_path / "nowhere" / "form.pdf",
            large_print=False,
            participant_ref=None,
            shipped=catalog(),
        )
    assert caught.value.filename == str(tmp_path / "nowhere")


def test_an_item_taller_than_a_page_flows_on_to_the_next(db: Session, tmp_path: Path) -> None:
    probes = "".join(
        f'          - "Prompt {n}: what happened next, and who helped?"\n' for n in range(60)
    )
    guide = f"""\
id: long-guide
title: Interview guide
version: "1"
kind: interview-guide
audience: researcher
sections:
  - id: questions
    items:
      - id: move
        type: long-text
        text: Tell me about the move to secondary school.
        probes:
{probes}"""
    pdf = read_pdf(blank(db, tmp_path, guide, large=True))
    assert pdf.pages >= 3
    assert "Prompt 0:" in pdf.text
    assert "Prompt 59:" in pdf.text
    assert "Signature" not in pdf.text  # a guide is not signed
    assert "Contact" not in pdf.text  # nor read by participants
