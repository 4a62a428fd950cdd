"""Coding gestures in the session views: select words of a note, give them a theme.

Gestures (every one an undo step on the study's stack, run through the runner):
- **Ctrl+T** opens a small theme picker by the caret: type to filter ("caf" finds
  "Knowing and using common tools › Using the CAF"), Up/Down to move, Enter to apply.
  With no selection it codes the whole note (the status bar says so).
- **Ctrl+Shift+R** applies the theme applied last (anywhere in the study) again.
- The note's context menu: **Code as ▸** (the themes), and on a coded passage **Memo…**
  and **Remove coding 'Theme'**.
- A theme **dragged from the theme tree** onto a note codes the selection, else the word
  (or line) under the drop point.
Focus-group lines are coded whole, from the filed lines' context menu (or Ctrl+T there).

Two ways of counting meet here: Qt's positions are UTF-16 units, the study's spans are
Python indexes, and they part after the first emoji. A `Target` carries what Qt reported;
`CodingActions.apply` converts it, once; everything after (the service, `SessionCodings`,
`LiveCoding`) counts in Python indexes, and the editor converts back to draw and hit-test.

`SessionCodings` holds the codings of one open session, as they are on screen: loaded
from the study whenever a change names codings or themes, and moved at once by the typing
not yet saved (the same exact edits the save hands to the service), so highlights never
lag behind the words. When a save takes a coding away because all its words were
deleted, views say so under the note and in the status bar; undoing the typing puts the
coding back.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import shiboken6
from PySide6.QtCore import QEvent, QObject, QPoint, Qt, Signal
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from plrdesk.services.codings import (
    CodingView,
    ThemeChoice,
)
from plrdesk.ui.sessions.coding import SessionCodings, lost_notice
from plrdesk.ui.sessions.coding_commands import last_theme
from plrdesk.ui.sessions.document import SessionDocument
from plrdesk.ui.sessions.highlight import swatch_icon
from plrdesk.ui.text_positions import positions_of

CODE_SHORTCUT = "Ctrl+T"
REPEAT_SHORTCUT = "Ctrl+Shift+R"


class ThemePicker(QFrame):
    """A small popup: type to filter the themes, Up/Down to move, Enter to apply."""

    sig_chosen = Signal(object)
    """The `ThemeChoice` picked."""

    def __init__(self, themes: Sequence[ThemeChoice], parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Popup)
        self.setObjectName("themePicker")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAccessibleName("Choose a theme")
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Type to find a theme, Enter to apply")
        self.filter.setAccessibleName("Find a theme")
        self.filter.setClearButtonEnabled(True)
        self.list = QListWidget()
        self.list.setAccessibleName("Themes")
        self.list.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.list.setUniformItemSizes(True)
        for theme in themes:
            item = QListWidgetItem(swatch_icon([theme.colour]), theme.name)
            item.setData(Qt.ItemDataRole.UserRole, theme)
            item.setToolTip(theme.name)
            self.list.addItem(item)
        self.empty = QLabel("No theme matches")
        self.empty.setStyleSheet("color: palette(mid); padding: 4px;")
        self.empty.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(3)
        layout.addWidget(self.filter)
        layout.addWidget(self.list)
        layout.addWidget(self.empty)
        rows = min(max(len(themes), 3), 12)
        self.list.setMinimumHeight(rows * (self.list.fontMetrics().height() + 6))
        self.setMinimumWidth(380)
        self.filter.textChanged.connect(self._filter)
        self.filter.returnPressed.connect(self.choose)
        self.filter.installEventFilter(self)
        self.list.itemClicked.connect(lambda _item: self.choose())
        self._filter("")

    def visible_themes(self) -> list[ThemeChoice]:
        return [
            self.list.item(row).data(Qt.ItemDataRole.UserRole)
            for row in range(self.list.count())
            if not self.list.item(row).isHidden()
        ]

    def current(self) -> ThemeChoice | None:
        item = self.list.currentItem()
        if item is None or item.isHidden():
            return None
        theme: ThemeChoice = item.data(Qt.ItemDataRole.UserRole)
        return theme

    def _filter(self, text: str) -> None:
        words = text.casefold().split()
        first = None
        for row in range(self.list.count()):
            item = self.list.item(row)
            name = item.text().casefold()
            shown = all(word in name for word in words)
            item.setHidden(not shown)
            if shown and first is None:
                first = item
        current = self.list.currentItem()
        if (current is None or current.isHidden()) and first is not None:
            self.list.setCurrentItem(first)
        self.empty.setVisible(first is None)

    def _step(self, step: int) -> None:
        rows = [r for r in range(self.list.count()) if not self.list.item(r).isHidden()]
        if not rows:
            return
        row = self.list.currentRow()
        at = rows.index(row) if row in rows else -1
        self.list.setCurrentRow(rows[max(0, min(len(rows) - 1, at + step))])

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.filter and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            steps = {
                Qt.Key.Key_Up: -1,
                Qt.Key.Key_Down: 1,
                Qt.Key.Key_PageUp: -10,
                Qt.Key.Key_PageDown: 10,
            }
            if event.key() in steps:
                self._step(steps[Qt.Key(event.key())])
                return True
            if event.key() == Qt.Key.Key_Escape:
                self.close()
                return True
        return super().eventFilter(watched, event)

    def choose(self) -> None:
        theme = self.current()
        if theme is None:
            return
        self.close()
        self.sig_chosen.emit(theme)

    def popup(self, at: QPoint) -> None:
        self.adjustSize()
        screen = self.screen().availableGeometry()
        x = max(screen.left(), min(at.x(), screen.right() - self.width()))
        y = max(screen.top(), min(at.y(), screen.bottom() - self.height()))
        self.move(x, y)
        self.show()
        self.filter.setFocus(Qt.FocusReason.PopupFocusReason)


class MemoDialog(QDialog):
    """The researcher's memo on one coding: why these words carry this theme."""

    def __init__(self, coding: CodingView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Memo on '{coding.theme_name}'")
        self.setAccessibleName("Coding memo")
        self.coding = coding
        label = QLabel(f"&Memo on the coding <b>{coding.theme_name}</b>:")
        label.setTextFormat(Qt.TextFormat.RichText)
        self.memo = QPlainTextEdit(coding.memo or "")
        self.memo.setAccessibleName("Memo")
        self.memo.setTabChangesFocus(True)
        label.setBuddy(self.memo)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.memo)
        layout.addWidget(self.buttons)
        self.resize(420, 220)
        self.memo.setFocus(Qt.FocusReason.OtherFocusReason)

    def text(self) -> str | None:
        return self.memo.toPlainText().strip() or None


# -- the gestures -------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """What a theme would go on: a span of a note as the screen reports it, or all of it.

    `start` and `end` are Qt positions in the note's document, as a QTextCursor selection
    or a drop point gives them (UTF-16 units, see `ui.text_positions`), and `text` is the
    note as shown then; `offsets()` gives the span as the Python indexes the study stores.
    Views hand over what Qt said, and the conversion happens once, here.
    """

    entry_id: uuid.UUID
    start: int | None = None
    end: int | None = None
    text: str | None = None  # the note as shown, when a span was chosen

    def __post_init__(self) -> None:
        if not self.whole and self.text is None:
            raise ValueError("a span of a note needs the text it was chosen on")

    @property
    def whole(self) -> bool:
        return self.start is None or self.end is None

    def offsets(self) -> tuple[int | None, int | None]:
        """(start, end) as indexes into `text` ((None, None): the whole note); a character
        cut in half by the selection is taken in. ValueError: not positions of `text`."""
        if self.start is None or self.end is None or self.text is None:
            return None, None
        return positions_of(self.text).span_to_python(self.start, self.end)


class CodingActions(QObject):
    """The coding gestures of one session view, on the targets the view names."""

    def __init__(
        self,
        doc: SessionDocument,
        view: QWidget,
        target: Callable[[], Target | None],
        anchor: Callable[[], QPoint],
        *,
        what: str = "note",
        whole_menu: str = "Code whole note as",
    ) -> None:
        super().__init__(view)
        self.doc = doc
        self.codings = doc.codings
        self._view = view
        self._target = target
        self._anchor = anchor  # where the picker opens (global coordinates)
        self._what = what
        self._whole_menu = whole_menu
        self.picker: ThemePicker | None = None
        self.memo_dialog: MemoDialog | None = None
        self.code_action = QAction("&Code with theme…", view)
        self.code_action.setShortcut(QKeySequence(CODE_SHORTCUT))
        self.code_action.setToolTip(f"Give the selection a theme ({CODE_SHORTCUT})")
        self.code_action.triggered.connect(lambda _checked=False: self.pick())
        self.repeat_action = QAction("&Repeat last theme", view)
        self.repeat_action.setShortcut(QKeySequence(REPEAT_SHORTCUT))
        self.repeat_action.triggered.connect(lambda _checked=False: self.repeat())
        self.actions = [self.code_action, self.repeat_action]

    def install(self, widget: QWidget) -> None:
        """Make the shortcuts work while the focus is in `widget` or inside it."""
        for action in self.actions:
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            widget.addAction(action)

    def _status(self, text: str) -> None:
        self.doc.ctx.status(text)

    # -- applying -----------------------------------------------------------------------------

    def pick(self, target: Target | None = None) -> ThemePicker | None:
        """Open the theme picker for `target` (else the view's current one)."""
        target = target or self._target()
        if target is None:
            self._status(f"Put the cursor in a {self._what} first, then Ctrl+T")
            return None
        if not self.codings.themes:
            self._status("No themes yet: add them under Analysis")
            return None
        if self.picker is not None and shiboken6.isValid(self.picker):
            self.picker.close()
        picker = ThemePicker(self.codings.themes, self._view)
        picker.sig_chosen.connect(lambda theme: self.apply(theme.id, target))
        self.picker = picker
        picker.popup(self._anchor())
        return picker

    def apply(self, theme_id: uuid.UUID, target: Target) -> None:
        choice = self.codings.theme(theme_id)
        if choice is None:
            self._status("That theme is not in the study any more")
            return
        if self.doc.entry(target.entry_id) is None:
            self._status(f"That {self._what} is not in the session any more")
            return
        try:
            start, end = target.offsets()
        except ValueError:
            self._status(f"That selection is not in the {self._what} any more")
            return
        self.doc.code(target.entry_id, theme_id, choice.name, start, end, expect_text=target.text)
        if target.whole:
            self._status(f"Coded the whole {self._what} as '{choice.name}'")
        else:
            self._status(f"Coded as '{choice.name}'")

    def repeat(self) -> None:
        theme_id = last_theme(self.doc.undo_stack)
        if theme_id is None:
            self._status(f"No theme applied yet: {CODE_SHORTCUT} chooses one")
            return
        target = self._target()
        if target is None:
            self._status(f"Put the cursor in a {self._what} first")
            return
        self.apply(theme_id, target)

    # -- menus --------------------------------------------------------------------------------

    def code_menu(self, target: Target | None, parent: QMenu) -> QMenu:
        """ "Code as ▸": every theme, applied to `target` when chosen."""
        title = "Code as" if target is None or not target.whole else self._whole_menu
        menu = QMenu(title, parent)
        menu.setObjectName("codeAsMenu")
        menu.setEnabled(target is not None and bool(self.codings.themes))
        if target is not None:
            for theme in self.codings.themes:
                label = ("    " * theme.depth) + theme.name.split(" › ")[-1]
                action = menu.addAction(swatch_icon([theme.colour]), label)
                action.setToolTip(theme.name)
                action.setData(theme.id)
                action.triggered.connect(lambda _checked=False, t=theme.id: self.apply(t, target))
        return menu

    def coding_actions(
        self, menu: QMenu, entry_id: uuid.UUID | None, position: int | None
    ) -> list[QAction]:
        """Memo… and Remove coding for each coding of the entry over `position`."""
        covering = self.codings.at(entry_id, position)
        actions = []
        for coding in covering:
            view = coding.view
            memo_text = "&Memo…" if len(covering) == 1 else f"Memo on '{view.theme_name}'…"
            memo = QAction(memo_text, menu)
            memo.triggered.connect(lambda _checked=False, v=view: self.edit_memo(v))
            remove = QAction(f"Remove coding '{view.theme_name}'", menu)
            remove.triggered.connect(lambda _checked=False, v=view: self.remove(v))
            actions += [memo, remove]
        return actions

    def menu_actions(
        self, menu: QMenu, target: Target | None, position: int | None
    ) -> list[QAction]:
        """What a context menu gets: Code as ▸, Code with theme…, then memo and removal."""
        entry_id = target.entry_id if target is not None else None
        return [
            self.code_menu(target, menu).menuAction(),
            self.code_action,
            self.repeat_action,
            *self.coding_actions(menu, entry_id, position),
        ]

    # -- memo and removal ---------------------------------------------------------------------

    def edit_memo(self, coding: CodingView) -> MemoDialog:
        dialog = MemoDialog(coding, self._view)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def done(result: int) -> None:
            if result == QDialog.DialogCode.Accepted and dialog.text() != coding.memo:
                self.doc.set_memo(coding, dialog.text())

        dialog.finished.connect(done)
        self.memo_dialog = dialog
        dialog.open()
        return dialog

    def remove(self, coding: CodingView) -> None:
        self.doc.remove_coding(coding)
        self._status(f"Removed coding '{coding.theme_name}' (Ctrl+Z puts it back)")


__all__ = [
    "CODE_SHORTCUT",
    "REPEAT_SHORTCUT",
    "CodingActions",
    "MemoDialog",
    "SessionCodings",
    "Target",
    "ThemePicker",
    "lost_notice",
]
