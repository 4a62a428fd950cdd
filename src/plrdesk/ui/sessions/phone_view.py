"""A phone interview with a parent or carer, as calls really go: the call log, then the
verbal-consent step, then the guide's questions beside the notes (the same widget as a
practitioner interview), all on this one screen.

- The call log is there from the start: pick the outcome, add a note ("call back
  Tuesday"), Enter (Ctrl+Shift+L puts the keyboard on the outcome).
- Until the parent's verbal consent is recorded, the consent step (call_consent) stands
  where the guide goes: the script appears once an attempt is logged as answered, and
  recording the consent opens the guide here. The guide is not built before then, so no
  note can be typed before consent (services.calls `notes_gate` says the same).
- A parent who declines ends the call with the reason; the screen then says so, and the
  log takes no more attempts.

Tab: with the guide open, Tab from the call log or the clock goes to the notes (see
guide_notes: Tab then moves from note to note), never out of the session. Before then,
Tab goes round the call log's row, the script's confirmations and the step's buttons.
"""

from __future__ import annotations

import html
import uuid

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from plrdesk.domain.kinds import CallOutcome
from plrdesk.ui.sessions.call_consent import CallConsentStep
from plrdesk.ui.sessions.call_log import LOGGED, CallLogModel, OutcomeDelegate
from plrdesk.ui.sessions.document import SessionDocument
from plrdesk.ui.sessions.guide_notes import GuideNotes
from plrdesk.ui.sessions.header import SessionHeader


class PhoneView(QWidget):
    def __init__(self, doc: SessionDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.doc = doc
        self.setAccessibleName(f"Phone interview {doc.ref}")
        self.header = SessionHeader(doc)

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
        self.call_table.setTabKeyNavigation(False)  # arrows move in the log; Tab leaves it

        self.outcome = QComboBox()
        self.outcome.setAccessibleName("Outcome of the call")
        for value, label in LOGGED.items():
            self.outcome.addItem(label, value)
        outcome_label = QLabel("&Log a call:")
        outcome_label.setBuddy(self.outcome)
        self.note = QLineEdit()
        self.note.setAccessibleName("Note on the call")
        self.note.setPlaceholderText("e.g. call back Tuesday after 4")
        self.note.returnPressed.connect(self.log_typed)
        note_label = QLabel("&Further details:")
        note_label.setBuddy(self.note)
        self.log_button = QPushButton("Lo&g it")
        self.log_button.setAccessibleName("Log a call attempt")
        self.log_button.setToolTip("Enter in the details does the same")
        self.log_button.clicked.connect(self.log_typed)
        log_action = QAction(self)
        log_action.setShortcut(QKeySequence("Ctrl+Shift+L"))
        log_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        log_action.triggered.connect(lambda _checked=False: self.focus_log())
        self.addAction(log_action)

        calls_box = QWidget()
        calls_layout = QVBoxLayout(calls_box)
        calls_layout.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        row.addWidget(QLabel("<b>Calls</b>"))
        row.addSpacing(12)
        row.addWidget(outcome_label)
        row.addWidget(self.outcome)
        row.addWidget(note_label)
        row.addWidget(self.note, 1)
        row.addWidget(self.log_button)
        calls_layout.addLayout(row)
        calls_layout.addWidget(self.call_table)

        self.consent = CallConsentStep(doc)
        self.declined = QLabel()
        self.declined.setObjectName("callDeclined")
        self.declined.setWordWrap(True)
        self.declined.setTextFormat(Qt.TextFormat.RichText)
        self.declined.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.declined.setAccessibleName("The parent declined on the call")
        self.stack = QStackedWidget()
        self.stack.addWidget(self.consent)
        self.stack.addWidget(self.declined)
        self._notes: GuideNotes | None = None

        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addWidget(calls_box)
        layout.addWidget(self.stack, 1)
        doc.sig_gate_changed.connect(self._gate_changed)
        self._gate_changed()

    # -- which step shows --------------------------------------------------------------------

    @property
    def notes(self) -> GuideNotes:
        """The guide and its notes, once they are open (consent recorded)."""
        if self._notes is None:
            raise LookupError(f"the guide of {self.doc.ref} is shut: {self.doc.gate.reason()}")
        return self._notes

    def guide_open(self) -> bool:
        return self._notes is not None and self.stack.currentWidget() is self._notes

    def _gate_changed(self) -> None:
        gate = self.doc.gate
        focus = QApplication.focusWidget()
        had_focus = focus is not None and self.consent.isAncestorOf(focus)
        for widget in (self.outcome, self.note, self.log_button):
            widget.setEnabled(gate.declined is None)
        if gate.declined is not None:
            who = ", ".join(f"{m.ref} ({m.descriptor})" for m in self.doc.members)
            when = gate.declined.at.astimezone().strftime("%a %d %b %Y at %H:%M")
            self.declined.setText(
                f"<b style='font-size:13pt'>Declined on the call</b><br>{html.escape(who)} "
                f"declined on {html.escape(when)}.<br>Reason logged: "
                f"“{html.escape(gate.declined.reason)}”<br><br>The session is ended. Nothing "
                "else is kept: no consent, no notes. To call again, make a new session."
            )
            self.stack.setCurrentWidget(self.declined)
            if had_focus:
                self.call_table.setFocus(Qt.FocusReason.OtherFocusReason)
        elif gate.open:
            if self._notes is None:
                self._notes = GuideNotes(self.doc)
                self.stack.addWidget(self._notes)
            self.stack.setCurrentWidget(self._notes)
            if had_focus:  # consent just recorded on this screen: on to the questions
                self._notes.question_list.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self.stack.setCurrentWidget(self.consent)

    # -- the call log ------------------------------------------------------------------------

    def focus_log(self) -> None:
        self.outcome.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def log_typed(self) -> None:
        """Log the attempt as chosen and described in the log's row."""
        if self.doc.gate.declined is not None:
            return
        self.log_call(str(self.outcome.currentData()), self.note.text())
        self.note.clear()
        if self.outcome.currentData() == CallOutcome.REACHED and not self.doc.gate.open:
            self.consent.focus_script()
        else:
            self.outcome.setFocus(Qt.FocusReason.OtherFocusReason)

    def log_call(self, outcome: str, note: str | None = None) -> uuid.UUID:
        attempt_id = self.doc.log_call(outcome, note=note)
        row = self.calls.rowCount() - 1
        self.call_table.setCurrentIndex(self.calls.index(row, CallLogModel.MINUTES))
        return attempt_id

    # -- focus -------------------------------------------------------------------------------

    def focus_entry(self, entry_id: uuid.UUID) -> bool:
        return self._notes is not None and self.guide_open() and self.notes.focus_entry(entry_id)

    def focus_start(self) -> None:
        if self.guide_open():
            self.notes.question_list.setFocus()
        elif self.doc.gate.declined is not None:
            self.call_table.setFocus()
        elif self.consent.script_shown():
            self.consent.focus_script()
        else:
            self.focus_log()

    def tab_stops(self) -> list[QWidget]:
        """Where Tab goes while the guide is shut, in order."""
        stops: list[QWidget] = [self.outcome, self.note, self.log_button]
        if self.stack.currentWidget() is self.consent:
            stops += self.consent.tab_stops()
        stops.append(self.call_table)
        return [w for w in stops if w.isEnabled() and w.isVisibleTo(self)]

    def focusNextPrevChild(self, forward: bool) -> bool:
        """Tab outside the notes (call log, clock): into the notes once they are open, where
        what is typed next is kept, rather than on along Qt's chain out of the view. Before
        then, round the call log's row and the consent step."""
        if not self.isVisible():  # hidden with the focus inside: Qt's chain finds a new one
            return super().focusNextPrevChild(forward)
        if self.guide_open():
            self.notes.enter_notes()
            return True
        stops = self.tab_stops()
        if not stops:
            return True
        here = QApplication.focusWidget()
        at = next((i for i, w in enumerate(stops) if w is here), -1)
        if at < 0:
            target = stops[0] if forward else stops[-1]
        else:
            target = stops[(at + (1 if forward else -1)) % len(stops)]
        reason = Qt.FocusReason.TabFocusReason if forward else Qt.FocusReason.BacktabFocusReason
        target.setFocus(reason)
        self.consent.show_focused(target)
        return True
