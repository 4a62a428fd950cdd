"""Print a form as a PDF: blank, to fill in by hand, or as a participant's copy of the
consent they gave (`plrdesk forms print FORM --study FILE -o OUT.pdf [--participant REF]`).

A blank form holds no participant data at all: the study header (title, researcher,
organisation), the form's text with placeholders filled from the study, numbered items
with drawn tick boxes or lines to write on, name/signature/date lines for each signer and
the researcher, the researcher's contact details, and "<form>, version <v>, page n of m"
on every page. The PDF's metadata carries the form title and language, never a name.

Which consent a participant's copy shows. `--participant REF` names a participant; the
copy shows the latest consent (by the date given, then the order recorded) on this form
id that REF either gave themselves or that was given on their behalf. So a child's ref
with `parental-consent` finds the consent their parent or carer gave for them, a child's
ref with `child-assent` finds the child's own assent, and a parent's ref finds the
consent they signed (if they signed this form for several children, the latest one:
pass the child's ref to choose). The copy is printed with the wording of the consent's
own form version as the study stored it when the consent was recorded, whatever version
`forms/` now holds; it may show the participant's name (and the child's, for a consent
given on a child's behalf), since it is their own copy, but the PDF metadata does not.

The PDF is built in a temporary file beside the output and moved into place only when
complete, so a failure never leaves a partial PDF; a participant's copy is readable by
its owner only.
"""

from __future__ import annotations

import functools
import io
from pathlib import Path
from typing import Any, BinaryIO

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, SimpleDocTemplate
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from plrdesk.domain import models as m
from plrdesk.forms.catalog import FormCatalog
from plrdesk.forms.loader import LoadedForm, parse_form
from plrdesk.forms.schema import FormDefinition
from plrdesk.printing import blocks
from plrdesk.printing.items import Body
from plrdesk.printing.styles import FONT, Look, look
from plrdesk.printing.text import Record, StudyText
from plrdesk.services.study_forms import catalog_for
from plrdesk.storage.files import write_atomically


class NoConsentRecorded(LookupError):
    """A participant's copy cannot be printed: no consent recorded on that form for them."""


class UnknownParticipant(NoConsentRecorded):
    """No participant has the ref given."""


class ConsentWordingMissing(NoConsentRecorded):
    """The consent's own form version is neither stored in the study nor in forms/."""


def print_form(
    db: Session,
    loaded: LoadedForm,
    output: Path,
    *,
    large_print: bool,
    participant_ref: str | None,
    shipped: FormCatalog,
) -> int:
    """Write `loaded` as a PDF to `output` (atomically); return the number of pages."""
    data, pages = render_form(
        db, loaded, large_print=large_print, participant_ref=participant_ref, shipped=shipped
    )
    write_atomically(output, data, private=participant_ref is not None)
    return pages


def render_form(
    db: Session,
    loaded: LoadedForm,
    *,
    large_print: bool,
    participant_ref: str | None,
    shipped: FormCatalog,
) -> tuple[bytes, int]:
    """The PDF bytes and page count, built in memory: a participant's copy never touches disk
    unless the researcher saves it."""
    study = StudyText.of(db.scalars(select(m.Study)).first())
    record: Record | None = None
    if participant_ref is not None:
        consent = find_consent(db, participant_ref, loaded.definition.id)
        loaded = consent_wording(db, shipped, consent, loaded)
        record = Record(
            signer_name=consent.participant.name,
            on_behalf_of=consent.on_behalf_of.name if consent.on_behalf_of else None,
            method=consent.method,
            given_on=consent.given_on,
            answers=dict(consent.answers or {}),
            signature_png=consent.signature_png,
            withdrawn_on=consent.withdrawn_on,
        )
    form = loaded.definition
    story_look = look(large_print or form.large_print)
    buffer = io.BytesIO()
    pages = _build(buffer, form, study, story_look, record)
    return buffer.getvalue(), pages


def find_consent(db: Session, ref: str, form_id: str) -> m.Consent:
    """The latest consent on `form_id` given by, or on behalf of, participant `ref`."""
    person = db.scalars(select(m.Participant).filter_by(ref=ref)).first()
    if person is None:
        raise UnknownParticipant(f"no participant {ref!r} in this study")
    consent = db.scalars(
        select(m.Consent)
        .where(
            m.Consent.form == form_id,
            or_(m.Consent.participant_id == person.id, m.Consent.on_behalf_of_id == person.id),
        )
        .order_by(m.Consent.given_on.desc(), m.Consent.position.desc())
    ).first()
    if consent is None:
        raise NoConsentRecorded(f"no consent recorded for participant {ref!r} on form {form_id!r}")
    return consent


def consent_wording(
    db: Session, shipped: FormCatalog, consent: m.Consent, fallback: LoadedForm
) -> LoadedForm:
    """The exact wording of the consent's own form version: the study's stored copy first
    (it is what the person agreed to, even if forms/ was later edited without a new
    version), then forms/."""
    form_id, version = consent.form, consent.form_version
    stored = db.scalars(select(m.StoredForm).filter_by(form_id=form_id, version=version)).first()
    if stored is not None:
        return parse_form(stored.source, f"(stored in study) {form_id}")
    found = catalog_for(db, shipped).loaded(form_id, version)
    if found is None and (fallback.definition.id, fallback.definition.version) == (
        form_id,
        version,
    ):
        found = fallback
    if found is None:
        raise ConsentWordingMissing(
            f"consent {consent.ref} was given on {form_id!r} version {version!r},"
            " whose wording is neither stored in the study nor in forms/"
        )
    return found


def _build(
    target: BinaryIO, form: FormDefinition, study: StudyText, page_look: Look, record: Record | None
) -> int:
    width = A4[0] - 2 * page_look.margin
    story: list[Flowable] = blocks.header(form, study, page_look, record)
    signature = None
    if record is not None:
        signature = functools.partial(blocks.signature, record, page_look)
    answers = record.answers if record is not None else None
    bottom = page_look.margin + page_look.footer * 2
    height = A4[1] - page_look.margin - bottom - 12  # the frame's own padding is 6 a side
    story += Body(form, study, page_look, width, height, answers, signature).flowables()
    if record is not None:
        story += blocks.recorded_blocks(form, study, page_look, width, record)
    elif blocks.signs(form):
        story += blocks.signature_blocks(form, study, page_look, width)
    story += blocks.contact(form, study, page_look)
    doc = SimpleDocTemplate(
        target,
        pagesize=A4,
        leftMargin=page_look.margin,
        rightMargin=page_look.margin,
        topMargin=page_look.margin,
        bottomMargin=bottom,
        title=study.fill(form.title),
        author=study.organisation or "",
        subject="Copy for the participant" if record is not None else f"{form.kind} form",
        creator="plrdesk",
        lang=form.language,
        initialFontName=FONT,  # not Helvetica, which would be listed in every page unused
    )
    pages: list[int] = []
    footer = f"{form.id}, version {form.version}"
    maker = functools.partial(
        FooterCanvas,
        footer=footer,
        font_size=page_look.footer,
        margin=page_look.margin,
        pages=pages,
    )
    doc.build(story, canvasmaker=maker)
    return pages[0]


class FooterCanvas(Canvas):  # type: ignore[misc]
    """Holds each page until the end, then stamps "<footer>, page n of m" on all of them."""

    def __init__(
        self, *args: Any, footer: str, font_size: float, margin: float, pages: list[int], **kw: Any
    ) -> None:
        super().__init__(*args, **kw)
        self._footer = footer
        self._font_size = font_size
        self._margin = margin
        self._pages_out = pages
        self._held: list[dict[str, Any]] = []

    def showPage(self) -> None:  # reportlab's name
        self._held.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._held)
        for number, state in enumerate(self._held, start=1):
            self.__dict__.update(state)
            self.setFont(FONT, self._font_size)
            text = f"{self._footer}, page {number} of {total}"
            self.drawCentredString(self._pagesize[0] / 2, self._margin * 0.6, text)
            super().showPage()
        self._pages_out.append(total)
        super().save()
