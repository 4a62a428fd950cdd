"""A stand-in anonymiser (the study's register as a word list) and the demo's export."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import pytest

from plrdesk.anonymise.types import Layer, Redacted, Redaction, RegisterTerm
from plrdesk.cli.study_commands import shipped_forms
from plrdesk.export.build import build_summary
from plrdesk.export.model import ExportBundle
from plrdesk.services.study_dump import dump_document
from plrdesk.storage.study_file import StudyFile


def register_terms(document: dict[str, Any]) -> list[RegisterTerm]:
    """The register as study-json-v1 defines it: each participant's name and its parts and
    contact, each identifier's text and aliases."""
    terms = []
    for person in document.get("participants", []):
        name = person["name"]
        terms += [RegisterTerm(part, person["kind"]) for part in [name, *name.split()]]
        if person.get("contact"):
            terms.append(RegisterTerm(person["contact"], "phone"))
    for identifier in document.get("identifiers", []):
        for text in [identifier["text"], *identifier.get("aliases", [])]:
            terms.append(RegisterTerm(text, identifier["kind"]))
    return terms


class WordListAnonymiser:
    """Redacts the given terms wherever they stand as whole words, longest first."""

    def __init__(self, terms: Iterable[RegisterTerm], *, review: Iterable[str] = ()) -> None:
        self.labels = {t.text.casefold(): t.label for t in terms}
        self.review = {word.casefold() for word in review}
        words = sorted({*self.labels, *self.review}, key=len, reverse=True)
        self.pattern = re.compile(
            r"(?<!\w)(" + "|".join(re.escape(w) for w in words) + r")(?!\w)", re.IGNORECASE
        )
        self.calls = 0

    def __call__(self, text: str) -> Redacted:
        self.calls += 1
        redactions = []
        for match in self.pattern.finditer(text):
            word = match.group(0).casefold()
            registered = word in self.labels
            redactions.append(
                Redaction(
                    match.start(),
                    match.end(),
                    match.group(0),
                    self.labels.get(word, "name"),
                    Layer.REGISTER if registered else Layer.NAME,
                    needs_review=not registered,
                )
            )
        out = self.pattern.sub(
            lambda match: f"[{self.labels.get(match.group(0).casefold(), 'name')}]", text
        )
        return Redacted(text, out, redactions)


@pytest.fixture
def demo_dump(demo_study: StudyFile) -> dict[str, Any]:
    with demo_study.transaction() as db:
        return dump_document(db)


@pytest.fixture
def stand_in(demo_dump: dict[str, Any]) -> WordListAnonymiser:
    return WordListAnonymiser(register_terms(demo_dump))


@pytest.fixture
def demo_bundle(demo_study: StudyFile, stand_in: WordListAnonymiser) -> ExportBundle:
    with demo_study.transaction() as db:
        return build_summary(db, shipped_forms(), stand_in)
