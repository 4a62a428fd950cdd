"""Personal-data patterns, found in one pass of one compiled regular expression.

Every kind is a named group of `PATTERNS`; one `finditer` walks the text once and each
match is then checked in Python where a check exists: NHS numbers by their mod-11 check
digit, Unique Pupil Numbers by their check letter, National Insurance numbers by the
prefixes HMRC never issues, phone numbers by the `phonenumbers` library, postcodes by the
areas in use (patterns_checks.py). Addresses, dates of birth and social handles have their
branches and checks in patterns_address.py, patterns_dates.py and patterns_social.py.

The expression is built for speed as well as for one pass. It starts with a character
class of the characters a match can start at (digits, "@", ".", ":", "+", "(", "_" and
capital letters), so the regex engine skips every other character without trying
anything, and the kinds are anchored on those characters: an e-mail address on its "@", a
bare domain on ".com" / ".sch.uk" ..., a URL on "://" or the "." of "www.", a UPN, NI
number or postcode on its first digit, a date of birth on its date, a street without a
house number on "Road", "Lane" ..., a handle on its "@", "_" or digits. Python then widens
the span to the left where the anchor is not the start (the local part of an e-mail, the
letters of a postcode, "Flat 3, ") and checks the words before it where a kind needs them
(a date is a date of birth only after "born", "DOB" ... or beside a year group or a
name). Lower-case letters never start an attempt, and they are most of any text.

Why phone numbers are candidates in the regex and not `phonenumbers.PhoneNumberMatcher`:
the matcher is its own pass over the whole text, and it is lenient in the wrong places
(with `POSSIBLE` leniency any 10-digit run is a "number", an NHS number included; with the
default `VALID` leniency the Ofcom drama ranges 07700 900xxx and 01632 960xxx that studies
and their tests use are not numbers at all). So the regex proposes what a number looks
like (0 or a bracketed 0 area code, or a country code after "+" or "00", then digits in
groups) and `phonenumbers.parse` checks each candidate: a valid number is redacted, a
number that is only possible (right length, unallocated range) is redacted and marked for
review. Digits with no prefix are a number only after a phone word ("mobile 512 345 678").

Every find carries its rule (`Candidate.rule`): the kind's label where the kind was found
the way it always was ("phone", "postcode" ...), a rule of its own where a newer rule
found it ("international-phone", "lower-case-address", "date-beside-year-group" ...), so
the export's review list says why.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from plrdesk.anonymise import patterns_address as addresses
from plrdesk.anonymise import patterns_dates as dates
from plrdesk.anonymise import patterns_phone as phones
from plrdesk.anonymise import patterns_social as social
from plrdesk.anonymise.patterns_checks import (
    POSTCODE_AREAS,
    UPN_LETTERS,
    nhs_number_valid,
    ni_number_valid,
    phone_verdict,
    postcode_area,
    upn_check_letter,
    upn_valid,
)
from plrdesk.anonymise.patterns_social import handle_parts
from plrdesk.anonymise.types import Candidate, Layer

__all__ = [
    "LABELS",
    "PATTERNS",
    "UPN_LETTERS",
    "find_patterns",
    "handle_parts",
    "nhs_number_valid",
    "ni_number_valid",
    "phone_verdict",
    "upn_check_letter",
    "upn_valid",
]

PHONE = "phone"
EMAIL = "email"
URL = "url"
POSTCODE = "postcode"
NHS_NUMBER = "nhs-number"
PUPIL_NUMBER = "pupil-number"
NI_NUMBER = "ni-number"
DATE_OF_BIRTH = dates.DATE_OF_BIRTH
ADDRESS = addresses.ADDRESS
HANDLE = social.HANDLE
LABELS = (
    PHONE,
    EMAIL,
    URL,
    POSTCODE,
    NHS_NUMBER,
    PUPIL_NUMBER,
    NI_NUMBER,
    DATE_OF_BIRTH,
    ADDRESS,
    HANDLE,
)
SPACED_UPN = "spaced-pupil-number"
STREET_TYPES = addresses.STREET_TYPES
BARE_STREET_TYPES = addresses.BARE_STREET_TYPES

# -- the one pattern ----------------------------------------------------------------------

_TLD = (
    r"(?:co\.uk|org\.uk|sch\.uk|gov\.uk|nhs\.uk|ac\.uk|ltd\.uk|me\.uk|com|org|net|uk|info|io"
    r"|edu|ly|ee|be|me|gg|tv|app|ng|ie|pl|pt|tr|vn)"
)
_URL_BODY = r"""[^\s<>"'\[\]]+"""
_BOUNDARY = r"(?<![\w@.+/\-])"  # what may not come right before most kinds
_UPN_LETTER = "A-HJ-NP-RT-Z"
_SPACE = r"[ \t\u00a0]"

# The kinds, in three lists by the character they start at, so that a capital letter (the
# commonest start) tries three kinds, not all of them. Within a list, when a check rejects
# what a kind matched, the kinds after it are tried at the same character.
_DIGIT_KINDS = [
    rf"{_BOUNDARY}(?P<nhs>\d{{3}}[ ]\d{{3}}[ ]\d{{4}}|\d{{3}}-\d{{3}}-\d{{4}}|\d{{10}})(?![\d\-])",
    rf"{_BOUNDARY}{phones.INTERNATIONAL_00_BRANCH}",
    rf"{_BOUNDARY}{phones.PHONE_BRANCH}",
    rf"(?P<upn>(?<={_BOUNDARY}[{_UPN_LETTER}{_UPN_LETTER.lower()}])\d{{11}}[0-9{_UPN_LETTER}])(?!\w)",
    rf"(?P<supn>(?:(?<={_BOUNDARY}[{_UPN_LETTER}{_UPN_LETTER.lower()}])"
    rf"|(?<={_BOUNDARY}[{_UPN_LETTER}][ \-]))"
    rf"\d(?:[ \-]?\d){{10}}[ \-]?[0-9{_UPN_LETTER}])(?!\w)",
    r"(?P<ni>(?:(?<=[A-Za-z])|(?<=[A-Za-z][ ]))\d{2}[ ]?\d{2}[ ]?\d{2}[ ]?[A-Da-d])(?!\w)",
    rf"(?P<gir>(?:(?<={_BOUNDARY}(?i:gir)[ ])|(?<={_BOUNDARY}(?i:gir)))0(?i:aa))(?!\w)",
    rf"(?P<postcode>(?<=[A-Za-z])\d[A-Za-z\d]?{_SPACE}{{0,3}}\d[A-Za-z]{{2}})(?!\w)",
    rf"{_BOUNDARY}(?P<date>{dates.DATE})(?!\w)",
    rf"{_BOUNDARY}(?P<daymonth>{dates.DAY_MONTH})",
    rf"(?P<mday>{dates.MONTH_BEFORE_DAY})(?!\w)",
    rf"{_BOUNDARY}{addresses.ADDRESS_BRANCH}",
    social.DIGIT_MARK_BRANCH,
    rf"{_BOUNDARY}{phones.CUED_BRANCH}",
]
_CAPITAL_KINDS = [
    rf"{_BOUNDARY}(?P<mdate>{dates.MONTH_DATE})(?!\w)",
    f"(?=[{addresses.STREET_INITIALS}])" + addresses.STREET_BRANCH,
    f"(?=[{social.PLATFORM_INITIALS}])" + social.PLATFORM_BRANCH,
]
_OTHER_KINDS = [  # "@", ".", ":", "+", "(", "_"
    r"(?P<email>@[\w\-]+(?:\.[\w\-]+)+)",
    "(?=@)" + social.AT_BRANCH,
    rf"(?=\.)(?P<www>(?<={_BOUNDARY}(?i:www))\.{_URL_BODY})",
    rf"(?P<domain>\.{_TLD}(?![\w\-]|\.\w)(?:/[^\s<>\"']*)?)",
    rf"(?P<scheme>://{_URL_BODY})",
    rf"(?=[+(]){_BOUNDARY}{phones.INTERNATIONAL_BRANCH}",
    rf"(?=\(){_BOUNDARY}{phones.BRACKET_BRANCH}",
    "(?=:)" + social.COLON_BRANCH,
    "(?=[_.])" + social.MARK_BRANCH,
]
_KIND_LISTS = (_DIGIT_KINDS, _CAPITAL_KINDS, _OTHER_KINDS)
_KINDS = (
    rf"(?=\d)(?:{'|'.join(_DIGIT_KINDS)})"
    rf"|(?=[A-Z])(?:{'|'.join(_CAPITAL_KINDS)})"
    rf"|{'|'.join(_OTHER_KINDS)}"
)
# One character of the class, then the kinds looked at from that character: the match
# itself is that one character; the groups (captured inside the lookahead) are the spans.
PATTERNS = re.compile(rf"[\d@.:+(_A-Z](?<=(?=(?:{_KINDS})).)")


def _kind_name(branch: str) -> str:
    first_group = re.search(r"\(\?P<(\w+)>", branch)
    assert first_group is not None, branch
    return first_group.group(1)


# _LATER[kind]: the kinds after `kind` in its list, for when Python rejects what `kind`
# matched ("23rd of May" is not a postcode but may be a date of birth).
_LATER = {
    _kind_name(kinds[i]): re.compile("|".join(kinds[i + 1 :]))
    for kinds in _KIND_LISTS
    for i in range(len(kinds) - 1)
}
_POSTCODE = re.compile(
    r"(?i:(?:[a-z][0-9]{1,2}|[a-z][a-hj-y][0-9]{1,2}|[a-z][0-9][a-z]|[a-z][a-hj-y][0-9][a-z]?)"
    r"[ \t\u00a0]{0,3}[0-9][a-z]{2})"
)
_ORDINAL_INWARD = re.compile(r"\d(?:st|nd|rd|th)")
_STRICT_INWARD = re.compile(r"[0-9][ABD-HJLNP-UW-Z]{2}")
_URL_TRAILER = ".,;:!?)'\"’”"

Found = tuple[int, int, str, bool, str] | None  # start, end, label, needs review, rule


def _trim_url(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1] in _URL_TRAILER:
        end -= 1
    return end


def _left_edge(text: str, at: int, allowed: str) -> int:
    """How far left of `at` the characters stay letters, digits or in `allowed`."""
    start = at
    while start > 0 and (text[start - 1].isalnum() or text[start - 1] in allowed):
        start -= 1
    return start


def _boundary_before(text: str, start: int) -> bool:
    return start == 0 or not (text[start - 1].isalnum() or text[start - 1] in "_@.+/-")


def _email(m: re.Match[str]) -> Found:
    text, at = m.string, m.start("email")
    start = _left_edge(text, at, "_.+-")
    while start < at and text[start] in ".+-":
        start += 1
    if start == at:
        return None
    return start, _trim_url(text, at, m.end("email")), EMAIL, False, EMAIL


def _at(m: re.Match[str]) -> Found:
    start, end = m.span("at")
    return social.check_at(m.string, start, _trim_url(m.string, start, end))


def _www(m: re.Match[str]) -> Found:
    start = m.start("www") - 3
    end = _trim_url(m.string, start, m.end("www"))
    return (start, end, URL, False, URL) if end - start > 5 else None


def _domain(m: re.Match[str]) -> Found:
    text, dot = m.string, m.start("domain")
    start = _left_edge(text, dot, "-._")
    while start < dot and text[start] in ".-_":
        start += 1
    if start == dot or (start > 0 and text[start - 1] in "@/"):
        return None
    return start, _trim_url(text, dot, m.end("domain")), URL, False, URL


def _scheme(m: re.Match[str]) -> Found:
    text, colon = m.string, m.start("scheme")
    for scheme in ("https", "http"):
        start = colon - len(scheme)
        if start >= 0 and text[start:colon].lower() == scheme and _boundary_before(text, start):
            end = _trim_url(text, colon, m.end("scheme"))
            return (start, end, URL, False, URL) if end - colon > 3 else None
    return None


def _nhs(m: re.Match[str]) -> Found:
    if nhs_number_valid(m.group("nhs")):
        return m.start("nhs"), m.end("nhs"), NHS_NUMBER, False, NHS_NUMBER
    phone = phones.PHONE_ONLY.match(m.string, m.start("nhs"))  # 3-3-4 digits: a phone?
    return phones.check_phone(phone) if phone else None


def _upn(m: re.Match[str]) -> Found:
    start = m.start("upn") - 1
    if not upn_valid(m.string[start : m.end("upn")]):
        return None
    return start, m.end("upn"), PUPIL_NUMBER, False, PUPIL_NUMBER


def _supn(m: re.Match[str]) -> Found:
    text, digits = m.string, m.start("supn")
    start = digits - (2 if text[digits - 1] in " -" else 1)
    if not upn_valid(text[start : m.end("supn")]):
        return None
    return start, m.end("supn"), PUPIL_NUMBER, False, SPACED_UPN


def _ni(m: re.Match[str]) -> Found:
    text, digits = m.string, m.start("ni")
    start = digits - 1 if digits > 0 and text[digits - 1] == " " else digits
    start -= 2
    if start < 0 or not text[start : start + 2].isalpha() or not _boundary_before(text, start):
        return None
    if not ni_number_valid(text[start : m.end("ni")]):
        return None
    return start, m.end("ni"), NI_NUMBER, False, NI_NUMBER


def _gir(m: re.Match[str]) -> Found:
    zero = m.start("gir")
    return zero - (4 if m.string[zero - 1] == " " else 3), m.end("gir"), POSTCODE, False, POSTCODE


def _postcode(m: re.Match[str]) -> Found:
    text, digit = m.string, m.start("postcode")
    end = m.end("postcode")
    start = digit
    while (
        start > 0 and digit - start < 2 and text[start - 1].isascii() and text[start - 1].isalpha()
    ):
        start -= 1
    if start == digit or not _boundary_before(text, start):
        return None
    found = text[start:end]
    if (
        not _POSTCODE.fullmatch(found)
        or postcode_area(found) not in POSTCODE_AREAS
        or not _postcode_case_ok(found)
    ):
        return None
    return start, end, POSTCODE, False, POSTCODE


def _postcode_case_ok(found: str) -> bool:
    """Lower- or mixed-case postcodes must also have a proper inward code (no C I K M O V)
    and not be an ordinal or a time ("y7 2nd", "b1 3pm" are not postcodes)."""
    if found.isupper():
        return True
    inward = found[-3:]
    return not _ORDINAL_INWARD.fullmatch(inward.lower()) and bool(
        _STRICT_INWARD.fullmatch(inward.upper())
    )


_CHECKS: dict[str, Callable[[re.Match[str]], Found]] = {
    "email": _email,
    "at": _at,
    "www": _www,
    "domain": _domain,
    "scheme": _scheme,
    "nhs": _nhs,
    "iphone": phones.check_international,
    "iphone00": phones.check_international,
    "phone": phones.check_phone,
    "bphone": phones.check_phone,
    "upn": _upn,
    "supn": _supn,
    "ni": _ni,
    "gir": _gir,
    "postcode": _postcode,
    "date": dates.check_date,
    "mdate": dates.check_date,
    "daymonth": lambda m: dates.check_date_of_birth(m, "daymonth", has_year=False),
    "mday": dates.check_month_day,
    "address": lambda m: addresses.check_address(m.string, *m.span("address")),
    "street": lambda m: addresses.check_street(m.string, *m.span("street")),
    "platform": lambda m: social.check_platform(m.string, *m.span("platform")),
    "colon": lambda m: social.check_colon(m.string, m.start("colon")),
    "mark": lambda m: social.check_mark(m.string, m.start("mark")),
    "dmark": lambda m: social.check_mark(m.string, m.start("dmark")),
    "cphone": phones.check_cued,
}


def find_patterns(text: str, pattern: re.Pattern[str] = PATTERNS) -> list[Candidate]:
    """Every checked pattern in `text`, from one left-to-right scan of the combined
    expression (a found span is skipped past; after a rejected one the scan goes on from
    the next character)."""
    found: list[Candidate] = []
    position = 0
    search = pattern.search
    while (m := search(text, position)) is not None:
        position = m.end()
        hit = _check(m, m.start())
        if hit is None:
            continue
        start, end, label, review, rule = hit
        if found and start < found[-1].end:  # widened left into the previous one
            continue
        found.append(Candidate(start, end, label, Layer.PATTERN, rule, review))
        position = max(position, end)
    return found


def _check(m: re.Match[str], at: int) -> Found:
    """The checked span of a match, or of a later kind matching at the same place."""
    while (group := m.lastgroup) is not None:
        hit = _CHECKS[group](m)
        if hit is not None:
            return hit
        later = _LATER.get(group)
        if later is None:
            return None
        next_match = later.match(m.string, at)
        if next_match is None:
            return None
        m = next_match
    return None
