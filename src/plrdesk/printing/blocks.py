"""The parts around a form's body: the study header, the signature lines, the researcher's
contact details and, on a participant's copy, how and when the consent was given.

A study detail that is not filled in prints as a line to write on ("________"), so a form
can still be completed by hand. Which details each form prints is what
`services.study_details.details_used_by` says (the app and `forms print` warn with it
before printing); tests/printing/test_study_details_printed.py keeps the two in step."""

from __future__ import annotations

import io

from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Image, KeepTogether, Paragraph, Table, TableStyle

from plrdesk.domain.dates import long_date
from plrdesk.forms.schema import CONSENT_KINDS, Audience, FormDefinition, FormKind
from plrdesk.printing.flowables import WriteLine
from plrdesk.printing.items import TICKED
from plrdesk.printing.styles import FONT, Look
from plrdesk.printing.text import Record, StudyText, para, yes_or_no

DEFAULT_SIGNERS = ("Participant",)
HOW = {
    "written": "Signed on the paper form",
    "electronic": "Given electronically",
    "verbal": "Given verbally (no signature)",
}


def header(
    form: FormDefinition, study: StudyText, look: Look, record: Record | None
) -> list[Flowable]:
    story: list[Flowable] = []
    if record is not None:
        story.append(para("Copy for the participant", look["banner"]))
    story.append(para(study.title or "________", look["study"]))
    who = f"Researcher: {study.researcher or '________'}"
    where = f"Organisation: {study.organisation or '________'}"
    # The ethics reference only when there is one: no form asks for it to be written in.
    ethics = f"Ethics reference: {study.ethics_reference}" if study.ethics_reference else None
    if look.large:  # one fact a line: a long line would wrap in the middle of a name
        story += [para(who, look["cell"]), para(where, look["meta"])]
    else:
        story.append(para(f"{who} \u00b7 {where}", look["meta"]))
    if ethics:  # a line of its own: beside the others it would wrap in the middle
        story.append(para(ethics, look["meta"]))
    story.append(para(study.fill(form.title), look["title"]))
    return story


def signs(form: FormDefinition) -> bool:
    return form.kind in CONSENT_KINDS or bool(form.signers)


def signature_blocks(
    form: FormDefinition, study: StudyText, look: Look, width: float
) -> list[Flowable]:
    """Blank name, signature and date lines for each signer, then the researcher's."""
    verbal = form.kind == FormKind.VERBAL_CONSENT_SCRIPT
    story: list[Flowable] = []
    for signer in form.signers or DEFAULT_SIGNERS:
        rows: list[list[object]] = [["Name", _line(look)]]
        if not verbal:  # on the phone nobody signs: the researcher records the answer
            rows.append(["Signature", _line(look)])
        rows.append(["Date", _line(look)])
        story.append(_block(signer, rows, look, width))
    if form.kind in CONSENT_KINDS:
        name: object = para(study.researcher, look["cell"]) if study.researcher else _line(look)
        title = "Researcher (records the verbal consent)" if verbal else "Researcher"
        rows = [["Name", name], ["Signature", _line(look)], ["Date", _line(look)]]
        story.append(_block(title, rows, look, width))
    return story


def recorded_blocks(
    form: FormDefinition, study: StudyText, look: Look, width: float, record: Record
) -> list[Flowable]:
    """Who gave the consent, their signature, when and how; the researcher who recorded it."""
    signer = (form.signers or DEFAULT_SIGNERS)[0]
    rows: list[list[object]] = [["Name", para(record.signer_name, look["cell"])]]
    if record.on_behalf_of:
        rows.append(["For", para(record.on_behalf_of, look["cell"])])
    rows.append(["Signature", signature(record, look)])
    rows.append(["Date", para(long_date(record.given_on), look["cell"])])
    story: list[Flowable] = [_block(signer, rows, look, width)]
    researcher = study.researcher or "the researcher"
    given = "Assent" if form.kind == FormKind.ASSENT else "Consent"
    lines = [f"{given} given on {long_date(record.given_on)}", f"Method: {record.method}"]
    if record.method == "verbal":
        lines.append(f"Verbal consent recorded by {researcher} on {long_date(record.given_on)}")
    else:
        lines.append(f"Researcher: {researcher}")
    if record.withdrawn_on is not None:
        lines.append(f"Withdrawn on {long_date(record.withdrawn_on)}")
    lines.append(f"Wording: {form.id}, version {form.version}")
    if any(
        item.type in TICKED and yes_or_no(record.answers.get(item.id)) is None
        for item in form.items()
    ):
        lines.append("An empty box means that no answer was recorded for that line.")
    record_story: list[Flowable] = [para("This record", look["heading"])]
    record_story += [para(line, look["body"]) for line in lines]
    story.append(KeepTogether(record_story))
    return story


def signature(record: Record, look: Look) -> Flowable:
    """The stored signature image, or how the consent was given when there is none."""
    if record.signature_png:
        try:
            reader = ImageReader(io.BytesIO(record.signature_png))
            width, height = reader.getSize()
        except Exception:  # a damaged image must not stop the copy being printed
            return para("(the stored signature image cannot be read)", look["help"])
        scale = min(70 * mm / width, look.write_gap * 2 / height, 1.0)
        return Image(io.BytesIO(record.signature_png), width * scale, height * scale, hAlign="LEFT")
    return para(HOW.get(record.method, record.method), look["cell"])


def contact(form: FormDefinition, study: StudyText, look: Look) -> list[Flowable]:
    if form.audience != Audience.PARTICIPANT:
        return []
    blank = "________"
    who = f"{study.researcher or blank}, {study.organisation or blank}"
    # No contact yet: a line to write it on, as for any detail (a participant with only a
    # name to go on could not reach the researcher).
    text = f"If you have any questions, please contact {who}: {study.contact or blank}."
    return [KeepTogether([para("Contact", look["heading"]), para(text, look["body"])])]


def _line(look: Look) -> WriteLine:
    return WriteLine(look.write_gap)


def _block(title: str, rows: list[list[object]], look: Look, width: float) -> KeepTogether:
    label_width = stringWidth("Signature", FONT, look.base) + look.base
    cells = [[Paragraph(str(label), look["cell"]), value] for label, value in rows]
    table = Table(cells, colWidths=[label_width, width - label_width], hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), FONT),  # else Helvetica, listed if unused
                ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), look.base * 0.3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return KeepTogether([para(title, look["heading"]), table])
