"""SIGKILL at a random moment of `plrdesk merge` leaves TARGET sound, holding all of the merge
or none of it (as test_kill_during_import.py does for import).

Each trial runs the real `python -m plrdesk merge` and kills it after a delay drawn from a
seeded generator over the measured length of one unkilled run; every other trial waits for
TARGET's WAL to receive frames first and kills within the next 50 ms, so the commit and the
checkpoint on close are hit too.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from plrdesk.domain import models as m
from plrdesk.storage.study_file import StudyFile
from tests.support.files import PASSPHRASE

SEED = 14
SESSIONS, ENTRIES = 120, 8
TRIALS = 8
COMMIT_WINDOW = 0.05


def _source(template: Path, path: Path) -> None:
    shutil.copyfile(template, path)
    with StudyFile.open(path, PASSPHRASE) as study, study.transaction() as db:
        for s in range(SESSIONS):
            session = m.StudySession(ref=f"KM{s}", kind="other", position=100 + s)
            db.add(session)
            db.flush()
            for e in range(ENTRIES):
                text = f"merged words {s} {e}"
                db.add(m.Entry(ref=f"KM{s}-{e}", session_id=session.id, text=text, position=e))
        db.add(m.Identifier(text="Kestrel Lane", kind="place"))


def _start(target: Path, source: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "plrdesk", "merge", str(target), str(source)],
        env={**os.environ, "PLRDESK_PASSPHRASE": PASSPHRASE},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _wal_size(path: Path) -> int:
    wal = Path(f"{path}-wal")
    return wal.stat().st_size if wal.exists() else 0


def _run(proc: subprocess.Popen[bytes], delay: float | None) -> bool:
    """Wait `delay` seconds (None: to the end), then SIGKILL unless ended. True if killed."""
    assert proc.stderr is not None
    try:
        proc.wait(timeout=120 if delay is None else delay)
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        proc.stderr.close()
        return True
    err = proc.stderr.read().decode()
    proc.stderr.close()
    assert proc.returncode == 0, err
    return False


def _verify(path: Path, original: int) -> str:
    with StudyFile.open(path, PASSPHRASE) as study:
        assert study.integrity_problems() == []

        def count(sql: str) -> int:
            return int(study.raw_execute(sql)[0][0])

        entries = count("SELECT count(*) FROM entry")
        sessions = count("SELECT count(*) FROM session WHERE ref LIKE 'KM%'")
        places = count("SELECT count(*) FROM identifier WHERE text = 'Kestrel Lane'")
        assert count("SELECT count(*) FROM entry_fts") == count(
            "SELECT count(*) FROM entry WHERE text IS NOT NULL"
        )
    if entries == original:
        assert (sessions, places) == (0, 0)
        return "none"
    assert entries == original + SESSIONS * ENTRIES, f"partial merge: {entries} entries"
    assert (sessions, places) == (SESSIONS, 1)
    return "whole"


@pytest.mark.slow
def test_sigkill_during_merge_leaves_all_or_nothing(demo_template: Path, tmp_path: Path) -> None:
    source = tmp_path / "source.plr"
    _source(demo_template, source)
    with StudyFile.open(demo_template, PASSPHRASE) as study:
        original = int(study.raw_execute("SELECT count(*) FROM entry")[0][0])
    measured = tmp_path / "measured.plr"
    shutil.copyfile(demo_template, measured)
    started = time.monotonic()
    assert not _run(_start(measured, source), None)
    duration = time.monotonic() - started
    assert _verify(measured, original) == "whole"

    rng = random.Random(SEED)
    outcomes: list[tuple[float, bool, str]] = []
    for n in range(TRIALS):
        folder = tmp_path / f"trial-{n}"
        folder.mkdir()
        target = folder / "study.plr"
        shutil.copyfile(demo_template, target)
        proc = _start(target, source)
        if n % 2:
            deadline = time.monotonic() + 60
            while _wal_size(target) == 0:
                try:
                    proc.wait(timeout=0.002)  # ended before writing: nothing to aim at
                    break
                except subprocess.TimeoutExpired:
                    assert time.monotonic() < deadline, "the merge never wrote its WAL"
            delay = rng.uniform(0, COMMIT_WINDOW)
        else:
            delay = rng.uniform(0, duration)
        killed = _run(proc, delay)
        try:
            outcome = _verify(target, original)
        except AssertionError as exc:
            raise AssertionError(f"trial {n}, delay {delay:.3f}s: {exc}; {outcomes}") from exc
        outcomes.append((round(delay, 3), killed, outcome))
    assert any(killed for _, killed, _ in outcomes), outcomes
