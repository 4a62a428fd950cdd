"""The codings of one open session, as they are on screen (`SessionCodings`).

Loaded from the study whenever a change names codings or themes (not the echo of this
session's own typing, which moved them already), and moved at once by the typing not yet
saved (the same exact edits the save hands to the service), so highlights never lag
behind the words. When a save takes a coding away because all its words were deleted,
views say so under the note and in the status bar; undoing the typing puts the coding
back. Everything here counts in Python indexes; the gestures (coding_actions.py) convert
Qt's UTF-16 positions once, on the way in.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence

import shiboken6
from PySide6.QtCore import QObject, QTimer, Signal

from plrdesk.domain.ids import EntryId, SessionId
from plrdesk.domain.spans import Edit, Span, apply_edits, edits_by_diff
from plrdesk.services.changes import Changes, Table
from plrdesk.services.codings import (
    CodingView,
    ThemeChoice,
    codings_of_session,
    themes_for_picker,
)
from plrdesk.services.note_texts import LostCoding
from plrdesk.ui.operations import read
from plrdesk.ui.runner import OperationRunner
from plrdesk.ui.sessions.highlight import LiveCoding


def lost_notice(lost: LostCoding) -> str:
    return f"Coding '{lost.theme_name}' removed: its words were deleted"


# -- the codings of a session -------------------------------------------------------------


class SessionCodings(QObject):
    """The codings of one session's entries and the study's themes, kept current."""

    sig_changed = Signal(object)
    """A set of entry ids whose codings, or where they lie, changed."""
    sig_themes_changed = Signal()
    """The list of themes (names, colours, order) was loaded afresh."""
    sig_lost = Signal(object)
    """A list of `LostCoding`: a save took these away (all their words deleted)."""

    def __init__(
        self,
        runner: OperationRunner,
        session_id: uuid.UUID,
        *,
        before_query: Callable[[], None] = lambda: None,
        own_echo: Sequence[object] = (),
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._runner = runner
        self._session_id = session_id
        self._before_query = before_query  # queue pending saves first (the document's flush)
        # Whose changes are the echo of what is already on screen: the session's typing
        # moved its codings by the very edits it saved.
        self._own_echo = tuple(own_echo)
        self.themes: list[ThemeChoice] = []
        self.loaded = False
        self._live: dict[uuid.UUID, list[LiveCoding]] = {}
        self._seq = 0  # counts local edits
        self._log: list[tuple[int, uuid.UUID, list[Edit]]] = []  # while loads are out
        self._loads: list[int] = []  # the edit count when each load in flight was queued
        self._reload_timer = QTimer(self)
        self._reload_timer.setSingleShot(True)
        self._reload_timer.setInterval(0)  # several changes in one pass: one load
        self._reload_timer.timeout.connect(self._load)
        runner.sig_changes.connect(self._changes)
        self.reload(themes=True)

    # -- reading -----------------------------------------------------------------------------

    def of(self, entry_id: uuid.UUID | None) -> list[LiveCoding]:
        return list(self._live.get(entry_id, [])) if entry_id is not None else []

    def at(self, entry_id: uuid.UUID | None, position: int | None) -> list[LiveCoding]:
        """The entry's codings over `position`, a Python index into the note's text (all
        of them when None)."""
        return [c for c in self.of(entry_id) if position is None or c.covers(position)]

    def find(self, coding_id: uuid.UUID) -> LiveCoding | None:
        for codings in self._live.values():
            for coding in codings:
                if coding.view.id == coding_id:
                    return coding
        return None

    def theme(self, theme_id: uuid.UUID) -> ThemeChoice | None:
        return next((t for t in self.themes if t.id == theme_id), None)

    # -- keeping current --------------------------------------------------------------------

    def reload(self, *, themes: bool = False) -> None:
        """Load the codings again soon (and the themes, when asked)."""
        if themes:
            self._runner.run(read(themes_for_picker), self._got_themes)
        self._reload_timer.start()

    def _changes(self, changes: Changes, initiator: object) -> None:
        if changes.touches(Table.THEME):
            self.reload(themes=True)
        elif any(initiator is own for own in self._own_echo):
            return
        elif changes.touches(Table.CODING) or changes.removed_ids(Table.ENTRY):
            self.reload()

    def _load(self) -> None:
        if not shiboken6.isValid(self):
            return
        self._before_query()
        seq = self._seq
        self._loads.append(seq)
        self._runner.run(
            read(codings_of_session, SessionId(self._session_id)),
            lambda found: self._loaded(seq, found),
            lambda _exc: self._load_failed(seq),
        )

    def _got_themes(self, themes: list[ThemeChoice]) -> None:
        if shiboken6.isValid(self):
            self.themes = list(themes)
            self.sig_themes_changed.emit()

    def _load_failed(self, seq: int) -> None:
        if shiboken6.isValid(self):
            self._loads.remove(seq)
            self._trim_log()

    def _loaded(self, seq: int, found: Mapping[EntryId, list[CodingView]]) -> None:
        if not shiboken6.isValid(self):
            return
        self._loads.remove(seq)
        live: dict[uuid.UUID, list[LiveCoding]] = {}
        for entry_id, views in found.items():
            later = [e for s, eid, edits in self._log if s > seq and eid == entry_id for e in edits]
            live[entry_id] = _moved([_live(view) for view in views], later)
        self._trim_log()
        changed = {
            entry_id
            for entry_id in {*live, *self._live}
            if live.get(entry_id, []) != self._live.get(entry_id, [])
        }
        self._live = live
        self.loaded = True
        if changed:
            self.sig_changed.emit(changed)

    def _trim_log(self) -> None:
        oldest = min(self._loads, default=None)
        self._log = [] if oldest is None else [item for item in self._log if item[0] > oldest]

    def edited(self, entry_id: uuid.UUID, old: str, new: str, edits: Sequence[Edit] | None) -> None:
        """The note went from `old` to `new` by `edits` (None: unknown, so by difflib's
        alignment, as the save will): move its codings now."""
        if old == new:
            return
        made = list(edits) if edits is not None else edits_by_diff(old, new)
        self._seq += 1
        if self._loads:
            self._log.append((self._seq, entry_id, made))
        codings = self._live.get(entry_id)
        if codings:
            self._live[entry_id] = _moved(codings, made)
            self.sig_changed.emit({entry_id})

    def lost(self, lost: list[LostCoding]) -> None:
        """A save took these codings away: forget them and tell the views."""
        gone = {item.record.id for item in lost}
        changed = set()
        for entry_id, codings in self._live.items():
            kept = [c for c in codings if c.view.id not in gone]
            if len(kept) != len(codings):
                self._live[entry_id] = kept
                changed.add(entry_id)
        if changed:
            self.sig_changed.emit(changed)
        self.sig_lost.emit(list(lost))


def _live(view: CodingView) -> LiveCoding:
    if view.start is None or view.end is None or not 0 <= view.start < view.end:
        return LiveCoding(view, None)
    return LiveCoding(view, Span(view.start, view.end))


def _moved(codings: Sequence[LiveCoding], edits: Sequence[Edit]) -> list[LiveCoding]:
    """Codings after the edits; a span with nothing left goes (the save removes it too)."""
    if not edits:
        return list(codings)
    spans = apply_edits([c.span for c in codings], edits)
    return [
        LiveCoding(coding.view, span)
        for coding, span in zip(codings, spans, strict=True)
        if coding.span is None or span is not None
    ]


# -- choosing a theme ---------------------------------------------------------------------
