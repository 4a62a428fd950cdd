"""Starting the desktop app: build the QApplication, load the shipped forms, hand over to
the controller. Called from the composition root (plrdesk.__main__)."""

from __future__ import annotations

import gc
import sys
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from plrdesk import shipped
from plrdesk.forms.catalog import FormCatalog, usable_catalog
from plrdesk.ui.controller import AppController
from plrdesk.ui.welcome import APP_NAME


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
    (`open_path` opens a study, with `passphrase` if one was given, instead of the welcome).

    A broken file in the forms folder is left out and named in one notice; the app still
    starts with the other forms, so a file someone dropped there cannot lock the
    researcher out of their study.
    """
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    folder = shipped.forms_dir()
    forms = usable_catalog(folder)
    controller = AppController(app, forms)
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
    notice = None
    if forms.skipped:
        parent = controller.dialog or controller.welcome
        notice = _left_out_notice(forms, folder, parent)
    return Started(controller, notice)


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
