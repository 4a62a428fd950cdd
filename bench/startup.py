"""Start-up: how long `plrdesk` takes to put its welcome window up, against a bare
PySide6 window started the same way on the same X display, in the same run.

    .venv/bin/python bench/startup.py              # 7 runs each, on a private Xvfb
    .venv/bin/python bench/startup.py --runs 15
    .venv/bin/python bench/startup.py --display :15 # an X server already running

Each run starts one process and times, from just before it is spawned:

- mapped: the X server maps its first top-level window (a MapNotify on the root
  window, seen by an X client in this process, libX11 through ctypes, blocking on the
  event: no polling). The headline figure, and the goal: within 2x of the bare window.
- painted: the window's first paint has been handed to the X server. Each process
  prints that moment on stderr when PLRDESK_STARTUP_TIMES=1 (CLOCK_MONOTONIC, which
  every process on the machine shares). plrdesk does nothing else with that variable
  (src/plrdesk/ui/app.py); the bare window does the same.
- ready (plrdesk only): everything loaded behind the welcome window (the forms, the
  study window's modules), when a click on New study no longer waits for an import.

The bare window is this script with --bare-window: a QApplication, a 640x380 QWidget
titled "bare", shown, the event loop. plrdesk is the console script with no arguments,
which shows the welcome window. Every run of either gets a fresh home and XDG folders,
so plrdesk starts as on the first day (no settings yet, the getting-started steps
shown); --returning keeps one home with a settings file naming a recent study instead.

Runs alternate bare and plrdesk, after one untimed warm-up of each (bytecode and the
page cache warm for both alike). Medians are printed with the ratio. There is no window
manager on the display: nothing between the client and the server but X itself.

Sanity checks (INVALID RUN otherwise): each process is still running when its window
maps, and reports its times (but with --no-reports, for code from before this script).
The window timed is the first one mapped with the title asked for; windows the process
mapped before it (a widget shown before it was put in its window flashes up as a window
of its own) are counted and printed as strays.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import ctypes.util
import json
import os
import queue
import select
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from storage import Figure, code_version, load_average, machine, plrdesk_argv, print_table

GOAL_RATIO = 2.0
STEP_TIMEOUT_S = 30.0
TIMES_VAR = "PLRDESK_STARTUP_TIMES"
MAP_NOTIFY = 19
SUBSTRUCTURE_NOTIFY_MASK = 1 << 19
HOME_VARS = (
    ("HOME", ""),
    ("XDG_CONFIG_HOME", ".config"),
    ("XDG_DATA_HOME", ".local/share"),
    ("XDG_CACHE_HOME", ".cache"),
    ("XDG_STATE_HOME", ".local/state"),
)


def invalid(why: str) -> SystemExit:
    return SystemExit(f"INVALID RUN: {why}")


# -- the bare window -----------------------------------------------------------------------


def bare_window() -> int:
    """The baseline: the least a PySide6 program does to show a window."""
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication, QWidget

    app = QApplication(sys.argv[:1])
    window = QWidget()
    window.setWindowTitle("bare")
    window.resize(640, 380)

    class FirstPaint(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint:
                watched.removeEventFilter(self)
                # After the paint has been flushed: the same moment plrdesk reports.
                QTimer.singleShot(0, lambda: report("painted"))
            return False

    if os.environ.get(TIMES_VAR) == "1":
        watcher = FirstPaint()
        window.installEventFilter(watcher)
    window.show()
    return app.exec()


def report(what: str) -> None:
    sys.stderr.write(f"plrdesk-startup {what} {time.monotonic():.6f}\n")
    sys.stderr.flush()


# -- watching the X server -----------------------------------------------------------------


class XEvent(ctypes.Union):
    _fields_ = [("type", ctypes.c_int), ("pad", ctypes.c_long * 24)]


class XMapEvent(ctypes.Structure):
    _fields_ = [
        ("type", ctypes.c_int),
        ("serial", ctypes.c_ulong),
        ("send_event", ctypes.c_int),
        ("display", ctypes.c_void_p),
        ("event", ctypes.c_ulong),
        ("window", ctypes.c_ulong),
        ("override_redirect", ctypes.c_int),
    ]


class MapWatcher:
    """Every window mapped on the display's root, with the moment this process saw it.
    A thread waits on the X connection (select: woken by the event, not a poll interval)
    and reads what arrived; `close` stops it and closes the connection on that thread,
    before the X server goes (Xlib would end the process on a lost connection)."""

    def __init__(self, display: str) -> None:
        name = ctypes.util.find_library("X11")
        if name is None:
            raise SystemExit("needs libX11 (apt-get install libx11-6)")
        x = ctypes.CDLL(name)
        x.XOpenDisplay.restype = ctypes.c_void_p
        x.XOpenDisplay.argtypes = [ctypes.c_char_p]
        x.XDefaultRootWindow.restype = ctypes.c_ulong
        for fn in ("XDefaultRootWindow", "XFlush", "XPending", "XConnectionNumber"):
            getattr(x, fn).argtypes = [ctypes.c_void_p]
        x.XCloseDisplay.argtypes = [ctypes.c_void_p]
        x.XSelectInput.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_long]
        x.XNextEvent.argtypes = [ctypes.c_void_p, ctypes.POINTER(XEvent)]
        self.x = x
        self.dpy = x.XOpenDisplay(display.encode())
        if not self.dpy:
            raise SystemExit(f"cannot open X display {display}")
        x.XSelectInput(self.dpy, x.XDefaultRootWindow(self.dpy), SUBSTRUCTURE_NOTIFY_MASK)
        x.XFlush(self.dpy)
        self.maps: queue.Queue[tuple[float, int]] = queue.Queue()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        event = XEvent()
        fd = self.x.XConnectionNumber(self.dpy)
        while not self._stop.is_set():
            select.select([fd], [], [], 0.2)  # returns at once when the server writes
            seen = time.monotonic()
            while self.x.XPending(self.dpy):
                self.x.XNextEvent(self.dpy, ctypes.byref(event))
                if event.type != MAP_NOTIFY:
                    continue
                mapped = ctypes.cast(ctypes.byref(event), ctypes.POINTER(XMapEvent)).contents
                if not mapped.override_redirect:
                    self.maps.put((seen, mapped.window))
        self.x.XCloseDisplay(self.dpy)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def drain(self) -> None:
        while not self.maps.empty():
            self.maps.get_nowait()


def window_title(display: str, window: int) -> str:
    found = subprocess.run(
        ["xdotool", "getwindowname", str(window)],
        env={**os.environ, "DISPLAY": display},
        capture_output=True,
        text=True,
        timeout=STEP_TIMEOUT_S,
    )
    return found.stdout.strip()


@contextlib.contextmanager
def private_display() -> Iterator[str]:
    xvfb = shutil.which("Xvfb")
    if xvfb is None:
        raise SystemExit("needs Xvfb (apt-get install xvfb), or --display")
    read_fd, write_fd = os.pipe()
    args = [xvfb, "-displayfd", str(write_fd), "-screen", "0", "1400x900x24"]
    proc = subprocess.Popen(
        [*args, "-nolisten", "tcp", "-noreset"],
        pass_fds=(write_fd,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_fd)
    try:
        with os.fdopen(read_fd) as pipe:
            number = pipe.readline().strip()
        if not number:
            raise SystemExit("Xvfb did not start")
        yield f":{number}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


# -- one run -------------------------------------------------------------------------------


@dataclass
class Run:
    mapped: float
    painted: float | None
    ready: float | None
    strays: int
    """Windows of the process mapped before the one asked for (a widget shown too soon)."""


@dataclass
class Side:
    name: str
    argv: list[str]
    title: str
    reports: set[str]
    """What the process prints PLRDESK_STARTUP_TIMES lines for (none: --no-reports)."""
    runs: list[Run] = field(default_factory=list)

    def median(self, what: str) -> float:
        values = [getattr(r, what) for r in self.runs if getattr(r, what) is not None]
        return statistics.median(values) if values else float("nan")


def fresh_home(root: Path, returning: Path | None) -> dict[str, str]:
    home = returning or Path(tempfile.mkdtemp(dir=root, prefix="home-"))
    env: dict[str, str] = {}
    for var, sub in HOME_VARS:
        folder = home / sub
        folder.mkdir(parents=True, exist_ok=True)
        env[var] = str(folder)
    return env


def returning_home(root: Path) -> Path:
    """A home whose settings name one recent study (not opened: only listed)."""
    home = root / "returning"
    config = home / ".config" / "plrdesk"
    config.mkdir(parents=True)
    settings = {"schema_version": 1, "recent_studies": [str(home / "fieldwork.plr")]}
    (config / "settings.json").write_text(json.dumps(settings), encoding="utf-8")
    return home


def one_run(side: Side, display: str, watcher: MapWatcher, home: dict[str, str]) -> Run:
    env = {**os.environ, **home, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb", TIMES_VAR: "1"}
    for var in ("PLRDESK_PASSPHRASE", "PLRDESK_NEW_PASSPHRASE", "QT_QPA_PLATFORMTHEME"):
        env.pop(var, None)
    watcher.drain()
    reports: queue.Queue[tuple[str, float]] = queue.Queue()
    start = time.monotonic()
    proc = subprocess.Popen(
        side.argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    said: list[str] = []

    def read_reports() -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            said.append(line)
            words = line.split()
            if len(words) == 3 and words[0] == "plrdesk-startup":
                reports.put((words[1], float(words[2])))

    reader = threading.Thread(target=read_reports, daemon=True)
    reader.start()
    try:
        strays = 0
        while True:  # the first window with the title asked for; any other is a stray
            try:
                seen, window = watcher.maps.get(timeout=STEP_TIMEOUT_S)
            except queue.Empty:
                raise invalid(f"{side.name}: no window mapped; it said {''.join(said)}") from None
            if proc.poll() is not None:
                raise invalid(f"{side.name} exited ({proc.returncode}) as its window mapped")
            if window_title(display, window) == side.title:
                break
            strays += 1
        times: dict[str, float] = {}
        wanted = set() if not side.reports else {"painted", "ready"} & side.reports
        deadline = time.monotonic() + STEP_TIMEOUT_S
        while not wanted <= times.keys():
            try:
                what, when = reports.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                missing = sorted(wanted - times.keys())
                raise invalid(f"{side.name} never reported {missing}: {''.join(said)}") from None
            times[what] = when
        painted = times["painted"] - start if "painted" in times else None
        ready = times["ready"] - start if "ready" in times else None
        return Run(seen - start, painted, ready, strays)
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        reader.join(timeout=10)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7, help="timed runs of each (default 7)")
    parser.add_argument("--display", help="an X display to use (default: a private Xvfb)")
    parser.add_argument("--returning", action="store_true", help="settings with a recent study")
    parser.add_argument(
        "--no-reports",
        action="store_true",
        help="plrdesk prints no times (code from before bench/startup.py): mapped only",
    )
    parser.add_argument("--bare-window", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.bare_window:
        return bare_window()
    bare = Side("bare window", [sys.executable, __file__, "--bare-window"], "bare", {"painted"})
    reports = set() if args.no_reports else {"painted", "ready"}
    app = Side("plrdesk", plrdesk_argv(), "plrdesk", reports)
    with (
        tempfile.TemporaryDirectory(prefix="plrdesk-startup-") as tmp,
        contextlib.ExitStack() as stack,
    ):
        root = Path(tmp)
        display = args.display or stack.enter_context(private_display())
        watcher = MapWatcher(display)
        stack.callback(watcher.close)
        returning = returning_home(root) if args.returning else None
        for side in (bare, app):  # warm-up, untimed
            one_run(side, display, watcher, fresh_home(root, returning))
        for _ in range(args.runs):
            for side in (bare, app):
                side.runs.append(one_run(side, display, watcher, fresh_home(root, returning)))
    print(f"machine: {machine()}")
    print(f"code: {code_version()}")
    print(f"load average: {load_average()}")
    print(
        f"runs: {args.runs} each, alternating; home: {'returning' if args.returning else 'fresh'}"
    )
    print()
    for side in (bare, app):
        strays = sum(r.strays for r in side.runs)
        if strays:
            print(f"{side.name}: {strays} stray window(s) mapped before the one asked for")
        for what in ("mapped", "painted", "ready"):
            values = [getattr(r, what) for r in side.runs if getattr(r, what) is not None]
            if values:
                ms = " ".join(f"{v * 1000:.0f}" for v in values)
                print(f"{side.name:12} {what:8} ms: {ms}")
    print()
    figures = [
        Figure(
            "window mapped",
            "ms, median",
            app.median("mapped") * 1000,
            bare.median("mapped") * 1000,
            f"<= {GOAL_RATIO:g}x",
            lambda f: f.ratio <= GOAL_RATIO,
        ),
    ]
    if reports:
        bare_paint = bare.median("painted") * 1000
        figures.append(
            Figure("first paint", "ms, median", app.median("painted") * 1000, bare_paint)
        )
        figures.append(Figure("ready", "ms, median", app.median("ready") * 1000, bare_paint))
    print_table(figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
