"""Typing in the real app: how long the GUI thread stalls, and what each filed line costs.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/keystrokes.py          # 1,000 sessions
    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/keystrokes.py --quick  # smoke run

The real `AppController` and `MainWindow` (offscreen), driven by key events to the focused
widget as tests/journeys does, on studies made by bench/studygen.py and imported in this
process. The app's settings (and Qt's) live in a temporary home.

1. Stalls while typing: a new note in the first interview (Ctrl+3, the list, Home, Enter,
   Enter, Ctrl+Return), then `--chars` characters typed into it with QTest.keyClick, one
   key per turn of the event loop (a zero-interval timer: keys back to back, and whatever
   was queued meanwhile runs between two keys), autosave on (400 ms idle, 600 ms ceiling).
   A precise `--tick-ms` timer on the GUI thread records the gap between its ticks, from
   the first key until the last save has answered; a stall is one such gap (an idle loop
   shows about the tick). The longest are printed with what overlapped them: the key
   handler, garbage collections, operations on the worker. Baseline: the same in a
   1-session study (the same shape otherwise), in the same run. Before each measured note
   a short warm-up note is typed, so one-time costs (imports, first queries) land in
   neither. Goal: the longest stall under 50 ms.
2. Operations per filed line: a fresh open of the large study, a focus group with six
   children, and `--lines` lines filed by keyboard (a digit in the empty line box picks
   the speaker, then the text, Enter), waiting after each line until the worker is quiet.
   Every operation the runner ran is counted (a wrapper around `_Worker.run`), by name and
   as a read or a write, and every SQL statement (SQLAlchemy's `before_cursor_execute`) by
   verb. Goal: one write a line, and no reload of unrelated views (no reads).

Sanity checks (INVALID RUN otherwise): every operation ran off the GUI thread; after each
study closes, the file, opened afresh, holds the typed note and every filed line under its
speaker.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import functools
import gc
import io
import os
import pstats
import random
import shutil
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import studygen
from storage import (
    PASSPHRASE,
    Figure,
    code_version,
    import_into_new_study,
    load_average,
    machine,
    percentile,
    print_table,
)

GOAL_MAX_STALL_MS = 50.0
WARM_UP_CHARS = 40
SETTLE_S = 0.25  # the worker idle this long, nothing unsaved: quiet
ANSWER_S = 0.05  # a result reaches the GUI thread this soon after the worker finishes
OPEN_TIMEOUT_S = 60.0
GROUP_SIZE = 6
TOP_STALLS = 3
STEADY_AFTER_S = 1.0  # the new note's first key sets off its own work (the entry made)
HOME_VARS = (
    ("HOME", ""),
    ("XDG_CONFIG_HOME", ".config"),
    ("XDG_DATA_HOME", ".local/share"),
    ("XDG_CACHE_HOME", ".cache"),
    ("XDG_STATE_HOME", ".local/state"),
)


def invalid(why: str) -> SystemExit:
    return SystemExit(f"INVALID RUN: {why}")


# -- what the worker runs ----------------------------------------------------------------


def op_name(op: object) -> str:
    """An operation's name: its `.name` (typed operations), else module and qualname."""
    name = getattr(op, "name", None)
    if isinstance(name, str):
        return name
    fn = getattr(op, "func", op)  # functools.partial
    qualname = getattr(fn, "__qualname__", None)
    if not isinstance(qualname, str):
        return repr(op)
    return f"{getattr(fn, '__module__', '?')}.{qualname}"


def short_name(name: str) -> str:
    """The qualified name without its module (the longest prefix that is one)."""
    parts = name.split(".")
    for i in range(len(parts) - 1, 0, -1):
        if ".".join(parts[:i]) in sys.modules:
            return ".".join(parts[i:])
    return name


def verb(sql: str) -> str:
    words = sql.split(None, 1)
    word = words[0].upper() if words else ""
    if word in ("SELECT", "WITH"):
        return "select"
    if word in ("INSERT", "UPDATE", "DELETE", "REPLACE"):
        return "write"
    return "other"  # BEGIN, PRAGMA, SAVEPOINT ...


@dataclass
class Job:
    """One operation the worker ran."""

    name: str
    declared: str | None  # "read" / "write" as the operation says, if it does
    phase: str
    start: float
    thread: str
    end: float = 0.0
    sql: Counter[str] = field(default_factory=Counter)  # verb -> statements

    @property
    def kind(self) -> str:
        """Declared, else observed: a job that ran an INSERT, UPDATE or DELETE wrote."""
        if self.declared is not None:
            return self.declared
        return "write" if self.sql["write"] else "read"

    @property
    def ms(self) -> float:
        return (self.end - self.start) * 1000


class Recorder:
    """Every job the worker ran, with the SQL it executed, under the phase the GUI set."""

    def __init__(self) -> None:
        self.jobs: list[Job] = []
        self.phase = "open"
        self.running: Job | None = None
        self.last_end = 0.0
        self._local = threading.local()

    def install(self) -> None:
        """Wrap `_Worker.run` and listen to every engine's statements (this process only)."""
        from PySide6.QtCore import Slot
        from sqlalchemy import Engine, event

        from plrdesk.ui import runner

        original = runner._Worker.run

        # functools.wraps keeps the slot's name, and PySide6 then connects the runner's
        # signal to it queued, on the worker's thread; under another name it would run
        # on the GUI thread (the run checks that it did not).
        @functools.wraps(original)
        def run(worker: Any, job: Any, *rest: Any) -> Any:
            op = getattr(job, "op", job)
            declared = getattr(op, "kind", None)
            record = Job(
                op_name(op),
                declared if declared in ("read", "write") else None,
                self.phase,
                time.perf_counter(),
                threading.current_thread().name,
            )
            self._local.job = self.running = record
            try:
                return original(worker, job, *rest)
            finally:
                record.end = self.last_end = time.perf_counter()
                self._local.job = self.running = None
                self.jobs.append(record)

        # setattr: whatever the runner's signature is today, the wrapper takes it.
        setattr(runner._Worker, "run", Slot(object)(run))  # noqa: B010

        def before(conn: Any, cursor: Any, sql: str, params: Any, context: Any, many: Any) -> None:
            job: Job | None = getattr(self._local, "job", None)
            if job is not None:
                job.sql[verb(sql)] += 1

        event.listen(Engine, "before_cursor_execute", before)

    def declared(self) -> bool:
        return any(job.declared is not None for job in self.jobs)

    def check_threads(self) -> None:
        gui = threading.main_thread().name
        on_gui = [job.name for job in self.jobs if job.thread == gui]
        if on_gui:
            raise invalid(f"{len(on_gui)} operations ran on the GUI thread ({on_gui[0]})")


class GcWatch:
    """Every garbage collection in the process: (start, end, generation, thread)."""

    def __init__(self) -> None:
        self.pauses: list[tuple[float, float, int, str]] = []
        self._started: dict[int, float] = {}
        self._gui = threading.main_thread().ident

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        me = threading.get_ident()
        now = time.perf_counter()
        if phase == "start":
            self._started[me] = now
        elif me in self._started:
            where = "gui" if me == self._gui else "worker"
            self.pauses.append((self._started.pop(me), now, info["generation"], where))

    def between(self, start: float, end: float) -> list[tuple[float, float, int, str]]:
        return [p for p in self.pauses if p[1] > start and p[0] < end]


# -- the app and its keyboard ------------------------------------------------------------


class App:
    """The real controller and main window of one open study, and keys to its focus."""

    def __init__(self, controller: Any, recorder: Recorder) -> None:
        self.controller = controller
        self.recorder = recorder
        self.window: Any = None

    @staticmethod
    def spin(done: Callable[[], bool], timeout_s: float, what: str) -> None:
        """Run the event loop until `done()` (polled every 5 ms): a real loop, which
        sleeps only when there is nothing to do, unlike QTest.qWait's 10 ms naps."""
        from PySide6.QtCore import QEventLoop, QTimer

        if done():
            return
        deadline = time.perf_counter() + timeout_s
        loop = QEventLoop()
        poll = QTimer()
        poll.setInterval(5)

        def check() -> None:
            if done() or time.perf_counter() > deadline:
                loop.quit()

        poll.timeout.connect(check)
        poll.start()
        loop.exec()
        poll.stop()
        if not done():
            raise invalid(f"timed out waiting for {what}")

    def settle(self) -> None:
        """Until the worker has been idle SETTLE_S and every note typed is saved."""
        since = time.perf_counter()
        sessions = self.window.sessions if self.window is not None else None

        def quiet() -> bool:
            now = time.perf_counter()
            rec = self.recorder
            if rec.running is not None or now - max(since, rec.last_end) < SETTLE_S:
                return False
            unsaved = getattr(sessions, "unsaved", None)
            return unsaved is None or unsaved() is None

        self.spin(quiet, OPEN_TIMEOUT_S, "the worker to be quiet")

    def open(self, path: Path) -> None:
        from PySide6.QtWidgets import QApplication

        self.recorder.phase = "open"
        self.controller.open_path(path, PASSPHRASE)
        self.spin(lambda: self.controller.window is not None, OPEN_TIMEOUT_S, "the window")
        self.window = self.controller.window
        self.window.activateWindow()  # what the window manager does for a window shown
        self.spin(lambda: QApplication.activeWindow() is self.window, 10, "an active window")
        self.settle()

    def close(self) -> None:
        self.recorder.phase = "close"
        self.controller.close_study()  # waits for the queued saves
        self.window = None

    @staticmethod
    def focused() -> Any:
        from PySide6.QtWidgets import QApplication

        widget = QApplication.focusWidget()
        if widget is None:
            raise invalid("no widget has the keyboard focus")
        return widget

    def press(self, key: Any, modifiers: Any = None) -> None:
        from PySide6.QtCore import Qt
        from PySide6.QtTest import QTest

        QTest.keyClick(self.focused(), key, modifiers or Qt.KeyboardModifier.NoModifier)

    def type(self, text: str) -> None:
        from PySide6.QtTest import QTest

        for char in text:  # keyClicks of one character: keyClick, typed for a str
            QTest.keyClicks(self.focused(), char)

    def to_sessions_list(self) -> Any:
        """Ctrl+3 (Sessions), then Tab to the list of sessions."""
        from PySide6.QtCore import Qt

        self.press(Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
        page = self.window.sessions
        self.spin(lambda: page.model.rowCount() > 0, OPEN_TIMEOUT_S, "the sessions list")
        for _ in range(10):
            if self.focused() is page.table:
                break
            self.press(Qt.Key.Key_Tab)
        if self.focused() is not page.table:
            raise invalid(f"Tab never reached the sessions list: {self.focused()!r}")
        return page

    def new_note_in_first_interview(self) -> Any:
        """The journeys' way in: Home (the first session, an interview), Enter (its
        questions), Enter (the first question's notes), Ctrl+Return (a blank note)."""
        from PySide6.QtCore import Qt

        from plrdesk.ui.sessions.interview_view import InterviewView

        page = self.to_sessions_list()
        self.press(Qt.Key.Key_Home)
        self.spin(lambda: page.current is not None, OPEN_TIMEOUT_S, "the first session")
        view = page.current
        if not isinstance(view, InterviewView):
            raise invalid(f"the first session is not an interview: {view!r}")
        self.press(Qt.Key.Key_Return)
        self.press(Qt.Key.Key_Return)
        return self.new_note(view)

    def new_note(self, view: Any) -> Any:
        """Ctrl+Return: a blank note after the current one; it has the focus."""
        from PySide6.QtCore import Qt

        self.press(Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        editor = view.notes.current_editor
        if editor is None or editor.record is not None or self.focused() is not editor.text:
            raise invalid("Ctrl+Return did not give a blank note with the focus")
        return editor

    def focus_group(self, ref: str) -> Any:
        """The focus group `ref` chosen in the list, then Enter (the focus in its line box)."""
        from PySide6.QtCore import Qt

        from plrdesk.ui.sessions.focus_group_view import FocusGroupView

        page = self.to_sessions_list()
        row = page.model.row_of(ref)
        if row < 0:
            raise invalid(f"{ref} is not in the sessions list")
        page.table.setCurrentIndex(page.model.index(row, 0))

        def shown() -> bool:
            return page.current is not None and page.current.doc.ref == ref

        self.spin(shown, OPEN_TIMEOUT_S, f"session {ref}")
        view = page.current
        if not isinstance(view, FocusGroupView):
            raise invalid(f"{ref} is not a focus group: {view!r}")
        self.press(Qt.Key.Key_Return)
        if self.focused() is not view.line:
            raise invalid("Enter on the focus group did not put the focus in its line box")
        return view


# -- 1. stalls while typing --------------------------------------------------------------


@dataclass
class TypingRun:
    label: str
    chars: int
    typed_s: float
    gaps: list[tuple[float, float]]  # (start, seconds) between two ticks
    keys: list[tuple[float, float]]  # (start, end) of each key's handler
    jobs: list[Job]
    pauses: list[tuple[float, float, int, str]]
    full_gc_ms: float
    objects: int
    profile: str = ""

    def stall_ms(self, pct: int | None = None, *, after_s: float = 0.0) -> float:
        """The longest gap (or the `pct` percentile), of those from `after_s` on."""
        origin = self.gaps[0][0]
        gaps = [g for start, g in self.gaps if start - origin >= after_s]
        return 1000 * (max(gaps) if pct is None else percentile(gaps, pct))

    def key_ms(self, pct: int | None = None) -> float:
        times = [end - start for start, end in self.keys]
        return 1000 * (max(times) if pct is None else percentile(times, pct))

    def autosaves(self) -> int:
        return sum(1 for job in self.jobs if is_autosave(job.name))


def is_autosave(name: str) -> bool:
    return "autosave" in name.lower() or "save_texts" in name


def measure_typing(
    app: App, editor: Any, text: str, tick_ms: int, profile: bool
) -> tuple[float, list[tuple[float, float]], list[tuple[float, float]], str]:
    """Type `text` into the focused note, a key a turn of the event loop, ticking."""
    from PySide6.QtCore import QEventLoop, Qt, QTimer
    from PySide6.QtTest import QTest

    gaps: list[tuple[float, float]] = []
    keys: list[tuple[float, float]] = []
    last = [0.0]

    def tick() -> None:
        now = time.perf_counter()
        gaps.append((last[0], now - last[0]))
        last[0] = now

    ticker = QTimer()
    ticker.setTimerType(Qt.TimerType.PreciseTimer)
    ticker.setInterval(tick_ms)
    ticker.timeout.connect(tick)
    loop = QEventLoop()
    chars = iter(text)
    target = editor.text

    failed: list[str] = []  # raised after the loop: an exception in a slot is only printed

    def key() -> None:
        char = next(chars, None)
        widget = app.focused()
        if widget is not target:
            failed.append(f"the note lost the focus to {widget!r}")
        if char is None or failed:
            typist.stop()
            loop.quit()
            return
        start = time.perf_counter()
        QTest.keyClicks(widget, char)  # one character: one keyClick
        keys.append((start, time.perf_counter()))

    typist = QTimer()
    typist.setInterval(0)
    typist.timeout.connect(key)
    profiler = cProfile.Profile() if profile else None
    last[0] = start = time.perf_counter()
    ticker.start()
    typist.start()
    if profiler is not None:
        profiler.enable()
    loop.exec()
    typed_s = time.perf_counter() - start
    if failed:
        raise invalid(failed[0])
    app.settle()  # the ticker goes on until the last save has answered
    if profiler is not None:
        profiler.disable()
    ticker.stop()
    answered = app.recorder.last_end + ANSWER_S
    gaps = [gap for gap in gaps if gap[0] <= answered]  # not the idle wait after it
    report = ""
    if profiler is not None:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(15)
        report = out.getvalue()
    return typed_s, gaps, keys, report


def typing_run(
    app: App,
    path: Path,
    label: str,
    text: str,
    args: argparse.Namespace,
    gcs: GcWatch,
    *,
    profile: bool,
) -> TypingRun:
    rec = app.recorder
    if not args.no_settle:  # as ui/app.run_app does before any study is opened
        from plrdesk.ui.app import settle_startup_objects

        settle_startup_objects()
    app.open(path)
    if args.freeze_gc:  # what-if: the app freezing what start-up and opening made
        gc.collect()
        gc.freeze()
    rec.phase = "warm-up"
    warm = app.new_note_in_first_interview()
    app.type(text[:WARM_UP_CHARS])
    app.settle()
    view = app.window.sessions.current
    editor = app.new_note(view)
    if warm.text.toPlainText() != text[:WARM_UP_CHARS]:
        raise invalid("the warm-up note does not hold what was typed")
    app.settle()
    rec.phase = f"typing {label}"
    mark, gc_mark = len(rec.jobs), len(gcs.pauses)
    typed_s, gaps, keys, report = measure_typing(app, editor, text, args.tick_ms, profile)
    if editor.text.toPlainText() != text:
        raise invalid("the note on screen does not hold what was typed")
    start = time.perf_counter()
    gc.collect()  # what one full collection would cost now, were it to come mid-typing
    full_gc_ms = (time.perf_counter() - start) * 1000
    objects = len(gc.get_objects())
    jobs = rec.jobs[mark:]
    pauses = [p for p in gcs.pauses[gc_mark:] if p[0] < gaps[-1][0] + gaps[-1][1]]
    app.close()
    gc.unfreeze()
    check_note_saved(path, text)
    return TypingRun(
        label, len(text), typed_s, gaps, keys, jobs, pauses, full_gc_ms, objects, report
    )


def check_note_saved(path: Path, text: str) -> None:
    from sqlalchemy import func, select

    from plrdesk.domain import models as m
    from plrdesk.storage.study_file import StudyFile

    with StudyFile.open(path, PASSPHRASE) as study, study.transaction() as db:
        found = db.scalar(select(func.count()).where(m.Entry.text == text))
    if found != 1:
        raise invalid(f"the file holds {found} notes with the typed text, not 1")


def explain_stalls(run: TypingRun, gcs: GcWatch, top: int) -> list[str]:
    """The longest stalls and what overlapped each: collections (a full one holds the GIL,
    so it stops every thread), operations on the worker, the key handlers."""
    origin = run.gaps[0][0]
    lines = []
    for start, length in sorted(run.gaps, key=lambda g: -g[1])[:top]:
        end = start + length
        collected: dict[tuple[int, str], float] = {}
        for g0, g1, gen, where in gcs.between(start, end):
            inside = min(g1, end) - max(g0, start)
            collected[gen, where] = collected.get((gen, where), 0.0) + inside
        parts = [
            f"gc gen {gen} on the {where} {seconds * 1000:.1f} ms"
            for (gen, where), seconds in sorted(collected.items(), reverse=True)
            if seconds >= 0.001
        ]
        parts += [
            f"worker {short_name(job.name)} ({job.ms:.0f} ms)"
            for job in run.jobs
            if job.end > start and job.start < end
        ]
        keys = sum(min(e, end) - max(s, start) for s, e in run.keys if e > start and s < end)
        parts.append(f"key handlers {keys * 1000:.1f} ms")
        lines.append(f"    {length * 1000:6.1f} ms at {start - origin:5.2f} s: " + "; ".join(parts))
    return lines


# -- 2. operations per filed line --------------------------------------------------------


def group_of_six(doc: dict[str, Any]) -> str:
    """The ref of a focus group with six children: the first one, or the first focus
    group made into one (six children, its lines given to them in turn)."""
    groups = [s for s in doc["sessions"] if s["kind"] == "focus-group"]
    if not groups:
        raise invalid("the generated study has no focus group")
    for session in groups:
        if len(session["participants"]) == GROUP_SIZE:
            return str(session["ref"])
    children = [p["ref"] for p in doc["participants"] if p["kind"] == "child"]
    session = groups[0]
    session["participants"] = children[:GROUP_SIZE]
    for n, entry in enumerate(session["entries"]):
        if "speaker" in entry:
            entry["speaker"] = children[n % GROUP_SIZE]
    return str(session["ref"])


def lines_to_file(count: int, seed: int) -> list[tuple[int, str]]:
    """(speaker's number, text) of each line: speakers 1-6 in a shuffled round."""
    rng = random.Random(seed)
    texts = studygen.random_texts(count, seed=seed, mean_chars=40)
    speakers = [n % GROUP_SIZE + 1 for n in range(count)]
    rng.shuffle(speakers)
    return list(zip(speakers, texts, strict=True))


def session_lines(path: Path, ref: str) -> list[tuple[str, str, str | None]]:
    """(entry id, text, speaker's ref) of the session's entries in order, by a fresh open."""
    from sqlalchemy import select

    from plrdesk.domain import models as m
    from plrdesk.storage.study_file import StudyFile

    with StudyFile.open(path, PASSPHRASE) as study, study.transaction() as db:
        entries = db.scalars(
            select(m.Entry)
            .join(m.StudySession)
            .where(m.StudySession.ref == ref)
            .order_by(m.Entry.position)
        )
        return [(e.id.hex, e.text or "", e.speaker.ref if e.speaker else None) for e in entries]


def filing_run(app: App, path: Path, ref: str, lines: list[tuple[int, str]]) -> list[list[Job]]:
    """File `lines` in focus group `ref`; the jobs each line set off, line by line."""
    from PySide6.QtCore import Qt

    rec = app.recorder
    before = {row[0] for row in session_lines(path, ref)}
    app.open(path)
    rec.phase = "to the focus group"
    view = app.focus_group(ref)
    if len(view.doc.members) != GROUP_SIZE:
        raise invalid(f"{ref} has {len(view.doc.members)} members, not {GROUP_SIZE}")
    speakers = {member.number: member.ref for member in view.doc.members}
    app.settle()
    digits = {n: getattr(Qt.Key, f"Key_{n}") for n in range(10)}
    per_line: list[list[Job]] = []
    for n, (speaker, text) in enumerate(lines, start=1):
        rec.phase = f"line {n}"
        mark = len(rec.jobs)
        app.press(digits[speaker])  # the first key in the empty box picks the speaker
        app.type(text)
        app.press(Qt.Key.Key_Return)
        app.settle()
        per_line.append(rec.jobs[mark:])
    app.close()
    filed = [
        (text, who) for entry_id, text, who in session_lines(path, ref) if entry_id not in before
    ]
    expected = [(text, speakers[speaker]) for speaker, text in lines]
    if filed != expected:
        raise invalid(f"{len(filed)} lines filed for {len(expected)} typed, or not as typed")
    return per_line


# -- the tables --------------------------------------------------------------------------


def print_rows(head: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> None:
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    print("  ".join(h.ljust(w) for h, w in zip(head, widths, strict=True)))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        cells = [
            c.ljust(w) if i == 0 or not c[:1].isdigit() else c.rjust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        ]
        print("  ".join(cells).rstrip())


def stall_figures(big: TypingRun, base: TypingRun) -> list[Figure]:
    def under(limit: float) -> Callable[[Figure], bool]:
        return lambda f: f.plrdesk < limit

    return [
        Figure(
            "longest stall",
            "ms",
            big.stall_ms(),
            base.stall_ms(),
            f"< {GOAL_MAX_STALL_MS:g} ms",
            under(GOAL_MAX_STALL_MS),
        ),
        Figure("p99 stall", "ms", big.stall_ms(99), base.stall_ms(99)),
        Figure(
            f"longest stall after the first {STEADY_AFTER_S:g} s",
            "ms",
            big.stall_ms(after_s=STEADY_AFTER_S),
            base.stall_ms(after_s=STEADY_AFTER_S),
        ),
        Figure("slowest key handler", "ms", big.key_ms(), base.key_ms()),
        Figure("p99 key handler", "ms", big.key_ms(99), base.key_ms(99)),
        Figure("autosave operations", "count", big.autosaves(), base.autosaves()),
        Figure("typing", "chars/s", big.chars / big.typed_s, base.chars / base.typed_s),
        Figure("one full gc.collect(), app open", "ms", big.full_gc_ms, base.full_gc_ms),
    ]


def report_filing(per_line: list[list[Job]], declared: bool) -> bool:
    """Print the per-line tables; True when every line met the goal."""
    n = len(per_line)

    def spread(values: Sequence[float], digits: int = 1) -> tuple[str, str]:
        mean = sum(values) / len(values)
        return f"{mean:.{digits}f}", f"{min(values):.{digits}f}-{max(values):.{digits}f}"

    writes = [sum(1 for j in jobs if j.kind == "write") for jobs in per_line]
    reads = [sum(1 for j in jobs if j.kind == "read") for jobs in per_line]
    selects = [sum(j.sql["select"] for j in jobs) for jobs in per_line]
    changes = [sum(j.sql["write"] for j in jobs) for jobs in per_line]
    others = [sum(j.sql["other"] for j in jobs) for jobs in per_line]
    busy = [sum(j.ms for j in jobs) for jobs in per_line]
    one_write = all(w == 1 for w in writes)
    no_reads = all(r == 0 for r in reads)
    rows = [
        ("runner operations: writes", *spread(writes), "1", "pass" if one_write else "FAIL"),
        (
            "runner operations: reads",
            *spread(reads),
            "0 (no reloads)",
            "pass" if no_reads else "FAIL",
        ),
        ("SQL: SELECT", *spread(selects), "-", "-"),
        ("SQL: INSERT/UPDATE/DELETE", *spread(changes), "-", "-"),
        ("SQL: other (BEGIN, PRAGMA)", *spread(others), "-", "-"),
        ("worker busy (ms)", *spread(busy), "-", "-"),
    ]
    how = (
        "as the operations declare"
        if declared
        else "observed: an operation that ran INSERT/UPDATE/DELETE is a write"
    )
    print(f"\nper filed line, {n} lines (reads and writes {how}):")
    print_rows(("per line", "mean", "min-max", "goal", "result"), rows)

    by_name: dict[tuple[str, str], list[Job]] = {}
    for jobs in per_line:
        for job in jobs:
            by_name.setdefault((short_name(job.name), job.kind), []).append(job)
    named = [
        (
            name,
            kind,
            f"{len(jobs) / n:.2f}",
            f"{sum(j.ms for j in jobs) / len(jobs):.1f}",
            f"{sum(j.sql['select'] for j in jobs) / len(jobs):.1f}",
            f"{sum(j.sql['write'] for j in jobs) / len(jobs):.1f}",
        )
        for (name, kind), jobs in sorted(by_name.items(), key=lambda item: item[0][1] != "write")
    ]
    print("\nthe operations, by name:")
    print_rows(("operation", "kind", "per line", "mean ms", "SELECT each", "I/U/D each"), named)
    return one_write and no_reads


# -- main --------------------------------------------------------------------------------


def isolate_home(root: Path) -> None:
    """The app's settings and Qt's in a temporary home, not the user's."""
    for var, sub in HOME_VARS:
        folder = root / sub
        folder.mkdir(parents=True, exist_ok=True)
        os.environ[var] = str(folder)


def make_study(shape: studygen.StudyShape, workdir: Path, name: str) -> tuple[Path, str | None]:
    doc = studygen.generate(shape)
    group = group_of_six(doc) if any(s["kind"] == "focus-group" for s in doc["sessions"]) else None
    path = import_into_new_study(doc, workdir, name)
    return path, group


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--quick", action="store_true", help="100 sessions, 300 characters, 10 lines"
    )
    parser.add_argument("--sessions", type=int, help="sessions in the large study (default 1000)")
    parser.add_argument("--chars", type=int, help="characters typed into the note (default 2000)")
    parser.add_argument("--lines", type=int, help="focus-group lines filed (default 30)")
    parser.add_argument("--tick-ms", type=int, default=1, help="the stall timer's interval")
    parser.add_argument("--profile", action="store_true", help="cProfile the GUI thread's typing")
    parser.add_argument(
        "--freeze-gc",
        action="store_true",
        help="what-if: gc.freeze() once each study is open, before typing",
    )
    parser.add_argument(
        "--no-settle",
        action="store_true",
        help="what-if: skip the app's gc.freeze() of start-up's objects (ui/app.py)",
    )
    parser.add_argument("--dir", type=Path, help="make the temporary directory under DIR")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument("--seed", type=int, default=studygen.StudyShape.seed)
    args = parser.parse_args(argv)

    sessions = args.sessions or (100 if args.quick else 1000)
    chars = args.chars or (300 if args.quick else 2000)
    line_count = args.lines or (10 if args.quick else 30)
    workdir = Path(tempfile.mkdtemp(prefix="plrdesk-bench-typing-", dir=args.dir))
    isolate_home(workdir / "home")
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    print(f"plrdesk typing benchmark, {dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}")
    print(f"machine: {machine()}")
    print(f"plrdesk: {code_version()}")
    print(f"load average at start: {load_average()}")
    gcs = GcWatch()
    try:
        start = time.perf_counter()
        big_path, group = make_study(
            studygen.StudyShape(sessions=sessions, seed=args.seed), workdir, "large.plr"
        )
        base_path, _ = make_study(
            studygen.StudyShape(sessions=1, seed=args.seed), workdir, "one.plr"
        )
        if group is None:
            raise invalid("the large study has no focus group")
        gc.collect()
        print(
            f"\nstudies: {sessions:,} sessions x {studygen.StudyShape.entries_per_session} entries"
            f" (focus group {group} with {GROUP_SIZE} children), and 1 session;"
            f" generated and imported in {time.perf_counter() - start:.1f} s"
        )

        from PySide6.QtWidgets import QApplication

        from plrdesk.cli.study_commands import shipped_forms
        from plrdesk.ui.controller import AppController

        recorder = Recorder()
        recorder.install()
        qapp = QApplication.instance() or QApplication([sys.argv[0]])
        assert isinstance(qapp, QApplication)
        controller = AppController(qapp, shipped_forms())
        app = App(controller, recorder)
        gc.callbacks.append(gcs)
        text = " ".join(studygen.random_texts(chars // 150 + 2, seed=args.seed))[:chars]
        try:
            print(f"\n[1/2] typing {chars:,} characters into one note, a {args.tick_ms} ms tick")
            base = typing_run(app, base_path, "1 session", text, args, gcs, profile=False)
            big = typing_run(
                app, big_path, f"{sessions} sessions", text, args, gcs, profile=args.profile
            )
            print(f"[2/2] filing {line_count} focus-group lines in {group}")
            lines = lines_to_file(line_count, args.seed)
            per_line = filing_run(app, big_path, group, lines)
            recorder.check_threads()
        finally:
            gc.callbacks.remove(gcs)
            controller.shutdown()
            if controller.welcome is not None:
                controller.welcome.close()

        print(f"\nstalls while typing: {sessions:,}-session study against the 1-session baseline")
        figures = stall_figures(big, base)
        print_table(figures)
        for run in (big, base):
            kinds = Counter(short_name(job.name) for job in run.jobs)
            ops = ", ".join(f"{name} {count}" for name, count in kinds.most_common())
            collections = Counter(gen for _, _, gen, _ in run.pauses)
            print(
                f"\n  {run.label}: {len(run.gaps):,} ticks in {run.typed_s:.1f} s of typing;"
                f" collections by generation {dict(sorted(collections.items()))};"
                f" {run.objects:,} objects tracked"
            )
            print(f"  operations while typing: {ops}")
            print("  longest stalls, and what overlapped them:")
            print("\n".join(explain_stalls(run, gcs, TOP_STALLS)))
        if big.profile:
            print(f"\ncProfile of the GUI thread while typing ({big.label}):\n{big.profile}")
        met = report_filing(per_line, recorder.declared())
        print(f"\nload average at end: {load_average()}")
        failed = [f.name for f in figures if f.result == "FAIL"]
        if not met:
            failed.append("operations per filed line")
        print(f"\ngoals missed: {', '.join(failed) if failed else 'none'}")
    finally:
        if args.keep:
            print(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
