"""The keyboard-shortcut sheet (Help > Keyboard shortcuts, F1): read off the live window.

Nothing here lists a key by hand, so the sheet cannot drift from what the keys do. It
walks the window it is opened from, as it is at that moment:

- every menu of the window's menu bar, and each item in it that has a shortcut, grouped
  by menu ("Study menu");
- every other action added to a widget of the window with a shortcut (an action works only
  where it was added), grouped by the tab it is on ("Sessions") and saying inside what
  ("Interview S1", "Themes") when that is narrower than the tab;
- every QShortcut of the window (its whatsThis says what it does);
- keys a widget handles itself, which no action can show (a focus group's first digit
  picks the speaker): a widget names them with `declare_keys`, next to the code that
  handles them.

So the sheet shows what is open: a session's own keys are listed once a session is open.
Runs of numbered actions (Speaker 0 … Speaker 9 on Alt+0 … Alt+9) read as one line.
Shortcuts on keys a laptop has no key for (Qt's "Close" and "Find" media keys, which the
standard Close and Find bindings include) are left out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QMenu,
    QMenuBar,
    QStackedWidget,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

KEYS_PROPERTY = "plrdesk_keys"
"""The dynamic property `declare_keys` sets: a list of "keys<TAB>what" strings."""
NATIVE = QKeySequence.SequenceFormat.NativeText
_MEDIA_KEYS = range(Qt.Key.Key_Back.value, 0x0200_0000)  # Qt's multimedia and launch keys
_NUMBERED = re.compile(r"^(?P<stem>.*\D)(?P<n>\d)$")


@dataclass(frozen=True)
class Shortcut:
    keys: str
    """As the platform writes them: "Ctrl+Return, Ctrl+Enter"."""
    what: str
    """The action's text without its mnemonic marker or ellipsis: "Add a note"."""
    where: str = ""
    """Inside what, when narrower than the group: "Interview S1"; "" for anywhere in it."""


@dataclass
class ShortcutGroup:
    title: str
    shortcuts: list[Shortcut] = field(default_factory=list)


def declare_keys(widget: QWidget, keys: Iterable[tuple[str, str]]) -> None:
    """Name keys `widget` handles in its own key handling (not as actions), for the sheet:
    (keys, what) pairs, such as ("0–9, the first key of a line", "Pick the speaker")."""
    widget.setProperty(KEYS_PROPERTY, [f"{k}\t{what}" for k, what in keys])


def plain(text: str) -> str:
    """A label as read: no mnemonic marker, no trailing ellipsis or colon."""
    shown = text.replace("&&", "\0").replace("&", "").replace("\0", "&")
    return shown.strip().rstrip(":…").strip()


def key_text(sequences: Sequence[QKeySequence]) -> str:
    """The sequences a person can type, as the platform writes them ("" for none)."""
    usable = []
    for sequence in sequences:
        if sequence.isEmpty():
            continue
        first = sequence[0]  # type: ignore[index]  # PySide6's stubs lack operator[]
        if first.keyboardModifiers() == Qt.KeyboardModifier.NoModifier and (
            first.key().value in _MEDIA_KEYS
        ):
            continue
        text = sequence.toString(NATIVE)
        if text not in usable:
            usable.append(text)
    return ", ".join(usable)


def collect(window: QWidget) -> list[ShortcutGroup]:
    """Every shortcut live in `window` now, in groups: its menus in menu-bar order, then
    its tabs in tab order, then the rest of the window."""
    groups: dict[str, ShortcutGroup] = {}
    seen: set[int] = set()

    def add(title: str, shortcut: Shortcut) -> None:
        group = groups.setdefault(title, ShortcutGroup(title))
        if shortcut not in group.shortcuts:
            group.shortcuts.append(shortcut)

    for bar in _own(window, window.findChildren(QMenuBar)):
        for top in bar.actions():
            menu = top.menu()
            if isinstance(menu, QMenu):
                for action in _menu_actions(menu, seen):
                    add(f"{plain(menu.title())} menu", Shortcut(*_described(action)))
    for title in _tab_titles(window):
        groups.setdefault(title, ShortcutGroup(title))
    for widget in [window, *_own(window, window.findChildren(QWidget))]:
        if isinstance(widget, QMenu | QMenuBar):
            continue
        title, where = _location(widget, window)
        for action in widget.actions():
            if id(action) in seen or action.isSeparator() or not action.isVisible():
                continue
            seen.add(id(action))
            keys, what = _described(action)
            if keys:
                add(title, Shortcut(keys, what, where))
        for declared in widget.property(KEYS_PROPERTY) or []:
            keys, _, what = str(declared).partition("\t")
            add(title, Shortcut(keys, what, where))
    for shortcut in window.findChildren(QShortcut):
        parent = shortcut.parent()
        if isinstance(parent, QWidget) and parent.window() is window and shortcut.isEnabled():
            keys = key_text([shortcut.key()])
            what = shortcut.whatsThis() or shortcut.objectName()
            if keys and what:
                title, where = _location(parent, window)
                add(title, Shortcut(keys, what, where))
    return [
        ShortcutGroup(g.title, _numbered_runs(g.shortcuts)) for g in groups.values() if g.shortcuts
    ]


def _own(window: QWidget, widgets: Iterable[QWidget]) -> Iterator[QWidget]:
    """The widgets of `window` itself, not of a dialog it owns (a window of its own)."""
    for widget in widgets:
        if widget.window() is window:
            yield widget


def _menu_actions(menu: QMenu, seen: set[int]) -> Iterator[QAction]:
    for action in menu.actions():
        seen.add(id(action))
        sub = action.menu()
        if isinstance(sub, QMenu):
            yield from _menu_actions(sub, seen)
        elif not action.isSeparator() and key_text(action.shortcuts()):
            yield action


def _described(action: QAction) -> tuple[str, str]:
    return key_text(action.shortcuts()), plain(action.text()) or plain(action.toolTip())


def _tab_titles(window: QWidget) -> list[str]:
    tabs = _outer_tabs(window)
    return [plain(tabs.tabText(i)) for i in range(tabs.count())] if tabs else []


def _outer_tabs(window: QWidget) -> QTabWidget | None:
    for tabs in window.findChildren(QTabWidget):
        outer = tabs.parentWidget()
        while outer is not None and outer is not window and not isinstance(outer, QTabWidget):
            outer = outer.parentWidget()
        if outer is window:
            return tabs
    return None


def _location(widget: QWidget, window: QWidget) -> tuple[str, str]:
    """(group, where): the title of the window's tab `widget` is on ("This window" off
    every tab) and the nearest named widget between it and that tab's page."""
    tabs = _outer_tabs(window)
    named = ""
    current: QWidget | None = widget
    while current is not None and current is not window:
        parent = current.parentWidget()
        if (
            isinstance(parent, QStackedWidget)
            and tabs is not None
            and parent.parentWidget() is tabs
        ):
            return plain(tabs.tabText(tabs.indexOf(current))), named
        if not named and current.accessibleName() and not isinstance(current, QStackedWidget):
            named = current.accessibleName()
        current = parent
    return "This window", named if widget is not window else ""


def _numbered_runs(shortcuts: list[Shortcut]) -> list[Shortcut]:
    """Speaker 0 … Speaker 9 on Alt+0 … Alt+9, one after another, as one line."""
    out: list[Shortcut] = []
    i = 0
    while i < len(shortcuts):
        run = [shortcuts[i]]
        while i + len(run) < len(shortcuts) and _follows(run[-1], shortcuts[i + len(run)]):
            run.append(shortcuts[i + len(run)])
        if len(run) >= 3:
            first, last = run[0], run[-1]
            keys, what = f"{first.keys}–{last.keys[-1]}", f"{first.what}–{last.what[-1]}"
            out.append(Shortcut(keys, what, first.where))
        else:
            out.extend(run)
        i += len(run)
    return out


def _follows(a: Shortcut, b: Shortcut) -> bool:
    what_a, what_b = _NUMBERED.match(a.what), _NUMBERED.match(b.what)
    keys_a, keys_b = _NUMBERED.match(a.keys), _NUMBERED.match(b.keys)
    if not (what_a and what_b and keys_a and keys_b) or a.where != b.where:
        return False
    step = int(what_b["n"]) - int(what_a["n"])
    return (
        step == 1
        and what_a["stem"] == what_b["stem"]
        and keys_a["stem"] == keys_b["stem"]
        and what_a["n"] == keys_a["n"]
        and what_b["n"] == keys_b["n"]
    )


class ShortcutSheet(QDialog):
    """The sheet for `window` as it is when opened; Escape or Close shuts it."""

    def __init__(self, window: QWidget, app_name: str) -> None:
        super().__init__(window)
        self.setObjectName("shortcutSheet")
        self.setWindowTitle(f"Keyboard shortcuts – {app_name}")
        self.setAccessibleName("Keyboard shortcuts")
        self.groups = collect(window)
        self.tree = QTreeWidget()
        self.tree.setAccessibleName("Keyboard shortcuts")
        self.tree.setColumnCount(3)
        self.tree.setHeaderLabels(["Keys", "What it does", "Where"])
        self.tree.setRootIsDecorated(False)
        self.tree.setAlternatingRowColors(True)
        bold = QFont(self.font())
        bold.setBold(True)
        for group in self.groups:
            head = QTreeWidgetItem([group.title])
            head.setFont(0, bold)
            head.setFirstColumnSpanned(True)
            self.tree.addTopLevelItem(head)
            for shortcut in group.shortcuts:
                QTreeWidgetItem(head, [shortcut.keys, shortcut.what, shortcut.where])
            head.setExpanded(True)
        header = self.tree.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        note = QLabel(
            "The keys of what is open now. Open a session, or another part of the study,"
            " and press F1 there to see the keys that work inside it too. Alt and the"
            " underlined letter of a button or menu reaches it as well."
        )
        note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tree, 1)
        layout.addWidget(note)
        layout.addWidget(buttons)
        self.resize(760, 700)
        self.tree.setFocus()

    def rows(self) -> list[tuple[str, str, str, str]]:
        """(group, keys, what, where) of every line shown, in order (for reading back)."""
        return [
            (group.title, s.keys, s.what, s.where) for group in self.groups for s in group.shortcuts
        ]
