"""Migration 0011's bookkeeping for merges: revisions, tombstones, erasure records."""

from __future__ import annotations

import datetime as dt
import importlib
import shutil
import uuid
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from plrdesk.domain import models as m
from plrdesk.services.merge_tables import BOOKKEEPING
from plrdesk.storage import cipher, migrate
from plrdesk.storage.study_file import StudyFile
from tests.support.files import PASSPHRASE
from tests.support.merging import change, entry, merge_files, read

v0011 = importlib.import_module("plrdesk.storage.migrations.versions.0011_team_studies")


def _rev(path: Path, ref: str) -> tuple[str | None, list[str]]:
    return read(path, lambda db: (entry(db, ref).rev, list(entry(db, ref).revs or [])))


def test_every_column_of_a_tracked_table_counts_as_an_edit_but_its_place() -> None:
    """A column added later must be added to its table's trigger (see migration 0011)."""
    for table, columns in v0011.TRACKED.items():
        model_columns = {c.name for c in m.Base.metadata.tables[table].columns}
        expected = model_columns - BOOKKEEPING - {"created_at", "updated_at"}
        assert set(columns) == expected, table


def test_an_edit_moves_the_revision_and_keeps_the_old_one(demo_path: Path) -> None:
    first, history = _rev(demo_path, "E3")
    assert first is not None
    assert history == []
    change(demo_path, lambda db: setattr(entry(db, "E3"), "text", "once"))
    second, history = _rev(demo_path, "E3")
    assert second != first
    assert history == [first]
    with StudyFile.open(demo_path, PASSPHRASE) as study:  # raw SQL is tracked too
        study.raw_execute("UPDATE entry SET text = 'twice' WHERE ref = 'E3'")
    third, history = _rev(demo_path, "E3")
    assert third not in (first, second)
    assert history == [first, second]


def test_moving_a_record_is_no_edit(demo_path: Path) -> None:
    before = _rev(demo_path, "E3")
    change(demo_path, lambda db: setattr(entry(db, "E3"), "position", 99))
    assert _rev(demo_path, "E3") == before


def test_the_history_keeps_the_last_hundred(demo_path: Path) -> None:
    with StudyFile.open(demo_path, PASSPHRASE) as study:
        for n in range(105):
            study.raw_execute(f"UPDATE entry SET text = 'edit {n}' WHERE ref = 'E3'")
    rev, history = _rev(demo_path, "E3")
    assert len(history) == 100
    assert rev not in history


def test_a_deletion_leaves_a_tombstone_and_an_undo_takes_it_away(demo_path: Path) -> None:
    gone = change(demo_path, lambda db: _delete_session(db, "S1"))
    stones = read(
        demo_path, lambda db: {(t.tbl, t.record_id) for t in db.scalars(select(m.Tombstone))}
    )
    assert ("session", gone.hex) in stones
    assert any(tbl == "entry" for tbl, _ in stones)  # its entries went by cascade
    assert any(tbl == "session_participant" for tbl, _ in stones)
    change(demo_path, lambda db: db.add(m.StudySession(id=gone, ref="S1", kind="other")))
    stones = read(
        demo_path, lambda db: {(t.tbl, t.record_id) for t in db.scalars(select(m.Tombstone))}
    )
    assert ("session", gone.hex) not in stones


def _delete_session(db: Session, ref: str) -> uuid.UUID:
    session = db.scalars(select(m.StudySession).filter_by(ref=ref)).one()
    db.delete(session)
    return session.id


def test_an_erasure_is_recorded(demo_path: Path) -> None:
    from plrdesk.services.withdrawal import withdraw_participant

    def erase(db: Session) -> uuid.UUID:
        return withdraw_participant(db, "P1", on=dt.date(2026, 1, 1), erase=True).participant.id

    who = change(demo_path, erase)
    assert read(demo_path, lambda db: list(db.scalars(select(m.Erasure.participant_id)))) == [who]


def _study_at_0010(path: Path) -> None:
    """A study as plrdesk wrote it before revisions were kept."""
    study = StudyFile(path, cipher.connect(path, PASSPHRASE, must_exist=False))
    migrate.upgrade(study.engine, "0010")
    now = dt.datetime.now(dt.UTC).isoformat()
    sid, pid, e1, e2 = (uuid.uuid4().hex for _ in range(4))
    for sql in [
        f"INSERT INTO study (id, title, aims, created_at) VALUES ('{sid}', 'Old', '[]', '{now}')",
        f"INSERT INTO session (id, ref, kind, position) VALUES ('{pid}', 'S1', 'other', 0)",
        "INSERT INTO entry (id, ref, session_id, text, verbatim, follow_up, position) "
        f"VALUES ('{e1}', 'E1', '{pid}', 'the kettle whistled', 0, 0, 0)",
        "INSERT INTO entry (id, ref, session_id, text, verbatim, follow_up, position) "
        f"VALUES ('{e2}', 'E2', '{pid}', 'the cat slept', 0, 0, 1)",
    ]:
        study.raw_execute(sql)
    study.close()


def test_two_copies_of_an_old_study_upgraded_apart_agree_on_what_is_unchanged(
    tmp_path: Path,
) -> None:
    ours, theirs = tmp_path / "ours.plr", tmp_path / "theirs.plr"
    _study_at_0010(ours)
    shutil.copyfile(ours, theirs)
    assert not merge_files(ours, theirs).changed  # both upgraded on open, apart
    assert read(ours, lambda db: entry(db, "E1").text) == "the kettle whistled"  # data kept
    change(theirs, lambda db: setattr(entry(db, "E2"), "text", "the cat woke"))
    report = merge_files(ours, theirs)
    assert report.updated == {"entry": 1}
    assert report.conflicts == []
    assert read(ours, lambda db: entry(db, "E2").text) == "the cat woke"
