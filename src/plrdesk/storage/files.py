"""Where plrdesk may write, and how: the only place that puts a file on disk.

* `write_atomically`: a temporary file beside the target, fsynced, renamed over it, and
  the folder fsynced, so a crash leaves the old file or the new one, never half of one.
* One permission policy: `private=True` (0600) for anything that holds participant data;
  otherwise the user's umask applies (blank forms, converted XLSForms, codebooks).
  Anonymised exports are private too (docs/decisions.md: the anonymiser's recall on
  unregistered names is below 1, and a researcher shares a file by choice, not by mode).
* The study guard: no output may replace a study or one of its sidecars (`-wal`, `-shm`,
  `-journal`, `-lock`), by any spelling of the path: relative, absolute, a symlink or a
  hard link. Every study this process opens is protected while it is open, and any
  existing `.plr` file is protected from outputs that are not backups.
* The study lock lives in `plrdesk.storage.study_lock`; its sidecar is guarded here too.
"""

from __future__ import annotations

import collections
import contextlib
import errno
import os
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

from plrdesk.storage import driver_errors
from plrdesk.storage.errors import WouldOverwriteStudy

STUDY_SUFFIX = ".plr"
SIDECAR_SUFFIXES = ("-wal", "-shm", "-journal", "-lock")

_open_studies: collections.Counter[Path] = collections.Counter()  # a study open twice: 2
_open_lock = threading.Lock()


def sidecars(study: Path) -> list[Path]:
    return [study.with_name(study.name + suffix) for suffix in SIDECAR_SUFFIXES]


def family(study: Path) -> list[Path]:
    """The study file and every file SQLite or plrdesk keeps beside it."""
    return [study, *sidecars(study)]


@contextlib.contextmanager
def protected(study: Path) -> Iterator[None]:
    """While open, no output of this process may land on `study` or its sidecars."""
    resolved = study.resolve()
    with _open_lock:
        _open_studies[resolved] += 1
    try:
        yield
    finally:
        with _open_lock:
            _open_studies[resolved] -= 1
            if _open_studies[resolved] <= 0:
                del _open_studies[resolved]


def refuse_study_target(target: Path, *, study: Path | None = None, backup: bool = False) -> None:
    """Raise WouldOverwriteStudy if writing `target` would replace a study or its sidecar.

    `study` names the command's own study (checked even before it is opened). A backup may
    replace another existing `.plr` file (with --overwrite); no other output may.
    """
    with _open_lock:
        studies = set(_open_studies)  # the paths open now (the counter's keys)
    if study is not None:
        studies.add(study.resolve())
    where = target.resolve()
    for one in studies:
        for member in family(one):
            if where == member or _same_file(target, member):
                part = " itself" if member == one else f"'s {member.name[len(one.name) :]} file"
                raise WouldOverwriteStudy(
                    f"{target}: cannot overwrite the study {one.name}{part};"
                    " choose another name; nothing was written"
                )
    if not backup and target.exists() and _looks_like_study(where):
        raise WouldOverwriteStudy(
            f"{target}: cannot overwrite a plrdesk study file; choose another name;"
            " nothing was written"
        )


def _same_file(a: Path, b: Path) -> bool:
    """True when both paths exist and are one file on disk (a hard link, a bind mount)."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _looks_like_study(path: Path) -> bool:
    if path.name.endswith(STUDY_SUFFIX):
        return True
    for suffix in SIDECAR_SUFFIXES:
        if path.name.endswith(suffix) and path.with_name(path.name[: -len(suffix)]).exists():
            return True
    return False


Writer = Callable[[BinaryIO], None]


def write_atomically(
    target: Path,
    content: bytes | Writer,
    *,
    private: bool,
    study: Path | None = None,
) -> None:
    """Write `content` (bytes, or a function writing to a binary stream) to `target` whole
    or not at all. Refuses study files first, so nothing is written."""
    refuse_study_target(target, study=study)
    if target.is_dir():
        raise IsADirectoryError(errno.EISDIR, "is a folder, not a file name", str(target))
    folder = target.parent
    if not folder.is_dir():
        raise FileNotFoundError(errno.ENOENT, "no such folder", str(folder))
    try:
        handle, temp_name = tempfile.mkstemp(
            prefix=f".{target.name}.", suffix=".partial", dir=folder
        )
    except OSError as exc:
        if exc.errno in (errno.EROFS, errno.EACCES):
            raise driver_errors.read_only(target) from exc
        raise
    temp = Path(temp_name)
    try:
        with os.fdopen(handle, "wb") as out:  # mkstemp makes it 0600: private until renamed
            if isinstance(content, bytes):
                out.write(content)
            else:
                content(out)
            out.flush()
            os.fsync(out.fileno())
        if not private:
            temp.chmod(0o666 & ~_umask())
        move_into_place(temp, target)
    except OSError as exc:
        temp.unlink(missing_ok=True)
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            raise driver_errors.disk_full(target) from exc
        if exc.errno == errno.EROFS:
            raise driver_errors.read_only(target) from exc
        raise
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def move_into_place(source: Path, target: Path) -> None:
    """Rename a finished file over `target` and make the rename itself durable."""
    os.replace(source, target)
    fsync(target.parent)


def fsync(path: Path) -> None:
    """Flush a file, or a folder's entries (a rename in it), to disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _umask() -> int:
    # os.umask can only be read by setting it; set it back at once.
    current = os.umask(0o022)
    os.umask(current)
    return current
