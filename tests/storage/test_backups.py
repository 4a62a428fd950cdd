"""Encrypted backups: a whole copy under the same passphrase, written via a temporary name;
automatic backups keep the newest few; `plrdesk backup` and `plrdesk check` from the CLI."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from plrdesk.services.study_dump import dump_document
from plrdesk.storage.backups import KEEP_AUTOMATIC, automatic_backup, backup_dir, backup_to
from plrdesk.storage.cipher import PAGE_SIZE
from plrdesk.storage.errors import WouldOverwriteStudy, WrongPassphrase
from plrdesk.storage.search import search_entries
from plrdesk.storage.study_file import StudyFile
from tests.conftest import CliResult
from tests.support.files import PASSPHRASE, digest

Cli = Callable[..., CliResult]

TABLES = [
    "study",
    "identifier",
    "participant",
    "guardianship",
    "consent",
    "session",
    "session_participant",
    "call_attempt",
    "entry",
    "theme",
    "coding",
    "export_setting",
    "audit_log",
    "alembic_version",
    "entry_fts_map",
    "entry_fts",
]


def _counts(study: StudyFile) -> dict[str, int]:
    return {
        table: int(study.raw_execute(f"SELECT count(*) FROM {table}")[0][0]) for table in TABLES
    }


def _snapshot(study: StudyFile) -> tuple[dict[str, int], dict[str, Any]]:
    with study.transaction() as db:
        return _counts(study), dump_document(db)


def _names(folder: Path) -> list[str]:
    return sorted(os.listdir(folder))


# -- backup_to -------------------------------------------------------------------------------


def test_a_backup_opens_with_the_same_passphrase_and_holds_the_same_rows(
    demo_study: StudyFile, tmp_path: Path
) -> None:
    dest = tmp_path / "copies" / "backup.plr"
    dest.parent.mkdir()
    before = _snapshot(demo_study)
    assert before[0]["entry"] > 0  # a non-empty study, so "same rows" means something

    assert backup_to(demo_study, dest) == dest.resolve()

    assert _names(dest.parent) == ["backup.plr"]  # no .partial, no -wal/-shm
    raw = dest.read_bytes()
    assert len(raw) % PAGE_SIZE == 0
    assert not raw.startswith(b"SQLite format 3")
    with pytest.raises(WrongPassphrase):
        StudyFile.open(dest, "not the passphrase at all")
    with StudyFile.open(dest, PASSPHRASE) as copy:
        assert copy.integrity_problems() == []
        assert _snapshot(copy) == before
        with copy.transaction() as db:  # the full-text index came along and works
            assert search_entries(db, "corridors")


def test_a_backup_taken_while_the_study_has_unsaved_wal_holds_the_latest_rows(
    demo_study: StudyFile, tmp_path: Path
) -> None:
    demo_study.raw_execute("UPDATE study SET researcher = 'Backup Tester'")
    wal = Path(f"{demo_study.path}-wal")
    assert wal.stat().st_size > 0  # the change is still only in the WAL
    dest = backup_to(demo_study, tmp_path / "b.plr")
    with StudyFile.open(dest, PASSPHRASE) as copy:
        assert copy.raw_execute("SELECT researcher FROM study") == [("Backup Tester",)]


def test_a_failed_backup_to_a_missing_folder_raises_and_leaves_nothing(
    demo_study: StudyFile, tmp_path: Path
) -> None:
    dest = tmp_path / "no-such-folder" / "backup.plr"
    before = _names(tmp_path)
    with pytest.raises(FileNotFoundError):
        backup_to(demo_study, dest)
    assert not dest.parent.exists()
    assert _names(tmp_path) == before
    assert demo_study.integrity_problems() == []  # the study is still usable afterwards
    backup_to(demo_study, tmp_path / "after.plr")  # and the ATTACH was undone
    assert (tmp_path / "after.plr").exists()


def test_a_backup_that_fails_at_the_rename_leaves_no_partial(
    demo_study: StudyFile, tmp_path: Path
) -> None:
    dest = tmp_path / "a-folder"
    dest.mkdir()
    (dest / "keep.txt").write_text("mine", encoding="utf-8")
    before = _names(tmp_path)
    with pytest.raises(OSError, match="directory"):
        backup_to(demo_study, dest)
    assert _names(tmp_path) == before  # no .a-folder.partial beside it
    assert _names(dest) == ["keep.txt"]


def test_a_backup_cannot_overwrite_the_study_itself(demo_study: StudyFile) -> None:
    path = demo_study.path
    before = digest(path)
    spelled_differently = path.parent / "." / path.name
    with pytest.raises(WouldOverwriteStudy, match="itself"):
        backup_to(demo_study, spelled_differently)
    assert digest(path) == before


# -- automatic backups -----------------------------------------------------------------------


def test_automatic_backups_keep_only_the_newest_five(demo_study: StudyFile) -> None:
    made = []
    for n in range(KEEP_AUTOMATIC + 1):
        demo_study.raw_execute(f"UPDATE study SET researcher = 'version {n}'")
        made.append(automatic_backup(demo_study, reason="test"))
    folder = backup_dir(demo_study.path)
    assert folder == demo_study.path.with_name("demo.plr.backups")
    assert KEEP_AUTOMATIC == 5
    assert _names(folder) == sorted(p.name for p in made[-5:])
    assert (folder.stat().st_mode & 0o777) == 0o700
    # the newest kept one holds the latest change; the oldest kept one its own version
    with StudyFile.open(made[-1], PASSPHRASE) as copy:
        assert copy.raw_execute("SELECT researcher FROM study") == [("version 5",)]
    with StudyFile.open(made[-5], PASSPHRASE) as copy:
        assert copy.raw_execute("SELECT researcher FROM study") == [("version 1",)]


def test_pruning_automatic_backups_leaves_files_it_did_not_write(demo_study: StudyFile) -> None:
    """The backups folder sits beside the study "where the researcher will look"; a copy the
    researcher puts there by hand must not be deleted by pruning.

    (Regression: pruning once took every *.plr in the folder, so a hand-made copy whose
    name sorted first was deleted.)
    """
    folder = backup_dir(demo_study.path)
    folder.mkdir()
    mine = backup_to(demo_study, folder / "0-before-my-supervision-meeting.plr")
    for _ in range(KEEP_AUTOMATIC):
        automatic_backup(demo_study, reason="test")
    assert mine.exists()


# -- the CLI ---------------------------------------------------------------------------------


def test_cli_backup_writes_an_encrypted_copy(cli: Cli, demo_path: Path, tmp_path: Path) -> None:
    dest = tmp_path / "copy.plr"
    before = digest(demo_path)
    result = cli("backup", demo_path, dest)
    assert result.code == 0, result.err
    assert "backed up to" in result.out
    assert not dest.read_bytes().startswith(b"SQLite format 3")
    assert digest(demo_path) == before
    with StudyFile.open(dest, PASSPHRASE) as copy:
        assert copy.integrity_problems() == []
        assert _counts(copy)["entry"] == 94
    assert not [n for n in _names(tmp_path) if "partial" in n or n.endswith(("-wal", "-shm"))]


@pytest.mark.parametrize("spelling", ["same", "dotted"])
def test_cli_backup_refuses_to_overwrite_the_study(
    cli: Cli, demo_path: Path, spelling: str
) -> None:
    dest = demo_path if spelling == "same" else demo_path.parent / "." / demo_path.name
    before = digest(demo_path)
    result = cli("backup", demo_path, dest)
    assert result.code != 0
    assert len(result.err.splitlines()) == 1, result.err
    assert digest(demo_path) == before
    with StudyFile.open(demo_path, PASSPHRASE) as study:
        assert study.integrity_problems() == []


def test_cli_backup_onto_the_study_says_why(cli: Cli, demo_path: Path) -> None:
    """The refusal reaches the user as its reason, not as "unexpected error".

    (Regression: backup_to raised ValueError, which classify() reported as exit 1
    "unexpected error (ValueError); run again with --debug".)"""
    result = cli("backup", demo_path, demo_path)
    assert result.code != 0
    assert "cannot overwrite" in result.err, result.err


def test_cli_check_on_a_healthy_study(cli: Cli, demo_path: Path) -> None:
    result = cli("check", demo_path)
    assert result.code == 0, result.err
    assert "ok" in result.out
    assert result.err == ""


def test_cli_check_finds_one_flipped_byte_in_the_middle_page(cli: Cli, demo_path: Path) -> None:
    """One flipped byte in an encrypted page makes that page's HMAC fail.

    `PRAGMA integrity_check` then raises ("database disk image is malformed") rather than
    returning rows; that must still be reported as damage. (Regression: it was exit 1
    "unexpected error (DatabaseError); run again with --debug".)
    """
    data = bytearray(demo_path.read_bytes())
    pages = len(data) // PAGE_SIZE
    middle = pages // 2
    data[middle * PAGE_SIZE + PAGE_SIZE // 2] ^= 0x01
    demo_path.write_bytes(bytes(data))
    before = digest(demo_path)

    result = cli("check", demo_path)

    assert result.code in (3, 4), (result.code, result.err)
    lines = result.err.splitlines()
    assert len(lines) == 1, result.err
    assert lines[0].startswith(f"plrdesk: {demo_path}: ")
    assert "damaged" in lines[0]
    assert "Traceback" not in result.err
    assert digest(demo_path) == before


def test_cli_backup_will_not_replace_another_file_unasked(
    cli: Cli, demo_path: Path, tmp_path: Path
) -> None:
    other = tmp_path / "other-study.plr"
    other.write_bytes(b"precious")
    refused = cli("backup", demo_path, other)
    assert refused.code == 2
    assert "--overwrite" in refused.err
    assert other.read_bytes() == b"precious"
    assert cli("backup", demo_path, other, "--overwrite").code == 0
    with StudyFile.open(other, PASSPHRASE) as study:
        assert study.integrity_problems() == []
