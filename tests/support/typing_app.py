"""Crash-test helper: the real notes widget, entry editor, autosave and runner on a study,
typing one letter every INTERVAL ms into a new note until it is killed.

    python -m tests.support.typing_app STUDY [--interval-ms 20] [--limit-s 15]

It prints `entry <uuid>` once the note exists, then `typed <n> <monotonic seconds>` after
each keystroke (flushed at once), so the killer knows what was on screen and when. The
letters are `typed_text(n)`: a pattern, so the saved text can be checked as a prefix.
It stops by itself after --limit-s seconds (a test that forgot to kill it).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ALPHABET = "abcdefghijklmnopqrstuvwxyz"


def say(line: str) -> None:
    """One line to the parent, on its way at once (the process may be killed any moment)."""
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def typed_text(n: int) -> str:
    """The first `n` letters the helper types."""
    return "".join(ALPHABET[i % len(ALPHABET)] for i in range(n))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("study", type=Path)
    parser.add_argument("--session", default="S1")
    parser.add_argument("--interval-ms", type=int, default=20)
    parser.add_argument("--limit-s", type=float, default=15.0)
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    from PySide6.QtCore import QEventLoop, Qt, QTimer
    from PySide6.QtGui import QUndoStack
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from plrdesk.cli.study_commands import shipped_forms
    from plrdesk.services.sessions import session_detail
    from plrdesk.storage.study_file import StudyFile
    from plrdesk.ui.context import StudyContext
    from plrdesk.ui.operations import read
    from plrdesk.ui.runner import OperationRunner
    from plrdesk.ui.sessions.document import SessionDocument
    from plrdesk.ui.sessions.guide_notes import GuideNotes
    from tests.support.files import PASSPHRASE

    app = QApplication([])
    runner = OperationRunner(StudyFile.open(args.study, PASSPHRASE))
    forms = shipped_forms()
    ctx = StudyContext(runner, forms, QUndoStack(), args.study)
    loaded: list[object] = []
    runner.run(read(session_detail, args.session), loaded.append)
    while not loaded:
        app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents, 50)
    detail = loaded[0]
    guide = forms.get("practitioner-interview")
    doc = SessionDocument(ctx, detail, guide)  # type: ignore[arg-type]
    notes = GuideNotes(doc)
    notes.resize(900, 700)
    notes.show()
    notes.activateWindow()
    editor = notes.add_note(section=notes.sections["improvements"])

    count = 0
    deadline = time.monotonic() + args.limit_s

    def type_one() -> None:
        nonlocal count
        if time.monotonic() > deadline:
            app.quit()
            return
        letter = ALPHABET[count % len(ALPHABET)]
        QTest.keyClick(editor.text, getattr(Qt.Key, f"Key_{letter.upper()}"))
        count += 1
        if count == 1:
            assert editor.record is not None
            say(f"entry {editor.record.id}")
        say(f"typed {count} {time.monotonic():.6f}")

    ticker = QTimer()
    ticker.setTimerType(Qt.TimerType.PreciseTimer)
    ticker.setInterval(args.interval_ms)
    ticker.timeout.connect(type_one)
    ticker.start()
    app.exec()
    doc.autosave.flush()
    runner.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
