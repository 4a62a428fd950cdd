"""Folding keeps offsets; names match with or without accents, in any case."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from plrdesk.anonymise.engine import Anonymiser
from plrdesk.anonymise.register import IdentifierEntry, PersonEntry, build_register
from plrdesk.anonymise.text import fold, fold_key, fold_variants, sentence_initial
from plrdesk.shipped import demo_study_json


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_fold_keeps_the_length(text: str) -> None:
    assert len(fold(text)) == len(text)


def test_fold_and_keys() -> None:
    assert fold("Zoë O’Neill\nSTRAßE İlker") == "zoe o'neill straße ilker"
    assert fold_variants("Straße") == ["straße", "strasse"]
    assert fold_key("  MAY'S ") == fold_key("may") == "may"
    assert fold_key("Siân") == fold_key("SIAN")


def test_sentence_starts() -> None:
    text = 'Will came. "Will you?"\n- Will\nWill and Will, - Will'
    starts = [i for i in range(len(text)) if text.startswith("Will", i)]
    assert [sentence_initial(text, i) for i in starts] == [True, True, True, True, False, False]


def test_accents_and_special_cases_in_the_register() -> None:
    register = build_register(
        [
            PersonEntry("Zoë Straße", "child"),
            PersonEntry("İlker Öz", "parent"),
            PersonEntry("Łukasz Wójcik", "practitioner"),
        ]
    )
    a = Anonymiser(register, first_names=frozenset())
    for text in ("Zoe", "ZOË", "zoë", "STRASSE", "Strasse", "Straße", "ilker", "ILKER", "Oz"):
        assert a.redact(f"I met {text} today").text.startswith("I met ["), text
    assert a.redact("Lukasz and WOJCIK").text == "[practitioner] and [practitioner]"


def test_accented_unregistered_names() -> None:
    a = Anonymiser([])
    assert a.redact("Siân, Sian, Seán and Mr Ó Súilleabháin").text == (
        "[person], [person], [person] and [person]"
    )


def test_the_demo_study_notes() -> None:
    """Notes written by someone else: every redaction is a registered term, and the terms
    that must stay (Year 7, CAF, August ...) do."""
    doc = json.loads(demo_study_json().read_text(encoding="utf-8"))
    register = build_register(
        [PersonEntry(p["name"], p["kind"], p.get("contact")) for p in doc["participants"]],
        [
            IdentifierEntry(i["text"], i["kind"], tuple(i.get("aliases", [])))
            for i in doc["identifiers"]
        ],
    )
    a = Anonymiser(register)
    texts = [e["text"] for s in doc["sessions"] for e in s.get("entries", []) if e.get("text")]
    reds = [a.redact(t) for t in texts]
    assert {r.rule for red in reds for r in red.redactions} == {"registered"}
    joined = " ".join(red.text for red in reds)
    for keep in ("Year 7", "CAF", "August", "SENCO"):
        assert keep in joined
