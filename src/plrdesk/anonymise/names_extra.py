"""Unregistered names the capitalised first-name rule cannot see (all on the name layer,
labelled `[person]`, for review):

- "unknown-word": a capitalised word that is not an English word (wordfreq's list, see
  wordlist.py), not a known term, not a London place, and not after an article, a saint or
  a place preposition ("in Peckham"): in these notes such a word is more likely a name
  than not ("Temitope Bankole", "Okoro's mum"). With a second such word after it, both go.
- "initial-name": an initial and a surname that is not an English word ("T. Yıldız").
- "titled-name" in lower case, as children type ("mr okoro", "miss kaur"). "mr", "mrs",
  "ms", "mx" and "dr" take any word that is not a small word ("mr said" is nothing);
  "miss" and "sir" are also verbs and forms of address, so they take only a word that is
  no English word or is a first name ("i miss home" stays).
- "first-name-lower": in typed speech (a text that starts in lower case or says "i"), a
  lower-case word in the first-name list that is not also an ordinary word ("me and
  chidi"), and, more cautiously, a lower-case word no dictionary knows when a verb of
  saying follows it or "with", "and", "told" ... comes before it ("told temi").
"""

from __future__ import annotations

import functools
import re

from plrdesk.anonymise import names, schools, wordlist, wordnames
from plrdesk.anonymise.text import fold, possessive_end, strip_possessive
from plrdesk.anonymise.types import Candidate, Layer


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


FIRST_NAME_LOWER = "first-name-lower"
_PLACE_BEFORE = _words(
    """
    in from near via around across towards at outside
    """
)
# A title before a lower-case word. No look-behind at the start, so the scan skips every
# character that cannot begin a title; the character before is checked in Python.
_LOWER_TITLE = re.compile(
    r"((?:[mM](?:rs?|s|x|iss)|[dD]r|[sS]ir|M(?:RS?|S|X|ISS)|DR|SIR))\.?[ \t]+([a-zß-ÿ][\w'’-]*)"
)
# Substrings without which no text has a title (cheaper than the scan that finds them).
_TITLE_HINTS = (" mr", "\nmr", " ms ", " ms.", " mx ", " dr ", " dr.", " miss ", " sir ", '"mr')
_TITLE_STARTS = ("mr", "ms", "mx", "dr", "miss", "sir")
_LOWER_WORD = re.compile(r"(?<![\w'’-])[a-zß-ÿ][a-zß-ÿ]{2,}(?![\w-])")
_SMALL = _words(
    """
    i me my you your he him his she her it its we us our they them their a an the and or but
    if so to of in on at by for with from up down out off over about said says told is was
    are were be been has had have do did does not no yes just also then there here this that
    what who how why when where all any some one two
    """
)
_BEFORE_NAME = _words(
    """
    with and told asked called named tell ask call ring rang texted met saw see like hate
    love miss friend cousin bro sis bestie bff
    """
)
# Lower-case words that are first names in the list and ordinary words too.
_LOWER_STOP = _words(
    """
    di min jan roman van sunday major guy mark ken lou noel
    """
)
LONDON_PLACES = _words(
    """
    london peckham camberwell brixton nunhead dulwich walworth bermondsey rotherhithe
    southwark lambeth lewisham deptford catford brockley sydenham forest kennington
    stockwell vauxhall clapham streatham norwood tooting balham croydon greenwich woolwich
    elephant borough waterloo bankside kidbrooke eltham bromley penge anerley herne denmark
    loughborough tulse honor oak hackney tottenham lambeth's southwark's battersea
    wandsworth bexley erith thamesmead charlton blackheath
    """
)


@functools.lru_cache(maxsize=1 << 16)
def _unknown(word: str) -> bool:
    bare = strip_possessive(word)
    if len(bare) < 3 or bare.isupper():
        return False
    if wordlist.is_english(fold(word).replace("'", "")):  # "Nando's" as "nandos"
        return False
    return all(
        (p := fold(part)) not in LONDON_PLACES
        and p not in schools.KNOWN_PLACE_NAMES
        and not wordlist.is_english(p)
        for part in bare.split("-")
        if part
    )


def unknown_name(text: str, start: int, end: int) -> tuple[int, int] | None:
    word = text[start:end]
    if not _unknown(word):
        return None
    before = names.previous_word(text, start)
    if before in _PLACE_BEFORE or before in names.NOT_NAMES_AFTER or before in names.SAINTS:
        return None
    after = names.next_word(text, end)
    if strip_possessive(after) in names.INSTITUTION_WORDS:
        return None  # a school or a street: schools.py and the address pattern
    surname_end = names.surname_after(text, end)
    return start, possessive_end(text, surname_end)


def initial_name(text: str, start: int, end: int) -> tuple[int, int] | None:
    surname = text[start:end].split(".", 1)[1].strip()
    if not _unknown(surname) or text[start:end].startswith("I."):
        return None
    return start, possessive_end(text, end)


def find_all_names(text: str, first_names: frozenset[str]) -> list[Candidate]:
    """The name layer: names.find_names with this module's rules, then lower-case names."""
    found = names.find_names(text, first_names, initial_name, unknown_name)
    return found + find_lower_names(text, first_names)


def find_lower_names(text: str, first_names: frozenset[str]) -> list[Candidate]:
    """Lower-case titled names, and lower-case first names in typed speech."""
    found: list[Candidate] = []
    lowered = text.lower()
    titled = lowered.startswith(_TITLE_STARTS) or any(t in lowered for t in _TITLE_HINTS)
    for m in _LOWER_TITLE.finditer(text) if titled else ():
        if m.start() > 0 and (text[m.start() - 1].isalnum() or text[m.start() - 1] in "_'’-"):
            continue  # inside a word ("class a", "Mrs" in "Hmrs")
        span = _lower_titled(text, m, first_names)
        if span is not None:
            found.append(Candidate(*span, names.PERSON, Layer.NAME, names.TITLED_NAME, True))
    if wordnames.typed(text):
        for m in _LOWER_WORD.finditer(text):
            span = _lower_first(text, m.start(), m.end(), first_names)
            if span is not None:
                found.append(Candidate(*span, names.PERSON, Layer.NAME, FIRST_NAME_LOWER, True))
    return found


def _lower_titled(
    text: str, m: re.Match[str], first_names: frozenset[str]
) -> tuple[int, int] | None:
    word = strip_possessive(m.group(2))
    if word.lower() in _SMALL or word.lower() in names.NAME_VERBS:
        return None
    known = word.capitalize() in first_names
    if m.group(1).lower() in ("miss", "sir") and not (known or _unknown(word)):
        return None
    end = m.end(2)
    nxt = re.match(r"[ \t]+([a-zß-ÿ][\w'’-]*)", text[end:])
    if nxt and (known or nxt.group(1).capitalize() in first_names) and _unknown(nxt.group(1)):
        end += nxt.end(1)  # "miss temi okoro"
    return m.start(), possessive_end(text, end)


def _lower_first(
    text: str, start: int, end: int, first_names: frozenset[str]
) -> tuple[int, int] | None:
    word = text[start:end]
    if word in _SMALL or word in names.COMMON_WORDS or word in _LOWER_STOP:
        return None
    if word.capitalize() not in first_names:
        if len(word) < 4 or not _unknown(word) or word in wordlist.KNOWN_TERMS:
            return None
        after = names.next_word(text, end).lower()
        before = names.previous_word(text, start)
        if after not in names.NAME_VERBS and before not in _BEFORE_NAME:
            return None
    return start, possessive_end(text, end)
