"""Every format carries the same themes and quotes, read back with the reader a user (or a
QDA program) would use; none holds a registered name."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path
from typing import Any

import docx
import pypdf
import pytest
from lxml import etree
from sqlalchemy import select
from sqlalchemy.orm import Session

from plrdesk.domain import models as m
from plrdesk.export.formats import FORMATS, write_export
from plrdesk.export.model import ExportBundle
from plrdesk.export.render_csv import COLUMNS, cell
from plrdesk.export.render_md import escape
from plrdesk.export.render_qdpx import NS
from plrdesk.storage.study_file import StudyFile
from tests.export.conftest import WordListAnonymiser, register_terms
from tests.export.support import build, change, entry, flat, theme_id, words_found

XSD = Path(__file__).resolve().parents[3] / "shared" / "refi-qda" / "Project.xsd"
Q = {"q": NS}


def write_all(bundle: ExportBundle, folder: Path) -> dict[str, Path]:
    paths = {fmt: folder / f"summary{suffix}" for fmt, suffix in FORMATS.items()}
    for fmt, path in paths.items():
        write_export(bundle, fmt, path)
    return paths


def qde(path: Path) -> Any:
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        assert names[0] == "project.qde"
        assert all(n.startswith("sources/") and n.endswith(".txt") for n in names[1:]), names
        return etree.fromstring(archive.read("project.qde"))


def qdpx_sources(path: Path) -> dict[str, str]:
    """Each source file of a QDPX (by its `internal://` path), decoded as UTF-8."""
    with zipfile.ZipFile(path) as archive:
        return {
            f"internal://{name.removeprefix('sources/')}": archive.read(name).decode("utf-8")
            for name in archive.namelist()
            if name != "project.qde"
        }


def read_back(fmt: str, path: Path) -> str:
    """All the text of an output, as its reader sees it."""
    if fmt in {"json", "md"}:
        return path.read_text(encoding="utf-8")
    if fmt == "csv":
        return path.read_text(encoding="utf-8-sig")
    if fmt == "pdf":
        reader = pypdf.PdfReader(path)
        return "\n".join(page.extract_text() for page in reader.pages)
    if fmt == "docx":
        document = docx.Document(str(path))
        cells = [c.text for table in document.tables for row in table.rows for c in row.cells]
        return "\n".join([p.text for p in document.paragraphs] + cells)
    root = qde(path)
    texts = [*root.itertext(), *(e.get("name", "") for e in root.iter())]
    return "\n".join([*texts, *qdpx_sources(path).values()])


@pytest.fixture
def outputs(demo_study: StudyFile, stand_in: WordListAnonymiser, tmp_path: Path) -> dict[str, Path]:
    def edit(db: Session) -> None:
        next(iter(entry(db, "E35").codings)).exemplar = True

    change(demo_study, edit)
    return write_all(build(demo_study, stand_in), tmp_path)


@pytest.fixture
def bundle(demo_study: StudyFile, stand_in: WordListAnonymiser) -> ExportBundle:
    return build(demo_study, stand_in)  # the same study as `outputs` after its change


@pytest.mark.parametrize("fmt", ["json", "md", "pdf", "docx"])
def test_reading_formats_carry_every_theme_quote_and_descriptor(
    fmt: str, outputs: dict[str, Path], bundle: ExportBundle
) -> None:
    text = flat(read_back(fmt, outputs[fmt]))
    if fmt == "md":
        text = text.replace("\\", "")
    for theme in bundle.summary.themes:
        assert flat(theme.name) in text
        for quote in theme.quotes:
            assert flat(quote.text) in text, quote.text
            assert quote.descriptor[1:] in text  # capitalised at the start of a line
    assert ("Using the CAF" in text and "Appendix" in text) or fmt == "json"


def test_csv_has_one_row_per_quote_in_the_summary_order(
    outputs: dict[str, Path], bundle: ExportBundle
) -> None:
    raw = outputs["csv"].read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # so Excel reads it as UTF-8
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert tuple(rows[0]) == COLUMNS
    expected = [
        [theme.name, q.descriptor, q.session_kind, q.text]
        for theme in bundle.summary.themes
        for q in theme.quotes
    ]
    assert [[r[0], r[1], r[2], r[4]] for r in rows[1:]] == expected
    labels = {q.label for q in bundle.summary.questions}
    assert all(r[3] in labels for r in rows[1:])


def test_csv_cells_that_look_like_formulas_stay_text() -> None:
    assert cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert cell("-1 for the school") == "'-1 for the school"
    assert cell("A plain quote") == "A plain quote"


def test_pdf_has_bookmarks_charts_and_no_author(
    outputs: dict[str, Path], bundle: ExportBundle
) -> None:
    reader = pypdf.PdfReader(outputs["pdf"])
    assert reader.metadata is not None
    assert reader.metadata.title == bundle.summary.study.title
    assert not reader.metadata.author

    def titles(outline: list[Any]) -> list[str]:
        found: list[str] = []
        for item in outline:
            found += titles(item) if isinstance(item, list) else [item.title]
        return found

    marks = titles(reader.outline)
    assert marks[:4] == ["Aims", "About this summary", "Methods", "Themes"]  # every section
    assert all(theme.name in marks for theme in bundle.summary.themes)
    text = read_back("pdf", outputs["pdf"])
    assert "Agree" in text
    assert "Disagree" in text
    assert "Practitioner interviews" in text


def test_docx_uses_real_heading_and_quote_styles(
    outputs: dict[str, Path], bundle: ExportBundle
) -> None:
    document = docx.Document(str(outputs["docx"]))
    styles = {p.text: p.style.name for p in document.paragraphs if p.style is not None}
    assert styles[bundle.summary.study.title] == "Title"
    assert styles["Methods"] == styles["Themes"] == "Heading 1"
    assert styles["Relationships between professionals"] == "Heading 2"
    assert styles["Using the CAF"] == "Heading 3"  # a sub-theme
    exemplar = "I've been in meetings where three of us thought someone else was writing the notes."
    assert styles[exemplar] == "Intense Quote"
    assert styles["Schools sometimes see us as outsiders"] == "Quote"
    quoted = [p.text for p in document.paragraphs if p.style and "Quote" in p.style.name]
    assert quoted == [q.text for t in bundle.summary.themes for q in t.quotes]
    assert document.core_properties.author == ""


def test_qdpx_is_valid_refi_qda_with_themes_as_codes_and_codings_in_the_text(
    outputs: dict[str, Path], bundle: ExportBundle
) -> None:
    root = qde(outputs["qdpx"])
    if XSD.exists():
        schema = etree.XMLSchema(etree.parse(str(XSD)))
        assert schema.validate(root), schema.error_log
    assert root.tag == f"{{{NS}}}Project"
    codes = {c.get("guid"): c for c in root.iterfind(".//q:Code", Q)}
    assert sorted(c.get("name") for c in codes.values()) == sorted(
        t.name for t in bundle.summary.themes
    )
    caf = root.find(".//q:Code[@name='Knowing and using common tools']/q:Code", Q)
    assert caf is not None
    assert caf.get("name") == "Using the CAF"
    selected = []
    files = qdpx_sources(outputs["qdpx"])
    for source in root.iterfind(".//q:TextSource", Q):
        content = files[source.get("plainTextPath")]
        assert content
        for selection in source.iterfind("q:PlainTextSelection", Q):
            start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
            assert 0 <= start < end <= len(content)
            selected.append(content[start:end])
            target = selection.find("q:Coding/q:CodeRef", Q)
            assert target is not None
            assert target.get("targetGUID") in codes
    for theme in bundle.summary.themes:
        for quote in theme.quotes:
            assert quote.text in selected
    assert "At [school] the head rings her direct" in "\n".join(selected)
    names = [s.get("name") for s in root.iterfind(".//q:TextSource", Q)]
    assert names[:2] == ["Practitioner interview 1", "Practitioner interview 2"]
    assert "Focus group 1" in names


@pytest.fixture
def named_bundle(demo_study: StudyFile, demo_dump: dict[str, Any]) -> ExportBundle:
    """The demo with names where the export would show them if nothing redacted them."""

    def edit(db: Session) -> None:
        study = db.scalars(select(m.Study)).one()
        study.title = "Moving up to Castlebrook Academy from Northfield"
        study.aims = [*study.aims, "What Mrs Pennington and Femi changed in Hartley Vale"]
        theme = db.scalars(select(m.Theme).where(m.Theme.ref == "T1")).one()
        theme.name = "Working with Mr Adebayo"
        theme.description = "Ring Helen Whitaker on 07700 900412"
        for ref, start, end in (("E59", 0, 40), ("E78", 0, 60), ("E6", 0, 90)):
            passage = entry(db, ref)
            passage.verbatim = True
            db.add(m.Coding(entry_id=passage.id, theme_id=theme_id(db, "T3"), start=start, end=end))

    change(demo_study, edit)
    return build(demo_study, WordListAnonymiser(register_terms(demo_dump)))


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_no_registered_name_appears_in_any_output(
    fmt: str, named_bundle: ExportBundle, demo_dump: dict[str, Any], tmp_path: Path
) -> None:
    path = tmp_path / f"out{FORMATS[fmt]}"
    write_export(named_bundle, fmt, path)
    terms = [t.text for t in register_terms(demo_dump)]
    text = read_back(fmt, path).replace("\\", "")  # Markdown's escapes
    assert words_found(text, terms) == []
    assert "[school]" in text  # the names were there, and were replaced
    if fmt != "qdpx":
        assert "[practitioner] came to the house" in text


def test_markdown_escapes_what_would_be_markup() -> None:
    assert escape("[school](x) *and* a|b") == r"\[school\](x) \*and\* a\|b"


def test_a_failed_export_leaves_no_file_and_keeps_the_last_one(
    bundle: ExportBundle, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / "summary.json"
    write_export(bundle, "json", out)
    before = out.read_bytes()

    def broken(bundle: ExportBundle, stream: Any) -> None:
        stream.write(b"half")
        raise RuntimeError("disk full")

    monkeypatch.setattr("plrdesk.export.formats.renderer", lambda fmt: broken)
    with pytest.raises(RuntimeError):
        write_export(bundle, "json", out)
    assert out.read_bytes() == before
    assert sorted(p.name for p in folder.iterdir()) == ["summary.json"]


def test_an_empty_study_exports_in_every_format(empty_study: StudyFile, tmp_path: Path) -> None:
    bundle = build(empty_study, WordListAnonymiser([]))
    doc = bundle.summary.to_jsonable()
    assert doc["methods"] == {
        "sessions": {},
        "participants": {},
        "withdrawn": 0,
        "period": {"from": None, "to": None},
    }
    assert (doc["themes"], doc["questions"]) == ([], [])
    paths = write_all(bundle, tmp_path)
    assert "Empty study" in read_back("pdf", paths["pdf"])
    if XSD.exists():
        assert etree.XMLSchema(etree.parse(str(XSD))).validate(qde(paths["qdpx"]))


@pytest.mark.parametrize("fmt", ["md", "pdf", "docx"])
def test_reading_formats_carry_the_aims_and_every_theme_description(
    fmt: str, outputs: dict[str, Path], bundle: ExportBundle
) -> None:
    text = flat(read_back(fmt, outputs[fmt]))
    if fmt == "md":
        text = text.replace("\\", "")
    assert bundle.summary.study.aims
    for aim in bundle.summary.study.aims:
        assert flat(aim) in text, aim
    described = [t for t in bundle.summary.themes if t.description]
    assert len(described) == len(bundle.summary.themes)  # the demo describes every theme
    for theme in described:
        assert flat(theme.description) in text, theme.name
