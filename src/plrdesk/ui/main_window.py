"""The main window of an open study: overview, participants, sessions, search.

It owns nothing but layout and commands; each page talks to services through the
runner it is handed. Locking tears every page down (so no participant data stays on
screen or in widget memory) and hands control back to the controller.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import QSettings, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QFileDialog,
    QMainWindow,
    QMenu,
    QMessageBox,
    QTabWidget,
    QWidget,
)

from plrdesk.forms.catalog import FormCatalog
from plrdesk.storage.backups import backup_to
from plrdesk.ui.analysis.page import AnalysisPage
from plrdesk.ui.consent.open import open_consent_recorder
from plrdesk.ui.context import StudyContext
from plrdesk.ui.export.export_action import prepare_export
from plrdesk.ui.help import HelpMenu
from plrdesk.ui.import_data import import_study_data
from plrdesk.ui.long_work import run_with_progress
from plrdesk.ui.operations import read_file
from plrdesk.ui.overview_page import OverviewPage
from plrdesk.ui.runner import OperationRunner
from plrdesk.ui.save_state import NotSavedBar
from plrdesk.ui.search_page import SearchPage
from plrdesk.ui.welcome import APP_NAME

T = TypeVar("T")


class MainWindow(QMainWindow):
    sig_lock_requested = Signal()
    """The user (Ctrl+L) or the idle timer asked to lock the study."""
    sig_close_requested = Signal()
    """The user closed the study (back to the welcome window)."""
    sig_preferences_requested = Signal()
    """The user asked for the preferences dialog (the controller owns the settings)."""

    def __init__(
        self, runner: OperationRunner, forms: FormCatalog, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.may_close: Callable[[], bool] = lambda: True
        """Asked before the window closes (the controller: is everything typed saved?)."""
        self.runner = runner
        self.undo = QUndoStack(self)
        self.ctx = StudyContext(runner, forms, self.undo, runner.path)
        self.setWindowTitle(f"{runner.path.name} – {APP_NAME}")
        self.setAccessibleName(f"{APP_NAME} study window")

        from plrdesk.ui.register.page import RegisterPage
        from plrdesk.ui.sessions.page import SessionsPage

        self.overview = OverviewPage(self.ctx)
        self.register = RegisterPage(self.ctx)
        self.sessions = SessionsPage(self.ctx)
        self.search = SearchPage(self.ctx)
        self.analysis = AnalysisPage(self.ctx)
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Study sections")
        for page, title in [
            (self.overview, "&Overview"),
            (self.register, "&Participants"),
            # Alt+S is the Study menu's and Alt+H the Help menu's (issue 11).
            (self.sessions, "Sess&ions"),
            (self.analysis, "&Analysis"),
            (self.search, "Sea&rch"),
        ]:
            self.tabs.addTab(page, title)
        self.setCentralWidget(self.tabs)
        self._build_menus()

        nav = self.ctx.navigator
        nav.sig_show_entry.connect(self._show_entry)
        nav.sig_show_session.connect(self._show_session)
        nav.sig_show_participant.connect(self._show_participant)
        nav.sig_record_consent.connect(partial(open_consent_recorder, self.ctx, parent=self))
        runner.sig_status.connect(self.statusBar().showMessage)
        runner.sig_failed.connect(self._operation_failed)
        # Permanent: a temporary message would be gone before anyone looked.
        self.not_saved = NotSavedBar(self.ctx.save_state)
        self.statusBar().addPermanentWidget(self.not_saved)
        self.statusBar().showMessage("Study open. Every change is saved as you type.")
        geometry = QSettings("plrdesk", "plrdesk").value("main/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1100, 720)

    # -- menus -----------------------------------------------------------------------------

    def _build_menus(self) -> None:
        def action(
            menu_title: str,
            text: str,
            slot: Callable[[], object],
            shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
        ) -> QAction:
            menu = menus.get(menu_title) or self.menuBar().addMenu(menu_title)
            menus[menu_title] = menu
            act = QAction(text, self)
            if isinstance(shortcut, QKeySequence.StandardKey):
                act.setShortcuts(shortcut)  # every binding (Close is Ctrl+W and Ctrl+F4)
            elif shortcut is not None:
                act.setShortcut(QKeySequence(shortcut))
            act.triggered.connect(lambda _checked=False: slot())
            menu.addAction(act)
            return act

        menus: dict[str, QMenu] = {}
        from plrdesk.ui.study_details_dialog import edit_study_details

        self.details_action = action(
            "&Study", "Study &details…", partial(edit_study_details, self, self.ctx)
        )
        self.backup_action = action("&Study", "&Back up…", self.back_up, "Ctrl+Shift+B")
        action("&Study", "&Import study data…", lambda: import_study_data(self, self.ctx), "Ctrl+I")
        action("&Study", "Prepare &export…", lambda: prepare_export(self, self.ctx), "Ctrl+E")
        self.coding_copy_action = action(
            "&Study", "Coding cop&y for a second coder…", self._open_coding_copy
        )
        self.merge_action = action("&Study", "&Merge another copy…", self._open_merge)
        self.lock_action = action("&Study", "&Lock", self.sig_lock_requested.emit, "Ctrl+L")
        action(
            "&Study",
            "&Preferences…",
            self.sig_preferences_requested.emit,
            QKeySequence.StandardKey.Preferences,
        )
        action(
            "&Study", "&Close study", self.sig_close_requested.emit, QKeySequence.StandardKey.Close
        )
        undo = self.undo.createUndoAction(self, "&Undo")
        undo.setShortcut(QKeySequence.StandardKey.Undo)
        redo = self.undo.createRedoAction(self, "&Redo")
        redo.setShortcut(QKeySequence.StandardKey.Redo)
        edit = self.menuBar().addMenu("&Edit")
        edit.addAction(undo)
        edit.addAction(redo)
        for number, (title, page) in enumerate(
            [
                ("&Overview", self.overview),
                ("&Participants", self.register),
                ("&Sessions", self.sessions),
                ("&Analysis", self.analysis),
            ],
            start=1,
        ):
            action("&View", title, partial(self.tabs.setCurrentWidget, page), f"Ctrl+{number}")
        action("&View", "&Find in notes", self._focus_search, QKeySequence.StandardKey.Find)
        self.agreement_action = action(
            "&View", "Coder a&greement…", self._open_agreement, "Ctrl+Shift+G"
        )
        self.help = HelpMenu(self, self.menuBar(), lambda: self.runner.path)

    # -- navigation ------------------------------------------------------------------------

    def _open_coding_copy(self) -> None:
        """Study > Coding copy for a second coder…: a blind copy (issue 14 §3)."""
        from plrdesk.ui.coding_copy_dialog import open_coding_copy

        open_coding_copy(self, self.ctx)

    def _open_merge(self) -> None:
        """Study > Merge another copy…: another laptop's copy, a backup, a coding copy."""
        from plrdesk.ui.merge_dialog import open_merge

        open_merge(self, self.ctx)

    def _open_agreement(self) -> None:
        """View > Coder agreement…: two coders compared, theme by theme (issue 14)."""
        from plrdesk.ui.analysis.agreement_view import open_agreement

        open_agreement(self.ctx, self, self._show_entry)

    def _focus_search(self) -> None:
        self.tabs.setCurrentWidget(self.search)
        self.search.focus_box()

    def _show_entry(self, entry_id: object) -> None:
        self.tabs.setCurrentWidget(self.sessions)
        self.sessions.show_entry(entry_id)  # type: ignore[arg-type]

    def _show_session(self, ref: str) -> None:
        self.tabs.setCurrentWidget(self.sessions)
        self.sessions.show_session(ref)

    def _show_participant(self, ref: str) -> None:
        self.tabs.setCurrentWidget(self.register)
        self.register.select(ref)

    # -- commands --------------------------------------------------------------------------

    def back_up(self, dest: Path | None = None) -> None:
        """Study > Back up…: an encrypted copy where the researcher chooses (or at `dest`)."""
        if dest is None:
            stamp = dt.datetime.now().strftime("%Y-%m-%d")
            path = self.runner.path
            suggested = str(path.with_name(f"{path.stem}-backup-{stamp}.plr"))
            target, _ = QFileDialog.getSaveFileName(
                self, "Back up study", suggested, "Studies (*.plr)"
            )
            if not target:
                return
            dest = Path(target)
        run_with_progress(
            self,
            self.runner,
            read_file(backup_to, dest),
            "Backing up",
            on_done=self._backed_up,
            on_error=self._backup_failed,
            initiator=self,
        )

    def _backed_up(self, path: Path) -> None:
        self.statusBar().showMessage(f"Backed up to {path}")

    def _backup_failed(self, exc: Exception) -> None:
        QMessageBox.warning(self, "Backup failed", f"The backup failed: {exc}")

    def _operation_failed(self, message: str) -> None:
        self.statusBar().showMessage(message, 10_000)

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.may_close():
            event.ignore()
            return
        QSettings("plrdesk", "plrdesk").setValue("main/geometry", self.saveGeometry())
        super().closeEvent(event)
