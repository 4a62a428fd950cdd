"""Helpers for the printing tests: small forms written here (not the shipped forms/), a
PDF read back with pypdf, and a signature image."""

from __future__ import annotations

import re
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pypdf import PdfReader

from plrdesk.forms.catalog import FormCatalog
from plrdesk.forms.loader import LoadedForm, parse_form

STUDY = {
    "title": "Moving up together",
    "researcher": "Claire Beaumont",
    "organisation": "Brightpath Youth Trust",
    "phone": "01632 960123",
    "email": "researcher@example.org",
}

CONSENT_YAML = """\
id: {form_id}
title: {title}
version: "{version}"
kind: {kind}
audience: participant
large_print: {large}
language: {language}
signers: {signers}
sections:
  - id: about
    title: About the study
    items:
      - id: what
        type: info
        text: >-
          {{study.researcher}} from {{study.organisation}} runs {{study.title}}.
        covers: [purpose]
      - id: private
        type: info
        text: What you say stays private unless a child is at risk.
        covers: [confidentiality, safeguarding]
      - id: leave
        type: info
        text: You can withdraw at any time.
        covers: [withdrawal]
  - id: agree
    title: What I agree to
    items:
      - id: take-part
        type: statement
        text: {take_part}
        grants: take-part
      - id: quote
        type: statement
        text: I agree that my words may be quoted without my name.
        grants: quote
      - id: audio
        type: yes-no
        text: May we record the sound of the interview?
        grants: audio
"""


def consent_yaml(
    *,
    form_id: str = "test-consent",
    title: str = "Consent to take part",
    version: str = "1",
    kind: str = "consent",
    large: bool = False,
    language: str = "en-GB",
    signers: str = "[]",
    take_part: str = "I agree to take part in the study.",
    extra: str = "",
) -> str:
    return (
        CONSENT_YAML.format(
            form_id=form_id,
            title=title,
            version=version,
            kind=kind,
            large=str(large).lower(),
            language=language,
            signers=signers,
            take_part=take_part,
        )
        + extra
    )


def form(text: str) -> LoadedForm:
    return parse_form(text, "test.yaml")


def catalog(*forms: LoadedForm) -> FormCatalog:
    return FormCatalog({(f.definition.id, f.definition.version): f for f in forms})


@dataclass
class Pdf:
    reader: PdfReader

    @property
    def pages(self) -> int:
        return len(self.reader.pages)

    def page_text(self, index: int) -> str:
        return _squash(self.reader.pages[index].extract_text())

    @property
    def text(self) -> str:
        return " ".join(self.page_text(i) for i in range(self.pages))

    def content(self, index: int = 0) -> str:
        contents: Any = self.reader.pages[index].get_contents()
        return str(contents.get_data().decode("latin-1"))

    def font_sizes(self) -> list[float]:
        """The size of every text run that shows text (`BT /F1 11 Tf ... (words) Tj ET`) on
        every page; text blocks that only set the state are left out."""
        sizes: list[float] = []
        for index in range(self.pages):
            for block in re.findall(r"\bBT\b(.*?)\bET\b", self.content(index), re.DOTALL):
                if re.search(r"\bT[jJ]\b", block):
                    sizes += [float(s) for s in re.findall(r"/F[\d+]+ ([\d.]+) Tf", block)]
        return sizes

    def boxes(self, index: int = 0) -> int:
        """Rectangles drawn on a page (tick boxes and count boxes)."""
        return len(re.findall(r" re\b", self.content(index)))

    @property
    def lang(self) -> str | None:
        """The document language, /Lang in the PDF catalog."""
        root: Any = self.reader.trailer["/Root"]
        lang = root.get("/Lang")
        return None if lang is None else str(lang)

    def images(self) -> int:
        count = 0
        for page in self.reader.pages:
            resources: Any = page["/Resources"]
            xobjects: Any = resources.get("/XObject", {})
            for ref in xobjects.values():
                count += ref.get_object()["/Subtype"] == "/Image"
        return count


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def read_pdf(path: Path) -> Pdf:
    return Pdf(PdfReader(path))


def png(width: int = 60, height: int = 20) -> bytes:
    """A small black-on-white PNG, made by hand (no imaging library needed)."""
    rows = b"".join(
        b"\x00" + bytes(0 if y == height // 2 or x == y else 255 for x in range(width))
        for y in range(height)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def pdf_fonts(reader: PdfReader) -> dict[str, str]:
    """Every font any page lists, by its PostScript name without the subset tag
    ("AAAAAA+DejaVuSans" -> "DejaVuSans"), and how its file is embedded ("FontFile2" for
    TrueType, "" where it is not embedded: a standard font such as Helvetica)."""
    found: dict[str, str] = {}
    for page in reader.pages:
        resources: Any = page["/Resources"]
        for ref in resources.get("/Font", {}).values():
            font = ref.get_object()
            name = str(font["/BaseFont"]).lstrip("/").split("+")[-1]
            descriptor = font.get("/FontDescriptor")
            files = [] if descriptor is None else list(descriptor.get_object())
            found[name] = next((k.lstrip("/") for k in files if k.startswith("/FontFile")), "")
    return found
