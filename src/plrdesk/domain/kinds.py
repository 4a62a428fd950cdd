"""The closed vocabularies of a study (study-json-v1 "Kinds and values")."""

from enum import StrEnum


class ParticipantKind(StrEnum):
    PRACTITIONER = "practitioner"
    PARENT = "parent"
    CHILD = "child"
    OTHER = "other"


class ConsentMethod(StrEnum):
    WRITTEN = "written"
    VERBAL = "verbal"
    ELECTRONIC = "electronic"


class SessionKind(StrEnum):
    PRACTITIONER_INTERVIEW = "practitioner-interview"
    PHONE_INTERVIEW = "phone-interview"
    FOCUS_GROUP = "focus-group"
    OTHER = "other"


class CallOutcome(StrEnum):
    REACHED = "reached"
    NO_ANSWER = "no-answer"
    VOICEMAIL = "voicemail"
    CALL_BACK = "call-back"
    WRONG_NUMBER = "wrong-number"
    DECLINED = "declined"


class Permission(StrEnum):
    TAKE_PART = "take-part"
    QUOTE = "quote"
    AUDIO = "audio"
    FUTURE_CONTACT = "future-contact"
