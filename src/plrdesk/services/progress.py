"""Progress and cancellation for long operations, without Qt.

A long operation calls `progress.step(done, total)` now and then; when the user has
pressed Cancel, that call raises `Cancelled`, and the operation's transaction rolls back.
"""

from __future__ import annotations

import threading
from collections.abc import Callable


class Cancelled(Exception):
    """The user cancelled; nothing the operation did is kept."""


class Progress:
    def __init__(self, report: Callable[[int, int], None] | None = None) -> None:
        self._report = report
        self._cancelled = threading.Event()

    def step(self, done: int, total: int) -> None:
        if self._cancelled.is_set():
            raise Cancelled
        if self._report is not None:
            self._report(done, total)

    def cancel(self) -> None:
        """Safe to call from any thread."""
        self._cancelled.set()

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()


NO_PROGRESS = Progress()
