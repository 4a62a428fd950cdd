"""How identifying things are written in the London corpus: variants of registered names,
and the pattern kinds (phones, postcodes, addresses, UPNs, dates of birth, handles).

Each function takes the corpus's seeded `random.Random` and returns the text and its
`form` (how it was written), so the evaluation can report misses by form.
"""

from __future__ import annotations

import random
import string
import unicodedata

import phonenumbers

# Latin letter -> a Cyrillic letter that looks the same in most fonts.
CYRILLIC = dict(zip("aeopcxyiAEOPCXBHKMT", "аеорсхуіАЕОРСХВНКМТ", strict=True))
ZERO_WIDTH = ("\u200b", "\u200c", "\u200d", "\u2060", "\ufeff")
UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"
KEYBOARD_NEIGHBOURS = {
    **dict(zip("qwertyuiop", "wertyuiopo", strict=True)),
    **dict(zip("asdfghjkl", "sdfghjklk", strict=True)),
    **dict(zip("zxcvbnm", "xcvbnmn", strict=True)),
}


# -- registered names in forms the register cannot hold ---------------------------------------


def plural(surname: str) -> str:
    return surname + ("es" if surname.endswith(("s", "z", "x", "sh", "ch")) else "s")


def typo(name: str, rng: random.Random) -> str:
    """One edit (substitute a neighbouring key, drop, or double a letter) away from `name`,
    never at the first letter (people get the first letter right)."""
    while True:
        i = rng.randrange(1, len(name))
        how = rng.choice(("substitute", "drop", "double"))
        ch = name[i]
        if how == "substitute" and ch.lower() in KEYBOARD_NEIGHBOURS:
            new = KEYBOARD_NEIGHBOURS[ch.lower()]
            out = name[:i] + (new.upper() if ch.isupper() else new) + name[i + 1 :]
        elif how == "drop":
            out = name[:i] + name[i + 1 :]
        else:
            out = name[:i] + ch + name[i:]
        if out.lower() != name.lower():
            return out


def hyphen_break(name: str, rng: random.Random) -> str:
    cut = rng.randrange(2, len(name) - 1)
    return f"{name[:cut]}-\n{name[cut:]}"


def zero_width(name: str, rng: random.Random) -> str:
    cut = rng.randrange(1, len(name))
    return name[:cut] + rng.choice(ZERO_WIDTH) + name[cut:]


def cyrillic(name: str, rng: random.Random) -> str | None:
    places = [i for i, ch in enumerate(name) if ch in CYRILLIC]
    if not places:
        return None
    chosen = set(rng.sample(places, min(len(places), rng.choice((1, 1, 2)))))
    return "".join(CYRILLIC[ch] if i in chosen else ch for i, ch in enumerate(name))


def full_width(name: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in name)


def decomposed(name: str) -> str | None:
    nfd = unicodedata.normalize("NFD", name)
    return nfd if nfd != name else None


def variant(name: str, rng: random.Random) -> tuple[str, str]:
    """A registered name part written so that an exact match misses it."""
    options = ["hyphen-break", "zero-width", "cyrillic", "full-width"]
    if len(name) >= 5:
        options += ["typo", "typo"]
    if decomposed(name):  # an accented name: the decomposed form is as likely as any
        options += ["decomposed", "decomposed"]
    while True:
        form = rng.choice(options)
        out: str | None
        if form == "typo":
            out = typo(name, rng)
        elif form == "hyphen-break":
            out = hyphen_break(name, rng) if len(name) >= 4 else None
        elif form == "zero-width":
            out = zero_width(name, rng)
        elif form == "cyrillic":
            out = cyrillic(name, rng)
        elif form == "full-width":
            out = full_width(name)
        else:
            out = decomposed(name)
        if out:
            return out, form


# -- phone numbers --------------------------------------------------------------------------

INTERNATIONAL = ("NG", "GH", "SO", "ER", "BD", "TR", "PL", "PT", "CO", "VN", "JM", "IE")


def international_phone(rng: random.Random) -> tuple[str, str]:
    region = rng.choice(INTERNATIONAL)
    example = phonenumbers.example_number_for_type(region, phonenumbers.PhoneNumberType.MOBILE)
    assert example is not None, region
    national = str(example.national_number)
    for _ in range(200):
        digits = national[:-4] + "".join(rng.choice(string.digits) for _ in range(4))
        number = phonenumbers.parse(f"+{example.country_code}{digits}")
        if phonenumbers.is_valid_number(number):
            break
    else:  # the example itself is valid
        number = example
    text = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    if rng.random() < 0.3:
        text = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return text, f"international-{region.lower()}"


def phone(rng: random.Random) -> tuple[str, str]:
    roll = rng.random()
    tail = f"{rng.randint(0, 999):03d}"
    if roll < 0.25:
        return f"07700 900{tail}", "uk-mobile"
    if roll < 0.35:
        return f"07700900{tail}", "uk-mobile-unspaced"
    if roll < 0.45:
        return f"020 7946 0{tail}", "london-landline"
    if roll < 0.55:
        return f"+44 7700 900{tail}", "uk-international"
    if roll < 0.62:
        return f"+44 (0)20 7946 0{tail}", "uk-international-0"
    if roll < 0.67:
        return f"07700-900-{tail}", "uk-mobile-hyphens"
    return international_phone(rng)


# -- postcodes, addresses, UPNs ---------------------------------------------------------------

OUTWARD = ("SE1", "SE4", "SE5", "SE14", "SE15", "SE16", "SE17", "SE22", "SE23", "SE24")
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"


def postcode(rng: random.Random) -> tuple[str, str]:
    out = rng.choice(OUTWARD)
    inward = f"{rng.randint(1, 9)}{rng.choice(INWARD_LETTERS)}{rng.choice(INWARD_LETTERS)}"
    form = rng.choice(("standard", "standard", "double-space", "no-space", "lower", "mixed"))
    if form == "double-space":
        return f"{out}  {inward}", form
    if form == "no-space":
        return out + inward, form
    if form == "lower":
        return f"{out} {inward}".lower(), form
    if form == "mixed":
        return f"{out.capitalize()} {inward.lower()}", form
    return f"{out} {inward}", form


STREETS = (
    *("Bellenden", "Sumner", "Choumert", "Lyndhurst", "Copeland", "Consort", "Amott"),
    *("Maxted", "Elmington", "Commercial", "Avondale", "Oglander", "Gowlett", "Crystal"),
    *("Reedham", "Azenby", "Kirkwood", "Nutbrook", "Hollydale", "Ivydale"),
)
STREET_TYPES = (
    ("Road", "rd"),
    ("Street", "st"),
    ("Avenue", "ave"),
    ("Gardens", "gdns"),
    ("Grove", "gr"),
    ("Crescent", "cres"),
    ("Close", "cl"),
    ("Lane", "ln"),
)
BLOCKS = ("Heron", "Kittiwake", "Merganser", "Plover", "Lapwing", "Dunlin", "Shearwater")
BLOCK_TYPES = ("House", "Point", "Court", "Tower", "Mansions", "Estate")
ADDRESS_FORMS = (
    *("estate-block", "estate-block", "flat-block", "lower-abbrev", "abbrev", "split-flat"),
    *("split-block", "standard", "lower-full"),
)


def address(rng: random.Random) -> tuple[str, str]:
    number = rng.randint(1, 140)
    street = rng.choice(STREETS)
    full, short = rng.choice(STREET_TYPES)
    block = f"{rng.choice(BLOCKS)} {rng.choice(BLOCK_TYPES)}"
    form = rng.choice(ADDRESS_FORMS)
    if form == "estate-block":
        return f"{number} {block}, {street} {full}", form
    if form == "flat-block":
        return f"Flat {number}, {block}", form
    if form == "lower-abbrev":
        return f"{number} {street.lower()} {short}", form
    if form == "abbrev":
        return f"{number} {street} {short.capitalize()}", form
    if form == "split-flat":
        return (
            f"Flat {rng.randint(1, 40)}{rng.choice(('', 'b', 'a'))}\n{number} {street} {full}",
            form,
        )
    if form == "split-block":
        return f"{number} {block},\n{street} {full}", form
    if form == "lower-full":
        return f"{number} {street.lower()} {full.lower()}", form
    return f"{number} {street} {full}", form


def upn(rng: random.Random) -> tuple[str, str]:
    body = "".join(rng.choice(string.digits) for _ in range(11))
    last = rng.choice(string.digits)
    total = sum(int(c) * w for c, w in zip(body + last, range(2, 14), strict=True))
    value = UPN_LETTERS[total % 23] + body + last
    form = rng.choice(("plain", "plain", "spaced", "spaced-4", "lower"))
    if form == "spaced":
        return f"{value[0]} {value[1:5]} {value[5:9]} {value[9:]}", form
    if form == "spaced-4":
        return f"{value[:4]} {value[4:8]} {value[8:12]} {value[12]}", form
    if form == "lower":
        return value.lower(), form
    return value, form


# -- dates of birth and handles ---------------------------------------------------------------

MONTHS = (
    *("January", "February", "March", "April", "May", "June", "July", "August"),
    *("September", "October", "November", "December"),
)


def ordinal(day: int) -> str:
    suffix = "th" if 11 <= day % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


def dob_numeric(rng: random.Random) -> tuple[str, str]:
    day, month, year = rng.randint(1, 28), rng.randint(1, 12), rng.randint(2009, 2015)
    form = rng.choice(("dd/mm/yy", "dd/mm/yyyy", "d.m.yy", "dd-mm-yyyy"))
    if form == "dd/mm/yy":
        return f"{day:02d}/{month:02d}/{year % 100:02d}", form
    if form == "dd/mm/yyyy":
        return f"{day:02d}/{month:02d}/{year}", form
    if form == "d.m.yy":
        return f"{day}.{month}.{year % 100:02d}", form
    return f"{day:02d}-{month:02d}-{year}", form


def birthday(rng: random.Random, lower: bool) -> tuple[str, str]:
    """A birthday without a year: '3rd of March', '12th june', 'March 3rd'."""
    day, month = rng.randint(1, 28), rng.choice(MONTHS)
    month_text = month.lower() if lower else month
    form = rng.choice(("ordinal-of", "ordinal", "month-ordinal"))
    if form == "ordinal-of":
        return f"{ordinal(day)} of {month_text}", form
    if form == "ordinal":
        return f"{ordinal(day)} {month_text}", form
    return f"{month_text} {ordinal(day)}", form


def handle_from(first: str, last: str, rng: random.Random) -> str:
    def ascii_(s: str) -> str:
        nfkd = unicodedata.normalize("NFKD", s.replace("ı", "i").replace("ł", "l"))
        return "".join(c for c in nfkd if c.isascii() and c.isalnum()).lower()

    f, s = ascii_(first), ascii_(last)
    sep = rng.choice(("_", ".", "", "x"))
    shapes = (
        f"{f}{sep}{s}{rng.randint(1, 15):02d}",
        f"{f[:2]}_{s}{rng.randint(1, 12)}",
        f"{f}.{s[:1]}{rng.choice(('', 'x', 'xx'))}",
        f"its{sep}{f}{rng.randint(8, 14)}",
        f"{f}{rng.choice(('', 'ii', 'zz'))}_{rng.randint(10, 99)}",
    )
    return rng.choice(shapes)
