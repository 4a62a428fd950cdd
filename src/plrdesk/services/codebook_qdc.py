"""A codebook as REFI-QDA QDC: the codebook exchange file NVivo, ATLAS.ti, MAXQDA and
QualCoder read and write (QDA-XML codebook 1.0).

Written: `<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="plrdesk"><Codes>` with one
`<Code guid name isCodable color>` a theme, its `<Description>` and its sub-themes nested
inside, in the order of the schema's CodeType. The guid is the theme's id, so importing a
file plrdesk wrote updates those themes in place.

Read: the same, whatever the namespace prefix, and also a REFI-QDA project document
(`<Project>` with a `<CodeBook>`). Elements plrdesk has no use for (Sets, NoteRef) are
skipped; `isCodable` is not enforced (a "folder" code becomes a theme like any other).
Errors name the line. A DOCTYPE is refused, so no entity can expand; a zip archive (a
.qdpx project) is named as one.
"""

from __future__ import annotations

import re
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass, field
from xml.parsers import expat

from plrdesk.services.codebook_items import CodeIn, InvalidCodebook, checked
from plrdesk.services.themes import ThemeRow, check_colour, check_description, check_name

CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
ORIGIN = "plrdesk"
_GUID = re.compile(
    r"^\{?([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\}?$"
)
_ZIP = b"PK\x03\x04"  # how every zip archive starts
# Characters XML 1.0 cannot carry at all; a description pasted from elsewhere might hold one.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def render_qdc(rows: Sequence[ThemeRow]) -> bytes:
    """The themes (in reading order) as a QDC document, UTF-8."""

    # Plain names and an explicit xmlns: ElementTree's default_namespace option refuses the
    # unqualified attributes every REFI-QDA element has.
    root = ET.Element("CodeBook", {"xmlns": CODEBOOK_NS, "origin": ORIGIN})
    codes = ET.SubElement(root, "Codes")
    elements: dict[uuid.UUID, ET.Element] = {}
    for row in rows:
        parent = elements[row.parent_id] if row.parent_id else codes
        code = ET.SubElement(
            parent,
            "Code",
            {
                "guid": str(row.id),
                "name": _NOT_XML.sub("", row.name),
                "isCodable": "true",
                "color": row.shown_colour.upper(),
            },
        )
        if row.description:
            ET.SubElement(code, "Description").text = _NOT_XML.sub("", row.description)
        elements[row.id] = code
    ET.indent(root)
    text = ET.tostring(root, encoding="unicode")
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + text.encode("utf-8") + b"\n"


@dataclass
class _Element:
    name: str  # local name, without namespace
    attrs: dict[str, str]
    line: int
    children: list[_Element] = field(default_factory=list)
    text: list[str] = field(default_factory=list)

    def child(self, name: str) -> _Element | None:
        return next((c for c in self.children if c.name == name), None)


def _read(data: bytes, source: str) -> _Element:
    """The document as a small tree that knows each element's line."""
    parser = expat.ParserCreate(namespace_separator="}")
    stack: list[_Element] = []
    roots: list[_Element] = []

    def local(name: str) -> str:
        return name.rsplit("}", 1)[-1]

    def start(name: str, attrs: dict[str, str]) -> None:
        element = _Element(
            local(name), {local(k): v for k, v in attrs.items()}, parser.CurrentLineNumber
        )
        (stack[-1].children if stack else roots).append(element)
        stack.append(element)

    def end(name: str) -> None:
        stack.pop()

    def text(data: str) -> None:
        if stack:
            stack[-1].text.append(data)

    def refuse(*_args: object) -> None:
        raise InvalidCodebook(
            source, f"line {parser.CurrentLineNumber}", "a codebook may not hold a DOCTYPE"
        )

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        raise InvalidCodebook(
            source,
            f"line {exc.lineno}, column {exc.offset + 1}",
            f"this is not well-formed XML ({expat.ErrorString(exc.code)})",
        ) from None
    return roots[0]


def parse_qdc(data: bytes, source: str) -> list[CodeIn]:
    """The codes of a QDC (or REFI-QDA project) document, parents first, checked."""
    if data.startswith(_ZIP):  # a .qdpx or .xlsx picked by mistake: say what it is
        raise InvalidCodebook(
            source,
            "",
            "this is a zip archive (a .qdpx project, or an Excel workbook?), not a codebook;"
            " import a .qdc, the project.qde inside a .qdpx, or a sheet saved as .csv",
        )
    root = _read(data, source)
    book = root.child("CodeBook") if root.name == "Project" else root
    if book is None or book.name != "CodeBook":
        raise InvalidCodebook(
            source,
            f"line {root.line}",
            f"this is not a REFI-QDA codebook: it starts with <{root.name}>, not <CodeBook>",
        )
    holder = book.child("Codes")
    if holder is None:
        raise InvalidCodebook(source, f"line {book.line}", "the codebook has no <Codes>")
    codes: list[CodeIn] = []
    lines: dict[uuid.UUID, int] = {}

    def visit(parent: _Element, parent_key: str | None) -> None:
        for element in parent.children:
            if element.name == "Code":
                code = _code(element, parent_key, source, lines)
                codes.append(code)
                visit(element, code.key)

    visit(holder, None)
    if not codes:
        raise InvalidCodebook(source, f"line {holder.line}", "the codebook holds no codes")
    return codes


def _code(
    element: _Element, parent_key: str | None, source: str, lines: dict[uuid.UUID, int]
) -> CodeIn:
    where = f"line {element.line}"
    guid_text = element.attrs.get("guid", "").strip()
    found = _GUID.match(guid_text)
    if not guid_text:
        raise InvalidCodebook(source, where, "this <Code> has no guid")
    if found is None:
        raise InvalidCodebook(source, where, f"'{guid_text}' is not a guid")
    guid = uuid.UUID(found.group(1))
    if guid in lines:
        raise InvalidCodebook(
            source, where, f"the guid {guid_text} is also the guid on line {lines[guid]}"
        )
    lines[guid] = element.line
    if "name" not in element.attrs:
        raise InvalidCodebook(source, where, "this <Code> has no name")
    name = checked(source, where, check_name, element.attrs["name"])
    colour = checked(source, where, check_colour, element.attrs.get("color", ""))
    described = element.child("Description")
    description = (
        checked(source, f"line {described.line}", check_description, "".join(described.text))
        if described is not None
        else None
    )
    return CodeIn(str(guid), name, description, colour, parent_key, where, where, guid)
