"""The proposed redactions of Prepare export as a table model.

One row per proposal (services.export_review.Proposal): its decision (a tick box: ticked
is Redact, unticked is Keep), the text, the label it is replaced by, the layer that found
it, the rule that found it in words (`rule_text`: a new detector's rule by its own name),
how often, and the first place it was found. Rows the anonymiser was not sure of come
first (the service sorts them so) and are highlighted. An entry held back for repeating an
excluded entry's words is a row too, at the very top: ticked it is left out, unticked it
is included, and its "first found in" gives the reason before the words. The model keeps
the researcher's choices until they are saved; `changed_decisions` gives what to store.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from PySide6.QtCore import QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QColor, QFont

from plrdesk.anonymise.engine import REJECT
from plrdesk.services.export_review import Proposal, ProposalKey
from plrdesk.services.review_rules import HELD_BACK
from plrdesk.ui.table_models import HeaderedTableModel, Index

DECISION, TEXT, LABEL, LAYER, RULE, COUNT, CONTEXT = range(7)

ProposalRole = Qt.ItemDataRole.UserRole + 1
"""The Proposal of any cell."""

# Pale amber behind rows to review: dark text keeps 15:1 on it.
REVIEW_BACKGROUND = QColor(0xFF, 0xF0, 0xC2)
REDACT, KEEP = "Redact", "Keep"
LEAVE_OUT, INCLUDE = "Leave out", "Include"  # a held-back entry's Redact and Keep
WHOLE_ENTRY = "the whole entry"
LAYER_TEXT = {
    "register": "the register",
    "pattern": "a pattern",
    "name": "a name guess",
    HELD_BACK: "excluded words",
}
REVIEW_TIP = "The anonymiser was not sure of this one: check it, then Redact or Keep."
HELD_BACK_TIP = (
    "This entry repeats the words of an entry the export leaves out (a withdrawn"
    " participant's, or one flagged for safeguarding). Left out, none of its passages"
    " leaves; Include lets it leave as written, names still redacted."
)


class ReviewModel(HeaderedTableModel):
    """Proposals with an editable decision; ProposalRole gives the Proposal."""

    HEADERS: ClassVar[tuple[str, ...]] = (
        "Decision",
        "Text",
        "Label",
        "Found by",
        "Rule",
        "Count",
        "First found in",
    )

    sig_decisions_changed = Signal()
    """The researcher changed at least one decision (not yet saved)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._proposals: list[Proposal] = []
        self._redact: list[bool] = []

    # -- contents ------------------------------------------------------------------------

    def set_proposals(self, proposals: Sequence[Proposal]) -> None:
        """Show these proposals, each with its stored decision (or Redact) as the default."""
        self.beginResetModel()
        self._proposals = list(proposals)
        self._redact = [p.redact for p in self._proposals]
        self.endResetModel()

    def proposals(self) -> list[Proposal]:
        return list(self._proposals)

    def proposal_at(self, row: int) -> Proposal | None:
        return self._proposals[row] if 0 <= row < len(self._proposals) else None

    def row_of(self, key: ProposalKey) -> int:
        """The row of the proposal with `key`, or -1."""
        return next((n for n, p in enumerate(self._proposals) if p.key == key), -1)

    def find(self, text: str) -> int:
        """The first row whose text is `text` in any case, or -1 (for tests and search)."""
        folded = text.casefold()
        return next((n for n, p in enumerate(self._proposals) if p.text.casefold() == folded), -1)

    def redacted(self, row: int) -> bool:
        return self._redact[row]

    def set_redacted(self, rows: Sequence[int], redact: bool) -> None:
        changed = [r for r in rows if 0 <= r < len(self._redact) and self._redact[r] != redact]
        for row in changed:
            self._redact[row] = redact
            self.dataChanged.emit(self.index(row, 0), self.index(row, self.columnCount() - 1))
        if changed:
            self.sig_decisions_changed.emit()

    def changed_decisions(self) -> tuple[list[ProposalKey], list[ProposalKey]]:
        """(accepted, rejected): the decisions to store. Keep is stored where it was not
        already; Redact where it undoes a stored Keep or confirms a proposal the anonymiser
        was not sure of (a register match at Redact needs no decision)."""
        accepted: list[ProposalKey] = []
        rejected: list[ProposalKey] = []
        for proposal, redact in zip(self._proposals, self._redact, strict=True):
            if not redact and proposal.decision != REJECT:
                rejected.append(proposal.key)
            elif redact and (proposal.decision == REJECT or proposal.needs_review):
                accepted.append(proposal.key)
        return accepted, rejected

    def unsaved(self) -> bool:
        """Whether a decision differs from the stored one."""
        return any(
            redact != p.redact for p, redact in zip(self._proposals, self._redact, strict=True)
        )

    # -- the model's shape -----------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._proposals)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == DECISION:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._proposals):
            return None
        proposal = self._proposals[index.row()]
        redact = self._redact[index.row()]
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self.text(proposal, redact, column)
        if role == Qt.ItemDataRole.CheckStateRole and column == DECISION:
            return Qt.CheckState.Checked if redact else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(proposal, redact, column)
        if role == Qt.ItemDataRole.BackgroundRole and proposal.needs_review:
            return REVIEW_BACKGROUND
        if role == Qt.ItemDataRole.ForegroundRole and proposal.needs_review:
            return QColor(Qt.GlobalColor.black)  # readable on the amber in a dark theme too
        if role == Qt.ItemDataRole.FontRole and column == DECISION and not redact:
            font = QFont()
            font.setBold(True)  # a Keep stands out: the words will leave as written
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole and column == COUNT:
            return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        if role == ProposalRole:
            return proposal
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if (
            not index.isValid()
            or index.column() != DECISION
            or role != Qt.ItemDataRole.CheckStateRole
            or not 0 <= index.row() < len(self._proposals)
        ):
            return False
        checked = _check_state(value) == Qt.CheckState.Checked
        self.set_redacted([index.row()], checked)
        return True

    @staticmethod
    def text(proposal: Proposal, redact: bool, column: int) -> str:
        held = proposal.held_back
        if column == DECISION:
            if held:
                return LEAVE_OUT if redact else INCLUDE
            return REDACT if redact else KEEP
        if column == TEXT:
            return proposal.text
        if column == LABEL:
            return WHOLE_ENTRY if held else f"[{proposal.label}]"
        if column == RULE:
            return proposal.rule_text
        if column == LAYER:
            found = LAYER_TEXT.get(proposal.layer, proposal.layer)
            if proposal.needs_review:
                return f"{found} (check)"
            return f"{found} (reviewed)" if proposal.unsure else found
        if column == COUNT:
            return str(proposal.count)
        if column == CONTEXT:
            marked = proposal.occurrences[0].marked if proposal.occurrences else ""
            return f"{proposal.reason}: {marked}" if proposal.reason else marked
        return ""

    @staticmethod
    def _tooltip(proposal: Proposal, redact: bool, column: int) -> str | None:
        if column == RULE:
            return f"Found by the rule “{proposal.rule}”" if proposal.rule else None
        if proposal.held_back:
            if column == DECISION:
                what = "left out of the export" if redact else "included in the export"
                return f"This entry is {what}. Space or a click changes it.\n{HELD_BACK_TIP}"
            return HELD_BACK_TIP
        if column == DECISION:
            what = f"replaced by [{proposal.label}]" if redact else "left in the export as written"
            tip = f"“{proposal.text}” is {what}. Space or a click changes it."
            return f"{tip}\n{REVIEW_TIP}" if proposal.needs_review else tip
        if proposal.needs_review:
            return REVIEW_TIP
        return None


def _check_state(value: Any) -> Qt.CheckState:
    if isinstance(value, Qt.CheckState):
        return value
    try:
        return Qt.CheckState(int(value))
    except (TypeError, ValueError):
        return Qt.CheckState.Unchecked
