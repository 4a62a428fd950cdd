"""Word (python-docx): built-in styles throughout, so the researcher can go on writing the
report in it: Title, Heading 1/2/3 (the navigation pane and a table of contents pick them
up), 'Intense Quote' for the quotes the researcher marked as exemplars and 'Quote' for the
others, a table for the methods, bullets for the aims, and with --extracts an appendix of
extracts by theme ('Quote' for the speaker's words, body text for the researcher's notes)."""

from __future__ import annotations

from itertools import groupby
from typing import Any, BinaryIO

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH

from plrdesk.export import wording
from plrdesk.export.model import ExportBundle


def render(bundle: ExportBundle, out: BinaryIO) -> None:
    s = bundle.summary
    doc: Any = Document()
    doc.core_properties.title = s.study.title
    doc.core_properties.subject = wording.SUBTITLE
    doc.core_properties.author = ""  # python-docx's template says "python-docx"
    doc.core_properties.comments = ""
    doc.add_paragraph(s.study.title, style="Title")
    doc.add_paragraph(f"{wording.SUBTITLE} · {wording.period(s.methods.period)}", style="Subtitle")
    if s.study.aims:
        doc.add_heading("Aims", level=1)
        for aim in s.study.aims:
            doc.add_paragraph(aim, style="List Bullet")
    _methods(doc, bundle)
    doc.add_heading("Themes", level=1)
    for index, (theme, place) in enumerate(zip(s.themes, bundle.outline, strict=True)):
        doc.add_heading(theme.name, level=min(2 + place.depth, 9))
        part_of = wording.part_of(bundle, index)
        if part_of:
            doc.add_paragraph(part_of).runs[0].italic = True
        # Headings keep with the next paragraph (the built-in styles say so). Longer chains
        # of keep-with-next are not used: LibreOffice drops a chain it cannot place whole.
        if theme.description:
            doc.add_paragraph(theme.description)
        doc.add_paragraph(wording.raised_by(theme.raised_by))
        for quote, exemplar in zip(theme.quotes, place.exemplars, strict=True):
            said = doc.add_paragraph(quote.text, style="Intense Quote" if exemplar else "Quote")
            said.paragraph_format.keep_with_next = True  # never apart from its attribution
            attribution = doc.add_paragraph(f"— {wording.attribution(quote)}")
            attribution.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    if s.questions:
        doc.add_heading("Appendix: questions", level=1)
        for guide, questions in groupby(s.questions, key=lambda q: q.guide):
            doc.add_heading(wording.guide_title(bundle, guide), level=2)
            for q in questions:
                label = doc.add_paragraph()
                label.add_run(q.label).bold = True
                label.paragraph_format.keep_with_next = True
                figures = f"Responses: {q.responses}."
                if q.show_of_hands:
                    figures += f" Show of hands: {wording.hands_text(q.show_of_hands)}."
                doc.add_paragraph(figures)
    if bundle.extracts:
        _extracts(doc, bundle)
    doc.add_heading("About this summary", level=1)
    for line in wording.about(bundle):
        doc.add_paragraph(line, style="List Bullet")
    doc.save(out)


def _methods(doc: Any, bundle: ExportBundle) -> None:
    m = bundle.summary.methods
    doc.add_heading("Methods", level=1)
    rows = [("Sessions", "Number")]
    rows += [(wording.session_name(k, 2).capitalize(), str(n)) for k, n in m.sessions.items()]
    rows += [("Participants", "Number")]
    rows += [(wording.kind_name(k).capitalize(), str(n)) for k, n in m.participants.items()]
    rows += [("Withdrew (left out of everything that follows)", str(m.withdrawn))]
    table = doc.add_table(rows=0, cols=2, style="Table Grid")
    headers = {0, len(m.sessions) + 1}
    for i, (what, number) in enumerate(rows):
        cells = table.add_row().cells
        cells[0].text, cells[1].text = what, number
        if i in headers:
            for cell in cells:
                for run in cell.paragraphs[0].runs:
                    run.bold = True
    doc.add_paragraph(f"Period: {wording.period(m.period)}.")
    overrides = wording.overrides(bundle)
    if overrides:
        doc.add_paragraph(overrides)


def _extracts(doc: Any, bundle: ExportBundle) -> None:
    doc.add_heading("Appendix: extracts by theme", level=1)
    doc.add_paragraph(wording.EXTRACTS_INTRO)
    for theme, place in zip(bundle.summary.themes, bundle.outline, strict=True):
        doc.add_heading(theme.name, level=min(2 + place.depth, 9))
        if not theme.extracts:
            doc.add_paragraph(wording.NO_EXTRACTS).runs[0].italic = True
        for extract in theme.extracts or ():
            said = doc.add_paragraph(extract.text, style="Quote" if extract.verbatim else None)
            said.paragraph_format.keep_with_next = True  # never apart from its attribution
            attribution = doc.add_paragraph(f"— {wording.extract_attribution(extract)}")
            attribution.alignment = WD_ALIGN_PARAGRAPH.RIGHT
