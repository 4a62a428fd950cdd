"""Alembic migrations: the schema they build is the model; older files upgrade on open."""

from __future__ import annotations

import datetime as dt
import os
import uuid
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from plrdesk.domain.models import Base
from plrdesk.storage import cipher, migrate
from plrdesk.storage.backups import backup_dir
from plrdesk.storage.errors import NotAStudyFile
from plrdesk.storage.search import search_entries
from plrdesk.storage.study_file import StudyFile
from tests.support.files import PASSPHRASE


def test_migrations_build_exactly_the_models(empty_study: StudyFile) -> None:
    with empty_study.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    # The full-text index is raw SQL (FTS5 and triggers); the ORM does not model it.
    unexplained = [
        d for d in diff if not (d[0] == "remove_table" and d[1].name.startswith("entry_fts"))
    ]
    assert unexplained == []


def test_the_revision_list_matches_the_scripts() -> None:
    assert list(migrate.REVISIONS) == migrate.script_revisions()


def test_a_new_study_is_at_head(empty_study: StudyFile) -> None:
    assert migrate.current_revision(empty_study.engine) == migrate.HEAD


def make_study_at_first_revision(path: Path) -> None:
    """A study as the first release wrote it: schema 0001, one entry, no full-text index."""
    study = StudyFile(path, cipher.connect(path, PASSPHRASE, must_exist=False))
    migrate.upgrade(study.engine, "0001")
    now = dt.datetime.now(dt.UTC).isoformat()
    sid, pid, eid = (uuid.uuid4().hex for _ in range(3))
    for sql in [
        f"INSERT INTO study (id, title, aims, created_at) VALUES ('{sid}', 'Old', '[]', '{now}')",
        f"INSERT INTO session (id, ref, kind, position) VALUES ('{pid}', 'S1', 'other', 0)",
        "INSERT INTO entry (id, ref, session_id, text, verbatim, position) "
        f"VALUES ('{eid}', 'E1', '{pid}', 'the kettle whistled loudly', 0, 0)",
    ]:
        study.raw_execute(sql)
    study.close()


def test_an_older_study_is_backed_up_then_upgraded_on_open(tmp_path: Path) -> None:
    path = tmp_path / "old.plr"
    make_study_at_first_revision(path)
    with StudyFile.open(path, PASSPHRASE) as study:
        assert migrate.current_revision(study.engine) == migrate.HEAD
        with study.transaction() as db:
            hits = search_entries(db, "kettle")
        assert len(hits) == 1  # the upgrade indexed what the study already held
    backups = list(backup_dir(path).glob("*.plr"))
    assert len(backups) == 1
    assert "before-upgrade" in backups[0].name
    # The backup is the old schema, encrypted under the same passphrase.
    old = StudyFile(backups[0], cipher.connect(backups[0], PASSPHRASE, must_exist=True))
    assert migrate.current_revision(old.engine) == "0001"
    old.close()


def test_a_study_from_a_newer_plrdesk_is_refused(empty_study_path: Path) -> None:
    with StudyFile.open(empty_study_path, PASSPHRASE) as study:
        study.raw_execute("UPDATE alembic_version SET version_num = 'ffff_future'")
    with pytest.raises(NotAStudyFile, match="newer plrdesk"):
        StudyFile.open(empty_study_path, PASSPHRASE)


TRIGGERS = {"entry_fts_insert", "entry_fts_update", "entry_fts_delete"}


def triggers(study: StudyFile) -> set[str]:
    return {
        row[0] for row in study.raw_execute("SELECT name FROM sqlite_master WHERE type='trigger'")
    }


def test_a_new_study_has_the_full_text_triggers(empty_study: StudyFile) -> None:
    # (migration 0011 adds revision and tombstone triggers: tests/storage/test_revisions.py)
    assert triggers(empty_study) >= TRIGGERS


def test_an_upgraded_study_keeps_indexing_edits(tmp_path: Path) -> None:
    """Every migration after 0002 must leave the triggers in place (batch mode would not)."""
    path = tmp_path / "old.plr"
    make_study_at_first_revision(path)
    with StudyFile.open(path, PASSPHRASE) as study:
        assert triggers(study) >= TRIGGERS
        study.raw_execute("UPDATE entry SET text = 'the marmoset climbed' WHERE ref = 'E1'")
        with study.transaction() as db:
            assert len(search_entries(db, "marmoset")) == 1
            assert search_entries(db, "kettle") == []


def test_info_on_an_older_study_upgrades_it_first(tmp_path: Path) -> None:
    from plrdesk.cli.app import run

    path = tmp_path / "old.plr"
    make_study_at_first_revision(path)
    os.environ["PLRDESK_PASSPHRASE"] = PASSPHRASE
    try:
        assert run(["info", str(path)]) == 0
    finally:
        del os.environ["PLRDESK_PASSPHRASE"]
    with StudyFile.open(path, PASSPHRASE) as study:
        assert migrate.current_revision(study.engine) == migrate.HEAD
    assert len(list(backup_dir(path).glob("*.plr"))) == 1
