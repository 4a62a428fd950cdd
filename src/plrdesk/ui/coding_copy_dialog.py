"""Study > Coding copy for a second coder…: a blind copy of the study, anonymised unless
the researcher unticks it, written as a new study file under its own passphrase.

The dialog holds no rules of its own: the copy is `export.coding_copy.write_coding_copy`,
the command line's use case, run on the database worker as one write; the passphrase
rule is the new study's (`domain.passphrase_policy`). Should the study's commit fail after
the copy file was made, the file is removed again, as the command line does, so a copy
never exists without the study's record of it.
"""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from plrdesk.domain.passphrase_policy import MIN_SCORE, strength
from plrdesk.export.coding_copy import CopyWritten, write_coding_copy
from plrdesk.storage.creation import remove_with_sidecars
from plrdesk.storage.errors import StudyExists
from plrdesk.ui.context import StudyContext
from plrdesk.ui.operations import write
from plrdesk.ui.passphrase_dialog import STRENGTH_WORDS, PassphraseEdit

TITLE = "Coding copy for a second coder"


def suggested_path(study: Path, coder: str) -> Path:
    """Beside the study: "<study>-for-<coder>.plr" (the name's letters and digits only)."""
    slug = "-".join(re.findall(r"\w+", coder.casefold()))
    return study.with_name(f"{study.stem}-for-{slug or 'second-coder'}.plr")


class CodingCopyDialog(QDialog):
    """Asks for the coder's name, whether to anonymise, where, and a new passphrase."""

    sig_copy_written = Signal(object)
    """The copy is written and the study keeps its record: the CopyWritten."""

    def __init__(self, ctx: StudyContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._busy = False
        self._out_typed = False
        self.setWindowTitle(TITLE)
        self.setAccessibleName(TITLE)
        intro = QLabel(
            "A new study file for a second coder to code blind: the sessions, notes and"
            " themes, and none of your codings. Their codings come back with"
            " <b>Study › Merge another copy…</b>, on the same words of your notes."
        )
        intro.setWordWrap(True)
        self.coder = QLineEdit()
        self.coder.setAccessibleName("Second coder's name")
        self.anonymised = QCheckBox("&Anonymise the copy (recommended)")
        self.anonymised.setChecked(True)
        self.anonymised.setToolTip(
            "Names and identifiers replaced as in an export, people shown by descriptor,"
            " withdrawn and safeguarding-flagged notes left out"
        )
        self.output = QLineEdit(str(suggested_path(ctx.path, "")))
        self.output.setAccessibleName("Copy to file")
        self.browse = QPushButton("&Browse…")
        where = QHBoxLayout()
        where.addWidget(self.output, 1)
        where.addWidget(self.browse)
        self.first = PassphraseEdit()
        self.first.setAccessibleName("New passphrase for the copy")
        self.second = PassphraseEdit()
        self.second.setAccessibleName("New passphrase again")
        self.meter = QProgressBar()
        self.meter.setRange(0, 4)
        self.meter.setAccessibleName("Passphrase strength")
        self.message = QLabel()
        self.message.setObjectName("codingCopyMessage")
        self.message.setWordWrap(True)
        form = QFormLayout()
        form.addRow("&Coder's name:", self.coder)
        form.addRow("", self.anonymised)
        output_label = QLabel("Copy &to file:")  # a row of a layout gets no buddy itself
        output_label.setBuddy(self.output)
        form.addRow(output_label, where)
        form.addRow("&Passphrase:", self.first)
        form.addRow("A&gain:", self.second)
        form.addRow("Strength:", self.meter)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.make = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.make.setText("&Make copy")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        for field in (self.coder, self.output, self.first, self.second):
            field.textChanged.connect(self._update)
        self.coder.textChanged.connect(self._suggest)
        self.output.textEdited.connect(self._typed_output)
        self.browse.clicked.connect(self._browse)
        self._update()

    # -- fields ------------------------------------------------------------------------

    def coder_name(self) -> str:
        return " ".join(self.coder.text().split())

    def out_path(self) -> Path | None:
        text = self.output.text().strip()
        return Path(text).expanduser() if text else None

    def _typed_output(self) -> None:
        self._out_typed = True

    def _suggest(self) -> None:
        if not self._out_typed:
            self.output.setText(str(suggested_path(self.ctx.path, self.coder_name())))

    def _browse(self) -> None:
        name, _ = QFileDialog.getSaveFileName(
            self, "Coding copy to", self.output.text(), "Studies (*.plr)"
        )
        if name:
            self._out_typed = True
            self.output.setText(name)

    def problem(self) -> str:
        """What stops the copy, in one sentence ("" when nothing does)."""
        if not self.coder_name():
            return "Type the second coder's name."
        out = self.out_path()
        if out is None:
            return "Choose where the copy goes."
        if out.exists():
            return f"{out.name} exists already: choose another name."
        if out.resolve() == self.ctx.path.resolve() or out.suffix.lower() != ".plr":
            return "The copy needs a new file name ending in .plr."
        text = self.first.text()
        if not text:
            return "Choose a new passphrase for the copy: a few unrelated words."
        score, advice = strength(text)
        if score < MIN_SCORE:
            return f"Too weak. {advice}".strip()
        if self.second.text() != text:
            return "Type the passphrase again." if not self.second.text() else "The two differ."
        return ""

    def _update(self) -> None:
        text = self.first.text()
        score = strength(text)[0] if text else 0
        self.meter.setValue(score)
        self.meter.setFormat(STRENGTH_WORDS[score] if text else "")
        problem = self.problem()
        if not self._busy:
            self.message.setText(problem)
        self.make.setEnabled(not problem and not self._busy)

    # -- making it ---------------------------------------------------------------------

    def accept(self) -> None:
        out = self.out_path()
        if self._busy or self.problem() or out is None:
            return
        self._busy = True
        for widget in (self.coder, self.anonymised, self.output, self.browse):
            widget.setEnabled(False)
        self.message.setText("Making the copy…")
        self._update()
        op = write(
            write_coding_copy,
            out,
            self.first.text(),
            self.coder_name(),
            anonymised=self.anonymised.isChecked(),
            forms=self.ctx.forms,
        )
        self.ctx.runner.run(op, self._written, lambda exc: self._failed(exc, out), initiator=self)

    def _written(self, written: CopyWritten) -> None:
        self.first.clear()
        self.second.clear()
        out = self.out_path()
        self.ctx.status(f"Wrote {out.name if out else 'the copy'}: {written.made.summary()}")
        self.sig_copy_written.emit(written)
        super().accept()

    def _failed(self, exc: Exception, out: Path) -> None:
        # The dialog refused an existing file before it started: a file there now is this
        # copy, made but not recorded by the study (its commit failed), unless another
        # program put one there meanwhile (StudyExists: never ours to remove).
        if not isinstance(exc, StudyExists) and out.exists():
            remove_with_sidecars(out)
        self._busy = False
        for widget in (self.coder, self.anonymised, self.output, self.browse):
            widget.setEnabled(True)
        self._update()
        self.message.setText(f"No copy was made: {exc}")

    def done(self, result: int) -> None:
        # Whatever the outcome, do not leave the passphrase in the widgets.
        self.first.clear()
        self.second.clear()
        super().done(result)


def open_coding_copy(parent: QWidget, ctx: StudyContext) -> CodingCopyDialog:
    """Open the dialog over `parent`; the main window's status bar says what was made."""
    dialog = CodingCopyDialog(ctx, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
