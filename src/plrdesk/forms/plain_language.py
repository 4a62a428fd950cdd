"""Plain language: reading grade (textstat's Flesch-Kincaid) and jargon from a word list.

Children asked for plain English. A child-facing text above grade 5, or an adult-facing
one above grade 8, is a warning; so is any phrase from resources/jargon.txt.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from plrdesk import shipped
from plrdesk.forms.schema import FormDefinition, ItemType, Reader

MAX_GRADE = {Reader.CHILD: 5.0, Reader.ADULT: 8.0}


@dataclass(frozen=True)
class Finding:
    path: tuple[int | str, ...]
    message: str


@dataclass(frozen=True)
class ItemReading:
    item_id: str
    grade: float
    jargon: list[str]
    text: str


def grade(text: str) -> float:
    import textstat

    return float(textstat.flesch_kincaid_grade(text))


@cache
def jargon_terms() -> tuple[str, ...]:
    path = shipped.resources_dir() / "jargon.txt"
    lines = path.read_text(encoding="utf-8").splitlines()
    return tuple(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def jargon_in(text: str) -> list[str]:
    found = []
    for term in jargon_terms():
        if re.search(rf"(?<!\w){re.escape(term)}(?!\w)", text, re.IGNORECASE):
            found.append(term)
    return found


def readings(form: FormDefinition) -> list[ItemReading]:
    """Each participant-facing text of the form, with its grade and jargon."""
    result = []
    for item in form.items():
        if item.type == ItemType.SIGNATURE:
            continue
        text = " ".join(part for part in (item.text, item.help) if part)
        result.append(ItemReading(item.id, grade(text), jargon_in(text), text))
    return result


def review(form: FormDefinition) -> list[Finding]:
    limit = MAX_GRADE[form.reader]
    findings = []
    positions = {
        item.id: ("sections", s, "items", i, "text")
        for s, section in enumerate(form.sections)
        for i, item in enumerate(section.items)
    }
    for reading in readings(form):
        path = positions[reading.item_id]
        if reading.grade > limit:
            findings.append(
                Finding(
                    path,
                    f"{reading.item_id}: reading grade {reading.grade:.1f} is above"
                    f" {limit:.0f} for a {form.reader.value} reader;"
                    " use shorter words and sentences",
                )
            )
        for term in reading.jargon:
            findings.append(Finding(path, f"{reading.item_id}: jargon {term!r}; say it plainly"))
    return findings
