"""A crash writes no core file: every entry point sets RLIMIT_CORE to 0 (and, on Linux,
PR_SET_DUMPABLE to 0) before it touches a study.

Before: a crash of the app or a command could write a core holding typed notes and names
in plain text (`ulimit -c` was whatever the shell gave, often unlimited).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.support.files import PASSPHRASE

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")


def _core_limit(pid: int) -> str:
    for line in Path(f"/proc/{pid}/limits").read_text().splitlines():
        if line.startswith("Max core file size"):
            return " ".join(line.split()[4:6])
    raise AssertionError("no core limit line")


def _wait_for_core_limit_zero(proc: subprocess.Popen[bytes]) -> str:
    """Poll the running process until its limit reads 0 0 (or it ends, or 20 s pass)."""
    deadline = time.monotonic() + 20
    seen = ""
    while time.monotonic() < deadline and proc.poll() is None:
        seen = _core_limit(proc.pid)
        if seen == "0 0":
            return seen
        time.sleep(0.02)
    return seen


def _unlimited_core_env() -> dict[str, str]:
    return {**os.environ, "PLRDESK_PASSPHRASE": PASSPHRASE, "QT_QPA_PLATFORM": "offscreen"}


def _raise_core_limit() -> None:  # as a shell with `ulimit -c unlimited` would hand over
    import resource

    _soft, hard = resource.getrlimit(resource.RLIMIT_CORE)
    resource.setrlimit(resource.RLIMIT_CORE, (hard, hard))


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
    try:
        assert _wait_for_core_limit_zero(proc) == "0 0"
    finally:
        fifo.write_text('{"format": "plrdesk-study", "version": 1}')
        proc.wait(timeout=60)


def test_the_app_runs_with_no_core_dumps() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "plrdesk"],
        env=_unlimited_core_env(),
        preexec_fn=_raise_core_limit,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert _wait_for_core_limit_zero(proc) == "0 0"
        assert proc.poll() is None  # the app is up, not ended
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
