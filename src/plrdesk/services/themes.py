"""The theme tree: create, rename, describe, colour, nest, move, merge and delete themes.

Each operation has an exact inverse, so the desktop app can undo it:
`create_theme` ↔ `delete_theme` / `restore_theme`, `update_theme` ↔ `update_theme` with the
details before, `move_theme` ↔ `move_theme` back to where `Moved` says it was, and
`merge_themes` ↔ `unmerge` with the `MergeRecord` the merge returned. Where an undo needs
what the step returned, a function takes that result itself (`move_back`,
`undo_delete_theme`, `undo_merge`), so the app can queue the undo before the result is back.

Rules:
- names are one line, unique among siblings ignoring case ("CAF" and "caf" under one parent
  would be the same theme to a reader);
- a theme never goes under itself or one of its own sub-themes;
- a merge keeps every coding: the source's codings move to the target, and where the target
  already codes the same words of the same entry, the two codings become one whose memo holds
  both memos (and which is an exemplar if either was);
- only a theme with no codings and no sub-themes can be deleted (otherwise: merge it).

These rules live here only: `check_theme_name` and `check_deletable` say whether a change
would be allowed (the app asks them before it offers the step), and every function that
changes the tree applies the same checks again, so a screen with an out-of-date copy of the
tree cannot get past them.

`Theme.position` is the theme's place in the whole tree read top to bottom (a parent before
its sub-themes, siblings in order). It is renumbered after every change, so a dump lists the
tree in reading order and sibling order is position order.

The audit log gets ids and counts only, never names or memos.
"""

from __future__ import annotations

import re
import uuid
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from plrdesk.domain import models as m
from plrdesk.domain.ids import CodingId, ThemeId, new_id
from plrdesk.services import audit
from plrdesk.services.changes import Changes, Table
from plrdesk.services.refs import next_ref

__all__ = [
    "PALETTE",
    "BlankName",
    "CodingSnapshot",
    "Created",
    "DeletedTheme",
    "InvalidTheme",
    "Moved",
    "ThemeDetails",
    "ThemeInUse",
    "ThemeNameTaken",
    "ThemeRow",
    "ThemeSnapshot",
    "TreeEditor",
    "check_colour",
    "check_deletable",
    "check_description",
    "check_name",
    "check_theme",
    "check_theme_name",
    "create_theme",
    "delete_theme",
    "describe_theme",
    "list_themes",
    "move_back",
    "move_theme",
    "next_theme_ref",
    "palette_colour",
    "recolour_theme",
    "rename_theme",
    "restore_theme",
    "undo_delete_theme",
    "update_theme",
]

# The Okabe–Ito palette, which people with the common colour-vision deficiencies can still
# tell apart, without its black (a black highlight hides the words); grey takes its place.
PALETTE: tuple[str, ...] = (
    "#e69f00",  # orange
    "#56b4e9",  # sky blue
    "#009e73",  # bluish green
    "#f0e442",  # yellow
    "#0072b2",  # blue
    "#d55e00",  # vermilion
    "#cc79a7",  # reddish purple
    "#999999",  # grey
)

MAX_NAME = 200
_HEX = re.compile(r"^#(?:[0-9a-fA-F]{6}|[0-9a-fA-F]{3})$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_REF = re.compile(r"^T(\d+)$")


class InvalidTheme(ValueError):
    """The change cannot be made; the message is one plain line for the researcher."""


class BlankName(InvalidTheme):
    """The name is empty (or only spaces)."""


class ThemeNameTaken(InvalidTheme):
    """A sibling has that name already, ignoring case."""

    def __init__(self, name: str, where: str) -> None:
        super().__init__(f"There is already a theme called '{name}' {where}.")
        self.name = name


class ThemeInUse(InvalidTheme):
    """The theme codes passages or has sub-themes, so deleting it would lose them."""


# -- values --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ThemeDetails:
    """What the researcher types about a theme."""

    name: str
    description: str | None = None
    colour: str | None = None


@dataclass(frozen=True)
class ThemeRow:
    """One theme as the tree shows it. `position` is its place among its siblings (0 first);
    `depth` is 0 for a top-level theme. `codings` counts its own codings, `all_codings` those
    of its sub-themes too."""

    id: ThemeId
    ref: str
    name: str
    description: str | None
    colour: str | None
    parent_id: ThemeId | None
    position: int
    depth: int
    codings: int
    all_codings: int
    sub_themes: int

    @property
    def shown_colour(self) -> str:
        """The colour it is shown in: its own, or one from the palette chosen by its ref."""
        return self.colour or palette_colour(self.ref)

    @property
    def details(self) -> ThemeDetails:
        return ThemeDetails(self.name, self.description, self.colour)


@dataclass(frozen=True)
class ThemeSnapshot:
    """Everything a theme row holds, to put it back exactly (`position`: among siblings)."""

    id: ThemeId
    ref: str
    name: str
    description: str | None
    colour: str | None
    parent_id: ThemeId | None
    position: int


@dataclass(frozen=True)
class CodingSnapshot:
    id: CodingId
    entry_id: uuid.UUID
    start: int | None
    end: int | None
    memo: str | None
    exemplar: bool
    position: int
    coder: str | None = None  # as stored: None is the study's researcher


@dataclass(kw_only=True)
class Created(Changes):
    theme_id: ThemeId
    ref: str


@dataclass(kw_only=True)
class Moved(Changes):
    """Where the theme was before (`from_position` among the siblings it had then)."""

    theme_id: ThemeId
    from_parent_id: ThemeId | None
    from_position: int


@dataclass(kw_only=True)
class DeletedTheme(Changes):
    snapshot: ThemeSnapshot


# -- checks --------------------------------------------------------------------------------


def check_name(name: str) -> str:
    """The name as stored (trimmed), or InvalidTheme saying what is wrong."""
    if "\n" in name.strip() or "\r" in name.strip():
        raise InvalidTheme("A theme's name is one line.")
    cleaned = " ".join(name.split())
    if not cleaned:
        raise BlankName("A theme needs a name.")
    if len(cleaned) > MAX_NAME:
        raise InvalidTheme(f"Keep a theme's name under {MAX_NAME} characters.")
    if _CONTROL.search(cleaned):
        raise InvalidTheme("A theme's name cannot hold control characters.")
    return cleaned


def check_description(description: str | None) -> str | None:
    """The description as stored (trimmed, None when empty)."""
    if description is None:
        return None
    text = description.replace("\r\n", "\n").replace("\r", "\n").strip()
    if _CONTROL.search(text):
        raise InvalidTheme("A theme's description cannot hold control characters.")
    return text or None


def check_colour(colour: str | None) -> str | None:
    """'#rrggbb' in lower case ('#abc' becomes '#aabbcc'), or None."""
    if colour is None or not colour.strip():
        return None
    text = colour.strip()
    if not _HEX.match(text):
        raise InvalidTheme(f"'{text}' is not a colour like #1f77b4.")
    if len(text) == 4:
        text = "#" + "".join(c * 2 for c in text[1:])
    return text.lower()


def palette_colour(ref: str) -> str:
    """A palette colour for a theme that has none of its own, the same every time."""
    found = _REF.match(ref)
    number = int(found.group(1)) - 1 if found else sum(map(ord, ref))
    return PALETTE[number % len(PALETTE)]


def _details(details: ThemeDetails) -> ThemeDetails:
    return ThemeDetails(
        check_name(details.name),
        check_description(details.description),
        check_colour(details.colour),
    )


def _same_name(a: str, b: str) -> bool:
    return a.casefold() == b.casefold()


# -- the tree in memory ----------------------------------------------------------------------


def _order_key(theme: m.Theme) -> tuple[int, int, str]:
    found = _REF.match(theme.ref)
    return (theme.position, int(found.group(1)) if found else 1 << 30, theme.ref)


class TreeEditor:
    """Every theme of the study, loaded once, with its sub-themes in order. Changes are made
    to the lists here and to the rows' `parent_id`; `write` then numbers positions in reading
    order. Codebook import uses it too, so every change to the tree keeps the same rules."""

    def __init__(self, db: Session) -> None:
        self.db = db
        self.themes: dict[uuid.UUID, m.Theme] = {t.id: t for t in db.scalars(select(m.Theme))}
        self.children: dict[uuid.UUID | None, list[uuid.UUID]] = defaultdict(list)
        for theme in sorted(self.themes.values(), key=_order_key):
            parent = theme.parent_id if theme.parent_id in self.themes else None
            self.children[parent].append(theme.id)

    def get(self, theme_id: uuid.UUID) -> m.Theme:
        theme = self.themes.get(theme_id)
        if theme is None:
            raise InvalidTheme("That theme no longer exists.")
        return theme

    def parent_of(self, theme_id: uuid.UUID) -> uuid.UUID | None:
        return self.themes[theme_id].parent_id

    def index_of(self, theme_id: uuid.UUID) -> int:
        return self.children[self.parent_of(theme_id)].index(theme_id)

    def descendants(self, theme_id: uuid.UUID) -> set[uuid.UUID]:
        """The theme and every theme under it."""
        found: set[uuid.UUID] = set()
        stack = [theme_id]
        while stack:
            current = stack.pop()
            if current not in found:
                found.add(current)
                stack.extend(self.children.get(current, []))
        return found

    def sibling_named(
        self, parent_id: uuid.UUID | None, name: str, *, besides: uuid.UUID | None = None
    ) -> m.Theme | None:
        for theme_id in self.children.get(parent_id, []):
            theme = self.themes[theme_id]
            if theme_id != besides and _same_name(theme.name, name):
                return theme
        return None

    def check_free(
        self, parent_id: uuid.UUID | None, name: str, *, besides: uuid.UUID | None = None
    ) -> None:
        if self.sibling_named(parent_id, name, besides=besides) is not None:
            where = f"under '{self.themes[parent_id].name}'" if parent_id else "at the top level"
            raise ThemeNameTaken(name, where)

    def label(self, theme_id: uuid.UUID | None) -> str:
        return f"'{self.themes[theme_id].name}'" if theme_id else "the top level"

    def detach(self, theme_id: uuid.UUID) -> None:
        self.children[self.parent_of(theme_id)].remove(theme_id)

    def attach(self, theme_id: uuid.UUID, parent_id: uuid.UUID | None, position: int) -> None:
        """Put the theme under `parent_id` at `position` among its siblings (clamped; -1 is
        last). The theme must be detached."""
        siblings = self.children[parent_id]
        index = len(siblings) if position < 0 else min(position, len(siblings))
        siblings.insert(index, theme_id)
        theme = self.themes[theme_id]
        if theme.parent_id != parent_id:
            theme.parent_id = parent_id

    def add(self, theme: m.Theme, parent_id: uuid.UUID | None, position: int = -1) -> None:
        self.themes[theme.id] = theme
        theme.parent_id = None
        self.attach(theme.id, parent_id, position)
        self.db.add(theme)
        # Inserted at once: a theme moved under it is an UPDATE, which the unit of work
        # would otherwise run first (it cannot see a dependency set through parent_id).
        self.db.flush()

    def remove(self, theme_id: uuid.UUID) -> None:
        self.detach(theme_id)
        self.db.delete(self.themes.pop(theme_id))
        self.children.pop(theme_id, None)

    def move(self, theme_id: uuid.UUID, parent_id: uuid.UUID | None, position: int) -> None:
        """Move a theme (and everything under it), refusing a loop and a name already taken."""
        theme = self.get(theme_id)
        if parent_id is not None:
            self.get(parent_id)
            if parent_id == theme_id:
                raise InvalidTheme(f"'{theme.name}' cannot go inside itself.")
            if parent_id in self.descendants(theme_id):
                raise InvalidTheme(
                    f"'{theme.name}' cannot go inside its own sub-theme"
                    f" '{self.themes[parent_id].name}'."
                )
        if parent_id != theme.parent_id:
            self.check_free(parent_id, theme.name, besides=theme_id)
        self.detach(theme_id)
        self.attach(theme_id, parent_id, position)

    def next_ref(self) -> str:
        return next_ref((t.ref for t in self.themes.values()), "T")

    def walk(
        self, parent_id: uuid.UUID | None = None, depth: int = 0
    ) -> Iterator[tuple[m.Theme, int, int]]:
        """(theme, depth, position among siblings) in reading order."""
        for index, theme_id in enumerate(self.children.get(parent_id, [])):
            yield self.themes[theme_id], depth, index
            yield from self.walk(theme_id, depth + 1)

    def snapshot(self, theme_id: uuid.UUID) -> ThemeSnapshot:
        theme = self.themes[theme_id]
        return ThemeSnapshot(
            ThemeId(theme.id),
            theme.ref,
            theme.name,
            theme.description,
            theme.colour,
            ThemeId(theme.parent_id) if theme.parent_id else None,
            self.index_of(theme_id),
        )

    def write(self, changes: Changes) -> None:
        """Number positions in reading order; report every theme whose row changed."""
        for position, (theme, _depth, _index) in enumerate(self.walk()):
            if theme.position != position:
                theme.position = position
        reported = {
            rid for ids in (changes.added, changes.updated) for rid in ids.get(Table.THEME, [])
        }
        for theme in self.themes.values():
            if theme.id not in reported and self.db.is_modified(theme):
                changes.update(Table.THEME, theme.id)
        self.db.flush()


# -- the rules, for asking before a change ---------------------------------------------------


def check_theme_name(
    db: Session,
    name: str,
    parent_id: uuid.UUID | None = None,
    besides: uuid.UUID | None = None,
) -> str:
    """The name as a theme under `parent_id` (None: the top level) would be stored, or why
    it cannot be: BlankName, ThemeNameTaken (a sibling other than `besides`, the theme being
    renamed, has it, ignoring case), InvalidTheme (not one line, too long, the parent has
    gone). Every change to the tree applies the same check when it is made."""
    return _free_name(TreeEditor(db), name, parent_id, besides)


def check_theme(
    db: Session,
    details: ThemeDetails,
    parent_id: uuid.UUID | None = None,
    besides: uuid.UUID | None = None,
) -> ThemeDetails:
    """The details as they would be stored (see check_theme_name for the name)."""
    checked = _details(details)
    _free_name(TreeEditor(db), checked.name, parent_id, besides)
    return checked


def check_deletable(db: Session, theme_id: uuid.UUID) -> ThemeId:
    """The theme's id when it can be deleted, or ThemeInUse saying what it still holds."""
    tree = TreeEditor(db)
    _check_deletable(db, tree, tree.get(theme_id))
    return ThemeId(theme_id)


def _free_name(
    tree: TreeEditor, name: str, parent_id: uuid.UUID | None, besides: uuid.UUID | None
) -> str:
    cleaned = check_name(name)
    if parent_id is not None:
        tree.get(parent_id)
    tree.check_free(parent_id, cleaned, besides=besides)
    return cleaned


def _check_deletable(db: Session, tree: TreeEditor, theme: m.Theme) -> None:
    codings = db.scalar(select(func.count()).where(m.Coding.theme_id == theme.id)) or 0
    if codings:
        raise ThemeInUse(
            f"'{theme.name}' has {_codings(codings)}; merge it into another theme instead,"
            " so no coding is lost."
        )
    if tree.children.get(theme.id):
        raise ThemeInUse(f"'{theme.name}' has sub-themes; move or merge them first.")


# -- reading -------------------------------------------------------------------------------


def list_themes(db: Session) -> list[ThemeRow]:
    """Every theme in reading order (a parent before its sub-themes), with coding counts."""
    tree = TreeEditor(db)
    own: dict[uuid.UUID, int] = {
        theme_id: count
        for theme_id, count in db.execute(
            select(m.Coding.theme_id, func.count()).group_by(m.Coding.theme_id)
        )
    }
    totals: dict[uuid.UUID, int] = {}

    def total(theme_id: uuid.UUID) -> int:
        if theme_id not in totals:
            totals[theme_id] = own.get(theme_id, 0) + sum(
                total(child) for child in tree.children.get(theme_id, [])
            )
        return totals[theme_id]

    return [
        ThemeRow(
            id=ThemeId(theme.id),
            ref=theme.ref,
            name=theme.name,
            description=theme.description,
            colour=theme.colour,
            parent_id=ThemeId(theme.parent_id) if theme.parent_id else None,
            position=index,
            depth=depth,
            codings=own.get(theme.id, 0),
            all_codings=total(theme.id),
            sub_themes=len(tree.children.get(theme.id, [])),
        )
        for theme, depth, index in tree.walk()
    ]


def next_theme_ref(db: Session) -> str:
    """T<n>, one more than the highest number in use."""
    return next_ref(db.scalars(select(m.Theme.ref)), "T")


def _default_colour(tree: TreeEditor) -> str:
    """The palette colour used least so far (the first of those, on a tie)."""
    used: dict[str, int] = defaultdict(int)
    for theme in tree.themes.values():
        used[(theme.colour or palette_colour(theme.ref)).lower()] += 1
    return min(PALETTE, key=lambda colour: (used[colour], PALETTE.index(colour)))


# -- creating, changing, deleting ------------------------------------------------------------


def create_theme(
    db: Session,
    name: str,
    parent_id: uuid.UUID | None = None,
    description: str | None = None,
    colour: str | None = None,
    *,
    theme_id: uuid.UUID | None = None,
    ref: str | None = None,
    position: int = -1,
) -> Created:
    """A new theme, last among its siblings unless `position` says otherwise. Without a
    colour it gets the palette colour used least. `theme_id` and `ref` let a redo bring back
    the very theme an undo took away."""
    details = _details(ThemeDetails(name, description, colour))
    tree = TreeEditor(db)
    _free_name(tree, details.name, parent_id, None)
    theme_id = theme_id or new_id()
    if theme_id in tree.themes:
        raise InvalidTheme("That theme exists already.")
    if ref is None or any(t.ref == ref for t in tree.themes.values()):
        ref = tree.next_ref()
    theme = m.Theme(
        id=theme_id,
        ref=ref,
        name=details.name,
        description=details.description,
        colour=details.colour or _default_colour(tree),
        position=0,
    )
    tree.add(theme, parent_id, position)
    changes = Created(theme_id=ThemeId(theme_id), ref=ref)
    changes.add(Table.THEME, theme_id)
    tree.write(changes)
    audit.record(db, "create-theme", [theme_id])
    return changes


def update_theme(db: Session, theme_id: uuid.UUID, details: ThemeDetails) -> Changes:
    """Set a theme's name, description and colour (the undo of an edit gives the old ones)."""
    tree = TreeEditor(db)
    theme = tree.get(theme_id)
    checked = _details(details)
    if not _same_name(checked.name, theme.name):
        _free_name(tree, checked.name, theme.parent_id, theme.id)
    changes = Changes()
    if (theme.name, theme.description, theme.colour) != (
        checked.name,
        checked.description,
        checked.colour,
    ):
        theme.name = checked.name
        theme.description = checked.description
        theme.colour = checked.colour
        changes.update(Table.THEME, theme.id)
        audit.record(db, "update-theme", [theme.id])
    return changes


def rename_theme(db: Session, theme_id: uuid.UUID, name: str) -> Changes:
    theme = TreeEditor(db).get(theme_id)
    return update_theme(db, theme_id, ThemeDetails(name, theme.description, theme.colour))


def describe_theme(db: Session, theme_id: uuid.UUID, description: str | None) -> Changes:
    theme = TreeEditor(db).get(theme_id)
    return update_theme(db, theme_id, ThemeDetails(theme.name, description, theme.colour))


def recolour_theme(db: Session, theme_id: uuid.UUID, colour: str | None) -> Changes:
    theme = TreeEditor(db).get(theme_id)
    return update_theme(db, theme_id, ThemeDetails(theme.name, theme.description, colour))


def move_theme(
    db: Session, theme_id: uuid.UUID, new_parent_id: uuid.UUID | None, position: int = -1
) -> Moved:
    """Put a theme (with its sub-themes) under `new_parent_id` (None: the top level), at
    `position` among its new siblings once moved (-1: last). A theme never goes under itself
    or its own sub-themes, and never beside a sibling of the same name."""
    tree = TreeEditor(db)
    theme = tree.get(theme_id)
    changes = Moved(
        theme_id=ThemeId(theme.id),
        from_parent_id=ThemeId(theme.parent_id) if theme.parent_id else None,
        from_position=tree.index_of(theme.id),
    )
    tree.move(theme.id, new_parent_id, position)
    if (theme.parent_id, tree.index_of(theme.id)) != (
        changes.from_parent_id,
        changes.from_position,
    ):
        changes.update(Table.THEME, theme.id)
        tree.write(changes)
        audit.record(db, "move-theme", [theme.id])
    return changes


def move_back(db: Session, moved: Moved) -> Moved:
    """Undo `move_theme`, given what it returned: the theme goes back where it was."""
    return move_theme(db, moved.theme_id, moved.from_parent_id, moved.from_position)


def delete_theme(db: Session, theme_id: uuid.UUID) -> DeletedTheme:
    """Delete a theme that codes nothing and has no sub-themes (others are merged instead)."""
    tree = TreeEditor(db)
    theme = tree.get(theme_id)
    _check_deletable(db, tree, theme)
    changes = DeletedTheme(snapshot=tree.snapshot(theme.id))
    tree.remove(theme.id)
    changes.remove(Table.THEME, theme_id)
    tree.write(changes)
    audit.record(db, "delete-theme", [theme_id])
    return changes


def undo_delete_theme(db: Session, deleted: DeletedTheme) -> Changes:
    """Undo `delete_theme`, given what it returned."""
    return restore_theme(db, deleted.snapshot)


def restore_theme(db: Session, snapshot: ThemeSnapshot) -> Changes:
    """Put a deleted theme back with its id, ref, details and place (the undo of a delete)."""
    tree = TreeEditor(db)
    recreate_from_snapshot(tree, snapshot)
    changes = Changes()
    changes.add(Table.THEME, snapshot.id)
    tree.write(changes)
    audit.record(db, "restore-theme", [snapshot.id])
    return changes


def recreate_from_snapshot(tree: TreeEditor, snapshot: ThemeSnapshot) -> m.Theme:
    if snapshot.id in tree.themes:
        raise InvalidTheme(f"'{snapshot.name}' is in the study already.")
    if snapshot.parent_id is not None and snapshot.parent_id not in tree.themes:
        raise InvalidTheme(f"The theme '{snapshot.name}' was under no longer exists.")
    tree.check_free(snapshot.parent_id, snapshot.name)
    ref = snapshot.ref
    if any(t.ref == ref for t in tree.themes.values()):
        ref = tree.next_ref()  # taken meanwhile: the id is what codings point at
    theme = m.Theme(
        id=snapshot.id,
        ref=ref,
        name=snapshot.name,
        description=snapshot.description,
        colour=snapshot.colour,
        position=0,
    )
    tree.add(theme, snapshot.parent_id, snapshot.position)
    return theme


def _codings(count: int) -> str:
    return f"{count} coding{'' if count == 1 else 's'}"
