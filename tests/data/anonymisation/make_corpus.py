"""Write the labelled anonymisation corpus: tests/data/anonymisation/corpus.json.

    python tests/data/anonymisation/make_corpus.py

Deterministic: Faker (en_GB) and `random` are seeded, so the same Faker version always
writes the same file (the file records the version it was made with). The corpus is a
small study register (participants with names, kinds and contacts; identifiers with
aliases) and about 400 sentences of fieldwork notes about the move from primary to
secondary school, from the templates below. Every identifying item in a sentence has a
gold span {start, end, kind} (and `form`, how it was written); every term that must stay
(Year 7, CAF, Children's Trust, Monday, May the month ...) has a `keep` span.

Gold kinds: registered (anything in the register, in any of its forms), phone, email,
url, postcode, nhs-number, pupil-number, ni-number, date-of-birth, address, titled-name
(an unregistered member of staff with a title) and first-name (an unregistered first
name, alone or with a surname).
"""

from __future__ import annotations

import json
import random
import re
import string
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import faker
from faker import Faker

SEED = 20081125
HERE = Path(__file__).resolve().parent
OUT = HERE / "corpus.json"
UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"
STREET_TYPES = [
    *("Street", "Road", "Close", "Avenue", "Lane", "Drive", "Way", "Crescent", "Grove"),
    *("Place", "Terrace", "Gardens", "Court", "Walk", "Hill", "Row", "Square", "Mews"),
    *("Rd", "St", "Ave"),
]
BARE_STREET_TYPES = [
    *("Street", "Road", "Close", "Avenue", "Lane", "Drive", "Crescent", "Grove", "Terrace"),
    "Gardens",
]
SCHOOL_NAMES = ["Northfield", "Castlebrook", "Ashgrove", "Millbank", "Kingsmead"]
SCHOOL_KINDS = ["Primary School", "Academy", "High School", "CE Primary School", "Academy"]
PLACES = ["Hartley Vale", "Elmstead", "Thornbury Fields"]
CITIES = ["Manchester", "Leeds", "Birmingham", "Bristol", "Sheffield", "Liverpool"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
MONTHS = ["January", "March", "May", "June", "April", "September", "November", "July"]
ROLES = ["SENCO", "DSL", "LA", "TAC", "CAF"]
TITLES = ["Mr", "Mrs", "Ms", "Miss", "Dr"]
DOB_CONTEXTS = [
    "born on ",
    "born ",
    "DOB: ",
    "DOB ",
    "date of birth ",
    "date of birth: ",
    "D.O.B. ",
    "birthday is ",
    "was born on the ",
]
Json = dict[str, Any]


# -- identifiers with check digits ----------------------------------------------------------


def nhs_number(rng: random.Random) -> str:
    while True:
        digits = [rng.randint(0, 9) for _ in range(9)]
        digits[0] = rng.choice([4, 6, 7])
        check = 11 - sum(d * w for d, w in zip(digits, range(10, 1, -1), strict=True)) % 11
        check = 0 if check == 11 else check
        if check != 10:
            return "".join(map(str, [*digits, check]))


def upn(rng: random.Random) -> str:
    body = "".join(str(rng.randint(0, 9)) for _ in range(11))
    last = rng.choice(string.digits) if rng.random() < 0.8 else rng.choice(UPN_LETTERS)
    value = int(last) if last.isdigit() else UPN_LETTERS.index(last)
    total = sum(int(c) * w for c, w in zip(body, range(2, 13), strict=True)) + 13 * value
    return UPN_LETTERS[total % 23] + body + last


def ni_number(rng: random.Random) -> str:
    first = "ABCEGHJKLMNOPRSTWXYZ"
    second = "ABCEGHJKLMNPRSTWXYZ"
    while True:
        prefix = rng.choice(first) + rng.choice(second)
        if prefix not in {"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"}:
            break
    digits = "".join(str(rng.randint(0, 9)) for _ in range(6))
    suffix = rng.choice("ABCD")
    if rng.random() < 0.5:
        return f"{prefix} {digits[:2]} {digits[2:4]} {digits[4:]} {suffix}"
    return f"{prefix}{digits}{suffix}"


_POSTCODE = re.compile(
    r"(?:[A-Z][0-9]{1,2}|[A-Z][A-HJ-Y][0-9]{1,2}|[A-Z][0-9][A-Z]|[A-Z][A-HJ-Y][0-9][A-Z]?) "
    r"[0-9][ABD-HJLNP-UW-Z]{2}"
)


# -- the generator ----------------------------------------------------------------------------


@dataclass
class Segment:
    text: str
    kind: str | None = None  # a gold kind, or None for plain text
    form: str = ""
    keep: bool = False  # a must-not-redact term


@dataclass
class Corpus:
    fake: Faker
    rng: random.Random
    participants: list[Json] = field(default_factory=list)
    identifiers: list[Json] = field(default_factory=list)
    used_first: set[str] = field(default_factory=set)
    used_last: set[str] = field(default_factory=set)

    # -- the register
    def person(self, kind: str, *, first: str | None = None, last: str | None = None) -> Json:
        first = first or self._fresh(self.fake.first_name, self.used_first)
        last = last or self._fresh(self.fake.last_name, self.used_last)
        self.used_first.add(first)
        self.used_last.add(last)
        person: Json = {"kind": kind, "name": f"{first} {last}", "first": first, "last": last}
        self.participants.append(person)
        return person

    def _fresh(self, make: Callable[[], str], used: set[str]) -> str:
        while True:
            value = make()
            if value not in used and value not in self.used_first | self.used_last:
                return value

    def unregistered_first(self) -> str:
        return self._fresh(self.fake.first_name, set())

    def unregistered_last(self) -> str:
        return self._fresh(self.fake.last_name, set())


def build_register(c: Corpus) -> None:
    rng = c.rng
    children = [c.person("child") for _ in range(7)]
    children.append(c.person("child", first="Grace"))  # a name that is also a word
    for i in range(6):
        last = children[i]["last"] if i < 4 else None  # four families share a surname
        parent = c.person("parent", last=last)
        parent["contact"] = c.fake.phone_number()
    for i in range(6):
        practitioner = c.person("practitioner", last="Young" if i == 2 else None)
        practitioner["contact"] = (
            c.fake.free_email() if i == 4 else f"07700 9{rng.randint(0, 99999):05d}"
        )
    for name, kind in zip(SCHOOL_NAMES, SCHOOL_KINDS, strict=True):
        c.identifiers.append({"text": f"{name} {kind}", "kind": "school", "aliases": [name]})
    for place in PLACES:
        c.identifiers.append({"text": place, "kind": "place", "aliases": []})
    for title in ("Mrs", "Mr", "Ms"):
        last = c._fresh(c.fake.last_name, set())
        c.used_last.add(last)
        first = c._fresh(c.fake.first_name, set())
        c.used_first.add(first)
        c.identifiers.append({"text": f"{title} {last}", "kind": "person", "aliases": [first]})


def slots(c: Corpus) -> dict[str, Callable[[], list[Segment]]]:
    rng, fake = c.rng, c.fake
    people = c.participants

    def pick(kind: str) -> Json:
        return rng.choice([p for p in people if p["kind"] == kind])

    def reg(text: str, form: str) -> list[Segment]:
        return [Segment(text, "registered", form)]

    def name_forms(kind: str) -> dict[str, Callable[[], list[Segment]]]:
        return {
            f"{kind}_full": lambda: reg(pick(kind)["name"], "full"),
            f"{kind}_first": lambda: reg(pick(kind)["first"], "first"),
            f"{kind}_last": lambda: reg(pick(kind)["last"], "surname"),
            f"{kind}_poss": lambda: reg(
                pick(kind)["first"] + rng.choice(["'s", "’s"]), "possessive"
            ),
            f"{kind}_upper": lambda: reg(pick(kind)["name"].upper(), "upper"),
            f"{kind}_lower": lambda: reg(pick(kind)["first"].lower(), "lower"),
            f"{kind}_title": lambda: reg(pick(kind)["name"].title(), "title-case"),
        }

    def school() -> list[Segment]:
        return reg(rng.choice(c.identifiers[:5])["text"], "identifier")

    def school_alias() -> list[Segment]:
        return reg(rng.choice(c.identifiers[:5])["aliases"][0], "alias")

    def place() -> list[Segment]:
        return reg(rng.choice(PLACES), "identifier")

    def ident_person() -> list[Segment]:
        item = rng.choice(c.identifiers[-3:])
        if rng.random() < 0.5:
            return reg(item["text"], "identifier")
        return reg(item["aliases"][0], "alias")

    def contact_phone() -> list[Segment]:
        number = rng.choice([p["contact"] for p in people if "@" not in p.get("contact", "@")])
        if rng.random() < 0.5:
            return reg(number, "contact")
        digits = re.sub(r"\D", "", number)
        if digits.startswith("44"):
            digits = "0" + digits[2:]
        if digits.startswith("0440"):
            digits = digits[3:]
        return [Segment(digits, "registered", "contact-reformatted")]

    def contact_email() -> list[Segment]:
        return reg(next(p["contact"] for p in people if "@" in p.get("contact", "")), "contact")

    def phone() -> list[Segment]:
        style = rng.random()
        if style < 0.6:
            number = fake.phone_number()
        elif style < 0.8:
            number = f"07{rng.randint(100, 999)} {rng.randint(100000, 999999)}"
        else:
            number = f"+44 7{rng.randint(100, 999)} {rng.randint(100, 999)} {rng.randint(100, 999)}"
        return [Segment(number, "phone")]

    def email() -> list[Segment]:
        return [Segment(fake.free_email() if rng.random() < 0.5 else fake.email(), "email")]

    def url() -> list[Segment]:
        roll = rng.random()
        if roll < 0.4:
            value = fake.url().rstrip("/")
        elif roll < 0.7:
            value = f"www.{rng.choice(SCHOOL_NAMES).lower()}.sch.uk"
        elif roll < 0.85:
            value = f"https://{rng.choice(SCHOOL_NAMES).lower()}.sch.uk/transition"
        else:
            value = f"{fake.domain_word()}.org.uk"
        return [Segment(value, "url")]

    def postcode() -> list[Segment]:
        while True:
            value = fake.postcode()
            if _POSTCODE.fullmatch(value):
                break
        if rng.random() < 0.15:
            value = value.replace(" ", "")
        elif rng.random() < 0.1:
            value = value.lower()
        return [Segment(value, "postcode")]

    def nhs() -> list[Segment]:
        digits = nhs_number(rng)
        roll = rng.random()
        if roll < 0.6:
            digits = f"{digits[:3]} {digits[3:6]} {digits[6:]}"
        elif roll < 0.75:
            digits = f"{digits[:3]}-{digits[3:6]}-{digits[6:]}"
        return [Segment(digits, "nhs-number")]

    def pupil() -> list[Segment]:
        return [Segment(upn(rng), "pupil-number")]

    def ni() -> list[Segment]:
        return [Segment(ni_number(rng), "ni-number")]

    def dob() -> list[Segment]:
        year = rng.randint(1996, 2004)
        month = rng.randint(1, 12)
        day = rng.randint(1, 28)
        month_name = [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ][month - 1]
        roll = rng.random()
        if roll < 0.35:
            date = f"{day:02d}/{month:02d}/{year}"
        elif roll < 0.65:
            date = f"{day} {month_name} {year}"
        elif roll < 0.75:
            date = f"{day}{_ordinal(day)} of {month_name} {year}"
        elif roll < 0.85:
            date = f"{month_name} {day}, {year}"
        else:
            date = f"{day}.{month}.{str(year)[2:]}"
        context = rng.choice(DOB_CONTEXTS)
        if context == "was born on the " and not date[0].isdigit():
            context = "was born on "
        return [Segment(context), Segment(date, "date-of-birth")]

    def address() -> list[Segment]:
        number = rng.randint(1, 240)
        name = rng.choice([fake.last_name(), rng.choice(SCHOOL_NAMES), fake.last_name()])
        kind = rng.choice(STREET_TYPES)
        if rng.random() < 0.15:
            name = f"{rng.choice(['Upper', 'Old', 'New', 'Little'])} {name}"
        value = f"{number} {name} {kind}"
        if rng.random() < 0.15:
            value = f"Flat {rng.randint(1, 20)}, {value}"
        return [Segment(value, "address")]

    def street() -> list[Segment]:
        value = f"{fake.last_name()} {rng.choice(BARE_STREET_TYPES)}"
        return [
            Segment(rng.choice(["on ", "off ", "along "])),
            Segment(value, "address", "no-number"),
        ]

    def titled() -> list[Segment]:
        title = rng.choice(TITLES)
        last = c.unregistered_last()
        roll = rng.random()
        if roll < 0.6:
            return [Segment(f"{title} {last}", "titled-name")]
        if roll < 0.75:
            mark = rng.choice(["'s", "’s"])
            return [Segment(f"{title} {last}{mark}", "titled-name", "possessive")]
        if roll < 0.9:
            first = c.unregistered_first()
            return [Segment(f"{title} {first} {last}", "titled-name", "with-first-name")]
        return [
            Segment(f"{title} {rng.choice('ABDEGHJKLMNPRST')}. {last}", "titled-name", "initial")
        ]

    def first() -> list[Segment]:
        return [Segment(c.unregistered_first(), "first-name")]

    def first_lower() -> list[Segment]:  # typed fast, all lower case: the name layer misses it
        return [Segment(c.unregistered_first().lower(), "first-name", "lower")]

    def first_full() -> list[Segment]:
        return [Segment(f"{c.unregistered_first()} {c.unregistered_last()}", "first-name", "full")]

    def keep(values: list[str]) -> Callable[[], list[Segment]]:
        return lambda: [Segment(rng.choice(values), keep=True)]

    def plain(values: list[str]) -> Callable[[], list[Segment]]:
        return lambda: [Segment(rng.choice(values))]

    def meeting_date() -> list[Segment]:
        return [Segment(f"{rng.randint(1, 28)} {rng.choice(MONTHS)} 2009", keep=True)]

    table: dict[str, Callable[[], list[Segment]]] = {}
    for kind in ("child", "parent", "practitioner"):
        table |= name_forms(kind)
    table |= {
        "school": school,
        "school_alias": school_alias,
        "place": place,
        "ident_person": ident_person,
        "contact_phone": contact_phone,
        "contact_email": contact_email,
        "phone": phone,
        "email": email,
        "url": url,
        "postcode": postcode,
        "nhs": nhs,
        "upn": pupil,
        "ni": ni,
        "dob": dob,
        "address": address,
        "street": street,
        "titled": titled,
        "first": first,
        "first_full": first_full,
        "first_lower": first_lower,
        "weekday": keep(WEEKDAYS),
        "year": keep(["Year 7", "Year 8", "Year 6"]),
        "role": keep(ROLES),
        "trust": keep(["Children's Trust", "the Children’s Trust"]),
        "may": keep(["May"]),
        "month": keep(MONTHS),
        "city": keep(CITIES),
        "meeting_date": meeting_date,
        "mr": keep(["Mr", "Sir", "Miss"]),
    }
    return table


def _ordinal(day: int) -> str:
    if 10 < day % 100 < 14:
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")


# -- the sentences ----------------------------------------------------------------------------

# (how many sentences from this group, its templates). A template's {slot}s are filled by
# `slots`; everything else is plain text that must survive.
TEMPLATES: list[tuple[int, list[str]]] = [
    (
        140,
        [
            "{child_first} said the corridors at {school} felt like a maze at first.",
            "{child_poss} mum rang on {weekday} to ask about the bus to {school_alias}.",
            "The {role} at {school_alias} shared the CAF with {practitioner_full} before {year}.",
            "{parent_full} said {child_first} was nervous about {year} but settled by"
            " May half-term.",
            "I met {practitioner_first} and {child_full} at {place} to talk about the move.",
            "When {child_upper} moved up, nobody from {school} told {parent_first} what to expect.",
            "{practitioner_last} and the {role} met {parent_full} on {weekday} at the"
            " Children's Trust.",
            "Note: {child_lower} was upset in form time; {practitioner_first} phoned home.",
            "{ident_person} ran the taster day at {school_alias} in {month}.",
            "{parent_poss} view was that {school} listened once {practitioner_full} got involved.",
            "The learning mentor, {practitioner_title}, said {child_last} family moved to {place}.",
            "Ring {practitioner_first} on {contact_phone} if the CAF changes before {year}.",
            "{parent_first} gave {contact_phone} as the best number after work.",
            "Please copy {contact_email} into the TAC minutes for {child_full}.",
            "{child_full} and {child_first} sat together at lunch in the first week.",
            "Mum ({parent_full}) says the {role} never called back about {child_poss} timetable.",
            "{practitioner_upper} thinks the handover from {school_alias} worked because of"
            " the CAF.",
            "we agreed {child_lower} would visit {school_alias} twice before September.",
            "At the TAC meeting {ident_person} and {practitioner_last} disagreed about the plan.",
            "{child_title} told the group that {year} was better than expected.",
            'The quote (from {child_first}) was: "nobody explained the bells".',
            '"{child_upper}!" the teacher shouted, according to {parent_first}.',
            "Present: {practitioner_full}, {practitioner_full}; apologies: {parent_full}.",
            "Both {child_poss} and {child_poss} parents came to the evening at {school_alias}.",
        ],
    ),
    (
        240,
        [
            "Mum asked us to use her mobile, {phone}, rather than the landline.",
            "The form tutor's e-mail is {email} and she answers within a day.",
            "The school's transition page ({url}) was out of date in {month}.",
            "Their address is {address}, {postcode}, near the bus stop.",
            "NHS number {nhs} is on the referral that went to the {role}.",
            "The UPN on the transfer file was {upn}, copied from the old school.",
            "Dad's NI number ({ni}) was on the housing form by mistake.",
            "The referral says the child was {dob} and is now in {year}.",
            "They moved to {address} over the summer.",
            "Letters go to {postcode}; the family asked us not to visit.",
            "Contact the keyworker on {phone} or {email}.",
            "See {url} for the timetable and the map of the site.",
            "Health visitor checked NHS no. {nhs} against the GP record.",
            "Pupil record: UPN {upn}, {dob}.",
            "NI: {ni}. Benefits were delayed in {month}.",
            "The foster carer lives {street}, two minutes from the school.",
            "Form says {dob}, so she started {year} a year early.",
            "Mum's details: {phone}, {address}, {postcode}.",
            "The TAC agreed to e-mail {email} after every review.",
            "The CAF form listed {nhs} and {upn} in the wrong boxes.",
            "Call back on {phone} after {weekday}.",
            "Family moved from {address} to a flat {street}.",
            "Old NI number {ni}, new one {ni}; both on the {role} file.",
            "Links: {url} and {url}.",
            "Records for the twins: {nhs}, {upn} and {ni}.",
            "Post went to {address}, {postcode} until {month}; see {url}.",
            "The parent's e-mail ({email}) bounced, so we used {phone}.",
            "Her birthday is on the form ({dob}) but the UPN {upn} was wrong.",
        ],
    ),
    (
        50,
        [
            "{titled} from the secondary school came to the primary on {weekday}.",
            "The head of year, {titled}, met every child before {year}.",
            "{titled} said the CAF was the first thing she read.",
            "We were told to speak to {titled} about the timetable.",
            "{titled} and {titled} ran the summer school.",
            "Dad said {titled} was the only one who called him back.",
        ],
    ),
    (
        40,
        [
            "Later {first} told me the buses were the worst part.",
            "{first} said her brother helped her find the rooms.",
            "The youth worker, {first_full}, ran the lunchtime club.",
            "I spoke to {first} from the housing team on {weekday}.",
            "{first_full} phoned the school twice about the uniform grant.",
            "Apparently {first} and the {role} have known the family for years.",
            "Quick note - {first_lower} from the council rang about the bus pass.",
            "Met {first} ({first_full}'s sister) at the gate.",
            "{first} and {first} both started {year} in the same form.",
        ],
    ),
    (
        60,
        [
            "In {year} the {role} and the LA reviewed the CAF together.",
            "The Children's Trust met on {weekday} in {may} to agree the protocol.",
            "By {may} most children in {year} knew their way round.",
            "The meeting on {meeting_date} agreed a named person for each child.",
            "{mr} said nothing at the meeting, the notes just say the head teacher agreed.",
            "Will the {role} be at the TAC meeting in {month}?",
            "May I ask how the CAF was shared with the secondary school?",
            "Hope was high at the start of {year}, but it faded after {may}.",
            "The young people said the SENCO was easy to talk to.",
            "Families in {city} and {city} had the same problem with the buses.",
            "Mark the CAF as reviewed before the end of {may}.",
            "In {may} the DSL and the LA agreed who would lead.",
            "The {role} thought the TAC worked best on a {weekday}.",
            "Grace periods for late forms ended in {may}.",
            "Several families had moved from India or Jordan before {year}.",
            "The Summer school ran for a week in August.",
            "Frank conversations with the {role} helped more than the leaflets.",
            "Will it be the same {role} in {year}? Nobody knew.",
            "A Christian charity ran the breakfast club on {weekday}.",
            "Everyone at the Children’s Trust agreed the CAF came too late.",
            "Mr and Mrs were written on the form with no names.",
        ],
    ),
]


def build_sentences(c: Corpus) -> list[Json]:
    fill = slots(c)
    sentences: list[Json] = []
    for count, templates in TEMPLATES:
        for i in range(count):
            template = templates[i % len(templates)]
            sentences.append(render(template, fill))
    c.rng.shuffle(sentences)
    return sentences


def render(template: str, fill: dict[str, Callable[[], list[Segment]]]) -> Json:
    text = ""
    gold: list[Json] = []
    keep: list[Json] = []
    for i, piece in enumerate(re.split(r"\{(\w+)\}", template)):
        segments = fill[piece]() if i % 2 else [Segment(piece)]
        if i % 2 == 0 and not text and piece == "" and segments[0].text == "":
            continue
        for seg in segments:
            start = len(text)
            text += seg.text
            if seg.kind:
                span: Json = {"start": start, "end": len(text), "kind": seg.kind}
                if seg.form:
                    span["form"] = seg.form
                gold.append(span)
            elif seg.keep:
                keep.append({"start": start, "end": len(text), "text": seg.text})
    if text[:1].islower():  # a filled slot starts the sentence: capitalise it
        first = next((g for g in gold if g["start"] == 0), None)
        if first is None or first.get("form") != "lower":
            text = text[0].upper() + text[1:]
    for term in ("CAF", "TAC", "SENCO", "DSL", "LA", "Children's Trust", "Year 7"):
        for m in re.finditer(rf"(?<!\w){re.escape(term)}(?!\w)", text):
            if not any(k["start"] == m.start() for k in keep):
                keep.append({"start": m.start(), "end": m.end(), "text": term})
    keep.sort(key=lambda k: k["start"])
    return {"text": text, "gold": gold, "keep": keep}


def build() -> Json:
    fake = Faker("en_GB")
    fake.seed_instance(SEED)
    c = Corpus(fake=fake, rng=random.Random(SEED))
    build_register(c)
    sentences = build_sentences(c)
    participants = [
        {k: p[k] for k in ("kind", "name", "contact") if k in p} for p in c.participants
    ]
    return {
        "format": "plrdesk-anonymisation-corpus",
        "version": 1,
        "seed": SEED,
        "faker": faker.VERSION,
        "register": {"participants": participants, "identifiers": c.identifiers},
        "sentences": sentences,
    }


def dumps(corpus: Json) -> str:
    """JSON with one sentence a line (small diffs, easy to read)."""
    head = {k: v for k, v in corpus.items() if k != "sentences"}
    lines = [json.dumps(head, ensure_ascii=False, indent=1)[:-2] + ',\n "sentences": [']
    body = [json.dumps(s, ensure_ascii=False, separators=(",", ":")) for s in corpus["sentences"]]
    lines.append(",\n".join("  " + b for b in body))
    lines.append(" ]\n}\n")
    return "\n".join(lines)


def main() -> int:
    text = dumps(build())
    json.loads(text)  # it must parse
    OUT.write_text(text, encoding="utf-8")
    sys.stderr.write(f"wrote {OUT} ({len(text.encode()) / 1024:.0f} KB)\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
