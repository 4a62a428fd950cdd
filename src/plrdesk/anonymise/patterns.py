"""Personal-data patterns, found in one pass of one compiled regular expression.

Every kind is a named group of `PATTERNS`; one `finditer` walks the text once and each
match is then checked in Python where a check exists: NHS numbers by their mod-11 check
digit, Unique Pupil Numbers by their check letter, National Insurance numbers by the
prefixes HMRC never issues, phone numbers by the `phonenumbers` library (region GB).

The expression is built for speed as well as for one pass. It starts with a character
class of the characters a match can start at (digits, "@", ".", ":", "+", "(" and capital
letters), so the regex engine skips every other character without trying anything, and
the kinds are anchored on those characters: an e-mail address on its "@", a bare domain
on ".com" / ".sch.uk" ..., a URL on "://" or the "." of "www.", a UPN, NI number or
postcode on its first digit, a date of birth on its date, a street without a house
number on "Road", "Lane" .... Python then widens the span to the left where the anchor is
not the start (the local part of an e-mail, the letters of a postcode, "Flat 3, ") and
checks the words before it where a kind needs them (a date is a date of birth only after
"born", "DOB", "date of birth" ...). Lower-case letters never start an attempt, and they
are most of any text.

Why phone numbers are candidates in the regex and not `phonenumbers.PhoneNumberMatcher`:
the matcher is its own pass over the whole text, and it is lenient in the wrong places
(with `POSSIBLE` leniency any 10-digit run is a "number", an NHS number included; with the
default `VALID` leniency the Ofcom drama ranges 07700 900xxx and 01632 960xxx that studies
and their tests use are not numbers at all). So the regex proposes what a UK number looks
like (0, +44, 0044 or a bracketed 0 area code, then 9 to 13 digits in groups) and
`phonenumbers.parse` checks each candidate: a valid number is redacted, a number that is
only possible (right length, unallocated range) is redacted and marked for review.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import phonenumbers

from plrdesk.anonymise.types import Candidate, Layer

PHONE = "phone"
EMAIL = "email"
URL = "url"
POSTCODE = "postcode"
NHS_NUMBER = "nhs-number"
PUPIL_NUMBER = "pupil-number"
NI_NUMBER = "ni-number"
DATE_OF_BIRTH = "date-of-birth"
ADDRESS = "address"
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
)

# -- checks -------------------------------------------------------------------------------

UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"  # A-Z without I, O and S: 23 letters, 0..22


def nhs_number_valid(number: str) -> bool:
    """Ten digits whose tenth is the mod-11 check digit of the first nine (weights 10..2);
    a remainder giving 10 means the number was never issued."""
    digits = [int(c) for c in number if c.isdigit()]
    if len(digits) != 10:
        return False
    check = 11 - sum(d * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True)) % 11
    if check == 11:
        check = 0
    return check != 10 and check == digits[9]


def upn_check_letter(body: str) -> str | None:
    """The DfE check letter for the 12 characters after it (11 digits and a digit or, for
    a temporary UPN, a letter): character n (n = 2..13) weighted n, a final letter counted
    as its place in UPN_LETTERS, the sum mod 23 taken as a place in UPN_LETTERS."""
    if len(body) != 12 or not body[:11].isdigit():
        return None
    last = body[11]
    if last.isdigit():
        last_value = int(last)
    elif last in UPN_LETTERS:
        last_value = UPN_LETTERS.index(last)
    else:
        return None
    total = sum(int(c) * w for c, w in zip(body[:11], range(2, 13), strict=True)) + 13 * last_value
    return UPN_LETTERS[total % 23]


def upn_valid(upn: str) -> bool:
    return len(upn) == 13 and upn_check_letter(upn[1:]) == upn[0]


_NI_NEVER_ISSUED = frozenset({"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"})
_NI = re.compile(r"[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]\d{6}[A-D]")


def ni_number_valid(number: str) -> bool:
    """Two letters (first not D F I Q U V, second not D F I O Q U V, never BG GB KN NK NT
    TN ZZ), six digits, then A, B, C or D."""
    compact = re.sub(r"\s", "", number).upper()
    return bool(_NI.fullmatch(compact)) and compact[:2] not in _NI_NEVER_ISSUED


def phone_verdict(candidate: str) -> bool | None:
    """True: a valid UK number; False: possible but not allocated (review it); None: not
    a phone number."""
    try:
        number = phonenumbers.parse(candidate, "GB")
    except phonenumbers.NumberParseException:
        return None
    if (
        number.country_code != 44
        or len(phonenumbers.national_significant_number(number)) not in (9, 10)
        or phonenumbers.is_possible_number_with_reason(number)
        != phonenumbers.ValidationResult.IS_POSSIBLE
    ):
        return None
    return bool(phonenumbers.is_valid_number(number))


# -- the one pattern ----------------------------------------------------------------------

_MONTH_ANY_CASE = (
    r"(?i:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_MONTH_CAPITALISED = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?|JAN|FEB|MAR|APR|MAY|JUNE?"
    r"|JULY?|AUG|SEPT?|OCT|NOV|DEC)\.?"
)
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_DATE = (
    r"(?:\d{1,2}[/.\-]\d{1,2}[/.\-](?:\d{4}|\d{2})"
    r"|\d{4}-\d{2}-\d{2}"
    rf"|{_DAY}(?:[ ]+of)?[ ]+{_MONTH_ANY_CASE}(?:,?[ ]+\d{{4}})?"
    rf"|{_MONTH_CAPITALISED}[ ]+{_DAY}(?:,?[ ]+\d{{4}})?"
    rf"|{_MONTH_CAPITALISED}[ ]+\d{{4}})"
)
# Words that make the date after them a date of birth (a few small words may sit between).
_DOB_BEFORE = re.compile(
    r"(?i:(?<![\w])(?:born|birth[ ]?date|date[ ]+of[ ]+birth|d\.[ ]?o\.[ ]?b\.?|dob|birthday)"
    r"(?:[\s:,\-–=]+(?:on|in|is|was|the|of|:))*[\s:,\-–=]+)\Z"
)
STREET_TYPES = (
    "Street St Road Rd Close Avenue Ave Lane Drive Way Crescent Grove Place Terrace Gardens"
    " Court Walk Hill Row Square Mews"
)
# A street named without a house number is only a guess (reviewed), and only the types
# that rarely end anything else ("Castlebrook Way" could be a building).
BARE_STREET_TYPES = "Street Road Close Avenue Lane Drive Crescent Grove Terrace Gardens Mews"
_CAP = r"[A-Z][\w'’\-]*"
_STREET_BEFORE = re.compile(rf"(?<![\w])(?i:on|in|at|off|along|near)[ ]+((?:{_CAP}[ ]+){{1,3}})\Z")
_FLAT_BEFORE = re.compile(r"(?<![\w])(?:Flat|Apartment|Unit)[ ]+\d+[A-Za-z]?,?[ ]+\Z")
# A UK number: 0, +44 or 0044 (with an optional "(0)"), or a bracketed 0 area code, then
# digits in groups separated by one space or hyphen. Python checks the digits (and drops
# trailing groups that make it too long: "0113 496 0000 2009" is a number and a year).
_PHONE = (
    r"(?P<phone>(?:\+44[ ]?(?:\(0\)[ ]?)?|0044[ ]?(?:\(0\)[ ]?)?|\(0\d{2,5}\)[ ]?|0)"
    r"\d(?:[ \-]?\d){5,12})(?!\d)"
)
_GROUP_SEPARATOR = re.compile(r"[ \-](?=\d+$)")
_TLD = (
    r"(?:co\.uk|org\.uk|sch\.uk|gov\.uk|nhs\.uk|ac\.uk|ltd\.uk|me\.uk|com|org|net|uk|info|io|edu)"
)
_URL_BODY = r"""[^\s<>"'\[\]]+"""
_BOUNDARY = r"(?<![\w@.+/\-])"  # what may not come right before most kinds

# The kinds, each starting at its anchor character (see the module's docstring).
_KINDS = rf"""
      (?P<email>@[\w\-]+(?:\.[\w\-]+)+)
    | (?P<www>(?<={_BOUNDARY}(?i:www))\.{_URL_BODY})
    | (?P<domain>\.{_TLD}(?![\w\-]|\.\w)(?:/[^\s<>"']*)?)
    | (?P<scheme>://{_URL_BODY})
    | {_BOUNDARY}(?P<nhs>\d{{3}}[ ]\d{{3}}[ ]\d{{4}}|\d{{3}}-\d{{3}}-\d{{4}}|\d{{10}})(?![\d\-])
    | {_BOUNDARY}{_PHONE}
    | (?P<upn>(?<={_BOUNDARY}[A-HJ-NP-RT-Z])\d{{11}}[0-9A-HJ-NP-RT-Z])(?!\w)
    | (?P<ni>(?:(?<=[A-Za-z])|(?<=[A-Za-z][ ]))\d{{2}}[ ]?\d{{2}}[ ]?\d{{2}}[ ]?[A-Da-d])(?!\w)
    | (?P<gir>(?:(?<={_BOUNDARY}(?i:gir)[ ])|(?<={_BOUNDARY}(?i:gir)))0(?i:aa))(?!\w)
    | (?P<postcode>(?<=[A-Za-z])\d[A-Za-z\d]?[ ]?\d[A-Za-z]{{2}})(?!\w)
    | {_BOUNDARY}(?P<date>{_DATE})(?!\w)
    | {_BOUNDARY}(?P<address>\d{{1,4}}[A-Za-z]?(?:[\-–]\d{{1,4}})?,?[ ]+(?:{_CAP}[ ]+){{1,3}}
        (?:{"|".join(STREET_TYPES.split())}))(?!\w)
    | (?P<street>(?<=[\w'’\-][ ])(?:{"|".join(BARE_STREET_TYPES.split())}))(?!\w)
"""
# One character of the class, then the kinds looked at from that character: the match
# itself is that one character; the groups (captured inside the lookahead) are the spans.
PATTERNS = re.compile(rf"[\d@.:+(A-Z](?<=(?=(?:{_KINDS})).)", re.VERBOSE)
# When Python rejects what a kind matched (a bad check digit, a date with no "born" before
# it), the kinds after it in _KINDS may still match at the same character: "23rd of May"
# is not a postcode but may be a date of birth. _LATER[kind] tries just those.
_KIND_LIST = [k.strip() for k in re.split(r"\n    \| ", _KINDS.strip())]


def _kind_name(branch: str) -> str:
    first_group = re.search(r"\(\?P<(\w+)>", branch)
    assert first_group is not None, branch
    return first_group.group(1)


_KIND_NAMES = [_kind_name(k) for k in _KIND_LIST]
_LATER = {
    name: re.compile("|".join(_KIND_LIST[i + 1 :]), re.VERBOSE)
    for i, name in enumerate(_KIND_NAMES[:-1])
}
_PHONE_ONLY = re.compile(_PHONE)
_POSTCODE = re.compile(
    r"(?i:(?:[a-z][0-9]{1,2}|[a-z][a-hj-y][0-9]{1,2}|[a-z][0-9][a-z]|[a-z][a-hj-y][0-9][a-z]?)"
    r"[ ]?[0-9][a-z]{2})"
)
_ORDINAL_INWARD = re.compile(r"\d(?:st|nd|rd|th)")
_STRICT_INWARD = re.compile(r"[0-9][ABD-HJLNP-UW-Z]{2}")
_URL_TRAILER = ".,;:!?)'\"’”"

Found = tuple[int, int, str, bool] | None  # start, end, label, needs review


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
    return (start, _trim_url(text, at, m.end("email")), EMAIL, False) if start < at else None


def _www(m: re.Match[str]) -> Found:
    start = m.start("www") - 3
    end = _trim_url(m.string, start, m.end("www"))
    return (start, end, URL, False) if end - start > 5 else None


def _domain(m: re.Match[str]) -> Found:
    text, dot = m.string, m.start("domain")
    start = _left_edge(text, dot, "-.")
    while start < dot and text[start] in ".-":
        start += 1
    if start == dot or (start > 0 and text[start - 1] in "@/"):
        return None
    return start, _trim_url(text, dot, m.end("domain")), URL, False


def _scheme(m: re.Match[str]) -> Found:
    text, colon = m.string, m.start("scheme")
    for scheme in ("https", "http"):
        start = colon - len(scheme)
        if start >= 0 and text[start:colon].lower() == scheme and _boundary_before(text, start):
            end = _trim_url(text, colon, m.end("scheme"))
            return (start, end, URL, False) if end - colon > 3 else None
    return None


def _nhs(m: re.Match[str]) -> Found:
    if nhs_number_valid(m.group("nhs")):
        return m.start("nhs"), m.end("nhs"), NHS_NUMBER, False
    phone = _PHONE_ONLY.match(m.string, m.start("nhs"))  # 3-3-4 digits may be a phone number
    return _phone(phone) if phone else None


def _phone(m: re.Match[str]) -> Found:
    candidate = m.group("phone")
    while (verdict := phone_verdict(candidate)) is None:
        last = _GROUP_SEPARATOR.search(candidate)
        if last is None or sum(c.isdigit() for c in candidate[: last.start()]) < 9:
            return None
        candidate = candidate[: last.start()]
    start = m.start("phone")
    return start, start + len(candidate), PHONE, not verdict


def _upn(m: re.Match[str]) -> Found:
    start = m.start("upn") - 1
    if not upn_valid(m.string[start : m.end("upn")]):
        return None
    return start, m.end("upn"), PUPIL_NUMBER, False


def _ni(m: re.Match[str]) -> Found:
    text, digits = m.string, m.start("ni")
    start = digits - 1 if digits > 0 and text[digits - 1] == " " else digits
    start -= 2
    if start < 0 or not text[start : start + 2].isalpha() or not _boundary_before(text, start):
        return None
    if not ni_number_valid(text[start : m.end("ni")]):
        return None
    return start, m.end("ni"), NI_NUMBER, False


def _gir(m: re.Match[str]) -> Found:
    zero = m.start("gir")
    return zero - (4 if m.string[zero - 1] == " " else 3), m.end("gir"), POSTCODE, False


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
    if not _POSTCODE.fullmatch(found) or not _postcode_case_ok(found):
        return None
    return start, end, POSTCODE, False


def _postcode_case_ok(found: str) -> bool:
    """Lower- or mixed-case postcodes must also have a proper inward code (no C I K M O V)
    and not be an ordinal ("Y7 2nd", "B1 3pm" are not postcodes)."""
    if found.isupper():
        return True
    inward = found[-3:]
    return not _ORDINAL_INWARD.fullmatch(inward.lower()) and bool(
        _STRICT_INWARD.fullmatch(inward.upper())
    )


def _date(m: re.Match[str]) -> Found:
    start = m.start("date")
    if not _DOB_BEFORE.search(m.string, max(0, start - 40), start):
        return None
    return start, m.end("date"), DATE_OF_BIRTH, False


def _address(m: re.Match[str]) -> Found:
    start = m.start("address")
    flat = _FLAT_BEFORE.search(m.string, max(0, start - 30), start)
    return (flat.start() if flat else start), m.end("address"), ADDRESS, False


def _street(m: re.Match[str]) -> Found:
    start = m.start("street")
    before = _STREET_BEFORE.search(m.string, max(0, start - 80), start)
    if before is None:
        return None
    return before.start(1), m.end("street"), ADDRESS, True


_CHECKS: dict[str, Callable[[re.Match[str]], Found]] = {
    "email": _email,
    "www": _www,
    "domain": _domain,
    "scheme": _scheme,
    "nhs": _nhs,
    "phone": _phone,
    "upn": _upn,
    "ni": _ni,
    "gir": _gir,
    "postcode": _postcode,
    "date": _date,
    "address": _address,
    "street": _street,
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
        start, end, label, review = hit
        if found and start < found[-1].end:  # widened left into the previous one
            continue
        found.append(Candidate(start, end, label, Layer.PATTERN, label, review))
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
