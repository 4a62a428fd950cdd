"""The first window: new study, open study, recent studies, or try the demo."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

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
        empty.setVisible(not recent)
        self.recent.setVisible(bool(recent))

        buttons = QVBoxLayout()
        for button in (self.new_button, self.open_button, self.demo_button):
            buttons.addWidget(button)
        buttons.addStretch()
        right = QVBoxLayout()
        right.addWidget(recent_label)
        right.addWidget(self.recent, 1)
        right.addWidget(empty)
        if not recent:
            right.addStretch(1)
        body = QHBoxLayout()
        body.setSpacing(24)
        body.addLayout(buttons, 1)
        body.addLayout(right, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 24)
        layout.addWidget(title)
        layout.addWidget(blurb)
        layout.addSpacing(12)
        layout.addLayout(body, 1)
        self.resize(640, 380)
        self.new_button.setFocus()

    def _recent_activated(self, item: QListWidgetItem) -> None:
        self.sig_recent_chosen.emit(Path(item.data(Qt.ItemDataRole.UserRole)))
