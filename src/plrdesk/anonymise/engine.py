"""The anonymiser: the three layers over one text, overlaps and decisions resolved, the
text rebuilt with `[label]` in place of every redacted span.

Each layer is one pass over the text:
- the register: one Aho-Corasick automaton (pyahocorasick) over the case-folded terms,
  built once per Anonymiser; one `iter` over the folded text per `redact`. A match counts
  only as a whole word (the character before and after is not a letter, digit or `_`)
  and takes its possessive with it ("Sam's", "SAM’S", "Jones'");
- patterns: one compiled regular expression with a named group per kind (patterns.py);
- names: one compiled expression for titles and capitalised words, and a set lookup for
  first names (names.py).

Overlaps: the longest span wins; between spans of the same length the register beats a
pattern and a pattern beats a name. A shorter span that sticks out of a winner is not
dropped: the winner grows to cover it (nothing of either is left in the text).

Decisions: a `reject`ed (folded text, layer) is not redacted by that layer; an `accept`ed
one is redacted without review. The fold is `text.fold_key` (case-folded, spaces
collapsed, possessive dropped).

A registered name part that is also an ordinary English word ("Young", "Will", "Hope")
is redacted like any other part, but when it appears lower-case or at the start of a
sentence it is marked for review on the name layer (rule "registered-word"), so "the
young people" can be rejected once, by the researcher, without un-registering Young.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import ahocorasick

from plrdesk.anonymise import names, patterns
from plrdesk.anonymise.register import name_parts
from plrdesk.anonymise.text import (
    fold,
    fold_key,
    fold_variants,
    is_word_char,
    possessive_end,
    sentence_initial,
    strip_possessive,
)
from plrdesk.anonymise.types import Candidate, Layer, Redacted, Redaction, RegisterTerm
from plrdesk.domain.spans import Edit, Span

ACCEPT = "accept"
REJECT = "reject"
REGISTERED = "registered"
REGISTERED_WORD = "registered-word"
_RANK = {Layer.REGISTER: 0, Layer.PATTERN: 1, Layer.NAME: 2}

DecisionKey = tuple[str, str]  # (fold_key(text), layer)


@dataclass(frozen=True)
class _Term:
    label: str
    length: int
    word_start: bool  # the term starts with a letter or digit: needs a boundary before it
    word_end: bool
    common: bool  # one word that is also an ordinary English word


class Anonymiser:
    """Built once per export from the register (and the review decisions); `redact` is
    then called for every text."""

    def __init__(
        self,
        register: Sequence[RegisterTerm],
        decisions: Mapping[DecisionKey, str] | None = None,
        first_names: frozenset[str] | None = None,
    ) -> None:
        self.register = list(register)
        self.decisions = {
            (key, str(layer)): value for (key, layer), value in (decisions or {}).items()
        }
        self.first_names = names.shipped_first_names() if first_names is None else first_names
        self._terms: list[_Term] = []
        self._automaton: ahocorasick.Automaton | None = self._build_automaton(self.register)

    def _build_automaton(self, register: Sequence[RegisterTerm]) -> ahocorasick.Automaton | None:
        automaton = ahocorasick.Automaton(ahocorasick.STORE_ANY, ahocorasick.KEY_STRING)
        index: dict[str, int] = {}
        for term in register:
            for key in fold_variants(term.text):
                if not key:
                    continue
                if key in index:  # the same text twice: one label for both (see register.py)
                    have = self._terms[index[key]]
                    if have.label != term.label:
                        self._terms[index[key]] = _Term("person", *_edges(key))
                    continue
                index[key] = len(self._terms)
                self._terms.append(_Term(term.label, *_edges(key)))
                automaton.add_word(key, index[key])
        if not self._terms:
            return None
        automaton.make_automaton()
        return automaton

    # -- the layers --------------------------------------------------------------------

    def _register(self, text: str) -> list[Candidate]:
        if self._automaton is None:
            return []
        found: list[Candidate] = []
        n = len(text)
        terms = self._terms
        for last, index in self._automaton.iter(fold(text)):
            term = terms[index]
            end = last + 1
            start = end - term.length
            if term.word_start and start > 0 and is_word_char(text[start - 1]):
                continue
            if term.word_end and end < n and is_word_char(text[end]):
                continue
            if term.common and self._ordinary_word(text, start, end):
                found.append(
                    Candidate(
                        start,
                        possessive_end(text, end),
                        term.label,
                        Layer.NAME,
                        REGISTERED_WORD,
                        True,
                    )
                )
                continue
            found.append(
                Candidate(
                    start, possessive_end(text, end), term.label, Layer.REGISTER, REGISTERED, False
                )
            )
        return found

    @staticmethod
    def _ordinary_word(text: str, start: int, end: int) -> bool:
        """Whether a registered part that is also an English word may be that word here:
        lower-case, at the start of a sentence, or a month in a date ("in June")."""
        word = text[start:end]
        if word.isupper():
            return False
        if word.islower() or sentence_initial(text, start):
            return True
        return word in names.MONTH_NAMES and names.is_month_here(text, start, end)

    def candidates(self, text: str) -> list[Candidate]:
        """Everything the three layers propose, before overlaps and decisions."""
        return [
            *self._register(text),
            *patterns.find_patterns(text),
            *(names.find_names(text, self.first_names) if self.first_names else []),
        ]

    # -- redact ------------------------------------------------------------------------

    def redact(self, text: str) -> Redacted:
        found = self.candidates(text)
        if not found:
            return Redacted(text, text, [])
        if self.decisions:
            found = self._decide(text, found)
        chosen = resolve(found)
        redactions = [
            Redaction(
                c.start, c.end, text[c.start : c.end], c.label, c.layer, c.needs_review, c.rule
            )
            for c in chosen
        ]
        pieces: list[str] = []
        position = 0
        for r in redactions:
            pieces.append(text[position : r.start])
            pieces.append(r.replacement)
            position = r.end
        pieces.append(text[position:])
        return Redacted(text, "".join(pieces), redactions)

    def _decide(self, text: str, found: list[Candidate]) -> list[Candidate]:
        kept: list[Candidate] = []
        for c in found:
            decision = self.decisions.get((fold_key(text[c.start : c.end]), c.layer.value))
            if decision == REJECT:
                continue
            if decision == ACCEPT and c.needs_review:
                c = c._replace(needs_review=False)
            kept.append(c)
        return kept


def _edges(key: str) -> tuple[int, bool, bool, bool]:
    common = " " not in key and key in names.COMMON_WORDS
    return len(key), is_word_char(key[0]), is_word_char(key[-1]), common


# -- overlaps ------------------------------------------------------------------------------


def resolve(found: Iterable[Candidate]) -> list[Candidate]:
    """Non-overlapping spans in text order: the longest first, the higher layer first on
    equal lengths; a loser that sticks out of the winners widens the winner it overlaps."""
    order = sorted(found, key=lambda c: (c.start - c.end, _RANK[c.layer], c.start))
    starts: list[int] = []
    chosen: list[Candidate] = []
    losers: list[Candidate] = []
    for c in order:
        i = bisect.bisect_right(starts, c.start)
        if (i > 0 and chosen[i - 1].end > c.start) or (i < len(chosen) and chosen[i].start < c.end):
            losers.append(c)
            continue
        starts.insert(i, c.start)
        chosen.insert(i, c)
    for c in losers:
        i = bisect.bisect_right(starts, c.start) - 1
        lo = i if i >= 0 and chosen[i].end > c.start else i + 1
        hi = lo
        while hi < len(chosen) and chosen[hi].start < c.end:
            hi += 1
        overlapping = chosen[lo:hi]
        if (
            len(overlapping) == 1
            and overlapping[0].start <= c.start
            and c.end <= overlapping[0].end
        ):
            continue  # inside a winner
        if not overlapping:  # cannot happen (it lost to something), but stay safe
            overlapping = [c]
        winner = min(overlapping, key=lambda w: (w.start - w.end, _RANK[w.layer]))
        merged = winner._replace(
            start=min(c.start, overlapping[0].start),
            end=max(c.end, overlapping[-1].end),
            needs_review=winner.needs_review or c.needs_review,
        )
        chosen[lo:hi] = [merged]
        starts[lo:hi] = [merged.start]
    return chosen


# -- after redaction -----------------------------------------------------------------------


def edits(redacted: Redacted) -> list[Edit]:
    """The redactions as edits for `domain.spans.apply_edits` (right to left, so each is in
    the coordinates the previous ones leave). Note apply_edits' rule: a span that is only
    a redacted name disappears; `remap_span` keeps it on the label instead."""
    return [
        Edit(r.start, r.end - r.start, len(r.replacement)) for r in reversed(redacted.redactions)
    ]


def remap_span(redacted: Redacted, start: int, end: int) -> tuple[int, int] | None:
    """Where [start, end) of the original text is in the redacted text. A boundary inside
    a redacted span moves outward, so a coding keeps the whole label of a name it cut
    through ("[child] said ..." rather than "d] said ...")."""
    if not 0 <= start < end:
        return None
    shift = 0  # how much the redactions passed so far moved the text
    new_start: int | None = None
    new_end: int | None = None
    for r in redacted.redactions:
        label_start = r.start + shift
        label_end = label_start + len(r.replacement)
        if new_start is None:
            if start < r.start:
                new_start = start + shift
            elif start < r.end:
                new_start = label_start
        if new_end is None:
            if end <= r.start:
                new_end = end + shift
            elif end <= r.end:
                new_end = label_end
        if new_start is not None and new_end is not None:
            break
        shift += len(r.replacement) - (r.end - r.start)
    s = start + shift if new_start is None else new_start
    e = end + shift if new_end is None else new_end
    return (s, e) if s < e else None


def remap_spans(redacted: Redacted, spans: Sequence[Span | None]) -> list[Span | None]:
    """`remap_span` for coding spans (None stays None: a coding of the whole entry)."""
    result: list[Span | None] = []
    for span in spans:
        moved = None if span is None else remap_span(redacted, span.start, span.end)
        result.append(None if moved is None else Span(*moved))
    return result


def found_for_register(redacteds: Iterable[Redacted]) -> list[RegisterTerm]:
    """What the anonymiser found that the register does not hold, once each, to offer for
    the register: unregistered names first (with their parts as aliases), then patterns
    (phone numbers, e-mail addresses ...), each in the order first found."""
    people: dict[str, RegisterTerm] = {}
    others: dict[str, RegisterTerm] = {}
    for redacted in redacteds:
        for r in redacted.redactions:
            if r.layer is Layer.REGISTER or r.rule == REGISTERED_WORD:
                continue
            text = " ".join(strip_possessive(r.original).split())
            key = fold_key(text)
            if r.layer is Layer.NAME:
                parts = tuple(p for p in dict.fromkeys(name_parts(text)) if fold(p) != fold(text))
                people.setdefault(key, RegisterTerm(text, r.label, parts))
            else:
                others.setdefault(key, RegisterTerm(text, r.label))
    return [*people.values(), *others.values()]


def redaction_counts(redacteds: Iterable[Redacted]) -> dict[str, int]:
    """Spans replaced, by label, over many texts (the summary's `disclosure.redactions`)."""
    counts: dict[str, int] = {}
    for redacted in redacteds:
        for label, n in redacted.label_counts().items():
            counts[label] = counts.get(label, 0) + n
    return counts
