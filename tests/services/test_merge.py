"""Merging two copies of a study (services/merge.py), rule by rule, on real study files."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from plrdesk.domain import models as m
from plrdesk.services.merge import NotACopy
from plrdesk.services.merge_file import preview
from plrdesk.storage.study_file import StudyFile
from tests.support.files import PASSPHRASE
from tests.support.merging import change, copy_of, entry, merge_files, participant, read, snapshot

NOW = dt.datetime(2026, 11, 27, 10, 0, tzinfo=dt.UTC)


def new_session(db: Session, ref: str, text: str, speaker: str = "P1") -> uuid.UUID:
    session = m.StudySession(ref=ref, kind="other", position=50)
    db.add(session)
    db.flush()
    note = m.Entry(
        ref=f"E-{ref}",
        session_id=session.id,
        text=text,
        speaker_id=participant(db, speaker).id,
        position=0,
    )
    db.add(note)
    db.flush()
    theme = db.scalars(select(m.Theme).filter_by(ref="T1")).one()
    db.add(m.Coding(entry_id=note.id, theme_id=theme.id, start=0, end=4))
    return session.id


def texts(path: Path) -> dict[str, str | None]:
    return read(path, lambda db: {e.ref: e.text for e in db.scalars(select(m.Entry))})


def test_an_unchanged_copy_brings_nothing(demo_path: Path) -> None:
    other = copy_of(demo_path, "other.plr")
    before = snapshot(demo_path)
    report = merge_files(demo_path, other)
    assert not report.changed
    assert report.summary_lines() == [
        "nothing new: the study already has everything the other copy has"
    ]
    assert snapshot(demo_path) == before


def test_what_only_the_other_copy_has_comes_in_with_its_ids(demo_path: Path) -> None:
    other = copy_of(demo_path, "other.plr")
    session_id = change(other, lambda db: new_session(db, "S40", "Tea with the head"))
    report = merge_files(demo_path, other)
    assert report.added == {"session": 1, "entry": 1, "coding": 1}
    got = read(demo_path, lambda db: db.get(m.StudySession, session_id))
    assert got is not None
    assert got.ref == "S40"
    assert texts(demo_path)["E-S40"] == "Tea with the head"


def test_the_same_ref_made_on_both_laptops_keeps_both(demo_path: Path) -> None:
    other = copy_of(demo_path, "other.plr")
    ours = change(demo_path, lambda db: new_session(db, "S12", "ours"))
    theirs = change(other, lambda db: new_session(db, "S12", "theirs"))
    report = merge_files(demo_path, other)
    renamed = {(r.table, r.old) for r in report.renamed}
    assert ("session", "S12") in renamed
    assert ("entry", "E-S12") in renamed
    new_ref = next(r.new for r in report.renamed if r.table == "session")
    assert new_ref not in {"S12", *[f"S{n}" for n in range(1, 12)]}
    refs = read(demo_path, lambda db: {s.id: s.ref for s in db.scalars(select(m.StudySession))})
    assert refs[ours] == "S12"
    assert refs[theirs] == new_ref
    assert any(f"session S12 -> {new_ref}" in line for line in report.summary_lines())


def test_an_edit_on_one_side_only_wins(demo_path: Path) -> None:
    other = copy_of(demo_path, "other.plr")
    change(other, lambda db: setattr(entry(db, "E3"), "text", "edited there"))
    change(demo_path, lambda db: setattr(entry(db, "E4"), "text", "edited here"))
    report = merge_files(demo_path, other)
    assert texts(demo_path)["E3"] == "edited there"
    assert texts(demo_path)["E4"] == "edited here"
    assert report.updated == {"entry": 1}
    assert report.conflicts == []


def test_an_edit_on_both_sides_keeps_ours_and_theirs_beside_it(demo_path: Path) -> None:
    other = copy_of(demo_path, "other.plr")
    change(demo_path, lambda db: setattr(entry(db, "E3"), "text", "typed here"))
    change(other, lambda db: setattr(entry(db, "E3"), "text", "typed there"))
    report = merge_files(demo_path, other, label="Ana's laptop")
    [conflict] = report.conflicts
    assert conflict.table == "entry"
    assert conflict.label == "entry E3"

    def check(db: Session) -> None:
        ours = entry(db, "E3")
        [copy] = db.scalars(select(m.Entry).where(m.Entry.conflict_of_id == ours.id)).all()
        assert (ours.text, ours.conflict_of_id) == ("typed here", None)
        assert (copy.text, copy.conflict_from) == ("typed there", "Ana's laptop")
        assert copy.session_id == ours.session_id
        assert copy.position == ours.position
        assert copy.ref in conflict.kept

    read(demo_path, check)


def test_a_record_other_than_an_entry_changed_on_both_keeps_theirs_in_merge_conflict(
    demo_path: Path,
) -> None:
    other = copy_of(demo_path, "other.plr")
    change(demo_path, lambda db: setattr(participant(db, "P2"), "name", "Name here"))
    change(other, lambda db: setattr(participant(db, "P2"), "name", "Name there"))
    report = merge_files(demo_path, other)
    assert [c.label for c in report.conflicts] == ["participant P2"]

    def check(db: Session) -> None:
        assert participant(db, "P2").name == "Name here"
        [kept] = db.scalars(select(m.MergeConflict)).all()
        assert (kept.tbl, kept.record_id) == ("participant", participant(db, "P2").id)
        assert kept.other["name"] == "Name there"

    read(demo_path, check)


def test_a_deletion_here_wins_over_an_edit_there(demo_path: Path) -> None:
    other = copy_of(demo_path, "other.plr")
    change(demo_path, lambda db: db.delete(entry(db, "E3")))
    change(other, lambda db: setattr(entry(db, "E3"), "text", "edited there"))
    report = merge_files(demo_path, other)
    assert "E3" not in texts(demo_path)
    assert any("entry E3: deleted here" in line for line in report.left_out)


def test_a_deletion_there_wins_over_an_edit_here(demo_path: Path) -> None:
    other = copy_of(demo_path, "other.plr")
    change(demo_path, lambda db: setattr(entry(db, "E3"), "text", "edited here"))
    change(
        other, lambda db: db.delete(db.scalars(select(m.StudySession).filter_by(ref="S1")).one())
    )
    report = merge_files(demo_path, other)
    assert report.deleted["session"] == 1
    assert (
        read(demo_path, lambda db: db.scalars(select(m.StudySession).filter_by(ref="S1")).all())
        == []
    )
    assert "E3" not in texts(demo_path)  # E3 was in S1


def test_a_withdrawal_there_wins_over_an_edit_here(demo_path: Path) -> None:
    other = copy_of(demo_path, "other.plr")
    change(demo_path, lambda db: setattr(participant(db, "P2"), "name", "Renamed here"))
    change(other, lambda db: setattr(participant(db, "P2"), "withdrawn_on", dt.date(2026, 11, 1)))
    report = merge_files(demo_path, other)
    assert read(demo_path, lambda db: participant(db, "P2").withdrawn_on) == dt.date(2026, 11, 1)
    assert "withdrawal wins" in report.conflicts[0].kept
    assert not merge_files(demo_path, other).changed


def test_a_withdrawal_here_outlives_their_later_edit(demo_path: Path) -> None:
    other = copy_of(demo_path, "other.plr")
    change(
        demo_path, lambda db: setattr(participant(db, "P2"), "withdrawn_on", dt.date(2026, 11, 1))
    )
    change(other, lambda db: setattr(participant(db, "P2"), "name", "Renamed there"))
    merge_files(demo_path, other)
    assert read(demo_path, lambda db: participant(db, "P2").withdrawn_on) == dt.date(2026, 11, 1)


def _erase(db: Session, ref: str) -> None:
    from plrdesk.services.withdrawal import withdraw_participant

    withdraw_participant(db, ref, on=dt.date(2026, 11, 20), erase=True)


def _words_of(path: Path, ref: str) -> int:
    def count(db: Session) -> int:
        who = participant(db, ref).id
        return int(db.scalar(select(func.count()).where(m.Entry.speaker_id == who)) or 0)

    return read(path, count)


def test_an_erasure_there_is_honoured_here_even_for_words_added_since(demo_path: Path) -> None:
    other = copy_of(demo_path, "other.plr")
    assert _words_of(demo_path, "P1") > 0
    change(demo_path, lambda db: new_session(db, "S41", "P1 said more here"))
    change(other, lambda db: _erase(db, "P1"))
    report = merge_files(demo_path, other)
    assert _words_of(demo_path, "P1") == 0
    assert report.erased_here > 0
    assert report.needs_vacuum
    assert read(demo_path, lambda db: participant(db, "P1").withdrawn_on) is not None
    assert not merge_files(demo_path, other).changed


def test_an_erasure_here_keeps_their_words_out(demo_path: Path) -> None:
    other = copy_of(demo_path, "other.plr")
    change(demo_path, lambda db: _erase(db, "P1"))
    change(other, lambda db: new_session(db, "S42", "P1 said more there"))
    change(other, lambda db: setattr(entry(db, "E2"), "text", "P1 edited there"))
    report = merge_files(demo_path, other)
    assert _words_of(demo_path, "P1") == 0
    assert "E-S42" not in texts(demo_path)
    assert any("erased participant" in line for line in report.left_out)


def test_merging_the_same_copy_again_changes_nothing(demo_path: Path) -> None:
    other = copy_of(demo_path, "other.plr")
    change(demo_path, lambda db: setattr(entry(db, "E3"), "text", "typed here"))
    change(other, lambda db: setattr(entry(db, "E3"), "text", "typed there"))
    change(other, lambda db: setattr(participant(db, "P2"), "name", "Name there"))
    change(demo_path, lambda db: setattr(participant(db, "P2"), "name", "Name here"))
    change(other, lambda db: new_session(db, "S12", "theirs"))
    change(demo_path, lambda db: new_session(db, "S12", "ours"))
    change(other, lambda db: db.delete(entry(db, "E5")))
    assert merge_files(demo_path, other).changed
    after = snapshot(demo_path)
    again = merge_files(demo_path, other)
    assert not again.changed
    assert snapshot(demo_path) == after


def test_copies_merged_both_ways_settle_on_the_same_words(demo_path: Path) -> None:
    other = copy_of(demo_path, "other.plr")
    change(demo_path, lambda db: setattr(entry(db, "E3"), "text", "typed here"))
    change(other, lambda db: setattr(entry(db, "E3"), "text", "typed there"))
    change(other, lambda db: setattr(entry(db, "E4"), "text", "only there"))
    merge_files(demo_path, other)
    merge_files(other, demo_path)
    merge_files(demo_path, other)
    assert not merge_files(other, demo_path).changed
    assert texts(demo_path) == texts(other)


def test_a_dry_run_says_what_would_come_and_changes_nothing(demo_path: Path) -> None:
    other = copy_of(demo_path, "other.plr")
    change(other, lambda db: new_session(db, "S40", "Tea"))
    before = snapshot(demo_path)
    with StudyFile.open(other, PASSPHRASE) as theirs, StudyFile.open(demo_path, PASSPHRASE) as ours:
        report = preview(ours, theirs, label="x")
    assert report.added["session"] == 1
    assert snapshot(demo_path) == before


def test_another_study_is_refused(demo_path: Path, empty_study_path: Path) -> None:
    before = snapshot(demo_path)
    with pytest.raises(NotACopy, match="not a copy of this study"):
        merge_files(demo_path, empty_study_path)
    assert snapshot(demo_path) == before
