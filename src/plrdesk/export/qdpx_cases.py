"""What the QDPX carries beside its sources: the speakers as cases, and the coding memos.

- A case is a participant (never withdrawn, never left out by a consent override) whose
  words are in at least one source: a QDA program's case x code matrix needs exactly those.
  It is named by kind and number in the register's order ("Practitioner 2", "Child 1"),
  never by name or ref, and described by the participant's descriptor. Its variables are
  the kind and the attribute values that descriptor shows: the export settings' attributes
  for the kind, after coarsening, so a case says no more than its descriptor does (a
  descriptor coarsened to "a participant" leaves a case named "Participant N" with no
  variables at all). Values are free text and pass through the anonymiser.
- A memo leaves with its coding: when the coding is a selection in a source, its memo
  (anonymised) goes with it. Memos are the researcher's own words and often name people,
  so each is read by the anonymiser like every other text, and counted in the report.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from plrdesk.domain import models as m
from plrdesk.domain.passages import Passage
from plrdesk.export.disclosure import ANYONE, KIND_ORDER, Describer, phrase
from plrdesk.export.model import ExportCase, ExportSource
from plrdesk.export.redaction import Texts

_CASE = uuid.UUID("0b6a3d1e-3f0c-4f7e-9a55-6a8e2d7c4b10")  # namespace for case GUIDs
KIND_VARIABLE = "kind"
_LABELS = {
    "practitioner": "Practitioner",
    "parent": "Parent or carer",
    "child": "Child",
    "other": "Participant",
}


def in_a_source(p: Passage) -> bool:
    """Whether a passage's entry goes into its session's source (the rule of
    `passages.PassageExporter.sources`)."""
    return p.excluded is None and (p.speaker_ref is None or p.may_quote)


def cases(
    sessions: Sequence[m.StudySession],
    sources: Sequence[ExportSource],
    passages: Sequence[Passage],
    present: Sequence[m.Participant],
    describer: Describer,
    texts: Texts,
) -> list[ExportCase]:
    """The speakers of the sources as cases, kind by kind, each in the register's order."""
    by_ref = {s.ref: s.id for s in sessions}
    exported = {s.source_id for s in sources}
    spoke_in: dict[str, set[uuid.UUID]] = defaultdict(set)
    for p in passages:
        session_id = by_ref.get(p.session_ref)
        if p.speaker_ref is not None and session_id in exported and in_a_source(p):
            spoke_in[p.speaker_ref].add(session_id)
    order = [s.source_id for s in sources]
    speakers = [p for p in present if p.ref in spoke_in]
    speakers.sort(key=lambda p: (_rank(p.kind), p.position))
    numbers: dict[str, int] = defaultdict(int)
    found = []
    for person in speakers:
        kind, values = shown_values(describer, person.ref, person.kind, person.attributes)
        label = _LABELS.get(kind, "Participant") if kind is not None else "Participant"
        numbers[label] += 1
        name = f"{label} {numbers[label]}"
        where = f"case '{name}'"
        described = describer.describe(person.ref).text
        descriptor = texts.text(("descriptor", described), described, where, in_summary=False)
        shown = [(KIND_VARIABLE, kind)] if kind is not None else []
        for attribute, value in values:
            text = texts.text(("attribute", attribute, value), value, where, in_summary=False)
            shown.append((attribute.replace("_", " "), text))
        found.append(
            ExportCase(
                case_id=uuid.uuid5(_CASE, str(person.id)),
                name=name,
                descriptor=descriptor,
                values=tuple(shown),
                source_ids=tuple(s for s in order if s in spoke_in[person.ref]),
            )
        )
    return found


def shown_values(
    describer: Describer, ref: str, kind: str, attributes: dict[str, Any]
) -> tuple[str | None, list[tuple[str, str]]]:
    """The kind and the attribute values the participant's descriptor shows.

    The describer drops the most specific attribute, then the next, until the descriptor
    fits two or more participants, and at the end the kind; so what it kept is the longest
    run of allowed values, from the most general, whose phrase is the descriptor."""
    allowed = [
        (name, _text(attributes.get(name)))
        for name in describer.rule(kind).attributes
        if _text(attributes.get(name))
    ]
    described = describer.describe(ref)
    if described.original is not None and described.text == ANYONE:
        return None, []  # coarsened down to "a participant": even the kind singled them out
    for keep in range(len(allowed), -1, -1):
        if phrase(kind, dict(allowed[:keep])) == described.text:
            return kind, allowed[:keep]
    return None, []  # not a phrase of these values: show nothing rather than guess


def memos(
    sources: Sequence[ExportSource], passages: Sequence[Passage], texts: Texts
) -> dict[uuid.UUID, str]:
    """Coding id -> its memo, anonymised, for every coding that is a selection in a source."""
    written = {p.coding_id: p.memo for p in passages if p.memo and p.memo.strip()}
    found = {}
    for source in sources:
        for selection in source.selections:
            memo = written.get(selection.coding_id)
            if memo is not None:
                where = f"a memo in source '{source.name}'"
                key = ("memo", selection.coding_id)
                found[selection.coding_id] = texts.text(key, memo.strip(), where, in_summary=False)
    return found


def _rank(kind: str) -> int:
    return KIND_ORDER.index(kind) if kind in KIND_ORDER else len(KIND_ORDER)


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return "" if value is None else str(value).strip()
