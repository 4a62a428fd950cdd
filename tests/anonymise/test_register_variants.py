"""Forms of a registered name the register cannot hold as typed (variants.py,
register_match.py): look-alikes, line-end hyphens, plurals, handles, one-edit typos, and
short forms of registered schools. Each find names its rule."""

from __future__ import annotations

import pytest

from plrdesk.anonymise.engine import Anonymiser
from plrdesk.anonymise.register import IdentifierEntry, PersonEntry, build_register
from plrdesk.anonymise.variants import normalise, plural_keys, within_one_edit

NO_NAMES: frozenset[str] = frozenset()


@pytest.fixture(scope="module")
def anonymiser() -> Anonymiser:
    register = build_register(
        [
            PersonEntry("Chidi Okonjo", "child"),
            PersonEntry("Amara Okafor", "child"),
            PersonEntry("Tj Okoro", "child"),
            PersonEntry("Bao Nguyễn", "parent"),
            PersonEntry("Mark Bell", "practitioner"),
        ],
        [
            IdentifierEntry("Ashgrove Academy Nunhead", "school"),
            IdentifierEntry("The Lindenfield School", "school"),
            IdentifierEntry("Riverside Primary School", "school"),
        ],
    )
    return Anonymiser(register, first_names=NO_NAMES)


def found(a: Anonymiser, text: str) -> list[tuple[str, str, bool]]:
    return [(r.original, r.rule, r.needs_review) for r in a.redact(text).redactions]


@pytest.mark.parametrize(
    ("text", "original"),
    [
        ("Ok\u200bonjo said", "Ok\u200bonjo"),  # zero-width space
        ("Oko\u2060njo said", "Oko\u2060njo"),  # word joiner
        ("\u041ekonjo said", "\u041ekonjo"),  # Cyrillic O
        ("Okonj\u043e said", "Okonj\u043e"),  # Cyrillic o
        ("\uff2f\uff4b\uff4f\uff4e\uff4a\uff4f said", "\uff2f\uff4b\uff4f\uff4e\uff4a\uff4f"),
        ("Oko-\nnjo said", "Oko-\nnjo"),
        ("Oko-\r\n  njo said", "Oko-\r\n  njo"),
        ("Okonjo\u0301 said", "Okonjo\u0301"),  # a combining accent
    ],
)
def test_look_alikes_map_back_to_the_original(
    anonymiser: Anonymiser, text: str, original: str
) -> None:
    red = anonymiser.redact(text)
    assert red.text == "[child] said"
    assert [(r.original, r.rule) for r in red.redactions] == [(original, "registered-variant")]


def test_a_hyphen_between_words_on_one_line_is_not_a_break(anonymiser: Anonymiser) -> None:
    assert anonymiser.redact("Oko-njo").text == "Oko-njo"
    assert normalise("well-\nknown") is not None
    assert normalise("Year 7 -\n8") is None  # not between letters


def test_a_registered_accented_name_matches_without_its_accent(anonymiser: Anonymiser) -> None:
    assert anonymiser.redact("Nguyen and Nguyễn rang").text == "[parent] and [parent] rang"


def test_plurals_and_plural_possessives(anonymiser: Anonymiser) -> None:
    assert found(anonymiser, "the Okonjos came; the Okonjos' car") == [
        ("Okonjos", "registered-variant", False),
        ("Okonjos'", "registered-variant", False),
    ]
    assert plural_keys("okonjo") == ["okonjos"]
    assert plural_keys("jones") == ["joneses"]


def test_the_plural_of_a_word_name_in_lower_case_is_the_word(anonymiser: Anonymiser) -> None:
    assert anonymiser.redact("the Bells came; bad marks at school").text == (
        "the [practitioner] came; bad marks at school"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("insta is tj_okoro11", "insta is [child]"),
        ("add @amaraokafor now", "add [child] now"),
        ("she is amara_okafor on there", "she is [child] on there"),
        ("amara.okafor@example.org", "[email]"),  # the pattern layer's longer span wins
    ],
)
def test_handles_that_contain_a_registered_name(
    anonymiser: Anonymiser, text: str, expected: str
) -> None:
    assert anonymiser.redact(text).text == expected
    assert any(r.rule in {"registered-handle", "email"} for r in anonymiser.redact(text).redactions)


def test_one_edit_from_a_long_name_is_offered_for_review(anonymiser: Anonymiser) -> None:
    assert found(anonymiser, "Okojno and Okonja and Okafro rang") == [
        ("Okojno", "registered-fuzzy", True),
        ("Okonja", "registered-fuzzy", True),
        ("Okafro", "registered-fuzzy", True),
    ]
    # short names, English words, and two edits are not fuzzy matches
    assert anonymiser.redact("Okra and Okjno rang").text == "Okra and Okjno rang"


def test_within_one_edit() -> None:
    assert within_one_edit("okonjo", "okojno")  # a swap
    assert within_one_edit("okonjo", "okonjoo")
    assert within_one_edit("okonjo", "okonj")
    assert within_one_edit("okonjo", "okanjo")
    assert not within_one_edit("okonjo", "okajno")


def test_short_forms_of_registered_schools_are_offered_for_review(anonymiser: Anonymiser) -> None:
    got = found(anonymiser, "Ashgrove, Ashgrove Nunhead, the Lindenfield and Lindenfield School")
    assert got == [
        ("Ashgrove", "school-short", True),
        ("Ashgrove Nunhead", "school-short", True),
        ("the Lindenfield", "school-short", True),
        ("Lindenfield School", "school-short", True),
    ]
    assert anonymiser.redact("Ashgrove Academy Nunhead").redactions[0].rule == "registered"
    # a one-word short form that is an English word is not offered alone
    assert anonymiser.redact("by the riverside").text == "by the riverside"
    assert anonymiser.redact("Riverside Primary").text == "[school]"


def test_an_unregistered_school_after_an_unknown_word(anonymiser: Anonymiser) -> None:
    assert found(anonymiser, "she goes to Brayford Academy Peckham now") == [
        ("Brayford Academy Peckham", "school-name", True)
    ]
    assert anonymiser.redact("the Primary School and Grace Academy").text == (
        "the Primary School and Grace Academy"
    )


def test_a_building_named_after_a_person_is_a_place() -> None:
    a = Anonymiser(build_register([PersonEntry("Evelina King", "child")], []), first_names=NO_NAMES)
    assert a.redact("seen at King's College Hospital and the Evelina").text == (
        "seen at King's College Hospital and the Evelina"
    )
    assert a.redact("Evelina came with King").text == "[child] came with [child]"
