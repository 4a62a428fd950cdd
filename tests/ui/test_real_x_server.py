"""The app runs under a real X server (Qt's xcb platform), not only offscreen.

There is no window manager on the Xvfb display, so nobody but the app itself hands the
keyboard to a window it shows: a key typed with xdotool reaches a window only if the app
gave it the focus, as a researcher expects when a dialog replaces the window they typed in.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path

import pytest

from tests.support.files import PASSPHRASE
from tests.support.xvfb import xvfb_display

STEP_TIMEOUT_S = 30

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


def _xdotool(env: Mapping[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["xdotool", *args], env=env, capture_output=True, text=True, timeout=STEP_TIMEOUT_S
    )


def _what_the_app_said(app: subprocess.Popen[bytes], log: Path) -> str:
    state = "still running" if app.poll() is None else f"exited with {app.returncode}"
    return f"the app is {state}; its output:\n{log.read_text(errors='replace')[-3000:]}"


def _window_named(
    env: Mapping[str, str], pattern: str, app: subprocess.Popen[bytes], log: Path
) -> str:
    """The id of the visible window whose title matches `pattern`, once it is mapped;
    fails at once if the app ends first."""
    search = subprocess.Popen(
        ["xdotool", "search", "--sync", "--onlyvisible", "--name", pattern],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + STEP_TIMEOUT_S
    try:
        while app.poll() is None and time.monotonic() < deadline:
            try:
                out, err = search.communicate(timeout=0.2)  # waits on the search, not a nap
            except subprocess.TimeoutExpired:
                continue
            assert search.returncode == 0, err
            return out.split()[0]
    finally:
        if search.poll() is None:
            search.kill()
            search.communicate(timeout=10)
    pytest.fail(f"no window {pattern!r} appeared; " + _what_the_app_said(app, log))


def _has_the_keyboard(
    env: Mapping[str, str], window: str, app: subprocess.Popen[bytes], log: Path
) -> None:
    """Wait until X gives `window` the input focus (the app asks for it as it shows it)."""
    deadline = time.monotonic() + STEP_TIMEOUT_S
    focus = ""
    while time.monotonic() < deadline and app.poll() is None:
        focus = _xdotool(env, "getwindowfocus", "-f").stdout.strip()
        if focus == window:
            return
    pytest.fail(
        f"window {window} never got the keyboard (it went to {focus!r}); "
        + _what_the_app_said(app, log)
    )


def test_open_file_then_lock_and_unlock_twice_on_a_real_x_display(tmp_path: Path) -> None:
    """`plrdesk open FILE` asks for the passphrase, typed with the keyboard; Ctrl+L locks
    and the passphrase unlocks again, twice; the app is running throughout (issue 10)."""
    study = tmp_path / "demo.plr"
    base = {
        key: value
        for key, value in os.environ.items()
        if key not in ("PLRDESK_PASSPHRASE", "PLRDESK_NEW_PASSPHRASE")
    }
    made = subprocess.run(
        [sys.executable, "-m", "plrdesk", "demo", str(study), "--allow-weak"],
        env={**base, "PLRDESK_PASSPHRASE": PASSPHRASE},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert made.returncode == 0, made.stderr
    log = tmp_path / "app.log"
    with xvfb_display() as display, log.open("wb") as out:
        env = {
            **base,
            "DISPLAY": display,
            "QT_QPA_PLATFORM": "xcb",
            "HOME": str(tmp_path),
            "XDG_CONFIG_HOME": str(tmp_path / ".config"),
        }
        # No PLRDESK_PASSPHRASE: the app asks in its dialog, which is its only window.
        app = subprocess.Popen(
            [sys.executable, "-m", "plrdesk", "open", str(study)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            main_title = "^demo\\.plr .+ plrdesk$"  # .+: the en dash is several bytes to X
            seen: set[str] = set()
            for step in ("open", "unlock after the first Ctrl+L", "unlock after the second"):
                dialog = _window_named(env, "^Unlock study$", app, log)
                _has_the_keyboard(env, dialog, app, log)
                typed = _xdotool(env, "type", "--delay", "20", PASSPHRASE)
                assert typed.returncode == 0, typed.stderr
                _xdotool(env, "key", "Return")
                window = _window_named(env, main_title, app, log)
                assert window not in seen, f"{step}: still the window from before the lock"
                seen.add(window)
                assert app.poll() is None, f"{step}: " + _what_the_app_said(app, log)
                _has_the_keyboard(env, window, app, log)
                if step != "unlock after the second":
                    _xdotool(env, "key", "ctrl+l")
            assert app.poll() is None, _what_the_app_said(app, log)
            assert "RuntimeError" not in log.read_text(errors="replace"), log.read_text()
        finally:
            app.terminate()
            try:
                app.wait(timeout=10)
            except subprocess.TimeoutExpired:
                app.kill()
                app.wait(timeout=10)
