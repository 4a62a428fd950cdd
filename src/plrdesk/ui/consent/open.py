"""Opening the consent recorder for a participant (asked for by the register through
Navigator.sig_record_consent)."""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from plrdesk.services.consents import RecorderSetup, recorder_setup
from plrdesk.ui.consent.recorder import ConsentRecorder
from plrdesk.ui.context import StudyContext
from plrdesk.ui.operations import read


def open_consent_recorder(ctx: StudyContext, participant_ref: str, parent: QWidget) -> None:
    """Load what the recorder shows on the database worker, then open it beside `parent`."""

    def show(setup: RecorderSetup) -> None:
        if not shiboken6.isValid(parent):
            return  # the window was locked or closed meanwhile
        dialog = ConsentRecorder(ctx, setup, parent)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()

    def failed(exc: Exception) -> None:
        ctx.status(f"Could not open the consent recorder: {exc}")

    ctx.runner.run(read(recorder_setup, ctx.forms, participant_ref), show, failed)
