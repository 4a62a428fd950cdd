"""Dates of birth for the pattern layer: the date branches of the combined expression and
the checks that make a date a date of birth.

A date is a date of birth only when something says so, because notes are full of meeting
dates. What says so:
- a cue word before it: "born", "DOB", "date of birth", "birthday", "bday", "turns 12"
  ..., with at most a few words between ("was born in Lagos on 3 March 2010", "bday on the 3rd
  march"); a birthday needs no year ("her birthday is 3rd of March", "birthday 3/3");
- a year group beside it, with nothing but punctuation between ("11/03/12, Yr 7",
  "Year 4 - 02.09.2015"): a child's school year is given with their birth date, a
  meeting's date is not;
- a line that is only a name before it, as in referral lists ("Tolu, 11/03/12",
  "- Tolu Adeyemi (11.03.2012)"), when the name is not an everyday heading ("Meeting,
  11/03/24", "Home Visit 11/03/24"). This one is a guess and is marked for review.
"""

from __future__ import annotations

import re


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


DATE_OF_BIRTH = "date-of-birth"
DOB_YEAR_GROUP = "date-beside-year-group"
DOB_NAME_LINE = "date-beside-name"
BIRTHDAY = "birthday"  # a birthday cue with a date that has no year, or a new cue word

_MONTHS = (
    "jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    "|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_MONTH_ANY_CASE = rf"(?i:{_MONTHS})\.?"
_MONTH_CAPITALISED = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?|JAN|FEB|MAR|APR|MAY|JUNE?"
    r"|JULY?|AUG|SEPT?|OCT|NOV|DEC)\.?"
)
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
# Dates that start with a digit, and dates that start with a capitalised month (two
# branches: the combined expression sends digits and capitals to different branches).
DATE = (
    r"(?:\d{1,2}[/.\-]\d{1,2}[/.\-](?:\d{4}|\d{2})"
    r"|\d{4}-\d{2}-\d{2}"
    rf"|{_DAY}(?:[ ]+of)?[ ]+{_MONTH_ANY_CASE}(?:,?[ ]+\d{{4}})?)"
)
MONTH_DATE = (
    rf"(?:{_MONTH_CAPITALISED}[ ]+{_DAY}(?:,?[ ]+\d{{4}})?|{_MONTH_CAPITALISED}[ ]+\d{{4}})"
)
# A day and month in figures with no year ("3/3", "03.03"): a date only after a cue.
DAY_MONTH = r"(?:[12]\d|3[01]|0?[1-9])[/.](?:1[0-2]|0?[1-9])(?![/.\-]?\d)"
# A day after a lower-case month ("march 3rd", "sept 14"): the regex starts at the day's
# digit, so the month is a lookbehind, one per length (a lookbehind has a fixed width);
# the space before the digit is tested first, as most digits fail there.
_MONTH_SPELLINGS = _words(
    "jan january feb february mar march apr april may jun june jul july aug august"
    " sep sept september oct october nov november dec december"
)
_BY_LENGTH: dict[int, list[str]] = {}
for _month in sorted(_MONTH_SPELLINGS):
    _BY_LENGTH.setdefault(len(_month), []).append(_month)
MONTH_BEFORE_DAY = (
    "(?<=[ ])(?:"
    + "|".join(rf"(?<=(?<![\w])(?:{'|'.join(ms)})[ ])" for _, ms in sorted(_BY_LENGTH.items()))
    + rf"){_DAY}(?:,?[ ]+\d{{4}})?"
)

_CUES = (
    r"born|birth[ ]?date|date[ ]+of[ ]+birth|d\.[ ]?o\.[ ]?b\.?|d/o/b|dob|birthday(?:['’]s)?"
    r"|b['’\-]?days?(?:['’]s)?|turn(?:s|ed|ing)[ ]+\d{1,2}|will[ ]+be[ ]+\d{1,2}"
)
# A cue, then up to three short words ("born in Lagos on", "birthday is on the"), then the
# date. A sentence's end between them breaks the link.
_DOB_BEFORE = re.compile(
    rf"(?i:(?:(?<![\w])(?:{_CUES})|['’]ll[ ]+be[ ]+\d{{1,2}})"
    r"(?:[\s:,\-–=]+(?:on|in|is|was|the|of|:))*"
    r"(?:[ ]+[^\s.;!?]{1,12}){0,3}?[\s:,\-–=(]+)\Z"
)
_YEAR_GROUP = r"(?i:y(?:ea)?r[ ]?(?:1[0-3]|[1-9]|r)|y(?:1[0-3]|[1-9])|reception|nursery)"
_YEAR_GROUP_AFTER = re.compile(rf"[ \t]*[,;/|–—\-()]*[ \t]*\(?{_YEAR_GROUP}(?![\w])")
_YEAR_GROUP_BEFORE = re.compile(rf"(?<![\w]){_YEAR_GROUP}[ \t]*[,;/|–—\-():]*[ \t]*\Z")
# A line (or list item) that is only a name, then the date.
_NAME_LINE_BEFORE = re.compile(
    r"(?:\A|\n|[;•·]|(?<![\w])\d{1,2}[.)][ ]|(?<![\w])[\-*][ ])[ \t]*"
    r"((?:[A-Z][\w'’\-]*\.?[ \t]+){0,2}[A-Z][\w'’\-]*\.?)[ \t]*[,(\-–—:]?[ \t]*\Z"
)
# Everyday headings and words a date follows in a note, that are not a person.
_NOT_NAMES = _words(
    """
    meeting meetings visit home session sessions review reviews call calls phone telephone
    seen note notes updated update reviewed signed completed referral referred received
    sent closed opened open start started end ended date dated due deadline last next
    planned plan plans assessment conference panel hearing court strategy discussion core
    group cin cp tac taf lac caf eha ehm pep sen send senco dsl gp mum dad nan gran carer
    carers school college nursery staff teacher worker sw email letter text contact
    supervision term week today yesterday tomorrow initial child children protection
    family families case report entry log update appointment attended absent present
    monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur
    thurs fri sat sun january february march april may june july august september october
    november december jan feb mar apr jun jul aug sep sept oct nov dec from to until since
    on at by and or the a an of in for with issued expires expiry exclusion incident
    parent parents consent transfer transition move moved
    """
)


def dob_rule(text: str, start: int, end: int, has_year: bool = True) -> tuple[str, bool] | None:
    """The rule that makes the date at [start, end) a date of birth, and whether it is
    for review; None for any other date."""
    cue = _DOB_BEFORE.search(text, max(0, start - 48), start)
    if cue is not None:
        return (DATE_OF_BIRTH if has_year else BIRTHDAY), False
    if not has_year:
        return None
    if _YEAR_GROUP_AFTER.match(text, end) or _YEAR_GROUP_BEFORE.search(
        text, max(0, start - 16), start
    ):
        return DOB_YEAR_GROUP, False
    line = _NAME_LINE_BEFORE.search(text, max(0, start - 48), start)
    if line is not None and not any(
        w.strip(".").lower() in _NOT_NAMES for w in line.group(1).split()
    ):
        return DOB_NAME_LINE, True
    return None


# -- the checks of the date branches (patterns.py calls them with the branch's match) -----

_HAS_YEAR = re.compile(r"(?:\d{4}|[/.\-]\d{2})\Z")
Found = tuple[int, int, str, bool, str] | None  # start, end, label, needs review, rule


def check_date_of_birth(m: re.Match[str], group: str, has_year: bool) -> Found:
    start, end = m.span(group)
    rule = dob_rule(m.string, start, end, has_year)
    return None if rule is None else (start, end, DATE_OF_BIRTH, rule[1], rule[0])


def check_date(m: re.Match[str]) -> Found:
    group = m.lastgroup or "date"  # "date" or "mdate" (the month first)
    has_year = _HAS_YEAR.search(m.group(group)) is not None
    return check_date_of_birth(m, group, has_year)


_MONTH_WORD_BEFORE = re.compile(r"[A-Za-z]+[ ]\Z")


def check_month_day(m: re.Match[str]) -> Found:
    """A day after a lower-case month ("birthday march 3rd"): the span takes the month."""
    text, start = m.string, m.start("mday")
    month = _MONTH_WORD_BEFORE.search(text, max(0, start - 10), start)
    if month is None:
        return None
    has_year = _HAS_YEAR.search(m.group("mday")) is not None
    rule = dob_rule(text, month.start(), m.end("mday"), has_year)
    return None if rule is None else (month.start(), m.end("mday"), DATE_OF_BIRTH, *rule[::-1])
