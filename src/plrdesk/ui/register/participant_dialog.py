"""Add or edit a participant: name, contact, and the details their kind has.

The dialog checks with the same rules the service applies (services.participants), shows
the first problem in one line and keeps OK disabled until there is none. It returns a
ParticipantDetails; the page runs the operation.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from plrdesk.domain.kinds import ParticipantKind
from plrdesk.services.participants import (
    AGES,
    GENDERS,
    KIND_LABEL,
    RELATIONSHIPS,
    SECTORS,
    YEAR_GROUPS,
    AttributeValue,
    InvalidParticipant,
    ParticipantDetails,
    ParticipantRow,
    check_details,
)

NOT_RECORDED = "not recorded"
PROBLEM_COLOUR = "#b3261e"  # dark red: 6:1 on white

# The attribute keys each kind's widgets edit; anything else is kept as it was.
_KNOWN: dict[ParticipantKind, tuple[str, ...]] = {
    ParticipantKind.PRACTITIONER: ("sector", "role"),
    ParticipantKind.PARENT: ("relationship",),
    ParticipantKind.CHILD: ("age", "gender", "year_group"),
    ParticipantKind.OTHER: (),
}


def _label(text: str, buddy: QWidget) -> QLabel:
    label = QLabel(text)
    label.setBuddy(buddy)
    buddy.setAccessibleName(text.replace("&", "").rstrip(":"))
    return label


def _choice_combo(choices: Sequence[str]) -> QComboBox:
    combo = QComboBox()
    combo.addItem(NOT_RECORDED, None)
    for choice in choices:
        combo.addItem(choice, choice)
    return combo


def _set_choice(combo: QComboBox, value: object) -> None:
    """Show `value`, adding it when it is an old value outside today's list."""
    if value is None:
        combo.setCurrentIndex(0)
        return
    found = combo.findData(value)
    if found < 0:
        combo.addItem(str(value), value)
        found = combo.count() - 1
    combo.setCurrentIndex(found)


def _number_spin(values: range, prefix: str = "") -> QSpinBox:
    """A spin box over `values`, one step below which reads "not recorded"."""
    spin = QSpinBox()
    spin.setRange(values.start - 1, values.stop - 1)
    spin.setSpecialValueText(NOT_RECORDED)
    spin.setPrefix(prefix)
    spin.setValue(spin.minimum())
    return spin


def _plain(value: AttributeValue) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _typed(text: str, original: AttributeValue | None) -> AttributeValue:
    """Text from the table as a value: the original value when unchanged, whole numbers as
    numbers, the rest as text."""
    text = text.strip()
    if original is not None and text == _plain(original):
        return original
    if re.fullmatch(r"-?\d{1,15}", text):
        return int(text)
    return text


class ParticipantDialog(QDialog):
    def __init__(
        self,
        candidates: Sequence[ParticipantRow],
        row: ParticipantRow | None = None,
        parent: QWidget | None = None,
    ) -> None:
        """Add a participant (no `row`), or edit `row`. `candidates` are the study's
        participants; the adults among them are offered as a child's guardians."""
        super().__init__(parent)
        self._row = row
        self.setWindowTitle(f"Edit {row.ref}" if row else "Add a participant")
        self.setMinimumWidth(480)
        self._originals: dict[str, AttributeValue] = dict(row.attributes) if row else {}

        self.kind = QComboBox(self)
        self.kind.setAccessibleName("Kind")
        for kind in ParticipantKind:
            self.kind.addItem(KIND_LABEL[kind], kind)
        self.name = QLineEdit()
        self.contact = QLineEdit()
        self.contact.setPlaceholderText("phone or email (optional)")
        self.sector = _choice_combo(SECTORS)
        self.role = QLineEdit()
        self.role.setPlaceholderText("for example: project worker, head teacher, SENCO")
        self.relationship = _choice_combo(RELATIONSHIPS)
        self.age = _number_spin(AGES)
        self.gender = _choice_combo(GENDERS)
        self.year_group = _number_spin(YEAR_GROUPS, prefix="Year ")
        self.guardians = QListWidget()
        self.guardians.setMaximumHeight(120)
        self.details_table = QTableWidget(0, 2)
        self.details_table.setHorizontalHeaderLabels(["Detail", "Value"])
        self.details_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.details_table.verticalHeader().hide()
        self.details_table.setMaximumHeight(140)
        self.details_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.add_detail = QPushButton("Add de&tail")
        self.remove_detail = QPushButton("Re&move detail")
        self.message = QLabel()
        self.message.setObjectName("participantMessage")
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Problem")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText("Sa&ve" if row else "Add &participant")

        detail_buttons = QWidget()
        detail_row = QHBoxLayout(detail_buttons)
        detail_row.setContentsMargins(0, 0, 0, 0)
        detail_row.addWidget(self.add_detail)
        detail_row.addWidget(self.remove_detail)
        detail_row.addStretch(1)

        self.form = QFormLayout()
        if row is None:
            self.form.addRow(_label("&Kind:", self.kind), self.kind)
        else:
            fixed = QLabel(f"{KIND_LABEL[row.kind]} ({row.ref})")
            fixed.setAccessibleName("Kind")
            self.form.addRow("Kind:", fixed)
            self.kind.setCurrentIndex(self.kind.findData(row.kind))
            self.kind.hide()  # fixed once added: a child does not become a parent
        self.form.addRow(_label("&Name:", self.name), self.name)
        self.form.addRow(_label("C&ontact:", self.contact), self.contact)
        self.form.addRow(_label("&Sector:", self.sector), self.sector)
        self.form.addRow(_label("&Role:", self.role), self.role)
        self.form.addRow(_label("Re&lationship:", self.relationship), self.relationship)
        self.form.addRow(_label("&Age:", self.age), self.age)
        self.form.addRow(_label("&Gender:", self.gender), self.gender)
        self.form.addRow(_label("&Year group:", self.year_group), self.year_group)
        self.form.addRow(_label("G&uardians:", self.guardians), self.guardians)
        self.form.addRow(_label("&Details:", self.details_table), self.details_table)
        self.form.addRow("", detail_buttons)
        self._per_kind: dict[ParticipantKind, list[QWidget]] = {
            ParticipantKind.PRACTITIONER: [self.sector, self.role],
            ParticipantKind.PARENT: [self.relationship],
            ParticipantKind.CHILD: [self.age, self.gender, self.year_group, self.guardians],
            ParticipantKind.OTHER: [self.details_table, detail_buttons],
        }
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)

        self._fill_guardians(candidates, row)
        if row is not None:
            self._fill(row)
        self._show_kind()

        self.kind.currentIndexChanged.connect(self._show_kind)
        for line in (self.name, self.contact, self.role):
            line.textChanged.connect(self._check)
        for combo in (self.sector, self.relationship, self.gender):
            combo.currentIndexChanged.connect(self._check)
        for spin in (self.age, self.year_group):
            spin.valueChanged.connect(self._check)
        self.guardians.itemChanged.connect(self._check)
        self.details_table.itemChanged.connect(self._check)
        self.add_detail.clicked.connect(lambda _checked=False: self._add_detail_row())
        self.remove_detail.clicked.connect(self._remove_detail_row)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.name.setFocus()
        self._check()

    # -- filling -------------------------------------------------------------------------------

    def _fill_guardians(
        self, candidates: Sequence[ParticipantRow], row: ParticipantRow | None
    ) -> None:
        chosen = row.guardians if row else ()
        adults = [
            c for c in candidates if c.kind in (ParticipantKind.PARENT, ParticipantKind.OTHER)
        ]
        for person in adults:
            item = QListWidgetItem(f"{person.ref}  {person.name} ({KIND_LABEL[person.kind]})")
            item.setData(Qt.ItemDataRole.UserRole, person.ref)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(
                Qt.CheckState.Checked if person.ref in chosen else Qt.CheckState.Unchecked
            )
            self.guardians.addItem(item)
        if not adults:
            item = QListWidgetItem("No parents or carers yet: add them first, then tick them here.")
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.guardians.addItem(item)

    def _fill(self, row: ParticipantRow) -> None:
        attrs = row.attributes
        self.name.setText(row.name)
        self.contact.setText(row.contact or "")
        if row.kind == ParticipantKind.PRACTITIONER:
            _set_choice(self.sector, attrs.get("sector"))
            self.role.setText(str(attrs.get("role", "")))
        elif row.kind == ParticipantKind.PARENT:
            _set_choice(self.relationship, attrs.get("relationship"))
        elif row.kind == ParticipantKind.CHILD:
            _set_choice(self.gender, attrs.get("gender"))
            for key, spin in (("age", self.age), ("year_group", self.year_group)):
                value = attrs.get(key)
                if isinstance(value, int) and not isinstance(value, bool):
                    spin.setMaximum(max(spin.maximum(), value))  # an old value outside the range
                    if value > spin.minimum():
                        spin.setValue(value)
        else:
            for key, value in attrs.items():
                self._add_detail_row(key, _plain(value))

    def _add_detail_row(self, key: str = "", value: str = "") -> None:
        table = self.details_table
        at = table.rowCount()
        table.insertRow(at)
        table.setItem(at, 0, QTableWidgetItem(key))
        table.setItem(at, 1, QTableWidgetItem(value))
        if not key:
            table.setCurrentCell(at, 0)
            table.setFocus()
        self._check()

    def _remove_detail_row(self) -> None:
        at = self.details_table.currentRow()
        if at >= 0:
            self.details_table.removeRow(at)
            self._check()

    # -- reading -------------------------------------------------------------------------------

    def current_kind(self) -> ParticipantKind:
        return ParticipantKind(self.kind.currentData())

    def _show_kind(self) -> None:
        kind = self.current_kind()
        for shown, widgets in self._per_kind.items():
            for widget in widgets:
                self.form.setRowVisible(widget, shown == kind)
        self.adjustSize()
        self._check()

    def _attributes(self, kind: ParticipantKind) -> dict[str, AttributeValue]:
        attrs: dict[str, AttributeValue] = {}
        if self._row is not None and kind != ParticipantKind.OTHER:
            # Keep what these widgets do not edit (imported keys, values they cannot show).
            attrs = {k: v for k, v in self._originals.items() if k not in _KNOWN[kind]}
            if kind == ParticipantKind.CHILD:
                for key in ("age", "year_group"):  # text or a fraction: no spin box shows it
                    old = self._originals.get(key)
                    if old is not None and (isinstance(old, bool) or not isinstance(old, int)):
                        attrs[key] = old
        widgets: dict[str, object] = {}
        if kind == ParticipantKind.PRACTITIONER:
            widgets = {"sector": self.sector.currentData(), "role": self.role.text()}
        elif kind == ParticipantKind.PARENT:
            widgets = {"relationship": self.relationship.currentData()}
        elif kind == ParticipantKind.CHILD:
            widgets = {
                "age": self.age.value() if self.age.value() > self.age.minimum() else None,
                "gender": self.gender.currentData(),
                "year_group": (
                    self.year_group.value()
                    if self.year_group.value() > self.year_group.minimum()
                    else None
                ),
            }
        else:
            table = self.details_table
            for at in range(table.rowCount()):
                key_item, value_item = table.item(at, 0), table.item(at, 1)
                key = key_item.text() if key_item else ""
                value = value_item.text() if value_item else ""
                if not key.strip() and not value.strip():
                    continue
                while key in attrs:  # the same name twice: keep both, so the check names it
                    key += " "
                attrs[key] = _typed(value, self._originals.get(key.strip()))
        for name, chosen in widgets.items():
            if isinstance(chosen, bool | int | float | str):
                attrs[name] = chosen
        return attrs

    def guardian_refs(self) -> tuple[str, ...]:
        refs = []
        for at in range(self.guardians.count()):
            item = self.guardians.item(at)
            if item.checkState() == Qt.CheckState.Checked:
                refs.append(str(item.data(Qt.ItemDataRole.UserRole)))
        return tuple(refs)

    def raw_details(self) -> ParticipantDetails:
        kind = self.current_kind()
        return ParticipantDetails(
            kind,
            self.name.text(),
            self.contact.text(),
            self._attributes(kind),
            self.guardian_refs() if kind == ParticipantKind.CHILD else (),
        )

    def details(self) -> ParticipantDetails:
        """The values typed, cleaned; call after the dialog was accepted."""
        # Editing, an old value the researcher left alone passes, as it does in the service.
        held = self._originals if self._row is not None else None
        return check_details(self.raw_details(), unchanged_from=held)

    def _check(self) -> None:
        try:
            details = self.details()
        except InvalidParticipant as problem:
            self.message.setText(str(problem))
            self.message.setStyleSheet(f"color: {PROBLEM_COLOUR};")
            self.ok.setEnabled(False)
            return
        hint = ""
        if details.kind == ParticipantKind.CHILD and not details.guardians:
            hint = "No guardian ticked yet: a parent or carer's consent will need one."
        self.message.setText(hint)
        self.message.setStyleSheet("")
        self.ok.setEnabled(True)

    def accept(self) -> None:
        if self.ok.isEnabled():
            super().accept()
