"""What a printed form says, apart from layout: the study's values for placeholders, a
recorded consent's details, dates in words, and form text turned into safe paragraphs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph

from plrdesk.domain import models as m
from plrdesk.forms.placeholders import fill


@dataclass(frozen=True)
class StudyText:
    """The study row's values that forms print (never participant data)."""

    title: str | None = None
    researcher: str | None = None
    organisation: str | None = None
    contact: str | None = None  # phone, e-mail and the other contact line, joined
    ethics_reference: str | None = None

    @classmethod
    def of(cls, study: m.Study | None) -> StudyText:
        if study is None:
            return cls()
        return cls(
            study.title,
            study.researcher,
            study.organisation,
            study.contact,
            study.ethics_reference,
        )

    def values(self) -> Mapping[str, str | None]:
        return {
            "study.title": self.title,
            "study.researcher": self.researcher,
            "study.organisation": self.organisation,
            "study.contact": self.contact,
        }

    def fill(self, text: str) -> str:
        return fill(text, self.values())


@dataclass(frozen=True)
class Record:
    """A consent as recorded, to print on the participant's copy."""

    signer_name: str
    on_behalf_of: str | None
    method: str
    given_on: dt.date
    answers: Mapping[str, Any]
    signature_png: bytes | None
    withdrawn_on: dt.date | None


def yes_or_no(value: Any) -> bool | None:
    """A statement or yes-no answer as True (yes), False (no) or None (not answered)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return bool(value)
    if isinstance(value, str):
        word = value.strip().lower()
        if word in {"yes", "y", "true", "1", "agree", "agreed"}:
            return True
        if word in {"no", "n", "false", "0", "disagree"}:
            return False
    return None


def markup(text: str) -> str:
    """Plain text as paragraph markup: escaped, single line breaks kept."""
    return "<br/>".join(escape(line.strip()) for line in text.strip().splitlines())


def paragraphs(text: str, style: ParagraphStyle) -> list[Paragraph]:
    """Text with blank lines between paragraphs as one Paragraph each."""
    blocks = [block for block in text.replace("\r\n", "\n").split("\n\n") if block.strip()]
    return [Paragraph(markup(block), style) for block in blocks]


def para(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(markup(text), style)
