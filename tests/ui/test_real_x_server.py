"""The app runs under a real X server (Qt's xcb platform), not only offscreen."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.xvfb import xvfb_display

pytestmark = pytest.mark.skipif(
    shutil.which("Xvfb") is None or shutil.which("xdotool") is None,
    reason="needs Xvfb and xdotool (installed by .ci/run)",
)


def test_the_welcome_window_appears_on_a_real_x_display(tmp_path: Path) -> None:
    with xvfb_display() as display:
        env = {
            **os.environ,
            "DISPLAY": display,
            "QT_QPA_PLATFORM": "xcb",
            "HOME": str(tmp_path),
            "XDG_CONFIG_HOME": str(tmp_path / ".config"),
        }
        app = subprocess.Popen(
            [sys.executable, "-m", "plrdesk"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        try:
            # xdotool --sync waits until a window with that name is mapped.
            found = subprocess.run(
                ["xdotool", "search", "--sync", "--onlyvisible", "--name", "^plrdesk$"],
                env=env,
                capture_output=True,
                text=True,
                timeout=30,
            )
            assert found.returncode == 0, "no plrdesk window appeared on the X display"
            window = found.stdout.split()[0]
            geometry = subprocess.run(
                ["xdotool", "getwindowgeometry", window], env=env, capture_output=True, text=True
            )
            assert "Geometry:" in geometry.stdout
            assert app.poll() is None, "the app exited instead of showing its window"
        finally:
            app.terminate()
            app.wait(timeout=10)
