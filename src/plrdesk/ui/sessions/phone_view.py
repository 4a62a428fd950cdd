"""A phone interview with a parent or carer: verbal consent first, the call log, then the
guide's questions beside the notes (the same widget as a practitioner interview).

While the parent has no verbal consent recorded, a prominent panel says "Record verbal
consent first" with a button that opens the consent recorder (ctx.navigator's
sig_record_consent). Notes can still be typed: nothing on this screen ever refuses words.

Tab from the consent button, the call log or the clock goes to the notes (see guide_notes:
Tab then moves from note to note), never out of the session.
"""

from __future__ import annotations

import uuid

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from plrdesk.ui.sessions.call_log import OUTCOMES, CallLogModel, OutcomeDelegate
from plrdesk.ui.sessions.document import SessionDocument
from plrdesk.ui.sessions.guide_notes import GuideNotes
from plrdesk.ui.sessions.header import SessionHeader


class ConsentPanel(QFrame):
    """Shown while a parent in the call has no verbal consent recorded."""

    def __init__(self, doc: SessionDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._doc = doc
        self.setObjectName("consentPanel")
        self.setStyleSheet(
            "#consentPanel { background: #fff4e5; border: 2px solid #e65100; border-radius: 4px; }"
        )
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.button = QPushButton("&Record verbal consent…")
        self.button.setAccessibleName("Record verbal consent")
        self.button.clicked.connect(self._record)
        layout = QHBoxLayout(self)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.button)
        doc.sig_consent_changed.connect(self.refresh)
        self.refresh()

    def missing(self) -> list[str]:
        return [m.ref for m in self._doc.members if m.kind == "parent" and not m.verbal_consent]

    def refresh(self) -> None:
        missing = self.missing()
        self.setVisible(bool(missing))
        if missing:
            who = ", ".join(missing)
            self.label.setText(
                f"<b style='font-size:13pt'>Record verbal consent first</b><br>"
                f"{who} has no verbal consent recorded. Read the consent script and record "
                "each confirmation as they agree, before the questions."
            )

    def _record(self) -> None:
        missing = self.missing()
        if missing:
            self._doc.ctx.navigator.sig_record_consent.emit(missing[0])


class PhoneView(QWidget):
    def __init__(self, doc: SessionDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.doc = doc
        self.setAccessibleName(f"Phone interview {doc.ref}")
        self.header = SessionHeader(doc)
        self.consent = ConsentPanel(doc, self)  # parented first: shown, it is never a window

        self.calls = CallLogModel(doc)
        self.call_table = QTableView()
        self.call_table.setModel(self.calls)
        self.call_table.setAccessibleName("Call log")
        self.call_table.setItemDelegateForColumn(CallLogModel.OUTCOME, OutcomeDelegate(self))
        self.call_table.verticalHeader().hide()
        self.call_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.call_table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
        )
        self.call_table.horizontalHeader().setStretchLastSection(True)
        self.call_table.setMaximumHeight(140)
        self.log_button = QToolButton()
        self.log_button.setText("&Log a call attempt")
        self.log_button.setAccessibleName("Log a call attempt")
        self.log_button.setToolTip("Ctrl+Shift+L, then choose the outcome")
        self.log_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.log_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        menu = QMenu(self.log_button)
        self.outcome_actions: dict[str, QAction] = {}
        for value, label in OUTCOMES.items():
            act = menu.addAction(label)
            act.triggered.connect(lambda _checked=False, v=value: self.log_call(v))
            self.outcome_actions[value] = act
        self.log_button.setMenu(menu)
        log_action = QAction(self)
        log_action.setShortcut(QKeySequence("Ctrl+Shift+L"))
        log_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        log_action.triggered.connect(lambda _checked=False: self.log_button.showMenu())
        self.addAction(log_action)

        calls_box = QWidget()
        calls_layout = QVBoxLayout(calls_box)
        calls_layout.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        title = QLabel("<b>Calls</b>")
        row.addWidget(title)
        row.addStretch(1)
        row.addWidget(self.log_button)
        calls_layout.addLayout(row)
        calls_layout.addWidget(self.call_table)

        self.notes = GuideNotes(doc)
        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addWidget(self.consent)
        layout.addWidget(calls_box)
        layout.addWidget(self.notes, 1)

    def log_call(self, outcome: str) -> uuid.UUID:
        attempt_id = self.doc.log_call(outcome)
        row = self.calls.rowCount() - 1
        self.call_table.setCurrentIndex(self.calls.index(row, CallLogModel.MINUTES))
        return attempt_id

    def focus_entry(self, entry_id: uuid.UUID) -> bool:
        return self.notes.focus_entry(entry_id)

    def focus_start(self) -> None:
        if self.consent.isVisibleTo(self):
            self.consent.button.setFocus()
        else:
            self.notes.question_list.setFocus()

    def focusNextPrevChild(self, forward: bool) -> bool:
        """Tab outside the notes (consent button, call log, clock): into the notes, where
        what is typed next is kept, rather than on along Qt's chain out of the view."""
        if not self.isVisible():  # hidden with the focus inside: Qt's chain finds a new one
            return super().focusNextPrevChild(forward)
        self.notes.enter_notes()
        return True
