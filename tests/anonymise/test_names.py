"""The name layer: titled names and first names the register does not know, and the guards
that keep ordinary words (months, roles, sentence-initial words) in the text."""

from __future__ import annotations

import pytest

from plrdesk.anonymise.names import (
    FIRST_NAMES_FILE,
    clean_first_names,
    find_names,
    shipped_first_names,
)
from plrdesk.shipped import resources_dir

FIRST = shipped_first_names()


def names(text: str) -> list[str]:
    return [text[c.start : c.end] for c in find_names(text, FIRST)]


def test_the_shipped_list() -> None:
    assert len(FIRST) >= 1000
    assert {"Aisha", "Sam", "Oliver", "Siobhan", "Kwame", "Zuzanna", "Priya"} <= FIRST
    assert {"May", "June", "Grace", "Will"} <= FIRST  # kept: the rules decide
    assert not {"Smith", "Jones", "Year", "Monday", "March", "CAF", "SENCO"} & FIRST
    lines = (resources_dir() / FIRST_NAMES_FILE).read_text(encoding="utf-8").splitlines()
    listed = [line for line in lines if line and not line.startswith("#")]
    assert len(listed) == len(set(listed))
    assert all(line == line.strip() and line[0].isupper() for line in listed)


def test_clean_first_names_drops_what_is_never_a_name() -> None:
    assert clean_first_names({"Aisha", "Monday", "March", "CAF", "year", "Year"}) == {"Aisha"}


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("We spoke to Mr Okonkwo on Monday.", ["Mr Okonkwo"]),
        ("Mrs Smith-Jones and Ms O'Brien agreed.", ["Mrs Smith-Jones", "Ms O'Brien"]),
        ("Dr. Patel's letter came.", ["Dr. Patel's"]),
        ("Dr Priya Shah saw him.", ["Dr Priya Shah"]),
        ("Mr J. Smith and Mr A came.", ["Mr J. Smith", "Mr A"]),
        ("MRS JONES rang.", ["MRS JONES"]),
        ("Miss Green said so.", ["Miss Green"]),  # a surname that is also a word
        ("Sir Alex visited.", ["Sir Alex"]),
    ],
)
def test_titled_names(text: str, found: list[str]) -> None:
    assert names(text) == found


@pytest.mark.parametrize(
    "text",
    [
        "Mr said nothing.",
        "The head, Mr, was away.",
        "Yes Sir I will.",
        "I miss the old school.",
        "Ask sir about it.",
        "Mrs and Mr were on the form.",
    ],
)
def test_a_title_alone_is_nothing(text: str) -> None:
    assert names(text) == []


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Later Aisha told me the buses were worst.", ["Aisha"]),
        ("Aisha said the buses were worst.", ["Aisha"]),  # sentence start: still a name
        ("I met Aisha Khan at the gate.", ["Aisha Khan"]),  # with her surname
        ("It was Aisha's idea.", ["Aisha's"]),
        ("Timothy Hall ran the club.", ["Timothy Hall"]),
        ("Mary-Jane was there.", ["Mary-Jane"]),
    ],
)
def test_first_names(text: str, found: list[str]) -> None:
    assert names(text) == found


@pytest.mark.parametrize(
    "text",
    [
        "In May the Children's Trust met.",
        "By June most children knew the way.",
        "The review is on 3 May.",
        "May 2009 was busy.",
        "Until April nobody called.",
        "the end of May",
        "May I ask a question?",
        "Will the SENCO come?",
        "Hope was high at the start of Year 7.",
        "Grace periods ended on Friday.",
        "Mark the CAF as reviewed.",
        "Frank conversations helped.",
        "A Christian charity ran it.",
        "the Grace we said before lunch",
        "St Helen's Primary",
        "Grace Academy opened in 2008.",
        "Victoria Road was closed.",
        "They moved from India or Jordan.",
        "The Summer school ran in August.",
        "Year 7 and Year 8, CAF, TAC, SENCO, DSL, LA on Monday in March.",
    ],
)
def test_guards(text: str) -> None:
    assert names(text) == []


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("I saw May on Tuesday.", ["May"]),  # mid-sentence, no date: a name
        ("May said she felt safe.", ["May"]),  # a verb of saying makes it a name
        ("May's mum rang.", ["May's"]),
        ("Will Young came too.", ["Will Young"]),
        ("We asked Grace first.", ["Grace"]),
    ],
)
def test_words_that_are_names_here(text: str, found: list[str]) -> None:
    assert names(text) == found


def test_every_name_is_person_and_needs_review() -> None:
    found = find_names("Mr Okonkwo met Aisha.", FIRST)
    assert {(c.label, c.layer.value, c.needs_review) for c in found} == {("person", "name", True)}
    assert [c.rule for c in found] == ["titled-name", "first-name"]


def test_no_first_names_when_the_list_is_empty() -> None:
    assert [c.rule for c in find_names("Mr Okonkwo met Aisha.", frozenset())] == ["titled-name"]
