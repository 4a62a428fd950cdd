"""Street addresses for the pattern layer: the regular-expression branches (anchored on the
house number's first digit, or on the capital of a street type) and the Python checks
that decide what a match is and how far the address reaches.

An address is a house number, one to three words and a street type ("14 Bellenden Road",
"14 bellenden rd", "7 St John's Close") or an estate block ("27 Heron Point"). From
there it grows:
- left over "Flat 3, " (any case, also across a line break: a flat line above a street
  line);
- right over a street that follows a block ("27 Heron Point, Sumner Road"), on the same
  line or the next.
Lower-case words are where ordinary prose lives ("3 very close friends", "a 10 minute
walk", "2 times with dr Shah"), so a lower-case address must end in a street type that is
rarely anything else, and none of its words may be a small word or a unit; estate blocks
("House", "Point", "Court" ...) must be capitalised ("the 3 main points", "a 2 bed house")
unless a "Flat 3" comes first.
"""

from __future__ import annotations

import re


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


ADDRESS = "address"
ADDRESS_BLOCK = "estate-block-address"  # a house number and an estate block ("27 Heron Point")
ADDRESS_LOWER = "lower-case-address"  # "14 bellenden rd"
STREET_GUESS = "address"  # a street without a number (kept "address": reviews know it)

STREET_TYPES = (
    "Street St Road Rd Close Cl Avenue Ave Av Lane Ln Drive Dr Way Crescent Cres Grove Gr"
    " Place Pl Terrace Terr Tce Gardens Gdns Gdn Court Ct Walk Hill Row Square Sq Mews"
    " Parade Pde Rise Vale"
)
# Types a lower-case street may end in: "way", "walk", "row", "hill", "place", "drive",
# "court", "park", "green" and "square" end ordinary phrases too often ("a 10 minute walk",
# "3 in a row", "1 safe place", "4 wheel drive").
_LOWER_TYPES = _words(
    "street st road rd close cl avenue ave av lane ln dr crescent cres grove gr pl terrace"
    " terr tce gardens gdns gdn sq mews parade pde"
)
BLOCK_TYPES = (
    "House Point Court Estate Tower Towers Mansions Heights Lodge Buildings Apartments Wharf"
)
_BLOCKS = frozenset(BLOCK_TYPES.lower().split())
# A block or street named without a number is only a guess (reviewed), and only the types
# that rarely end anything else ("Castlebrook Way" could be a building; "Crown Court" is a
# court of law).
BARE_STREET_TYPES = (
    "Street Road Rd Close Avenue Ave Lane Drive Crescent Grove Terrace Gardens Gdns Mews"
    " Estate Mansions Tower Towers Heights Point House"
)
_COURTS_OF_LAW = _words(
    "crown magistrates magistrates' county family youth high supreme coroner's coroners"
    " appeal appeals tribunal"
)
# Words a street's name never has, that put a number and a street type into one phrase:
# small words ("2 times with dr Shah", "3 very close", "seen at 4 on the Road").
_NOT_STREET_WORDS = _words(
    """
    a an the of to in on at for with by from and or but as is are was were be been it its
    this that these those my your his her our their me him them us you i we they she he
    very really quite so too more most less not no all any some each every both few many
    much other just only also even then than there here where when what who how about after
    before over under up down out off into onto around through between
    """
)
# Units and counted things: not a street's words when written in lower case ("a 10 minute
# walk", "2 bed house"); capitalised, "Miles Avenue" is a street.
_UNITS = _words(
    """
    minute minutes min mins hour hours hr hrs day days week weeks month months year years
    yr yrs mile miles km metre metres meter meters time times people kids children child
    boys girls friends friend sessions session pupils students members staff pounds quid
    goals bed bedroom bedrooms storey floor floors stop stops bus buses am pm x
    """
)
# Words before a number that make it something other than a house number.
_NOT_HOUSE_NUMBER_AFTER = re.compile(
    r"(?i:(?<![\w])(?:year|yr|y|class|group|room|session|week|page|level|stage|step"
    r"|question|chapter|part|section|term|grade|age|aged|under|over|top|bus|route"
    r"|ks|key[ ]stage|£|\$)[ .]*)\Z"
)
# "Flat 3, " / "flat 3b" / "Apartment 12" / "Unit 4" before the number or block (the
# line break lets a flat line sit above the street line).
_FLAT_BEFORE = re.compile(
    r"(?<![\w])(?i:flat|apartment|apt|unit)\.?[ ]*\d+[A-Za-z]?[ \t]*,?[ \t]*\n?[ \t]*\Z"
)
# "flat 3 Heron Point": the number matched is the flat's own.
_FLAT_WORD_BEFORE = re.compile(r"(?<![\w])(?i:flat|apartment|apt|unit)\.?[ ]*\Z")
_WORD = r"[A-Za-z][\w'’\-]*"
_STREET_AFTER = re.compile(
    rf"[ \t]*(?:,[ \t]*\n?|\n)[ \t]*((?:{_WORD}[ ]+){{1,3}}"
    rf"(?i:{'|'.join(STREET_TYPES.split())}|Estate))(?![\w'’])"
)
_STREET_BEFORE = re.compile(
    r"(?<![\w])(?i:on|in|at|off|along|near|to|from)[ ]+(?:the[ ]+)?"
    r"((?:[A-Z][\w'’\-]*[ ]+){1,3})\Z"
)

# The branches of the combined expression (see patterns.py).
_TYPE_ALTERNATION = "|".join(sorted({*STREET_TYPES.split(), *BLOCK_TYPES.split()}, key=len)[::-1])
ADDRESS_BRANCH = (
    rf"(?P<address>\d{{1,4}}[A-Za-z]?(?:[\-–]\d{{1,4}}[A-Za-z]?)?,?[ ]+(?:{_WORD}[ ]+){{1,3}}"
    rf"(?i:{_TYPE_ALTERNATION}))(?![\w'’])"
)
STREET_BRANCH = rf"(?P<street>(?<=[\w'’\-][ ])(?:{'|'.join(BARE_STREET_TYPES.split())}))(?![\w'’])"

STREET_INITIALS = "".join(sorted({w[0] for w in BARE_STREET_TYPES.split()}))

Found = tuple[int, int, str, bool, str] | None  # start, end, label, needs review, rule


def check_address(text: str, start: int, end: int) -> Found:
    """A number, words and a street type or block (the `address` branch's match)."""
    words = text[start:end].split()
    name, kind = words[1:-1], words[-1]
    folded = kind.lower()
    if _NOT_HOUSE_NUMBER_AFTER.search(text, max(0, start - 12), start):
        return None
    flat = _FLAT_BEFORE.search(text, max(0, start - 24), start) or _FLAT_WORD_BEFORE.search(
        text, max(0, start - 12), start
    )
    lower = not kind[0].isupper() or any(not w[0].isupper() for w in name)
    if _has_non_street_word(name):
        return None
    rule = ADDRESS
    if folded in _BLOCKS:
        if folded == "court" and name[-1].lower() in _COURTS_OF_LAW:
            return None
        if _next_is_capitalised(text, end):
            return None  # "3 Tree House Club", "2 Kings House School": an institution
        rule = ADDRESS_BLOCK
        if lower and flat is None:
            # "30 kittiwake house, crystal lane" is an address, "a 2 bed house" is not:
            # a lower-case block needs a flat before it or a street after it.
            after = _street_after(text, end)
            if after == end:
                return None
            return start, after, ADDRESS, False, rule
    elif lower:
        if folded not in _LOWER_TYPES and flat is None:
            return None
        if any(len(w) < 2 for w in name):
            return None
        rule = ADDRESS_LOWER
    if rule == ADDRESS_BLOCK or flat is not None:
        end = _street_after(text, end)
    return (flat.start() if flat else start), end, ADDRESS, False, rule


def _has_non_street_word(name: list[str]) -> bool:
    """A small word, or a unit in lower case, among a street's words ("The Avenue" and
    "Miles Avenue" are streets)."""
    return any(
        (w.lower() in _NOT_STREET_WORDS and not (i == 0 and w == "The"))
        or (w.islower() and w in _UNITS)
        for i, w in enumerate(name)
    )


def check_street(text: str, start: int, end: int) -> Found:
    """A street or block named without a number ("lives on Church Lane", "in Heron Point",
    "on the Old Kent Road"): a guess, for review."""
    before = _STREET_BEFORE.search(text, max(0, start - 80), start)
    if before is None:
        return None
    name_start = before.start(1)
    name = text[name_start:start].split()
    if _has_non_street_word(name) or name[-1].lower() in _COURTS_OF_LAW:
        return None
    kind = text[start:end]
    if kind.lower() in _BLOCKS and _next_is_capitalised(text, end):
        return None  # "Point Lane", "House Road": the block word starts a street's name
    rule = ADDRESS_BLOCK if kind.lower() in _BLOCKS else STREET_GUESS
    return name_start, _street_after(text, end), ADDRESS, True, rule


def _next_is_capitalised(text: str, end: int) -> bool:
    return end + 1 < len(text) and text[end] == " " and text[end + 1].isupper()


def _street_after(text: str, end: int) -> int:
    """The end of a street (or an estate, then its street) that follows a block, after a
    comma or on the next line ("27 Heron Point, Sumner Road", "Flat 2, Heron
    Point\\nSumner Road", "Flat 14, Bradenham House, Aylesbury Estate")."""
    for _ in range(2):
        after = _one_street_after(text, end)
        if after == end:
            break
        end = after
    return end


def _one_street_after(text: str, end: int) -> int:
    m = _STREET_AFTER.match(text, end)
    if m is None:
        return end
    words = m.group(1).split()
    kind = words[-1]
    lower = not kind[0].isupper() or any(not w[0].isupper() for w in words[:-1])
    if lower and (kind.lower() not in _LOWER_TYPES or _has_non_street_word(words[:-1])):
        return end
    return m.end()
