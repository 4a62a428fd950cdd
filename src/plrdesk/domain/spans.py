"""Keeping coded spans on the same words when the text around them is edited.

The editor reports each change exactly (Qt's `contentsChange(position, removed, added)`),
so spans follow the real edits, not a guess from comparing texts. The rules:
- text inserted exactly at a boundary stays outside the span (typing right after a coded
  sentence does not stretch it, typing right before it does not either);
- text inserted strictly inside a span is inside it;
- where coded characters are removed or replaced, the span shrinks to what survives
  (replacement text is new words, not the coded ones);
- when nothing of it survives, the coding is gone (None) and the caller says so.
Only when the edits are unknown (a whole text replaced by an import) does `remap_by_diff`
fall back to difflib's alignment.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher


@dataclass(frozen=True)
class Span:
    start: int
    end: int  # exclusive

    def __post_init__(self) -> None:
        if not 0 <= self.start < self.end:
            raise ValueError(f"not a span: {self.start}..{self.end}")


@dataclass(frozen=True)
class Edit:
    """At `position`, `removed` characters were taken out and `added` put in."""

    position: int
    removed: int
    added: int


def apply_edit(span: Span | None, edit: Edit) -> Span | None:
    if span is None:
        return None
    p, r, a = edit.position, edit.removed, edit.added
    start = span.start if span.start < p else (p + a if span.start < p + r else span.start + a - r)
    end = span.end if span.end <= p else (p if span.end <= p + r else span.end + a - r)
    return Span(start, end) if start < end else None


def apply_edits(spans: Sequence[Span | None], edits: Iterable[Edit]) -> list[Span | None]:
    """Spans after a sequence of edits, applied in the order they happened."""
    result = list(spans)
    for edit in edits:
        result = [apply_edit(span, edit) for span in result]
    return result


def edits_by_diff(old_text: str, new_text: str) -> list[Edit]:
    """The edits difflib sees between two texts, in an order `apply_edits` can replay."""
    matcher = SequenceMatcher(None, old_text, new_text, autojunk=False)
    edits = []
    # Right to left, so earlier positions are not shifted by later edits.
    for tag, i1, i2, j1, j2 in reversed(matcher.get_opcodes()):
        if tag != "equal":
            edits.append(Edit(i1, i2 - i1, j2 - j1))
    return edits


def remap_by_diff(spans: Sequence[Span | None], old_text: str, new_text: str) -> list[Span | None]:
    return apply_edits(spans, edits_by_diff(old_text, new_text))


def snap_to_words(text: str, span: Span) -> Span | None:
    """Trim whitespace from both ends of a span (a selection dragged past a word)."""
    start, end = span.start, span.end
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span(start, end) if start < end else None
