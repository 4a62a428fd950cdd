"""The proposals table model, without a widget: qtmodeltester, the decision tick box, and
which decisions it asks to store."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from pytestqt.modeltest import ModelTester

from plrdesk.anonymise.engine import ACCEPT, REJECT
from plrdesk.services.export_review import Occurrence, Proposal, ProposalKey
from plrdesk.services.review_rules import HELD_BACK, HELD_BACK_LABEL, HELD_BACK_RULE
from plrdesk.ui.export.review_model import (
    CONTEXT,
    COUNT,
    DECISION,
    LABEL,
    LAYER,
    REVIEW_BACKGROUND,
    RULE,
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
    rule: str = "registered",
) -> Proposal:
    occurrences = [Occurrence("…at ", text, " reads them.", unsure, rule)] * count
    key = ProposalKey(text.casefold(), layer, label)
    return Proposal(key, text, rule, unsure, decision, occurrences)


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
    assert model.columnCount() == 7
    texts = [model.index(2, c).data() for c in range(7)]
    assert texts == [
        "Redact",
        "Castlebrook",
        "[school]",
        "the register",
        "registered name or identifier",
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


def test_the_rule_column_says_each_rule_in_words_and_a_new_one_by_its_name() -> None:
    model = ReviewModel()
    rules = ["titled-name", "first-name", "phone", "date-of-birth", "school-short-form", ""]
    model.set_proposals([proposal(f"x{n}", "pattern", rule=r) for n, r in enumerate(rules)])
    shown = [model.index(row, RULE).data() for row in range(len(rules))]
    assert shown == [
        "title and name",
        "known first name",
        "phone number",
        "date of birth",
        "school short form",  # a rule added since: its own name, readable
        "no rule named",
    ]
    assert model.index(2, RULE).data(Qt.ItemDataRole.ToolTipRole) == "Found by the rule “phone”"
    assert model.index(5, RULE).data(Qt.ItemDataRole.ToolTipRole) is None


def held_back(decision: str | None = None) -> Proposal:
    marked = Occurrence("…told us ", "letters home should be in plain English", ".", True)
    key = ProposalKey("e-id digest", HELD_BACK, HELD_BACK_LABEL)
    reason = "repeats 9 words of an excluded entry E12"
    return Proposal(
        key, "letters home should be in plain English", HELD_BACK_RULE, True, decision,
        [marked], reason,
    )  # fmt: skip


def test_a_held_back_entry_reads_left_out_or_included_with_its_reason(
    qtmodeltester: ModelTester,
) -> None:
    model = ReviewModel()
    model.set_proposals([held_back(), proposal("Castlebrook")])
    qtmodeltester.check(model)
    row = [model.index(0, c).data() for c in range(7)]
    assert row == [
        "Leave out",
        "letters home should be in plain English",
        "the whole entry",
        "excluded words (check)",
        "repeats an excluded entry",
        "1",
        "repeats 9 words of an excluded entry E12:"
        " …told us «letters home should be in plain English».",
    ]
    assert QColor(model.index(0, TEXT).data(Qt.ItemDataRole.BackgroundRole)) == REVIEW_BACKGROUND
    assert "withdrawn" in model.index(0, TEXT).data(Qt.ItemDataRole.ToolTipRole)
    model.set_redacted([0], False)
    assert model.index(0, DECISION).data() == "Include"
    assert "included in the export" in model.index(0, DECISION).data(Qt.ItemDataRole.ToolTipRole)
    # Include is a reject (a release); left out when it was not sure, an accept.
    assert model.changed_decisions() == ([], [held_back().key])
    model.set_redacted([0], True)
    assert model.changed_decisions() == ([held_back().key], [])
    model.set_proposals([held_back(REJECT)])
    assert model.index(0, DECISION).data() == "Include"
    assert model.index(0, LAYER).data() == "excluded words (reviewed)"
