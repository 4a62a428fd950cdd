"""Merging one theme into another, and taking a merge back exactly.

`merge_themes` moves every coding of the source to the target (folding a coding over
words the target already codes into the target's, memos joined), moves the source's
sub-themes under the target, and deletes the source; its `MergeRecord` lets `unmerge`
(and `undo_merge`, from the write's own result) restore the source with its id, ref,
codings and sub-themes. The tree rules of `services.themes` hold throughout: a merge that
would put two sub-themes of the same name under the target is refused.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from plrdesk.domain import models as m
from plrdesk.domain.ids import CodingId, ThemeId
from plrdesk.services import audit
from plrdesk.services.changes import Changes, Table
from plrdesk.services.themes import (
    CodingSnapshot,
    InvalidTheme,
    ThemeSnapshot,
    TreeEditor,
    recreate_from_snapshot,
)


@dataclass(frozen=True)
class AbsorbedCoding:
    """A coding of the merge source over words the target already coded: it was folded into
    the target's coding `kept_id`, whose memo and exemplar mark were these before."""

    coding: CodingSnapshot
    kept_id: CodingId
    kept_memo: str | None
    kept_exemplar: bool


@dataclass(frozen=True)
class MergeRecord:
    """What `merge_themes` did, so `unmerge` can take it back exactly."""

    source: ThemeSnapshot
    target_id: ThemeId
    moved_coding_ids: tuple[CodingId, ...]
    absorbed: tuple[AbsorbedCoding, ...]
    child_ids: tuple[ThemeId, ...]  # the source's sub-themes, in order, now under the target

    @property
    def codings(self) -> int:
        """How many codings the source had."""
        return len(self.moved_coding_ids) + len(self.absorbed)


@dataclass(kw_only=True)
class Merged(Changes):
    record: MergeRecord


def _merged_memo(kept: str | None, other: str | None) -> str | None:
    if not other or other == kept:
        return kept
    if not kept:
        return other
    return f"{kept}\n\n{other}"


def merge_themes(db: Session, source_id: uuid.UUID, target_id: uuid.UUID) -> Merged:
    """Merge `source` into `target`: every coding of the source moves to the target, its
    sub-themes move under the target (after the target's own), and the source is deleted.

    Where the target already codes the same span of the same entry, the two codings become
    one: the target's, with both memos and the exemplar mark of either, so nothing the
    researcher wrote is lost. The returned record lets `unmerge` take all of it back.
    """
    tree = TreeEditor(db)
    source, target = tree.get(source_id), tree.get(target_id)
    if source.id == target.id:
        raise InvalidTheme("Choose another theme to merge into.")
    if target.id in tree.descendants(source.id):
        raise InvalidTheme(
            f"'{target.name}' is a sub-theme of '{source.name}'; move it out first, or merge"
            f" '{target.name}' into '{source.name}' instead."
        )
    child_ids = tuple(ThemeId(c) for c in tree.children.get(source.id, []))
    for child_id in child_ids:
        child = tree.themes[child_id]
        if tree.sibling_named(target.id, child.name) is not None:
            raise InvalidTheme(
                f"'{source.name}' and '{target.name}' both have a sub-theme called"
                f" '{child.name}'; merge those two first."
            )
    snapshot = tree.snapshot(source.id)

    # One coding per passage and coder: two coders' codings of the same words stay two
    # (inter-coder agreement compares them).
    kept: dict[tuple[uuid.UUID, int | None, int | None, str | None], m.Coding] = {
        (c.entry_id, c.start, c.end, c.coder): c
        for c in db.scalars(
            select(m.Coding).where(m.Coding.theme_id == target.id).order_by(m.Coding.position)
        )
    }
    moved: list[CodingId] = []
    absorbed: list[AbsorbedCoding] = []
    changes = Changes()
    for coding in db.scalars(
        select(m.Coding).where(m.Coding.theme_id == source.id).order_by(m.Coding.position)
    ).all():
        key = (coding.entry_id, coding.start, coding.end, coding.coder)
        same = kept.get(key)
        if same is None:
            coding.theme_id = target.id
            kept[key] = coding
            moved.append(CodingId(coding.id))
            changes.update(Table.CODING, coding.id)
            continue
        absorbed.append(
            AbsorbedCoding(
                CodingSnapshot(
                    CodingId(coding.id),
                    coding.entry_id,
                    coding.start,
                    coding.end,
                    coding.memo,
                    coding.exemplar,
                    coding.position,
                    coding.coder,
                ),
                CodingId(same.id),
                same.memo,
                same.exemplar,
            )
        )
        same.memo = _merged_memo(same.memo, coding.memo)
        same.exemplar = same.exemplar or coding.exemplar
        changes.update(Table.CODING, same.id)
        changes.remove(Table.CODING, coding.id)
        db.delete(coding)
    for child_id in child_ids:
        tree.detach(child_id)
        tree.attach(child_id, target.id, -1)
        changes.update(Table.THEME, child_id)
    db.flush()  # codings and sub-themes leave the source before it goes
    tree.remove(source.id)
    changes.remove(Table.THEME, source.id)
    changes.update(Table.THEME, target.id)
    tree.write(changes)
    merged = Merged(
        record=MergeRecord(snapshot, ThemeId(target.id), tuple(moved), tuple(absorbed), child_ids)
    )
    merged.merge(changes)
    audit.record(
        db,
        "merge-themes",
        [source.id, target.id],
        codings=len(moved),
        combined=len(absorbed),
        sub_themes=len(child_ids),
    )
    return merged


def undo_merge(db: Session, merged: Merged) -> Changes:
    """Undo `merge_themes`, given what it returned."""
    return unmerge(db, merged.record)


def unmerge(db: Session, record: MergeRecord) -> Changes:
    """Take a merge back (its undo): the source theme returns with its id, ref, details and
    place; its codings, its sub-themes and the target's memos are as they were before."""
    tree = TreeEditor(db)
    target = tree.get(record.target_id)
    source = recreate_from_snapshot(tree, record.source)
    changes = Changes()
    changes.add(Table.THEME, source.id)
    changes.update(Table.THEME, target.id)
    for index, child_id in enumerate(record.child_ids):
        if child_id in tree.themes:
            tree.detach(child_id)
            tree.attach(child_id, source.id, index)
            changes.update(Table.THEME, child_id)
    db.flush()  # the source exists before codings point at it again
    for item in reversed(record.absorbed):
        kept = db.get(m.Coding, item.kept_id)
        if kept is not None:
            kept.memo = item.kept_memo
            kept.exemplar = item.kept_exemplar
            changes.update(Table.CODING, kept.id)
        if db.get(m.Entry, item.coding.entry_id) is None:
            continue  # the note itself was deleted meanwhile
        snap = item.coding
        db.add(
            m.Coding(
                id=snap.id,
                entry_id=snap.entry_id,
                theme_id=source.id,
                start=snap.start,
                end=snap.end,
                memo=snap.memo,
                exemplar=snap.exemplar,
                position=snap.position,
                coder=snap.coder,
            )
        )
        changes.add(Table.CODING, snap.id)
    if record.moved_coding_ids:
        for coding in db.scalars(
            select(m.Coding).where(
                m.Coding.id.in_(record.moved_coding_ids), m.Coding.theme_id == target.id
            )
        ):
            coding.theme_id = source.id
            changes.update(Table.CODING, coding.id)
    tree.write(changes)
    audit.record(db, "unmerge-themes", [source.id, target.id], codings=record.codings)
    return changes
