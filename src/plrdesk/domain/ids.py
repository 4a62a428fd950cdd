"""Typed ids, so a session id cannot be passed where a participant id is meant."""

import uuid
from typing import NewType

StudyId = NewType("StudyId", uuid.UUID)
ParticipantId = NewType("ParticipantId", uuid.UUID)
IdentifierId = NewType("IdentifierId", uuid.UUID)
ConsentId = NewType("ConsentId", uuid.UUID)
SessionId = NewType("SessionId", uuid.UUID)
EntryId = NewType("EntryId", uuid.UUID)
ThemeId = NewType("ThemeId", uuid.UUID)
CodingId = NewType("CodingId", uuid.UUID)


def new_id() -> uuid.UUID:
    """A random UUID: ids from several laptops never collide, so studies can be merged."""
    return uuid.uuid4()
