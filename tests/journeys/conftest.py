"""Journey fixtures: the real AppController, shut down after each test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QApplication

from plrdesk.cli.study_commands import shipped_forms
from plrdesk.ui.controller import AppController


@pytest.fixture
def controller(qapp: QApplication) -> Iterator[AppController]:
    controller = AppController(qapp, shipped_forms())
    yield controller
    controller.shutdown()  # harmless when the test already shut it down
    if controller.welcome is not None:
        controller.welcome.close()
