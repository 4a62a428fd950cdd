"""A study replaced under an open writer (a backup restored with `mv` or `cp`): nothing
more is saved, and closing leaves the restored file exactly as restored, with a copy of
what the writer had kept in STUDY.plr.backups/.

Before: saves went on ("Saved at") into the deleted file, and on close SQLite checkpointed
the writer's -wal into whatever was at the study's name: after `cp`, into the restored file.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from plrdesk.domain.models import Study
from plrdesk.storage.backups import backup_dir
from plrdesk.storage.errors import StudyReplaced
from plrdesk.storage.study_file import StudyFile
from plrdesk.storage.study_lock import APP, StudyLock
from tests.support.files import PASSPHRASE, digest


def _mv(backup: Path, study: Path) -> None:
    os.replace(backup, study)


def _cp(backup: Path, study: Path) -> None:
    shutil.copyfile(backup, study)


def _title_in_another_process(path: Path) -> str:
    """Another program's view (SQLite shares one -shm per file within a process)."""
    code = (
        "import sys; from pathlib import Path; from plrdesk.storage.study_file import StudyFile\n"
        "with StudyFile.open(Path(sys.argv[1]), sys.argv[2]) as s, s.transaction() as db:\n"
        "    print(s.study_row(db).title)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(path), PASSPHRASE], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def _title(path: Path) -> str:
    with StudyFile.open(path, PASSPHRASE) as study, study.transaction() as db:
        return study.study_row(db).title


@pytest.mark.parametrize("restore", [_mv, _cp], ids=["mv", "cp"])
def test_a_replaced_study_gets_nothing_more_and_the_restored_file_is_left_as_restored(
    demo_path: Path, tmp_path: Path, restore: Callable[[Path, Path], None]
) -> None:
    backup = tmp_path / "backup.plr"
    shutil.copyfile(demo_path, backup)
    restored = digest(backup)
    study = StudyFile.open(demo_path, PASSPHRASE, lock=StudyLock.acquire(demo_path, APP))
    study.raw_execute("PRAGMA wal_autocheckpoint = 0")  # keep our frames in the -wal
    with study.transaction() as db:
        db.query(Study).one().title = "typed in the app before the restore"
    study.check_unchanged()  # our own commit is ours

    restore(backup, demo_path)

    with pytest.raises(StudyReplaced, match="while it was open"):
        study.check_unchanged()
    # At once, not only on close: an opener (or a crash) must not find our pages beside it.
    assert not Path(f"{demo_path}-wal").exists()
    assert _title_in_another_process(demo_path) != "typed in the app before the restore"
    study.note_own_changes()  # nothing makes the new file ours
    with pytest.raises(StudyReplaced):
        study.check_unchanged()
    study.close()

    assert digest(demo_path) == restored
    assert not Path(f"{demo_path}-wal").exists()
    assert not [p for p in demo_path.parent.iterdir() if ".replaced-" in p.name]
    assert _title(demo_path) != "typed in the app before the restore"
    kept = sorted(backup_dir(demo_path).glob("*-replaced.plr"))
    assert len(kept) == 1
    if restore is _mv:  # the writer's own file was intact, so its copy is exact
        assert _title(kept[0]) == "typed in the app before the restore"
