"""The Analysis tab: the theme tree on the left; the quote bank and the matrix on the right."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from plrdesk.ui.analysis.bulk_coding_dialog import BulkCodingDialog
from plrdesk.ui.analysis.matrix import MatrixView
from plrdesk.ui.analysis.quote_bank import QuoteBankView
from plrdesk.ui.analysis.theme_panel import ThemePanel
from plrdesk.ui.context import StudyContext


class AnalysisPage(QWidget):
    def __init__(self, ctx: StudyContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.themes = ThemePanel(ctx)
        self.quotes = QuoteBankView(ctx)
        self.matrix = MatrixView(ctx)
        self.views = QTabWidget()
        self.views.setAccessibleName("Analysis views")
        self.views.addTab(self.quotes, "&Quote bank")
        self.views.addTab(self.matrix, "&Matrix")
        # Choosing a theme in the tree shows its passages in the quote bank.
        self.themes.sig_theme_selected.connect(self.quotes.show_theme)
        self._ctx = ctx
        bulk = QAction("Code search results…", self)
        bulk.setShortcut(QKeySequence("Ctrl+Shift+K"))
        bulk.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        bulk.triggered.connect(self.code_search_results)
        self.addAction(bulk)
        self.bulk_button = QPushButton("Co&de search results…")
        self.bulk_button.setAccessibleName("Code search results with a theme")
        self.bulk_button.clicked.connect(self.code_search_results)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.themes)
        splitter.addWidget(self.views)
        splitter.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.bulk_button)
        layout.addLayout(row)

    def code_search_results(self) -> None:
        """Search the notes and code the matching passages in one step (with undo)."""
        dialog = BulkCodingDialog(self._ctx, self, theme_id=self.quotes.theme_id)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
