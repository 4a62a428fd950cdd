"""REFI-QDA project (.qdpx): a zip holding project.qde in the urn:QDA-XML:project:1.0
namespace and each source's text as `sources/<guid>.txt`, for QDA software (QualCoder,
NVivo, ATLAS.ti, MAXQDA ...). docs/export.md ("QDPX details") says what it carries:

- `Users`: one neutral coder, "plrdesk researcher" (the export names no staff);
- the CodeBook: the themes as Codes with their colours, sub-themes nested inside;
- `Variables` and `Cases`: the sources' speakers as cases (export.qdpx_cases), each with
  its variables and a `SourceRef` to every source holding its words;
- each session a `TextSource` whose `plainTextPath` is `internal://<guid>.txt`: the file
  in the archive's `sources/` folder, UTF-8 without a byte-order mark, `\\n` line ends. Its
  codings are `PlainTextSelection`s with start and end in Unicode code points of that text
  (Python's own string positions; what QualCoder and qualitative-coding count), each
  holding a `Coding` with a `CodeRef` to its theme;
- a coding's memo (anonymised) as the selection's `Description` (QualCoder and MAXQDA read
  it as the coding's memo) and as a `Note` the coding refers to (`NoteRef`);
- the project's `Description`: the study's aims (anonymised).
GUIDs are the study's own ids (random UUIDs), or derived from them (uuid5) where a record
needs another, so exporting again gives the same GUIDs.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
import zipfile
from typing import BinaryIO
from xml.etree import ElementTree as ET

from plrdesk import __version__
from plrdesk.export.model import ExportBundle, ExportSource, ThemeOutline

NS = "urn:QDA-XML:project:1.0"
SOURCES = "sources"  # the folder NVivo and MAXQDA write; QualCoder reads either spelling
USER_NAME = "plrdesk researcher"
USER_GUID = str(uuid.uuid5(uuid.NAMESPACE_URL, "plrdesk:user:plrdesk-researcher"))
_CODING = uuid.UUID("6f1d6c52-5a3e-4c59-9f0e-2f5b4c1f8d21")  # namespace for coding GUIDs
_NOTE = uuid.UUID("a3c2e0f4-8b7d-4b1e-9d3a-5f2c6e1b7a90")  # ... for memo notes
_VARIABLE = uuid.UUID("d4e8a1b2-6c3f-4a5d-8e7b-9c0f1a2b3c4d")  # ... for variables
_RGB = re.compile(r"^#([0-9A-Fa-f]{6}|[0-9A-Fa-f]{3})$")
# Characters XML 1.0 cannot hold, lone surrogates (UTF-8 cannot), and \r (a reader turns
# \r\n or \r into \n, and QualCoder re-pads a file whose first line ends \r\n): each becomes
# one space, so every position after it stays where it was.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0d\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _clean(text: str) -> str:
    return _NOT_XML.sub(" ", text)


def source_path(source: ExportSource) -> str:
    """The source's file inside the archive."""
    return f"{SOURCES}/{source.source_id}.txt"


def source_text(source: ExportSource) -> str:
    """The source's text exactly as its file holds it (positions count in this)."""
    return _clean(source.text)


def project_xml(bundle: ExportBundle, now: dt.datetime | None = None) -> bytes:
    s = bundle.summary
    stamp = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    made = {"creatingUser": USER_GUID, "creationDateTime": stamp}
    # Tags are unqualified and the root declares the default namespace itself: ElementTree's
    # `default_namespace` refuses unqualified attributes, and every attribute here is one.
    project = ET.Element(
        "Project",
        {
            "xmlns": NS,
            "name": _clean(s.study.title),
            "origin": f"plrdesk {__version__}",
            "creatingUserGUID": USER_GUID,
            "creationDateTime": stamp,
        },
    )
    users = ET.SubElement(project, "Users")
    ET.SubElement(users, "User", {"guid": USER_GUID, "name": USER_NAME})
    theme_names = {o.theme_id: t.name for t, o in zip(s.themes, bundle.outline, strict=True)}
    if s.themes:
        _codebook(ET.SubElement(project, "CodeBook"), bundle)
    variables = _variables(bundle)
    if variables:
        element = ET.SubElement(project, "Variables")
        for name, guid in variables.items():
            # Attribute values are free text, whatever they look like
            attributes = {"guid": guid, "name": name, "typeOfVariable": "Text"}
            ET.SubElement(element, "Variable", attributes)
    if bundle.cases:
        _cases(ET.SubElement(project, "Cases"), bundle, variables)
    notes: list[tuple[str, str, str]] = []  # (guid, name, text)
    if bundle.sources:
        sources = ET.SubElement(project, "Sources")
        for source in bundle.sources:
            notes += _source(sources, source, bundle.memos, theme_names, made)
    if notes:
        element = ET.SubElement(project, "Notes")
        for guid, name, text in notes:
            note = ET.SubElement(element, "Note", {"guid": guid, "name": _clean(name), **made})
            ET.SubElement(note, "PlainTextContent").text = _clean(text)
    ET.SubElement(project, "Description").text = _clean(_description(s.study.aims))
    xml: bytes = ET.tostring(project, encoding="utf-8", xml_declaration=True)
    return xml


def _codebook(codebook: ET.Element, bundle: ExportBundle) -> None:
    codes = ET.SubElement(codebook, "Codes")
    elements: dict[uuid.UUID, ET.Element] = {}
    for theme, place in zip(bundle.summary.themes, bundle.outline, strict=True):
        parent = elements.get(place.parent_id) if place.parent_id else None
        code = ET.SubElement(
            codes if parent is None else parent, "Code", _code_attributes(theme.name, place)
        )
        if theme.description:
            ET.SubElement(code, "Description").text = _clean(theme.description)
        elements[place.theme_id] = code


def _code_attributes(name: str, place: ThemeOutline) -> dict[str, str]:
    attributes = {"guid": str(place.theme_id), "name": _clean(name), "isCodable": "true"}
    if place.colour and _RGB.match(place.colour):
        attributes["color"] = place.colour
    return attributes


def _variables(bundle: ExportBundle) -> dict[str, str]:
    """Variable name -> GUID, in the order first used by a case."""
    names = dict.fromkeys(name for case in bundle.cases for name, _ in case.values)
    return {name: str(uuid.uuid5(_VARIABLE, name)) for name in names}


def _cases(cases: ET.Element, bundle: ExportBundle, variables: dict[str, str]) -> None:
    for case in bundle.cases:
        element = ET.SubElement(cases, "Case", {"guid": str(case.case_id), "name": case.name})
        ET.SubElement(element, "Description").text = _clean(case.descriptor)
        for name, value in case.values:
            held = ET.SubElement(element, "VariableValue")
            # The reference first, then the value: the schema's order, and QualCoder takes
            # the last child it reads as the value.
            ET.SubElement(held, "VariableRef", {"targetGUID": variables[name]})
            ET.SubElement(held, "TextValue").text = _clean(value)
        for source_id in case.source_ids:
            ET.SubElement(element, "SourceRef", {"targetGUID": str(source_id)})


def _source(
    sources: ET.Element,
    source: ExportSource,
    memos: dict[uuid.UUID, str],
    theme_names: dict[uuid.UUID, str],
    made: dict[str, str],
) -> list[tuple[str, str, str]]:
    """The source's element; returns the notes its codings refer to."""
    element = ET.SubElement(
        sources,
        "TextSource",
        {
            "guid": str(source.source_id),
            "name": _clean(source.name),
            "plainTextPath": f"internal://{source.source_id}.txt",
            **made,
        },
    )
    text = source_text(source)
    notes = []
    for selection in source.selections:
        # qualitative-coding codes whole lines and places a selection by the line its name
        # gives (`line:N`, zero-based, the convention of its own writer); others show the
        # name or ignore it.
        line = text.count("\n", 0, selection.start)
        selected = ET.SubElement(
            element,
            "PlainTextSelection",
            {
                "guid": str(selection.coding_id),
                "name": f"line:{line}",
                "startPosition": str(selection.start),
                "endPosition": str(selection.end),
                **made,
            },
        )
        memo = memos.get(selection.coding_id)
        if memo:
            ET.SubElement(selected, "Description").text = _clean(memo)
        coding = ET.SubElement(
            selected, "Coding", {"guid": str(uuid.uuid5(_CODING, str(selection.coding_id))), **made}
        )
        ET.SubElement(coding, "CodeRef", {"targetGUID": str(selection.theme_id)})
        if memo:
            note = str(uuid.uuid5(_NOTE, str(selection.coding_id)))
            ET.SubElement(coding, "NoteRef", {"targetGUID": note})
            theme = theme_names.get(selection.theme_id, "a theme")
            notes.append((note, f"Memo: {theme}, {source.name}", memo))
    return notes


def _description(aims: list[str]) -> str:
    lines = ["Anonymised export from plrdesk: themes as codes, coded entries as text sources,"]
    lines.append("the speakers as cases, memos as notes.")
    if aims:
        lines += ["", "Aims of the study:", *(f"- {aim}" for aim in aims)]
    return "\n".join(lines)


def render(bundle: ExportBundle, out: BinaryIO) -> None:
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", project_xml(bundle))
        for source in bundle.sources:
            archive.writestr(source_path(source), source_text(source).encode("utf-8"))
