"""The participant register: who takes part, what they are, and where their consent stands.

The page shows rows from services.participants.list_participants and reloads them when an
operation changes participants, identifiers, consents, guardianships or sessions; typing
and coding, which change none of these, never reload it. Add and edit go on the undo
stack; withdrawal does not (the dialog says so). Keys: the table takes them when the page
comes up; Ctrl+N adds wherever the focus is on the page; the chosen row is always selected.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QPoint, Qt, Signal
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QTabBar,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from plrdesk.services.changes import Changes, Table
from plrdesk.services.participants import ParticipantRow, list_participants
from plrdesk.services.withdrawal import WithdrawalRequest, withdraw_in_file
from plrdesk.ui.context import StudyContext
from plrdesk.ui.operations import on_file, read
from plrdesk.ui.register.commands import AddParticipantCommand, EditParticipantCommand
from plrdesk.ui.register.model import (
    CONSENT,
    DETAILS,
    GUARDIANS,
    KIND,
    NAME,
    REF,
    ParticipantFilterProxy,
    ParticipantTableModel,
    RowRole,
)
from plrdesk.ui.register.participant_dialog import ParticipantDialog
from plrdesk.ui.register.withdraw_dialog import WithdrawDialog

WATCHED = (Table.PARTICIPANT, Table.GUARDIANSHIP, Table.CONSENT, Table.IDENTIFIER, Table.SESSION)
"""The tables whose changes can alter what the register shows."""


class RegisterPage(QWidget):
    sig_rows_loaded = Signal()
    """The table now shows freshly loaded rows (no arguments)."""

    def __init__(self, ctx: StudyContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._pending_ref: str | None = None
        self._loads = 0  # loads submitted and not yet shown
        self.dialog: ParticipantDialog | WithdrawDialog | None = None

        self.model = ParticipantTableModel(self)
        self.proxy = ParticipantFilterProxy(self)
        self.proxy.setSourceModel(self.model)

        self.table = QTableView()
        self.table.setObjectName("registerTable")
        self.table.setAccessibleName("Participants")
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        header = self.table.horizontalHeader()
        header.setSortIndicatorClearable(True)  # a third click goes back to the order added
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        header.setHighlightSections(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        for column in (REF, KIND, GUARDIANS, CONSENT):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(NAME, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(DETAILS, QHeaderView.ResizeMode.Stretch)
        header.resizeSection(NAME, 180)
        self.table.setSortingEnabled(True)
        self.table.activated.connect(self._activated)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)

        self.filter = QLineEdit()
        self.filter.setObjectName("registerFilter")
        self.filter.setAccessibleName("Filter participants")
        self.filter.setPlaceholderText("name, ref, kind, detail or consent status")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self._filter_changed)
        self.filter.returnPressed.connect(self._focus_table)
        filter_label = QLabel("Fi&lter:")
        filter_label.setBuddy(self.filter)

        # Letters apart from the main window's tabs and menus (Alt+A is the Analysis tab,
        # Alt+I the Sessions tab): the page's buttons share the window with them.
        self.add_action = self._action("A&dd…", self.add, "Ctrl+N")
        self.edit_action = self._action("Edi&t…", self.edit)
        self.consent_action = self._action("Record &consent…", self.record_consent)
        self.withdraw_action = self._action("&Withdraw…", self.withdraw)
        self.add_button = self._button(self.add_action, "Add a participant (Ctrl+N)")
        self.edit_button = self._button(self.edit_action, "Change the selected participant (Enter)")
        self.consent_button = self._button(
            self.consent_action, "Record a consent or assent for the selected participant"
        )
        self.withdraw_button = self._button(
            self.withdraw_action, "Leave the selected participant out of everything from now on"
        )

        self.count = QLabel()
        self.count.setObjectName("registerCount")
        self.count.setAccessibleName("Participant count")

        bar = QHBoxLayout()
        for button in (self.add_button, self.edit_button, self.consent_button):
            bar.addWidget(button)
        bar.addSpacing(12)
        bar.addWidget(self.withdraw_button)
        bar.addStretch(1)
        bar.addWidget(filter_label)
        bar.addWidget(self.filter, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count)
        self.setFocusProxy(self.table)

        self.table.selectionModel().currentRowChanged.connect(self._current_row_changed)
        self.table.selectionModel().selectionChanged.connect(self._update_actions)
        self.proxy.modelReset.connect(self._update_actions)
        ctx.runner.sig_changes.connect(self._changed)
        self._update_actions()
        self.refresh()

    # -- building ------------------------------------------------------------------------------

    def _action(
        self, text: str, slot: Callable[[], object], shortcut: str | None = None
    ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
            # While the page is on screen, wherever the focus is: Qt matches a window
            # shortcut only while its widget is visible, so another tab never gets it, and
            # with the focus still on the tab bar after Ctrl+2 it must work (issue 11).
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            self.addAction(action)
        action.triggered.connect(lambda _checked=False: slot())
        return action

    def _button(self, action: QAction, tip: str) -> QPushButton:
        button = QPushButton(action.text())
        button.setToolTip(tip)
        button.setAccessibleName(action.text().replace("&", "").rstrip("…"))
        button.setAccessibleDescription(tip)
        button.clicked.connect(lambda _checked=False: action.trigger())
        action.enabledChanged.connect(button.setEnabled)
        return button

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not event.spontaneous():  # made the current tab, not the window restored
            self._take_the_keyboard()

    def _take_the_keyboard(self) -> None:
        """The table gets the keys when the page comes up (Ctrl+2, Alt+P), so the arrows
        move through the participants at once. Not while the researcher walks the tab bar
        with the arrow keys (the focus there, no modifier held): the next arrow must go on
        to the next tab."""
        focus = self.window().focusWidget()
        if focus is not None and self.isAncestorOf(focus):
            return
        walking_tabs = (
            isinstance(focus, QTabBar)
            and QGuiApplication.keyboardModifiers() == Qt.KeyboardModifier.NoModifier
        )
        if not walking_tabs:
            self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- rows ----------------------------------------------------------------------------------

    def refresh(self) -> None:
        self._loads += 1
        self._ctx.runner.run(
            read(list_participants, self._ctx.forms),
            self._loaded,
            self._load_failed,
            initiator=self,
        )

    def _changed(self, changes: Changes, initiator: object) -> None:
        # Even our own adds and edits: the rows show what the file now holds (the consent
        # status, the guardians' refs), which only a reload knows.
        if changes.touches(*WATCHED):
            self.refresh()

    def _load_failed(self, exc: Exception) -> None:
        self._loads -= 1
        self._ctx.status(f"Could not load the participants: {exc}")

    def _loaded(self, rows: list[ParticipantRow]) -> None:
        self._loads -= 1
        asked, self._pending_ref = self._pending_ref, None
        keep = asked or self.current_ref()
        had_focus = self.table.hasFocus()
        self.model.set_rows(rows)
        if keep is not None and self.model.row_of(keep) >= 0:
            # What select() asked for is shown even if the filter hid it; a row that was
            # merely selected before the reload keeps the user's filter as it is.
            self._select_row(keep, focus=had_focus or asked is not None, reveal=asked is not None)
        elif asked is not None and self._loads == 0:
            self._ctx.status(f"There is no participant {asked}.")
        self._update_count()
        self._update_actions()
        self.sig_rows_loaded.emit()

    def _update_count(self) -> None:
        total = self.model.rowCount()
        withdrawn = sum(1 for row in self.model.rows() if row.withdrawn)
        if total == 0:
            text = "No participants yet. Press Ctrl+N to add the first."
        else:
            text = f"{total} participant{'' if total == 1 else 's'}"
            if withdrawn:
                text += f" ({withdrawn} withdrawn)"
            shown = self.proxy.rowCount()
            if shown != total:
                text = f"Showing {shown} of {text}"
        self.count.setText(text)

    def _filter_changed(self, text: str) -> None:
        self.proxy.set_filter_text(text)
        self._update_count()
        self._update_actions()

    def _focus_table(self) -> None:
        if self.proxy.rowCount() == 0:
            return
        if not self.table.selectionModel().hasSelection():
            self.table.selectRow(0)
        self.table.setFocus()

    # -- selection -----------------------------------------------------------------------------

    def current_row(self) -> ParticipantRow | None:
        selected = self.table.selectionModel().selectedRows()
        if not selected:
            return None
        row = selected[0].data(RowRole)
        return row if isinstance(row, ParticipantRow) else None

    def current_ref(self) -> str | None:
        row = self.current_row()
        return row.ref if row else None

    def select(self, ref: str) -> None:
        """Select the participant with this ref, scroll to them and give the table focus.
        Before the rows have loaded (or just after an add), the selection waits for them."""
        if self.model.row_of(ref) < 0:
            self._pending_ref = ref
            if self._loads == 0:  # nothing on its way that could hold them: look again
                self.refresh()
            return
        self._select_row(ref, focus=True, reveal=True)

    def _select_row(self, ref: str, *, focus: bool, reveal: bool) -> None:
        source = self.model.index(self.model.row_of(ref), REF)
        index = self.proxy.mapFromSource(source)
        if not index.isValid():  # hidden by the filter
            if not reveal:
                return
            self.filter.clear()
            index = self.proxy.mapFromSource(source)
        self.table.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.table.scrollTo(index)
        if focus:
            self.table.setFocus()

    def _current_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        """A row made current without being selected (the table taking the focus makes its
        first row current and selects nothing) is selected too: a row that looks chosen is
        the one the buttons act on (issue 11: after reopening a study a row looked selected
        while its buttons stayed greyed out)."""
        selection = self.table.selectionModel()
        if current.isValid() and not selection.isRowSelected(current.row(), current.parent()):
            selection.select(
                current,
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )
        self._update_actions()

    def _update_actions(self) -> None:
        row = self.current_row()
        self.edit_action.setEnabled(row is not None)
        self.consent_action.setEnabled(row is not None and row.withdrawn_on is None)
        self.withdraw_action.setEnabled(row is not None and row.withdrawn_on is None)

    def _activated(self, index: QModelIndex) -> None:
        self.edit()

    def _context_menu(self, point: QPoint) -> None:
        if not self.table.indexAt(point).isValid():
            return
        menu = QMenu(self)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        for action in (self.edit_action, self.consent_action, self.withdraw_action):
            menu.addAction(action)
        menu.popup(self.table.viewport().mapToGlobal(point))

    # -- commands ------------------------------------------------------------------------------

    def add(self) -> None:
        dialog = ParticipantDialog(self.model.rows(), None, self)
        dialog.accepted.connect(lambda: self._push_add(dialog))
        self._show_dialog(dialog)

    def _show_dialog(self, dialog: ParticipantDialog | WithdrawDialog) -> None:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(self._dialog_closed)
        self.dialog = dialog
        dialog.open()

    def _dialog_closed(self) -> None:
        self.dialog = None

    def _push_add(self, dialog: ParticipantDialog) -> None:
        self._ctx.undo.push(
            AddParticipantCommand(self._ctx, dialog.details(), self.select, initiator=self)
        )

    def edit(self) -> None:
        row = self.current_row()
        if row is None:
            return
        dialog = ParticipantDialog(self.model.rows(), row, self)
        dialog.accepted.connect(lambda: self._push_edit(row, dialog))
        self._show_dialog(dialog)

    def _push_edit(self, row: ParticipantRow, dialog: ParticipantDialog) -> None:
        before, after = row.details(), dialog.details()
        if after == before:
            self._ctx.status(f"Nothing changed for {row.ref}.")
            return
        self._ctx.undo.push(
            EditParticipantCommand(self._ctx, row.ref, before, after, self.select, initiator=self)
        )

    def record_consent(self) -> None:
        ref = self.current_ref()
        if ref is not None:
            self._ctx.navigator.sig_record_consent.emit(ref)

    def withdraw(self) -> None:
        row = self.current_row()
        if row is None or row.withdrawn_on is not None:
            return
        dialog = WithdrawDialog(row, self)
        dialog.accepted.connect(lambda: self._run_withdrawal(dialog.request()))
        self._show_dialog(dialog)

    def _run_withdrawal(self, request: WithdrawalRequest) -> None:
        self._ctx.status(f"Withdrawing {request.ref}…")

        def done(changes: Changes) -> None:
            if request.erase:
                entries = len(changes.removed_ids(Table.ENTRY))
                consents = len(changes.removed_ids(Table.CONSENT))
                self._ctx.status(
                    f"Withdrew {request.ref} and erased {entries} note(s) and {consents}"
                    " consent(s). Older backups still hold them."
                )
            else:
                self._ctx.status(
                    f"Withdrew {request.ref}: they are now left out of every count, quote"
                    " and export."
                )

        def failed(exc: Exception) -> None:
            self._ctx.status(f"Could not withdraw {request.ref}: {exc}")

        self._ctx.runner.run(on_file(withdraw_in_file, request), done, failed, initiator=self)
