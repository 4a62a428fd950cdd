"""What the anonymiser takes and gives back (the contract between its layers and the
export, the review screen and the tests)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum
from typing import NamedTuple


class Layer(StrEnum):
    REGISTER = "register"  # a participant's name (and its parts), contact, or an identifier
    PATTERN = "pattern"  # phone, e-mail, URL, postcode, NHS number, UPN, NI number, ...
    NAME = "name"  # an unregistered name: a title + capitalised word, or a known first name


@dataclass(frozen=True)
class RegisterTerm:
    """One thing the study's register says must never leave: its text and its label."""

    text: str
    label: str  # child, parent, practitioner, school, place, person, ... (no brackets)
    # Other forms of the same thing worth registering with it (a found "Mr Okafor" offers
    # "Okafor"); `add_to_register` stores them as the identifier's aliases.
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Redaction:
    """A span of the original text that is replaced by `[label]`."""

    start: int
    end: int  # exclusive, in the original text
    original: str
    label: str
    layer: Layer
    needs_review: bool = False  # unregistered names and guesses: shown to the researcher
    # Which rule found it: "registered", "registered-word" (a registered name part that is
    # also an ordinary word, where it may be the word), "registered-variant",
    # "registered-handle", "registered-fuzzy", "school-short", a pattern label ("phone",
    # "nhs-number", ...), "titled-name", "first-name", "first-name-lower", "initial-name",
    # "unknown-word" or "school-name".
    rule: str = ""

    @property
    def replacement(self) -> str:
        return f"[{self.label}]"


@dataclass
class Redacted:
    """A text after redaction, with every redaction made (in order, non-overlapping)."""

    original: str
    text: str
    redactions: list[Redaction] = field(default_factory=list)

    @property
    def needs_review(self) -> list[Redaction]:
        """The redactions the researcher should look at before the text leaves."""
        return [r for r in self.redactions if r.needs_review]

    def label_counts(self) -> Counter[str]:
        """How many spans each label replaced (the summary's `disclosure.redactions`)."""
        return Counter(r.label for r in self.redactions)


class Candidate(NamedTuple):
    """A span one layer proposes, before overlaps and decisions are resolved."""

    start: int
    end: int
    label: str
    layer: Layer
    rule: str
    needs_review: bool
