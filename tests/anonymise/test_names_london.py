"""Unregistered names the capitalised first-name rule cannot see (names_extra.py), and
registered word-names read in context (wordnames.py)."""

from __future__ import annotations

import pytest

from plrdesk.anonymise.engine import Anonymiser, resolve
from plrdesk.anonymise.names import shipped_first_names
from plrdesk.anonymise.names_extra import find_all_names
from plrdesk.anonymise.register import PersonEntry, build_register
from plrdesk.anonymise.wordnames import NAME, REVIEW, WORD, typed, use

FIRST = shipped_first_names()


def names(text: str) -> list[tuple[str, str]]:
    return [(text[c.start : c.end], c.rule) for c in resolve(find_all_names(text, FIRST))]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("mr okoro took my bag", [("mr okoro", "titled-name")]),
        ("miss kaur said yes", [("miss kaur", "titled-name")]),
        ("Mr okafor's room", [("Mr okafor's", "titled-name")]),
        ("Ms Temitope Bankole rang", [("Ms Temitope Bankole", "titled-name")]),
        ("T. Yıldız, head teacher, rang", [("T. Yıldız", "initial-name")]),
        ("We met Ifedayo Akinwande today.", [("Ifedayo Akinwande", "unknown-word")]),
        ("Okoro's mum rang.", [("Okoro's", "unknown-word")]),
    ],
)
def test_names_the_first_name_list_lacks(text: str, found: list[tuple[str, str]]) -> None:
    assert names(text) == found


@pytest.mark.parametrize(
    "text",
    [
        "i miss home",
        "sir said no",
        "Mr said nothing.",
        "plan B. Then we left",
        "A. Smith signed it",  # an English surname after an initial is left to review
        "She lives in Peckham near Nunhead.",
        "Ofsted came with CAMHS and the SENCO on Monday.",
        "They walked to the Evelina.",
        "the class a week ago",
    ],
)
def test_what_is_not_a_name(text: str) -> None:
    assert names(text) == []


def test_lower_case_first_names_only_in_typed_speech() -> None:
    assert names("P2: me and chidi went to the park") == [("chidi", "first-name-lower")]
    assert names("P4: i told adaeze everything") == [("adaeze", "first-name-lower")]
    # prose: a lower-case word is not taken for a name
    assert names("The chidi word appears here.") == []
    # a lower-case unknown word needs a verb of saying or "told", "with" ... beside it
    assert names("P1: skool is long innit") == []


def test_typed() -> None:
    assert typed("P3: can we have pizza")
    assert typed("i think so")
    assert typed("Focus group\nP1: we did")
    assert not typed("The SENCO rang on Monday. I said yes.")


@pytest.mark.parametrize(
    ("text", "word", "expected"),
    [
        ("P1: will you come", "will", WORD),
        ("P1: it will be fine", "will", WORD),
        ("she has no hope left", "hope", WORD),
        ("the summer term", "summer", WORD),
        ("young people came", "young", WORD),
        ("Young people came", "Young", WORD),
        ("Will the SENCO come?", "Will", WORD),
        ("May I ask?", "May", WORD),
        ("in May we met", "May", WORD),
        ("P1: long day today", "long", WORD),
        ("P1: grace is my friend", "grace", REVIEW),
        ("Grace was there.", "Grace", REVIEW),
        ("We agreed lee would visit.", "lee", REVIEW),
        ("I saw Grace today", "Grace", NAME),
        ("P1: hope said no", "hope", NAME),
        ("P1: hope's mum", "hope", NAME),
        ("GRACE came", "GRACE", NAME),
    ],
)
def test_word_names_in_context(text: str, word: str, expected: str) -> None:
    start = text.index(word)
    assert use(text, start, start + len(word)) == expected


def test_registered_word_names_stay_where_they_are_words() -> None:
    a = Anonymiser(
        build_register([PersonEntry("Will Hope", "child"), PersonEntry("Can Yılmaz", "child")], [])
    )
    red = a.redact("P2: can we go? will u come? i hope so. hope said yes and Can came")
    assert red.text == "P2: can we go? will u come? i hope so. [child] said yes and [child] came"
