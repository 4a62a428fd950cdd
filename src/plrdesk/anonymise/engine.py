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

The register layer is register_match.py (with the variants a register cannot hold:
look-alikes, line-end hyphens, plurals, handles, one-edit typos, school short forms). A
registered name part that is also an ordinary English word ("Young", "Will", "Hope") is
read in context (wordnames.py): left where it is the word ("young people", "will you"),
redacted for review on the name layer where it may be (rule "registered-word").
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Mapping, Sequence

import ahocorasick

from plrdesk.anonymise import names, names_extra, patterns, schools
from plrdesk.anonymise.register import name_parts
from plrdesk.anonymise.register_match import REGISTERED_WORD, RegisterMatcher
from plrdesk.anonymise.text import fold, fold_key, strip_possessive
from plrdesk.anonymise.types import Candidate, Layer, Redacted, Redaction, RegisterTerm
from plrdesk.domain.spans import Edit, Span

ACCEPT = "accept"
REJECT = "reject"
_RANK = {Layer.REGISTER: 0, Layer.PATTERN: 1, Layer.NAME: 2}

DecisionKey = tuple[str, str]  # (fold_key(text), layer)


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
        self._matcher = RegisterMatcher(self.register)

    @property
    def _automaton(self) -> ahocorasick.Automaton | None:
        return self._matcher.automaton

    @_automaton.setter
    def _automaton(self, automaton: ahocorasick.Automaton | None) -> None:  # for tests
        self._matcher.automaton = automaton

    def candidates(self, text: str) -> list[Candidate]:
        """Everything the three layers propose, before overlaps and decisions."""
        return [
            *self._matcher.find(text),
            *patterns.find_patterns(text),
            *(names_extra.find_all_names(text, self.first_names) if self.first_names else []),
            *schools.find_schools(text),
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
    # a name that is a part of another one found ("Okonkwo" beside "Mr Okonkwo") is
    # offered once, as that one's alias
    aliases = {fold_key(a) for term in people.values() for a in term.aliases}
    kept = [term for key, term in people.items() if key not in aliases]
    return [*kept, *others.values()]


def redaction_counts(redacteds: Iterable[Redacted]) -> dict[str, int]:
    """Spans replaced, by label, over many texts (the summary's `disclosure.redactions`)."""
    counts: dict[str, int] = {}
    for redacted in redacteds:
        for label, n in redacted.label_counts().items():
            counts[label] = counts.get(label, 0) + n
    return counts
