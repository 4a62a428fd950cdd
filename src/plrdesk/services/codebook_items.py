"""What a codebook file says about one theme, whatever the format it came in."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from plrdesk.interchange.errors import InvalidDocument
from plrdesk.services.themes import InvalidTheme

T = TypeVar("T")


class InvalidCodebook(InvalidDocument):
    """The codebook file cannot be imported; `where` names the line (and the CSV column)."""


@dataclass(frozen=True)
class CodeIn:
    """One theme as a codebook file gives it, already checked.

    `key` is how the file itself names it (a CSV ref, a QDC guid, else its line), and
    `parent_key` names its parent the same way (or, in a CSV, a theme ref of the study).
    `name_at` and `parent_at` say where in the file the name and the parent are, for errors.
    """

    key: str
    name: str
    description: str | None
    colour: str | None
    parent_key: str | None
    name_at: str
    parent_at: str
    guid: uuid.UUID | None = None


def checked(source: str, where: str, check: Callable[[str], T], value: str) -> T:
    """`check(value)`, with its complaint turned into an error naming the place in the file."""
    try:
        return check(value)
    except InvalidTheme as exc:
        raise InvalidCodebook(source, where, plain(str(exc))) from None


def plain(message: str) -> str:
    """A theme rule's sentence as an error clause: 'A theme needs a name.' -> 'a theme needs
    a name' (a leading acronym such as 'CAF' keeps its capitals)."""
    text = message.rstrip(".")
    if len(text) > 1 and text[0].isupper() and not text[1].isupper():
        text = text[0].lower() + text[1:]
    return text
