"""A `-wal` from another study (same passphrase) is set aside, never replayed into this one.

Before: any command, even `info`, checkpointed a stranger's WAL into the study, which was
then permanently damaged. Now the WAL is checked frame by frame against this study's own
key first; one that does not belong is moved aside and the study opens as it was. A
genuine crash leftover is still replayed (and the SIGKILL-during-import tests still pass).
"""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from plrdesk.storage.study_file import StudyFile
from tests.conftest import CliResult
from tests.support.files import PASSPHRASE, digest


def _leftover_wal(study: Path, folder: Path, note: str) -> Path:
    """A -wal with committed frames, left as a crash leaves it: the writer is killed."""
    script = (
        "import os, sys\n"
        "from plrdesk.storage.study_file import StudyFile\n"
        "s = StudyFile.open(__import__('pathlib').Path(sys.argv[1]), sys.argv[2])\n"
        "s.raw_execute('PRAGMA wal_autocheckpoint = 0')\n"
        "with s.transaction() as db:\n"
        "    from plrdesk.domain.models import Study\n"
        "    db.query(Study).one().title = sys.argv[3]\n"
        "os.kill(os.getpid(), 9)\n"
    )
    done = subprocess.run([sys.executable, "-c", script, str(study), PASSPHRASE, note])
    assert done.returncode == -signal.SIGKILL
    wal = study.with_name(study.name + "-wal")
    assert wal.stat().st_size > 4096
    return wal


def _title(path: Path) -> str:
    with StudyFile.open(path, PASSPHRASE) as study, study.transaction() as db:
        return study.study_row(db).title


def test_a_strangers_wal_is_moved_aside_and_the_study_opens_as_it_was(
    cli: Callable[..., CliResult], demo_path: Path, empty_study_path: Path, tmp_path: Path
) -> None:
    stranger = tmp_path / "stranger" / "stranger.plr"
    stranger.parent.mkdir()
    shutil.copyfile(empty_study_path, stranger)
    foreign_wal = _leftover_wal(stranger, stranger.parent, "the other study's title")
    before = digest(demo_path)
    wal_bytes = foreign_wal.read_bytes()
    shutil.copyfile(foreign_wal, demo_path.with_name("demo.plr-wal"))

    result = cli("info", demo_path)

    assert result.code == 0, result.err
    assert "was not written by this study" in result.err
    aside = [p for p in tmp_path.iterdir() if p.name.startswith("demo.plr-wal.not-this-study")]
    assert len(aside) == 1, list(tmp_path.iterdir())
    assert str(aside[0]) in result.err
    assert aside[0].read_bytes() == wal_bytes  # moved, never deleted
    assert digest(demo_path) == before
    assert cli("check", demo_path).code == 0
    assert _title(demo_path) != "the other study's title"


def test_a_genuine_crash_leftover_is_still_replayed(empty_study_path: Path, tmp_path: Path) -> None:
    _leftover_wal(empty_study_path, tmp_path, "kept from before the crash")
    assert _title(empty_study_path) == "kept from before the crash"
    assert not [p for p in tmp_path.iterdir() if "not-this-study" in p.name]


@pytest.mark.parametrize("command", ["check", "dump", "withdraw", "export"])
def test_every_command_sets_a_strangers_wal_aside(
    cli: Callable[..., CliResult],
    demo_path: Path,
    empty_study_path: Path,
    tmp_path: Path,
    command: str,
) -> None:
    stranger = tmp_path / "elsewhere" / "s.plr"
    stranger.parent.mkdir()
    shutil.copyfile(empty_study_path, stranger)
    shutil.copyfile(_leftover_wal(stranger, stranger.parent, "x"), Path(f"{demo_path}-wal"))
    args: dict[str, list[str | Path]] = {
        "check": ["check", demo_path],
        "dump": ["dump", demo_path, "-o", tmp_path / "d.json", "--yes"],
        "withdraw": ["withdraw", demo_path, "C1"],
        "export": ["export", demo_path, "--format", "md", "-o", tmp_path / "e.md"],
    }
    result = cli(*args[command])
    assert result.code == 0, result.err
    assert "moved it to" in result.err
    assert cli("check", demo_path).code == 0
