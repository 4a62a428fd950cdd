"""REFI-QDA project (.qdpx): a zip holding project.qde in the urn:QDA-XML:project:1.0
namespace, for QDA software (NVivo, ATLAS.ti, MAXQDA, QDA Miner ...).

- the CodeBook holds the themes as Codes, sub-themes nested inside their theme;
- each session is a TextSource whose PlainTextContent is its coded entries, anonymised
  (inline rather than in sources/*.txt: one file, and the schema allows either);
- each coding is a PlainTextSelection (startPosition/endPosition in that text, in
  characters) holding a Coding with a CodeRef to its theme.
GUIDs are the study's own ids (random UUIDs), or derived from them where one record needs
two GUIDs (a selection and its coding), so exporting again gives the same GUIDs.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
import zipfile
from typing import BinaryIO
from xml.etree import ElementTree as ET

from plrdesk import __version__
from plrdesk.export.model import ExportBundle, ThemeOutline

NS = "urn:QDA-XML:project:1.0"
_CODING = uuid.UUID("6f1d6c52-5a3e-4c59-9f0e-2f5b4c1f8d21")  # namespace for coding GUIDs
_RGB = re.compile(r"^#([0-9A-Fa-f]{6}|[0-9A-Fa-f]{3})$")
# Characters XML 1.0 cannot hold, and \r (a parser turns \r\n into \n, which would move
# every position after it): each becomes one space, so positions stay where they were.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0d\x0e-\x1f\ufffe\uffff]")


def _clean(text: str) -> str:
    return _NOT_XML.sub(" ", text)


def project_xml(bundle: ExportBundle, now: dt.datetime | None = None) -> bytes:
    s = bundle.summary
    stamp = (now or dt.datetime.now(dt.UTC)).replace(microsecond=0).isoformat()
    # Tags are unqualified and the root declares the default namespace itself: ElementTree's
    # `default_namespace` refuses unqualified attributes, and every attribute here is one.
    project = ET.Element(
        "Project",
        {
            "xmlns": NS,
            "name": _clean(s.study.title),
            "origin": f"plrdesk {__version__}",
            "creationDateTime": stamp,
        },
    )
    if s.themes:
        codes = ET.SubElement(ET.SubElement(project, "CodeBook"), "Codes")
        elements: dict[uuid.UUID, ET.Element] = {}
        for theme, place in zip(s.themes, bundle.outline, strict=True):
            parent = elements.get(place.parent_id) if place.parent_id else None
            code = ET.SubElement(
                codes if parent is None else parent, "Code", _code_attributes(theme.name, place)
            )
            if theme.description:
                ET.SubElement(code, "Description").text = _clean(theme.description)
            elements[place.theme_id] = code
    if bundle.sources:
        sources = ET.SubElement(project, "Sources")
        for source in bundle.sources:
            element = ET.SubElement(
                sources, "TextSource", {"guid": str(source.source_id), "name": source.name}
            )
            ET.SubElement(element, "PlainTextContent").text = _clean(source.text)
            for selection in source.selections:
                selected = ET.SubElement(
                    element,
                    "PlainTextSelection",
                    {
                        "guid": str(selection.coding_id),
                        "startPosition": str(selection.start),
                        "endPosition": str(selection.end),
                    },
                )
                coding = ET.SubElement(
                    selected,
                    "Coding",
                    {"guid": str(uuid.uuid5(_CODING, str(selection.coding_id)))},
                )
                ET.SubElement(coding, "CodeRef", {"targetGUID": str(selection.theme_id)})
    ET.SubElement(
        project, "Description"
    ).text = "Anonymised export from plrdesk: themes as codes, coded entries as text sources."
    xml: bytes = ET.tostring(project, encoding="utf-8", xml_declaration=True)
    return xml


def _code_attributes(name: str, place: ThemeOutline) -> dict[str, str]:
    attributes = {"guid": str(place.theme_id), "name": _clean(name), "isCodable": "true"}
    if place.colour and _RGB.match(place.colour):
        attributes["color"] = place.colour
    return attributes


def render(bundle: ExportBundle, out: BinaryIO) -> None:
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", project_xml(bundle))
