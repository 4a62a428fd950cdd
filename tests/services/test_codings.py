"""Coding passages: spans snapped to words, the same theme merged over overlapping spans,
several themes on one passage, whole entries, exact undo of every step, and an audit log
that never holds the coded words or a memo."""

from __future__ import annotations

import json
import uuid

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from plrdesk.domain import models as m
from plrdesk.domain.ids import CodingId, EntryId, SessionId, ThemeId
from plrdesk.domain.spans import Edit
from plrdesk.services.changes import Table
from plrdesk.services.codings import (
    NotAPassage,
    TextChanged,
    UnknownCoding,
    UnknownTheme,
    code_passage,
    codings_of_entry,
    codings_of_session,
    remove_coding,
    restore_coding,
    set_memo,
    themes_for_picker,
    undo_code,
)
from plrdesk.services.note_texts import save_entry_text
from plrdesk.services.themes import palette_colour
from plrdesk.storage.study_file import StudyFile

TEXT = "alpha beta gamma delta"  # alpha 0-5, beta 6-10, gamma 11-16, delta 17-22


def entry_with(db: Session, text: str = TEXT, ref: str = "E1") -> m.Entry:
    entry = db.scalars(select(m.Entry).where(m.Entry.ref == ref)).one()
    entry.text = text
    entry.codings.clear()
    db.flush()
    return entry


def theme(db: Session, ref: str) -> ThemeId:
    return ThemeId(db.scalars(select(m.Theme.id).where(m.Theme.ref == ref)).one())


def spans(db: Session, entry: m.Entry) -> list[tuple[str, int | None, int | None]]:
    db.flush()
    db.expire(entry, ["codings"])
    return [(c.theme.ref, c.start, c.end) for c in entry.codings]


def test_a_selection_is_snapped_to_its_words(demo_study: StudyFile) -> None:
    with demo_study.transaction() as db:
        entry = entry_with(db)
        coded = code_passage(db, EntryId(entry.id), theme(db, "T1"), 5, 11, memo="  why  ")
        assert (coded.start, coded.end) == (6, 10)
        assert coded.added_ids(Table.CODING) == [coded.coding_id]
        assert not coded.merged
        (view,) = codings_of_entry(db, EntryId(entry.id))
        assert (view.start, view.end, view.memo) == (6, 10, "why")
        assert view.theme_name == "Relationships between professionals"
        assert TEXT[view.start : view.end] == "beta"


@pytest.mark.parametrize(("start", "end"), [(5, 6), (0, 0), (20, 30), (-1, 3), (3, None)])
def test_a_span_outside_the_text_or_of_only_spaces_is_refused(
    demo_study: StudyFile, start: int, end: int | None
) -> None:
    with demo_study.transaction() as db:
        entry = entry_with(db)
        with pytest.raises(NotAPassage):
            code_passage(db, EntryId(entry.id), theme(db, "T1"), start, end)


def test_the_same_theme_on_an_overlapping_span_merges_into_one_coding(
    demo_study: StudyFile,
) -> None:
    with demo_study.transaction() as db:
        entry = entry_with(db)
        t1 = theme(db, "T1")
        first = code_passage(db, EntryId(entry.id), t1, 0, 10, memo="one")  # alpha beta
        second = code_passage(db, EntryId(entry.id), t1, 6, 16, memo="two")  # beta gamma
        assert second.merged
        assert second.coding_id == first.coding_id  # the earlier coding keeps its id
        assert spans(db, entry) == [("T1", 0, 16)]
        assert entry.codings[0].memo == "one\n\ntwo"
        assert second.removed == {}
        # A span apart from it by nothing but a space is one passage with it too.
        third = code_passage(db, EntryId(entry.id), t1, 16, 22)
        assert third.merged
        assert spans(db, entry) == [("T1", 0, 22)]


def test_a_span_bridging_two_codings_of_the_theme_joins_all_three(demo_study: StudyFile) -> None:
    with demo_study.transaction() as db:
        entry = entry_with(db)
        t1 = theme(db, "T1")
        a = code_passage(db, EntryId(entry.id), t1, 0, 5)
        b = code_passage(db, EntryId(entry.id), t1, 17, 22)
        joined = code_passage(db, EntryId(entry.id), t1, 3, 18)
        assert joined.coding_id == a.coding_id
        assert joined.removed == {"coding": [b.coding_id]}
        assert spans(db, entry) == [("T1", 0, 22)]
        undo_code(db, joined)
        assert spans(db, entry) == [("T1", 0, 5), ("T1", 17, 22)]
        ids = [c.id for c in entry.codings]
        assert ids == [a.coding_id, b.coding_id]


def test_different_themes_on_one_passage_are_separate_codings(demo_study: StudyFile) -> None:
    with demo_study.transaction() as db:
        entry = entry_with(db)
        code_passage(db, EntryId(entry.id), theme(db, "T1"), 0, 10)
        code_passage(db, EntryId(entry.id), theme(db, "T2"), 6, 16)
        code_passage(db, EntryId(entry.id), theme(db, "T3"), 0, 10)
        assert spans(db, entry) == [("T1", 0, 10), ("T2", 6, 16), ("T3", 0, 10)]
        # apart from each other, the same theme stays two codings
        code_passage(db, EntryId(entry.id), theme(db, "T1"), 17, 22)
        assert spans(db, entry)[-1] == ("T1", 17, 22)


def test_the_whole_entry_and_its_merge_with_spans(demo_study: StudyFile) -> None:
    with demo_study.transaction() as db:
        entry = entry_with(db)
        t2 = theme(db, "T2")
        span = code_passage(db, EntryId(entry.id), t2, 0, 5, memo="span")
        whole = code_passage(db, EntryId(entry.id), t2, None, None, memo="all of it")
        assert whole.coding_id == span.coding_id
        assert (whole.start, whole.end) == (None, None)
        assert spans(db, entry) == [("T2", None, None)]
        assert entry.codings[0].memo == "span\n\nall of it"
        again = code_passage(db, EntryId(entry.id), t2, 6, 10)  # already covered: nothing new
        assert again.coding_id == span.coding_id
        assert spans(db, entry) == [("T2", None, None)]
        (view,) = codings_of_entry(db, EntryId(entry.id))
        assert view.whole


def test_undo_of_a_new_coding_removes_it_and_redo_makes_the_same_one(
    demo_study: StudyFile,
) -> None:
    with demo_study.transaction() as db:
        entry = entry_with(db)
        wanted = CodingId(uuid.uuid4())
        coded = code_passage(db, EntryId(entry.id), theme(db, "T1"), 0, 5, coding_id=wanted)
        assert coded.coding_id == wanted
        changes = undo_code(db, coded)
        assert changes.removed == {"coding": [wanted]}
        assert entry.codings == []
        redone = code_passage(db, EntryId(entry.id), theme(db, "T1"), 0, 5, coding_id=wanted)
        assert redone.coding_id == wanted


def test_remove_and_restore_are_exact(demo_study: StudyFile) -> None:
    with demo_study.transaction() as db:
        entry = entry_with(db)
        code_passage(db, EntryId(entry.id), theme(db, "T3"), 0, 5)
        coded = code_passage(db, EntryId(entry.id), theme(db, "T1"), 6, 10, memo="kept")
        code_passage(db, EntryId(entry.id), theme(db, "T2"), 11, 16)
        row = db.get_one(m.Coding, coded.coding_id)
        row.exemplar = True
        position = row.position
        removed = remove_coding(db, coded.coding_id)
        assert removed.removed == {"coding": [coded.coding_id]}
        record = removed.record
        assert (record.start, record.end, record.memo, record.exemplar) == (6, 10, "kept", True)
        assert db.get(m.Coding, coded.coding_id) is None
        with pytest.raises(UnknownCoding):
            remove_coding(db, coded.coding_id)
        code_passage(db, EntryId(entry.id), theme(db, "T4"), 17, 22)  # takes the next position
        restored = restore_coding(db, record)
        assert restored.added == {"coding": [coded.coding_id]}
        back = db.get_one(m.Coding, coded.coding_id)
        assert (back.theme_id, back.start, back.end, back.memo, back.exemplar, back.position) == (
            record.theme_id,
            6,
            10,
            "kept",
            True,
            position,
        )
        assert [c.theme.ref for c in sorted(entry.codings, key=lambda c: c.position)] == [
            "T3",
            "T1",
            "T2",
            "T4",
        ]


def test_restore_refuses_a_theme_that_is_gone(demo_study: StudyFile) -> None:
    with demo_study.transaction() as db:
        entry = entry_with(db)
        t4 = theme(db, "T4")
        coded = code_passage(db, EntryId(entry.id), t4, 0, 5)
        record = remove_coding(db, coded.coding_id).record
        db.delete(db.get_one(m.Theme, t4))
        db.flush()
        with pytest.raises(UnknownTheme):
            restore_coding(db, record)
        with pytest.raises(UnknownTheme):
            code_passage(db, EntryId(entry.id), t4, 0, 5)


def test_a_memo_is_set_and_cleared(demo_study: StudyFile) -> None:
    with demo_study.transaction() as db:
        entry = entry_with(db)
        coded = code_passage(db, EntryId(entry.id), theme(db, "T1"), 0, 5)
        set_memo(db, coded.coding_id, " Strong quote ")
        assert db.get_one(m.Coding, coded.coding_id).memo == "Strong quote"
        changes = set_memo(db, coded.coding_id, "   ")
        assert changes.updated == {"coding": [coded.coding_id]}
        assert db.get_one(m.Coding, coded.coding_id).memo is None


def test_a_stale_screen_codes_nothing(demo_study: StudyFile) -> None:
    with demo_study.transaction() as db:
        entry = entry_with(db)
        with pytest.raises(TextChanged):
            code_passage(db, EntryId(entry.id), theme(db, "T1"), 0, 5, expect_text="other words")
        assert entry.codings == []
        code_passage(db, EntryId(entry.id), theme(db, "T1"), 0, 5, expect_text=TEXT)


def test_the_audit_log_names_ids_never_words_or_memos(demo_study: StudyFile) -> None:
    with demo_study.transaction() as db:
        entry = entry_with(db, "secretword and more")
        coded = code_passage(db, EntryId(entry.id), theme(db, "T1"), 0, 10, memo="privatememo")
        set_memo(db, coded.coding_id, "othermemo")
        record = remove_coding(db, coded.coding_id).record
        restore_coding(db, record)
        undo_code(db, code_passage(db, EntryId(entry.id), theme(db, "T2"), 0, 10))
        events = db.scalars(select(m.AuditEvent).order_by(m.AuditEvent.at)).all()
        mine = [e for e in events if "coding" in e.action or "code" in e.action]
        assert [e.action for e in mine] == [
            "code-passage",
            "coding-memo",
            "remove-coding",
            "restore-coding",
            "code-passage",
            "undo-code",
        ]
        assert str(coded.coding_id) in mine[0].record_ids
        dumped = json.dumps([(e.action, e.record_ids, e.detail) for e in events])
        for secret in ("secretword", "privatememo", "othermemo"):
            assert secret not in dumped


def test_themes_for_the_picker_are_paths_in_tree_order_with_colours(
    demo_study: StudyFile,
) -> None:
    with demo_study.transaction() as db:
        choices = themes_for_picker(db)
        names = [c.name for c in choices]
        assert names[:3] == [
            "Relationships between professionals",
            "Knowing and using common tools",
            "Knowing and using common tools › Using the CAF",
        ]
        assert choices[2].depth == 1
        assert all(c.colour.startswith("#") for c in choices)
        assert len({c.colour for c in choices}) == len(choices)  # the demo has no colours
        db.get_one(m.Theme, choices[0].id).colour = "#123456"
        assert themes_for_picker(db)[0].colour == "#123456"
        assert themes_for_picker(db)[1].colour == palette_colour("T2")  # as the tree shows it


def test_codings_of_a_session_by_entry(demo_study: StudyFile) -> None:
    with demo_study.transaction() as db:
        session = db.scalars(select(m.StudySession).where(m.StudySession.ref == "S1")).one()
        found = codings_of_session(db, SessionId(session.id))
        e2 = db.scalars(select(m.Entry).where(m.Entry.ref == "E2")).one()
        (view,) = found[e2.id]  # type: ignore[index]
        assert (view.start, view.end, view.memo) == (68, 144, "Personal contact speeds things up")
        assert all(v.entry_id == entry_id for entry_id, vs in found.items() for v in vs)


def test_a_save_that_deletes_every_coded_word_says_which_coding_went(
    demo_study: StudyFile,
) -> None:
    with demo_study.transaction() as db:
        entry = entry_with(db, "alpha alpha alpha")
        coded = code_passage(db, EntryId(entry.id), theme(db, "T1"), 12, 17, memo="m")
        # the first "alpha " goes
        kept = save_entry_text(db, EntryId(entry.id), "alpha alpha", [Edit(0, 6, 0)])
        assert kept.lost == []
        assert spans(db, entry) == [("T1", 6, 11)]
        gone = save_entry_text(db, EntryId(entry.id), "alpha ", [Edit(6, 5, 0)])
        (lost,) = gone.lost
        assert lost.record.id == coded.coding_id
        assert (lost.record.start, lost.record.end, lost.record.memo) == (6, 11, "m")
        assert lost.theme_name == "Relationships between professionals"
        assert lost.text_before == "alpha alpha"
        assert gone.removed == {"coding": [coded.coding_id]}
