"""Starting the app with a hostile file in its forms folder: the welcome window still
comes up, with one notice naming the file and why, and the other forms work."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from plrdesk.ui.app import Started, start
from tests.forms.hostile_texts import HOSTILE, deadline, forms_home


@pytest.fixture
def started_app(qapp: QApplication) -> Iterator[list[Started]]:
    """Holds what `start` returned, to shut it down after the test."""
    started: list[Started] = []
    yield started
    for each in started:
        each.controller.shutdown()
        if each.left_out is not None:
            each.left_out.close()
        if each.controller.welcome is not None:
            each.controller.welcome.close()


def notices() -> list[QMessageBox]:
    return [
        w
        for w in QApplication.topLevelWidgets()
        if isinstance(w, QMessageBox) and w.objectName() == "formsLeftOut" and w.isVisible()
    ]


@pytest.mark.parametrize("case", ["billion-laughs", "recursive-alias", "python-tag"])
def test_the_app_starts_and_names_the_file_it_left_out(
    case: str,
    qapp: QApplication,
    qtbot: QtBot,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    started_app: list[Started],
) -> None:
    text, line, words = HOSTILE[case]
    folder = forms_home(tmp_path, monkeypatch, {f"zz-{case}.yaml": text})
    with deadline(30):
        started = start(qapp)  # the path run_app takes, short of the event loop
    started_app.append(started)
    welcome = started.controller.welcome
    assert welcome is not None
    qtbot.waitUntil(welcome.isVisible)
    [box] = notices()
    assert box is started.left_out
    assert f"zz-{case}.yaml, line {line}: {words}" in box.text()
    assert str(folder) in box.text()
    assert not box.isModal()  # the welcome window stays usable behind it
    box.close()
    assert notices() == []
    assert started.controller.forms.get("parental-consent") is not None
    assert len(started.controller.forms.forms) == 10


def test_no_notice_when_every_form_is_fine(
    qapp: QApplication,
    qtbot: QtBot,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    started_app: list[Started],
) -> None:
    forms_home(tmp_path, monkeypatch, {})
    started = start(qapp)
    started_app.append(started)
    assert started.controller.welcome is not None
    qtbot.waitUntil(started.controller.welcome.isVisible)
    assert started.left_out is None
    assert notices() == []
