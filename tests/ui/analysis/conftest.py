"""Fixtures of the Analysis tab's tests: the theme panel on the demo study, shown in an
active window (its shortcuts need one), and the status-bar messages said meanwhile."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from plrdesk.ui.analysis.theme_panel import ThemePanel
from plrdesk.ui.context import StudyContext


@pytest.fixture
def panel(qtbot: QtBot, ctx: StudyContext) -> Iterator[ThemePanel]:
    panel = ThemePanel(ctx)
    qtbot.addWidget(panel)
    panel.resize(420, 600)
    with qtbot.waitExposed(panel):
        panel.show()
    with qtbot.waitActive(panel):
        panel.activateWindow()  # shortcuts need an active window
    qtbot.waitUntil(lambda: len(panel.model.rows()) == 5)
    yield panel
    ctx.undo.clear()


@pytest.fixture
def statuses(ctx: StudyContext) -> list[str]:
    seen: list[str] = []
    ctx.runner.sig_status.connect(seen.append)
    return seen
