"""View > Coder agreement: how far two coders agree, theme by theme, and where they differ.

Pick the two coders and the unit (entry, sentence or character, as `plrdesk agreement`);
the themes are listed worst first (lowest kappa). Enter on a theme lists the entries
where the coders differ on it; the chosen entry is shown side by side, each coder's coded
words in bold and underlined. Enter on an entry opens it in its session.

The figures are read and computed on the database worker (`agreement_report`), the same
service the command line prints; the differences of one theme are worked out here from
what that read returned, without another read. Any coding, note or theme saved meanwhile
reloads the view.

    dialog = AgreementDialog(ctx, open_entry=window.show_entry, parent=window)
    dialog.show()
"""

from __future__ import annotations

import html
import uuid
from collections.abc import Callable

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from plrdesk.services.agreement import ThemeAgreement, Unit
from plrdesk.services.agreement_data import AgreementReport, agreement_report, rounded
from plrdesk.services.changes import Changes, Table
from plrdesk.ui.analysis.agreement_model import (
    A_WORDS,
    B_WORDS,
    THEME,
    AgreementTableModel,
    DifferenceModel,
    RowRole,
    figure,
    marked_html,
)
from plrdesk.ui.context import StudyContext
from plrdesk.ui.operations import read

WATCHED = (Table.CODING, Table.ENTRY, Table.THEME, Table.STUDY, Table.PARTICIPANT)
UNIT_LABELS = {Unit.ENTRY: "Entry", Unit.SENTENCE: "Sentence", Unit.CHARACTER: "Character"}


class AgreementDialog(QDialog):
    sig_report_shown = Signal()
    """A freshly read report is on screen (no arguments)."""

    def __init__(
        self,
        ctx: StudyContext,
        open_entry: Callable[[uuid.UUID], None] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Coder agreement")
        self.setObjectName("agreementDialog")
        self._ctx = ctx
        self._open_entry = open_entry
        self._report: AgreementReport | None = None
        # Reads are answered in the order asked: only the answer to the newest counts.
        self._loads = 0
        self._answers = 0
        self._filling = False

        self.coder_a = QComboBox()
        self.coder_a.setAccessibleName("First coder")
        self.coder_b = QComboBox()
        self.coder_b.setAccessibleName("Second coder")
        self.unit = QComboBox()
        self.unit.setAccessibleName("Unit of comparison")
        for unit, label in UNIT_LABELS.items():
            self.unit.addItem(label, unit.value)
        for combo in (self.coder_a, self.coder_b, self.unit):
            combo.currentIndexChanged.connect(self._choice_changed)

        self.summary = QLabel("Reading the codings…")
        self.summary.setObjectName("agreementSummary")
        self.summary.setWordWrap(True)

        self.themes = AgreementTableModel(self)
        self.theme_table = _table(self.themes, "Themes, lowest kappa first")
        self.theme_table.activated.connect(self._theme_activated)
        self.theme_table.selectionModel().currentRowChanged.connect(self._theme_chosen)

        self.differences = DifferenceModel(self)
        self.difference_table = _table(self.differences, "Entries where the coders differ")
        self.difference_table.activated.connect(self._difference_activated)
        self.difference_table.selectionModel().currentRowChanged.connect(self._difference_chosen)

        self.a_label, self.b_label = QLabel(), QLabel()
        self.a_text, self.b_text = QTextBrowser(), QTextBrowser()
        for browser, name in ((self.a_text, "First"), (self.b_text, "Second")):
            browser.setAccessibleName(f"{name} coder's coding of the entry")
            browser.setOpenLinks(False)

        self.open_button = QPushButton("&Open in its session")
        self.open_button.setEnabled(False)
        self.open_button.clicked.connect(self._open_current)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.addButton(self.open_button, QDialogButtonBox.ButtonRole.ActionRole)
        for button in buttons.buttons():
            # Enter belongs to the tables (a theme's differences, an entry opened): a
            # default button would take it and close the dialog.
            if isinstance(button, QPushButton):
                button.setAutoDefault(False)
                button.setDefault(False)

        choose = QHBoxLayout()
        for text, combo in (("Coder &1:", self.coder_a), ("Coder &2:", self.coder_b)):
            choose.addWidget(_buddy(text, combo))
            choose.addWidget(combo, 2)
        choose.addWidget(_buddy("&Unit:", self.unit))
        choose.addWidget(self.unit, 1)
        side = QGridLayout()
        side.addWidget(self.a_label, 0, 0)
        side.addWidget(self.b_label, 0, 1)
        side.addWidget(self.a_text, 1, 0)
        side.addWidget(self.b_text, 1, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(choose)
        layout.addWidget(self.summary)
        layout.addWidget(_buddy("&Themes, lowest kappa first:", self.theme_table))
        layout.addWidget(self.theme_table, 3)
        layout.addWidget(_buddy("&Entries where they differ:", self.difference_table))
        layout.addWidget(self.difference_table, 2)
        layout.addLayout(side, 3)
        layout.addWidget(buttons)
        self.resize(900, 760)
        self.theme_table.setFocus()  # the keys land on the worst theme when it opens
        ctx.runner.sig_changes.connect(self._changed)
        self.reload()

    # -- reading -------------------------------------------------------------------------------

    def chosen_unit(self) -> Unit:
        unit = self.unit.currentData()  # Qt hands the enum back as its text
        return Unit(unit) if unit in set(Unit) else Unit.ENTRY

    def reload(self) -> None:
        self._loads += 1
        a, b = self.coder_a.currentData(), self.coder_b.currentData()
        # Bound methods: the runner drops their answers once the dialog is gone.
        self._ctx.runner.run(
            read(agreement_report, a, b, self.chosen_unit()), self._shown, self._failed
        )

    def _newest(self) -> bool:
        self._answers += 1
        return self._answers == self._loads

    def _failed(self, exc: Exception) -> None:
        if self._newest():
            self.summary.setText(f"Could not read the codings: {exc}")

    def _shown(self, report: AgreementReport) -> None:
        if not self._newest():
            return  # a newer read is on its way
        self._report = report
        self._fill_coders(report)
        result = report.result
        if result is None:
            self.summary.setText(report.problem or "")
            self.themes.set_rows([])
        else:
            overall = result.overall
            self.summary.setText(
                f"Overall, pooled over the themes either coder used: agreement"
                f" {figure(rounded(overall.agreement, 2))}, kappa"
                f" {figure(rounded(overall.kappa, 2))}"
                f" ({len(report.data.entries)} entries compared, by"
                f" {result.unit.value})."
            )
            self.themes.set_rows(result.themes)
        if self.themes.rowCount() > 0:
            self.theme_table.setCurrentIndex(self.themes.index(0, 0))
        else:
            self._theme_chosen(QModelIndex())
        self.sig_report_shown.emit()

    def _fill_coders(self, report: AgreementReport) -> None:
        names = [coder.name for coder in report.data.coders]
        chosen = report.chosen
        self._filling = True
        try:
            for combo, name in zip((self.coder_a, self.coder_b), chosen, strict=True):
                combo.clear()
                for option in names:
                    combo.addItem(option, option)
                at = combo.findData(name)
                combo.setCurrentIndex(at if at >= 0 else -1)
        finally:
            self._filling = False

    def _choice_changed(self) -> None:
        if not self._filling:
            self.reload()

    def _changed(self, changes: Changes, _initiator: object) -> None:
        if changes.touches(*WATCHED):
            self.reload()

    # -- themes and differences ----------------------------------------------------------------

    def current_theme(self) -> ThemeAgreement | None:
        row = self.theme_table.currentIndex().data(RowRole)
        return row if isinstance(row, ThemeAgreement) else None

    def _theme_chosen(self, _index: QModelIndex) -> None:
        report, theme = self._report, self.current_theme()
        if report is None or report.result is None or theme is None:
            self.differences.set_rows([], {}, ("First coder", "Second coder"))
        else:
            a, b = report.result.coders
            found = report.data.differences(a, b, report.result.unit, theme.theme.id)
            self.differences.set_rows(found, report.data.info, (a, b))
            self.a_label.setText(f"<b>{html.escape(a)}</b>")
            self.b_label.setText(f"<b>{html.escape(b)}</b>")
        if self.differences.rowCount() > 0:
            self.difference_table.setCurrentIndex(self.differences.index(0, 0))
        else:
            self._difference_chosen(QModelIndex())

    def _theme_activated(self, _index: QModelIndex) -> None:
        self.difference_table.setFocus(Qt.FocusReason.OtherFocusReason)

    def _difference_chosen(self, index: QModelIndex) -> None:
        row = index.data(RowRole) if index.isValid() else None
        info = self.differences.info(row) if row is not None else None
        self.open_button.setEnabled(info is not None and self._open_entry is not None)
        if row is None or info is None:
            self.a_text.clear()
            self.b_text.clear()
            return
        self.a_text.setHtml(marked_html(info.text, row.a_spans))
        self.b_text.setHtml(marked_html(info.text, row.b_spans))

    def _difference_activated(self, _index: QModelIndex) -> None:
        self._open_current()

    def _open_current(self) -> None:
        row = self.difference_table.currentIndex().data(RowRole)
        if row is not None and self._open_entry is not None:
            self._open_entry(row.entry_id)


def _buddy(text: str, widget: QWidget) -> QLabel:
    label = QLabel(text)
    label.setBuddy(widget)
    return label


def _table(model: AgreementTableModel | DifferenceModel, name: str) -> QTableView:
    table = QTableView()
    table.setModel(model)
    table.setAccessibleName(name)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setTabKeyNavigation(False)
    table.verticalHeader().hide()
    header = table.horizontalHeader()
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    wide = (THEME,) if isinstance(model, AgreementTableModel) else (A_WORDS, B_WORDS)
    for column in wide:
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
    return table


def open_agreement(
    ctx: StudyContext, parent: QWidget, open_entry: Callable[[uuid.UUID], None]
) -> AgreementDialog:
    """View > Coder agreement…: the dialog, shown beside the window (not modal)."""
    dialog = AgreementDialog(ctx, open_entry, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    dialog.raise_()
    return dialog
