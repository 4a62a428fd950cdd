"""The anonymised summary (summary-json-v1) as pydantic models, and the extra content the
other renderers need (theme nesting, CSV rows, QDPX sources, the redaction report).

`Summary` is exactly the contract's JSON: its fields are declared in the contract's order,
so `Summary.to_json()` writes the keys in that order. Everything else a renderer needs lives
beside it in `ExportBundle` and never reaches the JSON.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt

FORMAT: Literal["plrdesk-summary"] = "plrdesk-summary"
VERSION: Literal[1] = 1

# A count, or (with --suppress-below N) the words "fewer than N" in its place.
Suppressed = Annotated[str, Field(pattern=r"^fewer than [0-9]+$")]
Count = StrictInt | Suppressed
Month = Annotated[str, Field(pattern=r"^[0-9]{4}-[0-9]{2}$")]


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class StudyPart(_Part):
    title: str
    aims: list[str]


class Period(_Part):
    start: Month | None = Field(alias="from")
    to: Month | None


class Methods(_Part):
    sessions: dict[str, Count]
    participants: dict[str, Count]
    withdrawn: Count
    period: Period


class Quote(_Part):
    text: str
    descriptor: str
    session_kind: str


class Theme(_Part):
    name: str
    description: str
    raised_by: dict[str, Count]
    quotes: list[Quote]


class Question(_Part):
    guide: str
    question: str
    label: str
    responses: Count
    show_of_hands: dict[str, Count]


class Disclosure(_Part):
    redactions: dict[str, StrictInt]
    descriptors_coarsened: StrictInt
    warnings: list[str]


class Summary(_Part):
    format: Literal["plrdesk-summary"] = FORMAT
    version: Literal[1] = VERSION
    study: StudyPart
    methods: Methods
    themes: list[Theme]
    questions: list[Question]
    disclosure: Disclosure

    def to_jsonable(self) -> dict[str, object]:
        dumped: dict[str, object] = self.model_dump(mode="json", by_alias=True)
        return dumped

    def to_json(self) -> str:
        """UTF-8 text, keys in the contract's order, indent 2, a final newline."""
        return json.dumps(self.to_jsonable(), ensure_ascii=False, indent=2) + "\n"


# -- beside the contract: what the other renderers need ------------------------------------


@dataclass(frozen=True)
class ThemeOutline:
    """Where `summary.themes[i]` sits in the theme tree (same index), and which of its
    quotes the researcher marked as exemplars."""

    theme_id: uuid.UUID
    parent_id: uuid.UUID | None
    depth: int  # 0 for a top-level theme
    colour: str | None
    exemplars: tuple[bool, ...]  # parallel to the theme's quotes


@dataclass(frozen=True)
class ExportPassage:
    """One row of the CSV: a quote with its theme and the question it was said under."""

    theme: str
    descriptor: str
    session_kind: str
    question: str  # the question's label (anonymised), "" when the entry had none
    text: str


@dataclass(frozen=True)
class SourceSelection:
    """A coding inside an exported source, in the source's (anonymised) text."""

    coding_id: uuid.UUID
    theme_id: uuid.UUID
    start: int
    end: int  # exclusive


@dataclass(frozen=True)
class ExportSource:
    """One session as a text document for QDA software: its coded entries, anonymised."""

    source_id: uuid.UUID
    name: str
    text: str
    selections: tuple[SourceSelection, ...]


@dataclass(frozen=True)
class ReviewItem:
    """A redaction the anonymiser was not sure of (an unregistered name, a guess). Holds the
    label and where it was found, never the words themselves."""

    label: str
    where: str


@dataclass
class ExportBundle:
    summary: Summary
    outline: list[ThemeOutline] = field(default_factory=list)
    passages: list[ExportPassage] = field(default_factory=list)
    sources: list[ExportSource] = field(default_factory=list)
    # By label, over every text that leaves in any format (each distinct text once).
    redaction_counts: dict[str, int] = field(default_factory=dict)
    review: list[ReviewItem] = field(default_factory=list)
    guide_titles: dict[str, str] = field(default_factory=dict)  # guide id -> anonymised title
    suppress_below: int | None = None
    # Every descriptor coarsened anywhere in the bundle (the summary's first), and other
    # notes for the researcher: shown by the redaction report, never written to a file.
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
