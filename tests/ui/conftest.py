"""UI test fixtures: an open demo study behind a runner, and its study context."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QUndoStack

from plrdesk.cli.study_commands import shipped_forms
from plrdesk.storage.study_file import StudyFile
from plrdesk.ui.context import StudyContext
from plrdesk.ui.runner import OperationRunner
from tests.support.files import PASSPHRASE


@pytest.fixture
def runner(demo_path: Path, qapp: object) -> Iterator[OperationRunner]:
    runner = OperationRunner(StudyFile.open(demo_path, PASSPHRASE))
    yield runner
    runner.close()


@pytest.fixture
def ctx(runner: OperationRunner) -> StudyContext:
    return StudyContext(runner, shipped_forms(), QUndoStack(), runner.path)
