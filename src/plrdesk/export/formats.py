"""The export formats, and writing one atomically (a temporary file, then a rename, so a
failed export never leaves half a file where the last good one was)."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from plrdesk.export.model import ExportBundle
from plrdesk.storage.files import write_atomically

Renderer = Callable[[ExportBundle, BinaryIO], None]

# format -> the file suffix a researcher expects
FORMATS: dict[str, str] = {
    "json": ".json",
    "md": ".md",
    "pdf": ".pdf",
    "docx": ".docx",
    "csv": ".csv",
    "qdpx": ".qdpx",
}


def renderer(fmt: str) -> Renderer:
    """The format's renderer; each is imported only when used (reportlab, python-docx)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    found: Renderer = importlib.import_module(f"plrdesk.export.render_{fmt}").render
    return found


def write_export(bundle: ExportBundle, fmt: str, path: Path) -> None:
    """Render `bundle` as `fmt` into `path`, atomically, owner-only (storage.files says why)."""
    render = renderer(fmt)
    write_atomically(path, lambda out: render(bundle, out), private=True)
