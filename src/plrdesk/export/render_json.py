"""summary-json-v1: the contract's JSON, keys in its order, UTF-8, indent 2."""

from __future__ import annotations

from typing import BinaryIO

from plrdesk.export.model import ExportBundle


def render(bundle: ExportBundle, out: BinaryIO) -> None:
    out.write(bundle.summary.to_json().encode("utf-8"))
