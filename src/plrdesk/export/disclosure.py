"""Who said it, without saying who: descriptors, their coarsening, and small-count
suppression.

A descriptor is built from the participant's kind and the attributes the study's export
settings allow for that kind, phrased in plain English ("a project worker from the voluntary
sector", "a 13-year-old boy", "a child in Year 8"). A descriptor that fits exactly one
participant of the study (withdrawn participants aside) is coarsened, by dropping its most
specific attribute, then the next, until it fits two or more; at the end even the kind goes
("a participant"). A kind's `allow_unique` setting keeps its descriptors as they are.

Defaults, where the study has no export setting for a kind (chosen to say little):
- practitioner: sector and role;
- parent or carer: nothing ("a parent or carer"); "a mother" in a study of four parents is
  often enough to name her, so the relationship must be allowed explicitly;
- child: year group and gender (not age: with year group it adds little for a report and a
  great deal for recognising a child);
- other: nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from plrdesk.domain.kinds import ParticipantKind

KIND_ORDER: tuple[str, ...] = tuple(kind.value for kind in ParticipantKind)

DEFAULT_ATTRIBUTES: dict[str, tuple[str, ...]] = {
    ParticipantKind.PRACTITIONER: ("sector", "role"),
    ParticipantKind.PARENT: (),
    ParticipantKind.CHILD: ("year_group", "gender"),
    ParticipantKind.OTHER: (),
}

# The attributes plrdesk knows how to phrase, from the most general to the most specific.
# Attributes it does not know are treated as more specific still (dropped first).
SPECIFICITY: dict[str, tuple[str, ...]] = {
    ParticipantKind.PRACTITIONER: ("sector", "role"),
    ParticipantKind.PARENT: ("relationship",),
    ParticipantKind.CHILD: ("year_group", "gender", "age"),
    ParticipantKind.OTHER: (),
}

ANYONE = "a participant"
FACILITATOR = "facilitator"
THE_GROUP = "the group"

_SECTORS = {
    "voluntary": "the voluntary sector",
    "local authority": "the local authority",
    "health": "the health service",
    "social care": "social care",
    "police": "the police",
}
_CHILD_NOUNS = {"boy": "boy", "male": "boy", "girl": "girl", "female": "girl"}


@dataclass(frozen=True)
class DescriptorRule:
    attributes: tuple[str, ...]  # allowed, ordered from the most general to the most specific
    allow_unique: bool = False


@dataclass(frozen=True)
class Person:
    ref: str
    kind: str
    attributes: Mapping[str, Any]


@dataclass(frozen=True)
class Described:
    text: str
    original: str | None = None  # the descriptor before coarsening, when it was coarsened


def rule_for(
    kind: str, allowed: Iterable[str] | None, allow_unique: bool = False
) -> DescriptorRule:
    """The rule for a kind: the allowed attributes (None: the defaults) by specificity."""
    chosen = list(DEFAULT_ATTRIBUTES.get(kind, ()) if allowed is None else allowed)
    known = SPECIFICITY.get(kind, ())

    def rank(name: str) -> tuple[int, int]:
        return (0, known.index(name)) if name in known else (1, chosen.index(name))

    return DescriptorRule(tuple(sorted(dict.fromkeys(chosen), key=rank)), allow_unique)


def plain_group_descriptor(session_kind: str) -> str:
    """Who a line without a speaker belongs to: the group in a focus group, else the
    facilitator (the researcher's own note or question)."""
    return THE_GROUP if session_kind == "focus-group" else FACILITATOR


class Describer:
    """Descriptors for the participants of one study, coarsened where they single one out."""

    def __init__(self, people: Sequence[Person], rules: Mapping[str, DescriptorRule]) -> None:
        self._people = {p.ref: p for p in people}
        self._rules = rules
        self._cache: dict[str, Described] = {}

    def rule(self, kind: str) -> DescriptorRule:
        return self._rules.get(kind) or rule_for(kind, None)

    def describe(self, ref: str) -> Described:
        found = self._cache.get(ref)
        if found is None:
            found = self._describe(self._people[ref])
            self._cache[ref] = found
        return found

    def _describe(self, person: Person) -> Described:
        rule = self.rule(person.kind)
        values = {
            name: person.attributes[name]
            for name in rule.attributes
            if _present(person.attributes.get(name))
        }
        first = phrase(person.kind, values)
        if rule.allow_unique or self._fits(person.kind, values) >= 2:
            return Described(first)
        kind: str | None = person.kind
        while values and self._fits(person.kind, values) < 2:
            values.pop(list(values)[-1])  # the most specific left
        if self._fits(person.kind, values) < 2:
            kind = None
        return Described(phrase(kind, values), original=first)

    def _fits(self, kind: str, values: Mapping[str, Any]) -> int:
        return sum(
            1
            for p in self._people.values()
            if p.kind == kind
            and all(_same(p.attributes.get(name), value) for name, value in values.items())
        )


def coarsened_warning(original: str, shown: str) -> str:
    return f"descriptor '{original}' fits one participant; shown as '{shown}'"


def shown(count: int, suppress_below: int | None) -> int | str:
    """A count as the export shows it: "fewer than N" in place of any count under N."""
    if suppress_below is not None and count < suppress_below:
        return f"fewer than {suppress_below}"
    return count


# -- phrasing --------------------------------------------------------------------------------


def phrase(kind: str | None, values: Mapping[str, Any]) -> str:
    """A descriptor in plain English from a kind and attribute values (already chosen)."""
    rest = dict(values)
    if kind == ParticipantKind.PRACTITIONER:
        text = _practitioner(_text(rest.pop("sector", None)), _text(rest.pop("role", None)))
    elif kind == ParticipantKind.PARENT:
        relationship = _text(rest.pop("relationship", None))
        text = _a(relationship) if relationship else "a parent or carer"
    elif kind == ParticipantKind.CHILD:
        text = _child(rest.pop("age", None), rest.pop("gender", None), rest.pop("year_group", None))
    else:
        text = ANYONE
    extra = ", ".join(f"{name.replace('_', ' ')}: {_text(value)}" for name, value in rest.items())
    return f"{text} ({extra})" if extra else text


def _practitioner(sector: str, role: str) -> str:
    noun = role or "practitioner"
    if not sector:
        return _a(noun)
    if sector.casefold() == "school":
        return f"a school {role}" if role else "a practitioner from a school"
    where = _SECTORS.get(sector.casefold())
    if where is None:
        where = f"the {sector}" if sector.casefold().endswith("sector") else f"the {sector} sector"
    return f"{_a(noun)} from {where}"


def _child(age: Any, gender: Any, year_group: Any) -> str:
    gender_text = _text(gender)
    noun = _CHILD_NOUNS.get(gender_text.casefold(), "child") if gender_text else "child"
    adjective = gender_text if gender_text and noun == "child" else None
    words = [noun]
    if adjective:
        words.insert(0, adjective)
    if _present(age):
        words.insert(0, f"{_text(age)}-year-old")
    text = _a(" ".join(words))
    if _present(year_group):
        year = _text(year_group)
        year = year[:1].upper() + year[1:] if year.casefold().startswith("year") else f"Year {year}"
        text += f" in {year}"
    return text


def _a(noun: str) -> str:
    """The noun with "a" or "an" (by the sound of its first word, for the common cases)."""
    first = noun.split(" ", 1)[0].split("-", 1)[0]
    vowel = first[:1].casefold() in set("aeiou")
    if first.isdigit():
        vowel = first.startswith("8") or first in {"11", "18"}
    return f"{'an' if vowel else 'a'} {noun}"


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return "" if value is None else str(value).strip()


def _present(value: Any) -> bool:
    return value is not None and _text(value) != ""


def _same(value: Any, wanted: Any) -> bool:
    return _present(value) and _text(value).casefold() == _text(wanted).casefold()
