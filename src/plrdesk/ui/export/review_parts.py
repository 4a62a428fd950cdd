"""The smaller pieces of the Prepare export screen: the export's options (format, small
groups, file, extracts, consent overrides), the dialog for a name the anonymiser missed,
and the detail pane's listing of every place a redaction was found."""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from plrdesk.export.formats import FORMATS
from plrdesk.export.model import Overridden
from plrdesk.services.export_review import (
    ADD_KINDS,
    Proposal,
)
from plrdesk.storage.errors import StudyFileError
from plrdesk.storage.files import refuse_study_target
from plrdesk.ui.export.export_run import ExportRequest
from plrdesk.ui.export.remembered import LastExport
from plrdesk.ui.export.review_model import (
    HELD_BACK_TIP,
    LAYER_TEXT,
)

DETAIL_LIMIT = 500  # places listed in the detail pane (the count says how many in all)
FORMAT_NAMES = {
    "json": "JSON (summary-json-v1)",
    "md": "Markdown",
    "pdf": "PDF",
    "docx": "Word (DOCX)",
    "csv": "CSV (one row per quote, or per extract)",
    "qdpx": "REFI-QDA project (QDPX)",
}
# "Hide groups smaller than": the lowest value reads "Off" (no suppression); 2 is the
# smallest threshold the export takes (a group of one is what suppression is for).
HIDE_OFF, HIDE_MAX = 1, 50


class ExportOptions(QWidget):
    """What Export makes: the format, whether small groups are hidden (counts under N read
    "fewer than N", as `plrdesk export --suppress-below N`), the file, whether extracts are
    included (`--extracts`) and whether those admitted by a consent override are counted
    (`--count-consent-overrides`). Its mnemonics (F, H, T, B, X, O) are the dialog's: none
    may be taken by another of its labels. `last` (the study's last export from the app)
    gives the format and folder it starts with; neither check box is remembered, and the
    count of overrides starts unticked every time (a disclosure choice, made each time)."""

    def __init__(
        self, study: Path, parent: QWidget | None = None, last: LastExport | None = None
    ) -> None:
        super().__init__(parent)
        self.study = study
        remembered = Path(last.folder) if last is not None else None
        # A remembered folder since moved or unplugged: the study's own, as before.
        self.folder = remembered if remembered is not None and remembered.is_dir() else study.parent
        self.format = QComboBox()
        self.format.setAccessibleName("Export format")
        for fmt in FORMATS:
            self.format.addItem(FORMAT_NAMES.get(fmt, fmt), fmt)
        self.hide_below = QSpinBox()
        self.hide_below.setRange(HIDE_OFF, HIDE_MAX)
        self.hide_below.setSpecialValueText("Off")
        self.hide_below.setValue(HIDE_OFF)
        self.hide_below.setAccessibleName("Hide groups smaller than")
        self.hide_below.setAccessibleDescription(
            "Off shows every count. A number N shows each count under N as 'fewer than N'."
        )
        self.hide_below.setToolTip(
            "Counts under this number are shown as 'fewer than' it, so a small group cannot"
            " be picked out (plrdesk export --suppress-below)"
        )
        self.extracts = QCheckBox("Include e&xtracts")
        self.extracts.setToolTip(
            "Every coded passage that may be quoted, verbatim or not, in an appendix by theme"
            " (a row each in the CSV; plrdesk export --extracts)"
        )
        self.count_overrides = QCheckBox("Count people admitted by a consent &override")
        self.count_overrides.setToolTip(
            "Off: anyone who joined a session through a consent override and has not given"
            " consent since is left out of every figure, quote and extract. On: they are"
            " counted. The report's methods say which (plrdesk export"
            " --count-consent-overrides)."
        )
        fmt = last.format if last is not None and last.format in FORMATS else "json"
        self.format.setCurrentIndex(self.format.findData(fmt))
        self.output = QLineEdit(str(self.suggested_path(fmt)))
        self.output.setAccessibleName("Export to file")
        self.browse = QPushButton("&Browse…")
        self.browse.clicked.connect(self._browse)
        self.format.currentIndexChanged.connect(self._format_changed)
        where = QHBoxLayout()
        where.addWidget(self.output, 1)
        where.addWidget(self.browse)
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        for text, buddy, field in (
            ("&Format:", self.format, self.format),
            ("&Hide groups smaller than:", self.hide_below, self.hide_below),
            ("Export &to file:", self.output, where),
        ):
            label = QLabel(text)
            label.setBuddy(buddy)
            form.addRow(label, field)
        form.addRow("", self.extracts)
        form.addRow("", self.count_overrides)

    def fmt(self) -> str:
        return str(self.format.currentData())

    def request(self) -> ExportRequest:
        """The export the options ask for. Raises ValueError, saying why in a sentence for
        the dialog, when the file cannot be written there: no name, no such folder, a
        folder, or a study (never an export onto one, as the command line refuses too)."""
        text = self.output.text().strip()
        if not text:
            raise ValueError("Choose a file to export to.")
        path = Path(text).expanduser()
        if not path.parent.is_dir():
            raise ValueError(f"There is no folder {path.parent} to export to.")
        if path.is_dir():
            raise ValueError(f"{path} is a folder: choose a file name.")
        try:
            refuse_study_target(path, study=self.study)
        except StudyFileError as refused:
            raise ValueError(f"That could not be done: {refused}") from None
        return ExportRequest(
            self.fmt(), path, self.suppress_below(), self.extracts.isChecked(), self.overridden()
        )

    def overridden(self) -> Overridden:
        return Overridden.COUNT if self.count_overrides.isChecked() else Overridden.LEAVE_OUT

    def suppress_below(self) -> int | None:
        """The export's threshold: None while "Off", else the number shown."""
        value = self.hide_below.value()
        return None if value == HIDE_OFF else value

    def suggested_path(self, fmt: str) -> Path:
        return self.folder / f"{self.study.stem}-summary{FORMATS[fmt]}"

    def _format_changed(self) -> None:
        fmt = self.fmt()
        text = self.output.text().strip()
        path = Path(text) if text else self.suggested_path(fmt)
        if path.suffix in FORMATS.values() or not path.suffix:
            path = path.with_suffix(FORMATS[fmt])
        self.output.setText(str(path))

    def _browse(self) -> None:
        fmt = self.fmt()
        name, _ = QFileDialog.getSaveFileName(
            self, "Export to", self.output.text(), f"{FORMAT_NAMES[fmt]} (*{FORMATS[fmt]})"
        )
        if name:
            self.output.setText(name)


class AddNameDialog(QDialog):
    """A missed name (or school, place ...) and what it is; it joins the register."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Add a missed name")
        self.text = QLineEdit()
        self.text.setAccessibleName("Name or text to redact")
        self.text.setPlaceholderText("as it is written, e.g. Oakwell or Jo Bloggs")
        self.kind = QComboBox()
        self.kind.setAccessibleName("What it is")
        for kind in ADD_KINDS:
            self.kind.addItem(kind, kind)
        form = QFormLayout()
        text_label = QLabel("&Name or text:")
        text_label.setBuddy(self.text)
        kind_label = QLabel("&What it is:")
        kind_label.setBuddy(self.kind)
        form.addRow(text_label, self.text)
        form.addRow(kind_label, self.kind)
        hint = QLabel(
            "It joins the study's register: every export from now on replaces it (and, for"
            " a person, each part of the name) with its label."
        )
        hint.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText("Add")
        self.ok.setEnabled(False)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.text.textChanged.connect(lambda text: self.ok.setEnabled(bool(text.strip())))
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(self.buttons)

    def value(self) -> tuple[str, str]:
        return " ".join(self.text.text().split()), str(self.kind.currentData())


def detail_html(proposal: Proposal) -> str:
    """Every place the proposal was found, the words marked (escaped: notes are text)."""
    found_by = LAYER_TEXT.get(proposal.layer, proposal.layer)
    times = "once" if proposal.count == 1 else f"{proposal.count} times"
    rule = html.escape(proposal.rule_text)
    if proposal.rule and proposal.rule_text != proposal.rule:
        rule += f" <code>{html.escape(proposal.rule)}</code>"
    head = (
        f"<p><b>{html.escape(proposal.text)}</b> → [{html.escape(proposal.label)}], found by"
        f" {found_by}, rule: {rule}, {times}."
    )
    if proposal.held_back:
        head = (
            f"<p><b>Held back</b>: this entry {html.escape(proposal.reason)}"
            f" (rule: {rule}). {html.escape(HELD_BACK_TIP)}"
        )
    if proposal.needs_review:
        head += " <i>The anonymiser was not sure of this one: please check it.</i>"
    elif proposal.unsure:
        head += " <i>The anonymiser was not sure of this one; you reviewed it.</i>"
    items = "".join(
        f"<li>{html.escape(o.before)}<b><u>{html.escape(o.match)}</u></b>"
        f"{html.escape(o.after)}</li>"
        for o in proposal.occurrences[:DETAIL_LIMIT]
    )
    more = proposal.count - DETAIL_LIMIT
    tail = f"<p>… and {more} more places.</p>" if more > 0 else ""
    return f"{head}</p><ol>{items}</ol>{tail}"
