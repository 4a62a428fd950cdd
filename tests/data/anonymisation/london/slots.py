"""What each `{slot}` of templates.py becomes in one note, with its gold kind and form.

A note is about one child (C), one of their parents (P) and a practitioner (S); O is
another registered child, W a registered person whose name is also a word, K a
registered member of key staff. Everything else (staff by title, family members, other
children, schools the register lacks) is unregistered and drawn fresh each time.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from tests.data.anonymisation.london import forms
from tests.data.anonymisation.london.people import (
    FEMALE_RELATIONS,
    KEY_STAFF,
    MALE_RELATIONS,
    PLACES,
    SCHOOLS,
    UNREG_FEMALE,
    UNREG_FIRST,
    UNREG_MALE,
    UNREG_SURNAMES,
    UNREGISTERED_SCHOOLS,
    WORD_NAMES,
    Json,
    Register,
)
from tests.data.anonymisation.london.templates import COUNTRIES

T = TypeVar("T")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")
YEAR_GROUPS = ("Year 6", "Year 7", "Yr 7", "Y7", "Year 8", "Yr 6", "year 7")
TITLES = ("Mr", "Mrs", "Ms", "Miss", "Dr")


@dataclass
class Segment:
    text: str
    kind: str | None = None  # a gold kind, or None for plain text
    form: str = ""
    keep: str = ""  # a keep category, for text that must stay
    repeat: bool = False  # the passage repeated from an excluded entry


Slot = Callable[[], list[Segment]]


def name_kind(part: str) -> str:
    """A registered name part alone is a `word-name` when it is also an ordinary word."""
    return "word-name" if part.lower() in WORD_NAMES else "registered"


class Slots:
    def __init__(self, reg: Register, rng: random.Random, child: Json) -> None:
        self.reg, self.rng, self.child = reg, rng, child
        parents = reg.parents_of(child) or reg.of_kind("parent")
        self.parent = rng.choice(parents)
        self.prac = rng.choice(reg.of_kind("practitioner"))
        self.other = rng.choice([c for c in reg.of_kind("child") if c is not child])
        words = [p for p in reg.participants if p["first"].lower() in WORD_NAMES]
        self.word = rng.choice([p for p in words if p["kind"] != "practitioner"])
        self.disclosure = ""

    # -- helpers
    def _pick(self, values: Sequence[T]) -> T:
        return self.rng.choice(values)

    @staticmethod
    def _reg(text: str, form: str, kind: str = "registered") -> list[Segment]:
        return [Segment(text, kind, form)]

    def _part(self, part: str, form: str, text: str | None = None) -> list[Segment]:
        return [Segment(part if text is None else text, name_kind(part), form)]

    def _poss(self, first: str) -> list[Segment]:
        return self._part(first, "possessive", first + self._pick(("'s", "’s")))

    def _variant(self, person: Json, lower: bool) -> list[Segment]:
        part = person["first"] if self.rng.random() < 0.6 else person["last"]
        text, form = forms.variant(part.lower() if lower else part, self.rng)
        return [Segment(text, "registered-variant", form)]

    def _unreg_first(self) -> str:
        return self._pick(UNREG_FIRST)

    def _relation(self) -> list[Segment]:
        if self.rng.random() < 0.5:
            relation, first = self._pick(FEMALE_RELATIONS), self._pick(UNREG_FEMALE)
        else:
            relation, first = self._pick(MALE_RELATIONS), self._pick(UNREG_MALE)
        return [Segment(relation + " "), Segment(first, "unregistered-name", "family")]

    def _unreg_last(self) -> str:
        return self._pick(UNREG_SURNAMES)

    def _short_school(self) -> str:
        return self._pick(self._pick(SCHOOLS)[1])

    def _school_short(self, lower: bool) -> list[Segment]:
        short = self._short_school()
        text = short.lower() if lower else short
        if text.lower().startswith("the "):  # "the" is not identifying: the gold is the name
            return [Segment(text[:4]), Segment(text[4:], "school-short", "derived")]
        return [Segment(text, "school-short", "derived-lower" if lower else "derived")]

    def _address(self, lower: bool) -> list[Segment]:
        text, form = forms.address(self.rng)
        return [Segment(text.lower() if lower else text, "address", form)]

    def _handle(self, first: str, last: str) -> str:
        return forms.handle_from(first, last, self.rng)

    def _handle_url(self) -> list[Segment]:
        handle = self._handle(self._unreg_first(), self._unreg_last())
        site = self._pick(
            ("instagram.com/", "https://www.instagram.com/", "tiktok.com/@", "youtube.com/@")
        )
        return [Segment(site + handle, "handle", "url")]

    def _meeting(self) -> list[Segment]:
        # a meeting date (not a birth date): its month is kept, wherever it is
        day, month = self.rng.randint(1, 28), self._pick(forms.MONTHS)
        if self.rng.random() < 0.5:
            return [Segment(f"{day} "), Segment(month, keep="month")]
        return [Segment(f"the {forms.ordinal(day)} of "), Segment(month, keep="month")]

    def table(self) -> dict[str, Slot]:
        c, p, s, o, w = self.child, self.parent, self.prac, self.other, self.word
        rng = self.rng
        key_staff = self._pick(KEY_STAFF)
        return {
            "C": lambda: self._part(c["first"], "first"),
            "Cfull": lambda: self._reg(c["name"], "full"),
            "Csur": lambda: self._part(c["last"], "surname"),
            "Cposs": lambda: self._poss(c["first"]),
            "Clow": lambda: self._part(c["first"], "lower", c["first"].lower()),
            "Cup": lambda: self._reg(c["name"].upper(), "upper"),
            "Cvar": lambda: self._variant(c, lower=False),
            "Cvarlow": lambda: self._variant(c, lower=True),
            "Pvar": lambda: self._variant(p, lower=False),
            "Ovar": lambda: self._variant(o, lower=False),
            "fams": lambda: self._reg(forms.plural(c["last"]), "plural", "registered-variant"),
            "famposs": lambda: self._reg(
                forms.plural(c["last"]) + "'", "plural-possessive", "registered-variant"
            ),
            "P": lambda: self._part(p["first"], "first"),
            "Pfull": lambda: self._reg(p["name"], "full"),
            "Ptitle": lambda: [
                Segment(self._pick(("Mrs", "Ms", "Mr")) + " "),
                *self._part(p["last"], "titled-surname"),
            ],
            "Pcontact": lambda: self._reg(p["contact"], "contact"),
            "S": lambda: self._part(s["first"], "first"),
            "Sfull": lambda: self._reg(s["name"], "full"),
            "Scontact": lambda: self._reg(s["contact"], "contact"),
            "O": lambda: self._part(o["first"], "first"),
            "Ofull": lambda: self._reg(o["name"], "full"),
            "W": lambda: [Segment(w["first"], "word-name", "capitalised")],
            "Wposs": lambda: [Segment(w["first"] + "'s", "word-name", "possessive")],
            "Wlow": lambda: [Segment(w["first"].lower(), "word-name", "lower")],
            "K": lambda: self._reg(
                self._pick((key_staff[0], *key_staff[1])),
                "identifier" if rng.random() < 0.5 else "alias",
            ),
            "staff": lambda: [
                Segment(self._pick(TITLES) + " "),
                Segment(self._unreg_last(), "unregistered-name", "titled"),
            ],
            "stafflow": lambda: [
                Segment(self._pick(("mr", "miss", "mrs", "ms")) + " "),
                Segment(self._unreg_last().lower(), "unregistered-name", "titled-lower"),
            ],
            "stafflowbare": lambda: [
                Segment(self._unreg_last().lower(), "unregistered-name", "titled-lower")
            ],
            "stafffull": lambda: [
                Segment(self._pick(("Ms", "Mr", "Mrs", "Dr")) + " "),
                Segment(
                    f"{self._unreg_first()} {self._unreg_last()}",
                    "unregistered-name",
                    "titled-full",
                ),
            ],
            "init": lambda: [
                Segment(
                    f"{self._unreg_first()[0]}. {self._unreg_last()}",
                    "unregistered-name",
                    "initial",
                )
            ],
            "rel": self._relation,
            "kid": lambda: [Segment(self._unreg_first(), "unregistered-name", "other-child")],
            "kidlow": lambda: [
                Segment(self._unreg_first().lower(), "unregistered-name", "other-child-lower")
            ],
            "school": lambda: self._reg(self._pick(SCHOOLS)[0], "identifier"),
            "schoolshort": lambda: self._school_short(lower=False),
            "schoolshortlow": lambda: self._school_short(lower=True),
            "schoolunreg": lambda: [
                Segment(self._pick(UNREGISTERED_SCHOOLS), "school-short", "unregistered")
            ],
            "schoolunreglow": lambda: [
                Segment(
                    self._pick(UNREGISTERED_SCHOOLS).lower(), "school-short", "unregistered-lower"
                )
            ],
            "place": lambda: self._reg(self._pick(PLACES), "identifier"),
            "placelow": lambda: self._reg(self._pick(PLACES).lower(), "lower"),
            "phone": lambda: [Segment(*_kind_form(forms.phone(rng), "phone"))],
            "postcode": lambda: [Segment(*_kind_form(forms.postcode(rng), "postcode"))],
            "address": lambda: self._address(lower=False),
            "addresslow": lambda: self._address(lower=True),
            "upn": lambda: [Segment(*_kind_form(forms.upn(rng), "upn"))],
            "dob": lambda: [Segment(*_kind_form(forms.dob_numeric(rng), "date-of-birth"))],
            "bday": lambda: [
                Segment(*_kind_form(forms.birthday(rng, lower=False), "date-of-birth"))
            ],
            "bdaylow": lambda: [
                Segment(*_kind_form(forms.birthday(rng, lower=True), "date-of-birth"))
            ],
            "handle": lambda: [
                Segment(
                    self._handle(self._unreg_first(), self._unreg_last()),
                    "handle",
                    "after-platform",
                )
            ],
            "athandle": lambda: [
                Segment(
                    "@" + self._handle(self._unreg_first(), self._unreg_last()),
                    "handle",
                    "at-handle",
                )
            ],
            "handleurl": self._handle_url,
            "handlereg": lambda: [
                Segment(self._handle(c["first"], c["last"]), "handle", "registered-name")
            ],
            "yr": lambda: [Segment(self._pick(YEAR_GROUPS), keep="year-group")],
            "day": lambda: [Segment(self._pick(WEEKDAYS), keep="weekday")],
            "meet": self._meeting,
            "country": lambda: [Segment(self._pick(COUNTRIES), keep="country")],
            "disclosure": lambda: [Segment(self.disclosure, repeat=True)],
        }


def _kind_form(text_form: tuple[str, str], kind: str) -> tuple[str, str, str]:
    text, form = text_form
    return text, kind, form
