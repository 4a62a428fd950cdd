"""Small file helpers for tests."""

from __future__ import annotations

import hashlib
from pathlib import Path

PASSPHRASE = "plum kettle orbit seventeen"


def digest(path: Path) -> str:
    """SHA-256 of a file's bytes, to prove a failed command changed nothing."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def study_files(path: Path) -> list[Path]:
    """The study file and whichever of its WAL and shared-memory files exist."""
    candidates = [path, Path(f"{path}-wal"), Path(f"{path}-shm")]
    return [p for p in candidates if p.exists()]
