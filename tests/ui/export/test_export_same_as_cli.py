"""The app's export is the command line's: for the same study, format and threshold, and a
review that changed nothing, Prepare export writes the very bytes `plrdesk export` writes.
Both run with the real anonymiser on one demo study file: the command first, then the app
opens the study and exports it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from plrdesk.cli.exit_codes import Exit
from plrdesk.storage.study_file import StudyFile
from plrdesk.ui.context import StudyContext
from plrdesk.ui.export.review_dialog import ReviewDialog
from plrdesk.ui.export.review_parts import HIDE_OFF
from plrdesk.ui.runner import OperationRunner
from tests.conftest import CliResult
from tests.support.files import PASSPHRASE

WAIT_MS = 30_000


@pytest.fixture
def by_cli(
    demo_path: Path, cli: Callable[..., CliResult], tmp_path: Path, fmt: str, below: int | None
) -> Path:
    """`plrdesk export` of the demo in `fmt` with `below` (the test's parameters)."""
    threshold = [] if below is None else ["--suppress-below", str(below)]
    out = tmp_path / f"cli.{fmt}"
    result = cli("export", demo_path, "--format", fmt, "-o", out, *threshold)
    assert result.code == Exit.OK, result.err
    return out


@pytest.fixture
def runner(by_cli: Path, demo_path: Path, qapp: object) -> Iterator[OperationRunner]:
    """The app's study, opened once the command has let it go: the app keeps its study to
    itself (a command's audit line written meanwhile would look like a replaced file)."""
    runner = OperationRunner(StudyFile.open(demo_path, PASSPHRASE))
    yield runner
    runner.close()


def app_export(qtbot: QtBot, ctx: StudyContext, fmt: str, below: int | None, out: Path) -> bytes:
    dialog = ReviewDialog(ctx)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.sig_review_loaded, timeout=WAIT_MS):
        dialog.show()
    dialog.format.setCurrentIndex(dialog.format.findData(fmt))
    dialog.hide_below.setValue(HIDE_OFF if below is None else below)
    dialog.output.setText(str(out))
    assert dialog.model.changed_decisions() == ([], [])  # the review changes nothing
    with qtbot.waitSignal(dialog.sig_exported, timeout=WAIT_MS) as exported:
        dialog.export_button.click()
    assert exported.args[0].report.suppress_below == below
    return out.read_bytes()


@pytest.mark.parametrize("fmt", ["md", "json"])
@pytest.mark.parametrize("below", [None, 3])
def test_the_app_writes_the_bytes_the_command_line_writes(
    qtbot: QtBot, ctx: StudyContext, by_cli: Path, tmp_path: Path, fmt: str, below: int | None
) -> None:
    by_app = app_export(qtbot, ctx, fmt, below, tmp_path / f"app.{fmt}")

    assert by_app == by_cli.read_bytes()
    suppressed = "fewer than 3" in by_app.decode("utf-8")
    assert suppressed == (below is not None)  # the threshold reached the file, or none did
