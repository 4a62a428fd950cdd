"""Property: a registered name, in any of its forms, inserted into any sentence, never
survives redaction."""

from __future__ import annotations

import re

from faker.providers.person.en_GB import Provider as EnGbNames
from hypothesis import given, settings
from hypothesis import strategies as st

from plrdesk.anonymise.engine import Anonymiser, remap_span
from plrdesk.anonymise.register import PersonEntry, build_register, name_parts

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
    return variants + cased + possessive


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
    form = data.draw(st.sampled_from(forms(person.name)))
    before, rest = sentence.split("{}")
    inserted = opener + form + after
    text = before + inserted + rest
    redacted = Anonymiser(build_register(register, [])).redact(text)

    parts = {p for entry in register for p in [entry.name, *name_parts(entry.name)]}
    for part in parts:
        # nowhere in the text, as a whole word, in any case
        assert not re.search(rf"(?<!\w){re.escape(part)}(?!\w)", redacted.text, re.IGNORECASE), (
            part,
            redacted.text,
        )
    # and not even as a piece of a word where the name was inserted
    start = len(before) + len(opener)
    span = remap_span(redacted, start, start + len(form))
    assert span is not None
    where = redacted.text[span[0] : span[1]].casefold()
    for part in name_parts(person.name):
        if not any(part.casefold() in label for label in LABELS):
            assert part.casefold() not in where, (part, where, redacted.text)
