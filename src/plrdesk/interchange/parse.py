"""Reading a study document: JSON syntax (line and column), then the schema (JSON path)."""

from __future__ import annotations

import json
from typing import Any

from pydantic import ValidationError

from plrdesk.interchange.errors import InvalidDocument, json_path
from plrdesk.interchange.schema import StudyDocument


def parse_document(text: str, source: str) -> StudyDocument:
    """Parse and validate; raise InvalidDocument naming the line or JSON path of the first fault."""
    try:
        raw: Any = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidDocument(
            source, f"line {exc.lineno}, column {exc.colno}", f"not valid JSON ({exc.msg})"
        ) from None
    if not isinstance(raw, dict):
        raise InvalidDocument(source, "(top level)", "expected one JSON object")
    try:
        return StudyDocument.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        raise InvalidDocument(
            source, json_path(_field_loc(first["loc"])), _message(first)
        ) from None


# pydantic appends the tried member of a union ("str", "int", "function-after[...]") to `loc`;
# a user wants the key they wrote, so those tags are dropped.
_UNION_TAGS = {"bool", "int", "float", "str", "date", "datetime", "none", "list", "dict"}


def _field_loc(loc: tuple[int | str, ...]) -> tuple[int | str, ...]:
    return tuple(
        part
        for part in loc
        if isinstance(part, int) or ("[" not in part and part not in _UNION_TAGS)
    )


def _message(error: Any) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        return "unknown key (check the spelling; unknown keys are refused so no data is lost)"
    if kind == "missing":
        return "required key is missing"
    message = str(error["msg"])
    return message.removeprefix("Value error, ")
