"""One writer at a time across processes, and the app's open study is never written under it.

Before: with the study open in the app, `plrdesk import --merge` succeeded and the app's
next keystroke overwrote it; two command-line writers gave "the file is damaged (database
is locked)". Now a writer holds the study lock; a command waits a few seconds for another
command, then exits 6; it never waits for the app; readers go on; a dead holder's lock is
simply taken over.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from plrdesk.storage import study_lock
from plrdesk.storage.study_lock import APP, COMMAND, StudyLock, lock_path
from tests.conftest import CliResult
from tests.support.files import PASSPHRASE, digest

HOLDER = (
    "import sys\n"
    "from pathlib import Path\n"
    "from plrdesk.storage.study_lock import StudyLock\n"
    "lock = StudyLock.acquire(Path(sys.argv[1]), sys.argv[2])\n"
    "print('held', flush=True)\n"
    "sys.stdin.readline()\n"
)


@pytest.fixture
def hold(demo_path: Path) -> Iterator[Callable[[str], subprocess.Popen[str]]]:
    """Start another process holding the demo's lock as the app or a command."""
    started: list[subprocess.Popen[str]] = []

    def start(program: str) -> subprocess.Popen[str]:
        proc = subprocess.Popen(
            [sys.executable, "-c", HOLDER, str(demo_path), program],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "held"
        started.append(proc)
        return proc

    yield start
    for proc in started:
        proc.kill()
        proc.wait()


def _merge_doc(tmp_path: Path) -> Path:
    doc = tmp_path / "more.json"
    doc.write_text(
        json.dumps(
            {
                "format": "plrdesk-study",
                "version": 1,
                "themes": [{"ref": "T-lock", "name": "Locks"}],
            }
        )
    )
    return doc


def test_a_writing_command_refuses_a_study_open_in_the_app(
    cli: Callable[..., CliResult],
    demo_path: Path,
    tmp_path: Path,
    hold: Callable[[str], subprocess.Popen[str]],
) -> None:
    app = hold(APP)
    before = digest(demo_path)
    for args in (
        ["import", demo_path, _merge_doc(tmp_path), "--merge"],
        ["withdraw", demo_path, "C1"],
        ["passwd", demo_path],
    ):
        result = cli(*args)
        assert result.code == 6, result
        assert result.err == (
            f"plrdesk: {demo_path} is open in plrdesk on this computer (pid {app.pid});"
            " close it there first\n"
        )
    assert digest(demo_path) == before


def test_commands_that_read_keep_working_while_the_app_has_it(
    cli: Callable[..., CliResult],
    demo_path: Path,
    tmp_path: Path,
    hold: Callable[[str], subprocess.Popen[str]],
) -> None:
    hold(APP)
    assert cli("info", demo_path).code == 0
    assert cli("check", demo_path).code == 0
    assert cli("dump", demo_path, "-o", tmp_path / "d.json", "--yes").code == 0
    printed = cli(
        "forms", "print", "parental-consent", "--study", demo_path, "-o", tmp_path / "f.pdf"
    )
    assert printed.code == 0, printed.err
    exported = cli("export", demo_path, "--format", "md", "-o", tmp_path / "e.md")
    assert exported.code == 0, exported.err
    assert "not recorded in the study's audit log" in exported.err
    assert lock_path(demo_path).exists()  # the app's lock is untouched


def test_a_command_waits_for_another_command_then_says_so(
    cli: Callable[..., CliResult],
    demo_path: Path,
    tmp_path: Path,
    hold: Callable[[str], subprocess.Popen[str]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(study_lock, "COMMAND_WAIT_SECONDS", 0.3)
    other = hold(COMMAND)
    result = cli("import", demo_path, _merge_doc(tmp_path), "--merge")
    assert result.code == 6
    assert f"another plrdesk command is writing it (pid {other.pid})" in result.err


def test_two_writing_commands_at_once_both_succeed(demo_path: Path, tmp_path: Path) -> None:
    env = {**os.environ, "PLRDESK_PASSPHRASE": PASSPHRASE}
    docs = []
    for n in range(2):
        doc = tmp_path / f"more{n}.json"
        doc.write_text(
            json.dumps(
                {
                    "format": "plrdesk-study",
                    "version": 1,
                    "themes": [{"ref": f"TL{n}", "name": f"L{n}"}],
                }
            )
        )
        docs.append(doc)
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "plrdesk", "import", str(demo_path), str(doc), "--merge"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for doc in docs
    ]
    outcomes = [proc.communicate(timeout=60) for proc in procs]
    assert [proc.returncode for proc in procs] == [0, 0], outcomes
    dump = subprocess.run(
        [sys.executable, "-m", "plrdesk", "dump", str(demo_path), "-o", "-", "--yes"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    refs = {theme["ref"] for theme in json.loads(dump.stdout)["themes"]}
    assert {"TL0", "TL1"} <= refs
    assert not lock_path(demo_path).exists()  # the last one out removed it


def test_a_killed_holders_lock_is_taken_over_without_asking(
    cli: Callable[..., CliResult],
    demo_path: Path,
    tmp_path: Path,
    hold: Callable[[str], subprocess.Popen[str]],
) -> None:
    app = hold(APP)
    app.send_signal(signal.SIGKILL)
    app.wait()
    assert lock_path(demo_path).exists()  # the dead app's pid is still written there
    result = cli("import", demo_path, _merge_doc(tmp_path), "--merge")
    assert result.code == 0, result.err


def test_the_lock_names_its_holder_and_goes_away_after(demo_path: Path) -> None:
    with StudyLock.acquire(demo_path, APP):
        holder = study_lock.holder(demo_path)
        assert holder == study_lock.Holder(os.getpid(), APP)
    assert study_lock.holder(demo_path) is None
    assert not lock_path(demo_path).exists()
