"""One writer per study across processes: an OS lock on the `STUDY-lock` sidecar.

SQLite's own locks keep pages consistent, not work: without this, a command could import
into a study the app has open and the app's next save would overwrite it. The app holds
the lock while a study is open; a command holds it while it writes. The kernel drops a
`flock` when its process dies, so a lock left by a killed process is simply free again:
it is taken over without asking. The holder's pid and program are written in the file
so the one who waits can be told who holds it.

Readers do not take the lock. They take it *shared* for the moment of opening (while a
leftover `-wal` is checked, see `wal_check`) and for their closing checkpoint, so those
never run beside a writer; when a writer holds it they skip both.

The file exists only while someone holds it: the last one out removes it, holding the
lock exclusively as it does, and whoever locks a file checks afterwards that it is still
the one at the path (else someone removed it meanwhile, and it tries again).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from plrdesk.storage import driver_errors
from plrdesk.storage.errors import ReadOnlyLocation, StudyBusy

APP = "app"
COMMAND = "command"
COMMAND_WAIT_SECONDS = 5.0
_POLL_SECONDS = 0.05


def lock_path(study: Path) -> Path:
    return study.with_name(study.name + "-lock")


@dataclass(frozen=True)
class Holder:
    pid: int
    program: str  # APP or COMMAND

    def describe(self, study: Path) -> str:
        pid = f" (pid {self.pid})" if self.pid else ""
        if self.program == APP:
            return f"{study} is open in plrdesk on this computer{pid}; close it there first"
        return f"{study}: another plrdesk command is writing it{pid}; try again when it ends"


class StudyLock:
    """The held write lock of one study. Release it (or leave the `with`) to let others in."""

    def __init__(self, study: Path, fd: int) -> None:
        self.study = study
        self._fd: int | None = fd

    @classmethod
    def acquire(cls, study: Path, program: str, *, wait: float | None = None) -> StudyLock:
        """Take the lock, waiting up to `wait` seconds (default COMMAND_WAIT_SECONDS) for a
        command; never for the app, which may hold it for hours."""
        deadline = time.monotonic() + (COMMAND_WAIT_SECONDS if wait is None else wait)
        while True:
            try:
                fd = _open(study)
            except OSError as exc:  # a full disk has no room even for the lock file
                raise driver_errors.classify(exc, study) or exc from exc
            if fd is None or fcntl.fcntl(fd, fcntl.F_GETFL) & os.O_ACCMODE == os.O_RDONLY:
                if fd is not None:
                    os.close(fd)
                raise ReadOnlyLocation(f"{study} is on a read-only disk or folder")
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = _read_holder(fd)
                os.close(fd)
                if holder is not None and holder.program == APP and _alive(holder.pid):
                    raise StudyBusy(holder.describe(study)) from None
                if time.monotonic() >= deadline:
                    raise StudyBusy((holder or Holder(0, COMMAND)).describe(study)) from None
                time.sleep(_POLL_SECONDS)
                continue
            if not _still_at(fd, study):
                os.close(fd)
                continue
            try:
                os.ftruncate(fd, 0)
                os.pwrite(fd, f"{os.getpid()} {program} {Path(sys.argv[0]).name}\n".encode(), 0)
            except OSError as exc:
                os.close(fd)
                raise driver_errors.classify(exc, study) or exc from exc
            except BaseException:
                os.close(fd)
                raise
            return cls(study, fd)

    def release(self) -> None:
        if self._fd is None:
            return
        with contextlib.suppress(OSError):
            lock_path(self.study).unlink()  # while still held: see the module docstring
        os.close(self._fd)  # closing drops the flock
        self._fd = None

    def __enter__(self) -> StudyLock:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def holder(study: Path) -> Holder | None:
    """Who holds the write lock now, or None when nobody does."""
    fd = _open(study, create=False)
    if fd is None:
        return None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return _read_holder(fd) or Holder(0, COMMAND)
        return None
    finally:
        os.close(fd)


@contextlib.contextmanager
def unless_written(study: Path) -> Iterator[bool]:
    """Hold the lock shared for a moment; yields False when a writer holds it."""
    while True:
        try:
            fd = _open(study)
        except OSError:  # a full disk: no room for the lock file, and so none for a writer
            fd = None
        if fd is None:  # or a read-only folder: nobody can be writing there
            yield True
            return
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            yield False
            return
        if _still_at(fd, study):
            break
        os.close(fd)
    try:
        yield True
    finally:
        try:  # the last one out removes the file
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            with contextlib.suppress(OSError):
                lock_path(study).unlink()
        except BlockingIOError:
            pass  # another reader still has it
        finally:
            os.close(fd)


def _open(study: Path, *, create: bool = True) -> int | None:
    """A handle on the lock file, read-write when possible; None when there is none to
    be had (no file and none may be made: a read-only disk or folder)."""
    path = lock_path(study)
    try:
        return os.open(path, os.O_RDWR | os.O_CLOEXEC | (os.O_CREAT if create else 0), 0o600)
    except FileNotFoundError:
        return None
    except OSError as exc:
        if exc.errno not in (errno.EROFS, errno.EACCES, errno.EPERM):
            raise
    try:  # an existing lock file can still be locked through a read-only handle
        return os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return None


def _still_at(fd: int, study: Path) -> bool:
    """The locked file is still the one at the path (not removed by its last holder)."""
    try:
        on_disk = os.stat(lock_path(study))
    except FileNotFoundError:
        return False
    mine = os.fstat(fd)
    return (mine.st_dev, mine.st_ino) == (on_disk.st_dev, on_disk.st_ino)


def _read_holder(fd: int) -> Holder | None:
    try:
        words = os.pread(fd, 200, 0).decode("utf-8", "replace").split()
        return Holder(int(words[0]), words[1])
    except (OSError, ValueError, IndexError):
        return None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
