"""Print… and Save as PDF… for a blank consent form and for a participant's copy.

The PDF is made in memory by plrdesk.printing.render_form on the database worker, with a
progress dialog (ui.long_work). Its bytes are then kept in memory: Save as PDF writes them where the
researcher chose (a participant's copy readable by its owner only), and Print shows Qt's
print preview, whose Print button opens the system print dialog; each page is rasterised
with pypdfium2 (PySide6-Essentials has no QtPdf) and painted onto the printer.

No temporary file is ever written: a participant's copy exists only in memory until the
researcher saves it.

Before the preview or the save, a form that would print a blank where a study detail
belongs (no researcher, organisation or contact yet) says which, in a question that does
not block the window: "Fill them in…" opens Study details and, once they are saved, makes
the PDF again; "Print anyway" (or "Save anyway") goes on with the blanks; Cancel stops.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium  # type: ignore[import-untyped, unused-ignore]
from PySide6.QtCore import QRectF, QSizeF, Qt, QTimer
from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPainter
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import QAbstractButton, QFileDialog, QMessageBox, QWidget
from sqlalchemy.orm import Session

from plrdesk.domain.study_details import in_words
from plrdesk.forms.catalog import FormCatalog
from plrdesk.forms.loader import LoadedForm
from plrdesk.printing.form_pdf import render_form
from plrdesk.services.progress import Progress
from plrdesk.services.study_details import missing_for_form, study_details
from plrdesk.services.study_forms import catalog_for
from plrdesk.storage.files import write_atomically
from plrdesk.ui.context import StudyContext
from plrdesk.ui.long_work import run_with_progress
from plrdesk.ui.operations import read
from plrdesk.ui.study_details_dialog import edit_study_details

MAX_PRINT_DPI = 300
"""Pages are rasterised at the printer's resolution up to this: 300 dpi prints text
cleanly, and an A4 page stays about 26 MB while the preview holds it."""

COPY_NOTE = "The participant's copy shows their name: keep the file somewhere safe."


@dataclass(frozen=True)
class PdfRequest:
    """Which PDF: a form (at a version, or the latest), blank or as a participant's copy."""

    form_id: str
    version: str | None = None
    participant_ref: str | None = None  # a participant's copy of the consent they gave
    large_print: bool = False

    @property
    def is_copy(self) -> bool:
        return self.participant_ref is not None

    def file_name(self) -> str:
        """A suggested file name: the participant's ref, never their name."""
        if self.participant_ref is not None:
            return f"{self.form_id}-{self.participant_ref}-copy.pdf"
        return f"{self.form_id}{f'-v{self.version}' if self.version else ''}.pdf"


# -- making the PDF (on the database worker; no Qt) ---------------------------------------


@dataclass(frozen=True)
class MadePdf:
    data: bytes
    missing: tuple[str, ...]
    """The study details the form prints that are blank ("researcher", "contact" ...)."""


def _loaded(db: Session, shipped: FormCatalog, request: PdfRequest) -> LoadedForm:
    loaded: LoadedForm | None = catalog_for(db, shipped).loaded(request.form_id, request.version)
    if loaded is None:
        version = f" version {request.version}" if request.version else ""
        raise LookupError(f"There is no form {request.form_id}{version}.")
    return loaded


def made_pdf(
    db: Session, shipped: FormCatalog, request: PdfRequest, *, progress: Progress | None = None
) -> MadePdf:
    """The PDF for `request` and the study details it leaves blank, in one read."""
    loaded = _loaded(db, shipped, request)
    data = pdf_bytes(db, shipped, request, progress=progress, loaded=loaded)
    return MadePdf(data, tuple(missing_for_form(study_details(db), loaded.definition)))


def pdf_bytes(
    db: Session,
    shipped: FormCatalog,
    request: PdfRequest,
    *,
    progress: Progress | None = None,
    loaded: LoadedForm | None = None,
) -> bytes:
    """The PDF for `request`, built in memory (a participant's copy never touches disk).

    It stays here rather than in services: it renders with plrdesk.printing, a layer above
    services."""
    if progress is not None:
        progress.step(0, 1)
    if loaded is None:
        loaded = _loaded(db, shipped, request)
    data, _pages = render_form(
        db,
        loaded,
        large_print=request.large_print,
        participant_ref=request.participant_ref,
        shipped=shipped,
    )
    if progress is not None:
        progress.step(1, 1)
    return data


def paint_pdf(printer: QPrinter, data: bytes) -> int:
    """Paint every page of the PDF `data` onto `printer`; return the number of pages."""
    document = pdfium.PdfDocument(data)
    painter = QPainter()
    try:
        printer.setFullPage(True)  # the PDF carries its own margins
        if not painter.begin(printer):
            raise OSError("The printer could not be started.")
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        dpi = min(printer.resolution(), MAX_PRINT_DPI)
        pages = len(document)
        for index in range(pages):
            if index > 0 and not printer.newPage():
                raise OSError("The printer could not start a new page.")
            page = document[index]
            try:
                width_pt, height_pt = page.get_size()
                bitmap = page.render(scale=dpi / 72, rev_byteorder=True, prefer_bgrx=True)
                try:
                    image = QImage(
                        memoryview(bitmap.buffer),
                        bitmap.width,
                        bitmap.height,
                        bitmap.stride,
                        QImage.Format.Format_RGBX8888,
                    ).copy()  # own the pixels before pdfium frees its buffer
                finally:
                    bitmap.close()
            finally:
                page.close()
            painter.drawImage(_fit(printer, QSizeF(width_pt, height_pt)), image)
        return pages
    finally:
        if painter.isActive():
            painter.end()
        document.close()


def _fit(printer: QPrinter, page_points: QSizeF) -> QRectF:
    """Where a PDF page goes on the paper, in device pixels: as large as fits, centred."""
    paper = QRectF(printer.pageLayout().fullRectPixels(printer.resolution()))
    scale = min(paper.width() / page_points.width(), paper.height() / page_points.height())
    width, height = page_points.width() * scale, page_points.height() * scale
    return QRectF(
        paper.x() + (paper.width() - width) / 2,
        paper.y() + (paper.height() - height) / 2,
        width,
        height,
    )


def new_printer(title: str) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setDocName(title)  # seen in print queues: never a participant's name
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    printer.setPageOrientation(QPageLayout.Orientation.Portrait)
    return printer


class PdfPreview(QPrintPreviewDialog):
    """Qt's print preview of a PDF; its Print button opens the system print dialog.

    It owns its printer: the C++ dialog only points at it."""

    def __init__(self, data: bytes, title: str, parent: QWidget | None = None) -> None:
        self._keep_printer = new_printer(title)
        super().__init__(self._keep_printer, parent)
        self.setWindowTitle(f"Print: {title}")
        self.pages = 0
        self.paintRequested.connect(self._paint)
        self._data = data

    def _paint(self, printer: QPrinter) -> None:
        self.pages = paint_pdf(printer, self._data)


def preview_and_print(parent: QWidget, data: bytes, title: str) -> PdfPreview:
    """Open the print preview of the PDF `data` (it deletes itself when closed)."""
    preview = PdfPreview(data, title, parent)
    preview.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    preview.open()
    return preview


# -- the commands -----------------------------------------------------------------------


def _title(request: PdfRequest) -> str:
    return "Participant's copy" if request.is_copy else f"Blank form {request.form_id}"


def _default_error(parent: QWidget) -> Callable[[Exception], None]:
    def show(exc: Exception) -> None:
        QMessageBox.warning(parent, "Could not make the PDF", str(exc))

    return show


def ask_about_missing(
    parent: QWidget, missing: tuple[str, ...], go_on: str, on_answer: Callable[[str], None]
) -> QMessageBox:
    """The question before printing blanks: `on_answer` gets "fill", "anyway" or "cancel".
    Opened with open(), so it waits without a loop of its own."""
    box = QMessageBox(QMessageBox.Icon.Question, "Study details missing", "", parent=parent)
    box.setObjectName("missingDetailsQuestion")
    box.setText(
        f"This form prints the study's {in_words(missing)}, which "
        f"{'is' if len(missing) == 1 else 'are'} not filled in yet: the form will have"
        f" {'a blank line there' if len(missing) == 1 else 'a blank line for each'}."
    )
    fill = box.addButton("&Fill them in…", QMessageBox.ButtonRole.AcceptRole)
    anyway = box.addButton(go_on, QMessageBox.ButtonRole.DestructiveRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(fill)
    answers: dict[QAbstractButton, str] = {fill: "fill", anyway: "anyway"}

    def answered(_result: int) -> None:
        choice = answers.get(box.clickedButton(), "cancel")
        # Once the box has finished closing: a dialog opened from inside its close (the
        # print preview) crashed Qt as the box was being deleted.
        QTimer.singleShot(0, lambda: on_answer(choice))

    box.finished.connect(answered)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box


def make_pdf(
    parent: QWidget,
    ctx: StudyContext,
    request: PdfRequest,
    on_ready: Callable[[bytes], None],
    on_error: Callable[[Exception], None] | None = None,
    *,
    go_on: str = "&Print anyway",
) -> None:
    """Make the PDF on the database worker with a progress dialog; hand its bytes over,
    after asking when it would print blanks for study details (see the module docstring)."""

    def made(pdf: MadePdf) -> None:
        if not pdf.missing:
            on_ready(pdf.data)
            return

        def answer(choice: str) -> None:
            if choice == "anyway":
                on_ready(pdf.data)
            elif choice == "fill":
                edit_study_details(parent, ctx, on_closed=again)

        ask_about_missing(parent, pdf.missing, go_on, answer)

    def again(saved: bool) -> None:
        if saved:  # queued after the save, so the new PDF has the new details
            make_pdf(parent, ctx, request, on_ready, on_error, go_on=go_on)

    run_with_progress(
        parent,
        ctx.runner,
        read(made_pdf, ctx.forms, request),
        "Preparing the form",
        on_done=made,
        on_error=on_error or _default_error(parent),
    )


def ask_pdf_path(parent: QWidget, request: PdfRequest) -> Path | None:
    """The save dialog; for a participant's copy it says that the file holds their name."""
    caption = (
        "Save the participant's copy (it shows their name: keep it safe)"
        if request.is_copy
        else "Save the blank form as PDF"
    )
    chosen, _ = QFileDialog.getSaveFileName(
        parent, caption, str(Path.home() / request.file_name()), "PDF files (*.pdf)"
    )
    if not chosen:
        return None
    path = Path(chosen)
    return path if path.suffix.lower() == ".pdf" else path.with_name(path.name + ".pdf")


def save_pdf(
    parent: QWidget,
    ctx: StudyContext,
    request: PdfRequest,
    path: Path | None = None,
    on_error: Callable[[Exception], None] | None = None,
) -> None:
    """Save as PDF…: ask where (unless `path` is given), make the PDF, write it."""
    target = path or ask_pdf_path(parent, request)
    if target is None:
        return
    failed = on_error or _default_error(parent)

    def write(data: bytes) -> None:
        try:
            write_atomically(target, data, private=request.is_copy)
        except OSError as exc:
            failed(OSError(f"Could not save {target.name}: {exc.strerror or exc}"))
            return
        note = f" {COPY_NOTE}" if request.is_copy else ""
        ctx.status(f"Saved {target.name}.{note}")

    make_pdf(parent, ctx, request, write, failed, go_on="&Save anyway")


def print_pdf(
    parent: QWidget,
    ctx: StudyContext,
    request: PdfRequest,
    on_error: Callable[[Exception], None] | None = None,
) -> None:
    """Print…: make the PDF, then show the print preview (and from it the print dialog)."""

    def preview(data: bytes) -> None:
        preview_and_print(parent, data, _title(request))

    make_pdf(parent, ctx, request, preview, on_error)
