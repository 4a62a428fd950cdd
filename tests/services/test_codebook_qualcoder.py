"""QualCoder imports our .qdc: the file meets exactly what QualCoder's codebook import needs.

QualCoder (qualcoder/refi.py, RefiImport.import_codebook and sub_codes, read from its
published source; none of it is copied here) imports a .qdc like this:
- it parses the file with the standard library's ElementTree;
- it takes the format version from the namespace of the root's children, which must be
  `urn:QDA-XML:codebook:<version>`, and looks for a root child `{that namespace}Codes`;
  without one it says "Codebook not imported";
- under it, each `Code` is a code unless `isCodable="false"`, which makes it a category
  (a folder that cannot be coded); its `name` attribute is the code's name (a Code without
  one is skipped, and its sub-codes lose their parent); the text of its `Description`
  child is the memo; `Code` children are its sub-codes;
- `color` is read as `#RRGGBB` (anything not 7 characters becomes light grey) and mapped
  to the nearest colour of QualCoder's palette;
- QualCoder's `code_name` table is `unique(name)`: a name met a second time anywhere in the
  codebook is not added again, its sub-codes go under the first code of that name.
The reader below follows those rules, written from that description, and the test checks
that every theme of a study arrives with its name, parent, description and a usable colour.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import pytest

from plrdesk.services.codebook import export_codebook_file, import_csv
from plrdesk.services.themes import list_themes
from plrdesk.storage.study_file import StudyFile

NS_PREFIX = "{urn:QDA-XML:codebook:"


@dataclass(frozen=True)
class QualCoderCode:
    name: str
    parent: str | None
    memo: str | None
    colour: str
    category: bool


def as_qualcoder_reads(path: Path) -> list[QualCoderCode]:
    """The codes and categories QualCoder's import would create from the file at `path`."""
    root = ET.parse(path).getroot()
    versions = {child.tag[len(NS_PREFIX) :].split("}")[0] for child in root}
    assert all(child.tag.startswith(NS_PREFIX) for child in root), "QualCoder reads no version"
    assert len(versions) == 1
    ns = f"{NS_PREFIX}{versions.pop()}}}"
    holders = [child for child in root if child.tag == f"{ns}Codes"]
    assert holders, "QualCoder would say: Codebook not imported"
    made: dict[str, QualCoderCode] = {}

    def visit(element: ET.Element, parent: str | None) -> None:
        name = element.get("name")
        assert name is not None, "QualCoder skips a Code without a name"
        descriptions = [e.text for e in element if e.tag == f"{ns}Description"]
        colour = element.get("color") or ""
        if name not in made:  # unique(name): a second code of that name is dropped
            made[name] = QualCoderCode(
                name,
                parent,
                descriptions[-1] if descriptions else None,
                colour,
                element.get("isCodable") == "false",
            )
        for child in element:
            if child.tag == f"{ns}Code":
                visit(child, name)

    for element in holders[0]:
        visit(element, None)
    return list(made.values())


def usable_colour(colour: str) -> bool:
    """QualCoder reads characters 1-7 as three hex pairs; anything else becomes grey."""
    if len(colour) != 7 or not colour.startswith("#"):
        return False
    int(colour[1:], 16)  # raises as QualCoder's own int(..., 16) would
    return True


CODEBOOK = (
    "ref,name,parent_ref,description,colour\n"
    "A,Relationships,,Working together & apart <across> services,#1f77b4\n"
    'B,Trust,A,"Who trusts whom, and why",\n'
    "C,Año 7 & Übergänge,B,Transición a secundaria,#2CA02C\n"
    "D,Nguyễn's team,,,\n"
)


@pytest.mark.parametrize("which", ["demo", "nested"])
def test_qualcoder_gets_every_theme_with_its_parent_memo_and_colour(
    demo_study: StudyFile, empty_study: StudyFile, tmp_path: Path, which: str
) -> None:
    study = demo_study if which == "demo" else empty_study
    book = tmp_path / "book.qdc"
    with study.transaction() as db:
        if which == "nested":
            import_csv(db, CODEBOOK, "codebook.csv")
        rows = list_themes(db)
        export_codebook_file(db, book)
    names = {row.id: row.name for row in rows}
    expected = [
        QualCoderCode(
            row.name,
            names[row.parent_id] if row.parent_id else None,
            row.description,
            row.shown_colour.upper(),
            category=False,
        )
        for row in rows
    ]
    got = as_qualcoder_reads(book)
    assert got == expected
    assert all(usable_colour(code.colour) for code in got)
    assert not any(code.category for code in got)  # every theme can be coded in QualCoder


def test_a_name_two_themes_share_is_exported_with_a_note(
    demo_study: StudyFile, tmp_path: Path
) -> None:
    """plrdesk allows one name under two parents; QualCoder keeps only the first of them
    (the reader above sees it), so the export says so, in the panel and the command."""
    book = tmp_path / "book.qdc"
    with demo_study.transaction() as db:
        assert export_codebook_file(db, book).note is None  # the demo's names are unique
        import_csv(db, "name,parent_ref\nOther,T1\nOther,T3\n", "twice.csv")
        exported = export_codebook_file(db, book)
        assert export_codebook_file(db, tmp_path / "book.csv").note is None  # QDC only
    assert len(as_qualcoder_reads(book)) == exported.themes - 1
    assert exported.shared_names == ("Other",)
    assert exported.message("book.qdc") == (
        "Exported 7 themes to book.qdc. Note: 'Other' names more than one theme; QualCoder"
        " keeps only the first of each name (rename one to keep both)."
    )
