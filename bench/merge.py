"""Merging two copies of a 1,000-session study, against a same-run baseline.

    python bench/merge.py            # bench/studygen.py's full study (1,000 sessions, 50,000 notes)
    python bench/merge.py --quick    # 100 sessions (a smoke run)

The study is imported once, copied with `cp` (laptop A and laptop B), and the copies are
changed apart, as two practitioners would between two merges: each adds new sessions with
notes (some under the same refs), edits notes, codes passages; both edit the same notes
(conflicts); B deletes a session and withdraws a participant.

Figures (each the median of `--reps` runs, each run on a fresh byte copy of A):
1. `plrdesk merge A B` as a user runs it (a dry run, a verified backup, the merge in one
   transaction, compaction), against `plrdesk backup A` (the same-run baseline: one
   encrypted copy of the study, which the merge itself makes once);
2. the merge transaction alone (`services.merge.merge`, in this process);
3. merging the same copy again (nothing to do: a dry run only).
Goal (issue 14): under 10 s for the whole command.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import studygen
from storage import (
    PASSPHRASE,
    Figure,
    code_version,
    import_into_new_study,
    load_average,
    machine,
    plrdesk_argv,
    print_table,
    value_at_most,
)

GOAL_MERGE_S = 10.0


def diverge(path: Path, *, side: str, seed: int, scale: float) -> None:
    """Change one copy as a practitioner would between merges (see the module doc)."""
    from sqlalchemy import select, update

    from plrdesk.domain import models as m
    from plrdesk.storage.study_file import StudyFile

    rng = random.Random(seed)
    n = max(1, int(20 * scale))
    with StudyFile.open(path, PASSPHRASE) as study, study.transaction() as db:
        entries = list(db.execute(select(m.Entry.id, m.Entry.ref)).all())
        entries.sort(key=lambda row: row.ref)
        speakers = list(db.scalars(select(m.Participant.id)))
        themes = list(db.scalars(select(m.Theme.id)))
        for s in range(n):  # new sessions; the first few under refs both sides make
            ref = f"N{s}" if s < 5 else f"{side}{s}"
            session = m.StudySession(ref=ref, kind="other", position=10_000 + s)
            db.add(session)
            db.flush()
            for e in range(20):
                db.add(
                    m.Entry(
                        ref=f"{ref}-{e}",
                        session_id=session.id,
                        speaker_id=rng.choice(speakers),
                        text=f"new words {side} {s} {e}",
                        position=e,
                    )
                )
        both = entries[:n]  # the same notes, edited on both laptops
        own = rng.sample(entries[n:], 10 * n)
        for row in [*both, *own]:
            db.execute(update(m.Entry).where(m.Entry.id == row.id).values(text=f"edited on {side}"))
        for row in rng.sample(entries, n):  # codings of whole notes
            db.add(m.Coding(entry_id=row.id, theme_id=rng.choice(themes), coder=side))
        if side == "B":
            db.delete(db.scalars(select(m.StudySession).order_by(m.StudySession.position)).first())
            db.execute(
                update(m.Participant)
                .where(m.Participant.id == speakers[-1])
                .values(withdrawn_on=dt.date(2026, 11, 20))
            )


def timed(argv: list[str], env: dict[str, str]) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed: {done.stderr.strip()}")
    return elapsed, done.stdout


def merge_in_process(target: Path, source: Path) -> tuple[float, list[str]]:
    from plrdesk.services.merge import merge
    from plrdesk.storage.study_file import StudyFile

    with StudyFile.open(source, PASSPHRASE) as theirs, StudyFile.open(target, PASSPHRASE) as ours:
        started = time.perf_counter()
        with theirs.transaction() as source_db, ours.transaction() as db:
            report = merge(db, source_db, label="bench")
        return time.perf_counter() - started, report.summary_lines()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="100 sessions instead of 1,000")
    parser.add_argument("--reps", type=int, default=3)
    args = parser.parse_args(argv)
    shape = studygen.StudyShape(sessions=100, codings=200) if args.quick else studygen.StudyShape()
    scale = shape.sessions / 1000
    work = Path(tempfile.mkdtemp(prefix="plrdesk-bench-merge-"))
    env = {**os.environ, "PLRDESK_PASSPHRASE": PASSPHRASE}
    try:
        print(f"plrdesk {code_version()} on {machine()}; load {load_average()}")
        started = time.perf_counter()
        a = import_into_new_study(studygen.generate(shape), work, "a.plr")
        b = work / "b.plr"
        shutil.copyfile(a, b)
        diverge(a, side="A", seed=1, scale=scale)
        diverge(b, side="B", seed=2, scale=scale)
        print(
            f"{shape.sessions} sessions, {shape.entries} notes a copy;"
            f" made and changed apart in {time.perf_counter() - started:.1f} s"
        )
        merges, backups, alone, again = [], [], [], []
        out = ""
        for rep in range(args.reps):
            target = work / f"target-{rep}.plr"
            shutil.copyfile(a, target)
            dest = work / f"backup-{rep}.plr"
            backups.append(timed([*plrdesk_argv(), "backup", str(target), str(dest)], env)[0])
            elapsed, out = timed([*plrdesk_argv(), "merge", str(target), str(b)], env)
            merges.append(elapsed)
            again.append(timed([*plrdesk_argv(), "merge", str(target), str(b)], env)[0])
            inproc = work / f"inproc-{rep}.plr"
            shutil.copyfile(a, inproc)
            alone.append(merge_in_process(inproc, b)[0])
            for leftover in work.glob(f"*-{rep}.plr*"):
                if leftover.is_file():
                    leftover.unlink()
        print(out.rstrip().splitlines()[1] if out else "")
        print(f"{out.count('conflict:')} conflicts, {out.count('renamed ')} renamed refs")
        backup_s = statistics.median(backups)
        figures = [
            Figure(
                "plrdesk merge A B",
                "s",
                statistics.median(merges),
                backup_s,
                f"< {GOAL_MERGE_S:g} s",
                value_at_most(GOAL_MERGE_S),
            ),
            Figure("merge transaction alone", "s", statistics.median(alone), backup_s),
            Figure("the same copy again (nothing new)", "s", statistics.median(again), backup_s),
        ]
        print(f"baseline: plrdesk backup A (median {backup_s:.2f} s); run {uuid.uuid4().hex[:6]}")
        print_table(figures)
        return 0 if all(f.result != "FAIL" for f in figures) else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
