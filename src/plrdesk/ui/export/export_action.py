"""Study > Prepare export…: the menu's action opens the review dialog over the window.

The dialog (review_dialog) reviews the proposed redactions and exports; what it runs is
in export_run, the export itself in `plrdesk.export.study` (the command line's too).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from plrdesk.ui.context import StudyContext
from plrdesk.ui.export.review_dialog import ReviewDialog


def prepare_export(parent: QWidget | None, ctx: StudyContext) -> ReviewDialog:
    """Open the Prepare export dialog over `parent` (it loads the proposals itself)."""
    dialog = ReviewDialog(ctx, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
