"""The Analysis tab: the theme tree on the left; the quote bank and the matrix on the right."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QSplitter, QTabWidget, QVBoxLayout, QWidget

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
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.themes)
        splitter.addWidget(self.views)
        splitter.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)
