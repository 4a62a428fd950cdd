"""The proposals table model, without a widget: qtmodeltester, the decision tick box, and
which decisions it asks to store."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from pytestqt.modeltest import ModelTester

from plrdesk.anonymise.engine import ACCEPT, REJECT
from plrdesk.services.export_review import Occurrence, Proposal, ProposalKey
from plrdesk.ui.export.review_model import (
    CONTEXT,
    COUNT,
    DECISION,
    LABEL,
    LAYER,
    REVIEW_BACKGROUND,
    TEXT,
    ProposalRole,
    ReviewModel,
)

CHECK = Qt.ItemDataRole.CheckStateRole


def proposal(
    text: str,
    layer: str = "register",
    label: str = "school",
    *,
    unsure: bool = False,
    decision: str | None = None,
    count: int = 1,
) -> Proposal:
    occurrences = [Occurrence("…at ", text, " reads them.", unsure, "registered")] * count
    key = ProposalKey(text.casefold(), layer, label)
    return Proposal(key, text, "registered", unsure, decision, occurrences)


def proposals() -> list[Proposal]:
    return [
        proposal("Mr Okonkwo", "name", "person", unsure=True),
        proposal("June", "name", "practitioner", unsure=True, decision=REJECT),
        proposal("Castlebrook", count=2),
        proposal("Northfield", decision=REJECT),
        proposal("Grace", "name", "child", unsure=True, decision=ACCEPT),
    ]


def test_the_model_passes_qtmodeltester(qtmodeltester: ModelTester) -> None:
    model = ReviewModel()
    qtmodeltester.check(model)
    model.set_proposals(proposals())
    qtmodeltester.check(model)
    model.set_redacted([0, 2], False)
    qtmodeltester.check(model)


def test_what_a_row_shows() -> None:
    model = ReviewModel()
    model.set_proposals(proposals())
    assert model.columnCount() == 6
    texts = [model.index(2, c).data() for c in range(6)]
    assert texts == [
        "Redact",
        "Castlebrook",
        "[school]",
        "the register",
        "2",
        "…at «Castlebrook» reads them.",
    ]
    assert model.index(0, LAYER).data() == "a name guess (check)"
    assert model.index(4, LAYER).data() == "a name guess (reviewed)"
    assert model.index(3, DECISION).data() == "Keep"  # a stored reject
    assert model.index(3, DECISION).data(CHECK) == Qt.CheckState.Unchecked
    assert model.index(2, DECISION).data(CHECK) == Qt.CheckState.Checked
    assert model.index(2, TEXT).data(ProposalRole).text == "Castlebrook"
    assert model.headerData(CONTEXT, Qt.Orientation.Horizontal) == "First found in"
    assert model.index(1, COUNT).data(Qt.ItemDataRole.TextAlignmentRole) is not None
    assert model.index(1, LABEL).data(Qt.ItemDataRole.AccessibleTextRole) == "[practitioner]"


def test_rows_to_review_are_highlighted() -> None:
    model = ReviewModel()
    model.set_proposals(proposals())
    background = model.index(0, TEXT).data(Qt.ItemDataRole.BackgroundRole)
    assert QColor(background) == REVIEW_BACKGROUND
    assert "not sure" in model.index(0, TEXT).data(Qt.ItemDataRole.ToolTipRole)
    for row in (1, 2, 4):  # decided, or never in doubt
        assert model.index(row, TEXT).data(Qt.ItemDataRole.BackgroundRole) is None


def test_only_the_decision_is_editable_and_by_its_tick_box() -> None:
    model = ReviewModel()
    model.set_proposals(proposals())
    assert model.flags(model.index(0, DECISION)) & Qt.ItemFlag.ItemIsUserCheckable
    assert not model.flags(model.index(0, TEXT)) & Qt.ItemFlag.ItemIsUserCheckable
    assert not model.setData(model.index(0, TEXT), Qt.CheckState.Unchecked.value, CHECK)
    assert not model.setData(model.index(0, DECISION), "Keep", Qt.ItemDataRole.EditRole)
    changed: list[None] = []
    model.sig_decisions_changed.connect(lambda: changed.append(None))
    assert model.setData(model.index(2, DECISION), Qt.CheckState.Unchecked.value, CHECK)
    assert not model.redacted(2)
    assert model.setData(model.index(2, DECISION), Qt.CheckState.Checked, CHECK)
    assert model.redacted(2)
    assert len(changed) == 2
    model.set_redacted([2], True)  # no change, no signal
    assert len(changed) == 2


def test_the_decisions_to_store_are_the_changes_and_the_reviewed_guesses() -> None:
    model = ReviewModel()
    model.set_proposals(proposals())
    okonkwo, june, castlebrook, northfield, grace = (p.key for p in model.proposals())
    # Untouched: the guess left at Redact is accepted by saving; nothing else is stored.
    assert model.changed_decisions() == ([okonkwo], [])
    assert not model.unsaved()
    model.set_redacted([0, 2], False)  # keep the guess and a registered school
    model.set_redacted([1, 3], True)  # undo two stored keeps
    model.set_redacted([4], False)  # keep a guess accepted before
    accepted, rejected = model.changed_decisions()
    assert accepted == [june, northfield]
    assert rejected == [okonkwo, castlebrook, grace]
    assert model.unsaved()
    assert model.row_of(castlebrook) == 2
    assert model.find("NORTHFIELD") == 3
    assert model.find("nobody") == -1
