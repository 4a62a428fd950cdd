"""Flagging a note for safeguarding: a dialog that asks what was done about it.

A flagged note stays in the study, marked in red with the action recorded, and is left
out of every count, quote and export. The action is required: a flag without one would
not say whether the limit of confidentiality was acted on.
"""

from __future__ import annotations

import uuid

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from plrdesk.ui.sessions.document import SessionDocument
from plrdesk.ui.sessions.entry_editor import LEFT_OUT

EXPLAIN = (
    "Flag this note if it suggests a child may be at risk of harm. Say what you did about "
    "it (for example: passed to the school's designated safeguarding lead the same day). "
    f"The note stays in the study, marked. {LEFT_OUT}"
)


class SafeguardingDialog(QDialog):
    """Asks for the action taken; "Remove flag" appears when the note is already flagged."""

    def __init__(self, current_action: str | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Flag for safeguarding")
        self.setAccessibleName("Flag for safeguarding")
        self.remove_requested = False
        explain = QLabel(EXPLAIN)
        explain.setWordWrap(True)
        label = QLabel("What &action did you take?")
        self.action = QPlainTextEdit(current_action or "")
        self.action.setAccessibleName("Action taken")
        self.action.setTabChangesFocus(True)
        label.setBuddy(self.action)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText("&Flag")
        self.remove: QPushButton | None = None
        if current_action is not None:
            self.remove = self.buttons.addButton(
                "&Remove flag", QDialogButtonBox.ButtonRole.DestructiveRole
            )
            self.remove.clicked.connect(self._remove)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.action.textChanged.connect(self._check)
        layout = QVBoxLayout(self)
        layout.addWidget(explain)
        layout.addWidget(label)
        layout.addWidget(self.action)
        layout.addWidget(self.buttons)
        self._check()
        self.action.setFocus(Qt.FocusReason.OtherFocusReason)

    def text(self) -> str:
        return self.action.toPlainText().strip()

    def _check(self) -> None:
        self.ok.setEnabled(bool(self.text()))

    def _remove(self) -> None:
        self.remove_requested = True
        self.accept()


def ask_to_flag(
    parent: QWidget, doc: SessionDocument, entry_id: uuid.UUID
) -> SafeguardingDialog | None:
    """Open the dialog (window-modal, not blocking) and flag or unflag when it is accepted."""
    record = doc.entry(entry_id)
    if record is None:
        return None
    dialog = SafeguardingDialog(record.safeguarding_action if record.flagged else None, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

    def done(result: int) -> None:
        if result != QDialog.DialogCode.Accepted:
            return
        if dialog.remove_requested:
            doc.unflag(entry_id)
        else:
            doc.flag(entry_id, dialog.text())

    dialog.finished.connect(done)
    dialog.open()
    return dialog
