"""The form definition format (docs/forms.md) as pydantic models.

A form is data, not code: a researcher adapts wording in YAML and `plrdesk forms check`
tells them, by file and line, what is wrong.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from plrdesk.domain.kinds import Permission
from plrdesk.forms.expressions import ExpressionError, parse

Id = Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]*$", max_length=80)]


class FormKind(StrEnum):
    INFORMATION_SHEET = "information-sheet"
    CONSENT = "consent"
    ASSENT = "assent"
    VERBAL_CONSENT_SCRIPT = "verbal-consent-script"
    INTERVIEW_GUIDE = "interview-guide"
    FOCUS_GROUP_GUIDE = "focus-group-guide"


CONSENT_KINDS = {FormKind.CONSENT, FormKind.ASSENT, FormKind.VERBAL_CONSENT_SCRIPT}
GUIDE_KINDS = {FormKind.INTERVIEW_GUIDE, FormKind.FOCUS_GROUP_GUIDE}


class Audience(StrEnum):
    PARTICIPANT = "participant"
    RESEARCHER = "researcher"


class Reader(StrEnum):
    """Who reads the words: sets the plain-language grade a text must stay under."""

    CHILD = "child"
    ADULT = "adult"


class ItemType(StrEnum):
    TEXT = "text"
    LONG_TEXT = "long-text"
    YES_NO = "yes-no"
    SINGLE_CHOICE = "single-choice"
    MULTI_CHOICE = "multi-choice"
    NUMBER = "number"
    DATE = "date"
    TIME = "time"
    SCALE = "scale"
    STATEMENT = "statement"
    SIGNATURE = "signature"
    SHOW_OF_HANDS = "show-of-hands"
    INFO = "info"


ANSWERABLE = set(ItemType) - {ItemType.INFO}
CHOICE_TYPES = {ItemType.SINGLE_CHOICE, ItemType.MULTI_CHOICE, ItemType.SHOW_OF_HANDS}


class Topic(StrEnum):
    """What a participant-facing text covers; `forms check` demands the essential ones."""

    PURPOSE = "purpose"
    VOLUNTARY = "voluntary"
    WITHDRAWAL = "withdrawal"
    CONFIDENTIALITY = "confidentiality"
    ANONYMITY = "anonymity"
    SAFEGUARDING = "safeguarding"


REQUIRED_TOPICS = (Topic.CONFIDENTIALITY, Topic.WITHDRAWAL)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Choice(Strict):
    value: Annotated[str, Field(min_length=1)]
    label: Annotated[str, Field(min_length=1)]


class Constraint(Strict):
    rule: str
    message: Annotated[str, Field(min_length=1)]

    @field_validator("rule")
    @classmethod
    def _parses(cls, rule: str) -> str:
        parse(rule)
        return rule


class Item(Strict):
    id: Id
    type: ItemType
    text: Annotated[str, Field(min_length=1)]
    help: str | None = None
    required: bool = False
    relevant: str | None = None
    constraints: list[Constraint] = []
    grants: Permission | None = None
    choices: list[Choice] = []
    min: int | None = None  # scale
    max: int | None = None
    probes: list[str] = []  # guides: follow-up prompts for the interviewer
    covers: list[Topic] = []

    @field_validator("relevant")
    @classmethod
    def _relevant_parses(cls, relevant: str | None) -> str | None:
        if relevant is not None:
            try:
                parse(relevant)
            except ExpressionError as exc:
                raise ValueError(f"relevant: {exc}") from None
        return relevant

    @model_validator(mode="after")
    def _shape(self) -> Item:
        if self.type in CHOICE_TYPES and not self.choices:
            raise ValueError(f"a {self.type} item needs choices")
        if self.type not in CHOICE_TYPES and self.choices:
            raise ValueError(f"a {self.type} item takes no choices")
        if self.type == ItemType.SCALE and (self.min is None or self.max is None):
            raise ValueError("a scale item needs min and max")
        if self.grants is not None and self.type not in {ItemType.STATEMENT, ItemType.YES_NO}:
            raise ValueError("only a statement or yes-no item can grant a permission")
        values = [c.value for c in self.choices]
        if len(values) != len(set(values)):
            raise ValueError("choice values must differ")
        return self


class Section(Strict):
    id: Id
    title: str | None = None
    items: list[Item] = []


class FormDefinition(Strict):
    id: Id
    title: Annotated[str, Field(min_length=1)]
    version: Annotated[str, Field(min_length=1, max_length=40)]
    kind: FormKind
    audience: Audience
    reader: Reader = Reader.ADULT
    language: str = "en-GB"
    large_print: bool = False
    signers: list[str] = []  # signature lines besides the researcher's, e.g. [Parent, Child]
    description: str | None = None
    sections: list[Section] = []

    @field_validator("version", mode="before")
    @classmethod
    def _version_text(cls, version: object) -> object:
        # `version: 2` in YAML is a number; a version is a label, so accept it as text.
        return (
            str(version) if isinstance(version, int) and not isinstance(version, bool) else version
        )

    def items(self) -> list[Item]:
        return [item for section in self.sections for item in section.items]

    def item(self, item_id: str) -> Item | None:
        return next((item for item in self.items() if item.id == item_id), None)

    def grants(self) -> dict[str, Permission]:
        return {item.id: item.grants for item in self.items() if item.grants is not None}
