"""Descriptors in plain English, their coarsening, and moving coded spans into redacted
text, without a study."""

from __future__ import annotations

from typing import Any

import pytest

from plrdesk.anonymise.types import Layer, Redacted, Redaction
from plrdesk.domain.spans import Span
from plrdesk.export.disclosure import (
    Describer,
    Person,
    coarsened_warning,
    phrase,
    plain_group_descriptor,
    rule_for,
    shown,
)
from plrdesk.export.redaction import Tally, move_span, redactions_consistent


@pytest.mark.parametrize(
    ("kind", "values", "expected"),
    [
        (
            "practitioner",
            {"sector": "voluntary", "role": "project worker"},
            "a project worker from the voluntary sector",
        ),
        ("practitioner", {"sector": "school", "role": "head teacher"}, "a school head teacher"),
        (
            "practitioner",
            {"sector": "local authority", "role": "inclusion lead"},
            "an inclusion lead from the local authority",
        ),
        ("practitioner", {"sector": "health"}, "a practitioner from the health service"),
        ("practitioner", {"sector": "private"}, "a practitioner from the private sector"),
        ("practitioner", {"sector": "school"}, "a practitioner from a school"),
        ("practitioner", {"role": "SENCO"}, "a SENCO"),
        ("practitioner", {}, "a practitioner"),
        ("parent", {}, "a parent or carer"),
        ("parent", {"relationship": "mother"}, "a mother"),
        ("child", {"age": 13, "gender": "boy"}, "a 13-year-old boy"),
        ("child", {"age": 12, "gender": "girl", "year_group": 8}, "a 12-year-old girl in Year 8"),
        ("child", {"age": 11, "gender": "male"}, "an 11-year-old boy"),
        ("child", {"age": 8}, "an 8-year-old child"),
        ("child", {"year_group": 8}, "a child in Year 8"),
        ("child", {"year_group": "Year 7", "gender": "non-binary"}, "a non-binary child in Year 7"),
        ("child", {}, "a child"),
        ("other", {}, "a participant"),
        (
            "practitioner",
            {"role": "mentor", "team": "north", "lead": True},
            "a mentor (team: north, lead: yes)",
        ),
        (None, {}, "a participant"),
    ],
)
def test_descriptors_read_as_plain_english(
    kind: str | None, values: dict[str, Any], expected: str
) -> None:
    assert phrase(kind, values) == expected


def test_lines_without_a_speaker() -> None:
    assert plain_group_descriptor("focus-group") == "the group"
    assert plain_group_descriptor("practitioner-interview") == "facilitator"


def children(*rows: tuple[str, int, str, int]) -> list[Person]:
    return [
        Person(ref, "child", {"age": age, "gender": gender, "year_group": year})
        for ref, age, gender, year in rows
    ]


def test_the_contracts_example_of_coarsening() -> None:
    people = children(("A", 12, "girl", 8), ("B", 13, "boy", 8), ("C", 12, "boy", 7))
    rules = {"child": rule_for("child", ["age", "gender", "year_group"])}
    described = Describer(people, rules).describe("A")
    assert (described.original, described.text) == (
        "a 12-year-old girl in Year 8",
        "a child in Year 8",
    )
    assert described.original is not None
    assert coarsened_warning(described.original, described.text) == (
        "descriptor 'a 12-year-old girl in Year 8' fits one participant;"
        " shown as 'a child in Year 8'"
    )


def test_the_most_specific_attribute_goes_first_and_the_kind_last() -> None:
    people = children(("A", 12, "girl", 8), ("B", 12, "girl", 7), ("C", 11, "boy", 7))
    people.append(Person("P", "practitioner", {"role": "mentor"}))
    describer = Describer(people, {"child": rule_for("child", ["year_group", "gender", "age"])})
    assert describer.describe("B").text == "a child in Year 7"  # age, then gender dropped
    assert describer.describe("C").text == "a child in Year 7"
    assert describer.describe("A").text == "a child"  # the only child in Year 8
    assert describer.describe("P").text == "a participant"  # the only practitioner
    assert describer.describe("P").original == "a mentor"


def test_allow_unique_keeps_the_descriptor() -> None:
    people = children(("A", 12, "girl", 8), ("B", 13, "boy", 7))
    rules = {"child": rule_for("child", ["gender"], allow_unique=True)}
    described = Describer(people, rules).describe("A")
    assert (described.text, described.original) == ("a girl", None)


def test_defaults_say_little() -> None:
    assert rule_for("practitioner", None).attributes == ("sector", "role")
    assert rule_for("parent", None).attributes == ()
    assert rule_for("child", None).attributes == ("year_group", "gender")
    assert rule_for("child", ["age", "team", "year_group"]).attributes == (
        "year_group",
        "age",
        "team",
    )


def test_shown_counts() -> None:
    assert shown(2, None) == 2
    assert shown(2, 3) == "fewer than 3"
    assert shown(0, 3) == "fewer than 3"
    assert shown(3, 3) == 3


def redacted(text: str, *names: str) -> Redacted:
    redactions, out, last = [], [], 0
    for name in names:
        start = text.index(name)
        redactions.append(Redaction(start, start + len(name), name, "person", Layer.REGISTER))
        out += [text[last:start], "[person]"]
        last = start + len(name)
    return Redacted(text, "".join(out) + text[last:], redactions)


def test_spans_follow_redactions_and_take_whole_labels() -> None:
    r = redacted("Helen came round and Mrs Pennington rang.", "Helen", "Mrs Pennington")
    assert redactions_consistent(r)
    assert r.text == "[person] came round and [person] rang."

    def moved(start: int, end: int) -> str:
        span, _ = move_span(r, Span(start, end))
        assert span is not None
        return r.text[span.start : span.end]

    assert moved(0, 16) == "[person] came round"  # begins with a name
    assert moved(2, 16) == "[person] came round"  # begins inside a name
    assert moved(6, 25) == "came round and [person]"  # ends inside a name
    assert moved(6, 21) == "came round and"  # ends where a name begins
    assert moved(36, 41) == "rang."
    span, inside = move_span(r, Span(5, 6))
    assert span is None
    assert inside == []


def test_an_inconsistent_anonymiser_is_noticed() -> None:
    r = redacted("Helen came", "Helen")
    assert not redactions_consistent(Redacted(r.original, "[person]  came", r.redactions))


def test_a_redaction_counts_once_however_often_its_text_is_used() -> None:
    r = redacted("Helen came round and Mrs Pennington rang.", "Helen", "Mrs Pennington")
    tally = Tally()
    tally.add(("entry", 1), r.redactions, "a quote")
    tally.add(("entry", 1), r.redactions[:1], "another quote")
    tally.add(("entry", 2), r.redactions[:1], "a source")
    assert tally.counts() == {"person": 3}
