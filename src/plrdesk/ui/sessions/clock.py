"""The session clock: how long the session has run in the app (or how long it ran), with
Start and End buttons.

The time is the document's `RunningTime`: it stops while the study is closed or locked,
so a session taken up again the next day goes on from where it was. End asks first, as
it is one keystroke (Alt+D) from the notes and cannot be taken back; the question's
default, Enter or Escape keep the session running.
"""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QWidget,
)

from plrdesk.ui.sessions.document import SessionDocument

UNKNOWN = "--:--"  # the study's count has not arrived yet (a moment after opening)


def elapsed_text(seconds: float) -> str:
    seconds = max(0, int(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


def spoken_length(seconds: float) -> str:
    """A length in words, not to be read as a time of day: "20 min 36 s", "1 h 2 min"."""
    seconds = max(0, int(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes} min"
    return f"{minutes} min {secs} s" if minutes else f"{secs} s"


class SessionClock(QWidget):
    def __init__(self, doc: SessionDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._doc = doc
        self.label = QLabel()
        self.label.setAccessibleName("Session clock")
        self.label.setStyleSheet("font-family: monospace; font-size: 14pt;")
        self.start_button = QPushButton("S&tart session")
        self.start_button.setAccessibleName("Start session")
        self.start_button.clicked.connect(doc.start)
        # Not Alt+E: that is the Edit menu's.
        self.end_button = QPushButton("En&d session…")
        self.end_button.setAccessibleName("End session")
        # Alt+D would move the keyboard onto the button, and after the question the
        # researcher's next words would go to it: it stays with the note being typed.
        self.end_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.end_button.clicked.connect(self.ask_to_end)
        self.end_box: QMessageBox | None = None
        """The question before ending, while it is up."""
        self._timer = QTimer(self)
        self._timer.setInterval(1000)
        self._timer.timeout.connect(self.refresh)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.start_button)
        layout.addWidget(self.end_button)
        doc.sig_session_changed.connect(self.refresh)
        doc.running.sig_changed.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        detail = self._doc.detail
        running = self._doc.running.running
        seconds = self._doc.running.seconds()
        shown = UNKNOWN if seconds is None else elapsed_text(seconds)
        if detail.started_at is None:
            self.label.setText("Not started")
        elif detail.ended_at is not None:
            self.label.setText(f"{shown} (ended)")
        else:
            self.label.setText(shown)
        self.start_button.setVisible(detail.started_at is None)
        self.end_button.setVisible(running)
        if running and not self._timer.isActive():
            self._timer.start()
        elif not running:
            self._timer.stop()

    def ask_to_end(self) -> QMessageBox | None:
        """Ask before ending the session (window-modal; answered in the event loop)."""
        if not self._doc.running.running or self.end_box is not None:
            return self.end_box
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "End the session?",
            f"End session {self._doc.ref} now?",
            parent=self.window(),
        )
        seconds = self._doc.running.seconds()
        ran = "" if seconds is None else f"It has run for {spoken_length(seconds)}. "
        box.setInformativeText(
            f"{ran}Its clock stops and it is marked as ended. Its notes stay open: you can"
            " still add to them and change them."
        )
        end = box.addButton("&End the session", QMessageBox.ButtonRole.AcceptRole)
        keep = box.addButton("&Keep it running", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(keep)
        box.setEscapeButton(keep)

        typing_in = QApplication.focusWidget()

        def answered(_result: int) -> None:
            self.end_box = None
            if box.clickedButton() is end and self._doc.running.running:
                self._doc.end()
            # Back to the note, to go on typing (a window manager need not give it back).
            if typing_in is not None and shiboken6.isValid(typing_in) and typing_in.isVisible():
                typing_in.window().activateWindow()
                typing_in.setFocus(Qt.FocusReason.ActiveWindowFocusReason)

        box.finished.connect(answered)
        self.end_box = box
        box.open()
        return box
