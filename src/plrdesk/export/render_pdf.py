"""PDF (reportlab): a title page (with the aims), the methods, a section per theme with
its description, counts and quotes, an appendix per question with a bar chart of each show
of hands, and with --extracts an appendix of extracts by theme.

Set in the Unicode family `plrdesk.fonts` finds (as printed forms are), embedded, so every
letter prints as written. The document language is British English (/Lang en-GB), and every
heading, the title page's "Aims" and "About this summary" too, is a PDF bookmark, so a reader
can jump to any section (the outline opens with the file). reportlab writes no tagged PDF
(structure tree): the DOCX is the accessible format (docs/export.md).
"""

from __future__ import annotations

from itertools import groupby
from typing import Any, BinaryIO
from xml.sax.saxutils import escape

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from plrdesk import __version__, fonts
from plrdesk.export import wording
from plrdesk.export.model import ExportBundle, Question

FONT, BOLD, ITALIC = fonts.REGULAR, fonts.BOLD, fonts.ITALIC
LANGUAGE = "en-GB"  # the wording is British English, as the forms' default
ACCENT = colors.HexColor("#2f5d8a")
MARGIN = 20 * mm

_body = ParagraphStyle(
    "body", fontName=FONT, bulletFontName=FONT, fontSize=10.5, leading=14.5, spaceAfter=6
)


def _style(name: str, **changes: Any) -> ParagraphStyle:
    return ParagraphStyle(name, parent=_body, **changes)


STYLES = {
    "title": _style("title", fontName=BOLD, fontSize=24, leading=30, spaceAfter=10),
    "subtitle": _style("subtitle", fontSize=14, leading=18, textColor=ACCENT, spaceAfter=24),
    "h1": _style(
        "h1",
        fontName=BOLD,
        fontSize=17,
        leading=22,
        spaceBefore=6,
        spaceAfter=10,
        textColor=ACCENT,
        keepWithNext=True,
    ),
    "h2": _style(
        "h2",
        fontName=BOLD,
        fontSize=13.5,
        leading=18,
        spaceBefore=14,
        spaceAfter=6,
        keepWithNext=True,
    ),
    "h3": _style(
        "h3",
        fontName=BOLD,
        fontSize=11.5,
        leading=15,
        spaceBefore=10,
        spaceAfter=4,
        keepWithNext=True,
    ),
    "minor": _style(
        "minor",
        fontName=BOLD,
        fontSize=11.5,
        leading=15,
        spaceBefore=10,
        spaceAfter=4,
        keepWithNext=True,
    ),  # a heading of the title page, bookmarked as a section
    "body": _body,
    "small": _style("small", fontSize=9, leading=12, textColor=colors.HexColor("#444444")),
    "bullet": _style("bullet", leftIndent=12, bulletIndent=2, spaceAfter=3),
    "quote": _style(
        "quote",
        fontName=ITALIC,
        fontSize=11,
        leading=15,
        leftIndent=18,
        rightIndent=12,
        spaceBefore=4,
        spaceAfter=1,
    ),
    "attribution": _style(
        "attribution",
        fontSize=9,
        leading=12,
        alignment=TA_RIGHT,
        rightIndent=12,
        textColor=colors.HexColor("#444444"),
        spaceAfter=8,
    ),
    "note": _style("note", leftIndent=18, rightIndent=12, spaceBefore=4, spaceAfter=1),
    "label": _style("label", fontName=BOLD, spaceBefore=8, spaceAfter=2, keepWithNext=True),
    "cell": _style("cell", spaceAfter=0),
}
_LEVELS = {"h1": 0, "minor": 0, "h2": 1, "h3": 2}


class _Document(SimpleDocTemplate):  # type: ignore[misc]  # reportlab has no types
    """Headings become bookmarks in the PDF's outline."""

    def afterFlowable(self, flowable: Flowable) -> None:
        if isinstance(flowable, Paragraph) and flowable.style.name in _LEVELS:
            level = _LEVELS[flowable.style.name]
            key = f"h{id(flowable)}"
            self.canv.bookmarkPage(key)
            self.canv.addOutlineEntry(flowable.getPlainText(), key, level=level, closed=level > 0)


def _p(text: str, style: str) -> Paragraph:
    return Paragraph(escape(text), STYLES[style])


def _footer(title: str) -> Any:
    def draw(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 8.5)
        canvas.setFillColor(colors.HexColor("#666666"))
        canvas.drawString(MARGIN, 12 * mm, f"{title[:90]} · {wording.SUBTITLE}")
        canvas.drawRightString(A4[0] - MARGIN, 12 * mm, f"page {doc.page}")
        canvas.restoreState()

    return draw


def render(bundle: ExportBundle, out: BinaryIO) -> None:
    fonts.ensure()  # the styles name its fonts
    s = bundle.summary
    doc = _Document(
        out,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN + 4 * mm,
        title=s.study.title,
        subject=wording.SUBTITLE,
        creator=f"plrdesk {__version__}",
        author="",
        lang=LANGUAGE,
        # The canvas starts in our font too: its default, Helvetica, would otherwise be
        # listed in every page's resources, unused.
        initialFontName=FONT,
    )
    story: list[Flowable] = _title_page(bundle) + _methods(bundle) + _themes(bundle)
    story += _appendix(bundle)
    if bundle.extracts:
        story += _extracts(bundle)
    doc.build(story, onFirstPage=_show_outline, onLaterPages=_footer(s.study.title))


def _show_outline(canvas: Any, doc: Any) -> None:
    canvas.showOutline()  # a reader opens the file with its bookmarks in view


def _title_page(bundle: ExportBundle) -> list[Flowable]:
    s = bundle.summary
    story: list[Flowable] = [
        Spacer(1, 40 * mm),
        _p(s.study.title, "title"),
        _p(f"{wording.SUBTITLE} · {wording.period(s.methods.period)}", "subtitle"),
    ]
    if s.study.aims:
        story.append(_p("Aims", "minor"))
        story += [Paragraph(escape(aim), STYLES["bullet"], bulletText="•") for aim in s.study.aims]
    story += [Spacer(1, 10 * mm), _p("About this summary", "minor")]
    story += [_p(line, "small") for line in wording.about(bundle)]
    return [*story, PageBreak()]


def _table(rows: list[list[str]], widths: list[float]) -> Table:
    data = [[Paragraph(escape(str(cell)), STYLES["cell"]) for cell in row] for row in rows]
    table = Table(data, colWidths=widths, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), FONT),  # else Helvetica, listed if unused
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e4ecf4")),
                ("LINEBELOW", (0, 0), (-1, -1), 0.4, colors.HexColor("#b8c7d6")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    return table


def _methods(bundle: ExportBundle) -> list[Flowable]:
    m = bundle.summary.methods
    rows = [["Sessions", "Number"]]
    rows += [[wording.session_name(k, 2).capitalize(), str(n)] for k, n in m.sessions.items()]
    rows += [["Participants", "Number"]]
    rows += [[wording.kind_name(k).capitalize(), str(n)] for k, n in m.participants.items()]
    rows += [["Withdrew (left out of everything that follows)", str(m.withdrawn)]]
    table = _table(rows, [110 * mm, 30 * mm])
    header = len(m.sessions) + 1
    table.setStyle(
        TableStyle([("BACKGROUND", (0, header), (-1, header), colors.HexColor("#e4ecf4"))])
    )
    overrides = wording.overrides(bundle)
    return [
        _p("Methods", "h1"),
        table,
        Spacer(1, 4 * mm),
        _p(f"Period: {wording.period(m.period)}.", "body"),
        *([_p(overrides, "body")] if overrides else []),
    ]


def _themes(bundle: ExportBundle) -> list[Flowable]:
    story: list[Flowable] = [_p("Themes", "h1")]
    for index, (theme, place) in enumerate(zip(bundle.summary.themes, bundle.outline, strict=True)):
        intro: list[Flowable] = [_p(theme.name, "h2" if place.depth == 0 else "h3")]
        part_of = wording.part_of(bundle, index)
        if part_of:
            intro.append(_p(part_of, "small"))
        if theme.description:
            intro.append(_p(theme.description, "body"))
        intro.append(_p(wording.raised_by(theme.raised_by), "small"))
        quotes = [
            [_p(f"“{q.text}”", "quote"), _p(f"— {wording.attribution(q)}", "attribution")]
            for q in theme.quotes
        ]
        # The heading stays with its first quote; each quote stays with its attribution.
        story.append(KeepTogether(intro + (quotes[0] if quotes else [])))
        story += [KeepTogether(quote) for quote in quotes[1:]]
    return story


def _appendix(bundle: ExportBundle) -> list[Flowable]:
    questions = bundle.summary.questions
    if not questions:
        return []
    story: list[Flowable] = [PageBreak(), _p("Appendix: questions", "h1")]
    for guide, asked in groupby(questions, key=lambda q: q.guide):
        story.append(_p(wording.guide_title(bundle, guide), "h2"))
        for question in asked:
            figures = f"Responses: {question.responses}."
            block: list[Flowable] = [_p(question.label, "label")]
            if question.show_of_hands:
                block += [_p(f"{figures} Show of hands:", "small"), _hands(question)]
            else:
                block.append(_p(figures, "small"))
            story.append(KeepTogether(block))
    return story


def _extracts(bundle: ExportBundle) -> list[Flowable]:
    """Theme by theme (bookmarked as in the themes), each extract with its attribution:
    the speaker's words in quotation marks and italics, a note of them in plain type."""
    story: list[Flowable] = [PageBreak(), _p("Appendix: extracts by theme", "h1")]
    story.append(_p(wording.EXTRACTS_INTRO, "small"))
    for theme, place in zip(bundle.summary.themes, bundle.outline, strict=True):
        heading = _p(theme.name, "h2" if place.depth == 0 else "h3")
        blocks = [
            [
                _p(f"“{e.text}”", "quote") if e.verbatim else _p(e.text, "note"),
                _p(f"— {wording.extract_attribution(e)}", "attribution"),
            ]
            for e in theme.extracts or ()
        ]
        first = blocks[0] if blocks else [_p(wording.NO_EXTRACTS, "small")]
        story.append(KeepTogether([heading, *first]))  # a heading never ends a page
        story += [KeepTogether(block) for block in blocks[1:]]
    return story


def _hands(question: Question) -> Flowable:
    """A bar chart of the show of hands; a line of text where counts are suppressed."""
    hands = question.show_of_hands
    if not all(isinstance(n, int) for n in hands.values()):
        return _p(wording.hands_text(hands), "small")
    answers = list(hands)[::-1]  # the chart draws its first category at the bottom
    values = [int(hands[a]) for a in answers]
    bar = 16
    drawing = Drawing(150 * mm, bar * len(answers) + 26)
    drawing.initialFontName = FONT  # else the drawing starts in Helvetica, listed if unused
    chart = HorizontalBarChart()
    chart.x, chart.y = 70, 18
    chart.width, chart.height = 110 * mm, bar * len(answers)
    chart.data = [values]
    chart.categoryAxis.categoryNames = [a.capitalize() for a in answers]
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 9
    top = max(values) or 1
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = top
    chart.valueAxis.valueStep = 1 if top <= 10 else -(-top // 5)
    chart.valueAxis.labels.fontName = FONT
    chart.valueAxis.labels.fontSize = 8
    chart.bars[0].fillColor = ACCENT
    chart.bars[0].strokeColor = None
    chart.barWidth = bar * 0.6
    chart.barLabelFormat = "%d"
    chart.barLabels.fontName = FONT
    chart.barLabels.fontSize = 8.5
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 4
    drawing.add(chart)
    return drawing
