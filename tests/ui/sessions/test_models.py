"""Every item model of session capture passes pytest-qt's model tester, before and after
the changes it follows."""

from __future__ import annotations

import datetime as dt
import uuid

from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from plrdesk.cli.study_commands import shipped_forms
from plrdesk.domain.ids import EntryId, ParticipantId, SessionId
from plrdesk.services.sessions import (
    CallAttemptView,
    EntryRecord,
    MemberView,
    ParticipantChoice,
    SessionDetail,
    SessionSummary,
)
from plrdesk.ui.context import StudyContext
from plrdesk.ui.sessions.call_log import CallLogModel
from plrdesk.ui.sessions.document import SessionDocument
from plrdesk.ui.sessions.filed_lines import EntryRole, FiledLinesModel
from plrdesk.ui.sessions.new_session_dialog import ParticipantChoiceModel
from plrdesk.ui.sessions.question_list import ItemRole, QuestionListModel
from plrdesk.ui.sessions.session_list import SessionListModel, SessionRole

AT = dt.datetime(2008, 12, 10, 15, 30, tzinfo=dt.UTC)


def group_detail() -> SessionDetail:
    members = [
        MemberView(ParticipantId(uuid.uuid4()), f"C{n}", "child", "Year 7", n) for n in (1, 2, 3)
    ]
    entries = [
        EntryRecord(EntryId(uuid.uuid4()), "E1", "moving-up", "C1", "first", position=0),
        EntryRecord(
            EntryId(uuid.uuid4()),
            "E2",
            "moving-up",
            None,
            None,
            show_of_hands={"agree": 2},
            position=1,
        ),
        EntryRecord(EntryId(uuid.uuid4()), "E3", "nowhere", "C2", "stray", position=2),
    ]
    return SessionDetail(
        SessionId(uuid.uuid4()),
        "S1",
        "focus-group",
        "children-focus-group",
        "1",
        AT,
        None,
        members,
        [CallAttemptView(uuid.uuid4(), AT, "no-answer", None, 0)],
        entries,
    )


def test_session_list_model(qtmodeltester: ModelTester) -> None:
    model = SessionListModel()
    qtmodeltester.check(model)
    summary = SessionSummary(SessionId(uuid.uuid4()), "S1", "focus-group", None, AT, None, 6, 20)
    model.set_sessions(
        [summary, SessionSummary(SessionId(uuid.uuid4()), "S2", "other", None, None, None, 1, 0)]
    )
    qtmodeltester.check(model)
    assert model.index(0, SessionListModel.KIND).data() == "Focus group"
    assert model.index(0, SessionListModel.PEOPLE).data() == 6
    assert model.index(1, SessionListModel.DATE).data() == "not started"
    assert model.index(0, 0).data(SessionRole) is summary
    assert model.row_of("S2") == 1


def test_question_list_model(qtmodeltester: ModelTester) -> None:
    guide = shipped_forms().get("practitioner-interview")
    assert guide is not None
    questions = [i for i in guide.items() if i.type != "info"]
    model = QuestionListModel(questions, with_other=True)
    qtmodeltester.check(model)
    assert model.rowCount() == len(questions) + 1
    assert model.index(0, 0).data().startswith("1. Please tell me about your role")
    assert "How long have you worked" in model.index(0, 0).data(0x0003)  # tooltip: probes
    assert model.index(0, 0).data(ItemRole).id == "role"
    assert model.index(len(questions), 0).data() == "Other notes"
    assert model.row_of(None) == len(questions)


def test_participant_choice_model(qtmodeltester: ModelTester) -> None:
    model = ParticipantChoiceModel()
    model.set_choices(
        [
            ParticipantChoice("P1", "practitioner", "head teacher", False, ()),
            ParticipantChoice("C3", "child", "Year 7", False, ("has no parental consent",)),
        ]
    )
    qtmodeltester.check(model)
    model.set_checked("C3", True)
    model.set_checked("P1", True)
    assert model.chosen() == ["P1", "C3"]
    assert "⚠ has no parental consent" in model.index(1, 0).data()
    model.set_kinds({"child"})
    qtmodeltester.check(model)
    assert model.chosen() == ["C3"]


def test_document_models_follow_changes(
    qtmodeltester: ModelTester, qtbot: QtBot, ctx: StudyContext
) -> None:
    doc = SessionDocument(ctx, group_detail(), shipped_forms().get("children-focus-group"))
    lines = FiledLinesModel(doc)
    calls = CallLogModel(doc)
    qtmodeltester.check(lines)
    qtmodeltester.check(calls)
    assert lines.rowCount() == 7  # six questions and "Other notes"
    assert lines.rowCount(lines.question_index("moving-up")) == 2
    assert lines.rowCount(lines.question_index(None)) == 1  # the stray entry
    first = lines.index(0, 0, lines.question_index("moving-up"))
    assert first.data() == "1 · C1: first"
    assert first.data(EntryRole).ref == "E1"
    # The document's own edits, as the model tester watches.
    record = doc.entries[0]
    doc.insert_record(EntryRecord(EntryId(uuid.uuid4()), "E9", "advice", "C3", "new", position=0))
    doc.update_record(record.id, verbatim=True)
    doc.remove_record(record.id)
    doc.log_call("reached")
    qtmodeltester.check(lines)
    qtmodeltester.check(calls)
    assert lines.rowCount(lines.question_index("advice")) == 1
    assert calls.rowCount() == 2
    assert calls.index(1, CallLogModel.OUTCOME).data() == "Answered"
    ctx.undo.clear()
    qtbot.waitUntil(doc.autosave.is_idle)
