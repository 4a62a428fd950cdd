"""What the anonymiser takes and gives back (the contract between its layers and the
export, the review screen and the tests)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Layer(StrEnum):
    REGISTER = "register"  # a participant's name (and its parts), contact, or an identifier
    PATTERN = "pattern"  # phone, e-mail, URL, postcode, NHS number, UPN, NI number, ...
    NAME = "name"  # an unregistered name: a title + capitalised word, or a known first name


@dataclass(frozen=True)
class RegisterTerm:
    """One thing the study's register says must never leave: its text and its label."""

    text: str
    label: str  # child, parent, practitioner, school, place, person, ... (no brackets)


@dataclass(frozen=True)
class Redaction:
    """A span of the original text that is replaced by `[label]`."""

    start: int
    end: int  # exclusive, in the original text
    original: str
    label: str
    layer: Layer
    needs_review: bool = False  # unregistered names and guesses: shown to the researcher

    @property
    def replacement(self) -> str:
        return f"[{self.label}]"


@dataclass
class Redacted:
    """A text after redaction, with every redaction made (in order, non-overlapping)."""

    original: str
    text: str
    redactions: list[Redaction] = field(default_factory=list)
