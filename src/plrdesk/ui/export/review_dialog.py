"""Prepare export: review every proposed redaction in context, then export.

The dialog lists what the anonymiser would redact in everything the export reads
(services.export_review), each with the rule that found it, the rows it was not sure of
first and highlighted; above them, any entry held back for repeating an excluded entry's
words, with the reason (Leave out, the default, or Include). The
researcher ticks Redact or unticks to Keep (Space on a row, or the buttons), adds a name
the anonymiser missed (it joins the register), reads the descriptor warnings, sets the
export's options (review_parts.ExportOptions: counting consent overrides changes what the
export reads, so the proposals load again, unsaved ticks kept) and presses Export: the
review is saved in the study first (so the next export starts from it), the command
line's export runs (export_run) with a progress bar that can be cancelled (nothing is
written then), and the redaction report is shown; it and the status line read every figure
from the export's one report. The format and folder are remembered for the study's next
export (remembered). All database work runs on the runner's worker.

    dialog = ReviewDialog(ctx, parent)
    dialog.open()
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QPlainTextEdit,
    QProgressDialog,
    QPushButton,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from plrdesk.services.export_review import (
    ADD_KINDS,
    ProposalKey,
    ReviewSaved,
    ReviewSet,
    apply_review,
)
from plrdesk.ui.context import StudyContext
from plrdesk.ui.export import remembered
from plrdesk.ui.export.export_run import ExportRequest, ExportResult, ExportRun, load_review
from plrdesk.ui.export.review_model import (
    CONTEXT,
    COUNT,
    DECISION,
    LABEL,
    LAYER,
    RULE,
    TEXT,
    ReviewModel,
)
from plrdesk.ui.export.review_parts import FORMAT_NAMES, AddNameDialog, ExportOptions, detail_html
from plrdesk.ui.operations import read, write


class ReviewDialog(QDialog):
    sig_review_loaded = Signal(object)
    """The proposals are shown (the ReviewSet)."""
    sig_review_saved = Signal(object)
    """The decisions and added names were stored (the ReviewSaved)."""
    sig_exported = Signal(object)
    """An export finished (the ExportResult); its report is shown."""
    sig_failed = Signal(str)
    """Something could not be done (the message shown in the dialog)."""

    def __init__(self, ctx: StudyContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.review: ReviewSet | None = None
        self._carried: tuple[list[ProposalKey], list[ProposalKey]] = ([], [])
        self.pending_names: list[tuple[str, str]] = []
        self.add_dialog: AddNameDialog | None = None
        self._busy = False
        self._table_had_focus = True
        self.progress_dialog: QProgressDialog | None = None
        self.setWindowTitle("Prepare export")
        self.setAccessibleName("Prepare export")
        self.resize(1000, 720)

        self.intro = QLabel("Finding what the export would redact…")
        self.intro.setWordWrap(True)
        self.intro.setAccessibleName("What this shows")

        self.model = ReviewModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Proposed redactions")
        self.table.setAccessibleDescription(
            "One row per text the export would redact. Space ticks Redact or unticks to Keep."
        )
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setTabKeyNavigation(False)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        for column in (DECISION, LABEL, LAYER, RULE, COUNT):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(TEXT, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(CONTEXT, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().currentRowChanged.connect(self._show_detail)
        self.model.sig_decisions_changed.connect(self._decisions_changed)
        self.model.modelReset.connect(self._decisions_changed)

        self.detail = QTextBrowser()
        self.detail.setAccessibleName("Every place it was found")
        self.detail.setOpenLinks(False)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)

        self.keep_button = QPushButton("&Keep selected")
        self.keep_button.setToolTip("Leave the selected texts in the export as written")
        self.redact_button = QPushButton("&Redact selected")
        self.redact_button.setToolTip("Replace the selected texts by their labels")
        self.add_button = QPushButton("&Add a missed name…")
        self.add_button.setToolTip("A name the anonymiser did not find: it joins the register")
        self.keep_button.clicked.connect(lambda: self._decide_selected(False))
        self.redact_button.clicked.connect(lambda: self._decide_selected(True))
        self.add_button.clicked.connect(self.ask_for_name)
        row = QHBoxLayout()
        for button in (self.keep_button, self.redact_button, self.add_button):
            row.addWidget(button)
        row.addStretch(1)

        self.names = QListWidget()
        self.names.setAccessibleName("Names to add to the register")
        self.names.setMaximumHeight(70)
        names_box = QGroupBox("Added to the register when you save or export")
        QVBoxLayout(names_box).addWidget(self.names)

        self.warnings = QListWidget()
        self.warnings.setAccessibleName("Descriptor warnings")
        self.warnings.setWordWrap(True)
        self.warnings.setMaximumHeight(90)
        self.warnings_box = QGroupBox("Descriptor warnings")
        QVBoxLayout(self.warnings_box).addWidget(self.warnings)

        self.options = ExportOptions(ctx.path, last=remembered.load().last(ctx.path))
        self.options.count_overrides.toggled.connect(self.reload)
        self.format = self.options.format
        self.hide_below = self.options.hide_below
        self.output = self.options.output
        self.browse = self.options.browse

        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Message")
        self.report = QPlainTextEdit()
        self.report.setReadOnly(True)
        self.report.setAccessibleName("Redaction report")
        self.report.setMaximumHeight(130)
        self.report.hide()

        self.buttons = QDialogButtonBox()
        self.export_button = self.buttons.addButton(
            "&Export", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.save_button = self.buttons.addButton(
            "&Save decisions", QDialogButtonBox.ButtonRole.ApplyRole
        )
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.export_button.setToolTip("Save the decisions, then export with them")
        self.save_button.setToolTip("Keep the decisions in the study without exporting")
        self.export_button.clicked.connect(self.export)
        self.save_button.clicked.connect(self.save)
        self.close_button.clicked.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(splitter, 1)
        layout.addLayout(row)
        bottom = QHBoxLayout()
        bottom.addWidget(names_box, 1)
        bottom.addWidget(self.warnings_box, 2)
        layout.addLayout(bottom)
        layout.addWidget(self.options)
        layout.addWidget(self.message)
        layout.addWidget(self.report)
        layout.addWidget(self.buttons)
        self.table.setFocus()
        self._set_busy(True)
        self.reload()

    # -- loading -------------------------------------------------------------------------

    def reload(self) -> None:
        """Ask the worker for the proposals (the study as it is now, decisions included,
        for an export that treats consent overrides as the options say)."""
        self._carried = self.model.changed_decisions()
        self._set_busy(True)
        overridden = self.options.overridden()
        self.ctx.runner.run(
            read(load_review, self.ctx.forms, overridden), self._loaded, self._load_failed
        )

    def _load_failed(self, exc: Exception) -> None:
        """No proposals: say why, and stay busy (not `_failed`, whose reload would fail
        again at once, and again, for as long as the study cannot be read)."""
        self._fail(f"The proposals could not be loaded: {exc}")

    def _loaded(self, review: ReviewSet) -> None:
        current = self.model.proposal_at(self.table.currentIndex().row())
        self.review = review
        self.model.set_proposals(review.proposals)
        accepted, rejected = self._carried  # ticks not saved yet: the reload keeps them
        for keys, redact in ((accepted, True), (rejected, False)):
            self.model.set_redacted([self.model.row_of(key) for key in keys], redact)
        self.warnings.clear()
        self.warnings.addItems(review.warnings)
        if not review.warnings:
            self.warnings.addItem("None: every descriptor fits two or more participants.")
        self.warnings_box.setTitle(f"Descriptor warnings ({len(review.warnings)})")
        to_check = sum(p.needs_review for p in review.proposals)
        n = review.redactions
        held = len(review.held_back)
        self.intro.setText(
            (
                f"{held} {'entry repeats' if held == 1 else 'entries repeat'} the words of an"
                " entry the export leaves out: at the top, left out unless you include"
                f" {'it' if held == 1 else 'them'}. "
                if held
                else ""
            )
            + f"The export would make {n} redaction{'' if n == 1 else 's'}"
            f" of {len(review.proposals) - held} different texts in the {review.texts} texts"
            " it reads."
            + (
                f" {to_check} highlighted at the top {'needs' if to_check == 1 else 'need'}"
                " your review."
                if to_check
                else " The anonymiser was sure of all of them."
            )
            + " Untick a row to keep its text; everything ticked is replaced by its label."
        )
        row = self.model.row_of(current.key) if current is not None else -1
        if self.model.rowCount():
            self._select(max(row, 0))
        else:
            self.detail.setPlainText("Nothing to redact.")
        self._set_busy(False)
        self.sig_review_loaded.emit(review)

    def _select(self, row: int) -> None:
        index = self.model.index(row, DECISION)
        self.table.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self._show_detail(index)

    def _show_detail(self, current: QModelIndex, _previous: QModelIndex | None = None) -> None:
        proposal = self.model.proposal_at(current.row()) if current.isValid() else None
        if proposal is None:
            self.detail.clear()
            return
        self.detail.setHtml(detail_html(proposal))

    # -- deciding ------------------------------------------------------------------------

    def _selected_rows(self) -> list[int]:
        rows = {index.row() for index in self.table.selectionModel().selectedRows()}
        if not rows and self.table.currentIndex().isValid():
            rows.add(self.table.currentIndex().row())
        return sorted(rows)

    def _decide_selected(self, redact: bool) -> None:
        self.model.set_redacted(self._selected_rows(), redact)

    def _decisions_changed(self) -> None:
        accepted, rejected = self.model.changed_decisions()
        kept = [p for row, p in enumerate(self.model.proposals()) if not self.model.redacted(row)]
        registered = sum(p.layer == "register" for p in kept)
        included = sum(p.held_back for p in kept)
        self.save_button.setEnabled(
            not self._busy and bool(accepted or rejected or self.pending_names)
        )
        if self.review is not None and not self._busy:
            message = f"{len(kept)} kept as written." if kept else "Every proposal is redacted."
            if included:
                message += (
                    f" {included} of them {'is an entry' if included == 1 else 'are entries'}"
                    " repeating an excluded entry's words, included in the export."
                )
            if registered:
                message += (
                    f" {registered} of them {'is' if registered == 1 else 'are'} in the study's"
                    " register (a name, contact or identifier): check that is what you want."
                )
            self.message.setText(message)

    def ask_for_name(self) -> AddNameDialog:
        """Open the small dialog for a missed name; its Add puts the name on the list."""
        dialog = AddNameDialog(self)
        dialog.accepted.connect(lambda: self.add_name(*dialog.value()))
        dialog.finished.connect(dialog.deleteLater)
        self.add_dialog = dialog
        dialog.open()
        return dialog

    def add_name(self, text: str, kind: str) -> None:
        """Put a missed name on the list to register when the review is saved."""
        text = " ".join(text.split())
        if not text or kind not in ADD_KINDS:
            return
        if any(t.casefold() == text.casefold() for t, _ in self.pending_names):
            return
        self.pending_names.append((text, kind))
        self.names.addItem(f"{text} → [{kind}]")
        self._decisions_changed()

    # -- saving and exporting --------------------------------------------------------------

    def save(self) -> None:
        """Store the decisions and added names, then show the proposals again."""
        self._save_then(None)

    def export(self) -> None:
        """Save the review, then export with it to the chosen file and format."""
        try:  # before any work, as the command line does
            request = self.options.request()
        except ValueError as bad:
            self._fail(str(bad))
            return
        self._save_then(partial(self._run_export, request))

    def _save_then(self, then: Callable[[], None] | None) -> None:
        accepted, rejected = self.model.changed_decisions()
        names = list(self.pending_names)
        self._set_busy(True)
        self.report.hide()
        if not (accepted or rejected or names):
            if then is not None:
                then()
            else:
                self.reload()
            return
        self.message.setText("Saving the decisions…")

        def saved(changes: ReviewSaved) -> None:
            self.pending_names.clear()
            self.names.clear()
            self.ctx.status(
                f"Review saved: {changes.accepted} accepted, {changes.rejected} kept,"
                f" {changes.registered} added to the register"
            )
            self.sig_review_saved.emit(changes)
            if then is not None:
                then()
            else:
                self.reload()

        save = write(apply_review, accepted, rejected, names)
        self.ctx.runner.run(save, saved, self._failed, initiator=self)

    def _run_export(self, request: ExportRequest) -> None:
        self.message.setText(f"Exporting {FORMAT_NAMES.get(request.fmt, request.fmt)}…")
        run = ExportRun(self, self.ctx, request)
        run.sig_exported.connect(self._exported)
        run.sig_failed.connect(self._failed)
        run.sig_cancelled.connect(self._cancelled)
        self.progress_dialog = run.progress_dialog

    def _cancelled(self) -> None:
        self.message.setText("Export cancelled: nothing was written.")
        self.reload()

    def _exported(self, result: ExportResult) -> None:
        remembered.remember_export(self.ctx.path, result.fmt, result.path)
        self.report.setPlainText(result.report_text())
        self.report.show()
        self.message.setText(f"Exported to {result.path}.")
        self.ctx.status(result.headline())
        self.sig_exported.emit(result)
        self.reload()

    # -- the rest ----------------------------------------------------------------------------

    def _failed(self, exc: Exception) -> None:
        self._fail(f"That could not be done: {exc}")
        self.reload()

    def _fail(self, message: str) -> None:
        self.message.setText(message)
        self.sig_failed.emit(message)

    def _set_busy(self, busy: bool) -> None:
        """While the worker has the study, nothing can be decided (a reload would lose it)."""
        self._busy = busy
        if busy and self.isVisible():  # before it is shown, the table is to have focus
            self._table_had_focus = self.table.hasFocus()
        for widget in (
            self.table,
            self.options.count_overrides,  # it reloads the proposals
            self.export_button,
            self.keep_button,
            self.redact_button,
            self.add_button,
        ):
            widget.setEnabled(not busy)
        if not busy and self._table_had_focus:
            self.table.setFocus()
        self._decisions_changed()
