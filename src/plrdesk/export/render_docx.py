"""Word (python-docx), ready to drop into a UK report: A4 pages with Word's UK default
margins (2.54 cm all round), British English as the document's language, and every paragraph
in a named style with no direct formatting, so a report template restyles the lot.

Built-in styles where Word has one: Title, Heading 1/2/3 (the navigation pane and a table of
contents pick them up), 'Intense Quote' for the quotes the researcher marked as exemplars and
'Quote' for the others (and for verbatim extracts), 'List Bullet' for the aims, a 'Table Grid'
for the methods. plrdesk's own styles (`STYLES`) for the rest: 'Attribution' (who said a
quote or an extract), 'Appendix Question' and 'Appendix Figures' (the questions' appendix),
'Extract Note' (an extract that is the researcher's note, not word for word), 'Theme Note'
("Part of ...", "No extracts") and 'Table Heading' (the methods table's header rows)."""

from __future__ import annotations

from itertools import groupby
from typing import Any, BinaryIO

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor, Twips

from plrdesk.export import wording
from plrdesk.export.model import ExportBundle

LANGUAGE = "en-GB"
# Word's own A4 (21 x 29.7 cm) in twentieths of a point, as Word UK writes it, and its UK
# default margins (2.54 cm) and header and footer distances (1.25 cm).
PAGE_WIDTH, PAGE_HEIGHT = Twips(11906), Twips(16838)
MARGIN = Twips(1440)
HEADER_FOOTER = Twips(709)

ATTRIBUTION = "Attribution"
QUESTION = "Appendix Question"
FIGURES = "Appendix Figures"
EXTRACT_NOTE = "Extract Note"
THEME_NOTE = "Theme Note"
TABLE_HEADING = "Table Heading"
STYLES = (ATTRIBUTION, QUESTION, FIGURES, EXTRACT_NOTE, THEME_NOTE, TABLE_HEADING)


def render(bundle: ExportBundle, out: BinaryIO) -> None:
    s = bundle.summary
    doc: Any = Document()
    _uk_page_and_language(doc)
    _styles(doc)
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
            doc.add_paragraph(part_of, style=THEME_NOTE)
        # Headings keep with the next paragraph (the built-in styles say so). Longer chains
        # of keep-with-next are not used: LibreOffice drops a chain it cannot place whole.
        if theme.description:
            doc.add_paragraph(theme.description)
        doc.add_paragraph(wording.raised_by(theme.raised_by))
        for quote, exemplar in zip(theme.quotes, place.exemplars, strict=True):
            doc.add_paragraph(quote.text, style="Intense Quote" if exemplar else "Quote")
            doc.add_paragraph(f"— {wording.attribution(quote)}", style=ATTRIBUTION)
    if s.questions:
        doc.add_heading("Appendix: questions", level=1)
        for guide, questions in groupby(s.questions, key=lambda q: q.guide):
            doc.add_heading(wording.guide_title(bundle, guide), level=2)
            for q in questions:
                doc.add_paragraph(q.label, style=QUESTION)
                figures = f"Responses: {q.responses}."
                if q.show_of_hands:
                    figures += f" Show of hands: {wording.hands_text(q.show_of_hands)}."
                doc.add_paragraph(figures, style=FIGURES)
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
                cell.paragraphs[0].style = doc.styles[TABLE_HEADING]
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
            doc.add_paragraph(wording.NO_EXTRACTS, style=THEME_NOTE)
        for extract in theme.extracts or ():
            doc.add_paragraph(extract.text, style="Quote" if extract.verbatim else EXTRACT_NOTE)
            doc.add_paragraph(f"— {wording.extract_attribution(extract)}", style=ATTRIBUTION)


def _uk_page_and_language(doc: Any) -> None:
    """A4 and Word UK's margins on every section; en-GB wherever the package names a
    language (the styles' defaults, any style that sets its own, the theme fonts, the
    document's properties), so spelling is checked as British English."""
    for section in doc.sections:
        section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
        section.top_margin = section.bottom_margin = MARGIN
        section.left_margin = section.right_margin = MARGIN
        section.header_distance = section.footer_distance = HEADER_FOOTER
        section.gutter = Twips(0)
    styles = doc.styles.element
    parent = styles
    for tag in ("w:docDefaults", "w:rPrDefault", "w:rPr", "w:lang"):  # made where missing
        found = parent.find(qn(tag))
        if found is None:
            found = OxmlElement(tag)
            # Where the schema puts each: w:lang late in w:rPr, the others first.
            if tag == "w:lang":
                parent.append(found)
            else:
                parent.insert(0, found)
        parent = found
    for lang in styles.iter(qn("w:lang")):
        lang.set(qn("w:val"), LANGUAGE)
    theme_lang = doc.settings.element.find(qn("w:themeFontLang"))
    if theme_lang is not None:
        theme_lang.set(qn("w:val"), LANGUAGE)
    doc.core_properties.language = LANGUAGE


def _styles(doc: Any) -> None:
    """plrdesk's own paragraph styles, and a quote that keeps with its attribution: layout
    lives in the styles, so restyling one restyles every paragraph of its kind."""
    for name in ("Quote", "Intense Quote"):
        doc.styles[name].paragraph_format.keep_with_next = True  # never apart from who said it
    grey = RGBColor(0x59, 0x59, 0x59)

    def add(name: str, *, base: str = "Normal") -> Any:
        style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = doc.styles[base]
        style.quick_style = True  # in Word's style gallery, where a template's user looks
        return style

    attribution = add(ATTRIBUTION)
    attribution.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    attribution.paragraph_format.space_after = Pt(12)
    attribution.font.size = Pt(9)
    attribution.font.color.rgb = grey
    question = add(QUESTION)
    question.font.bold = True
    question.paragraph_format.keep_with_next = True
    question.paragraph_format.space_before = Pt(8)
    question.paragraph_format.space_after = Pt(2)
    add(FIGURES)
    question.next_paragraph_style = doc.styles[FIGURES]
    note = add(EXTRACT_NOTE)
    note.paragraph_format.left_indent = Cm(0.75)
    note.paragraph_format.keep_with_next = True  # never apart from its attribution
    theme_note = add(THEME_NOTE)
    theme_note.font.italic = True
    theme_note.font.color.rgb = grey
    heading = add(TABLE_HEADING)
    heading.font.bold = True
    heading.paragraph_format.space_after = Pt(0)
