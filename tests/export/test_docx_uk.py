"""The DOCX drops into a UK report: A4, Word UK's margins, British English as its language,
and every paragraph in a named style with no direct formatting, so a template restyles it.
Read back with python-docx and the package's own XML, as Word reads it."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Twips
from lxml import etree

from plrdesk.cli.study_commands import shipped_forms
from plrdesk.export import render_docx, wording
from plrdesk.export.build import build_summary
from plrdesk.export.formats import write_export
from plrdesk.export.model import ExportBundle
from plrdesk.storage.study_file import StudyFile
from tests.export.conftest import WordListAnonymiser

W = {"w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main"}


@pytest.fixture
def with_extracts(demo_study: StudyFile, stand_in: WordListAnonymiser) -> ExportBundle:
    with demo_study.transaction() as db:
        return build_summary(db, shipped_forms(), stand_in, extracts=True)


@pytest.fixture
def report(with_extracts: ExportBundle, tmp_path: Path) -> Path:
    path = tmp_path / "summary.docx"
    write_export(with_extracts, "docx", path)
    return path


def part(path: Path, name: str) -> Any:
    with zipfile.ZipFile(path) as archive:
        return etree.fromstring(archive.read(name))


def test_pages_are_a4_with_word_uk_margins(report: Path) -> None:
    document = docx.Document(str(report))
    assert len(document.sections) == 1
    for section in document.sections:
        assert (section.page_width, section.page_height) == (Twips(11906), Twips(16838))
        margins = [section.top_margin, section.bottom_margin]
        margins += [section.left_margin, section.right_margin]
        assert margins == [Twips(1440)] * 4  # 2.54 cm
        assert section.header_distance == section.footer_distance == Twips(709)  # 1.25 cm
        assert round(Twips(11906).cm, 1) == 21.0
        assert round(Twips(16838).cm, 1) == 29.7
        assert round(Twips(1440).cm, 2) == 2.54


def test_british_english_is_the_documents_language(report: Path) -> None:
    styles = part(report, "word/styles.xml")
    default = styles.find("w:docDefaults/w:rPrDefault/w:rPr/w:lang", W)
    assert default is not None
    assert default.get(qn("w:val")) == "en-GB"
    langs = [lang.get(qn("w:val")) for lang in styles.iter(qn("w:lang"))]
    assert langs
    assert set(langs) == {"en-GB"}  # no style says otherwise
    body = part(report, "word/document.xml")
    assert [lang.get(qn("w:val")) for lang in body.iter(qn("w:lang"))] in ([], ["en-GB"])
    theme_lang = part(report, "word/settings.xml").find("w:themeFontLang", W)
    assert theme_lang is not None
    assert theme_lang.get(qn("w:val")) == "en-GB"
    assert docx.Document(str(report)).core_properties.language == "en-GB"


def _direct_formatting(paragraph: Any) -> list[str]:
    """Whatever a paragraph or its runs set themselves, beyond naming a style."""
    found = []
    ppr = paragraph._p.pPr
    if ppr is not None:
        found += [child.tag for child in ppr if child.tag != qn("w:pStyle")]
    for run in paragraph.runs:
        if run._r.rPr is not None:
            found += [child.tag for child in run._r.rPr]
    return found


def _all_paragraphs(document: Any) -> list[Any]:
    cells = [c for t in document.tables for row in t.rows for c in row.cells]
    return [*document.paragraphs, *(p for cell in cells for p in cell.paragraphs)]


def test_no_paragraph_carries_direct_formatting(report: Path) -> None:
    document = docx.Document(str(report))
    paragraphs = _all_paragraphs(document)
    assert len(paragraphs) > 50
    offenders = [(p.text[:40], _direct_formatting(p)) for p in paragraphs if _direct_formatting(p)]
    assert offenders == []


def test_questions_attributions_and_notes_are_in_plrdesk_named_styles(
    report: Path, with_extracts: ExportBundle
) -> None:
    document = docx.Document(str(report))
    styles = [(p.text, p.style.name if p.style is not None else None) for p in document.paragraphs]
    by_style: dict[str | None, list[str]] = {}
    for text, style in styles:
        by_style.setdefault(style, []).append(text)
    summary = with_extracts.summary
    assert by_style[render_docx.QUESTION] == [q.label for q in summary.questions]
    assert len(by_style[render_docx.FIGURES]) == len(summary.questions)
    assert all(t.startswith("Responses: ") for t in by_style[render_docx.FIGURES])
    quotes = [q for theme in summary.themes for q in theme.quotes]
    extracts = [e for theme in summary.themes for e in theme.extracts or ()]
    expected = [f"— {wording.attribution(q)}" for q in quotes]
    expected += [f"— {wording.extract_attribution(e)}" for e in extracts]
    assert by_style[render_docx.ATTRIBUTION] == expected
    assert [t for t, _ in styles if t.startswith("— ")] == expected  # none left in Normal
    notes = [e.text for e in extracts if not e.verbatim]
    assert notes  # the demo has extracts that are the researcher's notes
    assert by_style[render_docx.EXTRACT_NOTE] == notes
    parts = [wording.part_of(with_extracts, i) for i in range(len(summary.themes))]
    assert [p for p in parts if p]  # the demo has sub-themes
    assert set(by_style[render_docx.THEME_NOTE]) <= {*filter(None, parts), wording.NO_EXTRACTS}
    assert all(p in by_style[render_docx.THEME_NOTE] for p in parts if p)
    table = document.tables[0]
    headers = [row.cells[0].paragraphs[0] for row in table.rows]
    assert [p.text for p in headers if p.style.name == render_docx.TABLE_HEADING] == [
        "Sessions",
        "Participants",
    ]


def test_the_named_styles_hold_the_layout_so_a_template_can_change_it(report: Path) -> None:
    document = docx.Document(str(report))
    for name in render_docx.STYLES:
        style = document.styles[name]
        assert style.element.get(qn("w:customStyle")) == "1", name  # plrdesk's, not Word's
        assert style.base_style.name == "Normal", name
        assert style.quick_style, name  # in the style gallery
    attribution = document.styles[render_docx.ATTRIBUTION]
    assert attribution.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.RIGHT
    question = document.styles[render_docx.QUESTION]
    assert question.font.bold
    assert question.paragraph_format.keep_with_next
    assert document.styles[render_docx.EXTRACT_NOTE].paragraph_format.keep_with_next
    assert document.styles[render_docx.THEME_NOTE].font.italic
    # A quote never ends a page without its attribution: said once, in the quote styles.
    assert document.styles["Quote"].paragraph_format.keep_with_next
    assert document.styles["Intense Quote"].paragraph_format.keep_with_next
