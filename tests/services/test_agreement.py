"""Agreement figures against hand-computed tables and an independent implementation.

The independent one below materialises every unit as a row of labels and computes Cohen's
kappa from the textbook formula over the confusion matrix, with no shared code: it
splits characters by brute force and tests "touches" character by character.
"""

from __future__ import annotations

import uuid
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plrdesk.services.agreement import (
    CodedSpan,
    Table,
    TextUnit,
    ThemeRef,
    Unit,
    compare,
    differences,
    sentences,
    worst_first,
)

A, B = "Ann", "Bo"


def test_the_textbook_table() -> None:
    table = Table(both=20, only_a=5, only_b=10, neither=15)
    assert table.agreement == Fraction(70, 100)
    assert table.kappa == Fraction(40, 100)


def test_degenerate_tables() -> None:
    assert Table(neither=12).kappa == 1  # neither coder used the theme
    assert Table(neither=12).agreement == 1
    assert Table(both=3).kappa == 1  # both coded every unit
    assert Table().kappa is None  # no units to compare
    assert Table().agreement is None
    # Total disagreement with balanced marginals is worse than chance.
    assert Table(only_a=5, only_b=5).kappa == -1
    # One coder coded everything, the other half: p_e = 1/2, p_o = 1/2.
    assert Table(both=5, only_a=5).kappa == 0


def test_sentences_split_at_ends_and_line_breaks() -> None:
    text = 'He said "no." Then he left!  Really?\n3.5 times a week\n\n  '
    assert [text[s:e] for s, e in sentences(text)] == [
        'He said "no."',
        "Then he left!",
        "Really?",
        "3.5 times a week",
    ]
    assert sentences("   ") == []
    assert sentences("") == []


def _ids(n: int) -> list[uuid.UUID]:
    return [uuid.UUID(int=i + 1) for i in range(n)]


def test_a_small_study_by_hand_at_each_unit() -> None:
    e1, e2, e3 = _ids(3)
    t1, t2, t3 = (uuid.UUID(int=100 + i) for i in range(3))
    entries = [
        TextUnit(e1, "One two. Three four."),  # 2 sentences, 17 characters
        TextUnit(e2, "Five."),  # 1 sentence, 5 characters
        TextUnit(e3, None),  # a show of hands: one entry unit, nothing else
    ]
    themes = [ThemeRef(t1, "Trust"), ThemeRef(t2, "Play"), ThemeRef(t3, "Unused")]
    codings = [
        CodedSpan(e1, t1, A, 0, 3),  # "One"
        CodedSpan(e1, t1, B, 4, 7),  # "two"
        CodedSpan(e2, t1, B, None, None),
        CodedSpan(e1, t2, A, 9, 20),  # "Three four."
        CodedSpan(e3, t2, B, None, None),
        CodedSpan(e1, t2, "Cy", 0, 3),  # a third coder is not compared
    ]
    by_entry = compare(entries, themes, codings, (A, B), Unit.ENTRY)
    trust, play, unused = by_entry.themes
    assert trust.table == Table(both=1, only_b=1, neither=1)
    assert play.table == Table(only_a=1, only_b=1, neither=1)
    assert unused.table == Table(neither=3)
    assert unused.kappa == 1
    # The pool leaves the unused theme out.
    assert by_entry.overall == Table(both=1, only_a=1, only_b=2, neither=2)

    by_sentence = compare(entries, themes, codings, (A, B), Unit.SENTENCE)
    trust, play, _ = by_sentence.themes
    assert trust.table == Table(both=1, only_b=1, neither=1)
    assert play.table == Table(only_a=1, neither=2)

    by_char = compare(entries, themes, codings, (A, B), Unit.CHARACTER)
    trust, play, _ = by_char.themes
    assert trust.table == Table(only_a=3, only_b=3 + 5, neither=22 - 11)
    assert play.table == Table(only_a=10, neither=12)
    assert trust.table.units == 22


def test_the_overall_when_no_theme_was_used() -> None:
    (e1,) = _ids(1)
    themes = [ThemeRef(uuid.UUID(int=9), "Trust")]
    result = compare([TextUnit(e1, "Words.")], themes, [], (A, B), Unit.ENTRY)
    assert result.overall.kappa == 1
    assert compare([], themes, [], (A, B), Unit.ENTRY).overall.kappa is None


def test_the_same_coder_twice_is_refused() -> None:
    with pytest.raises(ValueError, match="two different coders"):
        compare([], [], [], (A, A), Unit.ENTRY)


def test_worst_first_and_differences() -> None:
    e1, e2 = _ids(2)
    t1, t2 = uuid.UUID(int=50), uuid.UUID(int=51)
    entries = [TextUnit(e1, "Alpha beta. Gamma."), TextUnit(e2, "Delta.")]
    themes = [ThemeRef(t1, "Agreed"), ThemeRef(t2, "Disputed")]
    codings = [
        CodedSpan(e1, t1, A, 0, 11),
        CodedSpan(e1, t1, B, 0, 11),
        CodedSpan(e1, t2, A, 12, 18),
        CodedSpan(e2, t2, B, None, None),
    ]
    result = compare(entries, themes, codings, (A, B), Unit.SENTENCE)
    assert [row.theme.name for row in worst_first(result.themes)] == ["Disputed", "Agreed"]
    found = differences(entries, t2, codings, (A, B), Unit.SENTENCE)
    assert [(d.entry_id, d.a_spans, d.b_spans, d.units) for d in found] == [
        (e1, ((12, 18),), (), 1),
        (e2, (), ((0, 6),), 1),
    ]
    assert differences(entries, t1, codings, (A, B), Unit.SENTENCE) == []


# -- an independent implementation -----------------------------------------------------------


def _cohen(labels_a: list[bool], labels_b: list[bool]) -> tuple[Fraction, Fraction] | None:
    """Percent agreement and kappa from the confusion matrix of two label lists."""
    n = len(labels_a)
    if n == 0:
        return None
    categories = (True, False)
    matrix = {(x, y): 0 for x in categories for y in categories}
    for x, y in zip(labels_a, labels_b, strict=True):
        matrix[x, y] += 1
    p_o = Fraction(sum(matrix[c, c] for c in categories), n)
    p_e = sum(
        (
            Fraction(sum(matrix[c, y] for y in categories), n)
            * Fraction(sum(matrix[x, c] for x in categories), n)
            for c in categories
        ),
        Fraction(0),
    )
    return p_o, (Fraction(1) if p_e == 1 else (p_o - p_e) / (1 - p_e))


def _unit_positions(text: str | None, unit: Unit) -> list[set[int] | None]:
    """Each unit as the set of character positions in it (None: the whole entry)."""
    if unit is Unit.ENTRY:
        return [None]
    if not text:
        return []
    if unit is Unit.CHARACTER:
        return [{i} for i, ch in enumerate(text) if ch not in " \t\n"]
    return [set(range(s, e)) for s, e in sentences(text)]


def _labels(entries: list[TextUnit], codings: list[CodedSpan], theme: uuid.UUID, coder: str,
            unit: Unit) -> list[bool]:  # fmt: skip
    labels = []
    for entry in entries:
        mine = [
            c
            for c in codings
            if (c.entry_id, c.theme_id, c.coder) == (entry.entry_id, theme, coder)
        ]
        for positions in _unit_positions(entry.text, unit):
            covered = False
            for c in mine:
                if c.start is None or positions is None:
                    covered = True
                else:
                    covered = covered or bool(positions & set(range(c.start, c.end or 0)))
            labels.append(covered)
    return labels


words = st.sampled_from(["Yes.", "no", "maybe!", "I think so?", "well", "\n", "“Quite.”"])
texts = st.one_of(st.none(), st.lists(words, max_size=8).map(" ".join))


@st.composite
def studies(draw: st.DrawFn) -> tuple[list[TextUnit], list[ThemeRef], list[CodedSpan]]:
    entries = [TextUnit(uuid.UUID(int=i + 1), draw(texts)) for i in range(draw(st.integers(0, 6)))]
    themes = [ThemeRef(uuid.UUID(int=100 + i), f"T{i}") for i in range(draw(st.integers(1, 4)))]
    codings = []
    for _ in range(draw(st.integers(0, 20))) if entries else []:
        entry = draw(st.sampled_from(entries))
        theme = draw(st.sampled_from(themes)).id
        coder = draw(st.sampled_from([A, B, "Cy"]))
        length = len(entry.text or "")
        if length == 0 or (draw(st.booleans()) and draw(st.booleans())):
            codings.append(CodedSpan(entry.entry_id, theme, coder, None, None))
        else:
            start = draw(st.integers(0, length - 1))
            end = draw(st.integers(start + 1, length))
            codings.append(CodedSpan(entry.entry_id, theme, coder, start, end))
    return entries, themes, codings


@settings(max_examples=300, deadline=None)
@given(studies(), st.sampled_from(list(Unit)))
def test_against_an_independent_implementation(
    study: tuple[list[TextUnit], list[ThemeRef], list[CodedSpan]], unit: Unit
) -> None:
    entries, themes, codings = study
    result = compare(entries, themes, codings, (A, B), unit)
    pooled_a: list[bool] = []
    pooled_b: list[bool] = []
    for theme, row in zip(themes, result.themes, strict=True):
        labels_a = _labels(entries, codings, theme.id, A, unit)
        labels_b = _labels(entries, codings, theme.id, B, unit)
        expected = _cohen(labels_a, labels_b)
        assert (row.agreement, row.kappa) == (expected or (None, None))
        if any(labels_a) or any(labels_b):
            pooled_a += labels_a
            pooled_b += labels_b
    if pooled_a:
        assert (result.overall.agreement, result.overall.kappa) == _cohen(pooled_a, pooled_b)
