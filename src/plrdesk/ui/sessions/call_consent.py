"""The consent step of a phone interview's call screen: what shows instead of the guide
until the parent's verbal consent is recorded.

Before the call is answered it says so (log each attempt above). Once an attempt is
logged as answered, the verbal-consent script is here, in the consent form widget the
recorder uses (ui.consent.form_widget, embedded, with `TimedConfirmations` keeping the
time of each tick as the parent says yes). "Record consent" runs
services.call_consent `record_call_consent`, which records it in the register like any
verbal consent; the call screen then opens the guide. "They declined…" asks why, and
ends the call with the reason (the document's `decline`, services.calls `decline_call`).

The step holds no rules: what is missing on the form, whether the call was answered and
whether consent may be recorded come from the services, which refuse with one plain line
shown here. Recording and declining are records, not undo steps.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from plrdesk.domain.kinds import ConsentMethod
from plrdesk.services.call_consent import (
    CallConsentSetup,
    call_consent_setup,
    record_call_consent,
)
from plrdesk.services.changes import Changes
from plrdesk.services.consents import ConsentRequest, describe, takes_a_time
from plrdesk.services.sessions import NotesGate, answered, notes_gate
from plrdesk.ui.consent.form_widget import PROBLEM_STYLE, FormWidget, TimedConfirmations
from plrdesk.ui.operations import read, write
from plrdesk.ui.sessions.document import SessionDocument


def now_iso() -> str:
    """This moment with the computer's time zone, as a confirmation time."""
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


class CallConsentStep(QFrame):
    sig_script_shown = Signal()
    """The consent script is on screen, ready to be read and ticked."""

    def __init__(self, doc: SessionDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.doc = doc
        self.clock: Callable[[], str] = now_iso  # tests may set a clock
        self.setup: CallConsentSetup | None = None
        self.form_widget: FormWidget | None = None
        self.times: TimedConfirmations | None = None
        self._asked = False  # the script is being fetched
        self._focus_script = False  # put the keyboard on the first confirmation once shown
        self._recording = False  # a record is on its way (the button stays enabled, and so
        # keeps the keyboard: a disabled one would hand it on out of the step)
        self.setObjectName("callConsent")
        self.setStyleSheet(
            "#callConsent { background: #fff4e5; border: 2px solid #e65100; border-radius: 4px; }"
        )
        self.setAccessibleName("Verbal consent on the call")

        self.title = QLabel()
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.title.setWordWrap(True)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.hint.setTextFormat(Qt.TextFormat.PlainText)

        self.scroller = QScrollArea()
        self.scroller.setWidgetResizable(True)
        self.scroller.setFrameShape(QFrame.Shape.StyledPanel)
        self.scroller.setAccessibleName("Consent script")
        self.scroller.hide()

        self.error = QLabel()
        self.error.setObjectName("callConsentError")
        self.error.setStyleSheet(PROBLEM_STYLE)
        self.error.setWordWrap(True)
        self.error.setAccessibleName("Problem")
        self.error.hide()

        self.record_button = QPushButton("Record &consent and open the guide")
        self.record_button.setAccessibleName("Record consent and open the guide")
        self.record_button.setToolTip(
            "Records the verbal consent in the register, with the time of each tick. "
            "It cannot be undone: a consent is a record (withdraw it to take it back)."
        )
        self.record_button.clicked.connect(self.record)
        self.record_button.hide()
        self.decline_button = QPushButton("The&y declined…")
        self.decline_button.setAccessibleName("The parent declined on the call")
        self.decline_button.setToolTip("End the call, with the reason: nothing else is kept")
        self.decline_button.clicked.connect(self.ask_why)

        self.decline_box = QWidget()
        why_label = QLabel("&Why they declined:")
        self.reason = QLineEdit()
        self.reason.setAccessibleName("Why they declined")
        self.reason.setPlaceholderText("Kept with the call log; no consent and no notes are kept")
        why_label.setBuddy(self.reason)
        self.end_button = QPushButton("&Mark declined, end the call")
        self.end_button.setAccessibleName("End the call as declined")
        self.end_button.setEnabled(False)
        self.not_now = QPushButton("Not now")
        self.not_now.setAccessibleName("Do not end the call")
        self.reason.textChanged.connect(lambda text: self.end_button.setEnabled(bool(text.strip())))
        self.reason.returnPressed.connect(self.decline)
        self.end_button.clicked.connect(self.decline)
        self.not_now.clicked.connect(self.keep_going)
        why = QHBoxLayout(self.decline_box)
        why.setContentsMargins(0, 0, 0, 0)
        why.addWidget(why_label)
        why.addWidget(self.reason, 1)
        why.addWidget(self.end_button)
        why.addWidget(self.not_now)
        self.decline_box.hide()

        buttons = QHBoxLayout()
        buttons.addWidget(self.record_button)
        buttons.addStretch(1)
        buttons.addWidget(self.decline_button)
        self.filler = QWidget()  # takes the space while there is no script to show
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.hint)
        layout.addWidget(self.scroller, 1)
        layout.addWidget(self.filler, 1)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        layout.addWidget(self.decline_box)

        doc.sig_calls_changed.connect(self.refresh)
        doc.sig_gate_changed.connect(self._gate_changed)
        self.refresh()

    # -- what shows ------------------------------------------------------------------------

    def waiting_for(self) -> str | None:
        gate = self.doc.gate
        return gate.awaiting_consent[0] if gate.awaiting_consent else None

    def script_shown(self) -> bool:
        return self.form_widget is not None and not self.scroller.isHidden()

    def refresh(self) -> None:
        ref = self.waiting_for()
        if ref is None:
            return
        member = self.doc.member(ref)
        who = f"{ref} ({member.descriptor})" if member is not None else ref
        self.title.setText(f"<b style='font-size:13pt'>Verbal consent first</b> — {who}")
        reached = answered(call.outcome for call in self.doc.calls)
        if not reached:
            self.hint.setText(
                "Not answered yet. Log each attempt above (no answer, voicemail, call back "
                "Tuesday …). When they answer, log “Answered”: the consent script to read "
                "aloud appears here, and the interview guide opens once consent is recorded."
            )
        elif self.setup is None:
            self.hint.setText("Answered: the consent script is on its way…")
            self._ask_for_script()
        else:
            self.hint.setText(
                "Read the script aloud. Tick each question as they say yes (Space): the "
                "time of each tick is kept. Then record the consent."
            )
        shown = reached and self.form_widget is not None
        self.scroller.setVisible(shown)
        self.filler.setVisible(not shown)
        self.record_button.setVisible(shown)
        if shown and self._focus_script:
            self._focus_script = False
            self.focus_script()

    def _ask_for_script(self) -> None:
        if self._asked:
            return
        self._asked = True
        ctx = self.doc.ctx
        ctx.runner.run(
            read(call_consent_setup, ctx.forms, self.doc.id), self._got_script, self._no_script
        )

    def _got_script(self, setup: CallConsentSetup | None) -> None:
        self._asked = False
        if setup is None:  # nobody's consent is waiting any more
            self.doc.ctx.runner.run(read(notes_gate, self.doc.id), self.doc.set_gate)
            return
        self.setup = setup
        self.form_widget = FormWidget(setup.form, setup.placeholders)
        self.times = TimedConfirmations(self.form_widget, lambda: self.clock())
        self.form_widget.sig_changed.connect(lambda _item: self.error.hide())
        self.scroller.setWidget(self.form_widget)  # the scroll area deletes the one before
        self.refresh()
        self.sig_script_shown.emit()

    def _no_script(self, exc: Exception) -> None:
        self._asked = False
        self._fail(str(exc))

    def confirmations(self) -> list[QWidget]:
        """The controls of the script's confirmations shown now, in order."""
        widget = self.form_widget
        if widget is None:
            return []
        return [
            control
            for item in widget.form.items()
            if takes_a_time(item) and widget.is_shown(item.id)
            for control in widget.controls(item.id)
        ]

    def focus_script(self) -> None:
        """The keyboard on the first confirmation (once the script is shown), the script
        itself scrolled to its start: it is read aloud before anything is ticked."""
        if not self.script_shown():
            self._focus_script = True
            return
        first = next(iter(self.confirmations()), None)
        if first is not None:
            first.setFocus(Qt.FocusReason.OtherFocusReason)
        self.scroller.verticalScrollBar().setValue(0)

    def tab_stops(self) -> list[QWidget]:
        """Where Tab goes in the step, in order."""
        stops = [*self.confirmations()] if self.script_shown() else []
        stops += [b for b in (self.record_button, self.decline_button) if not b.isHidden()]
        if not self.decline_box.isHidden():
            stops += [self.reason, self.end_button, self.not_now]
        return [w for w in stops if w.isEnabled()]

    def show_focused(self, widget: QWidget) -> None:
        """Scroll the script so the control just given the keyboard is in view."""
        if self.form_widget is not None and self.form_widget.isAncestorOf(widget):
            self.scroller.ensureWidgetVisible(widget)

    def _fail(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()

    def _gate_changed(self) -> None:
        setup = self.setup
        if setup is not None and setup.participant_ref not in self.doc.gate.awaiting_consent:
            self.setup = None  # the next person's script, when there is one
        self.refresh()

    # -- recording ---------------------------------------------------------------------------

    def request(self) -> ConsentRequest | None:
        """The consent to record, or None (with the problem shown) when the script on screen
        is not ready."""
        setup, widget, times = self.setup, self.form_widget, self.times
        if setup is None or widget is None or times is None:
            return None
        problems = widget.show_all_problems()
        if problems:
            self._fail(describe(setup.form, problems[0]))
            widget.focus_item(problems[0].item_id)
            self.scroller.ensureWidgetVisible(widget.item_block(problems[0].item_id))
            return None
        return ConsentRequest(
            participant_ref=setup.participant_ref,
            form_id=setup.form.id,
            form_version=setup.form.version,
            method=ConsentMethod.VERBAL,
            given_on=dt.date.today(),
            answers=widget.answers(),
            confirmations=times.times(),
        )

    def record(self) -> None:
        if self._recording:
            return
        request = self.request()
        if request is None:
            return
        self.error.hide()
        self._recording = True
        ctx = self.doc.ctx
        ctx.runner.run(
            write(record_call_consent, ctx.forms, self.doc.id, request),
            self._recorded,
            self._not_recorded,
            initiator=self,
        )

    def _recorded(self, _changes: Changes) -> None:
        ref = self.setup.participant_ref if self.setup is not None else ""
        self.doc.ctx.status(f"Verbal consent recorded for {ref}")
        self.doc.ctx.runner.run(read(notes_gate, self.doc.id), self._gate_read, self._not_read)

    def _gate_read(self, gate: NotesGate) -> None:
        self._recording = False
        self.doc.set_gate(gate)

    def _not_read(self, exc: Exception) -> None:
        self._recording = False
        self._fail(f"Consent recorded, but the guide could not be opened: {exc}")

    def _not_recorded(self, exc: Exception) -> None:
        self._recording = False
        self._fail(f"Consent not recorded: {exc}")

    # -- declining ---------------------------------------------------------------------------

    def ask_why(self) -> None:
        self.decline_box.show()
        self.reason.setFocus(Qt.FocusReason.OtherFocusReason)

    def keep_going(self) -> None:
        self.reason.clear()
        self.decline_box.hide()
        self.decline_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def decline(self) -> None:
        reason = self.reason.text().strip()
        if not reason:
            return
        self.end_button.setEnabled(False)
        self.error.hide()
        self.doc.decline(reason, self._declined, self._not_declined)

    def _declined(self) -> None:
        self.reason.clear()
        self.decline_box.hide()
        self.doc.ctx.status("The call ended: they declined. The reason is kept with the call log")

    def _not_declined(self, exc: Exception) -> None:
        self.end_button.setEnabled(bool(self.reason.text().strip()))
        self._fail(f"The call was not ended: {exc}")
