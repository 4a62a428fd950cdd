"""Coded passages and the one counting function behind the matrix and the export.

`raised_by` counts distinct participants with at least one coding under a theme (or its
sub-themes), grouped by whatever the caller asks (kind, an attribute, the person). Group
lines (no speaker), withdrawn participants and safeguarding entries count no one. The
theme × group matrix in the app and the export's `raised_by` both call it, so a figure on
screen is the figure in the report.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

EXCLUDED_WITHDRAWN = "withdrawn participant"
EXCLUDED_SAFEGUARDING = "flagged for safeguarding"


@dataclass(frozen=True)
class Passage:
    """One coding of one entry, with everything analysis and export need to know."""

    coding_id: uuid.UUID
    theme_id: uuid.UUID
    entry_id: uuid.UUID
    entry_ref: str
    entry_position: tuple[int, int]  # (session position, entry position): document order
    text: str  # the coded span (or the whole entry)
    start: int
    end: int
    entry_text: str
    speaker_ref: str | None
    speaker_kind: str | None
    speaker_attributes: Mapping[str, Any]
    session_ref: str
    session_kind: str
    guide: str | None
    question: str | None
    verbatim: bool
    exemplar: bool
    memo: str | None
    may_quote: bool  # the speaker holds the quote permission
    excluded: str | None = None  # why it never counts: withdrawn, safeguarding

    @property
    def counts(self) -> bool:
        return self.excluded is None and self.speaker_ref is not None


@dataclass(frozen=True)
class ThemeNode:
    id: uuid.UUID
    ref: str
    name: str
    parent_id: uuid.UUID | None
    description: str | None = None
    colour: str | None = None


@dataclass
class ThemeTree:
    nodes: dict[uuid.UUID, ThemeNode] = field(default_factory=dict)

    def descendants(self, theme_id: uuid.UUID) -> set[uuid.UUID]:
        """The theme and every theme nested under it."""
        children: dict[uuid.UUID | None, list[uuid.UUID]] = defaultdict(list)
        for node in self.nodes.values():
            children[node.parent_id].append(node.id)
        found, stack = set(), [theme_id]
        while stack:
            current = stack.pop()
            if current not in found:
                found.add(current)
                stack.extend(children.get(current, []))
        return found


Grouping = Callable[[Passage], str | None]


def by_kind(passage: Passage) -> str | None:
    return passage.speaker_kind


def by_attribute(name: str) -> Grouping:
    def group(passage: Passage) -> str | None:
        value = passage.speaker_attributes.get(name)
        return None if value is None else str(value)

    return group


def by_person(passage: Passage) -> str | None:
    return passage.speaker_ref


def raised_by(
    passages: Iterable[Passage], tree: ThemeTree, theme_id: uuid.UUID, group: Grouping = by_kind
) -> dict[str, set[str]]:
    """For one theme (with its sub-themes): group -> the participant refs who raised it."""
    themes = tree.descendants(theme_id)
    result: dict[str, set[str]] = defaultdict(set)
    for passage in passages:
        if passage.counts and passage.theme_id in themes:
            key = group(passage)
            if key is not None and passage.speaker_ref is not None:
                result[key].add(passage.speaker_ref)
    return dict(result)


def matrix(
    passages: Iterable[Passage], tree: ThemeTree, group: Grouping = by_kind
) -> dict[uuid.UUID, dict[str, set[str]]]:
    """Every theme × group: the participant refs behind each cell."""
    listed = list(passages)
    return {theme_id: raised_by(listed, tree, theme_id, group) for theme_id in tree.nodes}


def cell_passages(
    passages: Iterable[Passage],
    tree: ThemeTree,
    theme_id: uuid.UUID,
    group: Grouping,
    key: str,
) -> list[Passage]:
    """The counted passages behind one matrix cell, in document order (the drill-down)."""
    themes = tree.descendants(theme_id)
    chosen = [p for p in passages if p.counts and p.theme_id in themes and group(p) == key]
    return sorted(chosen, key=lambda p: (p.entry_position, p.start))
