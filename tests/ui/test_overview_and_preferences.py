"""The overview page and its to-do list; preferences; accessible names everywhere."""

from __future__ import annotations

import uuid
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot
from sqlalchemy import select
from sqlalchemy.orm import Session

from plrdesk import settings as app_settings
from plrdesk.cli.study_commands import shipped_forms
from plrdesk.domain import models as m
from plrdesk.services.overview import study_overview
from plrdesk.storage.study_file import StudyFile
from plrdesk.ui.context import StudyContext
from plrdesk.ui.controller import AppController
from plrdesk.ui.main_window import MainWindow
from plrdesk.ui.operations import read
from plrdesk.ui.overview_page import OverviewPage
from plrdesk.ui.preferences import PreferencesDialog
from tests.support.files import PASSPHRASE


def test_overview_shows_the_study(qtbot: QtBot, ctx: StudyContext) -> None:
    page = OverviewPage(ctx)
    qtbot.addWidget(page)
    qtbot.waitUntil(lambda: "Integrated working" in page.summary.text())
    text = page.summary.text()
    assert "Endorsed by Lead commissioner" in text
    assert "6 practitioner" in text
    assert "(1 withdrawn)" in text
    assert "1 focus-group" in text
    assert page.todo.item(0).text() == "1 entry flagged for safeguarding"


def test_todo_is_computed_from_the_data(demo_study: StudyFile) -> None:
    with demo_study.transaction() as db:
        child = m.Participant(ref="C9", kind="child", name="New Child", attributes={}, position=99)
        db.add(child)
        phone = db.scalars(
            select(m.StudySession).where(m.StudySession.kind == "phone-interview")
        ).first()
        assert phone is not None
        for attempt in phone.call_attempts:
            attempt.outcome = "no-answer"
    with demo_study.transaction() as db:
        todo = {item.text: item for item in study_overview(db, shipped_forms()).todo}
    assert "1 child lacks parental consent" in todo
    assert todo["1 child lacks parental consent"].targets == ("C9",)
    assert "1 child has not given their own assent" in todo
    assert "1 phone interview with no successful call" in todo
    assert todo["1 phone interview with no successful call"].target == "session"


def ref_of(db: Session, entry_id: uuid.UUID) -> str:
    return db.get_one(m.Entry, entry_id).ref


def test_todo_entries_jump(qtbot: QtBot, ctx: StudyContext) -> None:
    page = OverviewPage(ctx)
    qtbot.addWidget(page)
    qtbot.waitUntil(lambda: page.todo.count() > 0 and page.todo.item(0).data(256) is not None)
    with qtbot.waitSignal(ctx.navigator.sig_show_entry) as jumped:
        page.todo.itemActivated.emit(page.todo.item(0))
    entry_id = jumped.args[0]
    assert isinstance(entry_id, uuid.UUID)
    found: list[str] = []
    ctx.runner.run(read(ref_of, entry_id), found.append)
    qtbot.waitUntil(lambda: bool(found))
    assert found == ["E87"]


def test_preferences_change_the_lock_time(
    qtbot: QtBot, qapp: QApplication, demo_path: Path
) -> None:
    controller = AppController(qapp, shipped_forms())
    dialog = PreferencesDialog(controller.settings)
    qtbot.addWidget(dialog)
    assert dialog.lock_minutes.value() == 5
    dialog.lock_minutes.setValue(2)

    def accept_when_shown() -> None:
        shown = QApplication.activeModalWidget()
        if isinstance(shown, PreferencesDialog):
            shown.lock_minutes.setValue(2)
            shown.accept()
        else:
            QTimer.singleShot(10, accept_when_shown)

    QTimer.singleShot(0, accept_when_shown)
    controller.edit_preferences()
    assert controller.settings.auto_lock_minutes == 2
    assert app_settings.load().auto_lock_minutes == 2
    controller.shutdown()


INTERACTIVE = (
    QAbstractButton,
    QLineEdit,
    QComboBox,
    QAbstractSpinBox,
    QAbstractItemView,
    QTextEdit,
    QPlainTextEdit,
)


def unnamed_controls(root: QWidget) -> list[str]:
    """Interactive widgets a screen reader could not name: no accessible name, no text of
    their own, and no label pointing at them."""
    from PySide6.QtWidgets import QLabel

    buddied = {label.buddy() for label in root.findChildren(QLabel) if label.buddy() is not None}
    missing = []
    for widget in root.findChildren(QWidget):
        if not isinstance(widget, INTERACTIVE) or not widget.isVisibleTo(root):
            continue
        if widget.accessibleName() or widget in buddied:
            continue
        if isinstance(widget, QAbstractButton) and widget.text().replace("&", "").strip():
            continue
        parent = widget.parentWidget()
        if isinstance(parent, QComboBox | QAbstractSpinBox | QAbstractItemView):
            continue  # Qt's own inner widgets take the outer control's name
        missing.append(f"{type(widget).__name__} {widget.objectName()!r}")
    return missing


def test_every_control_in_the_main_window_has_a_name(qtbot: QtBot, ctx: StudyContext) -> None:
    window = MainWindow(ctx.runner, ctx.forms)
    qtbot.addWidget(window)
    window.show()
    for index in range(window.tabs.count()):
        window.tabs.setCurrentIndex(index)
        qtbot.waitUntil(lambda: window.tabs.currentWidget().isVisible())
    missing = []
    for index in range(window.tabs.count()):
        window.tabs.setCurrentIndex(index)
        missing += unnamed_controls(window.tabs.currentWidget())
    assert missing == []


def test_using_the_app_writes_nothing_identifying_outside_the_study(
    qtbot: QtBot, qapp: QApplication, demo_path: Path
) -> None:
    """Open the demo in the app, look at every page, lock, close: no participant's name
    appears in any file under HOME or the temp folder (settings, Qt caches, logs)."""
    import os

    controller = AppController(qapp, shipped_forms())
    controller.open_path(demo_path)
    assert controller.dialog is not None
    qtbot.keyClicks(controller.dialog.first, PASSPHRASE)
    controller.dialog.accept()
    with qtbot.waitSignal(controller.sig_study_opened, timeout=10_000) as opened:
        pass
    window = opened.args[0]
    for index in range(window.tabs.count()):
        window.tabs.setCurrentIndex(index)
    qtbot.waitUntil(lambda: "Integrated" in window.overview.summary.text())
    controller.lock()
    controller.shutdown()
    names = [b"Helen Whitaker", b"Jordan Harrington", b"Lisa Harrington", b"07700 900"]
    roots = {Path(os.environ["HOME"]), Path(os.environ["TMPDIR"])}
    leaks = []
    for root in roots:
        for path in root.rglob("*"):
            if path.is_file() and path.resolve() != demo_path.resolve():
                data = path.read_bytes()
                leaks += [f"{path}: {n!r}" for n in names if n in data]
    assert leaks == []
