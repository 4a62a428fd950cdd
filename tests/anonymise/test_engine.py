"""The engine: register matching, overlaps between layers, decisions, remapping coded
spans, what it offers for the register, and that each layer is one pass."""

from __future__ import annotations

from typing import Any

import ahocorasick
import pytest

from plrdesk.anonymise.engine import (
    Anonymiser,
    edits,
    found_for_register,
    redaction_counts,
    remap_span,
    remap_spans,
    resolve,
)
from plrdesk.anonymise.register import IdentifierEntry, PersonEntry, build_register
from plrdesk.anonymise.types import Candidate, Layer, Redacted, RegisterTerm
from plrdesk.domain.spans import Span, apply_edits

NO_NAMES: frozenset[str] = frozenset()
REGISTER = build_register(
    [
        PersonEntry("Sam Jones", "child"),
        PersonEntry("Mary Jones", "parent", "07700 900123"),
        PersonEntry("Helen Young", "practitioner", "helen@example.org"),
        PersonEntry("June Bull", "practitioner"),
    ],
    [
        IdentifierEntry("Riverside Academy", "school", ("Riverside",)),
        IdentifierEntry("St Aidan's CE Primary School", "school", ("St Aidan's",)),
        IdentifierEntry("Mr Okafor", "person", ("Tunde",)),
    ],
)


@pytest.fixture(scope="module")
def anonymiser() -> Anonymiser:
    return Anonymiser(REGISTER)


@pytest.fixture(scope="module")
def register_only() -> Anonymiser:
    return Anonymiser(REGISTER, first_names=NO_NAMES)


def out(a: Anonymiser, text: str) -> str:
    return a.redact(text).text


# -- the register ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Sam Jones said hello.", "[child] said hello."),
        ("Sam said hello.", "[child] said hello."),
        ("Jones said hello.", "[person] said hello."),  # shared by child and parent
        ("Sam's mum rang.", "[child] mum rang."),
        ("Sam’s mum rang.", "[child] mum rang."),
        ("SAM JONES'S bag", "[child] bag"),
        ("the Jones' house", "the [person] house"),
        ("sam said", "[child] said"),
        ("sAm jOnEs said", "[child] said"),
        ("Sam\nJones said", "[child] said"),
        ("Sam  Jones said", "[child]  [person] said"),  # two spaces: both parts still go
        ("(Sam), 'Sam', Sam-led", "([child]), '[child]', [child]-led"),
        ("Ring 07700 900123 or 07700900123.", "Ring [phone] or [phone]."),
        ("Mail helen@example.org now", "Mail [email] now"),
        ("at Riverside Academy and Riverside", "at [school] and [school]"),
        ("St Aidan’s CE Primary School", "[school]"),  # curly apostrophe matches
        ("Mr Okafor and Tunde and Okafor", "[person] and [person] and [person]"),
    ],
)
def test_register_forms(register_only: Anonymiser, text: str, expected: str) -> None:
    assert out(register_only, text) == expected


@pytest.mark.parametrize("text", ["Samuel came", "Samsung phone", "Riversides", "XSam"])
def test_whole_words_only(register_only: Anonymiser, text: str) -> None:
    assert out(register_only, text) == text


def test_samuel_when_registered_is_caught() -> None:
    a = Anonymiser(build_register([PersonEntry("Sam Jones", "child")], []), first_names=NO_NAMES)
    b = Anonymiser(
        build_register([PersonEntry("Sam Jones", "child"), PersonEntry("Samuel Lee", "parent")]),
        first_names=NO_NAMES,
    )
    assert out(a, "Samuel came") == "Samuel came"
    assert out(b, "Samuel came") == "[parent] came"


def test_longest_match_wins(anonymiser: Anonymiser) -> None:
    red = anonymiser.redact("Sam Jones and Riverside Academy")
    assert [r.original for r in red.redactions] == ["Sam Jones", "Riverside Academy"]


def test_registered_words_are_redacted_but_reviewed_when_they_may_be_words(
    anonymiser: Anonymiser,
) -> None:
    red = anonymiser.redact("Young was kind, said Helen Young and Young.")
    got = [(r.original, r.layer, r.rule, r.needs_review) for r in red.redactions]
    assert got == [
        ("Young", Layer.NAME, "registered-word", True),  # sentence start
        ("Helen Young", Layer.REGISTER, "registered", False),
        ("Young", Layer.REGISTER, "registered", False),  # capitalised mid-sentence: certain
    ]
    # where context says it is the word, it stays: a compound at a sentence start, a
    # lower-case word in prose, a month in a date
    red = anonymiser.redact("Young people said the young people, in June, told June")
    assert [(r.original, r.rule, r.label) for r in red.redactions] == [
        ("June", "registered", "practitioner"),
    ]


def test_an_empty_register_still_finds_patterns_and_names() -> None:
    red = Anonymiser([]).redact("Ring 020 7946 0000, Mr Okonkwo said.")
    assert red.text == "Ring [phone], [person] said."


def test_nothing_to_redact_keeps_the_text(anonymiser: Anonymiser) -> None:
    text = "In Year 7 the CAF and the SENCO helped; the Children's Trust met on Monday in May."
    red = anonymiser.redact(text)
    assert (red.text, red.redactions) == (text, [])


# -- all layers together ------------------------------------------------------------------


def test_the_layers_together(anonymiser: Anonymiser) -> None:
    text = (
        "Sam's mum (07700 900123) told Mrs Pennington and Aisha that Sam, born on "
        "3 March 2010, lives at 12 Acacia Avenue, LS1 4AP; UPN B801200005001."
    )
    red = anonymiser.redact(text)
    assert red.text == (
        "[child] mum ([phone]) told [person] and [person] that [child], born on "
        "[date-of-birth], lives at [address], [postcode]; UPN [pupil-number]."
    )
    layers = {r.original: (r.layer.value, r.needs_review) for r in red.redactions}
    assert layers["Mrs Pennington"] == ("name", True)
    assert layers["07700 900123"] == ("register", False)  # the register beats the pattern
    assert layers["LS1 4AP"] == ("pattern", False)
    assert red.label_counts() == {
        "child": 2,
        "phone": 1,
        "person": 2,
        "date-of-birth": 1,
        "address": 1,
        "postcode": 1,
        "pupil-number": 1,
    }


def test_a_longer_span_from_a_lower_layer_wins(anonymiser: Anonymiser) -> None:
    red = anonymiser.redact("He lives at 12 Riverside Road.")
    assert red.text == "He lives at [address]."
    red = anonymiser.redact("We met Sam Okonkwo there.")  # first name + surname, Sam registered
    assert red.text == "We met [person] there."


def test_resolve_equal_spans_prefer_the_register() -> None:
    a = Candidate(0, 5, "child", Layer.REGISTER, "registered", False)
    b = Candidate(0, 5, "person", Layer.NAME, "first-name", True)
    c = Candidate(0, 5, "phone", Layer.PATTERN, "phone", False)
    assert resolve([b, c, a]) == [a]


def test_resolve_a_partial_overlap_widens_the_winner() -> None:
    long = Candidate(4, 12, "address", Layer.PATTERN, "address", False)
    sticking_out = Candidate(0, 6, "child", Layer.REGISTER, "registered", False)
    inside = Candidate(5, 7, "person", Layer.NAME, "first-name", True)
    [merged] = resolve([inside, sticking_out, long])
    assert (merged.start, merged.end, merged.label) == (0, 12, "address")


def test_resolve_keeps_separate_spans_in_order() -> None:
    spans = [Candidate(s, s + 2, "x", Layer.PATTERN, "x", False) for s in (9, 0, 5)]
    assert [c.start for c in resolve(spans)] == [0, 5, 9]


# -- decisions ------------------------------------------------------------------------------


def test_a_rejected_text_is_not_redacted_by_that_layer() -> None:
    text = "I saw May on Tuesday. May Bell rang."
    plain = Anonymiser([]).redact(text)
    assert [r.original for r in plain.redactions] == ["May", "May Bell"]
    decided = Anonymiser([], {("may", "name"): "reject"}).redact(text)
    assert [r.original for r in decided.redactions] == ["May Bell"]
    # the same text in the register is still redacted: the decision was for the name layer
    registered = Anonymiser([RegisterTerm("May", "child")], {("may", "name"): "reject"})
    assert registered.redact(text).text == "I saw [child] on Tuesday. [person] rang."


def test_a_decision_covers_any_case_and_the_possessive() -> None:
    a = Anonymiser([], {("aisha", Layer.NAME): "reject"})
    assert a.redact("Aisha's idea, AISHA said").text == "Aisha's idea, AISHA said"


def test_an_accepted_text_is_redacted_without_review() -> None:
    text = "Later Aisha told me."
    [before] = Anonymiser([]).redact(text).redactions
    [after] = Anonymiser([], {("aisha", "name"): "accept"}).redact(text).redactions
    assert (before.needs_review, after.needs_review) == (True, False)


def test_registered_word_decisions_leave_the_certain_matches() -> None:
    a = Anonymiser(REGISTER, {("young", "name"): "reject"}, first_names=NO_NAMES)
    assert out(a, "the young people met Young") == "the young people met [practitioner]"


# -- spans after redaction ------------------------------------------------------------------

TEXT = "Sam said Riverside Academy was kind to Sam's family."


def test_remap_a_coding_to_the_redacted_text(anonymiser: Anonymiser) -> None:
    red = anonymiser.redact(TEXT)
    assert red.text == "[child] said [school] was kind to [child] family."

    def moved(words: str) -> str:
        start = TEXT.index(words)
        span = remap_span(red, start, start + len(words))
        assert span is not None
        return red.text[span[0] : span[1]]

    assert moved("said") == "said"
    assert moved("Sam said") == "[child] said"
    assert moved("am said Riv") == "[child] said [school]"  # cut names keep their label
    assert moved("was kind") == "was kind"
    assert moved("kind to Sam's family.") == "kind to [child] family."
    assert moved("Academy") == "[school]"
    assert moved(TEXT) == red.text


def test_remap_spans_and_edits_agree_outside_the_names(anonymiser: Anonymiser) -> None:
    red = anonymiser.redact(TEXT)
    span = Span(TEXT.index("was"), TEXT.index("family") + len("family"))
    [via_edits] = apply_edits([span], edits(red))
    [via_remap, whole] = remap_spans(red, [span, None])
    assert via_edits == via_remap
    assert whole is None
    assert red.text[via_edits.start : via_edits.end] == "was kind to [child] family"  # type: ignore[union-attr]


def test_edits_rebuild_the_redacted_text(anonymiser: Anonymiser) -> None:
    red = anonymiser.redact(TEXT)
    text = TEXT
    for change in edits(red):
        label = next(r.replacement for r in red.redactions if r.start == change.position)
        text = text[: change.position] + label + text[change.position + change.removed :]
    assert text == red.text


def test_remap_without_redactions_and_bad_spans() -> None:
    red = Redacted("hello", "hello", [])
    assert remap_span(red, 1, 3) == (1, 3)
    assert remap_span(red, 3, 3) is None


# -- offered for the register ------------------------------------------------------------


def test_found_for_register(anonymiser: Anonymiser) -> None:
    reds = [
        anonymiser.redact("Mr Okonkwo's form; ask Aisha Khan. Sam rang 020 7946 0000."),
        anonymiser.redact("MR OKONKWO again, and the young people; mail a@b.org"),
    ]
    offered = found_for_register(reds)
    assert offered == [
        RegisterTerm("Mr Okonkwo", "person", ("Okonkwo",)),
        RegisterTerm("Aisha Khan", "person", ("Aisha", "Khan")),
        RegisterTerm("020 7946 0000", "phone"),
        RegisterTerm("a@b.org", "email"),
    ]  # not Sam (registered), not "young" (a registered word), "MR OKONKWO" once


def test_found_terms_once_registered_are_caught_by_the_register(anonymiser: Anonymiser) -> None:
    text = "Mr Okonkwo rang; Okonkwo said so."
    offered = found_for_register([anonymiser.redact(text)])
    extra = [RegisterTerm(a, t.label) for t in offered for a in t.aliases]
    again = Anonymiser([*REGISTER, *offered, *extra]).redact(text)
    assert again.text == "[person] rang; [person] said so."
    assert {r.layer for r in again.redactions} == {Layer.REGISTER}
    assert not any(r.needs_review for r in again.redactions)


def test_redaction_counts(anonymiser: Anonymiser) -> None:
    reds = [anonymiser.redact("Sam and Sam"), anonymiser.redact("Riverside, Mary")]
    assert redaction_counts(reds) == {"child": 2, "school": 1, "parent": 1}


# -- one pass -------------------------------------------------------------------------------


class CountingAutomaton:
    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.iter_calls = 0

    def iter(self, text: str) -> Any:
        self.iter_calls += 1
        return self.inner.iter(text)


def test_one_automaton_built_once_and_one_iter_per_redact(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    built: list[Any] = []
    real = ahocorasick.Automaton

    def counting(*args: Any) -> Any:
        automaton = real(*args)
        built.append(automaton)
        return automaton

    monkeypatch.setattr(ahocorasick, "Automaton", counting)
    big = build_register([PersonEntry(f"Person{i} Surname{i}", "child") for i in range(500)], [])
    a = Anonymiser(big)
    assert len(built) == 1
    counter = CountingAutomaton(a._automaton)
    a._automaton = counter
    text = "Person7 Surname7 met Person499 and Surname12 and Mr Okonkwo. " * 20
    red = a.redact(text)
    assert counter.iter_calls == 1
    assert len(red.redactions) == 20 * 4
    a.redact("another text")
    assert counter.iter_calls == 2
    assert len(built) == 1  # redact never builds another


def test_one_scan_of_each_compiled_expression(monkeypatch: pytest.MonkeyPatch) -> None:
    from plrdesk.anonymise import names, patterns

    calls: dict[str, list[int]] = {"patterns": [], "names": []}

    class Spy:
        def __init__(self, inner: Any, key: str) -> None:
            self.inner, self.key = inner, key

        def search(self, text: str, position: int) -> Any:
            calls[self.key].append(position)
            return self.inner.search(text, position)

    monkeypatch.setattr(names, "NAMES", Spy(names.NAMES, "names"))
    a = Anonymiser(build_register([PersonEntry(f"P{i} S{i}", "child") for i in range(500)]))
    text = "Mr Okonkwo rang 020 7946 0000 about Aisha, 12 Acacia Avenue, LS1 4AP. " * 5
    found = patterns.find_patterns(text, Spy(patterns.PATTERNS, "patterns"))  # type: ignore[arg-type]
    a.redact(text)
    assert len(found) == 15
    for key, positions in calls.items():
        # one left-to-right scan: every search starts after the one before
        assert positions == sorted(set(positions)), key
        assert len(positions) <= text.count(" ") + 2, key
