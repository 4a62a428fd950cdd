"""SIGKILL while typing loses at most the last second: a helper process types a letter
every 20 ms into a note through the real editor, autosave and runner; it is killed at a
random moment at least 1.5 s into the typing. The note in the study must then be a prefix
of what was typed and hold everything typed more than 1.0 s before the kill.

The killer waits with `proc.wait(timeout=...)`, never sleeps. Both processes read the
same monotonic clock (CLOCK_MONOTONIC is system-wide), so the helper's "typed" times and
the moment of the kill can be compared directly.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from sqlalchemy import select

from plrdesk.domain import models as m
from plrdesk.storage.study_file import StudyFile
from tests.support.files import PASSPHRASE
from tests.support.typing_app import typed_text

ROOT = Path(__file__).resolve().parents[3]
SEED = 20081210
TRIALS = 2
ALLOWED_LOSS = 1.0  # seconds of typing that may be lost


def _start(study: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-m", "tests.support.typing_app", str(study), "--limit-s", "12"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _trial(study: Path, rng: random.Random) -> str:
    proc = _start(study)
    assert proc.stdout is not None
    assert proc.stderr is not None
    entry_line = proc.stdout.readline()
    first = proc.stdout.readline()
    if not entry_line.startswith("entry ") or not first.startswith("typed "):
        proc.kill()
        proc.wait(timeout=10)
        raise AssertionError(f"the typing helper did not start: {proc.stderr.read()}")
    entry_id = uuid.UUID(entry_line.split()[1])
    typing_began = float(first.split()[2])
    delay = rng.uniform(1.5, 3.0)
    try:
        proc.wait(timeout=max(0.0, typing_began + delay - time.monotonic()))
    except subprocess.TimeoutExpired:
        killed_at = time.monotonic()
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    else:
        raise AssertionError(f"the helper ended before the kill: {proc.stderr.read()}")
    lines = [first, *proc.stdout.read().splitlines()]
    proc.stdout.close()
    proc.stderr.close()
    typed = [(int(n), float(t)) for _, n, t in (line.split() for line in lines if line.strip())]
    last_typed = typed[-1][0]
    must_have = max((n for n, t in typed if t <= killed_at - ALLOWED_LOSS), default=0)

    with StudyFile.open(study, PASSPHRASE) as opened, opened.transaction() as db:
        entry = db.scalars(select(m.Entry).where(m.Entry.id == entry_id)).first()
        saved = (entry.text if entry else "") or ""
        problems = opened.integrity_problems()
    summary = (
        f"killed {delay:.2f}s into typing; typed {last_typed}, saved {len(saved)}, "
        f"typed more than {ALLOWED_LOSS}s before the kill: {must_have}"
    )
    assert problems == [], summary
    assert typed_text(last_typed).startswith(saved), summary  # nothing saved that was not typed
    assert len(saved) >= must_have, summary  # nothing older than a second lost
    return summary


@pytest.mark.slow
def test_sigkill_while_typing_loses_at_most_a_second(demo_path: Path, tmp_path: Path) -> None:
    rng = random.Random(SEED)
    summaries = []
    for n in range(TRIALS):
        study = tmp_path / f"trial-{n}.plr"
        study.write_bytes(demo_path.read_bytes())
        summaries.append(_trial(study, rng))
    assert len(summaries) == TRIALS, summaries
