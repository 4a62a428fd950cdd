"""Withdrawal as the app runs it on the open file: one transaction, then VACUUM after an
erasure (the words themselves are checked page by page in test_erase.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from plrdesk.domain import models as m
from plrdesk.services.changes import Table
from plrdesk.services.withdrawal import (
    UnknownParticipant,
    WithdrawalRequest,
    withdraw_in_file,
)
from plrdesk.storage.study_file import StudyFile

ON = dt.date(2009, 2, 1)


def spoken_by(study: StudyFile, ref: str) -> int:
    with study.transaction() as db:
        person = db.scalars(select(m.Participant).filter_by(ref=ref)).one()
        return db.scalar(select(func.count()).where(m.Entry.speaker_id == person.id)) or 0


def test_a_plain_withdrawal_keeps_their_notes(demo_study: StudyFile) -> None:
    changes = withdraw_in_file(demo_study, WithdrawalRequest("C5", ON, "moved away", erase=False))
    assert changes.tables() == {Table.PARTICIPANT}
    assert spoken_by(demo_study, "C5") == 4
    with demo_study.transaction() as db:
        person = db.scalars(select(m.Participant).filter_by(ref="C5")).one()
        assert (person.withdrawn_on, person.withdrawal_reason) == (ON, "moved away")


def test_an_erasure_removes_their_notes_and_leaves_no_free_page(demo_study: StudyFile) -> None:
    changes = withdraw_in_file(demo_study, WithdrawalRequest("C5", ON, None, erase=True))
    assert len(changes.removed_ids(Table.ENTRY)) == 4
    assert len(changes.removed_ids(Table.CONSENT)) == 2
    assert spoken_by(demo_study, "C5") == 0
    assert demo_study.raw_execute("PRAGMA freelist_count") == [(0,)]  # vacuumed


def test_an_unknown_ref_changes_nothing(demo_study: StudyFile) -> None:
    with pytest.raises(UnknownParticipant):
        withdraw_in_file(demo_study, WithdrawalRequest("Z9", ON, None, erase=True))
