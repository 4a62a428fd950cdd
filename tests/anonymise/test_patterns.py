"""The pattern layer: each kind found where it is, and not where it is not."""

from __future__ import annotations

import pytest

from plrdesk.anonymise.patterns import (
    PATTERNS,
    find_patterns,
    nhs_number_valid,
    ni_number_valid,
    phone_verdict,
    upn_check_letter,
    upn_valid,
)


def found(text: str) -> list[tuple[str, str]]:
    return [(c.label, text[c.start : c.end]) for c in find_patterns(text)]


# -- checks --------------------------------------------------------------------------------


def test_nhs_check_digit() -> None:
    assert nhs_number_valid("943 476 5919")  # the NHS's own example number
    assert nhs_number_valid("4010232137")
    assert not nhs_number_valid("943 476 5918")
    assert not nhs_number_valid("943 476 591")
    # 1234567890: the check digit would be 10, so no such number is ever issued
    assert not nhs_number_valid("1234567890")


def test_upn_check_letter_against_published_examples() -> None:
    # python-stdnum's documented examples: B801200005001 valid, A801200005001 not.
    assert upn_valid("B801200005001")
    assert not upn_valid("A801200005001")
    # The DfE census guidance works through B207000016049 (wrong letter). Its products sum
    # to 266 (the guidance misadds to 267), 266 mod 23 = 13 = P, so the right UPN is P...
    assert upn_check_letter("207000016049") == "P"
    assert upn_valid("P207000016049")
    assert not upn_valid("B207000016049")


def test_upn_temporary_with_a_final_letter() -> None:
    body = "80120000501"
    letter = upn_check_letter(body + "A")
    assert letter is not None
    assert upn_valid(letter + body + "A")
    assert upn_check_letter(body + "I") is None  # I, O and S are never used


def test_ni_number_prefixes() -> None:
    assert ni_number_valid("AB 12 34 56 C")
    assert ni_number_valid("ab123456c")
    for bad in ("GB123456A", "ZZ123456A", "QQ123456C", "DA123456A", "AO123456A", "AB123456E"):
        assert not ni_number_valid(bad), bad


def test_phone_verdicts() -> None:
    assert phone_verdict("020 7946 0000") is True
    assert phone_verdict("07700 900123") is False  # Ofcom drama range: possible, not valid
    assert phone_verdict("0123") is None
    assert phone_verdict("+1 212 555 0100") is None  # not a UK number


# -- each kind in text ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "number",
    [
        "07700 900412",
        "07700900412",
        "07700-900-412",
        "+44 7700 900412",
        "+44(0)115 496 0914",
        "0044 20 7946 0000",
        "(0161) 496 0066",
        "(029)2018374",
        "(01632) 960 788",
        "020 7946 0000",
        "0113-496-0000",
    ],
)
def test_phone_numbers(number: str) -> None:
    assert found(f"Ring her on {number} after four.") == [("phone", number)]


def test_a_phone_number_followed_by_a_year_keeps_the_year() -> None:
    assert found("0113 496 0000 2009") == [("phone", "0113 496 0000")]


def test_unallocated_numbers_are_redacted_for_review_valid_ones_are_not() -> None:
    [drama] = find_patterns("07700 900412")
    [real] = find_patterns("020 7946 0000")
    assert drama.needs_review
    assert not real.needs_review


@pytest.mark.parametrize(
    "text", ["in 2009", "3 out of 10", "Year 7", "on 12/03", "£1,250", "1234 5678", "10:30"]
)
def test_numbers_that_are_not_personal(text: str) -> None:
    assert found(text) == []


def test_email_addresses() -> None:
    assert found("Mail jane.o-smith+home@example.co.uk today.") == [
        ("email", "jane.o-smith+home@example.co.uk")
    ]
    assert found("No @ here, or @@ there.") == []


@pytest.mark.parametrize(
    "url",
    [
        "https://castlebrook.sch.uk/transition",
        "http://example.com",
        "www.riverside.sch.uk",
        "WWW.RIVERSIDE.SCH.UK",
        "riverside.sch.uk",
        "example.org.uk/contact",
    ],
)
def test_urls(url: str) -> None:
    assert found(f"See {url}.") == [("url", url)]


def test_dots_that_are_not_urls() -> None:
    assert found("It ended.Org charts came later. Fine e.g. this, i.e. that.") == []


@pytest.mark.parametrize("code", ["LS1 4AP", "SW1A 1AA", "M1 1AE", "B33 8TH", "CR2 6XH", "GIR 0AA"])
def test_postcodes(code: str) -> None:
    assert found(f"The family lives in {code} now.") == [("postcode", code)]
    assert found(f"Post: {code.replace(' ', '')}") == [("postcode", code.replace(" ", ""))]


def test_lower_case_postcodes_but_not_ordinals_or_times() -> None:
    assert found("ls1 4ap") == [("postcode", "ls1 4ap")]
    assert found("in y7 2nd term, b1 3pm") == []
    assert found("23rd of May") == []


def test_nhs_numbers_only_with_a_valid_check_digit() -> None:
    assert found("NHS 943 476 5919.") == [("nhs-number", "943 476 5919")]
    assert found("NHS 943-476-5919.") == [("nhs-number", "943-476-5919")]
    assert found("NHS 9434765919.") == [("nhs-number", "9434765919")]
    assert found("NHS 943 476 5918.") == []


def test_upns_only_with_a_valid_check_letter() -> None:
    assert found("UPN B801200005001 on file") == [("pupil-number", "B801200005001")]
    assert found("UPN A801200005001 on file") == []
    assert found("xB801200005001") == []  # not a whole word


def test_ni_numbers() -> None:
    assert found("NI AB 12 34 56 C, NI ab123456c") == [
        ("ni-number", "AB 12 34 56 C"),
        ("ni-number", "ab123456c"),
    ]
    assert found("NI ZZ 12 34 56 A and GB123456A") == []


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("born on 3 March 2010", "3 March 2010"),
        ("DOB 03/03/2010", "03/03/2010"),
        ("D.O.B.: 3.3.10", "3.3.10"),
        ("date of birth: 3rd of March 2010", "3rd of March 2010"),
        ("Date of birth is March 3, 2010", "March 3, 2010"),
        ("her birthday is 3 March", "3 March"),
        ("was born in March 2010", "March 2010"),
        ("dob 2010-03-03", "2010-03-03"),
    ],
)
def test_dates_of_birth(text: str, date: str) -> None:
    assert found(text) == [("date-of-birth", date)]


def test_other_dates_are_not_dates_of_birth() -> None:
    assert found("The meeting on 3 March 2009 agreed it. Review 03/03/2010.") == []


@pytest.mark.parametrize(
    "address",
    [
        "12 Acacia Avenue",
        "12a High St",
        "4-6 Church Road",
        "221 Upper Kings Mews",
        "Flat 3, 12 Acacia Avenue",
        "7 St John's Close",
        "30 Old Mill Lane",
    ],
)
def test_street_addresses(address: str) -> None:
    assert found(f"They live at {address}, near the park.") == [("address", address)]


def test_a_street_without_a_number_is_a_guess_for_review() -> None:
    [street] = find_patterns("The carer lives on Church Lane now.")
    assert (street.label, street.needs_review) == ("address", True)
    assert found("The carer lives on Church Lane now.") == [("address", "Church Lane")]


def test_not_addresses() -> None:
    assert found("Year 7 Road Safety week, 3 Close friends, St Aidan's school") == []


def test_the_pattern_is_one_compiled_expression_with_a_group_per_kind() -> None:
    for group in ("email", "url", "domain", "nhs", "phone", "upn", "ni", "postcode", "date"):
        assert group in PATTERNS.groupindex or group in {"url"}, group
    assert PATTERNS.pattern.startswith("[")  # starts with its anchor class (fast skipping)
