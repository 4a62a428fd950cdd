"""The session clock: time since the session started (or how long it lasted), with Start
and End buttons."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from plrdesk.ui.sessions.document import SessionDocument


def elapsed_text(seconds: float) -> str:
    seconds = max(0, int(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


class SessionClock(QWidget):
    def __init__(
        self,
        doc: SessionDocument,
        parent: QWidget | None = None,
        *,
        now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
    ) -> None:
        super().__init__(parent)
        self._doc = doc
        self._now = now
        self.label = QLabel()
        self.label.setAccessibleName("Session clock")
        self.label.setStyleSheet("font-family: monospace; font-size: 14pt;")
        self.start_button = QPushButton("S&tart session")
        self.start_button.setAccessibleName("Start session")
        self.start_button.clicked.connect(doc.start)
        self.end_button = QPushButton("&End session")
        self.end_button.setAccessibleName("End session")
        self.end_button.clicked.connect(doc.end)
        self._timer = QTimer(self)
        self._timer.setInterval(1000)
        self._timer.timeout.connect(self.refresh)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.start_button)
        layout.addWidget(self.end_button)
        doc.sig_session_changed.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        started, ended = self._doc.detail.started_at, self._doc.detail.ended_at
        running = started is not None and ended is None
        if started is None:
            self.label.setText("Not started")
        elif ended is not None:
            self.label.setText(f"{elapsed_text((ended - started).total_seconds())} (ended)")
        else:
            self.label.setText(elapsed_text((self._now() - started).total_seconds()))
        self.start_button.setVisible(started is None)
        self.end_button.setVisible(running)
        if running and not self._timer.isActive():
            self._timer.start()
        elif not running:
            self._timer.stop()
