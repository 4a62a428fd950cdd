"""Starting the desktop app: build the QApplication, load the shipped forms, hand over to
the controller. Called from the composition root (plrdesk.__main__).

Start-up order, for a window a person sees at once (docs/performance.md, "Start-up"):
the first window (the welcome window, or the passphrase dialog of `plrdesk open FILE`) is
shown and painted first; only then is the rest loaded behind it (`load_the_rest`: the
study window's modules, SQLAlchemy, the forms machinery), before the event loop runs, so a
click on New study finds it all there. Nothing is imported at module level here but what
that first window needs.

PLRDESK_STARTUP_TIMES=1 prints, on stderr, the moment the first window was painted and
the moment the rest was loaded ("plrdesk-startup painted|ready SECONDS", CLOCK_MONOTONIC,
which bench/startup.py compares with its own clock). It changes nothing else.
"""

from __future__ import annotations

import gc
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QDeadlineTimer, QEvent, QEventLoop, QObject
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from plrdesk import shipped
from plrdesk.ui.welcome import APP_NAME

if TYPE_CHECKING:
    from plrdesk.forms.catalog import FormCatalog
    from plrdesk.ui.controller import AppController

TIMES_VARIABLE = "PLRDESK_STARTUP_TIMES"
PAINT_WAIT_MS = 2_000  # a first window that is not painted by then (hidden, minimised): go on


@dataclass
class Started:
    controller: AppController
    left_out: QMessageBox | None
    """The notice naming the form files that were left out, if any (shown, not modal)."""


def run_app(open_path: Path | None = None, passphrase: str | None = None) -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    _started = start(app, open_path, passphrase)  # kept: its controller holds every window
    settle_startup_objects()
    return app.exec()


def settle_startup_objects() -> None:
    """Take what start-up made (modules, Qt wrappers, SQLAlchemy's registries: ~170,000
    objects) out of the garbage collector's sight. None of it is ever garbage, yet each
    full collection walked it all holding the GIL, and the GUI thread stood still for it:
    110-200 ms at a new note's first key in a large study (bench/keystrokes.py). Nothing
    of a study is loaded yet, and what is loaded later is collected as before."""
    gc.collect()
    gc.freeze()


def start(
    app: QApplication, open_path: Path | None = None, passphrase: str | None = None
) -> Started:
    """Everything up to the event loop: the forms, the controller, the first window
    (`open_path` opens a study, with `passphrase` if one was given, instead of the welcome),
    painted; then the rest loaded behind it.

    A broken file in the forms folder is left out and named in one notice; the app still
    starts with the other forms, so a file someone dropped there cannot lock the
    researcher out of their study.
    """
    from plrdesk.ui.controller import AppController

    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    folder = shipped.forms_dir()
    controller = AppController(app, lambda: load_forms(folder))
    # Qt's default stays: the app ends when its last window closes (the main window, or the
    # welcome window with no study open); the controller keeps a window up through every
    # hand-over so that happens only then (docs/decisions.md). Quitting saves what is
    # pending and drops the key. Wired here rather than in run_app, so tests that run the
    # event loop after start() quit the way the app does.
    app.aboutToQuit.connect(controller.shutdown)
    if open_path is not None:
        controller.open_path(open_path, passphrase)
    else:
        controller.show_welcome()
    first = controller.dialog or controller.welcome
    if first is not None:
        wait_until_painted(app, first)
    _report_time("painted")
    forms = controller.forms  # loaded now, behind the first window
    load_the_rest()
    _report_time("ready")
    notice = None
    if forms.skipped:
        parent = controller.dialog or controller.welcome
        notice = _left_out_notice(forms, folder, parent)
    return Started(controller, notice)


def load_forms(folder: Path) -> FormCatalog:
    """The forms in `folder` that load (the forms machinery is imported here, not before)."""
    from plrdesk.forms.catalog import usable_catalog

    return usable_catalog(folder)


def load_the_rest() -> None:
    """Import what the first click needs (New study, Open, a recent study, the demo: the
    passphrase dialog, then the study window), once the first window is on screen, so
    none of it stands between the click and the next window."""
    from plrdesk.ui import main_window, passphrase_dialog, runner  # noqa: F401


class _FirstPaint(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.painted = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.painted = True
        return False


def wait_until_painted(app: QApplication, window: QWidget) -> bool:
    """Let Qt show and paint `window` (up to PAINT_WAIT_MS) before start-up goes on with
    work that would hold the GUI thread: a window mapped but not painted is a blank or
    black rectangle. True when it was painted."""
    seen = _FirstPaint()
    window.installEventFilter(seen)
    deadline = QDeadlineTimer(PAINT_WAIT_MS)
    try:
        while not seen.painted and not deadline.hasExpired() and window.isVisible():
            app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents, 50)
        app.processEvents()  # what the paint queued (the flush to the screen)
    finally:
        window.removeEventFilter(seen)
    return seen.painted


def _report_time(what: str) -> None:
    if os.environ.get(TIMES_VARIABLE) == "1":
        sys.stderr.write(f"plrdesk-startup {what} {time.monotonic():.6f}\n")
        sys.stderr.flush()


def _left_out_notice(forms: FormCatalog, folder: Path, parent: QWidget | None) -> QMessageBox:
    files = forms.left_out()
    lines = [
        f"• {Path(file).name}, line {problems[0].line}: {problems[0].message}"
        + (f" (and {len(problems) - 1} more)" if len(problems) > 1 else "")
        for file, problems in files.items()
    ]
    which = "This form file has" if len(files) == 1 else "These form files have"
    text = (
        f"{which} a problem and {'was' if len(files) == 1 else 'were'} left out:\n\n"
        + "\n".join(lines)
        + f"\n\nThe other forms work as usual. The files are in {folder}; fix or remove"
        " them, then restart plrdesk. `plrdesk forms check` lists every problem."
    )
    # Not modal and not exec(): the window behind it stays usable, and start-up goes on.
    box = QMessageBox(
        QMessageBox.Icon.Warning, APP_NAME, text, QMessageBox.StandardButton.Ok, parent
    )
    box.setObjectName("formsLeftOut")
    box.setModal(False)
    box.show()
    return box
