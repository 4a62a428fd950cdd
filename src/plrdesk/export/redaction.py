"""Passing texts through the injected anonymiser: each distinct text once, every redaction
tallied by label, and coded spans carried from an entry's text into its redacted text.

A coded span is moved with the redactions, not redacted on its own: the whole entry is
redacted (so a name cut in half by the span's edge is still found), then the span is mapped
with the anonymiser's `remap_span`. A span that touches any part of a redacted name covers
its whole `[label]`: the label stands for the words the researcher coded.
(`domain.spans.apply_edits` keeps the editor's rule instead, where replacement text is new
words outside the span; that rule would drop `[practitioner]` from a quote that begins
with the practitioner's name.)
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable, Iterable

from plrdesk.anonymise.engine import remap_span
from plrdesk.anonymise.types import Redacted, Redaction
from plrdesk.domain.spans import Span

Anonymiser = Callable[[str], Redacted]


class Redactor:
    """The anonymiser, asked once per distinct text; `results` is what it did to each."""

    def __init__(self, anonymiser: Anonymiser) -> None:
        self._anonymiser = anonymiser
        self._seen: dict[str, Redacted] = {}

    def __call__(self, text: str) -> Redacted:
        found = self._seen.get(text)
        if found is None:
            found = self._anonymiser(text)
            self._seen[text] = found
        return found

    def results(self) -> list[Redacted]:
        """Every distinct text asked for so far, redacted, in the order first asked."""
        return list(self._seen.values())


class Tally:
    """Redactions by label over a set of output texts. A redaction is counted once however
    often its text is used: it is keyed by the text it came from (`key`) and its place."""

    def __init__(self) -> None:
        self._found: dict[tuple[Hashable, int, int], tuple[Redaction, str]] = {}

    def add(self, key: Hashable, redactions: Iterable[Redaction], where: str = "") -> None:
        for r in redactions:
            self._found.setdefault((key, r.start, r.end), (r, where))

    def merge(self, other: Tally) -> None:
        for place, found in other._found.items():
            self._found.setdefault(place, found)

    def counts(self) -> dict[str, int]:
        counter = Counter(r.label for r, _ in self._found.values())
        return dict(sorted(counter.items(), key=lambda item: (-item[1], item[0])))

    def needing_review(self) -> list[tuple[str, str]]:
        """(label, where) of each distinct text the anonymiser flagged for review, in the
        order first met. Deduplicated by the case-folded words, which are not returned."""
        seen: set[tuple[str, str]] = set()
        found = []
        for r, where in self._found.values():
            if r.needs_review and (r.original.casefold(), r.label) not in seen:
                seen.add((r.original.casefold(), r.label))
                found.append((r.label, where))
        return found


def redactions_consistent(redacted: Redacted) -> bool:
    """Whether the redacted text is the original with each redaction's span replaced by its
    `[label]` (what the mapping of spans relies on)."""
    rebuilt, last = [], 0
    for r in sorted(redacted.redactions, key=lambda r: r.start):
        if r.start < last or redacted.original[r.start : r.end] != r.original:
            return False
        rebuilt += [redacted.original[last : r.start], r.replacement]
        last = r.end
    rebuilt.append(redacted.original[last:])
    return "".join(rebuilt) == redacted.text


def move_span(redacted: Redacted, span: Span) -> tuple[Span | None, list[Redaction]]:
    """The span in the redacted text (white space trimmed), and the redactions it touches.

    The anonymiser's `remap_span` moves an edge that falls inside a redaction out to the
    redaction's edge, so the label is in the span whole. None when nothing is left."""
    moved = remap_span(redacted, span.start, span.end)
    if moved is None:
        return None, []
    start, end = moved
    text = redacted.text
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    touched = [r for r in redacted.redactions if r.start < span.end and span.start < r.end]
    return (Span(start, end) if start < end else None), touched


class Texts:
    """The anonymiser as the export uses it: every text redacted once, and its redactions
    tallied for the summary (the contract's `disclosure.redactions`) or for the other
    content (CSV rows and QDPX sources beyond the summary)."""

    def __init__(self, anonymiser: Anonymiser) -> None:
        self.redact = Redactor(anonymiser)
        self.summary = Tally()
        self.other = Tally()

    def tally(self, in_summary: bool) -> Tally:
        return self.summary if in_summary else self.other

    def text(self, key: Hashable, text: str, where: str, *, in_summary: bool = True) -> str:
        redacted = self.redact(text)
        self.tally(in_summary).add(key, redacted.redactions, where)
        return redacted.text

    def everything(self) -> Tally:
        both = Tally()
        both.merge(self.summary)
        both.merge(self.other)
        return both
