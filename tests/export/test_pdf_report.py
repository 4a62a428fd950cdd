"""The PDF summary prints every letter as written (an embedded Unicode font, not Helvetica),
says its language, and has a bookmark for every section. Read back with pypdf and with
pypdfium2 (PDFium, the engine of Chrome's viewer), two independent readers."""

from __future__ import annotations

from itertools import groupby
from pathlib import Path
from typing import Any

import pypdf
import pypdfium2  # type: ignore[import-untyped, unused-ignore]
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from plrdesk.cli.study_commands import shipped_forms
from plrdesk.domain import models as m
from plrdesk.export import wording
from plrdesk.export.build import build_summary
from plrdesk.export.formats import write_export
from plrdesk.export.model import ExportBundle
from plrdesk.storage.study_file import StudyFile
from tests.export.conftest import WordListAnonymiser
from tests.export.support import change
from tests.printing.support import pdf_fonts

TITLE = "Przejście do szkoły średniej: Đường đến trường"
THEME = "Współpraca z rodziną Şahin-Nguyễn"
DESCRIPTION = "Zażółć gęślą jaźń; Ơn trời, ưu tiên học sinh; Çok güzel, İstanbul"


def bundle_of(study: StudyFile, anonymiser: WordListAnonymiser, *, extracts: bool) -> ExportBundle:
    with study.transaction() as db:
        return build_summary(db, shipped_forms(), anonymiser, extracts=extracts)


@pytest.fixture
def lettered(demo_study: StudyFile) -> StudyFile:
    """The demo with a title, a theme's name and its description in Polish, Turkish and
    Vietnamese letters (no registered name among them, so nothing is redacted)."""

    def edit(db: Session) -> None:
        db.scalars(select(m.Study)).one().title = TITLE
        theme = db.scalars(select(m.Theme).where(m.Theme.ref == "T1")).one()
        theme.name, theme.description = THEME, DESCRIPTION

    change(demo_study, edit)
    return demo_study


def write(bundle: ExportBundle, path: Path) -> Path:
    write_export(bundle, "pdf", path)
    return path


def test_every_letter_comes_back_as_written_from_an_embedded_font(
    lettered: StudyFile, stand_in: WordListAnonymiser, tmp_path: Path
) -> None:
    path = write(bundle_of(lettered, stand_in, extracts=False), tmp_path / "summary.pdf")
    reader = pypdf.PdfReader(path)
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    pdfium = pypdfium2.PdfDocument(path)
    try:
        seen = " ".join(" ".join(p.get_textpage().get_text_range().split()) for p in pdfium)
    finally:
        pdfium.close()
    for words in (TITLE, THEME, DESCRIPTION):
        assert words in text
        assert words in seen
    used = pdf_fonts(reader)
    assert used
    assert set(used.values()) == {"FontFile2"}, used  # every font embedded, TrueType
    assert not any(name.startswith(("Helvetica", "Times", "Courier")) for name in used), used


def _outline(reader: pypdf.PdfReader) -> list[tuple[int, str]]:
    def walk(items: list[Any], depth: int) -> list[tuple[int, str]]:
        found: list[tuple[int, str]] = []
        for item in items:
            if isinstance(item, list):
                found += walk(item, depth + 1)
            else:
                found.append((depth, item.title))
        return found

    return walk(reader.outline, 0)


@pytest.mark.parametrize("extracts", [False, True])
def test_every_section_has_a_bookmark_and_the_language_is_set(
    demo_study: StudyFile, stand_in: WordListAnonymiser, tmp_path: Path, extracts: bool
) -> None:
    bundle = bundle_of(demo_study, stand_in, extracts=extracts)
    reader = pypdf.PdfReader(write(bundle, tmp_path / "summary.pdf"))
    s = bundle.summary
    themes = [(1 + place.depth, t.name) for t, place in zip(s.themes, bundle.outline, strict=True)]
    expected = [(0, "Aims"), (0, "About this summary"), (0, "Methods"), (0, "Themes"), *themes]
    expected.append((0, "Appendix: questions"))
    guides = [g for g, _ in groupby(q.guide for q in s.questions)]
    expected += [(1, wording.guide_title(bundle, g)) for g in guides]
    if extracts:
        expected += [(0, "Appendix: extracts by theme"), *themes]
    assert _outline(reader) == expected
    root: Any = reader.trailer["/Root"]
    assert root["/Lang"] == "en-GB"
    assert root["/PageMode"] == "/UseOutlines"  # opens with the bookmarks showing
