"""Reading a study document: JSON syntax (line and column), then the schema (JSON path).

Stricter than json.loads, so that nothing reaches the database that it would refuse, and
nothing is read that a dump could not write back: no NaN or Infinity, no key given twice
in one object (json.loads keeps the last), no lone surrogate (`"\\ud800"`, an escaped half
of a UTF-16 pair, is not a character and cannot be stored).
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from typing import Any

from pydantic import ValidationError

from plrdesk.interchange.errors import InvalidDocument, Loc, json_path, quoted
from plrdesk.interchange.schema import StudyDocument

# Where to point when json.loads gives up on nesting (at Python's recursion limit, ~1000);
# a study document is about 6 deep, and the schema refuses anything deeper it meets.
_REPORTED_DEPTH = 100
_TOO_DEEP = f"nested too deeply (more than {_REPORTED_DEPTH} arrays and objects, one in another)"
# A string, or a token outside strings that an error message needs to find.
_TOKENS = re.compile(
    r'"(?:[^"\\]|\\.)*"'
    r"|(NaN|-?Infinity)|([\[{])|([\]}])"
    r"|(-?[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?)"
)
_CONSTANT, _OPEN, _CLOSE, _LONG_NUMBER = 1, 2, 3, 4
# Only these escapes make lone surrogates: text read as UTF-8 cannot hold one.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def parse_document(text: str, source: str) -> StudyDocument:
    """Parse and validate; raise InvalidDocument naming the line or JSON path of the first fault."""
    raw, repeated = _load(text, source)
    if not isinstance(raw, dict):
        raise InvalidDocument(source, "(top level)", "expected one JSON object")
    surrogates = _may_hold_surrogates(text)
    if repeated or surrogates:  # rare: walking every value costs as much as parsing
        fault = next(_faults(raw, surrogates=surrogates), None)
        if fault:
            raise InvalidDocument(source, *fault)
    try:
        return StudyDocument.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        raise InvalidDocument(
            source, json_path(_field_loc(first["loc"])), _message(first)
        ) from None


class _Repeated(dict[str, Any]):
    """An object in which `key` was given more than once."""

    def __init__(self, pairs: list[tuple[str, Any]]) -> None:
        super().__init__(pairs)
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                self.key = key
                break
            seen.add(key)


class _NotJson(Exception):
    """NaN, Infinity or -Infinity: json.loads reads them, but they are not JSON."""


def _load(text: str, source: str) -> tuple[Any, bool]:
    """The parsed document, and whether some object in it repeated a key."""
    repeated = False

    def build(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        nonlocal repeated
        obj = dict(pairs)
        if len(obj) == len(pairs):
            return obj
        repeated = True
        return _Repeated(pairs)

    def refuse(name: str) -> None:
        raise _NotJson(name)

    try:
        return json.loads(text, object_pairs_hook=build, parse_constant=refuse), repeated
    except json.JSONDecodeError as exc:
        raise InvalidDocument(
            source, f"line {exc.lineno}, column {exc.colno}", f"not valid JSON ({exc.msg})"
        ) from None
    except _NotJson as exc:
        where, why = _locate(text, _CONSTANT), f"{exc} is not a JSON number"
    except RecursionError:
        where, why = _locate(text, _OPEN), _TOO_DEEP
    except ValueError:  # int() refuses more digits than sys.get_int_max_str_digits()
        where, why = _locate(text, _LONG_NUMBER), "a number with too many digits to read"
        if not where:
            raise
    raise InvalidDocument(source, where, why)


def _locate(text: str, token: int) -> str:
    """`line L, column C` of the first `token` outside strings (an opening bracket: the
    first one past _REPORTED_DEPTH), or "" if there is none."""
    depth = 0
    for match in _TOKENS.finditer(text):
        if match.group(_CLOSE):
            depth -= 1
            continue
        depth += bool(match.group(_OPEN))
        if match.group(token) and _is_the_fault(token, match.group(token), depth):
            at = match.start()  # counted as json.JSONDecodeError counts
            return (
                f"line {text.count(chr(10), 0, at) + 1}, column {at - text.rfind(chr(10), 0, at)}"
            )
    return ""


def _is_the_fault(token: int, found: str, depth: int) -> bool:
    if token == _OPEN:
        return depth > _REPORTED_DEPTH
    if token == _LONG_NUMBER:  # only whole numbers have a digit limit
        digits = found.lstrip("-")
        return digits.isdigit() and len(digits) > sys.get_int_max_str_digits()
    return True


def _may_hold_surrogates(text: str) -> bool:
    if _SURROGATE_ESCAPE.search(text):
        return True
    try:
        text.encode("utf-8")  # a caller may hand in text that was not read as UTF-8
    except UnicodeEncodeError:
        return True
    return False


def _faults(raw: Any, *, surrogates: bool) -> Iterator[tuple[str, str]]:
    """Repeated keys and lone surrogates as (JSON path, why), in document order.

    A loop with its own stack, not recursion: json.loads accepts nesting deeper than a
    recursive walk could follow."""
    stack: list[tuple[Loc, Any]] = [((), raw)]
    while stack:
        loc, value = stack.pop()
        key = loc[-1] if loc else None
        if surrogates and isinstance(key, str) and _lone_surrogate(key):
            yield json_path(loc), f"the key holds {_lone_surrogate(key)}"
        if isinstance(value, _Repeated):
            yield json_path(loc), f"the key {quoted(value.key)} is given more than once"
        if isinstance(value, dict):
            stack.extend(((*loc, k), v) for k, v in reversed(value.items()))
        elif isinstance(value, list):
            stack.extend(((*loc, i), v) for i, v in reversed(list(enumerate(value))))
        elif surrogates and isinstance(value, str) and _lone_surrogate(value):
            yield json_path(loc), f"the text holds {_lone_surrogate(value)}"


def _lone_surrogate(text: str) -> str:
    """A description of the first lone surrogate in `text`, or ""."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        code = ord(text[exc.start])
        return f"\\u{code:04x}, a lone surrogate (half of a UTF-16 pair), which is not a character"
    return ""


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
