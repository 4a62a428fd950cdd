"""Names the register does not know: a title followed by a capitalised word, and
capitalised words found in the shipped first-name list (resources/first-names.txt).

One compiled expression finds titles and capitalised words in one pass; a first name is a
set lookup. Everything found here is redacted as `[person]` and marked for review.

The rules that keep ordinary words out (the false-positive guards):
- A title alone is nothing ("Mr" said, "Sir" with a small letter after it, "Sir I ...").
- Only a capitalised word can be a first name ("Will", never "will"), and words that are
  not names in this work are never in the list (CAF, SENCO, DSL, LA, TAC, Year, Trust,
  weekdays and months other than April, May, June, August).
- A month that is also a name (April, May, June, August, and the seasons Summer and
  Autumn) is the month when a date is next to it ("3 May", "May 2009", "May 3rd") or when
  a time word comes before it ("in May", "by June", "since April", "last May", "the end
  of May" ...).
- A first name that is also an ordinary English word (Will, May, Hope, Grace, Mark, Bill,
  Rose ...) is not a name at the start of a sentence ("Will the school ...", "May I ...")
  unless the next thing makes it one: a possessive ("May's"), a capitalised surname
  ("Will Young"), or a verb of saying or feeling ("Hope said", "Will felt").
- After "a", "an", "the", "this" or "that" a word is not a person's name ("a Christian
  school", "the Grace"); after "St" or "Saint" it is a place or a church ("St Helen's").
- Followed by a word that names an institution or a street ("Grace Academy", "Victoria
  Road", "Florence House") it is part of that name, left to the register and the address
  pattern.
- A first name that is also a country or town (Jordan, India, Georgia, Chelsea, Florence
  ...) is the place after "from", "in", "at", "near", "via", "visit(ed)".
- Otherwise a first name is redacted, with its surname when a capitalised word follows it
  ("Aisha Khan"), and with its possessive ("Aisha's").
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from pathlib import Path

from plrdesk.anonymise.text import (
    FOLD_TABLE,
    is_word_char,
    possessive_end,
    sentence_initial,
    strip_possessive,
)
from plrdesk.anonymise.types import Candidate, Layer

TITLED_NAME = "titled-name"
FIRST_NAME = "first-name"
INITIAL = "initial-name"
UNKNOWN_WORD = "unknown-word"
PERSON = "person"
FIRST_NAMES_FILE = "first-names.txt"

TITLES = ("Mr", "Mrs", "Ms", "Miss", "Mx", "Dr", "Sir")


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Lower-case English words that are also first names or surnames. A registered name part
# in this list is only certain when it is capitalised mid-sentence (see engine.py); a
# first name in this list is not a name at the start of a sentence (see above).
COMMON_WORDS = _words(
    """
    will may june april august grace hope faith joy rose summer autumn dawn amber ruby jade
    holly ivy daisy lily heather iris violet fern willow poppy sky skye robin jay mark bill
    frank guy ray rich art don dean pat sue jack max rex sonny sunny hunter mason carter
    parker miles chase chance grant wade drew gene bob penny sandy rusty brook brooke river
    reed forest ash heath glen dale lane north south west east hazel olive pearl crystal
    ebony jasmine saffron precious mercy patience constance prudence charity honour honor
    unity destiny harmony melody star angel storm rain jean kay rob rod kit flo dot eve faye
    cliff clay drake earl duke baron king prince major bishop knight page miller baker cook
    turner walker hill wood woods green white black brown gray grey young little long short
    small strong sharp smart swift frost winter snow stone field fields marsh moss rice bird
    fox lamb hall wall bell ball cross day price power noble hardy savage bond law love well
    wells banks brooks cole nash rowe lord ward booth read best hart hunt bull finch hale
    holt kemp kirk mann mills moore bright gold silver lee carol joyce barry chip sterling
    norman french english christian sharon lance neil penny rusty sandy dusty misty bunny
    can long blessing blessings favour gift comfort peace goodness marvel wisdom promise
    treasure miracle success happy lucky precious
    """
)

MONTH_NAMES = frozenset({"April", "May", "June", "August", "Summer", "Autumn", "Jan"})
_MONTHS_AND_DAYS = _words(
    """January February March April May June July August September October November December
    Monday Tuesday Wednesday Thursday Friday Saturday Sunday"""
)
# Words before a month that make it the month ("in May", "the end of May").
_TIME_WORDS = _words(
    """in of by since until till before after during last next this early late mid from
    through throughout each every end start beginning middle around until following
    previous that"""
)
NOT_NAMES_AFTER = frozenset({"a", "an", "the", "this", "that"})
_PLACES = _words(
    """Jordan India Georgia Chelsea Florence Victoria Paris Sydney Austin Lincoln Chester
    Devon Kent Kerry Clare Shannon Mali Iona Asia Africa Brooklyn Dallas Phoenix Israel
    Chad Kenya Adelaide Carolina Lourdes Orlando Aberdeen Preston Stanley Bradford Jersey
    Hamilton Ayr Elgin Morecambe"""
)
_PLACE_WORDS = _words("from in at near via visit visited visiting")
SAINTS = frozenset({"st", "st.", "saint"})
# A capitalised word after a name that makes the two an institution or a street, not a
# person ("Grace Academy", "Victoria Road"). Words that are also common surnames (Hall,
# Hill, Green, Park, Ward, Wood ...) are not here: "Timothy Hall" is a person.
INSTITUTION_WORDS = _words(
    """School Academy College Primary Secondary Infant Infants Junior Juniors Nursery
    University Trust Centre Center Hospital House Road Street St Lane Avenue Close Drive
    Way Court Church Chapel Community Learning Unit Surgery Clinic Library Estate Team
    Project Foundation Club Council Grove Crescent Gardens Terrace Place Square Mews Row
    Walk Station Services Service Health Children's Children Family Families Mosque Temple
    Gurdwara Cathedral"""
)
# Capitalised words that never continue a name ("Aisha Monday" is Aisha, then Monday).
_NOT_WORDS = frozenset({"I", "A", "The", "And", "But", "Or", "Year", "Years"})
_NOT_SURNAMES = _NOT_WORDS | _MONTHS_AND_DAYS | INSTITUTION_WORDS
_NOT_AFTER_TITLE = frozenset({"I", "The", "And", "But", "Or"})
# Verbs after a sentence-initial common-word name that show it is a person ("Will said").
NAME_VERBS = _words(
    """said says told tells asked asks explained explains felt feels thinks thought
    wanted wants liked likes loved loves went goes came comes moved cried laughed replied
    added mentioned shared struggled started settled joined left agreed disagreed knew
    needed needs seemed seems smiled worried remembered described admitted"""
)

# Letters of the Latin alphabets names in UK notes are written in (Zoë, Seán, Łukasz).
UPPER = "A-ZÀ-ÖØ-ÞĀ-ſḀ-ỿ"  # Latin Extended-A mixes cases: harmless at the start of a word
LOWER = "a-zß-öø-ÿĀ-ſḀ-ỿ"
LETTER = "A-Za-zÀ-ÖØ-öø-ÿĀ-ſḀ-ỿ"

# One capital letter, then (looked at from it, inside a lookahead) a title and the
# capitalised word after it, or a capitalised word. Starting with the character class lets
# the regex engine skip every other character without trying anything.
NAMES = re.compile(
    rf"""
    [{UPPER}](?<=(?=
    (?<![\w'’\-])
    (?:
      (?P<title>(?:Mr|Mrs|Ms|Miss|Mx|Dr|Sir|MR|MRS|MS|MISS|MX|DR|SIR)\.?)[ \t]+
      (?P<surname>[{UPPER}][\w'’\-]*)
    | (?P<initial>[{UPPER}])\.[ \t]?(?P<isurname>[{UPPER}][{LOWER}][\w'’\-]*)
    | (?P<cap>[{UPPER}][{LOWER}][{LETTER}]*(?:-[{UPPER}][{LOWER}]+)*)(?![\w])
    )).)
    """,
    re.VERBOSE,
)
# Never names here, whatever a list says.
_NOT_NAMES_ALWAYS = frozenset((_MONTHS_AND_DAYS - MONTH_NAMES) | {"Year", "Trust", "Children"})
_NEXT_WORD = re.compile(rf"[ \t]+([{UPPER}][\w'’\-]*)")
_PREVIOUS_WORD = re.compile(r"([\w.]+)[ \t,]*$")
_NUMBERISH = re.compile(r"\d{1,4}(?:st|nd|rd|th)?")


def shipped_first_names() -> frozenset[str]:
    """The first-name list shipped in resources/ (cached: read once per process)."""
    from plrdesk.shipped import resources_dir

    return load_first_names(resources_dir() / FIRST_NAMES_FILE)


@functools.lru_cache(maxsize=4)
def load_first_names(path: Path) -> frozenset[str]:
    """One name a line, capitalised as written; `#` starts a comment."""
    names: set[str] = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        word = line.split("#", 1)[0].strip()
        if word:
            names.add(word)
    return clean_first_names(names)


def clean_first_names(names: Iterable[str]) -> frozenset[str]:
    """A first-name set without the words that are never names here, and with each
    accented name also without its accents ("Siân" and "Sian")."""
    kept = {n for n in names if n[:1].isupper() and not n.isupper()}
    kept |= {n.translate(FOLD_TABLE) for n in kept}
    return frozenset(kept - _NOT_NAMES_ALWAYS)


def is_first_name(word: str, first_names: frozenset[str]) -> bool:
    """A capitalised word in the list, with or without accents, or a hyphenated name with
    a part in it ("Mary-Jane")."""
    if word in first_names or (not word.isascii() and word.translate(FOLD_TABLE) in first_names):
        return True
    return "-" in word and any(is_first_name(p, first_names) for p in word.split("-") if p)


def previous_word(text: str, start: int) -> str:
    """The word before `start` in the same sentence, lower-case ('' if none)."""
    window = text[max(0, start - 24) : start]
    m = _PREVIOUS_WORD.search(window)
    if not m or any(c in window[m.end(1) :] for c in ".!?\n"):
        return ""
    return m.group(1).lower()


def next_word(text: str, end: int) -> str:
    """The word right after `end` (past spaces, before any punctuation) or ''."""
    i = end
    n = len(text)
    while i < n and text[i] in " \t":
        i += 1
    j = i
    while j < n and (is_word_char(text[j]) or text[j] in "'’-"):
        j += 1
    return text[i:j]


def is_month_here(text: str, start: int, end: int) -> bool:
    """A month-name word next to a date or after a time word is the month."""
    before = previous_word(text, start)
    if before == "of":  # "3rd of May", "the end of May"
        return True
    if before in _TIME_WORDS or _NUMBERISH.fullmatch(before):
        return True
    after = next_word(text, end)
    return bool(_NUMBERISH.fullmatch(after)) or after.lower() in {"half-term", "half", "holidays"}


def _place_here(text: str, start: int, before: str) -> bool:
    """A place-name word after "from", "in" ... or listed with such a place ("from India
    or Jordan")."""
    if before in _PLACE_WORDS:
        return True
    if before not in {"or", "and"}:
        return False
    m = re.search(r"(\w+)[ \t,]+(?:or|and)[ \t]+\Z", text[max(0, start - 40) : start])
    return (
        m is not None
        and m.group(1) in _PLACES
        and previous_word(text, start - len(m.group(0))) in _PLACE_WORDS
    )


def surname_after(text: str, end: int) -> int:
    """The end of a capitalised surname right after a name (one space apart), or `end`."""
    m = _NEXT_WORD.match(text, end)
    if m is None:
        return end
    bare = strip_possessive(m.group(1))
    if bare in _NOT_SURNAMES or (bare.isupper() and len(bare) > 1) or len(bare) < 2:
        return end
    return m.end(1)


Span = tuple[int, int]
# names_extra.py's rules for an initial + surname and for an unknown capitalised word,
# handed in so this module does not import it (names_extra imports this one).
SpanRule = Callable[[str, int, int], Span | None]


def find_names(
    text: str,
    first_names: frozenset[str],
    initial: SpanRule | None = None,
    unknown: SpanRule | None = None,
) -> list[Candidate]:
    """Titled names and first names in `text`, from one left-to-right scan of NAMES (and
    initials and unknown words, when their rules are given)."""
    found: list[Candidate] = []
    position = 0
    search = NAMES.search
    while (m := search(text, position)) is not None:
        position = m.end()
        if m.lastgroup is None:
            continue
        if m.group("title") is not None:
            span, rule = _titled(text, m, first_names), TITLED_NAME
        elif m.group("initial") is not None:
            if initial is None:
                continue
            span, rule = initial(text, m.start(), m.end("isurname")), INITIAL
        else:
            span, rule = _first_name(text, m, first_names), FIRST_NAME
            if span is None and unknown is not None:
                span, rule = unknown(text, *m.span("cap")), UNKNOWN_WORD
        if span is not None:
            found.append(Candidate(span[0], span[1], PERSON, Layer.NAME, rule, True))
            position = max(position, span[1])
    return found


def _titled(text: str, m: re.Match[str], first_names: frozenset[str]) -> tuple[int, int] | None:
    surname = m.group("surname")
    if surname in _NOT_AFTER_TITLE:  # anything else is a surname ("Ms Green", "Mr A")
        return None
    end = m.end("surname")
    bare = surname.rstrip(".")
    if bare.endswith(("'s", "’s")):
        return m.start(), end
    # "Mr J. Smith", "Dr Priya Shah", "Ms Temitope Bankole": the whole name goes
    if len(bare) == 1 and end < len(text) and text[end] == ".":
        end += 1
    end = surname_after(text, end)
    return m.start(), possessive_end(text, end)


def _first_name(text: str, m: re.Match[str], first_names: frozenset[str]) -> tuple[int, int] | None:
    word = m.group("cap")
    if not is_first_name(word, first_names):
        return None
    start, end = m.span("cap")
    before = previous_word(text, start)
    if before in NOT_NAMES_AFTER or before in SAINTS:
        return None
    possessive = possessive_end(text, end, bare_after_s=False)
    if word in MONTH_NAMES and possessive == end and is_month_here(text, start, end):
        return None
    if word in _PLACES and _place_here(text, start, before):
        return None
    after = next_word(text, end)
    if strip_possessive(after) in INSTITUTION_WORDS:
        return None
    surname_end = surname_after(text, end)
    if word.lower() in COMMON_WORDS and sentence_initial(text, start):
        named = possessive > end or surname_end > end or after.lower() in NAME_VERBS
        if not named:
            return None
    return start, possessive_end(text, max(possessive, surname_end))
