"""Making a new study file so that it appears only when complete.

The study is built under a hidden temporary name beside the target, closed (which
checkpoints the WAL) and renamed into place: a crash or an error part-way leaves no
half-made study at the target path.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlalchemy.orm import Session

from plrdesk.storage import files
from plrdesk.storage.errors import StudyExists
from plrdesk.storage.study_file import StudyFile


def partial_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.partial")


def remove_with_sidecars(path: Path) -> None:
    for candidate in files.family(path):
        candidate.unlink(missing_ok=True)


def create_study(
    path: Path,
    passphrase: str,
    title: str,
    fill: Callable[[Session], object] | None = None,
) -> None:
    """Create a study at `path`; `fill(db)` adds its first content in the same transaction."""
    if path.exists():
        raise StudyExists(f"{path}: a file already exists there; choose another name")
    partial = partial_path(path)
    remove_with_sidecars(partial)
    try:
        with StudyFile.create(partial, passphrase, title=title) as study:
            if fill is not None:
                with study.transaction() as db:
                    fill(db)
        files.move_into_place(partial, path)
    finally:
        remove_with_sidecars(partial)
