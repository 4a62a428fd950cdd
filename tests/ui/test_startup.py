"""Start-up: the first window is painted before the rest is loaded behind it, and the
composition root imports nothing heavy of its own (docs/performance.md, "Start-up";
bench/startup.py measures the time).

Each check runs a fresh interpreter: this test process has imported everything already.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = (
    "sqlalchemy",
    "sqlcipher3",
    "reportlab",
    "pydantic",
    "yaml",
    "plrdesk.forms.schema",
    "plrdesk.storage.study_file",
    "plrdesk.ui.main_window",
)
SPY = """
import json, sys
from PySide6.QtWidgets import QApplication
import plrdesk.ui.app as root
heavy = set(sys.argv[1:])
seen = {}
root._report_time = lambda what: seen.setdefault(what, sorted(heavy & set(sys.modules)))
app = QApplication(sys.argv[:1])
started = root.start(app)
assert started.controller.welcome is not None and started.controller.welcome.isVisible()
print(json.dumps(seen))
"""


def fresh_python(tmp_path: Path, code: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "HOME": str(tmp_path),
        "XDG_CONFIG_HOME": str(tmp_path / ".config"),
    }
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("module", ["plrdesk.ui.app", "plrdesk.ui.welcome", "plrdesk.ui.help"])
def test_the_composition_roots_modules_import_nothing_heavy(tmp_path: Path, module: str) -> None:
    done = fresh_python(
        tmp_path,
        f"import sys, {module}; print(sorted(set(sys.argv[1:]) & set(sys.modules)))",
        *HEAVY,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]", f"importing {module} imports {done.stdout.strip()}"


def test_the_rest_is_loaded_after_the_welcome_is_painted_and_before_the_event_loop(
    tmp_path: Path,
) -> None:
    import json

    done = fresh_python(tmp_path, SPY, *HEAVY)
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.splitlines()[-1])
    assert list(seen) == ["painted", "ready"]  # in that order
    assert seen["ready"] == sorted(HEAVY)  # a first click waits for no import


def test_nothing_heavy_is_imported_before_the_welcome_is_painted(tmp_path: Path) -> None:
    import json

    done = fresh_python(tmp_path, SPY, *HEAVY)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.splitlines()[-1])["painted"] == []


def test_startup_times_are_printed_only_when_asked_for(tmp_path: Path) -> None:
    """PLRDESK_STARTUP_TIMES=1 (bench/startup.py) prints two lines and changes nothing."""
    for asked in (True, False):
        env = {
            **os.environ,
            "QT_QPA_PLATFORM": "offscreen",
            "HOME": str(tmp_path),
            "XDG_CONFIG_HOME": str(tmp_path / ".config"),
        }
        env.pop("PLRDESK_STARTUP_TIMES", None)
        if asked:
            env["PLRDESK_STARTUP_TIMES"] = "1"
        code = (
            "import sys; from PySide6.QtCore import QTimer; from PySide6.QtWidgets import"
            " QApplication; import plrdesk.ui.app as a; app = QApplication(sys.argv[:1]);"
            " s = a.start(app); QTimer.singleShot(0, app.quit); sys.exit(app.exec())"
        )
        done = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, done.stderr
        lines = [line.split() for line in done.stderr.splitlines() if "plrdesk-startup" in line]
        if not asked:
            assert lines == []
            continue
        assert [words[:2] for words in lines] == [
            ["plrdesk-startup", "painted"],
            ["plrdesk-startup", "ready"],
        ]
        assert float(lines[0][2]) <= float(lines[1][2])
