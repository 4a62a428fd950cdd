"""Phone numbers for the pattern layer: the branches of the combined expression (patterns.py)
and their checks through `phonenumbers` (patterns_checks.py).

- `phone`: a UK number in national form ("020 7946 0000", "(0161) 496 0066", "07700.900.412");
- `international-phone`: a number with a country code, any country ("+234 803 555 0142",
  "0048 512 345 678", "+1 (876) 555-0123"); a UK number in this form keeps the rule `phone`;
- `number-after-phone-word`: digits with no prefix after "mobile", "tel", "her number" ...
  ("her number is 512 345 678", a number from abroad as it is dialled there), for review.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from plrdesk.anonymise.patterns_checks import (
    cued_phone_verdict,
    international_phone_verdict,
    phone_verdict,
)

PHONE = "phone"
INTERNATIONAL_PHONE = "international-phone"
CUED_PHONE = "number-after-phone-word"

# A UK number in national form: 0 or a bracketed 0 area code, then digits in groups (one
# or two spaces, or a hyphen or dot with a space either side or none). Python checks the
# digits and drops trailing groups that make it too long ("0113 496 0000 2009" is a number
# and a year).
_SEPARATOR = r"(?:[ ]{1,2}|[ ]?[\-.–][ ]?)"
_PHONE_BODY = rf"\d(?:{_SEPARATOR}?\d){{5,12}})(?!\d)"
PHONE_BRANCH = rf"(?P<phone>0{_PHONE_BODY}"
BRACKET_BRANCH = rf"(?P<bphone>\(0\d{{2,5}}\)[ ]?{_PHONE_BODY}"
# With a country code: "+44 (0)7700 900412", "+234 803 555 0142", "0048 512 345 678",
# "(+44) 20 7946 0000", "+1 (876) 555-0123".
_INTERNATIONAL_BODY = (
    rf"[ ]?[1-9]\d{{0,3}}\)?(?:{_SEPARATOR}?(?:\(0\)|\(\d{{1,4}}\)|\d)){{6,16}})(?!\d)"
)
INTERNATIONAL_BRANCH = rf"(?P<iphone>(?:\+|\(\+){_INTERNATIONAL_BODY}"
INTERNATIONAL_00_BRANCH = rf"(?P<iphone00>00{_INTERNATIONAL_BODY}"
# Digits with no prefix: a number only after a phone word (checked in Python).
CUED_BRANCH = rf"(?P<cphone>\d(?:{_SEPARATOR}?\d){{8,12}})(?!\d)"
# "case number 123456789" is not a phone number, "her number" and "mobile no." are.
_PHONE_WORDS = re.compile(
    r"(?i:(?<![\w])(?:phone|mobile|mob|tel|telephone|landline|whats[ ]?app|ring|call|text"
    r"|contact|(?:her|his|my|their|your|our|new|old|\w+['’]s)[ ]+(?:number|no\.?))"
    r"(?:[ ]+(?:number|no\.?|is|was|on|her|him|them|me|us|now))*[ ]*[:\-=]?[ ]*)\Z"
)
_GROUP_SEPARATOR = re.compile(rf"{_SEPARATOR}(?=[\d()]+$)")
PHONE_ONLY = re.compile(PHONE_BRANCH)
_NOT_DIGIT = re.compile(r"\D")

Found = tuple[int, int, str, bool, str] | None  # start, end, label, needs review, rule


def _shortened(
    candidate: str, verdict_of: Callable[[str], bool | None], least: int = 9
) -> tuple[str, bool] | None:
    """The candidate, or the longest head of it that is a number (dropping trailing digit
    groups), and its verdict."""
    while (verdict := verdict_of(candidate)) is None:
        separators = list(_GROUP_SEPARATOR.finditer(candidate))
        last = separators[-1] if separators else None
        if last is None or sum(c.isdigit() for c in candidate[: last.start()]) < least:
            return None
        candidate = candidate[: last.start()]
    return candidate, verdict


def check_phone(m: re.Match[str]) -> Found:
    group = m.lastgroup or "phone"  # "phone" or "bphone" (a bracketed area code)
    found = _shortened(m.group(group), phone_verdict)
    if found is None:
        return None
    start = m.start(group)
    return start, start + len(found[0]), PHONE, not found[1], PHONE


def check_international(m: re.Match[str]) -> Found:
    group = m.lastgroup or "iphone"  # "iphone" ("+", "(+") or "iphone00"
    found = _shortened(m.group(group), international_phone_verdict, least=8)
    if found is None:
        return None
    number, valid = found
    uk = _NOT_DIGIT.sub("", number).removeprefix("00").startswith("44")
    start = m.start(group)
    return start, start + len(number), PHONE, not valid, PHONE if uk else INTERNATIONAL_PHONE


def check_cued(m: re.Match[str]) -> Found:
    start = m.start("cphone")
    if not _PHONE_WORDS.search(m.string, max(0, start - 30), start):
        return None
    found = _shortened(m.group("cphone"), cued_phone_verdict)
    if found is None:
        return None
    return start, start + len(found[0]), PHONE, not found[1], CUED_PHONE
