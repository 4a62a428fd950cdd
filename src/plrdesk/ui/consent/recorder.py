"""The consent recorder: one participant, one consent, written, verbal or electronic.

The researcher picks the form that fits the person (a parent's consent for one of their
children, a child's assent, a practitioner's consent, a parent's phone script), then the
method:
- written: the date the paper form came back, the boxes ticked as on paper, and the scan
  of the paper form if there is one (read into the study; the file itself is left alone);
- verbal: the script on screen; each confirmation is ticked as the person says yes, and
  the time of each tick is kept;
- electronic: the form on screen and a pad for each signer.
Saving runs `record_consent` (given a `ConsentRequest`) on the database worker. A consent
is a record, so saving is not undoable; withdrawing the consent is the way back. Typing in
the dialog has each text box's own undo.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDateEdit,
    QDialog,
    QFileDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from plrdesk.domain.dates import long_date
from plrdesk.domain.kinds import ConsentMethod
from plrdesk.forms.schema import FormKind, ItemType
from plrdesk.services.changes import Changes, Table
from plrdesk.services.consents import (
    MAX_SCAN_BYTES,
    SCAN_TYPES,
    ConsentRequest,
    ConsentRow,
    FormChoice,
    InvalidConsent,
    RecorderSetup,
    consents_of,
    describe,
    record_requested_consent,
)
from plrdesk.ui.consent.form_widget import PROBLEM_STYLE, QUIET_STYLE, FormWidget
from plrdesk.ui.consent.printing import PdfRequest, print_pdf, save_pdf
from plrdesk.ui.consent.signature_pad import SignaturePad
from plrdesk.ui.context import StudyContext
from plrdesk.ui.operations import read, write

SAVE_TOOLTIP = (
    "Saving records the consent. It cannot be undone: a consent is a record. "
    "To take it back, withdraw the consent."
)
DATE_LABELS = {
    ConsentMethod.WRITTEN: "Date the paper form came back",
    ConsentMethod.VERBAL: "Date of the call",
    ConsentMethod.ELECTRONIC: "Date signed",
}
METHOD_HINTS = {
    ConsentMethod.WRITTEN: "Tick the boxes as they are ticked on the paper form.",
    ConsentMethod.VERBAL: (
        "Read the script aloud. Tick each question as the person says yes: "
        "the time of each tick is kept."
    ),
    ConsentMethod.ELECTRONIC: (
        "Let the person read the form and tick the boxes, then sign on the pad below."
    ),
}


def now_iso() -> str:
    """This moment with the computer's time zone, as a confirmation time."""
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


class ConsentRecorder(QDialog):
    sig_recorded = Signal(str)
    """A consent was recorded for the participant with this ref."""

    def __init__(
        self, ctx: StudyContext, setup: RecorderSetup, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setup = setup
        self.clock = now_iso  # tests may set a clock
        self.recorded: uuid.UUID | None = None
        self.confirmations: dict[str, str] = {}
        self.scan: tuple[bytes, str, str] | None = None  # bytes, media type, file name
        self.form_widget: FormWidget | None = None
        self.pads: list[SignaturePad] = []
        person = setup.participant
        self.setWindowTitle(f"Record consent: {person.ref}")
        self.setAccessibleName(f"Record consent for {person.ref}")
        self.setSizeGripEnabled(True)

        heading = QLabel(f"{person.name} ({person.ref}, {setup.kind.value})")
        heading.setTextFormat(Qt.TextFormat.PlainText)
        heading.setStyleSheet("font-size: 125%; font-weight: bold;")

        self.form_combo = QComboBox()
        self.form_combo.setAccessibleName("Form")
        for choice in setup.choices:
            label = f"{choice.definition.title} ({choice.form_id}, version {choice.version})"
            self.form_combo.addItem(label, choice)
        self.child_combo = QComboBox()
        self.child_combo.setAccessibleName("On behalf of which child")
        for child in setup.children:
            self.child_combo.addItem(f"{child.name} ({child.ref})", child.ref)
        self.child_label = QLabel("On &behalf of")
        self.child_label.setBuddy(self.child_combo)
        self.no_child = QLabel(
            "No child still taking part has this person as parent or carer. "
            "Add the child in the register first."
        )
        self.no_child.setWordWrap(True)
        self.no_child.setStyleSheet(QUIET_STYLE)

        self.method_group = QButtonGroup(self)
        self.method_buttons: dict[ConsentMethod, QRadioButton] = {}
        methods = QHBoxLayout()
        for method, text in [
            (ConsentMethod.WRITTEN, "&Written (paper form)"),
            (ConsentMethod.VERBAL, "&Verbal (read aloud)"),
            (ConsentMethod.ELECTRONIC, "&Electronic (signed on screen)"),
        ]:
            button = QRadioButton(text)
            button.setAccessibleName(f"Method: {method.value}")
            self.method_group.addButton(button)
            self.method_buttons[method] = button
            methods.addWidget(button)
            button.toggled.connect(self._method_changed)
        methods.addStretch(1)

        self.date_edit = QDateEdit(QDate.currentDate())
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("d MMMM yyyy")
        self.date_edit.setMaximumDate(QDate.currentDate())
        self.date_label = QLabel()
        self.date_label.setBuddy(self.date_edit)

        choose = QFormLayout()
        choose.addRow("&Form", self.form_combo)
        choose.addRow(self.child_label, self.child_combo)
        choose.addRow("", self.no_child)
        choose.addRow("Method", methods)
        choose.addRow(self.date_label, self.date_edit)
        self._choose = choose

        self.extras = QStackedWidget()
        self.extras.addWidget(self._written_panel())
        self.extras.addWidget(self._verbal_panel())
        self.extras.addWidget(QWidget())  # electronic: the pads follow the form
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet(QUIET_STYLE)

        self.body = QWidget()
        self.body_layout = QVBoxLayout(self.body)
        self.pads_box = QWidget()
        self.pads_layout = QVBoxLayout(self.pads_box)
        self.pads_layout.setContentsMargins(0, 8, 0, 0)
        self.scroller = QScrollArea()
        self.scroller.setWidgetResizable(True)
        self.scroller.setFrameShape(QFrame.Shape.StyledPanel)
        self.scroller.setWidget(self.body)
        self.scroller.setAccessibleName("The form")

        self.error = QLabel()
        self.error.setObjectName("recorderError")
        self.error.setStyleSheet(PROBLEM_STYLE)
        self.error.setWordWrap(True)
        self.error.setAccessibleName("Problem")
        self.error.hide()
        self.done_line = QLabel()
        self.done_line.setWordWrap(True)
        self.done_line.hide()

        self.consent_list = QListWidget()
        self.consent_list.setAccessibleName("Consents already recorded")
        self.consent_list.currentItemChanged.connect(self._selection_changed)
        self.consents_label = QLabel("Consents already &recorded")
        self.consents_label.setBuddy(self.consent_list)

        self.print_blank = QPushButton("&Print blank form…")
        self.print_blank.setToolTip("Print the form to fill in by hand (it holds no names)")
        self.save_blank = QPushButton("Save b&lank as PDF…")
        self.print_copy = QPushButton("Print &copy…")
        self.print_copy.setToolTip("Print the participant's copy of the selected consent")
        self.save_copy = QPushButton("Save c&opy as PDF…")
        self.save_copy.setToolTip(
            "Save the participant's copy of the selected consent. It shows their name."
        )
        self.save_button = QPushButton("&Save consent")
        self.save_button.setDefault(True)
        self.save_button.setToolTip(SAVE_TOOLTIP)
        self.save_button.setAccessibleDescription(SAVE_TOOLTIP)
        self.close_button = QPushButton("Cancel")
        self.print_blank.clicked.connect(lambda: self._blank(print_it=True))
        self.save_blank.clicked.connect(lambda: self._blank(print_it=False))
        self.print_copy.clicked.connect(lambda: self._copy(print_it=True))
        self.save_copy.clicked.connect(lambda: self._copy(print_it=False))
        self.save_button.clicked.connect(self.save)
        self.close_button.clicked.connect(self.reject)

        printing = QHBoxLayout()
        for push in (self.print_blank, self.save_blank, self.print_copy, self.save_copy):
            printing.addWidget(push)
        printing.addStretch(1)
        finish = QHBoxLayout()
        finish.addWidget(self.done_line, 1)
        finish.addStretch(0)
        finish.addWidget(self.save_button)
        finish.addWidget(self.close_button)

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addLayout(choose)
        layout.addWidget(self.extras)
        layout.addWidget(self.hint)
        layout.addWidget(self.scroller, 1)
        layout.addWidget(self.error)
        layout.addWidget(self.consents_label)
        layout.addWidget(self.consent_list)
        layout.addLayout(printing)
        layout.addLayout(finish)

        self.form_combo.currentIndexChanged.connect(self._form_changed)
        self.show_consents(setup.consents)
        if not setup.choices:
            self._fail("There is no consent form for a participant of this kind.")
            self.save_button.setEnabled(False)
        else:
            self._form_changed()
        if setup.withdrawn:
            self._fail(f"{person.ref} has withdrawn: no new consent can be recorded.")
            self.save_button.setEnabled(False)
        self.resize(820, 860)

    # -- panels ----------------------------------------------------------------------------

    def _written_panel(self) -> QWidget:
        panel = QWidget()
        row = QHBoxLayout(panel)
        row.setContentsMargins(0, 0, 0, 0)
        self.scan_button = QPushButton("&Attach scan…")
        self.scan_button.setToolTip(
            "Optional: a PNG, JPEG or PDF of the signed paper form. It is kept inside the"
            " study; the file you choose is not changed or copied anywhere else."
        )
        self.scan_label = QLabel("No scan attached (optional).")
        self.scan_label.setStyleSheet(QUIET_STYLE)
        self.scan_remove = QToolButton()
        self.scan_remove.setText("Remove")
        self.scan_remove.setAccessibleName("Remove the scan")
        self.scan_remove.setEnabled(False)
        self.scan_button.clicked.connect(self._choose_scan)
        self.scan_remove.clicked.connect(self.remove_scan)
        row.addWidget(self.scan_button)
        row.addWidget(self.scan_label, 1)
        row.addWidget(self.scan_remove)
        return panel

    def _verbal_panel(self) -> QWidget:
        panel = QWidget()
        form = QFormLayout(panel)
        form.setContentsMargins(0, 0, 0, 0)
        self.recorded_by = QLineEdit(self.setup.researcher or "")
        self.recorded_by.setAccessibleName("Recorded by")
        self.recorded_by.setPlaceholderText("The researcher who took the call")
        form.addRow("Recorded b&y", self.recorded_by)
        return panel

    # -- choosing --------------------------------------------------------------------------

    def choice(self) -> FormChoice | None:
        data = self.form_combo.currentData()
        return data if isinstance(data, FormChoice) else None

    def method(self) -> ConsentMethod:
        for method, button in self.method_buttons.items():
            if button.isChecked():
                return method
        return ConsentMethod.WRITTEN

    def set_method(self, method: ConsentMethod) -> None:
        self.method_buttons[method].setChecked(True)

    def select_form(self, form_id: str) -> None:
        for index in range(self.form_combo.count()):
            data = self.form_combo.itemData(index)
            if isinstance(data, FormChoice) and data.form_id == form_id:
                self.form_combo.setCurrentIndex(index)
                return
        raise LookupError(form_id)

    def _form_changed(self) -> None:
        choice = self.choice()
        if choice is None:
            return
        form = choice.definition
        self.confirmations.clear()
        self._clear_error()
        script = form.kind == FormKind.VERBAL_CONSENT_SCRIPT
        for method, button in self.method_buttons.items():
            allowed = method == ConsentMethod.VERBAL or not script
            button.setEnabled(allowed)
            button.setToolTip("" if allowed else "A script read aloud is verbal consent.")
        for_child = choice.for_child
        self._choose.setRowVisible(self.child_combo, for_child)
        self._choose.setRowVisible(self.no_child, for_child and not self.setup.children)

        old = self.form_widget
        self.form_widget = FormWidget(form, self.setup.placeholders)
        self.form_widget.sig_changed.connect(self._answer_changed)
        if old is not None:
            self.body_layout.removeWidget(old)
            old.deleteLater()
        self.body_layout.removeWidget(self.pads_box)
        self.body_layout.addWidget(self.form_widget)
        self.body_layout.addWidget(self.pads_box)
        self.form_widget.show()  # at once, not on the next turn of the event loop
        self._build_pads(form.signers)
        self.set_method(ConsentMethod.VERBAL if script else ConsentMethod.WRITTEN)
        self._method_changed()

    def _build_pads(self, signers: list[str]) -> None:
        for pad in self.pads:
            self.pads_layout.removeWidget(pad)
            pad.deleteLater()
        names = signers or ["Participant"]
        self.pads = []
        for index, name in enumerate(names[:2]):
            label = f"Signature: {name}" + ("" if index == 0 else " (optional)")
            pad = SignaturePad(label, required=index == 0)
            pad.sig_changed.connect(self._clear_error)
            self.pads.append(pad)
            self.pads_layout.addWidget(pad)
            pad.show()

    def _method_changed(self, _checked: bool = True) -> None:
        method = self.method()
        self.extras.setCurrentIndex(list(ConsentMethod).index(method))
        self.extras.setVisible(method != ConsentMethod.ELECTRONIC)
        self.date_label.setText(f"&{DATE_LABELS[method]}")
        electronic = method == ConsentMethod.ELECTRONIC
        if electronic:
            self.date_edit.setDate(QDate.currentDate())  # signed here and now
        self.date_edit.setEnabled(not electronic and self.recorded is None)
        self.pads_box.setVisible(electronic)
        self.hint.setText(METHOD_HINTS[method])
        if method != ConsentMethod.VERBAL:
            self.confirmations.clear()
        self._show_confirmation_notes()

    # -- verbal confirmations --------------------------------------------------------------

    def _answer_changed(self, item_id: str) -> None:
        self._clear_error()
        if self.method() != ConsentMethod.VERBAL or self.form_widget is None:
            return
        item = self.form_widget.form.item(item_id)
        if item is None or item.type not in {ItemType.STATEMENT, ItemType.YES_NO}:
            return
        if self.form_widget.raw_answers().get(item_id) is True:
            self.confirmations.setdefault(item_id, self.clock())
        else:
            self.confirmations.pop(item_id, None)
        self._show_confirmation_notes()

    def _show_confirmation_notes(self) -> None:
        if self.form_widget is None:
            return
        for item in self.form_widget.form.items():
            if item.type in {ItemType.STATEMENT, ItemType.YES_NO}:
                when = self.confirmations.get(item.id)
                text = ""
                if when is not None:
                    text = f"Ticked at {dt.datetime.fromisoformat(when):%H:%M:%S}"
                self.form_widget.set_note(item.id, text)

    # -- the scan --------------------------------------------------------------------------

    def _choose_scan(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(
            self,
            "Attach the scanned paper form",
            str(Path.home()),
            "Scans (*.png *.jpg *.jpeg *.pdf);;All files (*)",
        )
        if chosen:
            self.attach_scan(Path(chosen))

    def attach_scan(self, path: Path) -> bool:
        """Read the file's bytes into the dialog (they go into the study on Save)."""
        try:
            size = path.stat().st_size
            if size > MAX_SCAN_BYTES:
                limit = MAX_SCAN_BYTES // 1024 // 1024
                self._fail(f"{path.name} is larger than {limit} MB: scan at a lower resolution.")
                return False
            data = path.read_bytes()
        except OSError as exc:
            self._fail(f"Could not read {path.name}: {exc.strerror or exc}")
            return False
        media = next((kind for kind, magic in SCAN_TYPES.items() if data.startswith(magic)), None)
        if media is None:
            self._fail(f"{path.name} is not a PNG, JPEG or PDF file.")
            return False
        self.scan = (data, media, path.name)
        self.scan_label.setText(f"Scan attached: {path.name} ({max(1, len(data) // 1024)} KB)")
        self.scan_remove.setEnabled(True)
        self._clear_error()
        return True

    def remove_scan(self) -> None:
        self.scan = None
        self.scan_label.setText("No scan attached (optional).")
        self.scan_remove.setEnabled(False)

    # -- saving ----------------------------------------------------------------------------

    def _fail(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()

    def _clear_error(self) -> None:
        if self.recorded is None:
            self.error.hide()

    def request(self) -> ConsentRequest | None:
        """What record_consent is to save, or None (with the problem shown) when the form
        on screen is not ready to save."""
        choice, widget = self.choice(), self.form_widget
        if choice is None or widget is None:
            return None
        problems = widget.show_all_problems()
        if problems:
            self._fail(describe(choice.definition, problems[0]))
            widget.focus_item(problems[0].item_id)
            self.scroller.ensureWidgetVisible(widget.item_block(problems[0].item_id))
            return None
        method = self.method()
        child = self.child_combo.currentData() if choice.for_child else None
        if choice.for_child and child is None:
            self._fail("Choose the child this consent is given for.")
            return None
        answers = widget.answers()
        given = self.date_edit.date()
        request = ConsentRequest(
            participant_ref=self.setup.participant.ref,
            form_id=choice.form_id,
            form_version=choice.version,
            method=method,
            given_on=dt.date(given.year(), given.month(), given.day()),
            answers=answers,
            on_behalf_of_ref=child,
        )
        if method == ConsentMethod.WRITTEN and self.scan is not None:
            image, media_type, _name = self.scan
            request = replace(request, scan_image=image, scan_media_type=media_type)
        if method == ConsentMethod.VERBAL:
            request = replace(
                request,
                confirmations={
                    key: when
                    for key, when in self.confirmations.items()
                    if answers.get(key) is True
                },
                recorded_by=self.recorded_by.text().strip() or None,
            )
        if method == ConsentMethod.ELECTRONIC:
            first = self.pads[0].png_bytes()
            if first is None:
                self._fail(f"{self.pads[0].title.text()} is needed: sign on the pad.")
                self.pads[0].canvas.setFocus()
                return None
            second = self.pads[1].png_bytes() if len(self.pads) > 1 else None
            request = replace(request, signature_png=first, second_signature_png=second)
        return request

    def save(self) -> None:
        if self.recorded is not None:
            return
        request = self.request()
        if request is None:
            return
        self._clear_error()
        self.save_button.setEnabled(False)
        self.ctx.runner.run(
            write(record_requested_consent, self.ctx.forms, request),
            self._saved,
            self._save_failed,
            initiator=self,
        )

    def _save_failed(self, exc: Exception) -> None:
        self.save_button.setEnabled(True)
        if isinstance(exc, InvalidConsent):
            self._fail(str(exc))
            if exc.item_id and self.form_widget is not None:
                self.form_widget.focus_item(exc.item_id)
        else:
            self._fail(f"Could not record the consent: {exc}")

    def _saved(self, changes: Changes) -> None:
        ref = self.setup.participant.ref
        self.recorded = changes.added_ids(Table.CONSENT)[0]
        self.ctx.status(f"Consent recorded for {ref}")
        for widget in (self.form_combo, self.child_combo, self.extras, self.body, self.date_edit):
            widget.setEnabled(False)
        for button in self.method_buttons.values():
            button.setEnabled(False)
        self.save_button.setText("Recorded")
        self.save_button.setEnabled(False)
        self.close_button.setText("Close")
        self.close_button.setDefault(True)
        self.done_line.setText("Recorded. Print or save the participant's copy, or close.")
        self.done_line.show()
        self.refresh_consents()
        self.sig_recorded.emit(ref)

    # -- consents so far, and printing -----------------------------------------------------

    def refresh_consents(self) -> None:
        self.ctx.runner.run(
            read(consents_of, self.setup.participant.ref), self.show_consents, initiator=self
        )

    def show_consents(self, rows: list[ConsentRow]) -> None:
        self.consent_list.clear()
        select: QListWidgetItem | None = None
        for row in rows:
            item = QListWidgetItem(_describe_row(row))
            item.setData(Qt.ItemDataRole.UserRole, row)
            self.consent_list.addItem(item)
            if row.id == self.recorded:
                select = item
        self.consent_list.setVisible(bool(rows))
        self.consents_label.setText(
            "Consents already &recorded:" if rows else "Consents already recorded: none yet."
        )
        shown = min(max(len(rows), 1), 3)
        row_height = self.consent_list.sizeHintForRow(0) if rows else 0
        self.consent_list.setFixedHeight(
            row_height * shown + 2 * self.consent_list.frameWidth() + 2
        )
        if select is not None:
            self.consent_list.setCurrentItem(select)
        self._selection_changed()

    def selected_consent(self) -> ConsentRow | None:
        item = self.consent_list.currentItem()
        data = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        return data if isinstance(data, ConsentRow) else None

    def _selection_changed(self, *_args: object) -> None:
        has = self.selected_consent() is not None
        self.print_copy.setEnabled(has)
        self.save_copy.setEnabled(has)

    def blank_request(self) -> PdfRequest | None:
        choice = self.choice()
        if choice is None:
            return None
        return PdfRequest(choice.form_id, choice.version)

    def copy_request(self) -> PdfRequest | None:
        row = self.selected_consent()
        if row is None:
            return None
        return PdfRequest(row.form_id, row.form_version, participant_ref=row.subject_ref)

    def _blank(self, *, print_it: bool) -> None:
        request = self.blank_request()
        if request is not None:
            (print_pdf if print_it else save_pdf)(
                self, self.ctx, request, on_error=self._pdf_failed
            )

    def _copy(self, *, print_it: bool) -> None:
        request = self.copy_request()
        if request is not None:
            (print_pdf if print_it else save_pdf)(
                self, self.ctx, request, on_error=self._pdf_failed
            )

    def _pdf_failed(self, exc: Exception) -> None:
        self.error.setText(f"Could not make the PDF: {exc}")
        self.error.show()


def _describe_row(row: ConsentRow) -> str:
    parts = [row.ref, f"{row.form_id} v{row.form_version}", row.method, long_date(row.given_on)]
    if row.on_behalf_of_ref and row.signer_ref != row.on_behalf_of_ref:
        parts.append(f"by {row.signer_ref} for {row.on_behalf_of_ref}")
    if row.withdrawn_on is not None:
        parts.append(f"withdrawn {long_date(row.withdrawn_on)}")
    return " · ".join(parts)
