"""SIGKILL at a random moment of `plrdesk import` leaves a sound study holding all of the
import or none of it; into a new FILE, either no FILE or a complete one.

Each trial runs the real `python -m plrdesk import` and kills it after a random delay drawn
from a seeded generator over the measured length of one unkilled run; half the trials into an
existing study instead wait for the WAL to receive frames and kill within the next 50 ms, so
the commit and the checkpoint on close are hit too. Delays are `wait(timeout=...)` on the
process, so a run that ends early is simply not killed.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from plrdesk.storage.search import search_entries
from plrdesk.storage.study_file import StudyFile
from tests.conftest import CliResult
from tests.support.files import PASSPHRASE

SEED = 20091216
SESSIONS = 40
ENTRIES_PER_SESSION = 50
IMPORTED = SESSIONS * ENTRIES_PER_SESSION
TRIALS_INTO_EXISTING = 20  # even: uniform delays, odd: aimed at the commit
COMMIT_WINDOW = 0.05  # seconds after the first WAL frame appears
TRIALS_INTO_NEW = 4


def _marker(session: int, entry: int) -> str:
    return f"killmark{session:02d}x{entry:02d}"


def _document(*, with_study: bool) -> dict[str, object]:
    sessions = [
        {
            "ref": f"KS{s}",
            "kind": "other",
            "entries": [
                {
                    "ref": f"KE{s}-{e}",
                    "text": f"Note {s}.{e} {_marker(s, e)}: the move to secondary school, "
                    "who shared the CAF and who was told what, written out at some length "
                    "so that the import has real pages to write.",
                }
                for e in range(ENTRIES_PER_SESSION)
            ],
        }
        for s in range(SESSIONS)
    ]
    doc: dict[str, object] = {"format": "plrdesk-study", "version": 1, "sessions": sessions}
    if with_study:
        doc["study"] = {"title": "Made by an import that may be killed"}
    return doc


@dataclass
class Trial:
    delay: float
    killed: bool
    outcome: str  # "whole" or "none"
    mid_write: bool  # a non-empty WAL was left: the kill hit SQLite while it was writing


def _env() -> dict[str, str]:
    return {**os.environ, "PLRDESK_PASSPHRASE": PASSPHRASE}


def _start(study: Path, data: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "plrdesk", "import", str(study), str(data)],
        env=_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _kill_after(proc: subprocess.Popen[bytes], delay: float) -> bool:
    """SIGKILL `proc` after `delay` seconds unless it has ended by then. True if killed."""
    assert proc.stderr is not None
    try:
        proc.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        proc.stderr.close()
        return True
    err = proc.stderr.read().decode()
    proc.stderr.close()
    assert proc.returncode == 0, err
    return False


def _wait_for_wal_frames(proc: subprocess.Popen[bytes], study: Path) -> None:
    """Return once the study's WAL holds frames (the import is committing) or `proc` ended."""
    deadline = time.monotonic() + 60
    while _wal_size(study) == 0:
        try:
            proc.wait(timeout=0.002)
            return
        except subprocess.TimeoutExpired:
            assert time.monotonic() < deadline, "the import never wrote its WAL"


def _measure(study: Path, data: Path) -> float:
    """Length of one unkilled import; the run is also the control that a whole import works."""
    started = time.monotonic()
    proc = _start(study, data)
    _, err = proc.communicate(timeout=120)
    elapsed = time.monotonic() - started
    assert proc.returncode == 0, err.decode()
    return elapsed


def _wal_size(path: Path) -> int:
    wal = Path(f"{path}-wal")
    return wal.stat().st_size if wal.exists() else 0


def _entry_count(study: StudyFile) -> int:
    return int(study.raw_execute("SELECT count(*) FROM entry")[0][0])


def _verify(path: Path, original: int) -> str:
    """Open the study after a trial; return "whole" or "none", fail on anything else."""
    with StudyFile.open(path, PASSPHRASE) as study:
        assert study.integrity_problems() == []
        entries = _entry_count(study)
        sessions = int(study.raw_execute("SELECT count(*) FROM session WHERE ref LIKE 'KS%'")[0][0])
        indexed = int(study.raw_execute("SELECT count(*) FROM entry_fts")[0][0])
        texts = int(study.raw_execute("SELECT count(*) FROM entry WHERE text IS NOT NULL")[0][0])
        assert indexed == texts  # the full-text index moved with the rows
        with study.transaction() as db:
            last = search_entries(db, _marker(SESSIONS - 1, ENTRIES_PER_SESSION - 1))
    if entries == original:
        assert sessions == 0
        assert last == []
        return "none"
    assert entries == original + IMPORTED, f"partial import: {entries} entries"
    assert sessions == SESSIONS
    assert len(last) == 1
    return "whole"


@pytest.mark.slow
def test_sigkill_during_import_leaves_all_or_nothing(demo_template: Path, tmp_path: Path) -> None:
    data = tmp_path / "data.json"
    data.write_text(json.dumps(_document(with_study=False)), encoding="utf-8")
    new_data = tmp_path / "new-data.json"
    new_data.write_text(json.dumps(_document(with_study=True)), encoding="utf-8")
    with StudyFile.open(demo_template, PASSPHRASE) as study:
        original = _entry_count(study)

    measured = tmp_path / "measured.plr"
    shutil.copyfile(demo_template, measured)
    duration = _measure(measured, data)
    assert _verify(measured, original) == "whole"

    rng = random.Random(SEED)
    trials: list[Trial] = []
    new_trials: list[Trial] = []

    def summary() -> str:
        def counts(ts: list[Trial]) -> str:
            outcomes = dict(Counter(t.outcome for t in ts))
            killed = sum(t.killed for t in ts)
            return f"{outcomes}, killed {killed} ({sum(t.mid_write for t in ts)} mid-write)"

        return (
            f"seed {SEED}, unkilled run {duration:.2f}s; into an existing study: "
            f"{counts(trials)}; into a new file: {counts(new_trials)}"
        )

    def verified(path: Path, original: int, what: str) -> str:
        try:
            return _verify(path, original)
        except AssertionError as exc:
            raise AssertionError(f"{what}: {exc}; before it: {summary()}") from exc

    for n in range(TRIALS_INTO_EXISTING):
        folder = tmp_path / f"existing-{n}"
        folder.mkdir()
        study_path = folder / "study.plr"
        shutil.copyfile(demo_template, study_path)
        proc = _start(study_path, data)
        if n % 2:
            # Aim at the commit and the checkpoint on close: the import builds its rows in
            # memory and writes them only then, a window a uniform delay rarely hits.
            _wait_for_wal_frames(proc, study_path)
            delay = rng.uniform(0, COMMIT_WINDOW)
        else:
            delay = rng.uniform(0, duration)
        killed = _kill_after(proc, delay)
        mid_write = _wal_size(study_path) > 0
        outcome = verified(study_path, original, f"existing trial {n}, delay {delay:.3f}s")
        trials.append(Trial(delay, killed, outcome, mid_write))

    for n in range(TRIALS_INTO_NEW):
        folder = tmp_path / f"new-{n}"
        folder.mkdir()
        study_path = folder / "study.plr"
        delay = rng.uniform(0, duration)
        killed = _kill_after(_start(study_path, new_data), delay)
        mid_write = _wal_size(folder / ".study.plr.partial") > 0
        if study_path.exists():  # a FILE that exists is never half-made
            outcome = verified(study_path, 0, f"new-file trial {n}, delay {delay:.3f}s")
            assert outcome == "whole", summary()
        else:
            outcome = "none"
            leftovers = [p.name for p in folder.iterdir()]
            assert all(name.startswith(".study.plr.partial") for name in leftovers), (
                leftovers,
                summary(),
            )
        new_trials.append(Trial(delay, killed, outcome, mid_write))

    # Every trial passed; a run in which no kill landed would have proved nothing.
    assert len(trials) == TRIALS_INTO_EXISTING, summary()
    assert len(new_trials) == TRIALS_INTO_NEW, summary()
    assert any(t.killed for t in trials), summary()


def test_a_stale_partial_from_a_killed_import_does_not_block_the_next_one(
    cli: Callable[..., CliResult], tmp_path: Path
) -> None:
    """What a kill into a new FILE can leave behind: `.FILE.partial` and its WAL. The next
    import into FILE must clear it and succeed."""
    data = tmp_path / "data.json"
    doc = _document(with_study=True)
    doc["sessions"] = [doc["sessions"][0]]  # type: ignore[index]
    data.write_text(json.dumps(doc), encoding="utf-8")
    folder = tmp_path / "studies"
    folder.mkdir()
    study_path = folder / "study.plr"
    (folder / ".study.plr.partial").write_bytes(os.urandom(3 * 4096))
    (folder / ".study.plr.partial-wal").write_bytes(os.urandom(1000))

    result = cli("import", study_path, data)

    assert result.code == 0, result.err
    assert sorted(p.name for p in folder.iterdir()) == ["study.plr"]
    with StudyFile.open(study_path, PASSPHRASE) as study:
        assert _entry_count(study) == ENTRIES_PER_SESSION
        assert study.integrity_problems() == []
