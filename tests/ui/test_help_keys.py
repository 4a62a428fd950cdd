"""The shortcut sheet's keys as a real keyboard types them, on a real X server.

Ctrl+? is no key of its own: on a US or UK keyboard it is Ctrl+Shift+/, and X reports the
"?" that makes with Shift held. Qt's X11 key handling matches that against Ctrl+?; the
offscreen platform of the other tests cannot, so this one types it with xdotool into the
welcome window of a real `plrdesk` process (and F1 after Escape closed the sheet).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.support.xvfb import xvfb_display
from tests.ui.test_real_x_server import STEP_TIMEOUT_S, _has_the_keyboard, _window_named, _xdotool

pytestmark = pytest.mark.skipif(
    shutil.which("Xvfb") is None or shutil.which("xdotool") is None,
    reason="needs Xvfb and xdotool (installed by .ci/run)",
)
SHEET = "^Keyboard shortcuts .+ plrdesk$"  # .+: the en dash is several bytes to X


def _gone(env: dict[str, str], pattern: str, app: subprocess.Popen[bytes]) -> bool:
    """Whether no visible window matches `pattern` any more (asks X until it says so)."""
    deadline = time.monotonic() + STEP_TIMEOUT_S
    while time.monotonic() < deadline and app.poll() is None:
        if _xdotool(env, "search", "--onlyvisible", "--name", pattern).returncode != 0:
            return True
    return False


def test_ctrl_shift_slash_and_f1_open_the_sheet_on_a_real_x_display(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    with xvfb_display() as display, log.open("wb") as out:
        env = {
            **os.environ,
            "DISPLAY": display,
            "QT_QPA_PLATFORM": "xcb",
            "HOME": str(tmp_path),
            "XDG_CONFIG_HOME": str(tmp_path / ".config"),
        }
        app = subprocess.Popen(
            [sys.executable, "-m", "plrdesk"], env=env, stdout=out, stderr=subprocess.STDOUT
        )
        try:
            welcome = _window_named(env, "^plrdesk$", app, log)
            for key in ("ctrl+shift+slash", "F1"):
                _has_the_keyboard(env, welcome, app, log)
                assert _xdotool(env, "key", key).returncode == 0
                sheet = _window_named(env, SHEET, app, log)
                _has_the_keyboard(env, sheet, app, log)
                _xdotool(env, "key", "Escape")
                assert _gone(env, SHEET, app), f"{key}: Escape did not close the sheet"
            assert app.poll() is None, log.read_text(errors="replace")
        finally:
            app.terminate()
            try:
                app.wait(timeout=10)
            except subprocess.TimeoutExpired:
                app.kill()
                app.wait(timeout=10)
