"""Study > Merge another copy…: bring in what another copy of the study holds (a colleague's
laptop, a backup, a second coder's coding copy).

The dialog holds no rules: it runs the command line's use case (services/merge_file.py)
on the database worker. First "Show what comes in" runs the whole merge in a transaction
that is rolled back and lists what it would do; only then can "Merge" run it for real,
after an automatic backup of the study, which the dialog names when it is done: that
backup is the undo of the whole merge (the app keeps no per-record undo for it). The views
refresh from the runner's changes signal like after any other write.

The app never keeps the study's passphrase, so the copy's is always asked (usually the
same one, unless the copy's was changed).
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from plrdesk.services.merge import MergeReport
from plrdesk.services.merge_file import MergedChanges, merge_file, preview_file, source_label
from plrdesk.storage.errors import WrongPassphrase
from plrdesk.ui.context import StudyContext
from plrdesk.ui.operations import on_file, read_file
from plrdesk.ui.passphrase_dialog import PassphraseEdit

TITLE = "Merge another copy"


class MergeDialog(QDialog):
    """Asks for the copy's file and passphrase, shows what would come in, then merges."""

    sig_merged = Signal(object)
    """The merge is committed: the MergeOutcome (its report and the backup taken)."""

    def __init__(self, ctx: StudyContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._busy = False
        self._previewed: tuple[str, str] | None = None  # (path, passphrase) shown
        self._merged = False
        self.setWindowTitle(TITLE)
        self.setAccessibleName(TITLE)
        intro = QLabel(
            "Bring in what another copy of this study holds: a colleague's laptop, a backup,"
            " or a second coder's coding copy. You see what would come in before anything"
            " changes, and a backup of this study is taken first."
        )
        intro.setWordWrap(True)
        self.path = QLineEdit()
        self.path.setAccessibleName("File of the other copy")
        self.browse = QPushButton("&Browse…")
        where = QHBoxLayout()
        where.addWidget(self.path, 1)
        where.addWidget(self.browse)
        self.passphrase = PassphraseEdit()
        self.passphrase.setAccessibleName("Passphrase of the other copy")
        self.passphrase.setPlaceholderText("usually this study's own")
        self.summary = QPlainTextEdit()
        self.summary.setReadOnly(True)
        self.summary.setAccessibleName("What comes in")
        self.message = QLabel()
        self.message.setObjectName("mergeMessage")
        self.message.setWordWrap(True)
        form = QFormLayout()
        # A row holding a layout gets no buddy of its own: without one the label would show
        # its "&" and Alt+F would go nowhere.
        file_label = QLabel("&File of the copy:")
        file_label.setBuddy(self.path)
        form.addRow(file_label, where)
        form.addRow("&Passphrase of the copy:", self.passphrase)
        self.buttons = QDialogButtonBox()
        self.show_button = self.buttons.addButton(
            "&Show what comes in", QDialogButtonBox.ButtonRole.ActionRole
        )
        self.merge_button = self.buttons.addButton("&Merge", QDialogButtonBox.ButtonRole.AcceptRole)
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.close_button.setText("Close")
        self.show_button.clicked.connect(self.show_what_comes_in)
        self.merge_button.clicked.connect(self.merge)
        self.close_button.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.summary, 1)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.path.textChanged.connect(self._update)
        self.passphrase.textChanged.connect(self._update)
        self.browse.clicked.connect(self._browse)
        self.resize(560, 420)
        self._update()

    # -- fields ------------------------------------------------------------------------

    def source_path(self) -> Path | None:
        text = self.path.text().strip()
        return Path(text).expanduser() if text else None

    def _inputs(self) -> tuple[str, str]:
        return self.path.text().strip(), self.passphrase.text()

    def problem(self) -> str:
        """What stops a dry run, in one sentence ("" when nothing does)."""
        source = self.source_path()
        if source is None:
            return "Type or choose the file of the other copy."
        if not source.is_file():
            return f"There is no file {source.name} there."
        if self.ctx.path.exists() and os.path.samefile(source, self.ctx.path):
            return "That is this study itself: choose the other copy."
        if not self.passphrase.text():
            return "Type the copy's passphrase (usually this study's own)."
        return ""

    def _browse(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, "The other copy", str(self.ctx.path.parent), "Studies (*.plr)"
        )
        if name:
            self.path.setText(name)

    def _update(self) -> None:
        problem = self.problem()
        stale = bool(problem) or self._previewed != self._inputs()
        if stale and not self._busy and not self._merged:
            self.message.setText(problem or "Press Return to see what would come in.")
        ready = not problem and not self._busy and not self._merged
        self.show_button.setEnabled(ready)
        self.merge_button.setEnabled(ready and self._previewed == self._inputs())
        if self._previewed is not None and self._previewed != self._inputs():
            self._previewed = None  # what it showed was for another file or passphrase
            self.summary.clear()
        default = self.merge_button if self.merge_button.isEnabled() else self.show_button
        default.setDefault(True)
        for widget in (self.path, self.browse, self.passphrase):
            widget.setEnabled(not self._busy and not self._merged)

    # -- the dry run, then the merge ---------------------------------------------------

    def accept(self) -> None:
        """Return: the next step (see what comes in, then merge); after the merge, close."""
        if self._merged:
            super().accept()
        elif self.merge_button.isEnabled():
            self.merge()
        elif self.show_button.isEnabled():
            self.show_what_comes_in()

    def show_what_comes_in(self) -> None:
        source = self.source_path()
        if self._busy or self.problem() or source is None:
            return
        inputs = self._inputs()
        self._start("Reading the other copy…")
        op = read_file(preview_file, source, inputs[1], label=source_label(source))
        self.ctx.runner.run(op, lambda r: self._previewed_as(r, inputs), self._failed)

    def _previewed_as(self, report: MergeReport, inputs: tuple[str, str]) -> None:
        self._busy = False
        self.summary.setPlainText("\n".join(report.summary_lines()))
        if report.changed:
            self._previewed = inputs
            self._update()
            self.merge_button.setFocus()  # Return merges
            self.message.setText("Nothing has changed yet. Press Return to merge.")
        else:
            self._previewed = None
            self._update()
            self.message.setText("Nothing to merge: this study has all the copy holds.")

    def merge(self) -> None:
        source = self.source_path()
        if self._busy or source is None or self._previewed != self._inputs():
            return
        self._start("Backing up this study, then merging…")
        op = on_file(merge_file, source, self.passphrase.text(), label=source_label(source))
        self.ctx.runner.run(op, self._done, self._failed, initiator=self)

    def _done(self, changes: MergedChanges) -> None:
        self._busy, self._merged = False, True
        self.passphrase.clear()
        outcome = changes.outcome
        assert outcome is not None
        lines = outcome.report.summary_lines()
        self.summary.setPlainText("\n".join(lines))
        kept = outcome.backup
        said = f"Merged. A backup from before the merge is {kept}: open it to undo the merge."
        self.message.setText(said if kept else "Nothing to merge.")
        self._update()
        self.close_button.setDefault(True)
        self.close_button.setFocus()
        source = self.source_path()
        self.ctx.status(
            f"Merged {source.name if source else 'the copy'}; backup from before it: {kept}"
        )
        self.sig_merged.emit(outcome)

    def _failed(self, exc: Exception) -> None:
        self._busy = False
        self._update()
        if isinstance(exc, WrongPassphrase):
            self.message.setText("That passphrase does not open the copy. Nothing was changed.")
        else:
            self.message.setText(f"{exc}. Nothing was changed.")

    def _start(self, text: str) -> None:
        self._busy = True
        self._update()
        self.message.setText(text)

    def done(self, result: int) -> None:
        self.passphrase.clear()  # never leave a passphrase in a widget
        super().done(result)


def open_merge(parent: QWidget, ctx: StudyContext) -> MergeDialog:
    """Open the dialog over `parent`, the file field ready for typing."""
    dialog = MergeDialog(ctx, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    dialog.path.setFocus()
    return dialog
