"""A crash writes no core file: every entry point sets RLIMIT_CORE to 0 (and, on Linux,
PR_SET_DUMPABLE to 0) before it touches a study.

Before: a crash of the app or a command could write a core holding typed notes and names
in plain text (`ulimit -c` was whatever the shell gave, often unlimited).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import IO

import pytest

from tests.support.files import PASSPHRASE

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")


def _core_limit(pid: int) -> str:
    for line in Path(f"/proc/{pid}/limits").read_text().splitlines():
        if line.startswith("Max core file size"):
            return " ".join(line.split()[4:6])
    raise AssertionError("no core limit line")


def _unlimited_core_env() -> dict[str, str]:
    return {**os.environ, "PLRDESK_PASSPHRASE": PASSPHRASE, "QT_QPA_PLATFORM": "offscreen"}


def _raise_core_limit() -> None:  # as a shell with `ulimit -c unlimited` would hand over
    import resource

    _soft, hard = resource.getrlimit(resource.RLIMIT_CORE)
    resource.setrlimit(resource.RLIMIT_CORE, (hard, hard))


def _started_reading(fifo: Path, proc: subprocess.Popen[bytes]) -> IO[str]:
    """Open `fifo` for writing: that returns once `proc` has opened it to read, which it
    does only after its composition root ran (no sleeping, no polling)."""
    handle = fifo.open("w")
    assert proc.poll() is None
    return handle


def test_a_command_runs_with_no_core_dumps(demo_path: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "data.json"
    os.mkfifo(fifo)  # the import blocks reading it, so it can be looked at while it runs
    proc = subprocess.Popen(
        [sys.executable, "-m", "plrdesk", "import", str(demo_path), str(fifo), "--merge"],
        env=_unlimited_core_env(),
        preexec_fn=_raise_core_limit,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    with _started_reading(fifo, proc) as data:
        assert _core_limit(proc.pid) == "0 0"
        data.write('{"format": "plrdesk-study", "version": 1}')
    proc.wait(timeout=60)


def test_the_app_runs_with_no_core_dumps(demo_path: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "passphrase"
    os.mkfifo(fifo)  # `plrdesk open` reads it before the app starts: look at it then
    env = {k: v for k, v in _unlimited_core_env().items() if k != "PLRDESK_PASSPHRASE"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "plrdesk", "open", str(demo_path), "--passphrase-file", str(fifo)],
        env=env,
        preexec_fn=_raise_core_limit,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        with _started_reading(fifo, proc) as secret:
            assert _core_limit(proc.pid) == "0 0"
            secret.write(PASSPHRASE + "\n")
    finally:
        proc.kill()
        proc.wait()


def test_the_process_is_not_dumpable_after_start() -> None:
    code = (
        "import ctypes, resource\n"
        "from plrdesk.process import forbid_core_dumps\n"
        "forbid_core_dumps()\n"
        "libc = ctypes.CDLL(None)\n"
        "print(libc.prctl(3, 0, 0, 0, 0), resource.getrlimit(resource.RLIMIT_CORE))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split(maxsplit=1) == ["0", "(0, 0)\n"]
