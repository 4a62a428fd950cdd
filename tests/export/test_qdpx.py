"""The QDPX as QDA programs read it: sources as UTF-8 files in `sources/`, positions in code
points, the speakers as cases with the attributes their descriptors show, memos as notes,
one neutral coder; and, learnt from QualCoder's published importer (qualcoder/refi.py,
RefiImport.import_project and the methods it calls), exactly what that importer needs to
bring every source, coding, case, variable and memo across."""

from __future__ import annotations

import copy
import datetime as dt
import io
import json
import uuid
import zipfile
from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from sqlalchemy import select
from sqlalchemy.orm import Session

from plrdesk.cli.study_commands import shipped_forms
from plrdesk.domain import models as m
from plrdesk.export.formats import write_export
from plrdesk.export.model import ExportBundle
from plrdesk.export.render_qdpx import NS, USER_GUID, USER_NAME, project_xml
from plrdesk.interchange.parse import parse_document
from plrdesk.services.study_import import import_document
from plrdesk.storage.study_file import StudyFile
from tests.export.conftest import WordListAnonymiser, register_terms
from tests.export.support import ONE_NAME, build, change, entry, set_export_setting, words_found
from tests.export.test_renderers import XSD, qde, qdpx_sources, read_back
from tests.support.files import PASSPHRASE

Q = {"q": NS}
VALUE_TAGS = {f"{{{NS}}}{t}Value" for t in ("Text", "Boolean", "Integer", "Float", "Date")}

# Words around astral-plane characters (each one code point, two UTF-16 units, four UTF-8
# bytes; 👍🏽 is two code points), a name the anonymiser replaces before the coded words
# (the span moves), and a Windows line end inside an entry (its \r becomes a space).
EMOJI_TEXT = (
    "Moving up 😀 went well 👍🏽. At Castlebrook Academy 🏫 the SENCO rang us 🎉 every week."
)
EMOJI_CRLF = "First 🇬🇧 line\r\nand then 𝒜 the second line, coded."
CODED = {  # entry, theme, the words coded (found in the entry's own text)
    ("E1", "T1", "the SENCO rang us"),
    ("E1", "T2", "every week"),
    ("E2", "T1", "the second line"),
}


def emoji_study(path: Path) -> Path:
    """ONE_NAME with emoji in the coded entries, two themes and a memo naming someone."""
    doc: dict[str, Any] = copy.deepcopy(ONE_NAME)
    session = doc["sessions"][0]
    session["entries"] = [
        {"ref": "E1", "speaker": "P1", "text": EMOJI_TEXT, "verbatim": True},
        {"ref": "E2", "speaker": "P2", "text": EMOJI_CRLF, "verbatim": True},
    ]
    session["participants"] = ["P1", "P2"]
    doc["themes"].append({"ref": "T2", "name": "Keeping in touch 📞", "parent": None})
    texts = {"E1": EMOJI_TEXT, "E2": EMOJI_CRLF}
    doc["codings"] = [
        {
            "entry": e,
            "theme": t,
            "start": texts[e].index(words),
            "end": texts[e].index(words) + len(words),
            **({"memo": "Ask Ann Okafor 🙂 about the calls"} if t == "T2" else {}),
        }
        for e, t, words in sorted(CODED)
    ]
    parsed = parse_document(json.dumps(doc), "emoji")
    with StudyFile.create(path, PASSPHRASE, title="Emoji") as study, study.transaction() as db:
        import_document(
            db, parsed, merge=False, source="emoji", forms=shipped_forms(), new_study=True
        )
    return path


def export(bundle: ExportBundle, folder: Path) -> Path:
    out = folder / "project.qdpx"
    write_export(bundle, "qdpx", out)
    return out


def selected_words(path: Path) -> list[tuple[str, str, str]]:
    """(source name, code name, the words its positions select in the source's file)."""
    root, files = qde(path), qdpx_sources(path)
    codes = {c.get("guid"): c.get("name") for c in root.iterfind(".//q:Code", Q)}
    found = []
    for source in root.iterfind(".//q:TextSource", Q):
        text = files[source.get("plainTextPath")]
        for selection in source.iterfind("q:PlainTextSelection", Q):
            start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
            target = selection.find("q:Coding/q:CodeRef", Q).get("targetGUID")
            found.append((source.get("name"), codes[target], text[start:end]))
    return found


def emoji_export(folder: Path) -> ExportBundle:
    """The export of the emoji study, made in `folder`."""
    with StudyFile.open(emoji_study(folder / "emoji.plr"), PASSPHRASE) as study:
        return build(study, WordListAnonymiser(register_terms(ONE_NAME)))


@pytest.fixture
def emoji_bundle(tmp_path: Path) -> ExportBundle:
    return emoji_export(tmp_path)


@pytest.fixture
def demo_qdpx(demo_study: StudyFile, stand_in: WordListAnonymiser, tmp_path: Path) -> Path:
    return export(build(demo_study, stand_in), tmp_path)


def test_sources_are_utf8_files_in_the_sources_folder(demo_qdpx: Path) -> None:
    root = qde(demo_qdpx)
    with zipfile.ZipFile(demo_qdpx) as archive:
        raw = {n: archive.read(n) for n in archive.namelist() if n != "project.qde"}
    sources = root.findall(".//q:TextSource", Q)
    assert len(sources) == len(raw) == 10
    for source in sources:
        assert source.find("q:PlainTextContent", Q) is None  # the schema: content or path
        assert source.get("plainTextPath") == f"internal://{source.get('guid')}.txt"
        data = raw[f"sources/{source.get('guid')}.txt"]
        assert not data.startswith(b"\xef\xbb\xbf")  # a byte-order mark would be position 0
        assert b"\r" not in data
        data.decode("utf-8")  # strictly


def test_astral_plane_characters_count_one_position_each(
    emoji_bundle: ExportBundle, tmp_path: Path
) -> None:
    out = export(emoji_bundle, tmp_path)
    found = sorted((code, words) for _, code, words in selected_words(out))
    assert found == [
        ("Keeping in touch 📞", "every week"),
        ("Relationships", "the SENCO rang us"),
        ("Relationships", "the second line"),
    ]
    # A reader that opens the file as text (universal newlines, as QualCoder does) sees
    # the same characters, so the same positions select the same words.
    for name, text in qdpx_sources(out).items():
        with zipfile.ZipFile(out) as archive:
            read = io.TextIOWrapper(
                io.BytesIO(archive.read(f"sources/{name.removeprefix('internal://')}")),
                encoding="utf-8",
            ).read()
        assert read == text
        assert "[school] 🏫" in text  # the name went, the emoji stayed
        assert "First 🇬🇧 line \nand then 𝒜" in text  # the \r became a space
    if XSD.exists():
        assert etree.XMLSchema(etree.parse(str(XSD))).validate(qde(out))


def test_cases_are_the_speakers_with_what_their_descriptors_show(
    demo_study: StudyFile, stand_in: WordListAnonymiser, tmp_path: Path
) -> None:
    def edit(db: Session) -> None:
        set_export_setting(db, "child", ["year_group", "gender", "age"])
        set_export_setting(db, "practitioner", ["sector", "role"])

    change(demo_study, edit)
    out = export(build(demo_study, stand_in), tmp_path)
    root, files = qde(out), qdpx_sources(out)
    variables = {v.get("guid"): v.get("name") for v in root.iterfind(".//q:Variable", Q)}
    assert set(variables.values()) <= {"kind", "sector", "role", "year group", "gender", "age"}
    sources = {s.get("guid"): s for s in root.iterfind(".//q:TextSource", Q)}
    with demo_study.transaction() as db:
        people = list(db.scalars(select(m.Participant)))
    children = [tuple(str(p.attributes.get(a)) for a in ("age", "gender", "year_group"))
                for p in people if p.kind == "child"]  # fmt: skip
    cases = root.findall(".//q:Case", Q)
    assert {c.get("name") for c in cases} >= {"Practitioner 1", "Parent or carer 1", "Child 1"}
    linked: dict[str, set[str]] = {}
    for case in cases:
        values = {
            variables[v.find("q:VariableRef", Q).get("targetGUID")]: v.findtext(
                "q:TextValue", "", Q
            )
            for v in case.iterfind("q:VariableValue", Q)
        }
        descriptor = case.findtext("q:Description", namespaces=Q)
        assert descriptor
        if "age" in values:  # an age is shown only where two children share it all
            shown = (values["age"], values["gender"], values["year group"])
            assert children.count(shown) >= 2, descriptor
        for value in values.values():
            assert value.casefold() in f"{values.get('kind', '')} {descriptor}".casefold()
        refs = [r.get("targetGUID") for r in case.iterfind("q:SourceRef", Q)]
        assert refs
        for ref in refs:  # their words are in every source the case links to
            said = f"\n{descriptor[:1].upper()}{descriptor[1:]}: "
            assert said in "\n" + files[sources[ref].get("plainTextPath")], case.get("name")
            linked.setdefault(ref, set()).add(descriptor)
    # ... and every participant's line in a source belongs to a case linked to it
    for guid, source in sources.items():
        for line in files[source.get("plainTextPath")].split("\n"):
            who = line.split(": ", 1)[0]
            if ": " in line and who not in {"Facilitator", "The group", "Question"}:
                assert who[:1].lower() + who[1:] in linked.get(guid, set()), (who, guid)
    names = [p.name for p in people] + [p.ref for p in people]
    assert words_found(read_back("qdpx", out), names) == []


def test_withdrawn_participants_are_no_case(
    demo_study: StudyFile, stand_in: WordListAnonymiser
) -> None:
    before = build(demo_study, stand_in)

    def withdraw(db: Session) -> None:
        speaker = entry(db, "E35").speaker
        assert speaker is not None
        speaker.withdrawn_on = dt.date(2009, 3, 1)

    change(demo_study, withdraw)
    after = build(demo_study, stand_in)
    assert len(after.cases) == len(before.cases) - 1
    assert {c.case_id for c in after.cases} < {c.case_id for c in before.cases}


def test_memos_leave_anonymised_as_the_selection_description_and_a_note(
    emoji_bundle: ExportBundle, tmp_path: Path
) -> None:
    out = export(emoji_bundle, tmp_path)
    root = qde(out)
    notes = {n.get("guid"): n for n in root.iterfind(".//q:Note", Q)}
    assert len(notes) == 1
    memo = "Ask [practitioner] 🙂 about the calls"
    (selection,) = [
        s
        for s in root.iterfind(".//q:PlainTextSelection", Q)
        if s.find("q:Description", Q) is not None
    ]
    assert selection.findtext("q:Description", namespaces=Q) == memo
    note = notes[selection.find("q:Coding/q:NoteRef", Q).get("targetGUID")]
    assert note.findtext("q:PlainTextContent", namespaces=Q) == memo
    assert note.get("name") == "Memo: Keeping in touch 📞, Practitioner interview 1"
    assert "Okafor" not in read_back("qdpx", out)
    assert emoji_bundle.made.get("practitioner", 0) >= 1  # the review and report count it


def test_one_neutral_coder_and_the_aims_as_the_description(
    demo_qdpx: Path, demo_dump: dict[str, Any], stand_in: WordListAnonymiser
) -> None:
    root = qde(demo_qdpx)
    users = root.findall("q:Users/q:User", Q)
    assert [(u.get("guid"), u.get("name")) for u in users] == [(USER_GUID, USER_NAME)]
    made_by = {e.get("creatingUser") for e in root.iter() if e.get("creatingUser")}
    assert made_by == {USER_GUID}
    text = read_back("qdpx", demo_qdpx)
    study = demo_dump["study"]
    assert words_found(text, [study["researcher"], study["organisation"]]) == []
    description = root.findtext("q:Description", namespaces=Q)
    for aim in study["aims"]:
        assert stand_in(aim).text in description


def test_code_colours_and_the_same_guids_on_every_export(
    demo_study: StudyFile, stand_in: WordListAnonymiser
) -> None:
    def colour(db: Session) -> None:
        db.scalars(select(m.Theme).where(m.Theme.ref == "T1")).one().colour = "#1f77B4"

    change(demo_study, colour)
    bundle = build(demo_study, stand_in)
    when = dt.datetime(2009, 4, 1, 12, tzinfo=dt.UTC)
    xml = project_xml(bundle, when)
    assert xml == project_xml(build(demo_study, stand_in), when)
    root = etree.fromstring(xml)
    assert root.find(".//q:Code[@color='#1f77B4']", Q) is not None


# -- what QualCoder's importer needs (qualcoder/refi.py, read, not run: it needs PyQt6) ----


@pytest.mark.parametrize("study", ["demo", "emoji"])
def test_qualcoder_importer_finds_everything_it_reads(
    study: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    if study == "demo":
        out = request.getfixturevalue("demo_qdpx")
    else:
        out = export(request.getfixturevalue("emoji_bundle"), tmp_path)
    root = qde(out)
    with zipfile.ZipFile(out) as archive:
        names = set(archive.namelist())
        # It reads sources from "<folder>/sources" when the archive has a `sources` entry,
        # else "/Sources", joined to the path after "internal:/".
        folder = "sources" if any(n.split("/")[0] == "sources" for n in names) else "Sources"
        files = {}
        for source in root.iterfind(".//q:TextSource", Q):
            path = source.get("plainTextPath")
            assert path is not None
            assert path.startswith("internal://")
            member = folder + path.split("internal:/")[1]
            assert member in names
            data = archive.read(member)
            # its first line ending in \r\n would make it insert a space after every \n
            assert b"\r\n" not in data.split(b"\n", 1)[0] + b"\n"
            files[source.get("guid")] = io.TextIOWrapper(io.BytesIO(data), "utf-8").read()
    # Every child of the root is in the project namespace (it takes the version from each).
    assert all(child.tag.startswith("{urn:QDA-XML:project:") for child in root)
    assert root.get("origin")
    assert "ATLAS" not in root.get("origin").upper()
    users = {u.get("guid"): u.get("name") for u in root.iterfind("q:Users/q:User", Q)}
    # CodeBook: its first child is Codes; a Code is a code unless isCodable="false"; names
    # are unique (a repeated name is merged into the first).
    codebook = root.find("q:CodeBook", Q)
    assert next(iter(codebook)).tag == f"{{{NS}}}Codes"
    codes = {c.get("guid"): c for c in codebook.iter(f"{{{NS}}}Code")}
    assert all(c.get("isCodable") != "false" for c in codes.values())
    assert len({c.get("name") for c in codes.values()}) == len(codes)
    # Codings: the first child of each Coding is its CodeRef; positions slice the text it
    # read; the selection's Description is the coding's memo; the user is a known one.
    for source in root.iterfind(".//q:TextSource", Q):
        text = files[source.get("guid")]
        assert users.get(source.get("creatingUser"))
        for selection in source.iterfind("q:PlainTextSelection", Q):
            start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
            assert 0 <= start < end <= len(text)
            assert text[start:end].strip() == text[start:end]
            assert users.get(selection.get("creatingUser"))
            for coding in selection.iterfind("q:Coding", Q):
                assert next(iter(coding)).tag == f"{{{NS}}}CodeRef"
                assert next(iter(coding)).get("targetGUID") in codes
    # Source names are unique (a repeated one gets a number put in front).
    names_seen = [s.get("name") for s in root.iterfind(".//q:TextSource", Q)]
    assert len(set(names_seen)) == len(names_seen)
    # Variables: unique names, a type it maps; Cases: named (a Case without a name is
    # taken for a file's variables), each value the last child of its VariableValue, no
    # Case GUID equal to a Code's (it would delete that code and move its codings).
    variables = {v.get("guid"): v for v in root.iterfind("q:Variables/q:Variable", Q)}
    assert len({v.get("name") for v in variables.values()}) == len(variables)
    assert all(v.get("typeOfVariable") == "Text" for v in variables.values())
    for case in root.iterfind("q:Cases/q:Case", Q):
        assert case.get("name")
        assert case.get("guid") not in codes
        for held in case.iterfind("q:VariableValue", Q):
            assert next(iter(held)).get("targetGUID") in variables
            assert list(held)[-1].tag in VALUE_TAGS
            assert list(held)[-1].text
    # Notes: each has a creation date (it fails on one without), none is a journal (those
    # need a plainTextPath) and none an annotation (a NoteRef directly in a TextSource).
    for note in root.iterfind("q:Notes/q:Note", Q):
        assert note.get("creationDateTime")
        assert note.get("plainTextPath") is None
    assert root.find("q:Sources/q:TextSource/q:NoteRef", Q) is None
    assert root.findtext("q:Description", namespaces=Q)


def test_an_empty_study_gives_a_project_with_its_coder_only(
    empty_study: StudyFile, tmp_path: Path
) -> None:
    out = export(build(empty_study, WordListAnonymiser([])), tmp_path)
    root = qde(out)
    assert [child.tag.split("}")[1] for child in root] == ["Users", "Description"]
    assert uuid.UUID(root.find("q:Users/q:User", Q).get("guid"))
