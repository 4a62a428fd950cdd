"""Codings follow the text of their entry when it is edited and saved."""

from __future__ import annotations

from sqlalchemy import select

from plrdesk.domain import models as m
from plrdesk.domain.ids import EntryId
from plrdesk.domain.spans import Edit
from plrdesk.services.changes import Table
from plrdesk.services.entries import set_entry_text
from plrdesk.storage.study_file import StudyFile


def test_a_saved_edit_moves_the_coding(demo_study: StudyFile) -> None:
    with demo_study.transaction() as db:
        coding = db.scalars(select(m.Coding).where(m.Coding.start.is_not(None))).first()
        assert coding is not None
        entry = coding.entry
        assert entry.text is not None
        assert coding.start is not None
        assert coding.end is not None
        words = entry.text[coding.start : coding.end]
        changes = set_entry_text(db, EntryId(entry.id), "Earlier, " + entry.text)
        assert coding.id in changes.updated_ids(Table.CODING)
        assert entry.text[coding.start : coding.end] == words


def test_exact_edits_are_used_when_given(demo_study: StudyFile) -> None:
    with demo_study.transaction() as db:
        entry = db.scalars(select(m.Entry).where(m.Entry.ref == "E1")).one()
        entry.text = "alpha alpha alpha"
        theme = db.scalars(select(m.Theme)).first()
        coding = m.Coding(theme=theme, start=12, end=17)
        entry.codings.append(coding)
        db.flush()
        set_entry_text(db, EntryId(entry.id), "alpha alpha", [Edit(0, 6, 0)])
        assert (coding.start, coding.end) == (6, 11)


def test_a_coding_whose_words_are_all_deleted_goes_and_is_reported(demo_study: StudyFile) -> None:
    with demo_study.transaction() as db:
        coding = db.scalars(select(m.Coding).where(m.Coding.start.is_not(None))).first()
        assert coding is not None
        assert coding.start is not None
        assert coding.end is not None
        entry = coding.entry
        assert entry.text is not None
        coding_id = coding.id
        remaining = entry.text[: coding.start] + entry.text[coding.end :]
        changes = set_entry_text(db, EntryId(entry.id), remaining)
        assert changes.removed_ids(Table.CODING) == [coding_id]
    with demo_study.transaction() as db:
        assert db.get(m.Coding, coding_id) is None


def test_deleting_and_restoring_a_note_keeps_its_quote_marks(demo_study: StudyFile) -> None:
    from plrdesk.services.entries import delete_entry, restore_entry

    with demo_study.transaction() as db:
        coding = db.scalars(select(m.Coding)).first()
        assert coding is not None
        coding.exemplar = True
        entry_id, coding_id = coding.entry_id, coding.id
    with demo_study.transaction() as db:
        deleted = delete_entry(db, EntryId(entry_id))
    with demo_study.transaction() as db:
        restore_entry(db, deleted.snapshot)
    with demo_study.transaction() as db:
        assert db.get_one(m.Coding, coding_id).exemplar
