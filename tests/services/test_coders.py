"""Coders on a real study: who a coding names, what new codings get, and that one coder's
codings never merge into another's."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from plrdesk.domain import models as m
from plrdesk.domain.ids import CodingId, EntryId, ThemeId
from plrdesk.services.coders import (
    DEFAULT_RESEARCHER,
    CoderCount,
    coder_for_new_codings,
    coder_key,
    coder_names,
    coders_of,
    find_coder,
    researcher_name,
)
from plrdesk.services.codings import (
    code_passage,
    codings_of_entry,
    remove_coding,
    restore_coding,
    undo_code,
)
from plrdesk.storage.study_file import StudyFile

TEXT = "alpha beta gamma delta"


def _entry(db: Session) -> m.Entry:
    entry = db.scalars(select(m.Entry).where(m.Entry.ref == "E1")).one()
    entry.text = TEXT
    entry.codings.clear()
    db.flush()
    return entry


def _theme(db: Session, ref: str = "T1") -> ThemeId:
    return ThemeId(db.scalars(select(m.Theme.id).where(m.Theme.ref == ref)).one())


def _copy_for(db: Session, coder: str | None) -> None:
    db.execute(update(m.Study).values(copy_coder=coder))


def test_names_and_keys(demo_study: StudyFile) -> None:
    assert coder_key("  Sam   PATEL ") == "sam patel"
    with demo_study.transaction() as db:
        assert researcher_name(db) == "Claire Beaumont"
        assert coders_of(db) == [CoderCount("Claire Beaumont", 33)]
        assert find_coder(coders_of(db), "claire  beaumont") == "Claire Beaumont"
        assert find_coder(coders_of(db), "Bo") is None
        db.execute(update(m.Study).values(researcher=None))
        assert researcher_name(db) == DEFAULT_RESEARCHER
        assert coders_of(db) == [CoderCount(DEFAULT_RESEARCHER, 33)]


def test_a_new_coding_is_the_researchers_unless_the_study_is_a_coding_copy(
    demo_study: StudyFile,
) -> None:
    with demo_study.transaction() as db:
        entry = _entry(db)
        assert coder_for_new_codings(db) is None
        mine = code_passage(db, EntryId(entry.id), _theme(db), 0, 5)
        _copy_for(db, "  Bo  Chan ")
        assert coder_for_new_codings(db) == "Bo Chan"
        theirs = code_passage(db, EntryId(entry.id), _theme(db), 0, 10)
        # Same theme, overlapping span, another coder: not merged, two codings.
        assert not theirs.merged
        assert theirs.coding_id != mine.coding_id
        stored = {c.id: c.coder for c in db.scalars(select(m.Coding).filter_by(entry_id=entry.id))}
        assert stored == {mine.coding_id: None, theirs.coding_id: "Bo Chan"}
        views = {v.id: v.coder for v in codings_of_entry(db, EntryId(entry.id))}
        assert views == {mine.coding_id: "Claire Beaumont", theirs.coding_id: "Bo Chan"}
        assert coder_names(db, [mine.coding_id]) == {mine.coding_id: "Claire Beaumont"}
        # The second coder's own overlapping coding does merge into theirs.
        again = code_passage(db, EntryId(entry.id), _theme(db), 6, 16)
        assert again.merged
        assert again.coding_id == theirs.coding_id
        undo_code(db, again)
        assert db.get(m.Coding, theirs.coding_id).coder == "Bo Chan"  # type: ignore[union-attr]


def test_remove_and_restore_keep_the_coder(demo_study: StudyFile) -> None:
    with demo_study.transaction() as db:
        entry = _entry(db)
        _copy_for(db, "Bo Chan")
        coded = code_passage(db, EntryId(entry.id), _theme(db), 0, 5)
        _copy_for(db, None)
        removed = remove_coding(db, CodingId(coded.coding_id))
        restore_coding(db, removed.record)
        back = db.get(m.Coding, coded.coding_id)
        assert back is not None
        assert back.coder == "Bo Chan"
