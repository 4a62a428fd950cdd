"""The app's flow between windows: welcome → passphrase → main window, locking and
unlocking, closing a study. Owns the settings and the idle timer; opens studies off the
GUI thread.

One of the app's windows is on screen at every moment. Qt quits when the last window
closes, and that is what closing the main window, or the welcome window with no study
open, should do; so every hand-over shows the next window before the last one goes: the
passphrase dialog comes up before a locked window is torn down, and stays up (busy) until
the main window is shown or the welcome is back. Before, the dialog closed as soon as the
passphrase was typed, the app quit while the study opened in the background, and
`plrdesk open FILE` or any unlock ended the app (issue 10). See docs/decisions.md.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QInputDialog,
    QMainWindow,
    QMessageBox,
    QWidget,
)

from plrdesk import settings as app_settings
from plrdesk.forms.problems import FormErrors
from plrdesk.storage.backups import backup_to
from plrdesk.storage.errors import StudyFileError, WrongPassphrase
from plrdesk.storage.files import STUDY_SUFFIX
from plrdesk.ui import leaving, opener
from plrdesk.ui.idle_lock import IdleLock
from plrdesk.ui.preferences import PreferencesDialog
from plrdesk.ui.welcome import WelcomeWindow

if TYPE_CHECKING:  # the rest is imported where it is first used: the welcome window needs none
    from plrdesk.forms.catalog import FormCatalog
    from plrdesk.storage.study_file import StudyFile
    from plrdesk.ui.main_window import MainWindow
    from plrdesk.ui.passphrase_dialog import PassphraseDialog
    from plrdesk.ui.runner import OperationRunner

log = logging.getLogger(__name__)

OpenWork = Callable[[str], Callable[[], "StudyFile"]]
OPENING_WAIT_MS = 30_000


class AppController(QObject):
    sig_study_opened = Signal(QMainWindow)
    """A study is open in this main window."""
    sig_locked = Signal()
    """The study was locked: window gone, key dropped, passphrase dialog up."""

    def __init__(self, app: QApplication, forms: FormCatalog | Callable[[], FormCatalog]) -> None:
        """`forms` may be a function that loads them: start-up shows the first window
        before the forms machinery (~250 ms) is imported, and asks for them after."""
        super().__init__()
        self.app = app
        self._forms = forms
        self.settings = app_settings.load()
        self.welcome: WelcomeWindow | None = None
        self.window: MainWindow | None = None
        self.runner: OperationRunner | None = None
        self.dialog: PassphraseDialog | None = None
        self._opening: opener.Opening | None = None  # owned by self (its Qt parent)
        self._path: Path | None = None
        self._retry_work: OpenWork | None = None
        self._new_study_path: Path | None = None  # ask its details once it is open
        self.replaced_box: QMessageBox | None = None
        self.unsaved_box: QMessageBox | None = None
        self._closing_window = False
        self.idle = IdleLock(self.settings.auto_lock_minutes, self)
        self.idle.sig_idle.connect(self._idle_lock)

    @property
    def forms(self) -> FormCatalog:
        if callable(self._forms):
            self._forms = self._forms()
        return self._forms

    # -- welcome ---------------------------------------------------------------------------

    def show_welcome(self) -> None:
        self.welcome = WelcomeWindow(self.settings.recent_studies)
        self.welcome.sig_new_requested.connect(self.new_study)
        self.welcome.sig_open_requested.connect(self.choose_study)
        self.welcome.sig_demo_requested.connect(self.try_demo)
        self.welcome.sig_recent_chosen.connect(self.open_path)
        self.welcome.show()
        leaving.give_the_keyboard(self.welcome)

    def _welcome_unless_a_window_is_up(self) -> None:
        if self.window is None and (self.welcome is None or not self.welcome.isVisible()):
            self.show_welcome()

    def _parent(self) -> QWidget | None:
        return self.window or self.welcome

    def choose_study(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self._parent(),
            "Open study",
            str(Path.home()),
            f"Studies (*{STUDY_SUFFIX});;All files (*)",
        )
        if name:
            self.open_path(Path(name))

    def new_study(self) -> None:
        name, _ = QFileDialog.getSaveFileName(
            self._parent(),
            "New study",
            str(Path.home() / f"study{STUDY_SUFFIX}"),
            f"Studies (*{STUDY_SUFFIX})",
        )
        if not name:
            return
        path = Path(name) if name.endswith(STUDY_SUFFIX) else Path(name + STUDY_SUFFIX)
        title, ok = QInputDialog.getText(self._parent(), "New study", "Title of the study:")
        if not ok or not title.strip():
            return
        self._new_study_path = path
        self._ask(
            path, new=True, work=lambda secret: opener.create_and_open(path, secret, title.strip())
        )

    def try_demo(self) -> None:
        path = Path.home() / f"plrdesk-demo{STUDY_SUFFIX}"
        if path.exists():
            self.open_path(path)
            return
        self._ask(path, new=True, work=lambda secret: opener.create_demo_and_open(path, secret))

    def open_path(self, path: Path, passphrase: str | None = None) -> None:
        """Open `path`, asking for its passphrase unless one is given (`plrdesk open FILE`
        with PLRDESK_PASSPHRASE or --passphrase-file); a wrong one is asked for again."""
        if not path.exists():
            self._welcome_unless_a_window_is_up()  # under the message, and after it
            QMessageBox.warning(self._parent(), "Study not found", f"There is no study at {path}.")
            self.settings.forget(path)
            app_settings.save(self.settings)
            return
        work: OpenWork = lambda secret: opener.open_study(path, secret)  # noqa: E731
        if passphrase is None:
            self._ask(path, new=False, work=work)
            return
        self._path = path
        self._retry_work = work
        self._begin_open(work(passphrase))

    # -- passphrase and opening ------------------------------------------------------------

    def _ask(self, path: Path, *, new: bool, work: OpenWork) -> None:
        """Put up the passphrase dialog, with the keyboard in its field. Its parent is the
        welcome window if that is up, else none: on lock it outlives the main window."""
        from plrdesk.ui.passphrase_dialog import PassphraseDialog

        self._path = path
        dialog = PassphraseDialog(path.name, new=new, parent=self.welcome)
        dialog.sig_passphrase_entered.connect(lambda: self._start_open(work))
        dialog.sig_cancelled.connect(self._cancelled)
        self.dialog = dialog
        dialog.open()
        leaving.give_the_keyboard(dialog)

    def _start_open(self, work: OpenWork) -> None:
        assert self.dialog is not None
        secret = self.dialog.passphrase()
        self.dialog.first.clear()
        self._begin_open(work(secret))

    def _begin_open(self, job: Callable[[], StudyFile]) -> None:
        self._opening = opener.open_in_background(job, self._opened, self._open_failed, owner=self)

    def _open_failed(self, exc: Exception) -> None:
        self._opening = None
        if isinstance(exc, WrongPassphrase) and self.dialog is None and self._retry_work:
            assert self._path is not None  # a given passphrase was wrong: ask as usual
            self._ask(self._path, new=False, work=self._retry_work)
            self._retry_work = None
        if isinstance(exc, WrongPassphrase) and self.dialog is not None:
            self.dialog.show_wrong()  # the dialog never closed: the field keeps the keyboard
            return
        if isinstance(exc, StudyFileError):
            message = str(exc)
        elif isinstance(exc, FormErrors):  # the demo is built from forms/, and one is broken
            message = f"A form file has a problem: {exc.problems[0]}"
        else:
            message = f"Could not open the study ({type(exc).__name__})."
        dialog, self.dialog = self.dialog, None
        self._welcome_unless_a_window_is_up()  # before the dialog goes
        QMessageBox.warning(dialog or self._parent(), "Could not open the study", message)
        if dialog is not None:
            dialog.finish(opened=False)

    def _cancelled(self) -> None:
        """The dialog is about to close: drop any open in flight, and bring the welcome
        back first if nothing else would be left on screen."""
        if self._opening is not None:
            self._opening.abandon()
            self._opening = None
        self.dialog = None
        self._retry_work = None
        self._welcome_unless_a_window_is_up()

    def _opened(self, study: StudyFile) -> None:
        from plrdesk.ui.main_window import MainWindow
        from plrdesk.ui.runner import OperationRunner
        from plrdesk.ui.study_details_dialog import edit_study_details

        self._opening = None
        dialog, self.dialog = self.dialog, None
        self.settings.remember(study.path)
        app_settings.save(self.settings)
        self._path = study.path
        self.runner = OperationRunner(study)
        self.runner.sig_study_replaced.connect(self._study_replaced)
        self.window = MainWindow(self.runner, self.forms)
        self.window.sig_lock_requested.connect(self.lock)
        self.window.may_close = self._may_close_window
        self.window.sig_close_requested.connect(self.close_study)
        self.window.sig_preferences_requested.connect(self.edit_preferences)
        # The "Not saved" bar's Save a copy…: the same copy as after a replaced file.
        self.window.ctx.save_state.sig_copy_requested.connect(self.save_copy_elsewhere)
        self.window.show()
        leaving.give_the_keyboard(self.window)
        if dialog is not None:
            dialog.finish(opened=True)  # only now: the main window is on screen
        if self.welcome is not None:
            self.welcome.close()
            self.welcome = None
        self.idle.start()
        self.sig_study_opened.emit(self.window)
        if study.path == self._new_study_path:  # the new-study flow's last step
            self._new_study_path = None
            edit_study_details(self.window, self.window.ctx, first_time=True)
        if study.wal_set_aside is not None:
            QMessageBox.information(
                self.window,
                "A file beside the study was set aside",
                f"{study.path.name}-wal beside the study was not written by this study"
                f" (perhaps copied from elsewhere). It was moved to {study.wal_set_aside}"
                " and the study opened as it was. See docs/recovery.md.",
            )

    # -- the file replaced under us --------------------------------------------------------

    def _study_replaced(self, reason: str) -> None:
        """Stop saving, say so plainly, keep everything on screen, offer a copy elsewhere."""
        if self.window is None:
            return
        self.window.statusBar().showMessage("Not saving: the study file was replaced")
        box = QMessageBox(
            QMessageBox.Icon.Warning, "The study file was replaced", "", parent=self.window
        )
        box.setText(
            f"{reason}.\n\nNothing more is being saved to it. Everything you typed is still on"
            " screen. Save a copy of this study (everything saved before this happened)"
            " somewhere else, then open the study again."
        )
        save = box.addButton("&Save a copy elsewhere…", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("&Keep on screen", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(save)
        save.clicked.connect(lambda: self.save_copy_elsewhere())  # not clicked's `checked`
        self.replaced_box = box
        box.open()

    def save_copy_elsewhere(self, dest: Path | None = None) -> None:
        if self.runner is None or self._path is None:
            return
        if dest is None:
            name, _ = QFileDialog.getSaveFileName(
                self._parent(),
                "Save a copy of the study",
                str(Path.home() / f"{self._path.stem}-copy{STUDY_SUFFIX}"),
                f"Studies (*{STUDY_SUFFIX})",
            )
            if not name:
                return
            dest = Path(name)
        from plrdesk.ui.operations import read_file

        # Rescuing: it runs even once the file was replaced under us (the point of it).
        self.runner.run(
            read_file(backup_to, dest, verify=True).rescuing(),
            self._copy_saved,
            self._copy_failed,
            initiator=self,
        )

    def _copy_saved(self, target: Path) -> None:
        if self.window is not None:
            self.window.statusBar().showMessage(f"Saved a copy at {target}")

    def _copy_failed(self, exc: Exception) -> None:
        QMessageBox.warning(self._parent(), "Could not save a copy", str(exc))

    def edit_preferences(self) -> None:
        dialog = PreferencesDialog(self.settings, self._parent())
        if dialog.exec() == PreferencesDialog.DialogCode.Accepted:
            dialog.apply_to(self.settings)
            app_settings.save(self.settings)
            self.idle.set_timeout(self.settings.auto_lock_minutes)
            self.idle.start()

    # -- locking and closing ---------------------------------------------------------------

    def _tear_down(self) -> None:
        self.idle.stop()
        if self.window is not None:
            self.window.sessions.flush()  # queue the last unsaved keystrokes before closing
        if self.runner is not None:
            # Runs every operation queued before it (the last keystrokes' save among them),
            # then closes the connection: the key and the study lock leave with it.
            self.runner.close()
            self.runner.deleteLater()
            self.runner = None
        if self.window is not None:
            self._closing_window = True  # asked already (or the app is ending)
            self.window.close()
            self._closing_window = False
            self.window.deleteLater()
            self.window = None

    def _all_saved(self, *, failures: bool) -> str | None:
        """Why something is not saved (None: everything is); with `failures`, a write that
        failed counts too, as the "Not saved" bar says."""
        if self.window is None or self.runner is None:
            return None
        save_state = self.window.ctx.save_state if failures else None
        return leaving.wait_for_saves(self.runner, self.window.sessions, save_state)

    def _may_leave(self, doing: str) -> bool:
        """True when nothing typed would be lost by `doing` (lock, close), or the researcher
        chose to lose it; the default keeps the study open."""
        reason = self._all_saved(failures=True)
        if reason is None:
            return True
        box, keep = leaving.unsaved_box(self.window, reason, doing)
        typing_in = QApplication.focusWidget()
        self.unsaved_box = box
        box.exec()
        self.unsaved_box = None
        if box.clickedButton() is not keep:
            return True
        if self.window is not None:  # back to the note, to go on typing
            leaving.give_the_keyboard(self.window, typing_in)
        return False

    def _idle_lock(self) -> None:
        """The idle lock never takes unsaved words with it: it waits for them to be saved.
        Nor does it pull the window from under a dialog running its own loop (a message, a
        file dialog): the window would be deleted inside that loop and the process abort.

        A write that failed does not hold it back: its change is already off the screen,
        so locking loses nothing more, and a lock that never came would leave the study
        open to whoever sits down next."""
        if leaving.modal_over(self.window) or self.unsaved_box is not None:
            self.idle.start()
            return
        reason = self._all_saved(failures=False)
        if reason is None:
            self.lock(asked=True)
            return
        if self.window is not None:
            self.window.statusBar().showMessage(
                f"Not locked: some notes are not saved yet ({reason})"
            )
        self.idle.start()

    def lock(self, *, asked: bool = False) -> None:
        if self.window is None or self._path is None:
            return
        if not asked and not self._may_leave("lock the study"):
            return
        log.info("study locked")
        path = self._path
        # The dialog first, then the window goes: never a moment without a window.
        self._ask(path, new=False, work=lambda secret: opener.open_study(path, secret))
        self._tear_down()
        self.sig_locked.emit()

    def close_study(self) -> None:
        if self.window is not None and not self._may_leave("close the study"):
            return
        self.show_welcome()  # first, for the same reason
        self._tear_down()

    def _may_close_window(self) -> bool:
        if self._closing_window:
            return True
        return self._may_leave("close plrdesk")

    def shutdown(self) -> None:
        if self._opening is not None:
            self._opening.abandon()
            self._opening = None
            # The app is ending: let the worker finish while its Opening (our child) is
            # still there to take the emit.
            opener.wait_for_openings(OPENING_WAIT_MS)
        self._tear_down()
