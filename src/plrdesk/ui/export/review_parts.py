"""The smaller pieces of the Prepare export screen: the dialog for a name the anonymiser
missed, and the detail pane's listing of every place a redaction was found."""

from __future__ import annotations

import html

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from plrdesk.services.export_review import (
    ADD_KINDS,
    Proposal,
)
from plrdesk.ui.export.review_model import (
    LAYER_TEXT,
)

RUNNING, CANCELLING = "running", "cancelling"  # an export's state while it runs
DETAIL_LIMIT = 500  # places listed in the detail pane (the count says how many in all)


class AddNameDialog(QDialog):
    """A missed name (or school, place ...) and what it is; it joins the register."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Add a missed name")
        self.text = QLineEdit()
        self.text.setAccessibleName("Name or text to redact")
        self.text.setPlaceholderText("as it is written, e.g. Oakwell or Jo Bloggs")
        self.kind = QComboBox()
        self.kind.setAccessibleName("What it is")
        for kind in ADD_KINDS:
            self.kind.addItem(kind, kind)
        form = QFormLayout()
        text_label = QLabel("&Name or text:")
        text_label.setBuddy(self.text)
        kind_label = QLabel("&What it is:")
        kind_label.setBuddy(self.kind)
        form.addRow(text_label, self.text)
        form.addRow(kind_label, self.kind)
        hint = QLabel(
            "It joins the study's register: every export from now on replaces it (and, for"
            " a person, each part of the name) with its label."
        )
        hint.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText("Add")
        self.ok.setEnabled(False)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.text.textChanged.connect(lambda text: self.ok.setEnabled(bool(text.strip())))
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(self.buttons)

    def value(self) -> tuple[str, str]:
        return " ".join(self.text.text().split()), str(self.kind.currentData())


def detail_html(proposal: Proposal) -> str:
    """Every place the proposal was found, the words marked (escaped: notes are text)."""
    found_by = LAYER_TEXT.get(proposal.layer, proposal.layer)
    times = "once" if proposal.count == 1 else f"{proposal.count} times"
    head = (
        f"<p><b>{html.escape(proposal.text)}</b> → [{html.escape(proposal.label)}], found by"
        f" {found_by} ({html.escape(proposal.rule)}), {times}."
    )
    if proposal.needs_review:
        head += " <i>The anonymiser was not sure of this one: please check it.</i>"
    elif proposal.unsure:
        head += " <i>The anonymiser was not sure of this one; you reviewed it.</i>"
    items = "".join(
        f"<li>{html.escape(o.before)}<b><u>{html.escape(o.match)}</u></b>"
        f"{html.escape(o.after)}</li>"
        for o in proposal.occurrences[:DETAIL_LIMIT]
    )
    more = proposal.count - DETAIL_LIMIT
    tail = f"<p>… and {more} more places.</p>" if more > 0 else ""
    return f"{head}</p><ol>{items}</ol>{tail}"
