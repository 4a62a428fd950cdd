"""Every Alt+letter a window answers to, and the clashes among them.

A mnemonic (the letter after `&` in a label) is a shortcut Qt registers for the widget
that shows it; two in one window that are live at the same time make the key ambiguous:
Qt then only moves the focus between them (or opens neither), so Alt+S can no longer be
trusted to open the Study menu. What counts, as Qt 6 itself decides it (qshortcut_widgets.cpp
`correctWidgetContext`, and checked against Qt's own behaviour in tests/ui/test_mnemonics.py):

- Only owners in the window checked: a dialog and each open menu are windows of their own,
  so a dialog's Alt+S never clashes with the main window's; a menu's items clash only with
  the other items of the same menu (see `menu_clashes`).
- An owner counts while it is visible and enabled (with all its parents): a button on a
  hidden tab page or a disabled button answers to nothing.
- Buttons (push, tool, check, radio): their `shortcut()`, which `setText` sets to the
  mnemonic of the text (or an explicit `setShortcut`).
- Labels: only with a buddy (Qt grabs a label's mnemonic only then; Alt moves to the buddy).
- Group boxes: their title.
- Tab bars: each tab that is enabled and shown (`setTabVisible(False)` turns it off).
- Menu bars: every menu's title, even a hidden or disabled menu: QMenuBar grabs one for
  each of its actions, whatever their state.
- Actions with an explicit Alt+key shortcut, while enabled and on a live widget.
- Inside a menu: items that are visible and enabled (QMenu ignores the rest when it
  matches a typed letter).

Clashes read like "Alt+S: Study menu, Sessions tab".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractButton,
    QCheckBox,
    QGroupBox,
    QLabel,
    QMenu,
    QMenuBar,
    QRadioButton,
    QTabBar,
    QWidget,
    QWidgetAction,
)

__all__ = [
    "Clash",
    "Mnemonic",
    "clashes",
    "describe_clashes",
    "menu_clashes",
    "menus_of",
    "mnemonics",
    "plain",
]


@dataclass(frozen=True)
class Mnemonic:
    key: str
    """The key in Qt's portable text, "Alt+S"."""
    owner: str
    """What shows it, in words: "Study menu", "Sessions tab", "Add button"."""
    widget: QWidget | QAction


@dataclass(frozen=True)
class Clash:
    key: str
    owners: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.key}: {', '.join(self.owners)}"


def plain(text: str) -> str:
    """A label as read aloud: no mnemonic marker, no trailing colon or ellipsis."""
    shown = text.replace("&&", "\0").replace("&", "").replace("\0", "&")
    return shown.strip().rstrip(":…").rstrip(".").strip()


_ALT_KEY = re.compile(r"Alt\+(\+|[^+]+)")


def _key(sequence: QKeySequence) -> str | None:
    """The sequence as text when it is Alt and one key, nothing else held (a mnemonic)."""
    if sequence.count() != 1:
        return None
    text = sequence.toString(QKeySequence.SequenceFormat.PortableText)
    return text if _ALT_KEY.fullmatch(text) else None


def _live(widget: QWidget, window: QWidget) -> bool:
    return widget.window() is window and widget.isVisible() and widget.isEnabled()


def _button_kind(button: QAbstractButton) -> str:
    if isinstance(button, QCheckBox):
        return "check box"
    if isinstance(button, QRadioButton):
        return "option"
    return "button"


def _of_widget(widget: QWidget) -> Iterator[tuple[str | None, str, QWidget | QAction]]:
    if isinstance(widget, QAbstractButton):
        yield _key(widget.shortcut()), f"{plain(widget.text())} {_button_kind(widget)}", widget
    elif isinstance(widget, QLabel):
        if widget.buddy() is not None:
            yield (
                _key(QKeySequence.mnemonic(widget.text())),
                f"{plain(widget.text())} label",
                widget,
            )
    elif isinstance(widget, QGroupBox):
        yield _key(QKeySequence.mnemonic(widget.title())), f"{plain(widget.title())} group", widget
    elif isinstance(widget, QTabBar):
        for index in range(widget.count()):
            if widget.isTabEnabled(index) and widget.isTabVisible(index):
                text = widget.tabText(index)
                yield _key(QKeySequence.mnemonic(text)), f"{plain(text)} tab", widget
    elif isinstance(widget, QMenuBar):
        for action in widget.actions():
            if not action.isSeparator():
                text = action.text()
                yield _key(QKeySequence.mnemonic(text)), f"{plain(text)} menu", action


def _explicit_actions(window: QWidget) -> Iterator[Mnemonic]:
    """Actions given an Alt+key shortcut outright, reachable from a live widget."""
    seen: set[int] = set()
    for widget in [window, *window.findChildren(QWidget)]:
        if not _live(widget, window) or isinstance(widget, QMenu | QMenuBar):
            continue
        for action in widget.actions():
            if id(action) in seen or not action.isEnabled() or not action.isVisible():
                continue
            seen.add(id(action))
            for sequence in action.shortcuts():
                key = _key(sequence)
                if key is not None:
                    yield Mnemonic(key, f"{plain(action.text())} action", action)


def mnemonics(window: QWidget) -> list[Mnemonic]:
    """Every Alt+key the window `window` answers to now (its menus' items excepted)."""
    found: list[Mnemonic] = []
    for widget in [window, *window.findChildren(QWidget)]:
        if widget is not window and not _live(widget, window):
            continue
        for key, owner, thing in _of_widget(widget):
            if key is not None:
                found.append(Mnemonic(key, owner, thing))
    found.extend(_explicit_actions(window))
    return found


def _group(found: Iterable[Mnemonic]) -> list[Clash]:
    by_key: dict[str, list[str]] = {}
    for mnemonic in found:
        by_key.setdefault(mnemonic.key, []).append(mnemonic.owner)
    return [Clash(key, tuple(owners)) for key, owners in sorted(by_key.items()) if len(owners) > 1]


def clashes(window: QWidget) -> list[Clash]:
    """Alt+keys that two or more live owners in `window` answer to, and form labels that
    show a mnemonic but have no buddy (the "&" is drawn and Alt does nothing)."""
    return _group(mnemonics(window)) + dead_labels(window)


def dead_labels(window: QWidget) -> list[Clash]:
    found = []
    for label in window.findChildren(QLabel):
        text = label.text()
        key = _key(QKeySequence.mnemonic(text))
        if (
            key is not None
            and label.buddy() is None
            and text.rstrip().endswith(":")  # a field's label ("&File:"), not "R&D"
            and _live(label, window)
        ):
            found.append(Clash(key, (f"{plain(text)} label, which has no buddy",)))
    return found


def menu_clashes(menu: QMenu) -> list[Clash]:
    """Letters two or more items of `menu` answer to while it is open (submenus included as
    items; their own items are a menu of their own)."""
    found = []
    for action in menu.actions():
        if action.isSeparator() or not action.isVisible() or not action.isEnabled():
            continue
        if isinstance(action, QWidgetAction):  # QMenu leaves widget items out of the match
            continue
        key = _key(QKeySequence.mnemonic(action.text()))
        if key is not None:
            found.append(Mnemonic(key, f"{plain(action.text())} item", action))
    return _group(found)


def menus_of(actions: Iterable[QAction]) -> Iterator[tuple[str, QMenu]]:
    """Every menu under these actions (a menu bar's, a widget's), submenus too, with a path
    to name it by: "Study", "Study > Recent"."""

    def walk(menu: QMenu, path: str) -> Iterator[tuple[str, QMenu]]:
        yield path, menu
        for action in menu.actions():
            sub = action.menu()
            if isinstance(sub, QMenu):
                yield from walk(sub, f"{path} > {plain(action.text())}")

    for action in actions:
        menu = action.menu()
        if isinstance(menu, QMenu):
            yield from walk(menu, plain(action.text()))


def describe_clashes(where: str, found: Iterable[Clash]) -> list[str]:
    """Clashes as lines for a failure message: "main window, Participants tab: Alt+A: ..."."""
    return [f"{where}: {clash}" for clash in found]
