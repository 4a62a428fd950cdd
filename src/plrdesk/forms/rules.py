"""Rules beyond the schema: unique ids, skip logic that names real items, consent forms
that grant take-part, participant-facing forms that state confidentiality and withdrawal,
known placeholders, and plain language (warnings)."""

from __future__ import annotations

from plrdesk.domain.kinds import Permission
from plrdesk.forms import placeholders, plain_language
from plrdesk.forms.expressions import parse
from plrdesk.forms.problems import Problem, Severity
from plrdesk.forms.schema import (
    CONSENT_KINDS,
    REQUIRED_TOPICS,
    Audience,
    FormDefinition,
    FormKind,
)
from plrdesk.forms.yaml_lines import LineMap


def check(
    form: FormDefinition, lines: LineMap, name: str, *, review_language: bool = True
) -> list[Problem]:
    problems: list[Problem] = []

    def add(path: tuple[int | str, ...], message: str, warn: bool = False) -> None:
        severity = Severity.WARNING if warn else Severity.ERROR
        problems.append(Problem(name, lines.line(path), message, severity))

    seen: dict[str, tuple[int | str, ...]] = {}
    for s, section in enumerate(form.sections):
        here: tuple[int | str, ...] = ("sections", s, "id")
        if section.id in seen:
            add(here, f"duplicate id {section.id!r} (first on line {lines.line(seen[section.id])})")
        seen.setdefault(section.id, here)
        for i, item in enumerate(section.items):
            here = ("sections", s, "items", i, "id")
            if item.id in seen:
                add(here, f"duplicate id {item.id!r} (first on line {lines.line(seen[item.id])})")
            seen.setdefault(item.id, here)

    item_ids = {item.id for item in form.items()}
    for s, section in enumerate(form.sections):
        for i, item in enumerate(section.items):
            base = ("sections", s, "items", i)
            if item.relevant:
                for ref in sorted(parse(item.relevant).references - item_ids):
                    add((*base, "relevant"), f"relevant names {ref!r}, which is not an item")
            for c, constraint in enumerate(item.constraints):
                for ref in sorted(parse(constraint.rule).references - item_ids):
                    add(
                        (*base, "constraints", c), f"constraint names {ref!r}, which is not an item"
                    )
            for field, text in [("text", item.text), ("help", item.help or "")]:
                for unknown in placeholders.unknown(text):
                    add((*base, field), f"unknown placeholder {{{unknown}}}")

    if form.kind in CONSENT_KINDS and Permission.TAKE_PART not in form.grants().values():
        add(("kind",), f"a {form.kind} form needs an item with `grants: take-part`")
    if form.audience == Audience.PARTICIPANT and form.kind != FormKind.INTERVIEW_GUIDE:
        covered = {topic for item in form.items() for topic in item.covers}
        for topic in REQUIRED_TOPICS:
            if topic not in covered:
                add(
                    ("audience",),
                    f"a participant-facing form must state {topic.value}"
                    f" (mark the item that does with `covers: [{topic.value}]`)",
                )
    if review_language and form.audience == Audience.PARTICIPANT:
        for finding in plain_language.review(form):
            add(finding.path, finding.message, warn=True)
    return problems
