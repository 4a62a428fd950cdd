"""Session capture services: the consent gate and its audited override, refs, entries and
their undo inverses, the full-text index after edits, call attempts, show of hands,
safeguarding flags."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from plrdesk.cli.study_commands import shipped_forms
from plrdesk.domain import models as m
from plrdesk.domain.ids import EntryId
from plrdesk.domain.kinds import ParticipantKind, SessionKind
from plrdesk.domain.permissions import (
    PermissionBook,
    PersonFact,
    consent_on_the_call,
    session_gaps,
)
from plrdesk.services import audit
from plrdesk.services.changes import Table
from plrdesk.services.entries import (
    NotASessionMember,
    UnknownEntry,
    add_entry,
    delete_entry,
    flag_safeguarding,
    restore_entry,
    session_ref_of_entry,
    set_entry_text,
    set_question,
    set_show_of_hands,
    set_speaker,
    set_verbatim,
    unflag_safeguarding,
)
from plrdesk.services.search import search_study
from plrdesk.services.sessions import (
    CallDecline,
    CallDeclined,
    ConsentGateBlocked,
    NotesGate,
    NotesLocked,
    UnknownGuide,
    UnknownParticipant,
    add_call_attempt,
    create_session,
    decline_call,
    end_session,
    has_verbal_consent,
    is_declined,
    list_sessions,
    next_ref,
    notes_gate,
    participant_choices,
    require_notes_open,
    session_detail,
    set_call_minutes,
    set_call_note,
    set_call_outcome,
    start_session,
)
from plrdesk.storage.study_file import StudyFile

NOW = dt.datetime(2009, 2, 3, 10, 0, tzinfo=dt.UTC)


def audit_events(db: Session, action: str) -> list[m.AuditEvent]:
    return list(db.scalars(select(m.AuditEvent).filter_by(action=action)))


def test_list_sessions_counts_people_and_notes(demo_study: StudyFile) -> None:
    with demo_study.transaction() as db:
        sessions = {s.ref: s for s in list_sessions(db)}
    assert len(sessions) == 11
    assert sessions["S11"].participants == 6
    assert sessions["S11"].entries == 20
    assert sessions["S11"].kind == "focus-group"
    assert sessions["S1"].entries == 9


def test_session_detail_in_order_with_members_and_calls(demo_study: StudyFile) -> None:
    with demo_study.transaction() as db:
        group = session_detail(db, "S11")
        phone = session_detail(db, "S8")
    assert [member.ref for member in group.members] == ["C1", "C2", "C3", "C4", "C5", "C6"]
    assert [member.number for member in group.members] == [1, 2, 3, 4, 5, 6]
    assert group.members[0].descriptor == "Year 7"
    assert group.members[5].withdrawn  # C6 withdrew after the group
    assert group.guide == "children-focus-group"
    assert group.guide_version == "1"
    assert [e.ref for e in group.entries][:3] == ["E75", "E76", "E77"]
    assert group.entries[0].show_of_hands == {"agree": 5, "disagree": 1}
    assert group.entries[0].speaker_ref is None
    flagged = [e for e in group.entries if e.flagged]
    assert [e.ref for e in flagged] == ["E87"]
    assert [a.outcome for a in phone.call_attempts] == ["voicemail", "call-back", "reached"]
    assert phone.members[0].verbal_consent


def test_the_gate_blocks_a_child_without_consent(demo_study: StudyFile) -> None:
    forms = shipped_forms()
    with demo_study.transaction() as db:
        db.delete(db.scalars(select(m.Consent).filter_by(ref="K9")).one())  # C3's parent
    with pytest.raises(ConsentGateBlocked) as blocked, demo_study.transaction() as db:
        create_session(db, forms, "focus-group", "children-focus-group", ["C1", "C3"], NOW)
    assert [(g.ref, g.reason) for g in blocked.value.gaps] == [("C3", "has no parental consent")]
    with demo_study.transaction() as db:
        assert len(list_sessions(db)) == 11
        assert audit_events(db, "consent-gate-override") == []
        # a blank reason is no reason
        with pytest.raises(ConsentGateBlocked):
            create_session(db, forms, "focus-group", None, ["C3"], NOW, override_reason="  ")


def test_a_withdrawn_participant_is_a_gap(demo_study: StudyFile) -> None:
    with pytest.raises(ConsentGateBlocked) as blocked, demo_study.transaction() as db:
        create_session(db, shipped_forms(), "focus-group", None, ["C6"], NOW)
    assert blocked.value.gaps[0].reason == "has withdrawn"


def test_an_override_is_audited_with_people_and_reason(demo_study: StudyFile) -> None:
    reason = "Parent confirmed by phone; written form follows"
    with demo_study.transaction() as db:
        c6 = db.scalars(select(m.Participant).filter_by(ref="C6")).one()
        made = create_session(
            db, shipped_forms(), "focus-group", "children-focus-group", ["C1", "C6"], NOW, reason
        )
    assert made.ref == "S12"
    assert made.added_ids(Table.SESSION) == [made.record_id]
    with demo_study.transaction() as db:
        (event,) = audit_events(db, "consent-gate-override")
        assert event.record_ids == [str(made.record_id), str(c6.id)]
        assert event.detail == {"participants": 1, "reason": reason}
        detail = session_detail(db, "S12")
        assert [p.ref for p in detail.members] == ["C1", "C6"]
        assert audit_events(db, "create-session")


def test_create_records_the_guide_version_and_stores_the_guide(demo_study: StudyFile) -> None:
    with demo_study.transaction() as db:
        db.execute(delete(m.StoredForm))
    with demo_study.transaction() as db:
        made = create_session(
            db, shipped_forms(), "practitioner-interview", "practitioner-interview", ["P1"], NOW
        )
    with demo_study.transaction() as db:
        row = db.get_one(m.StudySession, made.record_id)
        assert (row.guide, row.guide_version, row.started_at) == (
            "practitioner-interview",
            "1",
            NOW,
        )
        stored = db.scalars(select(m.StoredForm)).all()
        assert [(s.form_id, s.version) for s in stored] == [("practitioner-interview", "1")]


def test_create_refuses_unknown_guides_and_people(demo_study: StudyFile) -> None:
    forms = shipped_forms()
    with demo_study.transaction() as db:
        with pytest.raises(UnknownGuide):
            create_session(db, forms, "practitioner-interview", "parental-consent", ["P1"], NOW)
        with pytest.raises(UnknownParticipant):
            create_session(db, forms, "practitioner-interview", None, ["P99"], NOW)
        with pytest.raises(ValueError, match="at least one"):
            create_session(db, forms, "practitioner-interview", None, [], NOW)
        with pytest.raises(ValueError, match="a-party"):
            create_session(db, forms, "a-party", None, ["P1"], NOW)


def test_next_ref_counts_past_the_largest() -> None:
    assert next_ref([], "S") == "S1"
    assert next_ref(["S1", "S9", "S10", "KS3", "Sx"], "S") == "S11"


def test_entries_get_study_wide_refs_and_positions(demo_study: StudyFile) -> None:
    with demo_study.transaction() as db:
        first = add_entry(db, "S1", "role", "P1", "first")
        second = add_entry(db, "S2", "role", None, "second")
    assert (first.ref, second.ref) == ("E95", "E96")
    with demo_study.transaction() as db:
        entries = session_detail(db, "S1").entries
    assert entries[-1].ref == "E95"
    assert entries[-1].speaker_ref == "P1"
    assert entries[-1].at is not None


def test_an_entry_inserted_at_a_position_moves_the_rest_down(demo_study: StudyFile) -> None:
    with demo_study.transaction() as db:
        add_entry(db, "S1", "role", "P1", "inserted", position=1)
    with demo_study.transaction() as db:
        entries = session_detail(db, "S1").entries
    assert [e.ref for e in entries][:3] == ["E1", "E95", "E2"]
    assert [e.position for e in entries] == list(range(10))


def test_the_speaker_must_be_a_member(demo_study: StudyFile) -> None:
    with demo_study.transaction() as db:
        with pytest.raises(NotASessionMember):
            add_entry(db, "S1", "role", "P2", "not here")
        made = add_entry(db, "S11", "advice", "C3", "hello")
        set_speaker(db, EntryId(made.record_id), "C4")
        with pytest.raises(NotASessionMember):
            set_speaker(db, EntryId(made.record_id), "P1")
        set_speaker(db, EntryId(made.record_id), None)
        assert db.get_one(m.Entry, made.record_id).speaker_id is None


def test_edits_update_the_entry_and_the_index(demo_study: StudyFile) -> None:
    with demo_study.transaction() as db:
        made = add_entry(db, "S1", "tools", "P1", "the zebracorn")
        before = db.get_one(m.Entry, made.record_id).updated_at
    with demo_study.transaction() as db:
        changes = set_entry_text(db, EntryId(made.record_id), "the quokka told us")
        set_verbatim(db, EntryId(made.record_id), True)
        set_question(db, EntryId(made.record_id), "barriers")
    assert changes.updated == {"entry": [made.record_id]}
    with demo_study.transaction() as db:
        entry = db.get_one(m.Entry, made.record_id)
        assert (entry.text, entry.verbatim, entry.question) == (
            "the quokka told us",
            True,
            "barriers",
        )
        assert before is not None
        assert entry.updated_at is not None
        assert entry.updated_at >= before
        assert [h.entry_id for h in search_study(db, "quokka")] == [made.record_id]
        assert search_study(db, "zebracorn") == []


def test_delete_and_restore_give_back_the_same_entry(demo_study: StudyFile) -> None:
    with demo_study.transaction() as db:
        e2 = db.scalars(select(m.Entry).filter_by(ref="E2")).one()
        theme = m.Theme(ref="T9", name="Timing")
        db.add(theme)
        db.flush()
        e2.codings.append(m.Coding(theme_id=theme.id, start=0, end=5))
        flag_safeguarding(db, EntryId(e2.id), "Told the DSL")
        entry_id = e2.id
    with demo_study.transaction() as db:
        deleted = delete_entry(db, EntryId(entry_id))
    assert deleted.removed == {"entry": [entry_id]}
    with demo_study.transaction() as db:
        assert db.get(m.Entry, entry_id) is None
        assert db.scalars(select(m.Coding).filter_by(entry_id=entry_id)).all() == []
        with pytest.raises(UnknownEntry):
            set_entry_text(db, EntryId(entry_id), "gone")
        add_entry(db, "S1", "role", "P1", "fills the gap", position=deleted.snapshot.position)
    with demo_study.transaction() as db:
        restored = restore_entry(db, deleted.snapshot)
    assert restored.record_id == entry_id
    assert restored.ref == "E2"
    with demo_study.transaction() as db:
        entry = db.get_one(m.Entry, entry_id)
        assert entry.safeguarding_action == "Told the DSL"
        assert (0, 5) in [(c.start, c.end) for c in entry.codings]
        assert len(entry.codings) == len(deleted.snapshot.codings)
        refs = [e.ref for e in session_detail(db, "S1").entries]
        assert refs[:3] == ["E1", "E2", "E95"]
        assert search_study(db, "summer holiday")  # E3 is still indexed
        assert [a.action for a in db.scalars(select(m.AuditEvent))][-2:] == [
            "delete-entry",
            "restore-entry",
        ]


def test_restore_takes_a_new_ref_when_its_own_was_reused(demo_study: StudyFile) -> None:
    with demo_study.transaction() as db:
        made = add_entry(db, "S1", "role", "P1", "to go")
        deleted = delete_entry(db, EntryId(made.record_id))
        reused = add_entry(db, "S1", "role", "P1", "took the ref")
        assert reused.ref == made.ref
        restored = restore_entry(db, deleted.snapshot)
    assert restored.ref == "E96"


def test_call_attempts(demo_study: StudyFile) -> None:
    attempt_id = uuid.uuid4()
    with demo_study.transaction() as db:
        add_call_attempt(db, "S9", NOW, "no-answer", attempt_id=attempt_id)
        add_call_attempt(db, "S9", NOW + dt.timedelta(days=1), "reached", 12)
        set_call_outcome(db, attempt_id, "voicemail")
        set_call_minutes(db, attempt_id, 1)
        with pytest.raises(ValueError, match="busy"):
            add_call_attempt(db, "S9", NOW, "busy")
        with pytest.raises(ValueError, match="phone"):
            add_call_attempt(db, "S1", NOW, "reached")
    with demo_study.transaction() as db:
        attempts = session_detail(db, "S9").call_attempts
        assert [(a.outcome, a.minutes) for a in attempts] == [
            ("reached", 31),
            ("voicemail", 1),
            ("reached", 12),
        ]
        assert audit_events(db, "call-attempt")[0].detail == {"outcome": "no-answer"}


def test_show_of_hands_updates_the_entry_under_the_question(demo_study: StudyFile) -> None:
    with demo_study.transaction() as db:
        updated = set_show_of_hands(db, "S11", "moving-up", {"agree": 4, "disagree": 2})
        made = set_show_of_hands(db, "S11", "being-listened-to", {"agree": 1}, entry_id=None)
        new_id = uuid.uuid4()
        chosen = set_show_of_hands(db, "S11", "advice", {"agree": 3}, entry_id=EntryId(new_id))
        again = set_show_of_hands(db, "S11", "advice", {"agree": 4}, entry_id=EntryId(new_id))
    assert updated.ref == "E75"
    assert made.ref == "E88"  # the existing show of hands under that question
    assert chosen.record_id == new_id == again.record_id
    with demo_study.transaction() as db:
        assert db.get_one(m.Entry, new_id).show_of_hands == {"agree": 4}
        assert db.get_one(m.Entry, new_id).speaker_id is None
        assert db.get_one(m.Entry, updated.record_id).show_of_hands == {"agree": 4, "disagree": 2}
        with pytest.raises(ValueError, match="negative"):
            set_show_of_hands(db, "S11", "advice", {"agree": -1})


def test_safeguarding_flag_and_unflag(demo_study: StudyFile) -> None:
    with demo_study.transaction() as db:
        entry = db.scalars(select(m.Entry).filter_by(ref="E90")).one()
        with pytest.raises(ValueError, match="what was done"):
            flag_safeguarding(db, EntryId(entry.id), "   ")
        flag_safeguarding(db, EntryId(entry.id), "Passed to the DSL", NOW)
    with demo_study.transaction() as db:
        row = db.get_one(m.Entry, entry.id)
        assert (row.safeguarding_flagged_at, row.safeguarding_action) == (NOW, "Passed to the DSL")
        (event,) = audit_events(db, "safeguarding-flag")
        assert event.record_ids == [str(entry.id)]
        assert "DSL" not in str(event.detail)
        unflag_safeguarding(db, EntryId(entry.id))
    with demo_study.transaction() as db:
        assert db.get_one(m.Entry, entry.id).safeguarding_flagged_at is None


def test_start_and_end(demo_study: StudyFile) -> None:
    with demo_study.transaction() as db:
        made = create_session(db, shipped_forms(), "practitioner-interview", None, ["P2"], None)
        start_session(db, made.record_id, NOW)
        with pytest.raises(ValueError, match="before it started"):
            end_session(db, made.record_id, NOW - dt.timedelta(minutes=1))
        end_session(db, made.record_id, NOW + dt.timedelta(minutes=40))
    with demo_study.transaction() as db:
        detail = session_detail(db, made.record_id)
    assert detail.started_at == NOW
    assert detail.ended_at == NOW + dt.timedelta(minutes=40)


def test_participant_choices_and_verbal_consent(demo_study: StudyFile) -> None:
    with demo_study.transaction() as db:
        db.delete(db.scalars(select(m.Consent).filter_by(ref="K20")).one())  # G2's verbal
    with demo_study.transaction() as db:
        choices = {c.ref: c for c in participant_choices(db, shipped_forms())}
        assert not has_verbal_consent(db, "G2")
        assert has_verbal_consent(db, "G1")
    assert choices["C6"].withdrawn
    assert choices["C6"].gaps == ("has withdrawn",)
    assert choices["G2"].gaps == ("has not consented to take part",)
    assert choices["G2"].phone_gaps == ()  # taken on the call
    assert choices["G2"].consent_on_call
    assert not choices["G1"].consent_on_call
    assert choices["C6"].phone_gaps == ("has withdrawn",)
    assert choices["P1"].gaps == ()
    assert choices["P2"].descriptor == "head teacher, school sector"


def test_session_of_an_entry(demo_study: StudyFile) -> None:
    with demo_study.transaction() as db:
        entry_id = db.scalars(select(m.Entry.id).filter_by(ref="E80")).one()
        assert session_ref_of_entry(db, EntryId(entry_id)) == "S11"


# -- a phone interview as calls really go ----------------------------------------------------


def drop_g2_consent(db: Session) -> None:
    db.delete(db.scalars(select(m.Consent).filter_by(ref="K20")).one())  # G2's verbal


def phone_for_g2(study: StudyFile) -> uuid.UUID:
    with study.transaction() as db:
        drop_g2_consent(db)
    with study.transaction() as db:
        made = create_session(
            db, shipped_forms(), "phone-interview", "parent-phone-interview", ["G2"], NOW
        )
    return made.record_id


def book(*people: tuple[str, ParticipantKind], withdrawn: str | None = None) -> PermissionBook:
    facts = {
        ref: PersonFact(ref, kind, dt.date(2009, 1, 1) if ref == withdrawn else None)
        for ref, kind in people
    }
    return PermissionBook(facts)


def test_the_gate_lets_a_phone_interview_take_consent_on_the_call() -> None:
    everyone = book(
        ("G1", ParticipantKind.PARENT),
        ("G2", ParticipantKind.PARENT),
        ("C1", ParticipantKind.CHILD),
        withdrawn="G2",
    )
    assert consent_on_the_call(everyone, ["G1", "G2", "C1"]) == ["G1"]
    phone = session_gaps(everyone, ["G1", "G2", "C1"], SessionKind.PHONE_INTERVIEW)
    assert [(g.ref, g.reason) for g in phone] == [
        ("G2", "has withdrawn"),
        ("C1", "has no parental consent"),
        ("C1", "has not given their own assent"),
    ]
    interview = session_gaps(everyone, ["G1"], SessionKind.PRACTITIONER_INTERVIEW)
    assert [(g.ref, g.reason) for g in interview] == [("G1", "has not consented to take part")]


def test_a_phone_interview_is_made_before_the_parents_consent_its_notes_shut(
    demo_study: StudyFile,
) -> None:
    session_id = phone_for_g2(demo_study)
    with demo_study.transaction() as db:
        assert audit_events(db, "consent-gate-override") == []
        detail = session_detail(db, session_id)
        assert detail.gate == NotesGate(awaiting_consent=("G2",))
        assert not detail.gate.open
        with pytest.raises(NotesLocked, match="G2 has not given verbal consent"):
            require_notes_open(db, session_id)
        require_notes_open(db, "S7")  # G1 consented: open
        assert notes_gate(db, "S1").open  # not a phone interview: its gate was at the start
    with demo_study.transaction() as db:
        db.delete(db.scalars(select(m.Consent).filter_by(ref="K1")).one())  # P1's
    with pytest.raises(ConsentGateBlocked), demo_study.transaction() as db:
        create_session(db, shipped_forms(), "practitioner-interview", None, ["P1"], NOW)


def test_a_phone_interview_made_past_the_gate_keeps_its_notes_open(
    demo_study: StudyFile,
) -> None:
    session_id = phone_for_g2(demo_study)
    with demo_study.transaction() as db:
        assert not notes_gate(db, session_id).open
        # What an older version kept when a phone interview went past the gate.
        g2 = db.scalars(select(m.Participant.id).filter_by(ref="G2")).one()
        reason = "Parent agreed by letter; verbal consent to follow"
        audit.record(db, "consent-gate-override", [session_id, g2], participants=1, reason=reason)
    with demo_study.transaction() as db:
        assert notes_gate(db, session_id).open


def test_call_attempts_keep_a_note(demo_study: StudyFile) -> None:
    attempt_id = uuid.uuid4()
    with demo_study.transaction() as db:
        add_call_attempt(
            db, "S9", NOW, "call-back", note="  call back Tuesday ", attempt_id=attempt_id
        )
        set_call_note(db, attempt_id, "call back Tuesday after 4")
        with pytest.raises(ValueError, match="declining ends the session"):
            add_call_attempt(db, "S9", NOW, "declined")
        with pytest.raises(ValueError, match="only a decline makes one"):
            set_call_outcome(db, attempt_id, "declined")
    with demo_study.transaction() as db:
        last = session_detail(db, "S9").call_attempts[-1]
        assert (last.outcome, last.note) == ("call-back", "call back Tuesday after 4")
        set_call_note(db, attempt_id, "   ")
    with demo_study.transaction() as db:
        assert session_detail(db, "S9").call_attempts[-1].note is None
        assert all("Tuesday" not in str(e.detail) for e in audit_events(db, "call-attempt"))


def test_a_parent_who_declines_ends_the_session_with_the_reason_and_nothing_else(
    demo_study: StudyFile,
) -> None:
    session_id = phone_for_g2(demo_study)
    at = NOW + dt.timedelta(minutes=5)
    with demo_study.transaction() as db:
        add_call_attempt(db, session_id, NOW, "no-answer", note="call back Tuesday")
        with pytest.raises(ValueError, match="say why"):
            decline_call(db, session_id, at, "  ")
        made = decline_call(db, session_id, at, " does not want to talk about the school ")
        assert made.updated_ids(Table.SESSION) == [session_id]
    with demo_study.transaction() as db:
        detail = session_detail(db, session_id)
        assert [(a.outcome, a.note) for a in detail.call_attempts] == [
            ("no-answer", "call back Tuesday"),
            ("declined", "does not want to talk about the school"),
        ]
        assert detail.ended_at == at
        assert detail.entries == []
        assert detail.gate.declined == CallDecline(at, "does not want to talk about the school")
        assert is_declined(a.outcome for a in detail.call_attempts)
        with pytest.raises(NotesLocked, match="declined"):
            require_notes_open(db, session_id)
        with pytest.raises(CallDeclined, match="make a new session"):
            add_call_attempt(db, session_id, at, "reached")
        with pytest.raises(CallDeclined):
            decline_call(db, session_id, at, "again")
        declined = detail.call_attempts[-1].id
        with pytest.raises(ValueError, match="stays declined"):
            set_call_outcome(db, declined, "reached")
        with pytest.raises(ValueError, match="kept as it was logged"):
            set_call_note(db, declined, "")
        (event,) = audit_events(db, "decline-call")
        assert "school" not in str(event.detail)


def test_a_parent_who_consented_withdraws_rather_than_declines(demo_study: StudyFile) -> None:
    with pytest.raises(ValueError, match="withdraw them"), demo_study.transaction() as db:
        decline_call(db, "S9", NOW, "changed her mind")
