"""Inter-coder agreement: percent agreement and Cohen's kappa between two coders.

Pure arithmetic over plain records (no database, no Qt); `agreement_data` reads a study
into these records. The rules, as NVivo's coding comparison counts them:

- **Units.** An *entry* is one unit. A *sentence* (`sentences`) ends after `.`, `!`, `?`
  or `…` (with any closing quotes or brackets) followed by white space, or at a line
  break; it runs from its first to its last non-space character, so an entry of only
  spaces has no sentences. A *character* is every non-space character of an entry's
  text (codings are trimmed to words, so the spaces between two passages say nothing
  about the coders). An entry without text is one entry unit and has no sentence or
  character units.
- **Coded.** A unit is coded by a coder for a theme when any of that coder's codings of
  that theme (its own codings, no roll-up of sub-themes) touches it: shares a character
  with it, or covers the whole entry.
- **Per theme.** Each theme is a 2x2 table over the same units: coded by both, by A
  only, by B only, by neither. Agreement is (both + neither) / units; kappa is
  (p_o - p_e) / (1 - p_e) with p_e from the two coders' marginals.
- **Degenerate cases.** No units at all: agreement and kappa are None (nothing to
  compare). p_e = 1 happens only when both coders coded every unit, or neither coded
  any (then p_o = 1 too): kappa is 1, as NVivo reports it where neither coder used the
  theme. Kappa may be negative (worse than chance).
- **Overall.** Pooled, not averaged: the tables of every theme that at least one of the
  two coders used are added cell by cell and the pooled table gives the overall
  agreement and kappa (a pooled kappa, de Vries et al. 2008). Themes neither coder used
  are listed with kappa 1 but left out of the pool, so a long codebook of unused themes
  does not flatter the figure. When neither coder used any theme the overall is the
  degenerate 1 and 1 (or None without units).

Figures are exact `Fraction`s; callers round for display.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction

__all__ = [
    "Agreement",
    "CodedSpan",
    "Difference",
    "Table",
    "TextUnit",
    "ThemeAgreement",
    "ThemeRef",
    "Unit",
    "compare",
    "differences",
    "sentences",
    "worst_first",
]


class Unit(StrEnum):
    ENTRY = "entry"
    SENTENCE = "sentence"
    CHARACTER = "character"


@dataclass(frozen=True)
class TextUnit:
    """An entry as compared: its id and its text (None: a show of hands, no words)."""

    entry_id: uuid.UUID
    text: str | None


@dataclass(frozen=True)
class ThemeRef:
    id: uuid.UUID
    name: str  # the theme's path, "Parent › Child"


@dataclass(frozen=True)
class CodedSpan:
    """One coding: by `coder`, of a theme, over [start, end) of an entry (None: all of it)."""

    entry_id: uuid.UUID
    theme_id: uuid.UUID
    coder: str
    start: int | None
    end: int | None


@dataclass(frozen=True)
class Table:
    """A 2x2 table of units: coded by both coders, by A only, by B only, by neither."""

    both: int = 0
    only_a: int = 0
    only_b: int = 0
    neither: int = 0

    @property
    def units(self) -> int:
        return self.both + self.only_a + self.only_b + self.neither

    @property
    def used(self) -> bool:
        """Whether either coder coded any unit with the theme."""
        return self.both + self.only_a + self.only_b > 0

    @property
    def agreement(self) -> Fraction | None:
        n = self.units
        return Fraction(self.both + self.neither, n) if n else None

    @property
    def kappa(self) -> Fraction | None:
        n = self.units
        if not n:
            return None
        observed = Fraction(self.both + self.neither, n)
        a_yes, b_yes = self.both + self.only_a, self.both + self.only_b
        expected = Fraction(a_yes * b_yes + (n - a_yes) * (n - b_yes), n * n)
        if expected == 1:  # both coders put every unit in the same one category
            return Fraction(1)
        return (observed - expected) / (1 - expected)

    def __add__(self, other: Table) -> Table:
        return Table(
            self.both + other.both,
            self.only_a + other.only_a,
            self.only_b + other.only_b,
            self.neither + other.neither,
        )


@dataclass(frozen=True)
class ThemeAgreement:
    theme: ThemeRef
    table: Table

    @property
    def agreement(self) -> Fraction | None:
        return self.table.agreement

    @property
    def kappa(self) -> Fraction | None:
        return self.table.kappa


@dataclass(frozen=True)
class Agreement:
    unit: Unit
    coders: tuple[str, str]
    themes: list[ThemeAgreement]  # in the order the themes were given (tree order)
    overall: Table = field(default_factory=Table)


@dataclass(frozen=True)
class Difference:
    """An entry where the two coders differ on a theme: each coder's coded spans (whole
    entries as (0, len)) and how many of the entry's units they differ on."""

    entry_id: uuid.UUID
    a_spans: tuple[tuple[int, int], ...]
    b_spans: tuple[tuple[int, int], ...]
    units: int


# A sentence ends after its closing marks and quotes, before white space; or at a line break.
_SENTENCE_BREAK = re.compile(r"(?<=[.!?…])[\"'”’)\]]*\s+|\n+")


def sentences(text: str) -> list[tuple[int, int]]:
    """The sentences of a text as [start, end) spans, each trimmed of white space."""
    found: list[tuple[int, int]] = []
    begin = 0
    for stop in [*(match.end() for match in _SENTENCE_BREAK.finditer(text)), len(text)]:
        piece = text[begin:stop]
        if piece.strip():
            start = begin + len(piece) - len(piece.lstrip())
            found.append((start, begin + len(piece.rstrip())))
        begin = stop
    return found


def _units(text: str | None, unit: Unit) -> list[tuple[int, int]]:
    """An entry's units as spans; for an entry unit, the whole text (or (0, 0) without)."""
    if unit is Unit.ENTRY:
        return [(0, len(text or ""))]
    if not text:
        return []
    if unit is Unit.SENTENCE:
        return sentences(text)
    return [(i, i + 1) for i, char in enumerate(text) if not char.isspace()]


class _Units:
    """Each entry's units, worked out once per comparison. Characters are not listed one
    by one: a running count of non-space characters measures any span in one step."""

    def __init__(self, unit: Unit) -> None:
        self.unit = unit
        self._spans: dict[uuid.UUID, list[tuple[int, int]]] = {}
        self._prefix: dict[uuid.UUID, list[int]] = {}

    def spans(self, entry: TextUnit) -> list[tuple[int, int]]:
        found = self._spans.get(entry.entry_id)
        if found is None:
            found = self._spans[entry.entry_id] = _units(entry.text, self.unit)
        return found

    def prefix(self, entry: TextUnit) -> list[int]:
        found = self._prefix.get(entry.entry_id)
        if found is None:
            found = [0]
            for char in entry.text or "":
                found.append(found[-1] + (not char.isspace()))
            self._prefix[entry.entry_id] = found
        return found

    def count(self, entry: TextUnit) -> int:
        if self.unit is Unit.CHARACTER:
            return self.prefix(entry)[-1]
        return len(self.spans(entry))


def _spans(codings: Iterable[CodedSpan], length: int) -> list[tuple[int, int]]:
    """The codings' spans, a whole-entry coding as (0, length), clipped to the text."""
    spans = []
    for c in codings:
        start, end = (0, length) if c.start is None or c.end is None else (c.start, c.end)
        start, end = max(0, start), min(length, end)
        if start < end:
            spans.append((start, end))
    return sorted(spans)


def _intersection(
    a: Sequence[tuple[int, int]], b: Sequence[tuple[int, int]]
) -> list[tuple[int, int]]:
    """Where two sorted lists of disjoint spans overlap."""
    out, i, j = [], 0, 0
    while i < len(a) and j < len(b):
        start, end = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if start < end:
            out.append((start, end))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return out


def _touched(units: Sequence[tuple[int, int]], spans: Sequence[tuple[int, int]]) -> set[int]:
    """Indexes of the units that a span shares a character with."""
    return {
        i
        for i, (u_start, u_end) in enumerate(units)
        if any(start < u_end and u_start < end for start, end in spans)
    }


def _entry_cells(
    cache: _Units, entry: TextUnit, a: Sequence[CodedSpan], b: Sequence[CodedSpan]
) -> Table:
    """This entry's part of a theme's table: the units coded by either coder."""
    if cache.unit is Unit.ENTRY:
        return Table(
            both=int(bool(a and b)), only_a=int(bool(a and not b)), only_b=int(bool(b and not a))
        )
    length = len(entry.text or "")
    spans_a, spans_b = _merged(_spans(a, length)), _merged(_spans(b, length))
    if cache.unit is Unit.CHARACTER:
        prefix = cache.prefix(entry)

        def measure(spans: Sequence[tuple[int, int]]) -> int:
            return sum(prefix[end] - prefix[start] for start, end in spans)

        both = measure(_intersection(spans_a, spans_b))
        return Table(both=both, only_a=measure(spans_a) - both, only_b=measure(spans_b) - both)
    units = cache.spans(entry)
    coded_a, coded_b = _touched(units, spans_a), _touched(units, spans_b)
    return Table(
        both=len(coded_a & coded_b), only_a=len(coded_a - coded_b), only_b=len(coded_b - coded_a)
    )


def _by_entry_and_theme(
    codings: Iterable[CodedSpan], coders: tuple[str, str]
) -> dict[tuple[uuid.UUID, uuid.UUID], tuple[list[CodedSpan], list[CodedSpan]]]:
    grouped: dict[tuple[uuid.UUID, uuid.UUID], tuple[list[CodedSpan], list[CodedSpan]]] = {}
    for coding in codings:
        if coding.coder not in coders:
            continue
        a, b = grouped.setdefault((coding.entry_id, coding.theme_id), ([], []))
        (a if coding.coder == coders[0] else b).append(coding)
    return grouped


def compare(
    entries: Sequence[TextUnit],
    themes: Sequence[ThemeRef],
    codings: Iterable[CodedSpan],
    coders: tuple[str, str],
    unit: Unit,
) -> Agreement:
    """Agreement between `coders` (A, B) on each theme over `entries`, and overall.

    Codings of other coders, other entries or other themes are ignored.
    """
    if coders[0] == coders[1]:
        raise ValueError("compare two different coders")
    by_id: Mapping[uuid.UUID, TextUnit] = {e.entry_id: e for e in entries}
    cache = _Units(unit)
    total_units = sum(cache.count(e) for e in entries)
    coded: dict[uuid.UUID, Table] = {t.id: Table() for t in themes}
    for (entry_id, theme_id), (a, b) in _by_entry_and_theme(codings, coders).items():
        entry = by_id.get(entry_id)
        if entry is None or theme_id not in coded:
            continue
        coded[theme_id] = coded[theme_id] + _entry_cells(cache, entry, a, b)
    rows = []
    for theme in themes:
        t = coded[theme.id]
        rows.append(ThemeAgreement(theme, Table(t.both, t.only_a, t.only_b, total_units - t.units)))
    used = [row.table for row in rows if row.table.used]
    overall = sum(used[1:], used[0]) if used else Table(neither=total_units)
    return Agreement(unit, coders, rows, overall)


def differences(
    entries: Sequence[TextUnit],
    theme_id: uuid.UUID,
    codings: Iterable[CodedSpan],
    coders: tuple[str, str],
    unit: Unit,
) -> list[Difference]:
    """The entries, in the order given, where the coders differ on the theme at this unit."""
    grouped = _by_entry_and_theme(codings, coders)
    cache = _Units(unit)
    found = []
    for entry in entries:
        a, b = grouped.get((entry.entry_id, theme_id), ([], []))
        if not a and not b:
            continue
        cells = _entry_cells(cache, entry, a, b)
        if cells.only_a + cells.only_b:
            length = len(entry.text or "")
            found.append(
                Difference(
                    entry.entry_id,
                    tuple(_merged(_spans(a, length))),
                    tuple(_merged(_spans(b, length))),
                    cells.only_a + cells.only_b,
                )
            )
    return found


def _merged(spans: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted spans with the overlapping ones joined."""
    out: list[tuple[int, int]] = []
    for start, end in spans:
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def _sort_key(row: ThemeAgreement) -> tuple[Fraction, Fraction, str]:
    kappa = row.kappa if row.kappa is not None else Fraction(2)
    agreement = row.agreement if row.agreement is not None else Fraction(2)
    return kappa, agreement, row.theme.name.casefold()


def worst_first(rows: Iterable[ThemeAgreement]) -> list[ThemeAgreement]:
    """Themes by kappa, lowest first (then by agreement, then by name); no figure last."""
    return sorted(rows, key=_sort_key)
