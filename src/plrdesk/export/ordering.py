"""The summary's orders: sessions and participants by kind (the vocabulary's order, then
any other kind by name), and themes depth first in the tree's order."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence

from plrdesk.domain.kinds import SessionKind
from plrdesk.domain.passages import ThemeNode, ThemeTree
from plrdesk.export.disclosure import KIND_ORDER

SESSION_ORDER: tuple[str, ...] = tuple(kind.value for kind in SessionKind)


def ordered(counts: Iterable[str], order: Sequence[str]) -> list[str]:
    present = set(counts)
    return [k for k in order if k in present] + sorted(present - set(order))


def kinds(found: Iterable[str]) -> list[str]:
    """Participant kinds in the summary's order."""
    return ordered(found, KIND_ORDER)


def by_kind(found: Iterable[str]) -> dict[str, int]:
    """How many of each participant kind, in the summary's order."""
    counts = Counter(found)
    return {kind: counts[kind] for kind in kinds(counts)}


def depth_first(tree: ThemeTree) -> list[tuple[ThemeNode, int]]:
    """Every theme with its depth (0 at the top), each sub-theme right after its parent."""
    children: dict[object, list[ThemeNode]] = defaultdict(list)
    for node in tree.nodes.values():  # in the themes' order (position)
        parent = node.parent_id if node.parent_id in tree.nodes else None
        children[parent].append(node)
    found: list[tuple[ThemeNode, int]] = []

    def walk(parent: object, depth: int) -> None:
        for node in children.get(parent, []):
            found.append((node, depth))
            walk(node.id, depth + 1)

    walk(None, 0)
    return found
