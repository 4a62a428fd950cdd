"""Study > Preferences…: how long the app waits before locking itself."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QSpinBox, QWidget

from plrdesk.settings import AppSettings


class PreferencesDialog(QDialog):
    def __init__(self, settings: AppSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Preferences")
        self.setAccessibleName("Preferences")
        self.lock_minutes = QSpinBox()
        self.lock_minutes.setRange(1, 240)
        self.lock_minutes.setSuffix(" minutes")
        self.lock_minutes.setValue(settings.auto_lock_minutes)
        self.lock_minutes.setAccessibleName("Lock after this long without use")
        note = QLabel(
            "When nobody has touched the keyboard or mouse for this long, plrdesk locks the"
            " study and asks for the passphrase again. On a shared or borrowed laptop, keep"
            " it short."
        )
        note.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QFormLayout(self)
        layout.addRow("&Lock after:", self.lock_minutes)
        layout.addRow(note)
        layout.addRow(buttons)

    def apply_to(self, settings: AppSettings) -> None:
        settings.auto_lock_minutes = self.lock_minutes.value()
