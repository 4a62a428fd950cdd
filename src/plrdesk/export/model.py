"""The anonymised summary (summary-json-v1) as pydantic models, and the extra content the
other renderers need (theme nesting, CSV rows, QDPX sources, the redaction report).

`Summary` is exactly the contract's JSON: its fields are declared in the contract's order,
so `Summary.to_json()` writes the keys in that order. Everything else a renderer needs lives
beside it in `ExportBundle` and never reaches the JSON.

One extension, asked for by `--extracts`: each theme gains `extracts`, after `quotes`. The
key is left out of the JSON altogether without the option (not written as `null` or `[]`),
so a summary exported as before is the contract's, key for key: the contract is checked
from outside, and a checker that refuses unknown keys (the house rule for study-json-v1)
must keep passing it (docs/export.md, "Extracts").
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt

if TYPE_CHECKING:
    from plrdesk.export.overlap import HeldBack

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


class Extract(_Part):
    """A coded passage a writer may use (the quote rules but `verbatim`): the words as
    said (`verbatim`) or the researcher's note of them."""

    text: str
    descriptor: str
    session_kind: str
    verbatim: bool


class Theme(_Part):
    name: str
    description: str
    raised_by: dict[str, Count]
    quotes: list[Quote]
    extracts: list[Extract] | None = None  # only with --extracts; never written as null


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
        themes = dumped["themes"]
        assert isinstance(themes, list)
        for theme in themes:
            if theme["extracts"] is None:  # not asked for: the contract's keys only
                del theme["extracts"]
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


class Overridden(StrEnum):
    """What an export does with participants admitted to a session through the audited
    consent override (services.sessions.create_session) who still lack the consent to take
    part: left out of every figure, quote and extract (the default), or counted. Either way
    the reading formats' methods say so (docs/decisions.md, "Export")."""

    LEAVE_OUT = "leave-out"
    COUNT = "count"


@dataclass(frozen=True)
class ConsentOverrides:
    """Who took part through a consent override without the consent since, by kind (counts
    as the summary shows them, so "fewer than N" under --suppress-below), and whether the
    export counted them. Empty `admitted` when there were none."""

    admitted: dict[str, int | str] = field(default_factory=dict)
    treatment: Overridden = Overridden.LEAVE_OUT

    @property
    def counted(self) -> bool:
        return self.treatment == Overridden.COUNT


@dataclass(frozen=True)
class ExportPassage:
    """One row of the CSV: a quote (or, with --extracts, an extract) with its theme and the
    question it was said under."""

    theme: str
    descriptor: str
    session_kind: str
    question: str  # the question's label (anonymised), "" when the entry had none
    text: str
    verbatim: bool = True


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
class ExportCase:
    """A participant whose words are in the QDPX's sources, as a REFI-QDA Case: named by
    kind and number ("Practitioner 2"), never by name or ref, described by their descriptor,
    with the attribute values that descriptor shows (after coarsening), anonymised."""

    case_id: uuid.UUID  # derived from the participant's id, not the id itself
    name: str
    descriptor: str
    values: tuple[tuple[str, str], ...]  # (variable, value), "kind" first
    source_ids: tuple[uuid.UUID, ...]  # the sources holding their words


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
    # With --extracts the summary's themes carry them, and the CSV has a row per extract.
    extracts: bool = False
    extract_rows: list[ExportPassage] = field(default_factory=list)
    sources: list[ExportSource] = field(default_factory=list)
    # The QDPX's extras: its speakers as cases, and each selection's memo (coding id ->
    # the memo, anonymised); only the QDPX carries them.
    cases: list[ExportCase] = field(default_factory=list)
    memos: dict[uuid.UUID, str] = field(default_factory=dict)
    # By label, over every text that leaves in any format (each distinct text once).
    redaction_counts: dict[str, int] = field(default_factory=dict)
    # By label, every redaction the anonymiser made in the texts the build read, each
    # distinct text once: the figure Prepare export's review lists (the same function
    # counts both, services.export_review.made_redactions), and the export's report's.
    made: dict[str, int] = field(default_factory=dict)
    overrides: ConsentOverrides = field(default_factory=ConsentOverrides)
    review: list[ReviewItem] = field(default_factory=list)
    guide_titles: dict[str, str] = field(default_factory=dict)  # guide id -> anonymised title
    suppress_below: int | None = None
    # Every descriptor coarsened anywhere in the bundle (the summary's first), and other
    # notes for the researcher: shown by the redaction report, never written to a file.
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # Entries that would leave but repeat an excluded entry's words (export.overlap), the
    # released ones too: Prepare export lists them; those not released are in no quote,
    # extract or source. Their text is for the review screen, never written to a file.
    held_back: list[HeldBack] = field(default_factory=list)
