"""Reading a form file: YAML with lines, then the schema, then the rules in `rules.py`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from plrdesk.forms import rules
from plrdesk.forms.expressions import ExpressionError, parse
from plrdesk.forms.problems import FormErrors, Problem, Severity
from plrdesk.forms.schema import FormDefinition, ItemType
from plrdesk.forms.yaml_lines import MAX_BYTES, TOO_BIG, LineMap, YamlProblem, load, too_big


@dataclass(frozen=True)
class LoadedForm:
    definition: FormDefinition
    source: str  # the exact YAML text: what a study stores when it first uses this version
    path: str
    lines: LineMap
    warnings: list[Problem]


def read_form(path: Path, *, review_language: bool = True) -> LoadedForm:
    """Load and check one form file; raise FormErrors listing every error found.

    `review_language=False` skips the plain-language warnings (reading grades take a
    moment): the app and imports need the definition, only `forms check` needs the advice.
    """
    if path.exists() and not path.is_file():  # a pipe named *.yaml could block forever
        raise FormErrors([Problem(str(path), 1, "not a regular file (a folder or a pipe?)")])
    try:
        with path.open(encoding="utf-8") as file:
            text = file.read(MAX_BYTES + 1)  # never more than the cap, whatever the file holds
    except (OSError, UnicodeDecodeError) as exc:
        raise FormErrors([Problem(str(path), 1, f"cannot read the file ({exc})")]) from None
    if too_big(text):
        raise FormErrors([Problem(str(path), 1, TOO_BIG)])
    return parse_form(text, str(path), review_language=review_language)


def parse_form(text: str, name: str, *, review_language: bool = True) -> LoadedForm:
    try:
        raw, lines = load(text)
    except YamlProblem as exc:
        raise FormErrors([Problem(name, exc.line, exc.message)]) from None
    if not isinstance(raw, dict):
        raise FormErrors([Problem(name, 1, "a form is a mapping of keys (id, title, ...)")])
    try:
        definition, found = _checked(raw, lines, name, review_language)
    except RecursionError:
        # The expression parser is recursive descent: thousands of nested brackets in one
        # `relevant` exhaust Python's stack (in the schema or the rules). Say where, rather
        # than crash the app or the command.
        line = _too_deep_expression_line(raw, lines)
        raise FormErrors([Problem(name, line, "an expression is nested too deeply")]) from None
    errors = [p for p in found if p.severity == Severity.ERROR]
    if errors:
        raise FormErrors(errors)
    return LoadedForm(definition, text, name, lines, [p for p in found if p not in errors])


def _checked(
    raw: dict[str, Any], lines: LineMap, name: str, review_language: bool
) -> tuple[FormDefinition, list[Problem]]:
    try:
        definition = FormDefinition.model_validate(raw)
    except ValidationError as exc:
        raise FormErrors(_schema_problems(exc, raw, lines, name)) from None
    return definition, rules.check(definition, lines, name, review_language=review_language)


def _schema_problems(exc: ValidationError, raw: Any, lines: LineMap, name: str) -> list[Problem]:
    problems = []
    for error in exc.errors(include_url=False):
        loc = tuple(part for part in error["loc"] if not _is_union_tag(part))
        line = lines.line(loc)
        where = ".".join(str(p) for p in loc) or "form"
        kind = error["type"]
        if kind == "extra_forbidden":
            message = f"unknown key {loc[-1]!r}"
        elif kind == "missing":
            message = f"{where}: required key is missing"
        elif kind == "enum" and loc and loc[-1] == "type":
            message = f"unknown type {_value_at(raw, loc)!r} (known: {', '.join(ItemType)})"
        else:
            message = f"{where}: {str(error['msg']).removeprefix('Value error, ')}"
        problems.append(Problem(name, line, message))
    return sorted(set(problems))


def _too_deep_expression_line(raw: Any, lines: LineMap) -> int:
    """The line of the first `relevant` or `rule` the parser cannot parse for lack of stack."""
    for path, line in lines.lines.items():
        if path and path[-1] in {"relevant", "rule"}:
            try:
                value = _value_at(raw, path)
                if isinstance(value, str):
                    parse(value)
            except RecursionError:
                return line
            except (ExpressionError, LookupError, TypeError):
                continue
    return 1


def _is_union_tag(part: int | str) -> bool:
    return isinstance(part, str) and ("[" in part or part in {"str", "int", "none"})


def _value_at(raw: Any, loc: tuple[int | str, ...]) -> Any:
    for part in loc:
        raw = raw[part]
    return raw
