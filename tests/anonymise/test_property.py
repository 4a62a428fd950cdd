"""Property: a registered name, in any of its forms (cases, possessives, the plural and
plural possessive, and disguised by zero-width characters, Cyrillic look-alikes, full-width
letters or a line-end hyphen), inserted into any sentence, never survives redaction."""

from __future__ import annotations

import re

from faker.providers.person.en_GB import Provider as EnGbNames
from hypothesis import given, settings
from hypothesis import strategies as st

from plrdesk.anonymise.engine import Anonymiser, remap_span
from plrdesk.anonymise.names import COMMON_WORDS
from plrdesk.anonymise.register import PersonEntry, build_register, name_parts
from plrdesk.anonymise.text import fold
from plrdesk.anonymise.variants import normalise, plural_keys

FIRST_NAMES = sorted({*EnGbNames.first_names_male, *EnGbNames.first_names_female})
LAST_NAMES = sorted(EnGbNames.last_names)
KINDS = ("child", "parent", "practitioner", "other")
LABELS = ("child", "parent", "practitioner", "person", "phone", "email")
SENTENCES = (
    "{} said the corridors felt like a maze in Year 7",
    "The SENCO rang {} on Monday about the CAF",
    "When {} moved up nobody told the family what to expect",
    "In May the Children's Trust asked {} about the bus",
    "Notes: {}",
    "{}",
    "I met {} and the DSL at the gate, then the young people came",
    "Mum says {} may settle by June half-term",
    "We will ask {} whether the TAC helped",
)
PUNCTUATION = ("", ".", ",", "!", "?", ")", ":", ";", " -", "…", '"')
OPENERS = ("", "(", '"', "- ", "“")


@st.composite
def people(draw: st.DrawFn) -> list[PersonEntry]:
    count = draw(st.integers(1, 3))
    return [
        PersonEntry(
            f"{draw(st.sampled_from(FIRST_NAMES))} {draw(st.sampled_from(LAST_NAMES))}",
            draw(st.sampled_from(KINDS)),
        )
        for _ in range(count)
    ]


def forms(name: str) -> list[str]:
    first, last = name.split(" ", 1)
    variants = [name, first, last]
    cased = [v.upper() for v in variants] + [v.lower() for v in variants] + [name.title()]
    possessive = [v + "'s" for v in variants] + [first + "’s", name.upper() + "'S"]
    plural = [plural_keys(last.lower())[0].capitalize()] if len(last) >= 3 else []
    plural += [p + "'" for p in plural]  # "the Okonjos'"
    return variants + cased + possessive + plural


# Look-alikes the register's normalised view undoes (variants.py).
CYRILLIC = {"a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "x": "х", "A": "А", "E": "Е"}
CYRILLIC |= {"O": "О", "P": "Р", "C": "С", "H": "Н", "K": "К", "M": "М", "T": "Т"}


@st.composite
def disguised(draw: st.DrawFn, form: str) -> str:
    """`form` with zero-width characters, look-alike letters, full-width letters or a
    line-end hyphen put into it (at most one of each, anywhere inside the word)."""
    letters = [i for i, c in enumerate(form) if c.isalpha()]
    how = draw(st.sampled_from(("plain", "zero-width", "cyrillic", "full-width", "hyphen")))
    if how == "plain" or len(letters) < 2:
        return form
    i = draw(st.sampled_from(letters[1:]))
    if how == "zero-width":
        return form[:i] + draw(st.sampled_from(("\u200b", "\u200c", "\u200d", "\u2060"))) + form[i:]
    if how == "hyphen":
        if not form[i - 1].isalpha():
            return form
        return form[:i] + "-" + draw(st.sampled_from(("\n", "\r\n", " \n  "))) + form[i:]
    if how == "cyrillic":
        swaps = [j for j in letters if form[j] in CYRILLIC]
        if not swaps:
            return form
        j = draw(st.sampled_from(swaps))
        return form[:j] + CYRILLIC[form[j]] + form[j + 1 :]
    return "".join(chr(ord(c) + 0xFEE0) if c.isascii() and c.isalpha() else c for c in form)


def visible(text: str) -> str:
    """The redacted text as a reader sees it: look-alikes undone the same way."""
    norm = normalise(text)
    return text if norm is None else norm.text


def word_use_allowed(part: str) -> bool:
    """A registered name that is also an English word may stay where it reads as the word
    (wordnames.py): in lower case, or as a month ("in May"); checked where inserted."""
    return fold(part) in COMMON_WORDS


@settings(max_examples=400, deadline=None)
@given(
    people(),
    st.data(),
    st.sampled_from(SENTENCES),
    st.sampled_from(OPENERS),
    st.sampled_from(PUNCTUATION),
)
def test_a_registered_name_never_survives(
    register: list[PersonEntry], data: st.DataObject, sentence: str, opener: str, after: str
) -> None:
    person = data.draw(st.sampled_from(register))
    plain = data.draw(st.sampled_from(forms(person.name)))
    form = data.draw(disguised(plain))
    before, rest = sentence.split("{}")
    inserted = opener + form + after
    text = before + inserted + rest
    redacted = Anonymiser(build_register(register, [])).redact(text)
    seen = visible(redacted.text)

    parts = {p for entry in register for p in [entry.name, *name_parts(entry.name)]}
    for part in parts:
        if word_use_allowed(part):
            continue  # checked where it was inserted, below
        # nowhere in the text, as a whole word, in any case, however disguised
        assert not re.search(rf"(?<!\w){re.escape(part)}(?!\w)", seen, re.IGNORECASE), (
            part,
            redacted.text,
        )
    # and not even as a piece of a word where the name was inserted
    start = len(before) + len(opener)
    span = remap_span(redacted, start, start + len(form))
    word = plain.lower().removesuffix("'s").removesuffix("’s").rstrip("'")
    if word in COMMON_WORDS and plain.islower():
        return  # a word-name in lower case may stay as the word ("will", "baker")
    assert span is not None, (form, text, redacted.text)
    where = fold(visible(redacted.text[span[0] : span[1]]))
    for part in name_parts(person.name):
        if not any(part.casefold() in label for label in LABELS):
            assert fold(part) not in where, (part, where, redacted.text)
