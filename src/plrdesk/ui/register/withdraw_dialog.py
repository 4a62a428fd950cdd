"""Withdraw a participant, and on request erase everything they said or signed.

The dialog says plainly what will happen. Erasing cannot be undone, so it asks for the
participant's ref to be typed. The work is one whole-file operation
(services.withdrawal.withdraw_in_file): the withdrawal in one transaction, then (for an
erasure) VACUUM, so the erased words leave the file's free pages and the write-ahead log.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from plrdesk.services.participants import ParticipantRow
from plrdesk.services.withdrawal import WithdrawalRequest

ERASE_COLOUR = "#b3261e"


class WithdrawDialog(QDialog):
    def __init__(self, row: ParticipantRow, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ref = row.ref
        self.setWindowTitle(f"Withdraw {row.ref}")
        self.setMinimumWidth(480)

        self.explanation = QLabel()
        self.explanation.setObjectName("withdrawExplanation")
        self.explanation.setWordWrap(True)
        self.explanation.setAccessibleName("What will happen")
        self.on = QDateEdit(QDate.currentDate())
        self.on.setCalendarPopup(True)
        self.on.setMaximumDate(QDate.currentDate())
        self.on.setDisplayFormat("d MMMM yyyy")
        self.on.setAccessibleName("Withdrew on")
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("optional, for example: asked by her carer")
        self.reason.setAccessibleName("Reason")
        self.erase = QCheckBox("Also &erase everything they said or signed")
        self.erase.setAccessibleName("Also erase everything they said or signed")
        self.confirm = QLineEdit()
        self.confirm.setAccessibleName(f"Type {row.ref} to confirm the erasure")
        self.confirm_label = QLabel(f"&Type {row.ref} to confirm:")
        self.confirm_label.setBuddy(self.confirm)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)

        on_label = QLabel("Withdrew o&n:")
        on_label.setBuddy(self.on)
        reason_label = QLabel("&Reason:")
        reason_label.setBuddy(self.reason)
        self.form = QFormLayout()
        self.form.addRow(on_label, self.on)
        self.form.addRow(reason_label, self.reason)
        self.form.addRow("", self.erase)
        self.form.addRow(self.confirm_label, self.confirm)
        layout = QVBoxLayout(self)
        layout.addWidget(self.explanation)
        layout.addLayout(self.form)
        layout.addWidget(self.buttons)

        self.erase.toggled.connect(self._erase_toggled)
        self.confirm.textChanged.connect(self._update)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self._update()
        self.reason.setFocus()

    def _update(self) -> None:
        ref = self._ref
        erase = self.erase.isChecked()
        text = (
            f"<p><b>{ref} will be left out of every count, quote and export from now on.</b>"
            " Their notes stay in the study.</p>"
            "<p>Undo cannot take a withdrawal back.</p>"
        )
        if erase:
            text = (
                f"<p><b>{ref} will be left out of every count, quote and export from now on,"
                f" and everything {ref} said or signed will be erased from this study:</b>"
                " their notes, the themes coded on them, and their consent forms.</p>"
                f"<p style='color:{ERASE_COLOUR}'><b>This cannot be undone.</b>"
                " Older backups of the study still hold their words; delete or replace"
                " those backups too if they must go everywhere.</p>"
            )
        self.explanation.setText(text)
        self.form.setRowVisible(self.confirm, erase)
        self.ok.setText("Withdraw and erase" if erase else "&Withdraw")
        self.ok.setEnabled(not erase or self.confirm.text().strip().casefold() == ref.casefold())

    def _erase_toggled(self) -> None:
        self._update()
        if self.erase.isChecked():
            self.confirm.setFocus()
        self.adjustSize()  # the longer text and the confirmation row need room

    def request(self) -> WithdrawalRequest:
        return WithdrawalRequest(
            ref=self._ref,
            on=dt.date(self.on.date().year(), self.on.date().month(), self.on.date().day()),
            reason=self.reason.text().strip() or None,
            erase=self.erase.isChecked(),
        )

    def accept(self) -> None:
        if self.ok.isEnabled():
            super().accept()
