"""Codebook exchange: CSV and REFI-QDA QDC out and back in, errors that name the line, the
export valid against the REFI-QDA schema, and a codebook written by another tool."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from plrdesk.domain import models as m
from plrdesk.services.codebook import (
    InvalidCodebook,
    decode_csv,
    export_csv,
    export_qdc,
    import_csv,
    import_qdc,
    undo_import,
)
from plrdesk.services.codebook_qdc import CODEBOOK_NS
from plrdesk.services.themes import InvalidTheme, ThemeRow, list_themes
from plrdesk.storage.study_file import StudyFile
from tests.support.files import PASSPHRASE

try:  # only the schema checks need lxml (the test extras have it)
    from lxml import etree
except ImportError:  # pragma: no cover
    etree = None  # type: ignore[assignment]

PROJECT_XSD = Path(__file__).resolve().parents[2].parent / "shared" / "refi-qda" / "Project.xsd"
PROJECT_NS = "urn:QDA-XML:project:1.0"
XSI = "http://www.w3.org/2001/XMLSchema-instance"


def shape(db: Session) -> list[tuple[str, str | None, str | None, str, int]]:
    """What a codebook carries, independent of refs and ids: (name, parent name,
    description, colour, depth) in reading order."""
    rows = list_themes(db)
    names = {row.id: row.name for row in rows}
    return [
        (
            row.name,
            names[row.parent_id] if row.parent_id else None,
            row.description,
            row.shown_colour,
            row.depth,
        )
        for row in rows
    ]


def theme_count(db: Session) -> int:
    return db.scalar(select(func.count()).select_from(m.Theme)) or 0


def by_name(db: Session) -> dict[str, ThemeRow]:
    return {row.name: row for row in list_themes(db)}


@pytest.fixture(scope="module")
def shared_empty(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StudyFile]:
    """One empty study for the whole module; each test's changes are rolled back."""
    path = tmp_path_factory.mktemp("codebook") / "empty.plr"
    with StudyFile.create(path, PASSPHRASE, title="Empty study") as study:
        yield study


@pytest.fixture
def empty_db(shared_empty: StudyFile) -> Iterator[Session]:
    """A transaction on an empty study, rolled back afterwards (opening a fresh study per
    test would cost a key derivation each)."""
    with shared_empty.sessions() as db, db.begin() as transaction:
        assert theme_count(db) == 0
        yield db
        transaction.rollback()


# -- CSV -------------------------------------------------------------------------------------


def test_csv_export_lists_the_tree_with_levels(demo_study: StudyFile) -> None:
    with demo_study.transaction() as db:
        lines = export_csv(db).split("\r\n")
    assert lines[0] == "ref,name,parent_ref,description,colour,level"
    assert lines[1].startswith("T1,Relationships between professionals,,How working")
    assert lines[1].endswith(",#e69f00,1")
    assert lines[3].startswith('T5,Using the CAF,T2,"Views on the Common Assessment')
    assert lines[3].endswith(",#0072b2,2")
    assert len(lines) == 7  # header, five themes, and the empty string after the last CRLF


def test_csv_round_trip_into_a_fresh_study_and_back_in_place(
    demo_study: StudyFile, empty_db: Session
) -> None:
    with demo_study.transaction() as db:
        text = export_csv(db)
        expected = shape(db)
        again = import_csv(db, text, "codebook.csv")  # the study's own codebook: no change
        assert (again.new_themes, again.updated_themes, again.added) == (0, 0, {})
        assert shape(db) == expected
    db = empty_db
    imported = import_csv(db, text, "codebook.csv")
    assert (imported.new_themes, imported.updated_themes) == (5, 0)
    assert imported.summary() == "5 new themes"
    assert shape(db) == expected


def test_csv_import_merges_by_name_and_parent(demo_study: StudyFile) -> None:
    text = (
        "Name;Parent Ref;Description;Color\n"  # Excel in some countries: semicolons
        "Using the CAF;T2;;#123456\n"  # the existing sub-theme: recoloured only
        "Team around the family;T2;Meetings of everyone involved;\n"
        "relationships between professionals;;;\n"  # the same theme, another case
        "Trust;;Whether agencies trust each other;\n"
    )
    with demo_study.transaction() as db:
        before = by_name(db)
        result = import_csv(db, text, "mine.csv")
        assert (result.new_themes, result.updated_themes) == (2, 1)
        after = by_name(db)
        caf = after["Using the CAF"]
        assert caf.id == before["Using the CAF"].id
        assert caf.colour == "#123456"
        assert caf.description == before["Using the CAF"].description  # empty cells keep
        assert (
            after["Team around the family"].parent_id == before["Knowing and using common tools"].id
        )
        assert after["Trust"].parent_id is None
        assert after["Trust"].ref == "T7"
        assert "relationships between professionals" not in after


def test_csv_levels_nest_rows_without_a_parent_ref(empty_db: Session) -> None:
    text = "level,name\n1,Tools\n2,CAF\n3,The form\n2,Information sharing\n1,Children\n"
    db = empty_db
    import_csv(db, text, "outline.csv")
    assert [(name, parent, depth) for name, parent, _d, _c, depth in shape(db)] == [
        ("Tools", None, 0),
        ("CAF", "Tools", 1),
        ("The form", "CAF", 2),
        ("Information sharing", "Tools", 1),
        ("Children", None, 0),
    ]


def test_csv_parents_may_come_later_in_the_file(empty_db: Session) -> None:
    text = "ref,name,parent_ref\nA2,Child,A1\nA1,Parent,\n"
    db = empty_db
    import_csv(db, text, "later.csv")
    assert [(n, p) for n, p, *_rest in shape(db)] == [("Parent", None), ("Child", "Parent")]


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("ref,title\nT1,x\n", "bad.csv: line 1: no 'name' column; the first line must name"),
        ("", "bad.csv: line 1: the file is empty"),
        ("name,name\nx,y\n", "bad.csv: line 1: the column 'name' appears twice"),
        (
            "name,colour\nA,#123456\nB,red\n",
            "bad.csv: line 3, column colour: 'red' is not a colour",
        ),
        ("name,level\nA,1\n,1\n", "bad.csv: line 3, column name: a theme needs a name"),
        ("name,level\nA,one\n", "bad.csv: line 2, column level: 'one' is not a level"),
        ("name,level\nA,2\n", "bad.csv: line 2, column level: level 2 but no level 1 above it"),
        ("ref,name\nX,A\nX,B\n", "bad.csv: line 3, column ref: X is also the ref on line 2"),
        (
            "ref,name,parent_ref\nX,A,T9\n",
            "bad.csv: line 2, column parent_ref: there is no theme T9 in this file or in the study",
        ),
        (
            "ref,name,parent_ref\nX,A,Y\nY,B,X\n",
            "bad.csv: line 2, column parent_ref: 'A' would be inside itself",
        ),
        ("name\nA\na\n", "bad.csv: line 3, column name: 'a' is listed twice under the same parent"),
        ("name,description\nA,one,two\n", "bad.csv: line 2: 3 cells but the first line names 2"),
        (
            'name,description\nA,"spans\ntwo lines"\nB,ok\n"",x\n',
            "bad.csv: line 5, column name: a theme needs a name",
        ),
    ],
)
def test_csv_errors_name_the_line_and_column_and_change_nothing(
    empty_db: Session, text: str, error: str
) -> None:
    with pytest.raises(InvalidCodebook) as refused:
        import_csv(empty_db, text, "bad.csv")
    assert str(refused.value).startswith(error), str(refused.value)
    assert "\n" not in str(refused.value)
    assert theme_count(empty_db) == 0  # all or nothing: the good rows before it are not kept


def test_csv_bytes_from_excel_decode(empty_db: Session) -> None:
    assert decode_csv("\ufeffname\nCafé\n".encode()) == "name\nCafé\n"
    assert decode_csv("name\nCafé\n".encode("cp1252")) == "name\nCafé\n"
    db = empty_db
    import_csv(db, decode_csv("\ufeffname\r\nCafé\r\n".encode()), "excel.csv")
    assert [row.name for row in list_themes(db)] == ["Café"]


def test_undo_import_takes_it_back(demo_study: StudyFile) -> None:
    with demo_study.transaction() as db:
        before = list_themes(db)
        result = import_csv(
            db,
            "name,parent_ref,description\nNew,T1,x\nUsing the CAF,T2,changed\nSub,,\n",
            "x.csv",
        )
        assert (result.new_themes, result.updated_themes) == (2, 1)
        undo_import(db, result.record)
        assert list_themes(db) == before


def test_undo_import_refuses_once_a_new_theme_is_coded(demo_study: StudyFile) -> None:
    with demo_study.transaction() as db:
        result = import_csv(db, "name\nFresh\n", "x.csv")
        entry = db.scalars(select(m.Entry)).first()
        assert entry is not None
        db.add(m.Coding(entry_id=entry.id, theme_id=result.record.created[0], position=99))
        db.flush()
        with pytest.raises(InvalidTheme, match="'Fresh' has been used for coding since"):
            undo_import(db, result.record)


# -- QDC -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def project_schema() -> etree.XMLSchema:
    if etree is None:
        pytest.skip("lxml is not installed: pip install -e '.[test]'")
    if not PROJECT_XSD.exists():
        pytest.skip(f"the REFI-QDA schema is not at {PROJECT_XSD}")
    return etree.XMLSchema(etree.parse(str(PROJECT_XSD)))


@pytest.fixture(scope="module")
def codebook_schema() -> etree.XMLSchema:
    """The standalone codebook schema, built from Project.xsd's own types: the same
    definitions in the codebook namespace, plus the CodeBook root with its `origin`."""
    if etree is None:
        pytest.skip("lxml is not installed: pip install -e '.[test]'")
    if not PROJECT_XSD.exists():
        pytest.skip(f"the REFI-QDA schema is not at {PROJECT_XSD}")
    text = PROJECT_XSD.read_bytes().replace(PROJECT_NS.encode(), CODEBOOK_NS.encode())
    schema = etree.fromstring(text)
    xsd = "http://www.w3.org/2001/XMLSchema"
    root = etree.SubElement(schema, f"{{{xsd}}}element", name="CodeBook")
    complex_type = etree.SubElement(root, f"{{{xsd}}}complexType")
    content = etree.SubElement(complex_type, f"{{{xsd}}}complexContent")
    extension = etree.SubElement(content, f"{{{xsd}}}extension", base="CodeBookType")
    etree.SubElement(extension, f"{{{xsd}}}attribute", name="origin", type="xsd:string")
    return etree.XMLSchema(schema)


def as_project(qdc: bytes) -> etree._Element:
    """The codebook's <Codes> inside a minimal REFI-QDA <Project>."""
    codes = etree.fromstring(qdc).find(f"{{{CODEBOOK_NS}}}Codes")
    assert codes is not None
    project = etree.Element(f"{{{PROJECT_NS}}}Project")
    project.set("name", "Transition study")
    project.set("origin", "plrdesk")
    book = etree.SubElement(project, f"{{{PROJECT_NS}}}CodeBook")
    book.append(_renamespaced(codes))
    return project


def _renamespaced(element: etree._Element) -> etree._Element:
    copy = etree.Element(f"{{{PROJECT_NS}}}{etree.QName(element).localname}")
    for name, value in element.attrib.items():
        copy.set(name, value)
    copy.text = element.text
    for child in element:
        copy.append(_renamespaced(child))
    return copy


def test_qdc_export_is_a_valid_refi_qda_codebook(
    demo_study: StudyFile, project_schema: etree.XMLSchema, codebook_schema: etree.XMLSchema
) -> None:
    with demo_study.transaction() as db:
        qdc = export_qdc(db)
        rows = list_themes(db)
    assert qdc.startswith(b'<?xml version="1.0" encoding="utf-8"?>\n<CodeBook xmlns="')
    document = etree.fromstring(qdc)
    assert etree.QName(document).localname == "CodeBook"
    assert document.get("origin") == "plrdesk"
    codebook_schema.assertValid(document)
    project_schema.assertValid(as_project(qdc))
    codes = document.findall(f".//{{{CODEBOOK_NS}}}Code")
    assert [c.get("guid") for c in codes] == [str(row.id) for row in rows]
    caf = codes[2]
    assert (caf.get("name"), caf.get("color"), caf.get("isCodable")) == (
        "Using the CAF",
        "#0072B2",
        "true",
    )
    assert caf.getparent() is codes[1]
    description = caf.find(f"{{{CODEBOOK_NS}}}Description")
    assert description is not None
    assert description.text is not None
    assert description.text.startswith("Views on the Common Assessment Framework")


def test_the_schema_checks_catch_a_broken_codebook(
    project_schema: etree.XMLSchema, codebook_schema: etree.XMLSchema
) -> None:
    # the checks above would fail on what the schema forbids: a colour name, a missing guid
    bad = (
        f'<CodeBook xmlns="{CODEBOOK_NS}"><Codes><Code name="x" isCodable="true" color="red"/>'
        "</Codes></CodeBook>"
    ).encode()
    assert not codebook_schema.validate(etree.fromstring(bad))
    assert not project_schema.validate(as_project(bad))


def test_qdc_round_trip_through_a_fresh_study_gives_the_same_codebook(
    demo_study: StudyFile, empty_db: Session
) -> None:
    with demo_study.transaction() as db:
        qdc = export_qdc(db)
        expected = shape(db)
    db = empty_db
    imported = import_qdc(db, qdc, "demo.qdc")
    assert imported.new_themes == 5
    assert shape(db) == expected
    assert export_qdc(db) == qdc  # same guids, names, nesting, colours, descriptions


def test_reimporting_our_own_qdc_updates_the_themes_in_place(demo_study: StudyFile) -> None:
    with demo_study.transaction() as db:
        before = by_name(db)
        qdc = export_qdc(db)
        caf = str(before["Using the CAF"].id)
        edited = qdc.replace(  # renamed, and its guid written the way other tools do
            f'guid="{caf}" name="Using the CAF"'.encode(),
            f'guid="{{{caf.upper()}}}" name="The CAF in practice"'.encode(),
        ).replace(b'color="#E69F00"', b'color="#ABC"')
        result = import_qdc(db, edited, "edited.qdc")
        assert (result.new_themes, result.updated_themes) == (0, 2)
        after = by_name(db)
        assert after["The CAF in practice"].id == before["Using the CAF"].id
        assert after["Relationships between professionals"].colour == "#aabbcc"
        assert len(after) == 5


OTHER_TOOL = """<?xml version="1.0" encoding="utf-8"?>
<CodeBook xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    xsi:schemaLocation="urn:QDA-XML:codebook:1.0 Codebook.xsd"
    origin="ATLAS.ti Win 23.4.0" xmlns="urn:QDA-XML:codebook:1.0">
  <Codes>
    <Code guid="1FF58B12-6F6F-4B0C-8BE5-BBDC91F55294" name="Barriers" color="#46AA00"
          isCodable="false">
      <Description>What gets in the way</Description>
      <Code guid="{2A1D4C5E-0000-4B0C-8BE5-BBDC91F55294}" name="Waiting lists" isCodable="true">
        <NoteRef targetGUID="9C1D4C5E-0000-4B0C-8BE5-BBDC91F55294"/>
        <Code guid="3B1D4C5E-0000-4B0C-8BE5-BBDC91F55294" name="CAMHS" color="#C30"
              isCodable="true"/>
      </Code>
      <Code guid="4C1D4C5E-0000-4B0C-8BE5-BBDC91F55294" name="Paperwork" isCodable="true"/>
    </Code>
    <Code guid="5D1D4C5E-0000-4B0C-8BE5-BBDC91F55294" name="relationships between professionals"
          isCodable="true"><Description>Imported description</Description></Code>
  </Codes>
  <Sets>
    <Set name="code group 1" guid="ECA18D76-2B8B-4F26-BC1D-19ECA19FB3F0">
      <MemberCode guid="1FF58B12-6F6F-4B0C-8BE5-BBDC91F55294" />
    </Set>
  </Sets>
</CodeBook>
"""


def test_a_codebook_from_another_tool_becomes_nested_themes(demo_study: StudyFile) -> None:
    with demo_study.transaction() as db:
        before = by_name(db)
        result = import_qdc(db, OTHER_TOOL.encode(), "atlas.qdc")
        assert (result.new_themes, result.updated_themes) == (4, 1)
        rows = by_name(db)
        barriers, waiting, camhs, paperwork = (
            rows[name] for name in ("Barriers", "Waiting lists", "CAMHS", "Paperwork")
        )
        assert barriers.id == uuid.UUID("1ff58b12-6f6f-4b0c-8be5-bbdc91f55294")  # its guid
        assert waiting.id == uuid.UUID("2a1d4c5e-0000-4b0c-8be5-bbdc91f55294")
        assert (barriers.parent_id, waiting.parent_id, camhs.parent_id, paperwork.parent_id) == (
            None,
            barriers.id,
            waiting.id,
            barriers.id,
        )
        assert (barriers.colour, camhs.colour, waiting.colour) == ("#46aa00", "#cc3300", None)
        assert barriers.description == "What gets in the way"
        # the same name at the same place is the study's own theme, not a second one
        relationships = rows["Relationships between professionals"]
        assert relationships.id == before["Relationships between professionals"].id
        assert relationships.description == "Imported description"
        assert len(rows) == 9


def test_a_project_document_codebook_imports_too(empty_db: Session) -> None:
    project = (
        f'<Project xmlns="{PROJECT_NS}" name="p"><CodeBook><Codes>'
        '<Code guid="1FF58B12-6F6F-4B0C-8BE5-BBDC91F55294" name="Only" isCodable="true"/>'
        "</Codes></CodeBook></Project>"
    )
    db = empty_db
    import_qdc(db, project.encode(), "project.qde")
    assert [row.name for row in list_themes(db)] == ["Only"]


@pytest.mark.parametrize(
    ("xml", "error"),
    [
        ("<CodeBook><Codes>\n<Code", "bad.qdc: line 2, column 1: this is not well-formed XML"),
        ("", "bad.qdc: line 1, column 1: this is not well-formed XML (no element found)"),
        ("<Project/>", "bad.qdc: line 1: this is not a REFI-QDA codebook"),
        (
            "<html>\n</html>",
            "bad.qdc: line 1: this is not a REFI-QDA codebook: it starts with <html>",
        ),
        ("<CodeBook>\n</CodeBook>", "bad.qdc: line 1: the codebook has no <Codes>"),
        ("<CodeBook>\n<Codes/></CodeBook>", "bad.qdc: line 2: the codebook holds no codes"),
        (
            '<CodeBook><Codes>\n\n<Code name="x"/></Codes></CodeBook>',
            "bad.qdc: line 3: this <Code> has no guid",
        ),
        (
            '<CodeBook><Codes>\n<Code guid="123" name="x"/></Codes></CodeBook>',
            "bad.qdc: line 2: '123' is not a guid",
        ),
        (
            '<CodeBook><Codes>\n<Code guid="1FF58B12-6F6F-4B0C-8BE5-BBDC91F55294"/>'
            "</Codes></CodeBook>",
            "bad.qdc: line 2: this <Code> has no name",
        ),
        (
            '<CodeBook><Codes><Code guid="1FF58B12-6F6F-4B0C-8BE5-BBDC91F55294" name="a"/>\n'
            '<Code guid="1FF58B12-6F6F-4B0C-8BE5-BBDC91F55294" name="b"/></Codes></CodeBook>',
            "bad.qdc: line 2: the guid 1FF58B12-6F6F-4B0C-8BE5-BBDC91F55294 is also the guid on"
            " line 1",
        ),
        (
            '<CodeBook><Codes>\n\n\n<Code guid="1FF58B12-6F6F-4B0C-8BE5-BBDC91F55294" name="a"'
            ' color="green"/></Codes></CodeBook>',
            "bad.qdc: line 4: 'green' is not a colour like #1f77b4",
        ),
        (
            '<!DOCTYPE lolz [<!ENTITY lol "lol">]>\n<CodeBook><Codes/></CodeBook>',
            "bad.qdc: line 1: a codebook may not hold a DOCTYPE",
        ),
    ],
)
def test_qdc_errors_name_the_line(empty_db: Session, xml: str, error: str) -> None:
    with pytest.raises(InvalidCodebook) as refused:
        import_qdc(empty_db, xml.encode(), "bad.qdc")
    assert str(refused.value).startswith(error), str(refused.value)
    assert theme_count(empty_db) == 0


def test_a_qdc_import_is_all_or_nothing(demo_study: StudyFile) -> None:
    xml = (
        '<CodeBook><Codes><Code guid="1FF58B12-6F6F-4B0C-8BE5-BBDC91F55294" name="Fine"/>\n'
        '<Code guid="2FF58B12-6F6F-4B0C-8BE5-BBDC91F55294" name="Engaging children and parents">'
        '<Code guid="3FF58B12-6F6F-4B0C-8BE5-BBDC91F55294" name="x"/>'
        '<Code guid="4FF58B12-6F6F-4B0C-8BE5-BBDC91F55294" name="X"/>'
        "</Code></Codes></CodeBook>"
    )
    with demo_study.transaction() as db, pytest.raises(InvalidCodebook) as refused:
        import_qdc(db, xml.encode(), "twice.qdc")
    assert str(refused.value) == (
        "twice.qdc: line 2: 'X' is listed twice under the same parent (also line 2)"
    )
    with demo_study.transaction() as db:
        assert theme_count(db) == 5


def test_an_empty_study_has_no_qdc_to_export(empty_db: Session) -> None:
    with pytest.raises(InvalidTheme, match=r"There are no themes to export yet\."):
        export_qdc(empty_db)
    assert export_csv(empty_db) == "ref,name,parent_ref,description,colour,level\r\n"
