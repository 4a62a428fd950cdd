"""Starting the desktop app: build the QApplication, load the shipped forms, hand over to
the controller. Called from the composition root (plrdesk.__main__)."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication, QMessageBox

from plrdesk import shipped
from plrdesk.forms.catalog import shipped_catalog
from plrdesk.forms.problems import FormErrors
from plrdesk.ui.controller import AppController
from plrdesk.ui.welcome import APP_NAME


def run_app(open_path: Path | None = None) -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    try:
        forms = shipped_catalog(shipped.forms_dir())
    except FormErrors as exc:
        QMessageBox.critical(None, APP_NAME, f"A form in forms/ has a problem: {exc.problems[0]}")
        return 5
    controller = AppController(app, forms)
    if open_path is not None:
        controller.open_path(open_path)
    else:
        controller.show_welcome()
    app.aboutToQuit.connect(controller.shutdown)
    return app.exec()
