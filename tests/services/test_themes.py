"""The theme tree: create, rename, describe, colour, nest, move, merge (keeping every
coding) and delete, each with its exact inverse."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from plrdesk.domain import models as m
from plrdesk.services.changes import Table
from plrdesk.services.theme_merge import merge_themes, undo_merge, unmerge
from plrdesk.services.themes import (
    PALETTE,
    BlankName,
    InvalidTheme,
    ThemeDetails,
    ThemeInUse,
    ThemeNameTaken,
    ThemeRow,
    check_deletable,
    check_theme,
    check_theme_name,
    create_theme,
    delete_theme,
    describe_theme,
    list_themes,
    move_back,
    move_theme,
    recolour_theme,
    rename_theme,
    restore_theme,
    undo_delete_theme,
    update_theme,
)
from plrdesk.storage.study_file import StudyFile

CodingState = tuple[uuid.UUID, uuid.UUID, uuid.UUID, int | None, int | None, str | None, bool, int]


def themes(db: Session) -> dict[str, ThemeRow]:
    return {row.ref: row for row in list_themes(db)}


def tree(db: Session) -> list[tuple[str, str, int, int]]:
    """(ref, name, depth, position among siblings) in reading order."""
    return [(r.ref, r.name, r.depth, r.position) for r in list_themes(db)]


def codings(db: Session) -> dict[uuid.UUID, CodingState]:
    return {
        c.id: (c.id, c.entry_id, c.theme_id, c.start, c.end, c.memo, c.exemplar, c.position)
        for c in db.scalars(select(m.Coding))
    }


def theme_state(db: Session) -> list[tuple[Any, ...]]:
    return [
        (r.id, r.ref, r.name, r.description, r.colour, r.parent_id, r.position, r.codings)
        for r in list_themes(db)
    ]


DEMO_TREE = [
    ("T1", "Relationships between professionals", 0, 0),
    ("T2", "Knowing and using common tools", 0, 1),
    ("T5", "Using the CAF", 1, 0),
    ("T3", "Engaging children and parents", 0, 2),
    ("T4", "Managing expectations and clarity of roles", 0, 3),
]


# -- reading ---------------------------------------------------------------------------------


def test_the_tree_lists_parents_before_sub_themes_with_counts(demo_study: StudyFile) -> None:
    with demo_study.transaction() as db:
        assert tree(db) == DEMO_TREE
        rows = themes(db)
        assert (rows["T2"].codings, rows["T2"].all_codings, rows["T2"].sub_themes) == (7, 13, 1)
        assert (rows["T5"].codings, rows["T5"].all_codings) == (6, 6)
        assert rows["T5"].parent_id == rows["T2"].id
        assert rows["T1"].colour is None
        assert rows["T1"].shown_colour == PALETTE[0]  # by ref: the same every time
        assert rows["T5"].shown_colour == PALETTE[4]


# -- creating and changing -------------------------------------------------------------------


def test_create_takes_the_next_ref_and_the_least_used_palette_colour(
    demo_study: StudyFile,
) -> None:
    with demo_study.transaction() as db:
        rows = themes(db)
        created = create_theme(db, "  Trust   between agencies ", rows["T1"].id, "  why  ")
        assert created.ref == "T6"
        assert created.added == {Table.THEME: [created.theme_id]}
        new = themes(db)["T6"]
        assert (new.name, new.description, new.parent_id, new.depth) == (
            "Trust between agencies",
            "why",
            rows["T1"].id,
            1,
        )
        # T1..T5 show the first five palette colours; the sixth is used least.
        assert new.colour == PALETTE[5]
        first = create_theme(db, "Funding", position=0, colour="#ABC")
        assert themes(db)[first.ref].colour == "#aabbcc"
        assert tree(db)[0] == (first.ref, "Funding", 0, 0)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "A theme needs a name."),
        ("   ", "A theme needs a name."),
        ("two\nlines", "A theme's name is one line."),
        ("x" * 201, "Keep a theme's name under 200 characters."),
    ],
)
def test_a_bad_name_is_refused(demo_study: StudyFile, name: str, message: str) -> None:
    with demo_study.transaction() as db, pytest.raises(InvalidTheme) as refused:
        create_theme(db, name)
    assert str(refused.value) == message


def test_names_are_unique_among_siblings_ignoring_case(demo_study: StudyFile) -> None:
    with demo_study.transaction() as db:
        rows = themes(db)
        with pytest.raises(InvalidTheme) as refused:
            create_theme(db, "using the caf", rows["T2"].id)
        assert str(refused.value) == (
            "There is already a theme called 'using the caf' under"
            " 'Knowing and using common tools'."
        )
        with pytest.raises(InvalidTheme, match="at the top level"):
            rename_theme(db, rows["T1"].id, "ENGAGING CHILDREN AND PARENTS")
        create_theme(db, "Using the CAF")  # the same name elsewhere in the tree is fine
        rename_theme(db, rows["T5"].id, "USING THE CAF")  # its own name in other case: fine
        assert themes(db)["T5"].name == "USING THE CAF"


def test_the_name_rules_can_be_asked_before_a_change(demo_study: StudyFile) -> None:
    with demo_study.transaction() as db:
        rows = themes(db)
        assert check_theme_name(db, "  Trust   between agencies ") == "Trust between agencies"
        with pytest.raises(BlankName, match="A theme needs a name"):
            check_theme_name(db, "   ")
        with pytest.raises(ThemeNameTaken) as taken:
            check_theme_name(db, "using the CAF", rows["T2"].id)
        assert str(taken.value) == (
            "There is already a theme called 'using the CAF' under"
            " 'Knowing and using common tools'."
        )
        assert taken.value.name == "using the CAF"
        # its own name, in any case, is not taken from itself; elsewhere it is free
        assert check_theme_name(db, "USING THE CAF", rows["T2"].id, rows["T5"].id)
        assert check_theme_name(db, "Using the CAF", rows["T1"].id)
        with pytest.raises(InvalidTheme, match="That theme no longer exists"):
            check_theme_name(db, "Anything", uuid.uuid4())
        details = check_theme(db, ThemeDetails(" Roles ", " Who.\r\n", "#ABC"), None)
        assert details == ThemeDetails("Roles", "Who.", "#aabbcc")
        with pytest.raises(InvalidTheme, match="'red' is not a colour"):
            check_theme(db, ThemeDetails("Roles", None, "red"), None)
        # and the changes themselves refuse what the check refuses, with the same types
        with pytest.raises(ThemeNameTaken):
            create_theme(db, "USING the caf", rows["T2"].id)
        with pytest.raises(ThemeNameTaken):
            rename_theme(db, rows["T1"].id, "engaging children and parents")
        create_theme(db, "Using the CAF")
        with pytest.raises(ThemeNameTaken):
            move_theme(db, rows["T5"].id, None)
        with pytest.raises(BlankName):
            update_theme(db, rows["T1"].id, ThemeDetails(" "))


def test_whether_a_theme_can_be_deleted_is_asked_of_the_same_rule(
    demo_study: StudyFile,
) -> None:
    with demo_study.transaction() as db:
        rows = themes(db)
        with pytest.raises(ThemeInUse, match="'Relationships between professionals' has 6"):
            check_deletable(db, rows["T1"].id)
        holder = create_theme(db, "Holder")
        create_theme(db, "Held", holder.theme_id)
        with pytest.raises(ThemeInUse, match="'Holder' has sub-themes"):
            check_deletable(db, holder.theme_id)
        spare = create_theme(db, "Spare")
        assert check_deletable(db, spare.theme_id) == spare.theme_id
        with pytest.raises(InvalidTheme, match="no longer exists"):
            check_deletable(db, uuid.uuid4())


def test_undos_that_take_the_steps_result(demo_study: StudyFile) -> None:
    """What the app queues as the undo, given what the step returned (on the worker)."""
    with demo_study.transaction() as db:
        rows = themes(db)
        before_codings, before_themes = codings(db), theme_state(db)
        moved = move_theme(db, rows["T3"].id, rows["T1"].id)
        assert move_back(db, moved).theme_id == rows["T3"].id
        assert tree(db) == DEMO_TREE
        merged = merge_themes(db, rows["T1"].id, rows["T4"].id)
        undo_merge(db, merged)
        spare = create_theme(db, "Spare", rows["T2"].id, position=0)
        with_spare = theme_state(db)
        undo_delete_theme(db, delete_theme(db, spare.theme_id))
        assert theme_state(db) == with_spare
        delete_theme(db, spare.theme_id)
        assert (codings(db), theme_state(db)) == (before_codings, before_themes)


def test_rename_describe_and_recolour(demo_study: StudyFile) -> None:
    with demo_study.transaction() as db:
        theme_id = themes(db)["T3"].id
        assert rename_theme(db, theme_id, "Hearing children").updated == {Table.THEME: [theme_id]}
        describe_theme(db, theme_id, "  What children said.\r\n")
        recolour_theme(db, theme_id, "#0072B2")
        row = themes(db)["T3"]
        assert (row.name, row.description, row.colour) == (
            "Hearing children",
            "What children said.",
            "#0072b2",
        )
        with pytest.raises(InvalidTheme, match="'blue' is not a colour like #1f77b4"):
            recolour_theme(db, theme_id, "blue")
        assert update_theme(db, theme_id, row.details).updated == {}  # nothing changed
        describe_theme(db, theme_id, "   ")
        assert themes(db)["T3"].description is None


# -- moving ------------------------------------------------------------------------------------


def test_move_nests_reorders_and_moves_back_exactly(demo_study: StudyFile) -> None:
    with demo_study.transaction() as db:
        rows = themes(db)
        move_theme(db, rows["T4"].id, rows["T3"].id)  # nest T4 under T3
        assert tree(db)[-2:] == [
            ("T3", "Engaging children and parents", 0, 2),
            ("T4", "Managing expectations and clarity of roles", 1, 0),
        ]
        back = move_theme(db, rows["T4"].id, None)
        assert tree(db) == DEMO_TREE
        moved = move_theme(db, rows["T3"].id, None, 0)  # to the top
        assert (moved.from_parent_id, moved.from_position) == (None, 2)
        assert [r[0] for r in tree(db)] == ["T3", "T1", "T2", "T5", "T4"]
        move_theme(db, rows["T3"].id, moved.from_parent_id, moved.from_position)
        assert tree(db) == DEMO_TREE
        assert back.updated_ids(Table.THEME)[0] == rows["T4"].id
        # positions are the reading order, so a dump lists the tree as it reads
        stored = [t.ref for t in db.scalars(select(m.Theme).order_by(m.Theme.position))]
        assert stored == ["T1", "T2", "T5", "T3", "T4"]


def test_a_theme_never_goes_inside_itself(demo_study: StudyFile) -> None:
    with demo_study.transaction() as db:
        rows = themes(db)
        with pytest.raises(InvalidTheme) as refused:
            move_theme(db, rows["T2"].id, rows["T5"].id)
        assert str(refused.value) == (
            "'Knowing and using common tools' cannot go inside its own sub-theme 'Using the CAF'."
        )
        with pytest.raises(InvalidTheme, match="cannot go inside itself"):
            move_theme(db, rows["T2"].id, rows["T2"].id)
        assert tree(db) == DEMO_TREE


def test_a_move_beside_a_namesake_is_refused(demo_study: StudyFile) -> None:
    with demo_study.transaction() as db:
        rows = themes(db)
        create_theme(db, "Using the CAF", rows["T1"].id)
        with pytest.raises(InvalidTheme, match="already a theme called 'Using the CAF'"):
            move_theme(db, rows["T5"].id, rows["T1"].id)


# -- merging -----------------------------------------------------------------------------------


def test_a_merge_keeps_every_coding_with_its_span_and_memo(demo_study: StudyFile) -> None:
    with demo_study.transaction() as db:
        rows = themes(db)
        before = codings(db)
        source = {cid: c for cid, c in before.items() if c[2] == rows["T1"].id}
        assert len(source) == 6
        merged = merge_themes(db, rows["T1"].id, rows["T3"].id)
        after = codings(db)
        assert len(after) == len(before)
        for coding_id, (cid, entry, _theme, start, end, memo, exemplar, pos) in source.items():
            assert after[coding_id] == (cid, entry, rows["T3"].id, start, end, memo, exemplar, pos)
        others = {cid: c for cid, c in before.items() if cid not in source}
        assert {cid: after[cid] for cid in others} == others
        assert merged.record.moved_coding_ids == tuple(
            sorted(source, key=lambda cid: source[cid][7])
        )
        assert merged.record.codings == 6
        assert merged.removed == {Table.THEME: [rows["T1"].id]}
        assert themes(db)["T3"].codings == 13
        assert "T1" not in themes(db)


def test_a_merge_folds_codings_of_the_same_words_into_one_keeping_both_memos(
    demo_study: StudyFile,
) -> None:
    with demo_study.transaction() as db:
        rows = themes(db)
        first = db.scalars(
            select(m.Coding).where(m.Coding.theme_id == rows["T1"].id).order_by(m.Coding.position)
        ).first()
        assert first is not None
        assert first.memo == "Personal contact speeds things up"
        twin = m.Coding(
            entry_id=first.entry_id,
            theme_id=rows["T3"].id,
            start=first.start,
            end=first.end,
            memo="Also about parents",
            exemplar=True,
            position=999,
        )
        db.add(twin)
        db.flush()
        total = len(codings(db))
        merged = merge_themes(db, rows["T1"].id, rows["T3"].id)
        assert len(codings(db)) == total - 1
        assert db.get(m.Coding, first.id) is None
        assert twin.memo == "Also about parents\n\nPersonal contact speeds things up"
        assert twin.exemplar
        assert len(merged.record.absorbed) == 1
        assert len(merged.record.moved_coding_ids) == 5
        assert merged.record.codings == 6
        # every memo the researcher wrote is still somewhere under the target
        memos = "\n".join(
            c.memo or "" for c in db.scalars(select(m.Coding).filter_by(theme_id=rows["T3"].id))
        )
        for memo in ("Strong quote for the report", "Voluntary sector view of schools"):
            assert memo in memos


def test_a_merge_keeps_two_coders_codings_of_the_same_words_apart_and_undo_keeps_the_coder(
    demo_study: StudyFile,
) -> None:
    """Inter-coder agreement compares the two: folding them into one would lose a coder."""
    with demo_study.transaction() as db:
        rows = themes(db)
        first = db.scalars(
            select(m.Coding).where(m.Coding.theme_id == rows["T1"].id).order_by(m.Coding.position)
        ).first()
        assert first is not None
        assert first.coder is None
        second = m.Coding(
            entry_id=first.entry_id,
            theme_id=rows["T3"].id,
            start=first.start,
            end=first.end,
            coder="Second Coder",
            position=999,
        )
        mine = m.Coding(
            entry_id=first.entry_id,
            theme_id=rows["T1"].id,
            start=first.start,
            end=first.end,
            coder="Second Coder",
            position=998,
        )
        db.add_all([second, mine])
        db.flush()
        total = len(codings(db))
        merged = merge_themes(db, rows["T1"].id, rows["T3"].id)
        # the researcher's coding moves beside the second coder's; the second coder's own
        # twin folds into theirs
        assert db.get(m.Coding, first.id) is not None
        assert db.get(m.Coding, mine.id) is None
        assert len(codings(db)) == total - 1
        unmerge(db, merged.record)
        db.flush()
        back = db.get(m.Coding, mine.id)
        assert back is not None
        assert back.coder == "Second Coder"


def test_a_merge_moves_sub_themes_under_the_target(demo_study: StudyFile) -> None:
    with demo_study.transaction() as db:
        rows = themes(db)
        merged = merge_themes(db, rows["T2"].id, rows["T4"].id)
        assert merged.record.child_ids == (rows["T5"].id,)
        assert [r[0:3] for r in tree(db)] == [
            ("T1", "Relationships between professionals", 0),
            ("T3", "Engaging children and parents", 0),
            ("T4", "Managing expectations and clarity of roles", 0),
            ("T5", "Using the CAF", 1),
        ]
        assert themes(db)["T4"].all_codings == 7 + 7 + 6


def test_merges_that_cannot_be_are_refused(demo_study: StudyFile) -> None:
    with demo_study.transaction() as db:
        rows = themes(db)
        with pytest.raises(InvalidTheme, match="'Using the CAF' is a sub-theme of"):
            merge_themes(db, rows["T2"].id, rows["T5"].id)
        with pytest.raises(InvalidTheme, match="Choose another theme"):
            merge_themes(db, rows["T2"].id, rows["T2"].id)
        create_theme(db, "using the CAF", rows["T4"].id)
        with pytest.raises(InvalidTheme) as refused:
            merge_themes(db, rows["T2"].id, rows["T4"].id)
        assert "both have a sub-theme called 'Using the CAF'; merge those two first" in str(
            refused.value
        )


def test_unmerge_puts_everything_back_exactly(demo_study: StudyFile) -> None:
    with demo_study.transaction() as db:
        rows = themes(db)
        move_theme(db, rows["T4"].id, rows["T2"].id)  # T2 now has two sub-themes
        # words the source codes twice and the target once already
        shared = db.scalars(select(m.Coding).filter_by(theme_id=rows["T2"].id)).first()
        assert shared is not None
        db.add_all(
            [
                m.Coding(
                    entry_id=shared.entry_id,
                    theme_id=theme_id,
                    start=shared.start,
                    end=shared.end,
                    memo=memo,
                    exemplar=exemplar,
                    position=position,
                )
                for theme_id, memo, exemplar, position in [
                    (rows["T2"].id, None, True, 500),
                    (rows["T1"].id, "target view", False, 501),
                ]
            ]
        )
        db.flush()
        themes_before, codings_before = theme_state(db), codings(db)
        merged = merge_themes(db, rows["T2"].id, rows["T1"].id)
        assert len(merged.record.absorbed) == 2
        assert merged.record.child_ids == (rows["T5"].id, rows["T4"].id)
        assert theme_state(db) != themes_before
        changes = unmerge(db, merged.record)
        assert changes.added_ids(Table.THEME) == [rows["T2"].id]
        assert theme_state(db) == themes_before
        assert codings(db) == codings_before
        # and the merge can be done again (redo) with the same outcome
        again = merge_themes(db, rows["T2"].id, rows["T1"].id)
        assert again.record == merged.record


def test_the_audit_log_names_ids_and_counts_never_names(demo_study: StudyFile) -> None:
    with demo_study.transaction() as db:
        rows = themes(db)
        merge_themes(db, rows["T1"].id, rows["T3"].id)
        event = db.scalars(select(m.AuditEvent).filter_by(action="merge-themes")).one()
        assert event.record_ids == [str(rows["T1"].id), str(rows["T3"].id)]
        assert event.detail == {"codings": 6, "combined": 0, "sub_themes": 0}
        assert "Relationships" not in repr(event.detail)


# -- deleting ----------------------------------------------------------------------------------


def test_only_an_empty_theme_is_deleted_and_restore_brings_it_back(
    demo_study: StudyFile,
) -> None:
    with demo_study.transaction() as db:
        rows = themes(db)
        with pytest.raises(InvalidTheme) as refused:
            delete_theme(db, rows["T1"].id)
        assert str(refused.value) == (
            "'Relationships between professionals' has 6 codings; merge it into another theme"
            " instead, so no coding is lost."
        )
        created = create_theme(db, "Spare", rows["T2"].id, position=0)
        holder = create_theme(db, "Holder")
        create_theme(db, "Held", holder.theme_id)
        with pytest.raises(InvalidTheme, match="'Holder' has sub-themes; move or merge them"):
            delete_theme(db, holder.theme_id)
        before = theme_state(db)
        deleted = delete_theme(db, created.theme_id)
        assert deleted.removed == {Table.THEME: [created.theme_id]}
        assert deleted.snapshot.position == 0
        assert "Spare" not in {r.name for r in list_themes(db)}
        restore_theme(db, deleted.snapshot)
        assert theme_state(db) == before


def test_details_round_trip_through_update(demo_study: StudyFile) -> None:
    with demo_study.transaction() as db:
        row = themes(db)["T4"]
        before = row.details
        update_theme(db, row.id, ThemeDetails("Roles", "Who does what.", "#d55e00"))
        assert themes(db)["T4"].details == ThemeDetails("Roles", "Who does what.", "#d55e00")
        update_theme(db, row.id, before)
        assert themes(db)["T4"] == row
