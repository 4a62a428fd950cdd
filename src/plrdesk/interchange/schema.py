"""study-json-v1 as pydantic models: shape and value checks, unknown keys refused.

References between records (guardians, speakers, codings ...) are checked afterwards
by `references.check`, which knows what the study already holds.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import math
from collections.abc import Callable
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainValidator,
    model_validator,
)
from pydantic import Strict as StrictMode

from plrdesk.domain.kinds import CallOutcome, ConsentMethod, ParticipantKind, SessionKind
from plrdesk.domain.study_details import (
    email_problem,
    endorsed_on_problem,
    one_line_problem,
    phone_problem,
)

# SQLite stores whole numbers in 64 bits; a larger one would fail at the insert.
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


def _fits(value: int) -> int:
    if not INT64_MIN <= value <= INT64_MAX:
        raise ValueError(
            f"out of range: a study holds whole numbers from {INT64_MIN} to {INT64_MAX}"
        )
    return value


def _iso_text(example: str, *, date_only: bool = False) -> BeforeValidator:
    # Without this, pydantic reads 0, "0" or "1227607200" as a Unix time. The check is cheap
    # (it runs for every entry); the parser after it refuses what is not a date or time.
    def check(value: object) -> object:
        if (
            isinstance(value, str)
            and value[4:5] == "-"
            and (not date_only or len(value) == len(example))
        ):
            return value
        raise ValueError(f'Input should be text in ISO 8601, such as "{example}"')

    return BeforeValidator(check)


def _base64(value: str) -> str:
    if not value:
        raise ValueError("empty: give the image or document, or leave the key out")
    try:
        base64.b64decode(value, validate=True)
    except binascii.Error as exc:
        raise ValueError(f"not valid base64 ({exc})") from None
    return value


Scalar = bool | int | float | str


def _scalar(value: object) -> Scalar:
    # One check instead of a union: a union reports its first member's complaint ("should
    # be a valid boolean") for an integer that is merely too large.
    if isinstance(value, bool | str):
        return value
    if isinstance(value, int):
        return _fits(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError("out of range: too large for a number (it reads as infinity)")
        return value
    raise ValueError("Input should be text, a number, or true or false")


def _answer(value: object) -> Answer:
    if value is None:
        return None
    if isinstance(value, list):  # the choices of a multi-choice item
        if not all(isinstance(choice, str) for choice in value):
            raise ValueError("a list of choices should hold only text")
        return value
    if isinstance(value, dict):  # counts per option of a show-of-hands item
        for count in value.values():
            if isinstance(count, bool) or not isinstance(count, int) or count < 0:
                raise ValueError("the counts of a show of hands should be whole numbers, 0 or more")
            _fits(count)
        return value
    return _scalar(value)


def _version(value: object) -> object:
    if type(value) is not int:  # a Literal[1] alone takes true and 1.0 as 1
        raise ValueError("Input should be 1")
    return value


Ref = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^\S+$")]
NonEmpty = Annotated[str, Field(min_length=1)]
Count = Annotated[int, Field(ge=0), AfterValidator(_fits)]
AttributeValue = Annotated[Scalar, PlainValidator(_scalar)]
Answer = Scalar | list[str] | dict[str, int] | None
AnswerValue = Annotated[Answer, PlainValidator(_answer)]
Base64 = Annotated[str, AfterValidator(_base64)]
# Strict mode wants enum members and date objects; the JSON holds their text.
IsoDate = Annotated[dt.date, StrictMode(False), _iso_text("2008-11-20", date_only=True)]
IsoTime = Annotated[AwareDatetime, StrictMode(False), _iso_text("2008-11-25T10:00:00Z")]
PersonKind = Annotated[ParticipantKind, StrictMode(False)]
Method = Annotated[ConsentMethod, StrictMode(False)]
SessionType = Annotated[SessionKind, StrictMode(False)]
Outcome = Annotated[CallOutcome, StrictMode(False)]


class Strict(BaseModel):
    # strict: a value of the wrong JSON type is refused, not converted ("verbatim": "yes",
    # "minutes": "25"). The models validate json.loads output rather than using
    # model_validate_json, which would read ISO dates and enum text by itself: the stdlib
    # parse is needed anyway (duplicate keys, NaN) and lets a lone surrogate be named by
    # its JSON path. So the date, time and enum fields above say how their text is read.
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


def _refuse(check: Callable[[str], str | None]) -> AfterValidator:
    """A rule of domain.study_details as a validator: the app and an import refuse alike."""

    def validate(value: str) -> str:
        problem = check(value)
        if problem is not None:
            raise ValueError(problem)
        return value

    return AfterValidator(validate)


def _not_future(value: dt.date) -> dt.date:
    problem = endorsed_on_problem(value, dt.date.today())
    if problem is not None:
        raise ValueError(problem)
    return value


OneLine = Annotated[str, _refuse(one_line_problem)]
Email = Annotated[str, _refuse(email_problem)]
Phone = Annotated[str, _refuse(phone_problem)]


class Endorsement(Strict):
    by: NonEmpty
    role: OneLine | None = None  # extension: the endorser's role, if `by` names a person
    on: Annotated[IsoDate, AfterValidator(_not_future)] | None = None
    notes: str | None = None


class StudyBlock(Strict):
    """The study's own details. Into an existing study (`--merge`, or the same title) only
    the keys the file gives are set: a file of a few details leaves the others as they
    are, and a key given as null clears its detail (see docs/formats.md)."""

    title: NonEmpty
    researcher: str | None = None
    organisation: str | None = None
    contact: str | None = None  # extension: the free contact line (older studies' only one)
    phone: Phone | None = None  # extension
    email: Email | None = None  # extension
    ethics_reference: OneLine | None = None  # extension
    aims: list[NonEmpty] = []
    endorsement: Endorsement | None = None


class IdentifierIn(Strict):
    text: NonEmpty
    kind: Annotated[str, Field(pattern=r"^[a-z][a-z-]*$", max_length=40)]
    aliases: list[NonEmpty] = []


class ParticipantIn(Strict):
    ref: Ref
    kind: PersonKind
    name: NonEmpty
    contact: str | None = None
    attributes: dict[NonEmpty, AttributeValue] = {}
    guardians: list[Ref] = []
    withdrawn_on: IsoDate | None = None
    withdrawal_reason: str | None = None


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
    method: Method
    given_on: IsoDate
    answers: dict[NonEmpty, AnswerValue] = {}
    withdrawn_on: IsoDate | None = None
    signature: SignatureIn | None = None  # extension
    second_signature: SignatureIn | None = None  # extension: e.g. the child beside the parent
    scan: ScanIn | None = None  # extension
    confirmations: dict[NonEmpty, IsoTime] = {}  # extension: verbal, item -> when ticked
    recorded_by: str | None = None  # extension


class CallAttemptIn(Strict):
    at: IsoTime
    outcome: Outcome
    minutes: Count | None = None
    note: str | None = None  # extension: "call back Tuesday", or why they declined


class Safeguarding(Strict):
    flagged_at: IsoTime
    action: NonEmpty


class ConflictIn(Strict):
    """Extension (merge): this entry is another copy's version of entry `of`."""

    of: Ref
    source: str


class EntryIn(Strict):
    ref: Ref
    question: str | None = None
    speaker: Ref | None = None
    text: str | None = None
    verbatim: bool = False
    show_of_hands: dict[NonEmpty, Count] | None = None
    at: IsoTime | None = None
    safeguarding: Safeguarding | None = None
    follow_up: bool = False  # extension: the text is a follow-up question the researcher asked
    conflict: ConflictIn | None = None  # extension: a merge conflict copy (services/merge.py)

    @model_validator(mode="after")
    def _has_content(self) -> EntryIn:
        if self.text is None and self.show_of_hands is None:
            raise ValueError("an entry needs text, show_of_hands, or both")
        return self


class SessionIn(Strict):
    ref: Ref
    kind: SessionType
    guide: str | None = None
    participants: list[Ref] = []
    started_at: IsoTime | None = None
    ended_at: IsoTime | None = None
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
    start: Count | None = None
    end: Count | None = None
    memo: str | None = None
    exemplar: bool = False  # extension: marked as usable as a quote
    # Extension: who coded it (a name; absent, null or blank: the study's researcher).
    coder: Annotated[OneLine, Field(max_length=120)] | None = None

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
    version: Annotated[Literal[1], BeforeValidator(_version)]
    study: StudyBlock | None = None
    identifiers: list[IdentifierIn] = []
    participants: list[ParticipantIn] = []
    consents: list[ConsentIn] = []
    sessions: list[SessionIn] = []
    themes: list[ThemeIn] = []
    codings: list[CodingIn] = []
    export_settings: dict[PersonKind, KindExportSettings] = {}  # extension
