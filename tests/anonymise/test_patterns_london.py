"""The pattern layer on notes as a diverse London borough writes them (issue 13): numbers
from abroad, postcodes with any spacing, estate blocks and lower-case streets, spaced
UPNs, dates of birth without a cue word, social handles. Each rule is tested both ways:
what it must find, and the ordinary text it must leave alone."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from plrdesk.anonymise.patterns import find_patterns, handle_parts
from plrdesk.anonymise.patterns_checks import upn_check_letter
from plrdesk.anonymise.types import Layer


def found(text: str) -> list[tuple[str, str]]:
    return [(c.label, text[c.start : c.end]) for c in find_patterns(text)]


def rules(text: str) -> list[tuple[str, str, bool]]:
    return [(c.rule, text[c.start : c.end], c.needs_review) for c in find_patterns(text)]


def upn(body: str, spaced: Callable[[str], str] = str) -> str:
    """A valid UPN for 12 characters, written through `spaced`."""
    letter = upn_check_letter(body)
    assert letter is not None
    return spaced(letter + body)


# -- phone numbers --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "number",
    [
        "+234 803 555 0142",  # Nigeria
        "+2348035550142",
        "00234 803 555 0142",
        "+234 (0)803 555 0142",
        "+233 24 123 4567",  # Ghana
        "+252 61 234 5678",  # Somalia
        "+291 7 123 456",  # Eritrea
        "+880 1712-345678",  # Bangladesh
        "+90 532 123 45 67",  # Turkey
        "+48 512 345 678",  # Poland
        "+351 912 345 678",  # Portugal
        "+57 300 1234567",  # Colombia
        "+84 91 234 5678",  # Vietnam
        "+1 (876) 555-0123",  # Jamaica
        "+353 87 123 4567",  # Ireland
    ],
)
def test_numbers_from_abroad(number: str) -> None:
    [c] = find_patterns(f"Her aunt's number is {number} if mum is away.")
    assert (c.label, c.rule) == ("phone", "international-phone")
    assert f"Her aunt's number is {number} if mum is away."[c.start : c.end] == number


@pytest.mark.parametrize(
    "number",
    ["(+44) 7700 900412", "+44-7700-900412", "07700.900.412", "07700  900412", "0044 7700 900412"],
)
def test_uk_numbers_written_other_ways(number: str) -> None:
    assert rules(f"Mum: {number}.")[0][:2] == ("phone", number)


def test_a_prefixless_number_after_a_phone_word_is_for_review() -> None:
    assert rules("Her mobile is 512 345 678.") == [("number-after-phone-word", "512 345 678", True)]
    assert rules("Nan's number: 612 345 678") == [("number-after-phone-word", "612 345 678", True)]


@pytest.mark.parametrize(
    "text",
    [
        "Case number 123456789 was closed.",
        "Ref 123 456 789 on the form.",
        "The score went from +5 to +12.",
        "Attendance +3.2% on last term.",
        "Meeting on 01.02.2010 and 12.03.2024.",
        "Budget 2024-2025 is £150 000.",
    ],
)
def test_digits_that_are_not_phone_numbers(text: str) -> None:
    assert [label for label, _ in found(text) if label == "phone"] == []


# -- postcodes ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "code", ["SE5  9QT", "SE5 9QT", "SE59QT", "se5 9qt", "se59qt", "Se15 4ql", "SE15\u00a04QL"]
)
def test_postcodes_with_any_spacing_and_case(code: str) -> None:
    assert found(f"They moved to {code} in the spring.") == [("postcode", code)]


@pytest.mark.parametrize(
    "text",
    [
        "Y7 2nd term",
        "A1 3pm",
        "QX4 5TT is a product code",  # QX is no postcode area
        "Room J2 3AB",  # J is no postcode area
        "KS2 SATs and KS3 1st half term",
    ],
)
def test_not_postcodes(text: str) -> None:
    assert [label for label, _ in found(text) if label == "postcode"] == []


# -- street addresses --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "address",
    [
        "27 Heron Point, Sumner Road",
        "4 Kittiwake House, Crystal Lane",
        "112 Gloucester Mansions",
        "9 Canada Estate",
        "15 Wyndham Tower",
        "Flat 12, Dunlin Court, Avondale Crescent",
        "30 kittiwake house, crystal lane",
        "Flat 14, Bradenham House, Aylesbury Estate",
        "27 Heron Point Sumner Road",
    ],
)
def test_estate_blocks(address: str) -> None:
    assert found(f"She lives at {address}, near the shops.") == [("address", address)]


@pytest.mark.parametrize(
    "address",
    [
        "14 bellenden rd",
        "3 choumert gr",
        "88 rye ln",
        "2 peckham hill st",
        "41 lordship ave",
        "6 grove gdns",
        "19 camberwell cres",
        "7 nunhead cl",
        "22 old kent road",
        "5 denmark terr",
        "14 BELLENDEN ROAD",
        "14 Bellenden rd",
    ],
)
def test_lower_case_and_abbreviated_streets(address: str) -> None:
    assert found(f"new address {address} from monday") == [("address", address)]


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("Flat 6\n22 Choumert Grove\nSE15 4QL", "Flat 6\n22 Choumert Grove"),
        ("Flat 2, Heron Point\nSumner Road", "Flat 2, Heron Point\nSumner Road"),
        ("flat 3,\n14 bellenden rd", "flat 3,\n14 bellenden rd"),
        ("27 Heron Point\nSumner Road, Peckham", "27 Heron Point\nSumner Road"),
    ],
)
def test_addresses_over_two_lines(text: str, address: str) -> None:
    assert found(text)[0] == ("address", address)


def test_address_rules_say_which_rule_found_them() -> None:
    assert rules("27 Heron Point, 14 bellenden rd, 12 Acacia Avenue") == [
        ("estate-block-address", "27 Heron Point", False),
        ("lower-case-address", "14 bellenden rd", False),
        ("address", "12 Acacia Avenue", False),
    ]


def test_blocks_and_estates_without_a_number_are_guesses() -> None:
    assert rules("They live in Heron Point now.") == [("estate-block-address", "Heron Point", True)]
    assert rules("She grew up on the Aylesbury Estate.") == [
        ("estate-block-address", "Aylesbury Estate", True)
    ]
    assert rules("He walks down on the Old Kent Road.") == [("address", "Old Kent Road", True)]


@pytest.mark.parametrize(
    "text",
    [
        "3 very close friends",
        "a 10 minute walk to school",
        "a 10 min drive away",
        "won 3 in a row",
        "needs 1 safe place",
        "seen 2 times with dr Shah",
        "came 2nd place",
        "the 3 main points",
        "a 2 bed house",
        "a 3 storey house",
        "the hearing at Crown Court",
        "went to Inner London Crown Court",
        "outside the Magistrates Court",
        "near St Giles",
        "St Mary's Primary",
        "Year 7 Road Safety week",
        "Year 6 Tree House club",
        "took the 12 bus on walworth rd",
        "Key Stage 2 Drama",
        "the 3rd floor",
        "3 Close friends",
        "at breaking point, the house was quiet",
        "At 3 Tree House Club sessions she was quiet",
        "2 House points for Tolu",
    ],
)
def test_not_addresses(text: str) -> None:
    assert [label for label, _ in found(text) if label == "address"] == []


# -- UPNs --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "spaced",
    [
        lambda u: u,
        lambda u: f"{u[0]} {u[1:]}",
        lambda u: f"{u[:4]} {u[4:8]} {u[8:12]} {u[12]}",
        lambda u: f"{u[:1]}-{u[1:7]}-{u[7:]}",
        lambda u: f"{u[:1]} {u[1:4]} {u[4:7]} {u[7:10]} {u[10:]}",
        lambda u: f"{u[:4].lower()} {u[4:8]} {u[8:12]} {u[12]}",
    ],
)
def test_upns_with_spaces(spaced: Callable[[str], str]) -> None:
    written = upn("801200005001", spaced)
    [c] = find_patterns(f"UPN {written} on the census.")
    assert (c.label, f"UPN {written} on the census."[c.start : c.end]) == ("pupil-number", written)


def test_a_spaced_upn_with_a_wrong_letter_is_not_one() -> None:
    good = upn("801200005001")
    bad = ("A" if good[0] != "A" else "B") + good[1:]
    assert found(f"UPN {bad[:4]} {bad[4:8]} {bad[8:]}") == []


# -- dates of birth ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("Tolu, 11/03/12, Yr 7", "11/03/12"),
        ("Kerem Şahin 02.09.2013 (Year 6)", "02.09.2013"),
        ("Yr 7 - 11.03.2012", "11.03.2012"),
        ("Ama, Reception, 4/5/19", "4/5/19"),
        ("Y10, 14-02-2009, SEN support", "14-02-2009"),
        ("Kofi — 03/11/2011 — Yr 8", "03/11/2011"),
    ],
)
def test_dates_beside_a_year_group(text: str, date: str) -> None:
    assert rules(text) == [("date-beside-year-group", date, False)]


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("Tolu Adeyemi, 11/03/12", "11/03/12"),
        ("- Nguyen Thi Lan (03/07/2011)", "03/07/2011"),
        ("Referrals:\n1. Kemi, 11.03.2012\n2. Ali", "11.03.2012"),
    ],
)
def test_dates_beside_a_name_line_are_for_review(text: str, date: str) -> None:
    assert rules(text) == [("date-beside-name", date, True)]


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("her birthday is 3rd of March", "3rd of March"),
        ("bday on the 3rd march", "3rd march"),
        ("his b'day is 3/3", "3/3"),
        ("it's her birthday on 14 Feb", "14 Feb"),
        ("birthday march 3rd!", "march 3rd"),
        ("turns 12 on the June 23rd", "June 23rd"),
        ("she'll be 9 on 3rd May", "3rd May"),
        ("born in Lagos on 3 March 2010", "3 March 2010"),
    ],
)
def test_birthdays(text: str, date: str) -> None:
    assert found(text) == [("date-of-birth", date)]


@pytest.mark.parametrize(
    "text",
    [
        "Meeting, 11/03/24",
        "Home Visit 11/03/24",
        "CIN Review - 11/03/24",
        "Monday, 3rd March",
        "We met on 11/03/24 in Year 7 review.",
        "Year 7 transition meeting on 3 March 2024",
        "the meeting is on 3rd March",
        "Mum said, 11/03/24: no change.",
        "Spoke to school 3/3 about it",
        "turns 5 on Monday",
    ],
)
def test_meeting_dates_stay(text: str) -> None:
    assert found(text) == []


# -- social handles and URLs ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "handle"),
    [
        ("her insta is tj_okoro11", "tj_okoro11"),
        ("snap: kezz.x", "kezz.x"),
        ("add him on snapchat - big_t", "big_t"),
        ("tiktok @kemi.ade", "@kemi.ade"),
        ("on x @tj_ok", "@tj_ok"),
        ("Insta: amaraokoro", "amaraokoro"),
        ("Snapchat name is kezzyb", "kezzyb"),
        ("he is tj_okoro on insta", "tj_okoro"),
        ("ig is lil.tee2010", "lil.tee2010"),
        ("her username is okoro2011", "okoro2011"),
        ("messaged @amara from the estate", "@amara"),
        ("Discord: bigtee#1234", "bigtee#1234"),
        ("she sent her snapchat username: jess_2012x", "jess_2012x"),
    ],
)
def test_handles(text: str, handle: str) -> None:
    assert found(text) == [("handle", handle)]


def test_handle_rules() -> None:
    assert rules("insta is tj_okoro11, @kemi_x, she goes by big_tee") == [
        ("handle-after-platform-name", "tj_okoro11", False),
        ("at-handle", "@kemi_x", False),
        ("underscore-handle", "big_tee", True),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "meet @ 5pm",
        "see you @school @home",
        "her Insta is down again",
        "Snap decisions were made.",
        "Facebook is full of it.",
        "2 x Y7 pupils and KS2 SATs",
        "an e.g. and i.e. in the notes",
        "Note: she is fine.",
        "TikTok was mentioned",
        "file report_v2.docx attached",
    ],
)
def test_not_handles(text: str) -> None:
    assert found(text) == []


def test_an_email_address_is_one_email_not_a_handle_and_a_domain() -> None:
    assert found("email tj_okoro11@gmail.com today") == [("email", "tj_okoro11@gmail.com")]


@pytest.mark.parametrize(
    "url",
    ["instagram.com/tj_okoro11", "linktr.ee/kemi", "www.tiktok.com/@kemi", "youtu.be/abc123"],
)
def test_profile_urls(url: str) -> None:
    assert found(f"link: {url}") == [("url", url)]


def test_handle_parts_for_the_register() -> None:
    assert handle_parts("tj_okoro11") == ["tj", "okoro"]
    assert handle_parts("@AmaraOkoro.x") == ["amara", "okoro", "x"]
    assert handle_parts("KEMI_2010") == ["kemi"]


def test_every_find_is_on_the_pattern_layer_with_a_rule() -> None:
    text = (
        "Tolu, 11/03/12, Yr 7, 27 Heron Point, SE5  9QT, +234 803 555 0142, insta is tj_ok1, "
        + upn("801200005001", lambda u: f"{u[:4]} {u[4:]}")
    )
    candidates = find_patterns(text)
    assert len(candidates) == 6
    assert all(c.layer is Layer.PATTERN and c.rule for c in candidates)


@pytest.mark.parametrize(
    "text",
    [
        "Agenda: 1. Attendance 2. Behaviour 3. AOB",
        "Session 3: we talked about the 2 main worries.",
        "Scored 7/10 on the wellbeing scale, up from 4/10.",
        "The 3 of us met at 10:30 in Room 4.",
        "She is 11 and in Y7; her brother is 14 and in Y10.",
        "CIN plan reviewed on 12/03/2024, next review 12/06/2024.",
        "Level 3 safeguarding training, Key Stage 2 SATs.",
        "Mum: she's been fine. Q: how was school? A: ok",
        "The Family Court hearing is on 3 May.",
        "Went to the Tower of London on the Year 5 trip.",
        "took the 36 bus to Peckham, 20 minutes.",
        "Half term starts 14th Feb. Half-term 14/02.",
        "The ratio is 1:3 and 1:1 support in class, 9.5 out of 10.",
        "COVID-19 and Y2K and MP3 and 4G, H1N1.",
        "Section 47 enquiry started, page 12, para 3.4.",
        "Nando's for her birthday, it was great. She is 7 on Monday.",
        "Sarah (SENCO) - 11/03/24",
        "Tolu, Ama and Kofi: 11/03/24 group session",
        "Phone call 11/03/24: mum upset. Call at 14:00 re: transport.",
        "Snap election; X marks the spot; IG report due.",
    ],
)
def test_ordinary_practitioner_lines_stay(text: str) -> None:
    assert found(text) == []
