"""The study overview: the study's details (and which are not filled in yet), counts, and
the to-do list. Enter on the to-do line about missing details opens Study details.

It reloads for what can change them: people, consents, sessions and calls, the study's own
details, notes added, removed or changed (a safeguarding flag the to-do list counts).
Typing (a `TextSaved`, every second or so) and coding change none of it, so never reload
it. While the page is hidden (the researcher is in a session) a change only marks it out
of date, and it reloads when it is next shown."""

from __future__ import annotations

import html
import uuid

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from plrdesk.services.changes import Changes, Table
from plrdesk.services.note_texts import TextSaved
from plrdesk.services.overview import Overview, ToDo, study_overview
from plrdesk.ui.context import StudyContext
from plrdesk.ui.operations import read
from plrdesk.ui.study_details_dialog import edit_study_details

WATCHED = (
    Table.STUDY,
    Table.PARTICIPANT,
    Table.GUARDIANSHIP,
    Table.CONSENT,
    Table.FORM_VERSION,
    Table.SESSION,
    Table.CALL_ATTEMPT,
)
"""Tables whose every change can alter the overview (entries are judged apart)."""


class OverviewPage(QWidget):
    def __init__(self, ctx: StudyContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._stale = False  # a note changed since the last load (perhaps its flag)
        self.summary = QLabel()
        self.summary.setObjectName("overviewSummary")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setAccessibleName("Study summary")
        self.todo = QListWidget()
        self.todo.setAccessibleName("To do")
        self.todo.itemActivated.connect(self._jump)
        todo_label = QLabel("<h3>To do</h3>")
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(todo_label)
        layout.addWidget(self.todo, 1)
        ctx.runner.sig_changes.connect(self._changed)
        self.refresh()

    def refresh(self) -> None:
        self._stale = False
        self._ctx.runner.run(
            read(study_overview, self._ctx.forms), self.show_overview, initiator=self
        )

    def _changed(self, changes: Changes, initiator: object) -> None:
        concerns = changes.touches(*WATCHED) or _notes_counted(changes)
        if not concerns and not (
            changes.updated_ids(Table.ENTRY) and not isinstance(changes, TextSaved)
        ):
            return
        if self.isVisible():
            self.refresh()
        else:
            # Hidden (the researcher is in a session, filing a line a second): nobody would
            # see a reload, so it waits until the page is next shown (bench/keystrokes.py).
            self._stale = True

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.refresh()

    def show_overview(self, view: Overview) -> None:
        def esc(text: str | None) -> str:
            return html.escape(text or "")

        aims = "".join(f"<li>{esc(aim)}</li>" for aim in view.aims) or "<li>(none yet)</li>"
        people = ", ".join(f"{n} {kind}" for kind, n in sorted(view.participants.items()))
        sessions = ", ".join(f"{n} {kind}" for kind, n in sorted(view.sessions.items()))
        self.summary.setText(
            f"<h2>{esc(view.title)}</h2>{_details_html(view)}"
            f"<h3>Aims</h3><ol>{aims}</ol>"
            f"<p><b>Participants:</b> {people or 'none yet'}"
            f"{f' ({view.withdrawn} withdrawn)' if view.withdrawn else ''}<br>"
            f"<b>Sessions:</b> {sessions or 'none yet'}<br>"
            f"<b>Notes:</b> {view.entries}</p>"
        )
        self.todo.clear()
        for item in view.todo:
            row = QListWidgetItem(item.text)
            row.setData(Qt.ItemDataRole.UserRole, item)
            row.setToolTip("Press Enter to go to the first one")
            self.todo.addItem(row)
        if not view.todo:
            self.todo.addItem("Nothing waiting.")

    def _jump(self, item: QListWidgetItem) -> None:
        todo = item.data(Qt.ItemDataRole.UserRole)
        if isinstance(todo, ToDo) and todo.target == "study":  # the details it lacks
            edit_study_details(self, self._ctx)
            return
        if not isinstance(todo, ToDo) or not todo.targets:
            return
        first = todo.targets[0]
        navigator = self._ctx.navigator
        if todo.target == "participant":
            navigator.sig_show_participant.emit(first)
        elif todo.target == "session":
            navigator.sig_show_session.emit(first)
        else:
            navigator.sig_show_entry.emit(uuid.UUID(first))


def _details_html(view: Overview) -> str:
    """Who runs the study and how to reach them, the endorsement, the ethics reference,
    and a line naming what is not filled in yet."""

    def esc(text: str | None) -> str:
        return html.escape(text or "")

    def facts(*pairs: tuple[str, str | None]) -> str:
        return " · ".join(f"{label}: {esc(value)}" for label, value in pairs if value)

    details = view.details
    lines: list[str] = []
    if details is not None:
        lines += [
            facts(("Researcher", details.researcher), ("Organisation", details.organisation)),
            facts(
                ("Phone", details.phone),
                ("E-mail", details.email),
                ("Other contact", details.other_contact),
            ),
            facts(("Ethics reference", details.ethics_reference)),
        ]
    parts = [f"<p>{'<br>'.join(line for line in lines if line)}</p>"]
    parts.append(f"<p>{esc(view.endorsement) or 'Not yet endorsed.'}")
    if details is not None and details.endorsement_notes:
        parts.append(f"<br><i>{esc(details.endorsement_notes)}</i>")
    parts.append("</p>")
    if view.missing:
        parts.append(
            f"<p><b>Not filled in yet:</b> {esc(', '.join(view.missing))}"
            " (Study &gt; Study details…)</p>"
        )
    return "".join(parts)


def _notes_counted(changes: Changes) -> bool:
    """A note added or removed changes the count of notes."""
    return bool(changes.added_ids(Table.ENTRY) or changes.removed_ids(Table.ENTRY))
