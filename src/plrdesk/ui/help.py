"""The Help menu, the same in the welcome window and in every study window:

- Keyboard shortcuts (F1, and Ctrl+?): the sheet read off the window it is opened from
  (plrdesk.ui.help_sheet), so it lists what that window's keys do now;
- Getting started: four steps from a new study to the first interview's notes. The text
  is resources/help/getting-started.md; the welcome window shows it on the first run
  (no study opened yet), and it stays here for later;
- About plrdesk: the version, where the open study and its backups are, where the
  settings file is.

Light to import: the welcome window is built with it before anything else is loaded
(docs/performance.md, "Start-up"), so what a dialog needs is imported when it opens.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import shiboken6
from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QMenu,
    QMenuBar,
    QMessageBox,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

import plrdesk
from plrdesk import shipped

APP_NAME = plrdesk.__name__  # the package is named after the app (ui.welcome.APP_NAME)
MENU_TITLE = "&Help"
CTRL_QUESTION = "Ctrl+?"
"""What Ctrl+Shift+/ types on a US or UK keyboard under X11: Qt matches the "?" it
produces, Shift and all (tests/ui/test_help_keys.py presses it on a real X server)."""


def getting_started_path() -> Path:
    return shipped.resources_dir() / "help" / "getting-started.md"


def getting_started_page(parent: QWidget | None = None) -> QTextBrowser:
    """The getting-started text, read-only, in a browser that scrolls (no web access)."""
    page = QTextBrowser(parent)
    page.setObjectName("gettingStarted")
    page.setAccessibleName("Getting started")
    page.setOpenLinks(False)
    path = getting_started_path()
    try:
        page.setMarkdown(path.read_text(encoding="utf-8"))
    except OSError as exc:
        page.setPlainText(f"The getting-started page could not be read ({path}: {exc.strerror}).")
    return page


def about_text(study: Path | None) -> str:
    """What About says: the version, the study and its backups, the settings file."""
    from plrdesk.settings import settings_path
    from plrdesk.storage.backups import backup_dir

    blurb = (plrdesk.__doc__ or "").partition(": ")[2]  # "plrdesk: an encrypted…"
    lines = [f"{APP_NAME} {plrdesk.__version__}", blurb[:1].upper() + blurb[1:], ""]
    if study is None:
        lines.append(
            "No study is open. Each study is one file; its automatic backups are kept"
            " beside it, in a folder named after the file with .backups at the end."
        )
    else:
        lines += [
            f"This study: {study}",
            f"Its automatic backups (before an upgrade or an erasure): {backup_dir(study)}",
            "Study > Back up… makes a copy wherever you choose.",
        ]
    lines += [
        "",
        f"Settings (recent studies and preferences, nothing from inside a study): "
        f"{settings_path()}",
        f"Forms: {shipped.forms_dir()}",
    ]
    return "\n".join(lines)


class HelpMenu(QObject):
    """The Help menu of `window`, added to `bar`. `study` says which study file the window
    shows (None for the welcome window). The dialogs it opened last are kept as
    attributes, for whoever wants to read them back."""

    def __init__(self, window: QWidget, bar: QMenuBar, study: Callable[[], Path | None]) -> None:
        super().__init__(window)
        self._window = window
        self._study = study
        self.menu: QMenu = bar.addMenu(MENU_TITLE)
        self.shortcuts_action = self._action("&Keyboard shortcuts", self.show_shortcuts)
        keys = [QKeySequence(QKeySequence.StandardKey.HelpContents), QKeySequence(CTRL_QUESTION)]
        self.shortcuts_action.setShortcuts([k for k in keys if not k.isEmpty()])
        self.getting_started_action = self._action("&Getting started", self.show_getting_started)
        self.menu.addSeparator()
        self.about_action = self._action(f"&About {APP_NAME}", self.show_about)
        self.sheet: QDialog | None = None
        self.getting_started: QDialog | None = None
        self.about: QMessageBox | None = None

    def _action(self, text: str, slot: Callable[[], object]) -> QAction:
        action = QAction(text, self._window)
        action.triggered.connect(lambda _checked=False: slot())
        self.menu.addAction(action)
        return action

    def _keyboard_back_after(self, dialog: QDialog) -> None:
        """When `dialog` closes, the keyboard goes back where it was (a note being typed):
        nothing else gives it back on a bare X server, and a window manager may not."""
        typing_in = QApplication.focusWidget()

        def back() -> None:
            if not shiboken6.isValid(self._window) or not self._window.isVisible():
                return
            self._window.activateWindow()
            if typing_in is not None and shiboken6.isValid(typing_in):
                typing_in.setFocus()

        dialog.finished.connect(back)

    def show_shortcuts(self) -> QDialog:
        from plrdesk.ui.help_sheet import ShortcutSheet

        if self.sheet is not None:
            self.sheet.close()
        self.sheet = ShortcutSheet(self._window, APP_NAME)
        self.sheet.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.sheet.destroyed.connect(self._sheet_gone)
        self._keyboard_back_after(self.sheet)
        self.sheet.open()
        return self.sheet

    def _sheet_gone(self) -> None:
        self.sheet = None

    def show_getting_started(self) -> QDialog:
        if self.getting_started is None:
            dialog = QDialog(self._window)
            dialog.setWindowTitle(f"Getting started – {APP_NAME}")
            dialog.setAccessibleName("Getting started")
            page = getting_started_page()
            buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
            buttons.rejected.connect(dialog.reject)
            layout = QVBoxLayout(dialog)
            layout.addWidget(page, 1)
            layout.addWidget(buttons)
            dialog.resize(640, 560)
            self._keyboard_back_after(dialog)
            self.getting_started = dialog
        self.getting_started.show()  # not modal: it can stay open beside the study
        self.getting_started.raise_()
        self.getting_started.activateWindow()
        return self.getting_started

    def show_about(self) -> QMessageBox:
        box = QMessageBox(
            QMessageBox.Icon.Information,
            f"About {APP_NAME}",
            about_text(self._study()),
            QMessageBox.StandardButton.Close,
            self._window,
        )
        box.setObjectName("aboutBox")
        # Paths to copy into a file manager or a note to IT.
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box.setEscapeButton(QMessageBox.StandardButton.Close)
        self.about = box
        self._keyboard_back_after(box)
        box.open()
        return box
