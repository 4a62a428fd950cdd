"""The text box of one note: plain text exactly as tall as its lines, undo on the study's
stack, coding by drag and drop, a tooltip naming the codings under the pointer.

It never scrolls inside itself: its height follows the laid-out text (a new line, a new
width, a quote's italics or a follow-up's bold), so its first line is never drawn cut off,
and the mouse wheel over it scrolls the notes around it. The notes around it keep its
caret in view (guide_notes). Leaving it for another note or control drops its selection,
so only the codings' tints stay drawn on a note the researcher has left; a context menu,
the theme picker or a dialog keeps it, as they act on it.

Positions it hands out are Python indexes, except `sig_theme_dropped`'s (see entry_editor).
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Callable

from PySide6.QtCore import QEvent, QMimeData, QPoint, QSizeF, Qt, Signal
from PySide6.QtGui import (
    QAction,
    QContextMenuEvent,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QFocusEvent,
    QHelpEvent,
    QKeyEvent,
    QKeySequence,
    QTextCursor,
    QUndoStack,
    QWheelEvent,
)
from PySide6.QtWidgets import QFrame, QMenu, QSizePolicy, QTextEdit, QToolTip

from plrdesk.ui.analysis.theme_panel import THEME_MIME
from plrdesk.ui.sessions.highlight import LiveCoding, coding_tooltip
from plrdesk.ui.text_positions import positions_of

KEEPS_SELECTION = (
    # The keyboard comes back to this note: a context menu or the theme picker (both act on
    # the selection), a dialog, or another application's window.
    Qt.FocusReason.PopupFocusReason,
    Qt.FocusReason.ActiveWindowFocusReason,
)


def theme_of(mime: QMimeData) -> uuid.UUID | None:
    """The theme a drag from the theme tree carries, if it carries one."""
    if not mime.hasFormat(THEME_MIME):
        return None
    try:
        return uuid.UUID(bytes(mime.data(THEME_MIME).data()).decode("ascii").strip())
    except (ValueError, UnicodeDecodeError):
        return None


class NoteText(QTextEdit):
    """Plain text that grows with its content; undo goes to the study's undo stack."""

    sig_focus_in = Signal()
    sig_focus_out = Signal(object)
    """The Qt.FocusReason focus left for."""
    sig_theme_dropped = Signal(object, int, int)
    """(theme UUID, start, end): a theme from the tree was dropped on the selection, or
    (without one) on the word, else the line, under the drop point. Start and end are Qt
    positions (UTF-16 units), for a coding `Target`."""

    def __init__(self, undo: QUndoStack, parent: QFrame | None = None) -> None:
        super().__init__(parent)
        self._undo = undo
        self.extra_actions: list[QAction] = []
        self.codings: list[LiveCoding] = []
        self.menu_hook: Callable[[QMenu, int], list[QAction]] | None = None
        """Given the menu and the Python index clicked, the coding actions to put first."""
        self.setAcceptRichText(False)
        self.setUndoRedoEnabled(False)
        self.setTabChangesFocus(True)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.document().setDocumentMargin(4)
        # The layout says when the text's height has changed: after typing, a new width or
        # a new font (a quote's italics, a follow-up's bold) has been laid out.
        self.document().documentLayout().documentSizeChanged.connect(self._fit)
        self._fit()

    def _fit(self, size: QSizeF | None = None) -> None:
        """Exactly as tall as the laid-out text, so there is nothing to scroll inside.

        It used to fit on contentsChanged and in resizeEvent, with two pixels to spare: a
        font change (a quote's italics, a follow-up's bold) sends no contentsChanged, so the
        box stayed a line short, and Qt's scroll range, worked out against an older height,
        stayed above zero in every note. Anything that scrolls a text box (the wheel, a
        drag near its edge, keeping the caret in view) then moved the text up inside its
        box, and the first line was drawn cut off (issue 11)."""
        height = (size or self.document().size()).height()
        margins = self.contentsMargins()  # the frame around the viewport
        inner = self.viewportMargins()
        frame = margins.top() + margins.bottom() + inner.top() + inner.bottom()
        one_line = self.fontMetrics().lineSpacing() + 2 * math.ceil(
            self.document().documentMargin()
        )
        self.setFixedHeight(max(one_line, math.ceil(height)) + frame)

    def wheelEvent(self, event: QWheelEvent) -> None:
        # Nothing in the box scrolls (it is as tall as its text): the wheel is the notes'.
        event.ignore()

    def event(self, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and (
                event.matches(QKeySequence.StandardKey.Undo)
                or event.matches(QKeySequence.StandardKey.Redo)
            )
        ):
            event.accept()  # ours, so the window's Undo action does not fire as well
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.matches(QKeySequence.StandardKey.Undo):
            self._undo.undo()
            return
        if event.matches(QKeySequence.StandardKey.Redo):
            self._undo.redo()
            return
        super().keyPressEvent(event)

    def build_context_menu(self, pos: QPoint) -> QMenu:
        """The menu for a right click at `pos` (viewport coordinates): coding first, then
        the note's actions, then cut, copy and paste."""
        menu = self.createStandardContextMenu()
        for action in menu.actions():  # the box's own undo is off; the study's is in Edit
            if action.text().replace("&", "").startswith(("Undo", "Redo")):
                menu.removeAction(action)
        standard = menu.actions()
        ours = list(self.extra_actions)
        if self.menu_hook is not None:
            coding = self.menu_hook(menu, self.index_at(pos))
            if coding:
                separator = QAction(menu)
                separator.setSeparator(True)
                ours = [*coding, separator, *ours]
        if ours and standard:
            first = menu.insertSeparator(standard[0])
            for action in ours:
                menu.insertAction(first, action)
        elif ours:
            menu.addActions(ours)
        return menu

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        menu = self.build_context_menu(event.pos())
        menu.exec(event.globalPos())
        menu.deleteLater()

    # -- coding: tooltip and drops --------------------------------------------------------

    def index_at(self, pos: QPoint) -> int:
        """The Python index of the text position nearest `pos` (viewport coordinates)."""
        position = self.cursorForPosition(pos).position()
        return positions_of(self.toPlainText()).to_python(position)

    def codings_at(self, index: int) -> list[LiveCoding]:
        """The codings over Python index `index`."""
        return [c for c in self.codings if c.covers(index)]

    def viewportEvent(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            covering = self.codings_at(self.index_at(event.pos()))
            if covering:
                QToolTip.showText(event.globalPos(), coding_tooltip(covering), self.viewport())
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().viewportEvent(event)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if theme_of(event.mimeData()) is not None:
            event.acceptProposedAction()
            return
        super().dragEnterEvent(event)

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if theme_of(event.mimeData()) is not None:
            event.acceptProposedAction()  # no drop caret: the theme goes on words, not in them
            return
        super().dragMoveEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        theme = theme_of(event.mimeData())
        if theme is None:
            super().dropEvent(event)
            return
        span = self.drop_span(event.position().toPoint())
        if span is None:
            event.ignore()
            return
        event.acceptProposedAction()
        self.sig_theme_dropped.emit(theme, *span)

    def drop_span(self, pos: QPoint) -> tuple[int, int] | None:
        """What a theme dropped at `pos` codes: the selection, else the word there, else
        its line (None over nothing but spaces), as Qt positions."""
        cursor = self.textCursor()
        if cursor.hasSelection():
            return cursor.selectionStart(), cursor.selectionEnd()
        for unit in (QTextCursor.SelectionType.WordUnderCursor, None):
            at = self.cursorForPosition(pos)
            if unit is None:
                at.movePosition(QTextCursor.MoveOperation.StartOfBlock)
                at.movePosition(
                    QTextCursor.MoveOperation.EndOfBlock, QTextCursor.MoveMode.KeepAnchor
                )
            else:
                at.select(unit)
            if at.selectedText().strip():
                return at.selectionStart(), at.selectionEnd()
        return None

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        self.sig_focus_in.emit()

    def focusOutEvent(self, event: QFocusEvent) -> None:
        if event.reason() not in KEEPS_SELECTION:
            self.drop_selection()
        super().focusOutEvent(event)
        self.sig_focus_out.emit(event.reason())

    def drop_selection(self) -> None:
        """Forget the selection, the caret staying where it was: a note left behind keeps
        no highlight of its own, which would be drawn over its codings' tints (issue 11)."""
        cursor = self.textCursor()
        if cursor.hasSelection():
            cursor.clearSelection()
            self.setTextCursor(cursor)
