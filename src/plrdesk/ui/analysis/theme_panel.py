"""The theme tree (placeholder until themes land)."""

from __future__ import annotations

import uuid

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from plrdesk.ui.context import StudyContext

THEME_MIME = "application/x-plrdesk-theme-id"
"""Drag payload: a theme's UUID as ASCII text (the tree drags it, entry editors accept it)."""


class ThemePanel(QWidget):
    sig_theme_selected = Signal(uuid.UUID)
    """The researcher chose this theme in the tree."""

    def __init__(self, ctx: StudyContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        QVBoxLayout(self).addWidget(QLabel("Themes are coming."))
