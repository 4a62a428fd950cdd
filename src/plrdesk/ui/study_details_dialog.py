"""Study > Study details…: the study's own details in one form, saved as one undo step.

Every detail a printed form or the overview shows: the title, the researcher, their
organisation, how to reach them (phone, e-mail, and a free line for anything else), the
aims (one a line), the endorsement (who, their role, when, notes) and an ethics
reference. The dialog checks what is typed with the same rules the service applies
(`domain.study_details.problems`), so a problem is named under the form, one line a
field, before anything is saved; the service checks again.

Saving pushes one `StudyDetailsCommand` onto the main window's undo stack, so Ctrl+Z there
takes the whole edit back (all the fields as they were), whichever fields changed.

The same dialog is the new-study flow's last step (`first_time=True`), after the title and
the passphrase: its "Later" button closes it and leaves the details blank; the overview's
to-do list then asks for them.

The endorsement date is a `DateOrNotYet`: "Not yet" until a date is typed (dd/mm/yyyy, with
or without the slashes) or Up/Down is pressed (today); Delete makes it "Not yet" again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QApplication,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from plrdesk.domain.study_details import StudyDetails, problems
from plrdesk.services.study_details import (
    restore_study_details,
    set_study_details,
    study_details,
)
from plrdesk.ui.context import StudyContext
from plrdesk.ui.operations import Operation, read, write
from plrdesk.ui.undo import Command

PROBLEM_COLOUR = "#b3261e"  # dark red: 6:1 on white (as the participant dialog's)
NOT_YET = QDate(1900, 1, 1)  # the date edit's "Not yet"; no study is endorsed on it
_SEPARATORS = {"/", ".", "-"}


class DateOrNotYet(QDateEdit):
    """A date, or "Not yet". Typing a digit over "Not yet" starts from today's date with
    the day selected, so "10112008" and "10/11/2008" both give 10 November 2008."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setDisplayFormat("dd/MM/yyyy")
        self.setMinimumDate(NOT_YET)
        self.setSpecialValueText("Not yet")
        self.setDate(NOT_YET)
        self.setToolTip("Type the date as dd/mm/yyyy; Delete: not yet endorsed")
        self._just_advanced = False

    def value(self) -> dt.date | None:
        date = self.date()
        if date == NOT_YET:
            return None
        return dt.date(date.year(), date.month(), date.day())

    def set_value(self, day: dt.date | None) -> None:
        self.setDate(NOT_YET if day is None else QDate(day.year, day.month, day.day))

    def _start_from_today(self) -> None:
        self.setDate(QDate.currentDate())
        self.setCurrentSection(QDateEdit.Section.DaySection)
        self.setSelectedSection(QDateEdit.Section.DaySection)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        text = event.text()
        if event.key() == Qt.Key.Key_Delete:
            self.setDate(NOT_YET)
            return
        if self.value() is None and text.isdigit():
            self._start_from_today()
        # A two-digit day or month moves on by itself: the slash typed after it must not
        # skip the next part too (Qt's own behaviour would put "11" in the year).
        if text in _SEPARATORS and self._just_advanced:
            self._just_advanced = False
            return
        before = self.currentSectionIndex()
        super().keyPressEvent(event)
        self._just_advanced = text.isdigit() and self.currentSectionIndex() != before

    def stepBy(self, steps: int) -> None:
        if self.value() is None:
            self._start_from_today()
            return
        super().stepBy(steps)


def _label(text: str, buddy: QWidget) -> QLabel:
    label = QLabel(text)
    label.setBuddy(buddy)
    buddy.setAccessibleName(text.replace("&", "").rstrip(":"))
    return label


def _multi_line(height: int) -> QPlainTextEdit:
    edit = QPlainTextEdit()
    edit.setTabChangesFocus(True)  # Tab goes on to the next field, as in the rest of the form
    edit.setFixedHeight(height)
    return edit


def _text(value: str | None) -> str:
    return value or ""


class StudyDetailsDialog(QDialog):
    """Edit `details`. `first_time`: the new-study step, with "Later" instead of Cancel."""

    def __init__(
        self, details: StudyDetails, *, first_time: bool = False, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.before = details
        self.setWindowTitle("The study's details" if first_time else "Study details")
        self.setMinimumWidth(560)
        self.title = QLineEdit(details.title)
        self.researcher = QLineEdit(_text(details.researcher))
        self.researcher.setPlaceholderText("your name, as participants will read it")
        self.organisation = QLineEdit(_text(details.organisation))
        self.phone = QLineEdit(_text(details.phone))
        self.phone.setPlaceholderText("for example 020 7946 0000")
        self.email = QLineEdit(_text(details.email))
        self.email.setPlaceholderText("for example name@example.org")
        self.other_contact = QLineEdit(_text(details.other_contact))
        self.other_contact.setPlaceholderText("anything else, e.g. via the school office")
        self.aims = _multi_line(96)
        self.aims.setPlainText("\n".join(details.aims))
        self.aims.setPlaceholderText("one aim a line")
        self.endorsed_by = QLineEdit(_text(details.endorsed_by))
        self.endorsed_by.setPlaceholderText("who gave permission for the study")
        self.endorser_role = QLineEdit(_text(details.endorser_role))
        self.endorser_role.setPlaceholderText("for example lead commissioner, head teacher")
        self.endorsed_on = DateOrNotYet()
        self.endorsed_on.set_value(details.endorsed_on)
        self.endorsement_notes = _multi_line(56)
        self.endorsement_notes.setPlainText(_text(details.endorsement_notes))
        self.ethics_reference = QLineEdit(_text(details.ethics_reference))

        self.fields: dict[str, QWidget] = {
            "title": self.title,
            "researcher": self.researcher,
            "organisation": self.organisation,
            "phone": self.phone,
            "email": self.email,
            "other_contact": self.other_contact,
            "aims": self.aims,
            "endorsed_by": self.endorsed_by,
            "endorser_role": self.endorser_role,
            "endorsed_on": self.endorsed_on,
            "endorsement_notes": self.endorsement_notes,
            "ethics_reference": self.ethics_reference,
        }
        labels = {
            "title": "&Title:",
            "researcher": "&Researcher:",
            "organisation": "&Organisation:",
            "phone": "&Phone:",
            "email": "&E-mail:",
            "other_contact": "Ot&her contact:",
            "aims": "&Aims:",
            "endorsed_by": "Endorsed &by:",
            "endorser_role": "E&ndorser's role:",
            "endorsed_on": "Endorsement &date:",
            "endorsement_notes": "Endorse&ment notes:",
            "ethics_reference": "Ethics re&ference:",
        }
        form = QFormLayout()
        for name, widget in self.fields.items():
            form.addRow(_label(labels[name], widget), widget)

        intro = QLabel(
            "Printed forms show these details: who runs the study and how to reach them."
            + (" You can fill them in later from Study > Study details…" if first_time else "")
        )
        intro.setWordWrap(True)
        self.message = QLabel()
        self.message.setObjectName("studyDetailsMessage")
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Problems")
        self.message.setStyleSheet(f"color: {PROBLEM_COLOUR};")
        self.message.hide()

        self.buttons = QDialogButtonBox()
        self.save = self.buttons.addButton("&Save", QDialogButtonBox.ButtonRole.AcceptRole)
        self.save.setDefault(True)
        if first_time:
            self.later = self.buttons.addButton("&Later", QDialogButtonBox.ButtonRole.RejectRole)
            self.later.setAccessibleName("Fill in the details later")
        else:
            self.later = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        (self.researcher if first_time else self.title).setFocus()

    def details(self) -> StudyDetails:
        """What the form holds now, cleaned as the service will clean it."""
        return StudyDetails(
            title=self.title.text(),
            researcher=self.researcher.text(),
            organisation=self.organisation.text(),
            phone=self.phone.text(),
            email=self.email.text(),
            other_contact=self.other_contact.text(),
            aims=tuple(self.aims.toPlainText().splitlines()),
            endorsed_by=self.endorsed_by.text(),
            endorser_role=self.endorser_role.text(),
            endorsed_on=self.endorsed_on.value(),
            endorsement_notes=self.endorsement_notes.toPlainText(),
            ethics_reference=self.ethics_reference.text(),
        ).cleaned()

    def problems(self) -> dict[str, str]:
        return problems(self.details(), dt.date.today())

    def accept(self) -> None:
        """Close only when every field can be saved; otherwise name each problem and put
        the keyboard in the first field that has one."""
        found = self.problems()
        if not found:
            super().accept()
            return
        self.message.setText("\n".join(found.values()))
        self.message.show()
        first = next(name for name in self.fields if name in found)
        self.fields[first].setFocus(Qt.FocusReason.OtherFocusReason)


class StudyDetailsCommand(Command):
    """Redo saves the new details; undo puts back every detail as it was."""

    def __init__(
        self,
        ctx: StudyContext,
        before: StudyDetails,
        after: StudyDetails,
        *,
        initiator: object | None = None,
    ) -> None:
        super().__init__(ctx, "edit the study's details", initiator=initiator)
        self._before = before
        self._after = after

    def operation(self, forward: bool, first: bool) -> Operation[Any]:
        if forward:
            return write(set_study_details, self._after)
        return write(restore_study_details, self._before)

    def saved(self, forward: bool, result: Any) -> None:
        self.ctx.status(
            "Saved the study's details." if forward else "Put back the study's details."
        )


def _focus_in(window: QWidget) -> list[QWidget]:
    """The widget of `window` with the keyboard, in a list emptied when Qt deletes it (a
    wrapper of a widget Qt deleted cannot be told from a live one)."""
    widget = QApplication.focusWidget()
    if widget is None or widget.window() is not window:
        return []
    held = [widget]
    widget.destroyed.connect(held.clear)
    return held


def give_back_the_keyboard(parent: QWidget, typing_in: QWidget | None) -> None:
    """Back to where the keyboard was before the dialog; after the new-study step, when
    it was nowhere yet (the dialog came up with the window), to the window's first field:
    keys typed into no widget at all would be lost."""
    # As ui.leaving.give_the_keyboard, which cannot be imported here: it knows the sessions
    # page, which opens the consent recorder, whose printing opens this dialog.
    window = parent.window()
    if not window.isVisible():  # nothing to type into (and raising it would show it)
        return
    window.raise_()
    window.activateWindow()
    if typing_in is not None:
        typing_in.setFocus()
    elif window.focusWidget() is None:
        window.focusNextChild()


def edit_study_details(
    parent: QWidget,
    ctx: StudyContext,
    *,
    first_time: bool = False,
    on_closed: Callable[[bool], None] | None = None,
) -> None:
    """Read the details, then open the dialog over `parent` (window-modal, not blocking);
    a save that changed something is one undo step. `on_closed(saved)` runs when it
    closes, after the save (if any) was queued: an operation queued then sees it."""

    def show(details: StudyDetails) -> None:
        typing_in = _focus_in(parent.window())
        dialog = StudyDetailsDialog(details, first_time=first_time, parent=parent)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def closed(result: int) -> None:
            saved = result == QDialog.DialogCode.Accepted
            after = dialog.details()
            if saved and after != dialog.before:
                ctx.undo.push(StudyDetailsCommand(ctx, dialog.before, after))
            # The dialog's parent, not `parent`: this closure lives as long as the dialog,
            # and holding a Python-owned parent here would delete it from inside the
            # dialog's own deletion (a crash, as tests with a bare QWidget parent showed).
            window = dialog.parentWidget()
            if window is not None:
                give_back_the_keyboard(window, typing_in[0] if typing_in else None)
            if on_closed is not None:
                on_closed(saved)

        dialog.finished.connect(closed)
        dialog.open()
        dialog.activateWindow()

    ctx.runner.run(read(study_details), show, initiator=parent)
