"""Printing and saving a blank form and a participant's copy: the PDF is made on the
database worker and kept in memory; printing paints its pages onto a QPrinter."""

from __future__ import annotations

import io
import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from plrdesk.ui.consent.printing import (
    PdfRequest,
    new_printer,
    paint_pdf,
    pdf_bytes,
    print_pdf,
    save_pdf,
)
from plrdesk.ui.context import StudyContext
from plrdesk.ui.operations import Operation, read

Run = Callable[[Operation[Any]], Any]


def text_of(data: bytes) -> str:
    return " ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def temp_leftovers() -> list[str]:
    folders = [Path(os.environ["TMPDIR"]), Path("/dev/shm")]
    return [
        p.name
        for folder in folders
        if folder.is_dir()
        for p in folder.iterdir()
        if p.name.startswith("plrdesk-print-")
    ]


def test_blank_and_copy_pdfs_are_made_in_memory(ctx: StudyContext, run: Run) -> None:
    forms = ctx.forms
    blank: bytes = run(read(pdf_bytes, forms, PdfRequest("parental-consent", "1")))
    copy: bytes = run(read(pdf_bytes, forms, PdfRequest("parental-consent", participant_ref="C1")))
    assert blank.startswith(b"%PDF")
    assert copy.startswith(b"%PDF")
    assert "Jordan Harrington" not in text_of(blank)
    assert "Jordan Harrington" in text_of(copy)  # the child the consent was given for
    assert temp_leftovers() == []


def test_a_missing_form_says_so(ctx: StudyContext, run: Run) -> None:
    forms = ctx.forms
    with pytest.raises(LookupError, match=r"^There is no form no-such-form\.$"):
        run(read(pdf_bytes, forms, PdfRequest("no-such-form")))


def test_printing_paints_every_page(
    qtbot: QtBot, ctx: StudyContext, run: Run, tmp_path: Path
) -> None:
    data: bytes = run(read(pdf_bytes, ctx.forms, PdfRequest("parent-verbal-consent")))
    expected = len(PdfReader(io.BytesIO(data)).pages)
    assert expected >= 2
    printer = new_printer("Blank form")
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    out = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(out))
    assert paint_pdf(printer, data) == expected
    assert out.read_bytes().startswith(b"%PDF")
    assert len(PdfReader(out).pages) == expected


def test_save_as_pdf_keeps_a_copy_private(qtbot: QtBot, ctx: StudyContext, tmp_path: Path) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    target = tmp_path / "copy.pdf"
    with qtbot.waitSignal(ctx.runner.sig_status, timeout=10_000) as status:
        save_pdf(parent, ctx, PdfRequest("practitioner-consent", participant_ref="P3"), target)
    assert status.args[0].startswith("Saved copy.pdf. The participant's copy shows their name")
    assert "Aisha Rahman" in text_of(target.read_bytes())
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".pdf" or "partial" in p.name] == [
        "copy.pdf"
    ]
    blank = tmp_path / "blank.pdf"
    with qtbot.waitSignal(ctx.runner.sig_status, timeout=10_000):
        save_pdf(parent, ctx, PdfRequest("practitioner-consent"), blank)
    assert stat.S_IMODE(blank.stat().st_mode) & 0o044  # a blank form holds no one's data
    assert temp_leftovers() == []


def test_print_opens_the_preview(qtbot: QtBot, ctx: StudyContext) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    print_pdf(parent, ctx, PdfRequest("child-assent"))

    def preview() -> QPrintPreviewDialog | None:
        found = [w for w in QApplication.topLevelWidgets() if isinstance(w, QPrintPreviewDialog)]
        return found[0] if found else None

    qtbot.waitUntil(lambda: preview() is not None and preview().isVisible(), timeout=10_000)  # type: ignore[union-attr]
    dialog = preview()
    assert dialog is not None
    assert dialog.windowTitle() == "Print: Blank form child-assent"
    dialog.reject()
