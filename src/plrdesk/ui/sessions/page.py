"""Sessions: the list of the study's sessions beside the capture area of the open one.

Opening a session loads it once into a `SessionDocument` that stays while the study is
open, so undo can reach edits made in a session shown earlier (undoing one brings its
session back on screen). Views refresh from the document, never from the database; a
change from elsewhere (an erasure, a consent recorded) reloads or updates what it names.

Keys: Enter on a session goes into it; F6 / Shift+F6 go between the list and the open
session, since Tab stays inside a session (see its view).
"""

from __future__ import annotations

import uuid
from functools import partial
from typing import Any

import shiboken6
from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from plrdesk.domain.ids import EntryId
from plrdesk.forms.schema import FormDefinition
from plrdesk.services.changes import Changes, Table
from plrdesk.services.entries import session_ref_of_entry
from plrdesk.services.merge_file import MergedChanges
from plrdesk.services.sessions import (
    NotesGate,
    SessionDetail,
    list_sessions,
    notes_gate,
    session_on_screen,
)
from plrdesk.ui.context import StudyContext
from plrdesk.ui.operations import read
from plrdesk.ui.search_highlight import highlight_found
from plrdesk.ui.sessions.document import SessionDocument
from plrdesk.ui.sessions.focus_group_view import FocusGroupView
from plrdesk.ui.sessions.interview_view import InterviewView
from plrdesk.ui.sessions.new_session_dialog import NewSessionDialog
from plrdesk.ui.sessions.phone_view import PhoneView
from plrdesk.ui.sessions.session_list import SessionListModel, SessionRole

CaptureView = InterviewView | PhoneView | FocusGroupView


class SessionsPage(QWidget):
    def __init__(self, ctx: StudyContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.docs: dict[uuid.UUID, SessionDocument] = {}
        self.views: dict[uuid.UUID, CaptureView] = {}
        self.current: CaptureView | None = None
        self.new_session_dialog: NewSessionDialog | None = None
        self._loading: str | None = None
        self._focus_after_load: uuid.UUID | None = None

        self.model = SessionListModel()
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Sessions")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(SessionListModel.KIND, QHeaderView.ResizeMode.Stretch)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.setMinimumWidth(280)
        self.table.selectionModel().currentRowChanged.connect(self._row_chosen)
        self.table.activated.connect(self._focus_capture)

        self.new_action = QAction("&New session…", self)
        self.new_action.setShortcut(QKeySequence("Ctrl+Shift+N"))
        self.new_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.new_action.triggered.connect(lambda _checked=False: self.new_session())
        self.addAction(self.new_action)
        # Tab stays inside a session (issue 10), so F6 is the way between the list and it.
        self.pane_action = QAction("Sessions list or open session", self)
        self.pane_action.setShortcuts([QKeySequence("F6"), QKeySequence("Shift+F6")])
        self.pane_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.pane_action.triggered.connect(lambda _checked=False: self.switch_pane())
        self.addAction(self.pane_action)
        self.new_button = QPushButton("&New session…")
        self.new_button.setToolTip("Ctrl+Shift+N")
        self.new_button.setAccessibleName("New session")
        self.new_button.clicked.connect(lambda: self.new_session())

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.new_button)
        left_layout.addWidget(self.table, 1)

        self.empty = QLabel(
            "Choose a session on the left, or make a new one (Ctrl+Shift+N).\n"
            "Everything you type is saved as you type."
        )
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.stack = QStackedWidget()
        self.stack.setAccessibleName("Session capture")
        self.stack.addWidget(self.empty)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(self.stack)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([300, 980])
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(splitter)

        ctx.runner.sig_changes.connect(self._changed)
        self.refresh_list()

    # -- the list -------------------------------------------------------------------------------

    def refresh_list(self) -> None:
        self._ctx.runner.run(read(list_sessions), self._got_list)

    def _got_list(self, sessions: list[Any]) -> None:
        # The session being opened wins over the one on screen: a new session's list comes
        # back before the session itself, while the one before it is still shown.
        current = self._loading or (self.current.doc.ref if self.current is not None else None)
        self.model.set_sessions(sessions)
        if current is not None:
            self._select_row(current)

    def _select_row(self, ref: str) -> None:
        row = self.model.row_of(ref)
        if row < 0:
            return
        selection = self.table.selectionModel()
        selection.blockSignals(True)
        try:
            selection.setCurrentIndex(
                self.model.index(row, 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )
        finally:
            selection.blockSignals(False)
        self.table.scrollTo(self.model.index(row, 0))

    def _row_chosen(self, current: QModelIndex, _previous: QModelIndex) -> None:
        summary = current.data(SessionRole)
        if summary is not None:
            self.show_session(summary.ref, focus=False)

    def switch_pane(self) -> None:
        """F6: from the open session to the list of sessions, from the list to the session."""
        if self.current is not None and self.table.hasFocus():
            self.current.focus_start()
        else:
            self.table.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _focus_capture(self, _index: QModelIndex) -> None:
        if self.current is not None:
            self.current.focus_start()

    # -- opening a session ------------------------------------------------------------------

    def new_session(self) -> NewSessionDialog:
        dialog = NewSessionDialog(self._ctx, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.sig_created.connect(self._created)
        self.new_session_dialog = dialog
        dialog.open()
        return dialog

    def _created(self, ref: str) -> None:
        self._loading = ref
        self.refresh_list()
        self.show_session(ref)

    def show_session(self, ref: str, *, focus: bool = True) -> None:
        """Open the session with this ref."""
        self._select_row(ref)
        for session_id, doc in self.docs.items():
            if doc.ref == ref:
                self._show(session_id, focus=focus)
                return
        self._loading = ref
        self._ctx.runner.run(
            read(session_on_screen, ref, self._ctx.forms),
            lambda loaded: self._loaded(*loaded, focus=focus),
        )

    def show_entry(self, entry_id: uuid.UUID) -> None:
        """Open the session holding this entry and put the cursor on it."""
        for session_id, doc in self.docs.items():
            if doc.entry(entry_id) is not None:
                self._select_row(doc.ref)
                self._show(session_id, focus=False)
                self._focus_entry(entry_id)
                return
        self._focus_after_load = entry_id
        self._ctx.runner.run(
            read(session_ref_of_entry, EntryId(entry_id)),
            lambda ref: self.show_session(ref, focus=False),
            lambda exc: self._ctx.status(f"That note is no longer in the study ({exc})"),
        )

    def _loaded(self, detail: SessionDetail, guide: FormDefinition | None, *, focus: bool) -> None:
        if detail.id not in self.docs:
            doc = SessionDocument(self._ctx, detail, guide, self)
            doc.sig_reveal_requested.connect(lambda entry_id, d=doc: self._reveal(d, entry_id))
            self.docs[detail.id] = doc
        if self._loading == detail.ref:
            self._loading = None
            self._show(detail.id, focus=focus)
            if self._focus_after_load is not None:
                entry_id, self._focus_after_load = self._focus_after_load, None
                self._focus_entry(entry_id)

    def _show(self, session_id: uuid.UUID, *, focus: bool) -> None:
        view = self.views.get(session_id)
        if view is None:
            view = self._make_view(self.docs[session_id])
            self.views[session_id] = view
            self.stack.addWidget(view)
        self.stack.setCurrentWidget(view)
        self.current = view
        self._select_row(view.doc.ref)  # shown from a list that did not have it yet
        if focus:
            view.focus_start()

    def _make_view(self, doc: SessionDocument) -> CaptureView:
        if doc.detail.kind == "focus-group":
            return FocusGroupView(doc)
        if doc.detail.kind == "phone-interview":
            return PhoneView(doc)
        return InterviewView(doc)

    def _focus_entry(self, entry_id: uuid.UUID) -> None:
        found = self._ctx.navigator.take_found(entry_id)  # the searched words, if any
        if self.current is None:
            return
        if not self.current.focus_entry(entry_id):
            self._ctx.status("That note is not in this session any more")
        elif found is not None:
            highlight_found(self.current.focusWidget(), found)

    def _reveal(self, doc: SessionDocument, entry_id: uuid.UUID) -> None:
        if self.current is None or self.current.doc is not doc:
            self._select_row(doc.ref)
            self._show(doc.id, focus=False)
        if self.current is not None and doc.entry(entry_id) is not None:
            self.current.focus_entry(entry_id)

    # -- changes from elsewhere -------------------------------------------------------------------

    def _changed(self, changes: Changes, initiator: object) -> None:
        if changes.touches(Table.SESSION, Table.PARTICIPANT):
            self.refresh_list()
        if changes.touches(Table.CONSENT, Table.PARTICIPANT):
            self._refresh_consents()
        if isinstance(changes, MergedChanges):
            # A merge may have rewritten, added or removed notes of any session: load the
            # open ones afresh, so no editor saves its old text over the merged one.
            for session_id in list(self.docs):
                self._forget(session_id)
            return
        removed = changes.removed_ids(Table.ENTRY)
        if not removed:
            return
        for session_id, doc in list(self.docs.items()):
            # A removal by someone other than the document (an erasure elsewhere) of an
            # entry it holds: load the session afresh. Its own removals are on screen.
            if initiator is doc:
                continue
            if any(doc.entry(entry_id) is not None for entry_id in removed):
                self._forget(session_id)

    def _forget(self, session_id: uuid.UUID) -> None:
        doc = self.docs.pop(session_id)
        view = self.views.pop(session_id, None)
        showing = self.current is not None and self.current is view
        if view is not None:
            self.stack.removeWidget(view)
            view.deleteLater()
        if showing:
            self.current = None
            self.stack.setCurrentWidget(self.empty)
            self.show_session(doc.ref, focus=False)

    def _refresh_consents(self) -> None:
        """A consent recorded or withdrawn elsewhere (the register's recorder) may open or
        shut a phone interview's notes: ask the study again."""
        for doc in self.docs.values():
            if doc.detail.kind == "phone-interview":
                self._ctx.runner.run(read(notes_gate, doc.id), partial(self._gate_known, doc))

    @staticmethod
    def _gate_known(doc: SessionDocument, gate: NotesGate) -> None:
        if shiboken6.isValid(doc):
            doc.set_gate(gate)

    def flush(self) -> None:
        """Queue every pending save now (before the study is locked or closed)."""
        for doc in self.docs.values():
            doc.autosave.flush()
            doc.running.bank()  # the session clock's last seconds, before the runner closes

    def unsaved(self) -> str | None:
        """Why some typing is not in the study yet (once the saves queued have answered),
        or None when everything on screen is saved."""
        for doc in self.docs.values():
            if not shiboken6.isValid(doc):
                continue
            if not doc.autosave.is_idle():
                return doc.autosave.failure or "a save has not finished"
            if doc.unsaved_notes:
                return self._ctx.save_state.failure or "a new note is not in the study yet"
        return None
