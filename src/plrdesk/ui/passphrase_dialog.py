"""Asking for a passphrase: strength for a new study, a Caps Lock warning, a plain message
when it is wrong. The passphrase is handed to the caller and never stored."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QVBoxLayout,
    QWidget,
)

from plrdesk.domain.passphrase_policy import MIN_SCORE, strength

STRENGTH_WORDS = ["very weak", "weak", "fair", "strong", "very strong"]


class PassphraseEdit(QLineEdit):
    """A password field that notices Caps Lock from the keys typed into it."""

    sig_caps_lock = Signal(bool)
    """True when the last letter typed looks like Caps Lock is on."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setEchoMode(QLineEdit.EchoMode.Password)
        # Keep the text out of the clipboard and input-method history.
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
        self.setInputMethodHints(
            Qt.InputMethodHint.ImhHiddenText
            | Qt.InputMethodHint.ImhSensitiveData
            | Qt.InputMethodHint.ImhNoPredictiveText
        )

    def keyPressEvent(self, event: QKeyEvent) -> None:
        text = event.text()
        if len(text) == 1 and text.isalpha():
            shift = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
            # An upper-case letter without Shift (or lower-case with it) means Caps Lock.
            self.sig_caps_lock.emit(text.isupper() != shift)
        super().keyPressEvent(event)


class PassphraseDialog(QDialog):
    """`new=True`: asks twice and shows strength; otherwise asks once.

    Unlock (or Create, or Return) does not close the dialog: it emits
    `sig_passphrase_entered` and waits, on screen and busy, while the caller opens the
    study with `passphrase()`; the caller then calls `finish()` once the window that
    replaces it is up, or `show_wrong()` to ask again. Closing it at once would leave the
    app without a window while the study opens, and Qt quits an app whose last window
    closed (issue 10).
    """

    sig_passphrase_entered = Signal()
    """The researcher asked to unlock (or create) with the passphrase typed; read it with
    passphrase(). The dialog stays up, busy, until finish() or show_wrong()."""
    sig_cancelled = Signal()
    """Cancel, Escape or the window's close button. Emitted while the dialog is still on
    screen, so the caller can show the window that replaces it before it goes."""

    def __init__(self, study_name: str, *, new: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._new = new
        self._busy = False
        self.setWindowTitle("New study passphrase" if new else "Unlock study")
        self.setAccessibleName(self.windowTitle())
        intro = QLabel(
            f"Choose a passphrase for <b>{study_name}</b>. A few unrelated words work well."
            " There is no way to recover it: write it down somewhere safe."
            if new
            else f"Type the passphrase for <b>{study_name}</b>."
        )
        intro.setWordWrap(True)
        self.first = PassphraseEdit()
        self.first.setAccessibleName("Passphrase")
        self.second = PassphraseEdit()
        self.second.setAccessibleName("Passphrase again")
        self.meter = QProgressBar()
        self.meter.setRange(0, 4)
        self.meter.setTextVisible(True)
        self.meter.setAccessibleName("Passphrase strength")
        self.caps = QLabel("Caps Lock is on.")
        self.caps.setObjectName("capsLockWarning")
        self.caps.setStyleSheet("color: #8a4b00; font-weight: bold")
        self.caps.hide()
        self.message = QLabel()
        self.message.setObjectName("passphraseMessage")
        self.message.setStyleSheet("color: #b00020")
        self.message.setWordWrap(True)
        self.message.hide()
        self.progress = QLabel("Creating the study…" if new else "Opening the study…")
        self.progress.setObjectName("passphraseProgress")
        self.progress.hide()

        form = QFormLayout()
        form.addRow("&Passphrase:", self.first)
        if new:
            form.addRow("&Again:", self.second)
            form.addRow("Strength:", self.meter)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(
            "Create" if new else "Unlock"
        )
        self.buttons.accepted.connect(self.accept)  # which checks Unlock/Create is enabled
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.caps)
        layout.addWidget(self.message)
        layout.addWidget(self.progress)
        layout.addWidget(self.buttons)

        for field in (self.first, self.second):
            field.sig_caps_lock.connect(self.caps.setVisible)
        self.first.textChanged.connect(self._update)
        self.second.textChanged.connect(self._update)
        self._update()

    def passphrase(self) -> str:
        return self.first.text()

    def show_wrong(self) -> None:
        """After a failed unlock: say so plainly, clear the field, ask again, with the
        keyboard in the field."""
        self._set_busy(False)
        self.first.clear()
        self._say("That passphrase does not open this study. Check Caps Lock and try again.")
        self.first.setFocus(Qt.FocusReason.OtherFocusReason)

    def finish(self, *, opened: bool) -> None:
        """Close for good: the study opened (`opened`), or it could not be and the caller
        has said why. Call it once the window that replaces this one is on screen."""
        self._set_busy(False)
        self.done(QDialog.DialogCode.Accepted if opened else QDialog.DialogCode.Rejected)

    def accept(self) -> None:
        if self._busy or not self.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled():
            return
        self._set_busy(True)
        self.sig_passphrase_entered.emit()

    def reject(self) -> None:
        self.sig_cancelled.emit()
        super().reject()

    def _set_busy(self, busy: bool) -> None:
        # Read-only rather than disabled: the field keeps the keyboard focus (a disabled one
        # would hand it to Cancel, where an impatient second Return would cancel the open).
        self._busy = busy
        self.first.setReadOnly(busy)
        self.second.setReadOnly(busy)
        self.progress.setVisible(busy)
        if busy:
            self._say("")
        self._update()

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def _update(self) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        if self._busy:
            ok.setEnabled(False)
            return
        if not self._new:
            ok.setEnabled(bool(self.first.text()))
            return
        text = self.first.text()
        score, advice = strength(text) if text else (0, "")
        self.meter.setValue(score)
        self.meter.setFormat(STRENGTH_WORDS[score] if text else "")
        hint = ""
        if text and score < MIN_SCORE:
            hint = f"Too weak. {advice}".strip()
        elif self.second.text() and self.second.text() != text:
            hint = "The two passphrases differ."
        self._say(hint)
        ok.setEnabled(bool(text) and score >= MIN_SCORE and self.second.text() == text)

    def done(self, result: int) -> None:
        # Whatever the outcome, do not leave the passphrase in the widgets.
        if result != QDialog.DialogCode.Accepted:
            self.first.clear()
        self.second.clear()
        super().done(result)
