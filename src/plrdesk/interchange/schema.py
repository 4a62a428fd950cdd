"""study-json-v1 as pydantic models: shape and value checks, unknown keys refused.

References between records (guardians, speakers, codings ...) are checked afterwards
by `references.check`, which knows what the study already holds.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    NonNegativeInt,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
    model_validator,
)

from plrdesk.domain.kinds import CallOutcome, ConsentMethod, ParticipantKind, SessionKind

Ref = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^\S+$")]
NonEmpty = Annotated[str, Field(min_length=1)]
AttributeValue = StrictBool | StrictInt | StrictFloat | StrictStr
AnswerValue = Any  # a form item's answer: bool, text, number, list of choices


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Endorsement(Strict):
    by: NonEmpty
    on: dt.date | None = None
    notes: str | None = None


class StudyBlock(Strict):
    title: NonEmpty
    researcher: str | None = None
    organisation: str | None = None
    contact: str | None = None  # extension: fills {study.contact} on printed forms
    aims: list[NonEmpty] = []
    endorsement: Endorsement | None = None


class IdentifierIn(Strict):
    text: NonEmpty
    kind: Annotated[str, Field(pattern=r"^[a-z][a-z-]*$", max_length=40)]
    aliases: list[NonEmpty] = []


class ParticipantIn(Strict):
    ref: Ref
    kind: ParticipantKind
    name: NonEmpty
    contact: str | None = None
    attributes: dict[NonEmpty, AttributeValue] = {}
    guardians: list[Ref] = []
    withdrawn_on: dt.date | None = None
    withdrawal_reason: str | None = None


Base64 = Annotated[str, Field(pattern=r"^[A-Za-z0-9+/]*={0,2}$")]


class SignatureIn(Strict):
    """Extension: a signature captured on screen, PNG bytes in base64."""

    media_type: Literal["image/png"]
    data: Base64


class ScanIn(Strict):
    """Extension: the scanned paper form of a written consent."""

    media_type: Literal["image/png", "image/jpeg", "application/pdf"]
    data: Base64


class ConsentIn(Strict):
    ref: Ref
    participant: Ref
    on_behalf_of: Ref | None = None
    form: NonEmpty
    form_version: NonEmpty
    method: ConsentMethod
    given_on: dt.date
    answers: dict[NonEmpty, AnswerValue] = {}
    withdrawn_on: dt.date | None = None
    signature: SignatureIn | None = None  # extension
    second_signature: SignatureIn | None = None  # extension: e.g. the child beside the parent
    scan: ScanIn | None = None  # extension
    confirmations: dict[NonEmpty, AwareDatetime] = {}  # extension: verbal, item -> when ticked
    recorded_by: str | None = None  # extension


class CallAttemptIn(Strict):
    at: AwareDatetime
    outcome: CallOutcome
    minutes: NonNegativeInt | None = None


class Safeguarding(Strict):
    flagged_at: AwareDatetime
    action: NonEmpty


class EntryIn(Strict):
    ref: Ref
    question: str | None = None
    speaker: Ref | None = None
    text: str | None = None
    verbatim: bool = False
    show_of_hands: dict[NonEmpty, NonNegativeInt] | None = None
    at: AwareDatetime | None = None
    safeguarding: Safeguarding | None = None
    follow_up: bool = False  # extension: the text is a follow-up question the researcher asked

    @model_validator(mode="after")
    def _has_content(self) -> EntryIn:
        if self.text is None and self.show_of_hands is None:
            raise ValueError("an entry needs text, show_of_hands, or both")
        return self


class SessionIn(Strict):
    ref: Ref
    kind: SessionKind
    guide: str | None = None
    participants: list[Ref] = []
    started_at: AwareDatetime | None = None
    ended_at: AwareDatetime | None = None
    call_attempts: list[CallAttemptIn] = []
    entries: list[EntryIn] = []


class ThemeIn(Strict):
    ref: Ref
    name: NonEmpty
    description: str | None = None
    parent: Ref | None = None
    colour: Annotated[str, Field(pattern=r"^#[0-9a-fA-F]{6}$")] | None = None  # extension


class CodingIn(Strict):
    entry: Ref
    theme: Ref
    start: NonNegativeInt | None = None
    end: NonNegativeInt | None = None
    memo: str | None = None
    exemplar: bool = False  # extension: marked as usable as a quote

    @model_validator(mode="after")
    def _span(self) -> CodingIn:
        if (self.start is None) != (self.end is None):
            raise ValueError("give both start and end, or neither")
        if self.start is not None and self.end is not None and self.start >= self.end:
            raise ValueError("start must be before end")
        return self


class KindExportSettings(Strict):
    """Extension: which attributes may describe a participant of this kind in an export."""

    descriptor_attributes: list[NonEmpty] = []
    allow_unique: bool = False


class StudyDocument(Strict):
    format: Literal["plrdesk-study"]
    version: Literal[1]
    study: StudyBlock | None = None
    identifiers: list[IdentifierIn] = []
    participants: list[ParticipantIn] = []
    consents: list[ConsentIn] = []
    sessions: list[SessionIn] = []
    themes: list[ThemeIn] = []
    codings: list[CodingIn] = []
    export_settings: dict[ParticipantKind, KindExportSettings] = {}  # extension
