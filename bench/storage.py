"""Storage benchmark: plrdesk against plain SQLite doing the same work, in the same run.

    .venv/bin/python bench/storage.py            # full size: 1,000 sessions x 50 entries
    .venv/bin/python bench/storage.py --quick    # smoke run: 100 sessions
    .venv/bin/python bench/storage.py --profile  # also cProfile the import (slower)

Every figure is printed beside a baseline measured on this machine in this run, and as a
ratio, so the numbers travel between machines. Baselines (bench/storage_baselines.py):

1. import: `plrdesk import NEW.plr DATA.json` against a plain script that json-loads the
   same file and inserts the same rows (same tables, indexes, FTS5 index and triggers,
   same pragmas) with executemany and one commit. Both are subprocesses.
2. info: `plrdesk info STUDY.plr` against a bare sqlcipher3 script that keys the same
   file and counts a few tables. Both subprocesses; median of several runs.
3. edit commit: one entry's text changed in `StudyFile.transaction()`, against the same
   single-row UPDATE and commit on the plain database (WAL, synchronous=FULL).
4. search: `plrdesk.storage.search.search_entries` against the same FTS5 MATCH (with the
   same join, snippet and ORDER BY rank) on the plain database.
5. peak memory (max RSS, from wait4) of the import and info subprocesses.

"Plain" means the standard library's sqlite3 when its SQLite has FTS5 secure-delete
(3.42+); otherwise SQLCipher's own SQLite used without a key, which is plain SQLite.
A diagnostic table adds the same raw SQL on a keyed (encrypted) file, which splits each
ratio into the cost of encryption and the cost of plrdesk's Python layers.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import datetime as dt
import gc
import importlib
import io
import json
import os
import platform
import pstats
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import storage_baselines
import studygen

BENCH_DIR = Path(__file__).resolve().parent
BASELINES = BENCH_DIR / "storage_baselines.py"
BREAKDOWN = BENCH_DIR / "storage_breakdown.py"
PASSPHRASE = "plum kettle orbit seventeen"  # zxcvbn 4: no --allow-weak needed

GOAL_IMPORT_RATIO = 3.0
GOAL_INFO_RATIO = 1.5
GOAL_COMMIT_P99_MS = 15.0
GOAL_SEARCH_MEDIAN_MS = 20.0


# -- measuring ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    """One finished subprocess: wall time, its own peak RSS, its output."""

    wall_s: float
    max_rss_mib: float
    stdout: str


# Peak RSS must come from a small parent: Linux carries the high-water RSS of the process
# that forks (or vforks) into the child's ru_maxrss across exec, so a child started from
# this large process would report at least this process's size. This launcher, run with
# -S (no site, about 8 MiB), spawns the command and reports the command's own wait4 usage.
_LAUNCHER = """\
import os, sys, time
out, argv = sys.argv[1], sys.argv[2:]
start = time.perf_counter()
pid = os.posix_spawn(argv[0], argv, os.environ)
_, status, usage = os.wait4(pid, 0)
wall = time.perf_counter() - start
with open(out, "w") as handle:
    handle.write(f"{wall} {usage.ru_maxrss} {os.waitstatus_to_exitcode(status)}")
"""


def run_measured(argv: list[str], env: dict[str, str], workdir: Path) -> Run:
    """Run `argv` (argv[0] an absolute path) to completion: its wall time, its own peak RSS."""
    out_path, err_path, usage_path = (workdir / name for name in (".out", ".err", ".usage"))
    with out_path.open("w+b") as out, err_path.open("w+b") as err:
        launcher = [sys.executable, "-S", "-c", _LAUNCHER, str(usage_path), *argv]
        subprocess.run(launcher, stdout=out, stderr=err, env=env, cwd=workdir, check=True)
    wall, max_rss_kib, code = usage_path.read_text(encoding="utf-8").split()
    stdout = out_path.read_text(encoding="utf-8", errors="replace")
    if code != "0":
        stderr = err_path.read_text(encoding="utf-8", errors="replace")
        raise SystemExit(f"failed ({code}): {' '.join(argv)}\n{stdout}{stderr}")
    return Run(float(wall), int(max_rss_kib) / 1024, stdout)  # Linux reports KiB


def launcher_floor(env: dict[str, str], workdir: Path) -> float:
    """The smallest peak RSS the launcher can report (what /bin/true shows), MiB."""
    true = shutil.which("true") or "/bin/true"
    return run_measured([true], env, workdir).max_rss_mib


def percentile(values: list[float], pct: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[pct - 1]


def plrdesk_argv() -> list[str]:
    script = Path(sys.executable).with_name("plrdesk")
    return [str(script)] if script.exists() else [sys.executable, "-m", "plrdesk"]


def baseline_driver() -> str:
    """`sqlite3` if the standard library's SQLite has FTS5 secure-delete, else `sqlcipher3`."""
    import sqlite3

    conn = sqlite3.connect(":memory:")
    try:
        conn.execute("CREATE VIRTUAL TABLE t USING fts5(x)")
        conn.execute("INSERT INTO t(t, rank) VALUES ('secure-delete', 1)")
    except sqlite3.Error:
        return "sqlcipher3"
    finally:
        conn.close()
    return "sqlite3"


def connect_plain(driver: str, path: Path) -> Any:
    """A connection to a baseline database, with the pragmas the baseline import set."""
    keyed = driver.endswith("-keyed")
    db_api: Any = importlib.import_module(driver.removesuffix("-keyed"))
    conn = db_api.connect(str(path), isolation_level=None)
    if keyed:
        conn.execute(f"PRAGMA key = '{PASSPHRASE}'")
    for pragma in storage_baselines.PRAGMAS:
        conn.execute(pragma).fetchall()
    return conn


# -- the figures -------------------------------------------------------------------------


@dataclass
class Figure:
    name: str
    unit: str
    plrdesk: float
    baseline: float
    goal: str = "-"
    check: Callable[[Figure], bool] | None = None

    @property
    def ratio(self) -> float:
        return self.plrdesk / self.baseline if self.baseline else float("inf")

    @property
    def result(self) -> str:
        if self.check is None:
            return "-"
        return "pass" if self.check(self) else "FAIL"


def ratio_at_most(limit: float) -> Callable[[Figure], bool]:
    return lambda f: f.ratio <= limit


def value_at_most(limit: float) -> Callable[[Figure], bool]:
    return lambda f: f.plrdesk <= limit


def fmt(value: float) -> str:
    return f"{value:.3g}" if value < 100 else f"{value:.0f}"


def print_table(figures: list[Figure]) -> None:
    head = ("figure", "plrdesk", "baseline", "ratio", "goal", "result")
    rows = [
        (
            f"{f.name} ({f.unit})",
            fmt(f.plrdesk),
            fmt(f.baseline),
            f"{f.ratio:.2f}x",
            f.goal,
            f.result,
        )
        for f in figures
    ]
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    line = "  ".join("-" * w for w in widths)
    print("  ".join(h.ljust(w) for h, w in zip(head, widths, strict=True)))
    print(line)
    for row in rows:
        cells = [
            c.ljust(w) if i == 0 or i >= 4 else c.rjust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        ]
        print("  ".join(cells))


# -- 1. import ---------------------------------------------------------------------------


def bench_import(
    data: Path, workdir: Path, env: dict[str, str], driver: str, reps: int
) -> tuple[dict[str, list[Run]], Path, Path, Path]:
    """Each import `reps` times, interleaved (order rotated) so background load hits all."""

    def argv(side: str, n: int) -> list[str]:
        if side == "plrdesk":
            return [*plrdesk_argv(), "import", str(workdir / f"study-{n}.plr"), str(data)]
        base = driver if side == "plain" else "sqlcipher3-keyed"
        return [sys.executable, str(BASELINES), "import", base, str(data), str(target(side, n))]

    def target(side: str, n: int) -> Path:
        return workdir / {"plrdesk": f"study-{n}.plr", "plain": f"plain-{n}.db"}.get(
            side, f"keyed-{n}.db"
        )

    sides = ["plrdesk", "plain", "keyed"]
    runs: dict[str, list[Run]] = {side: [] for side in sides}
    for n in range(reps):
        for side in sides[n % 3 :] + sides[: n % 3]:
            runs[side].append(run_measured(argv(side, n), env, workdir))
            if n:
                for leftover in workdir.glob(target(side, n).name + "*"):
                    leftover.unlink()
    print(f"  plrdesk: {runs['plrdesk'][0].stdout.strip()}")
    for side, side_runs in runs.items():
        walls = ", ".join(f"{r.wall_s:.2f}" for r in side_runs)
        peaks = ", ".join(f"{r.max_rss_mib:.0f}" for r in side_runs)
        print(f"  {side:<8} wall s: {walls};  peak RSS MiB: {peaks}")
    return runs, target("plrdesk", 0), target("plain", 0), target("keyed", 0)


def profile_import(data: Path, target: Path, env: dict[str, str], top: int = 30) -> str:
    """cProfile of `plrdesk import` run in this process (modules already imported)."""
    from plrdesk.__main__ import main as plrdesk_main

    os.environ["PLRDESK_PASSPHRASE"] = env["PLRDESK_PASSPHRASE"]
    profiler = cProfile.Profile()
    profiler.enable()
    code = plrdesk_main(["import", str(target), str(data)])
    profiler.disable()
    if code != 0:
        raise SystemExit(f"plrdesk import exited {code} under the profiler")
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)
    return out.getvalue()


def breakdown(args: list[str], workdir: Path, env: dict[str, str], start_up_s: float) -> None:
    """Run bench/storage_breakdown.py cold in a subprocess and print its tree of timers."""
    out = workdir / "breakdown.json"
    run = run_measured([sys.executable, str(BREAKDOWN), str(out), *args], env, workdir)
    rows = json.loads(out.read_text(encoding="utf-8"))
    total = start_up_s + sum(r[2] for r in rows if r[0] == 0)
    print(
        f"\nWhere `plrdesk {args[0]}` spends its time (cold process, {run.wall_s * 1000:.0f} ms"
        " wall with timers; total = timed, self = total minus timed rows under it)"
    )
    print(f"  {'':<66}{'total ms':>10}{'self ms':>9}{'share':>7}  calls")
    print(f"  {'python start-up (python -c pass)':<66}{start_up_s * 1000:>10.1f}")
    rest = run.wall_s - start_up_s - sum(r[2] for r in rows if r[0] == 0)
    rows.append([0, "interpreter shutdown + untimed (wall - start-up - timed)", rest, rest, 1, ""])
    total += rest
    for depth, label, seconds, own, calls, note in rows:
        name = "  " * depth + label
        share = f"{100 * seconds / total:6.1f}%" if total else ""
        print(
            f"  {name:<66}{seconds * 1000:>10.1f}{own * 1000:>9.1f}{share:>7}  {calls}"
            + (f"  ({note})" if note else "")
        )


def index_problems(study_path: Path) -> list[str]:
    """Sanity checks that the study does the work being measured: the full-text index holds
    every entry's text and follows an edit (it is kept by triggers; if they are missing,
    import, edits and search all get cheaper and every figure is meaningless)."""
    from sqlalchemy import func, select

    from plrdesk.domain import models as m
    from plrdesk.storage.search import search_entries
    from plrdesk.storage.study_file import StudyFile

    problems: list[str] = []
    probe = "zqxbenchprobe"
    with StudyFile.open(study_path, PASSPHRASE) as study:
        triggers = study.raw_execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'entry'"
        )
        if len(triggers) < 3:
            problems.append(
                f"entry has {len(triggers)} FTS triggers, expected 3 (insert, update, delete)"
            )
        with study.transaction() as db:
            texts = db.scalar(select(func.count()).where(m.Entry.text.is_not(None))) or 0
            indexed = study.raw_execute("SELECT count(*) FROM entry_fts_map")[0][0]
            if indexed != texts:
                problems.append(f"{indexed} entries in the full-text index, {texts} with text")
            entry = db.scalars(select(m.Entry).where(m.Entry.text.is_not(None)).limit(1)).one()
            old_text, entry.text = entry.text, f"{entry.text} {probe}"
        try:
            with study.transaction() as db:
                if not search_entries(db, probe):
                    problems.append("an edited entry's new word is not found by search")
        finally:
            with study.transaction() as db:
                edited = db.get(m.Entry, entry.id)
                assert edited is not None
                edited.text = old_text
    return problems


# -- 2. info -----------------------------------------------------------------------------


def bench_info(
    study: Path, workdir: Path, env: dict[str, str], reps: int
) -> tuple[list[Run], list[Run]]:
    ours: list[Run] = []
    bare: list[Run] = []
    run_measured([*plrdesk_argv(), "info", str(study)], env, workdir)  # warm the page cache
    for _ in range(reps):  # alternate, so drift hits both equally
        ours.append(run_measured([*plrdesk_argv(), "info", str(study)], env, workdir))
        bare.append(
            run_measured([sys.executable, str(BASELINES), "info", str(study)], env, workdir)
        )
    print("  plrdesk info: " + ours[-1].stdout.strip().replace("\n", "\n                "))
    return ours, bare


# -- 3. edit commit latency --------------------------------------------------------------


def bench_commits(
    study_path: Path, bases: dict[str, Path], edits: int, warmup: int, seed: int
) -> dict[str, list[float]]:
    """Per-edit wall time (ms): the same edits in the same order on plrdesk and on each
    baseline database, interleaved edit by edit (order rotated) so load hits all equally."""
    from sqlalchemy import select

    from plrdesk.domain import models as m
    from plrdesk.storage.study_file import StudyFile

    rng = random.Random(seed)
    texts = studygen.random_texts(warmup + edits, seed=seed)
    results: dict[str, list[float]] = {}
    # Garbage-collector pauses (gen 1 and 2) during plrdesk edits, to explain slow ones.
    gc_pauses: list[float] = []
    slow_edits: list[tuple[float, float]] = []
    gc_started = [0.0]

    def on_gc(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            gc_started[0] = time.perf_counter()
        elif info["generation"] > 0:
            gc_pauses.append(time.perf_counter() - gc_started[0])

    gc.callbacks.append(on_gc)
    conns = {name: connect_plain(name, path) for name, path in bases.items()}
    ids = {name: dict(conn.execute("SELECT ref, id FROM entry")) for name, conn in conns.items()}

    with StudyFile.open(study_path, PASSPHRASE) as study:
        with study.transaction() as db:
            rows = db.execute(select(m.Entry.ref, m.Entry.id).where(m.Entry.text.is_not(None)))
            by_ref = {ref: entry_id for ref, entry_id in rows}
        refs = rng.choices(sorted(by_ref), k=warmup + edits)

        def edit_plrdesk(ref: str, text: str) -> tuple[float, float]:
            pauses = len(gc_pauses)
            start = time.perf_counter()
            with study.transaction() as db:
                entry = db.get(m.Entry, by_ref[ref])
                assert entry is not None
                entry.text = text
                before_commit = time.perf_counter()
            end = time.perf_counter()
            if end - start > GOAL_COMMIT_P99_MS / 1000:
                slow_edits.append((end - start, sum(gc_pauses[pauses:])))
            return end - start, end - before_commit

        def edit_plain(name: str, ref: str, text: str) -> float:
            conn = conns[name]
            start = time.perf_counter()
            conn.execute("BEGIN")
            conn.execute("UPDATE entry SET text = ? WHERE id = ?", (text, ids[name][ref]))
            conn.execute("COMMIT")
            return time.perf_counter() - start

        def one_pass(texts: list[str], prefix: str) -> None:
            sides = ["plrdesk", *bases]
            for n, (ref, text) in enumerate(zip(refs, texts, strict=True)):
                for side in sides[n % len(sides) :] + sides[: n % len(sides)]:
                    if side == "plrdesk":
                        whole, commit = edit_plrdesk(ref, text)
                        if n >= warmup:
                            results.setdefault(prefix + "plrdesk", []).append(whole * 1000)
                            results.setdefault(prefix + "plrdesk: flush + commit only", [])
                            results[prefix + "plrdesk: flush + commit only"].append(commit * 1000)
                    else:
                        took = edit_plain(side, ref, text)
                        if n >= warmup:
                            results.setdefault(prefix + side, []).append(took * 1000)

        one_pass(texts, "")
        # What-if, a second pass with new texts: SQLite's automatic checkpoint off in plrdesk
        # (the WAL is then checkpointed only by StudyFile.close), baselines unchanged.
        study.raw_execute("PRAGMA wal_checkpoint(TRUNCATE)")
        study.raw_execute("PRAGMA wal_autocheckpoint = 0")
        one_pass(studygen.random_texts(warmup + edits, seed=seed + 1), "no autocheckpoint: ")
        # Control, a third pass: automatic checkpoints back on, as plrdesk runs today.
        study.raw_execute("PRAGMA wal_autocheckpoint = 1000")
        one_pass(studygen.random_texts(warmup + edits, seed=seed + 2), "control: ")
    gc.callbacks.remove(on_gc)
    for conn in conns.values():
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
        conn.close()
    results["slow plrdesk edits (ms)"] = [took * 1000 for took, _ in slow_edits]
    results["gc pause in slow plrdesk edits (ms)"] = [paused * 1000 for _, paused in slow_edits]
    return results


# -- 4. full-text search -----------------------------------------------------------------

SEARCH_SQL = (
    "SELECT m.entry_id, snippet(entry_fts, 0, '[', ']', '…', 12) "
    "FROM entry_fts JOIN entry_fts_map m ON m.rowid = entry_fts.rowid "
    "WHERE entry_fts MATCH ? ORDER BY rank LIMIT ?"
)


def bench_search(
    study_path: Path, bases: dict[str, Path], queries: list[str], rounds: int = 3
) -> tuple[dict[str, list[float]], list[int]]:
    """Per-query wall time (ms): the best of `rounds` runs of each query on each side,
    interleaved query by query, after one untimed pass (so the page cache is warm)."""
    from plrdesk.storage.search import match_expression, search_entries
    from plrdesk.storage.study_file import StudyFile

    best: dict[str, list[float]] = {"plrdesk": [], **{name: [] for name in bases}}
    hits: list[int] = []
    conns = {name: connect_plain(name, path) for name, path in bases.items()}
    with StudyFile.open(study_path, PASSPHRASE) as study, study.transaction() as db:

        def run(side: str, query: str) -> float:
            start = time.perf_counter()
            if side == "plrdesk":
                search_entries(db, query)
            else:
                conns[side].execute(SEARCH_SQL, (match_expression(query), 200)).fetchall()
            return time.perf_counter() - start

        for query in queries:
            for side in best:
                run(side, query)
        for query in queries:
            for side in best:
                best[side].append(min(run(side, query) for _ in range(rounds)) * 1000)
            hits.append(len(search_entries(db, query)))
    for conn in conns.values():
        conn.close()
    return best, hits


# -- the run -----------------------------------------------------------------------------


def machine() -> str:
    model = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    import sqlite3

    import sqlcipher3

    cipher = sqlcipher3.connect(":memory:")
    version = cipher.execute("PRAGMA cipher_version").fetchone()[0]
    cipher.close()
    return (
        f"{os.cpu_count()} cores ({model}), Python {platform.python_version()}, "
        f"stdlib SQLite {sqlite3.sqlite_version}, SQLCipher {version} "
        f"(SQLite {sqlcipher3.sqlite_version}), {platform.system()} {platform.release()}"
    )


def code_version() -> str:
    """Which plrdesk is measured: its location, and the git commit (and whether edited)."""
    import plrdesk

    where = Path(plrdesk.__file__).resolve().parents[1]
    try:
        git = ["git", "-C", str(where)]
        head = subprocess.run([*git, "rev-parse", "--short", "HEAD"], capture_output=True)
        dirty = subprocess.run([*git, "status", "--porcelain", "--", "."], capture_output=True)
    except OSError:
        return str(where)
    if head.returncode:
        return str(where)
    state = " with uncommitted changes" if dirty.stdout.strip() else ""
    return f"{where} at {head.stdout.decode().strip()}{state}"


def load_average() -> str:
    """Other work on the machine skews every figure; the run prints it to be judged."""
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f} (1, 5, 15 min; {os.cpu_count()} cores)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="100 sessions (a smoke run)")
    parser.add_argument("--sessions", type=int, help="sessions to generate (default 1000)")
    parser.add_argument("--edits", type=int, default=300, help="timed single-entry edits")
    parser.add_argument("--queries", type=int, default=50, help="timed search queries")
    parser.add_argument("--info-reps", type=int, default=7, help="runs of info, each side")
    parser.add_argument("--import-reps", type=int, default=3, help="runs of import, each side")
    parser.add_argument("--profile", action="store_true", help="cProfile the import too")
    parser.add_argument("--no-phases", action="store_true", help="skip the breakdowns")
    parser.add_argument("--dir", type=Path, help="make the temporary directory under DIR")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument("--seed", type=int, default=studygen.StudyShape.seed)
    args = parser.parse_args(argv)

    sessions = args.sessions or (100 if args.quick else 1000)
    edits = min(args.edits, 100) if args.quick else args.edits
    shape = studygen.StudyShape(sessions=sessions, seed=args.seed)
    driver = baseline_driver()
    workdir = Path(tempfile.mkdtemp(prefix="plrdesk-bench-", dir=args.dir))
    env = {**os.environ, "PLRDESK_PASSPHRASE": PASSPHRASE}
    print(f"plrdesk storage benchmark, {dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}")
    print(f"machine: {machine()}")
    print(f"plrdesk: {code_version()}")
    print(f"workdir: {workdir}")
    plain_label = (
        "stdlib sqlite3" if driver == "sqlite3" else "sqlcipher3 without a key (plain SQLite)"
    )
    print(f"baseline driver: {plain_label}")
    print(f"load average at start: {load_average()}")
    print(f"peak RSS floor of the launcher (/bin/true): {launcher_floor(env, workdir):.1f} MiB")

    try:
        start = time.perf_counter()
        doc = studygen.generate(shape)
        data = studygen.write_document(doc, workdir)
        texts = studygen.entry_texts(doc)
        participants, entries = len(doc["participants"]), shape.entries
        print(
            f"\nstudy: {participants} participants, {len(doc['sessions'])} sessions, "
            f"{entries} entries ({len(texts)} with text, {sum(map(len, texts)) / 1e6:.1f} M "
            f"characters), {len(doc['codings'])} codings; JSON {data.stat().st_size / 1e6:.1f} "
            f"MB, made in {time.perf_counter() - start:.1f} s"
        )
        del doc, texts

        print("\n[1/4] import")
        imports, study, plain, keyed = bench_import(
            data, workdir, env, driver, 1 if args.quick else args.import_reps
        )
        wall = {side: statistics.median(r.wall_s for r in runs) for side, runs in imports.items()}
        rss = {side: max(r.max_rss_mib for r in runs) for side, runs in imports.items()}
        problems = index_problems(study)
        for problem in problems:
            print(f"  INVALID STUDY: {problem}")
        print("[2/4] info")
        ours, bare = bench_info(study, workdir, env, args.info_reps)
        print("[3/4] edit commits")
        bases = {driver: plain, "sqlcipher3-keyed": keyed}
        commits = bench_commits(study, bases, edits, warmup=10, seed=args.seed)
        print("[4/4] search")
        queries = studygen.search_queries(args.queries)
        searches, hits = bench_search(study, bases, queries)

        figures = [
            Figure(
                f"import {entries:,} entries, median of {len(imports['plrdesk'])}",
                "s",
                wall["plrdesk"],
                wall["plain"],
                f"ratio <= {GOAL_IMPORT_RATIO:g}x",
                ratio_at_most(GOAL_IMPORT_RATIO),
            ),
            Figure(
                "import peak RSS",
                "MiB",
                rss["plrdesk"],
                rss["plain"],
            ),
            Figure(
                f"info wall, median of {args.info_reps}",
                "ms",
                statistics.median(r.wall_s for r in ours) * 1000,
                statistics.median(r.wall_s for r in bare) * 1000,
                f"ratio <= {GOAL_INFO_RATIO:g}x",
                ratio_at_most(GOAL_INFO_RATIO),
            ),
            Figure(
                "info peak RSS",
                "MiB",
                max(r.max_rss_mib for r in ours),
                max(r.max_rss_mib for r in bare),
            ),
            Figure(
                f"edit commit p50, {edits} edits",
                "ms",
                statistics.median(commits["plrdesk"]),
                statistics.median(commits[driver]),
            ),
            Figure(
                f"edit commit p99, {edits} edits",
                "ms",
                percentile(commits["plrdesk"], 99),
                percentile(commits[driver], 99),
                f"p99 <= {GOAL_COMMIT_P99_MS:g} ms",
                value_at_most(GOAL_COMMIT_P99_MS),
            ),
            Figure(
                f"search median, {len(queries)} queries",
                "ms",
                statistics.median(searches["plrdesk"]),
                statistics.median(searches[driver]),
                f"median <= {GOAL_SEARCH_MEDIAN_MS:g} ms",
                value_at_most(GOAL_SEARCH_MEDIAN_MS),
            ),
            Figure(
                f"search p90, {len(queries)} queries",
                "ms",
                percentile(searches["plrdesk"], 90),
                percentile(searches[driver], 90),
            ),
        ]
        print(f"\nResults (baseline: {plain_label}; ratio = plrdesk / baseline)\n")
        print_table(figures)
        print(
            f"\nsearch hits per query (limit 200): median {statistics.median(hits):g}, "
            f"min {min(hits)}, max {max(hits)}"
        )

        print("\nDiagnostic: the baseline's raw SQL on an encrypted (keyed) file")
        print("  encryption = keyed raw / plain;  plrdesk layers = plrdesk / keyed raw\n")
        diag = [
            ("import", "s", wall["plain"], wall["keyed"],
             wall["plrdesk"]),
            ("import peak RSS", "MiB", rss["plain"],
             rss["keyed"], rss["plrdesk"]),
            ("edit commit p50", "ms", statistics.median(commits[driver]),
             statistics.median(commits["sqlcipher3-keyed"]), statistics.median(commits["plrdesk"])),
            ("edit commit p99", "ms", percentile(commits[driver], 99),
             percentile(commits["sqlcipher3-keyed"], 99), percentile(commits["plrdesk"], 99)),
            ("search median", "ms", statistics.median(searches[driver]),
             statistics.median(searches["sqlcipher3-keyed"]),
             statistics.median(searches["plrdesk"])),
        ]  # fmt: skip
        print(f"  {'figure':<22}{'plain':>9}{'keyed raw':>11}{'plrdesk':>9}"
              f"{'encryption':>12}{'layers':>9}")  # fmt: skip
        for name, unit, base, raw, ours_value in diag:
            print(
                f"  {name + ' (' + unit + ')':<22}{fmt(base):>9}{fmt(raw):>11}{fmt(ours_value):>9}"
                f"{raw / base:>11.2f}x{ours_value / raw:>8.2f}x"
            )
        whatif = "no autocheckpoint: "
        notes = {
            "plrdesk: flush + commit only": "plrdesk, flush + COMMIT only (rest: db.get, .text =)",
            whatif + "plrdesk": "what-if: plrdesk with wal_autocheckpoint=0 (2nd pass)",
            whatif + driver: "plain, same 2nd pass (autocheckpoint on, for load)",
            "control: plrdesk": "control: plrdesk, autocheckpoint on again (3rd pass)",
            "control: " + driver: "plain, same 3rd pass",
        }
        for key, label in notes.items():
            times = commits[key]
            print(
                f"  {label}: p50 {statistics.median(times):.2f} ms, "
                f"p99 {percentile(times, 99):.2f} ms, max {max(times):.1f} ms"
            )
        for side in ("plrdesk", driver):
            times = commits[side]
            print(
                f"  {side} edits over {GOAL_COMMIT_P99_MS:g} ms (1st pass): "
                f"{sum(t > GOAL_COMMIT_P99_MS for t in times)} of {len(times)}, "
                f"max {max(times):.1f} ms"
            )
        slow_ms = commits["slow plrdesk edits (ms)"]
        slow = zip(slow_ms, commits["gc pause in slow plrdesk edits (ms)"], strict=True)
        print(
            "  every slow plrdesk edit, all passes (ms, of which Python gc pause): "
            + (", ".join(f"{took:.0f} ({paused:.0f})" for took, paused in slow) or "none")
        )

        if not args.no_phases:
            start_up = statistics.median(
                run_measured([sys.executable, "-c", "pass"], env, workdir).wall_s
                for _ in range(args.info_reps)
            )
            breakdown(["import", str(workdir / "breakdown.plr"), str(data)], workdir, env, start_up)
            breakdown(["info", str(study)], workdir, env, start_up)
        if args.profile:
            print("\ncProfile of `plrdesk import` in this process (top functions)\n")
            print(profile_import(data, workdir / "profile.plr", env))
        problems += [f"after the edits: {p}" for p in index_problems(study)]
        if problems:
            print(
                "\nINVALID RUN: the study does not keep its full-text index, so import, edits"
                " and search do less work than they should:\n  " + "\n  ".join(problems)
            )
        print(f"\nload average at end: {load_average()}")
        failed = [f.name for f in figures if f.result == "FAIL"]
        print(f"\ngoals missed: {', '.join(failed) if failed else 'none'}")
        if problems:
            print("(figures INVALID: see above)")
            return 1
    finally:
        if args.keep:
            print(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


def import_into_new_study(doc: dict[str, Any], workdir: Path, name: str) -> Path:
    """Import `doc` in-process into a new study `workdir/name` (for the other benches)."""
    from plrdesk.cli.study_commands import shipped_forms
    from plrdesk.interchange.parse import parse_document
    from plrdesk.services.study_import import import_document
    from plrdesk.storage.study_file import StudyFile

    data = studygen.write_document(doc, workdir)
    parsed = parse_document(data.read_text(encoding="utf-8"), "bench")
    assert parsed.study is not None
    path = workdir / name
    with (
        StudyFile.create(path, PASSPHRASE, title=parsed.study.title) as study,
        study.transaction() as db,
    ):
        import_document(
            db, parsed, merge=False, source="bench", forms=shipped_forms(), new_study=True
        )
    data.unlink()
    return path


if __name__ == "__main__":
    sys.exit(main())
