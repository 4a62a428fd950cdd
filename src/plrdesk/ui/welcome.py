"""The first window: new study, open study, recent studies, or try the demo."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMenuBar,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from plrdesk.ui.help import HelpMenu, getting_started_page

APP_NAME = "plrdesk"


class WelcomeWindow(QWidget):
    sig_new_requested = Signal()
    sig_open_requested = Signal()
    sig_demo_requested = Signal()
    sig_recent_chosen = Signal(Path)
    """A path from the recent-studies list."""

    def __init__(self, recent: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(APP_NAME)
        self.setAccessibleName(f"{APP_NAME} welcome")
        title = QLabel(f"<h1>{APP_NAME}</h1>")
        blurb = QLabel(
            "Consent, interviews, phone calls and focus groups for one study,"
            " kept in one encrypted file on this computer."
        )
        blurb.setWordWrap(True)

        self.new_button = QPushButton("&New study…")
        self.open_button = QPushButton("&Open study…")
        self.demo_button = QPushButton("Try the &demo study")
        for button, name in [
            (self.new_button, "Create a new study"),
            (self.open_button, "Open a study file"),
            (self.demo_button, "Create and open the fictional demo study"),
        ]:
            button.setAccessibleName(name)
            button.setMinimumHeight(36)
        self.new_button.clicked.connect(self.sig_new_requested)
        self.open_button.clicked.connect(self.sig_open_requested)
        self.demo_button.clicked.connect(self.sig_demo_requested)

        self.recent = QListWidget()
        self.recent.setAccessibleName("Recent studies")
        for path in recent:
            item = QListWidgetItem(path)
            item.setData(Qt.ItemDataRole.UserRole, path)
            item.setToolTip(path)
            self.recent.addItem(item)
        self.recent.itemActivated.connect(self._recent_activated)
        recent_label = QLabel("&Recent studies:")
        recent_label.setBuddy(self.recent)
        empty = QLabel("No recent studies yet. Create one, or try the demo to look around.")
        empty.setWordWrap(True)
        empty.setStyleSheet("color: palette(mid)")

        buttons = QVBoxLayout()
        for button in (self.new_button, self.open_button, self.demo_button):
            buttons.addWidget(button)
        buttons.addStretch()
        right = QVBoxLayout()
        right.addWidget(recent_label)
        right.addWidget(self.recent, 1)
        right.addWidget(empty)
        self.getting_started: QTextBrowser | None = None
        if not recent:  # the first run: what to do first, where the list will be
            self.getting_started = getting_started_page()
            right.addWidget(self.getting_started, 1)
        body = QHBoxLayout()
        body.setSpacing(24)
        body.addLayout(buttons, 1)
        body.addLayout(right, 2)
        layout = QVBoxLayout(self)
        bar = QMenuBar()
        layout.setMenuBar(bar)
        self.help = HelpMenu(self, bar, study=lambda: None)
        layout.setContentsMargins(24, 16, 24, 24)
        layout.addWidget(title)
        layout.addWidget(blurb)
        layout.addSpacing(12)
        layout.addLayout(body, 1)
        # Only once they are in the layout: shown before, each would be a window of its
        # own, and flash up on screen for a moment before the welcome window.
        empty.setVisible(not recent)
        self.recent.setVisible(bool(recent))
        self.resize(640 if recent else 780, 380 if recent else 640)  # room for the steps
        self.new_button.setFocus()

    def _recent_activated(self, item: QListWidgetItem) -> None:
        self.sig_recent_chosen.emit(Path(item.data(Qt.ItemDataRole.UserRole)))
