"""A new session: kind, guide, participants and start time, behind the consent gate.

When someone chosen lacks consent, a warning lists each gap in plain words ("C3 has no
parental consent") with Cancel as the default. A phone interview is made before the
parent has consented: their verbal consent is taken on the call (the call screen), so
the list says so instead of warning (services.sessions, `ParticipantChoice`).
"Override…" asks for the reason (at least ten characters), which is kept in the study's
audit log with the people concerned.
Participants are listed by ref and descriptor: capture screens never show names.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QDateTime,
    QModelIndex,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractButton,
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QListView,
    QMessageBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from plrdesk.domain.kinds import SessionKind
from plrdesk.forms.schema import FormKind
from plrdesk.services.sessions import (
    ConsentGateBlocked,
    Created,
    ParticipantChoice,
    create_session,
    participant_choices,
)
from plrdesk.ui.context import StudyContext
from plrdesk.ui.operations import read, write
from plrdesk.ui.sessions.header import KIND_NAMES
from plrdesk.ui.table_models import Index

ChoiceRole = Qt.ItemDataRole.UserRole + 1
MIN_REASON = 10

DEFAULT_GUIDES = {
    "practitioner-interview": "practitioner-interview",
    "phone-interview": "parent-phone-interview",
    "focus-group": "children-focus-group",
}
KIND_PEOPLE = {
    "practitioner-interview": {"practitioner"},
    "phone-interview": {"parent"},
    "focus-group": {"child"},
}


class ParticipantChoiceModel(QAbstractListModel):
    """Participants who may be chosen, checkable; `kinds` limits the rows shown, and the
    kind of session picks which of the gate's verdicts each row shows."""

    def __init__(self) -> None:
        super().__init__()
        self._all: list[ParticipantChoice] = []
        self._rows: list[ParticipantChoice] = []
        self._checked: set[str] = set()
        self._kinds: set[str] | None = None
        self._phone = False

    def set_session_kind(self, kind: str) -> None:
        phone = kind == SessionKind.PHONE_INTERVIEW
        if phone != self._phone:
            self._phone = phone
            if self._rows:
                last = self.index(len(self._rows) - 1, 0)
                self.dataChanged.emit(self.index(0, 0), last)

    def _gaps(self, choice: ParticipantChoice) -> tuple[str, ...]:
        return choice.phone_gaps if self._phone else choice.gaps

    def set_choices(self, choices: list[ParticipantChoice]) -> None:
        self._all = list(choices)
        self._refilter()

    def set_kinds(self, kinds: set[str] | None) -> None:
        self._kinds = kinds
        self._refilter()

    def _refilter(self) -> None:
        self.beginResetModel()
        self._rows = [c for c in self._all if self._kinds is None or c.kind in self._kinds]
        shown = {c.ref for c in self._rows}
        self._checked &= shown
        self.endResetModel()

    def chosen(self) -> list[str]:
        return [c.ref for c in self._all if c.ref in self._checked]

    def set_checked(self, ref: str, checked: bool) -> None:
        row = next((i for i, c in enumerate(self._rows) if c.ref == ref), -1)
        if row >= 0:
            self.setData(
                self.index(row, 0),
                Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked,
                Qt.ItemDataRole.CheckStateRole,
            )

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        choice = self._rows[index.row()]
        gaps = self._gaps(choice)
        on_call = self._phone and choice.consent_on_call
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            text = f"{choice.ref} — {choice.descriptor}"
            if gaps:
                text += "  ⚠ " + "; ".join(gaps)
            elif on_call:
                text += "  — verbal consent on the call"
            return text
        if role == Qt.ItemDataRole.CheckStateRole:
            return Qt.CheckState.Checked if choice.ref in self._checked else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.ToolTipRole:
            if gaps:
                return "; ".join(gaps)
            if on_call:
                return "Their verbal consent is taken on the call, before any question"
            return "Consent in place"
        if role == ChoiceRole:
            return choice
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.CheckStateRole or not index.isValid():
            return False
        ref = self._rows[index.row()].ref
        checked = value in (Qt.CheckState.Checked, Qt.CheckState.Checked.value, 2)
        if checked:
            self._checked.add(ref)
        else:
            self._checked.discard(ref)
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.CheckStateRole])
        return True

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemIsUserCheckable
            | Qt.ItemFlag.ItemNeverHasChildren
        )


class OverrideReasonDialog(QDialog):
    """Why the session goes ahead without consent: at least ten characters, audited."""

    def __init__(self, gaps: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Go ahead without consent")
        self.setAccessibleName("Reason for overriding the consent gate")
        explain = QLabel(
            "You are starting a session although:\n"
            + "\n".join(f"• {gap}" for gap in gaps)
            + "\n\nSay why. The reason is kept in the study's audit log with the people "
            "concerned."
        )
        explain.setWordWrap(True)
        label = QLabel("&Reason (at least 10 characters):")
        self.reason = QPlainTextEdit()
        self.reason.setAccessibleName("Reason")
        self.reason.setTabChangesFocus(True)
        label.setBuddy(self.reason)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText("&Override and start")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.reason.textChanged.connect(self._check)
        layout = QVBoxLayout(self)
        layout.addWidget(explain)
        layout.addWidget(label)
        layout.addWidget(self.reason)
        layout.addWidget(self.buttons)
        self._check()

    def text(self) -> str:
        return self.reason.toPlainText().strip()

    def _check(self) -> None:
        self.ok.setEnabled(len(self.text()) >= MIN_REASON)


class NewSessionDialog(QDialog):
    sig_created = Signal(str)
    """The ref of the session just made."""

    def __init__(self, ctx: StudyContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.gate_box: QMessageBox | None = None
        self.override_dialog: OverrideReasonDialog | None = None
        self.override_button: QAbstractButton | None = None
        self.setWindowTitle("New session")
        self.setAccessibleName("New session")

        self.kind = QComboBox()
        self.kind.setAccessibleName("Kind of session")
        for value, name in KIND_NAMES.items():
            self.kind.addItem(name, value)
        self.guide = QComboBox()
        self.guide.setAccessibleName("Guide")
        self.guide.addItem("(no guide)", None)
        self._guide_kinds: dict[str, FormKind] = {}
        for form_id in sorted(ctx.forms.ids()):
            form = ctx.forms.get(form_id)
            if form is not None and form.kind in (
                FormKind.INTERVIEW_GUIDE,
                FormKind.FOCUS_GROUP_GUIDE,
            ):
                self.guide.addItem(form.title, form_id)
                self._guide_kinds[form_id] = form.kind
        self.model = ParticipantChoiceModel()
        self.people = QListView()
        self.people.setModel(self.model)
        self.people.setAccessibleName("Participants")
        self.everyone = QCheckBox("Show &everyone")
        self.everyone.setAccessibleName("Show every participant, whatever their kind")
        self.started = QDateTimeEdit(QDateTime.currentDateTime())
        self.started.setCalendarPopup(True)
        self.started.setDisplayFormat("ddd d MMM yyyy HH:mm")
        self.started.setAccessibleName("Start time")
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b71c1c;")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText("&Start session")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        fields = QFormLayout()
        fields.addRow("&Kind:", self.kind)
        fields.addRow("&Guide:", self.guide)
        fields.addRow("&Participants:", self.people)
        fields.addRow("", self.everyone)
        fields.addRow("Start &time:", self.started)
        layout = QVBoxLayout(self)
        layout.addLayout(fields)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)

        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.everyone.toggled.connect(self._kind_changed)
        self._kind_changed()
        ctx.runner.run(read(participant_choices, ctx.forms), self.model.set_choices)

    # -- choices ------------------------------------------------------------------------------

    def kind_value(self) -> str:
        return str(self.kind.currentData())

    def set_kind(self, kind: str) -> None:
        self.kind.setCurrentIndex(self.kind.findData(kind))

    def _kind_changed(self) -> None:
        kind = self.kind_value()
        guide = DEFAULT_GUIDES.get(kind)
        if guide is None or self.guide.findData(guide) < 0:
            wanted = FormKind.FOCUS_GROUP_GUIDE if kind == "focus-group" else None
            guide = next((g for g, k in self._guide_kinds.items() if k == wanted), None)
        self.guide.setCurrentIndex(max(0, self.guide.findData(guide)) if guide else 0)
        self.model.set_session_kind(kind)
        self.model.set_kinds(None if self.everyone.isChecked() else KIND_PEOPLE.get(kind))

    def started_at(self) -> dt.datetime:
        local = self.started.dateTime().toPython()
        assert isinstance(local, dt.datetime)
        return local.astimezone()

    # -- making it -------------------------------------------------------------------------------

    def accept(self) -> None:
        if not self.model.chosen():
            self.message.setText("Choose at least one participant.")
            return
        self._create(None)

    def _create(self, reason: str | None) -> None:
        kind, guide = self.kind_value(), self.guide.currentData()
        refs, started = self.model.chosen(), self.started_at()
        self.ok.setEnabled(False)
        self._ctx.runner.run(
            write(create_session, self._ctx.forms, kind, guide, refs, started, reason),
            self._created,
            self._failed,
            initiator=self,
        )

    def _created(self, made: Created) -> None:
        self.ok.setEnabled(True)
        self._ctx.status(f"Session {made.ref} started")
        self.sig_created.emit(made.ref or "")
        super().accept()

    def _failed(self, exc: Exception) -> None:
        self.ok.setEnabled(True)
        if isinstance(exc, ConsentGateBlocked):
            self._blocked([f"{gap.ref} {gap.reason}" for gap in exc.gaps])
        else:
            self.message.setText(f"Could not start the session: {exc}")

    def _blocked(self, gaps: list[str]) -> None:
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle("Consent missing")
        box.setText("This session cannot start yet:")
        box.setInformativeText("\n".join(f"• {gap}" for gap in gaps))
        box.setAccessibleName("Consent missing")
        cancel = box.addButton(QMessageBox.StandardButton.Cancel)
        self.override_button = box.addButton("&Override…", QMessageBox.ButtonRole.ActionRole)
        box.setDefaultButton(cancel)
        box.setEscapeButton(cancel)
        box.finished.connect(lambda _result: self._gate_answered(box, gaps))
        self.gate_box = box
        box.open()

    def _gate_answered(self, box: QMessageBox, gaps: list[str]) -> None:
        if box.clickedButton() is not self.override_button:
            self.message.setText("Not started: consent is missing.")
            return
        dialog = OverrideReasonDialog(gaps, self)
        dialog.accepted.connect(lambda: self._create(dialog.text()))
        self.override_dialog = dialog
        dialog.open()
