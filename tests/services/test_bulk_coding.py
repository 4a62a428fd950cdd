"""Bulk coding on the demo study: search, code every hit as a whole entry, undo."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from plrdesk.cli.study_commands import shipped_forms
from plrdesk.domain import models as m
from plrdesk.domain.passages import raised_by
from plrdesk.services.bulk_coding import UnknownTheme, code_entries, uncode, undo_code_entries
from plrdesk.services.changes import Table
from plrdesk.services.corpus import load_corpus
from plrdesk.services.search import search_study
from plrdesk.storage.study_file import StudyFile


@pytest.fixture
def db(demo_study: StudyFile) -> Iterator[Session]:
    with demo_study.transaction() as session:
        yield session


def theme(db: Session, ref: str) -> uuid.UUID:
    return db.scalars(select(m.Theme.id).where(m.Theme.ref == ref)).one()


def entry_id(db: Session, ref: str) -> uuid.UUID:
    return db.scalars(select(m.Entry.id).where(m.Entry.ref == ref)).one()


def codings(db: Session, theme_id: uuid.UUID) -> int:
    return db.scalar(select(func.count()).where(m.Coding.theme_id == theme_id)) or 0


def test_code_every_search_hit_then_undo(db: Session) -> None:
    t4 = theme(db, "T4")
    hits = search_study(db, "lead professional")
    already = set(db.scalars(select(m.Coding.entry_id).where(m.Coding.theme_id == t4)))
    fresh = [hit.entry_id for hit in hits if hit.entry_id not in already]
    assert len(hits) == 4
    assert len(fresh) == 2  # E8 and E16 already carry T4 as spans: left as they are
    before = codings(db, t4)
    changes = code_entries(db, t4, [hit.entry_id for hit in hits])
    created = changes.added_ids(Table.CODING)
    assert codings(db, t4) == before + len(fresh)
    for coding_id, entry in zip(created, fresh, strict=True):  # in the order given
        coding = db.get(m.Coding, coding_id)
        assert coding is not None
        assert (coding.entry_id, coding.theme_id) == (entry, t4)
        assert (coding.start, coding.end, coding.exemplar) == (None, None, False)
    positions = [c.position for c in db.scalars(select(m.Coding).order_by(m.Coding.position))]
    assert len(set(positions)) == len(positions)  # each new coding after the ones before

    undone = uncode(db, created)
    assert sorted(undone.removed_ids(Table.CODING)) == sorted(created)
    assert codings(db, t4) == before
    assert uncode(db, created).removed == {}  # already gone: nothing to do


def test_coded_entries_count_in_the_shared_function(db: Session) -> None:
    forms = shipped_forms()
    t1 = theme(db, "T1")
    before = raised_by(load_corpus(db, forms).passages, load_corpus(db, forms).tree, t1)
    assert "P5" not in before["practitioner"]
    e44 = entry_id(db, "E44")  # P5 on roles
    code_entries(db, t1, [e44])
    corpus = load_corpus(db, forms)
    after = raised_by(corpus.passages, corpus.tree, t1)
    assert after["practitioner"] == before["practitioner"] | {"P5"}
    passage = next(p for p in corpus.passages if p.entry_id == e44 and p.theme_id == t1)
    assert passage.text == passage.entry_text  # the whole entry


def test_entries_already_carrying_the_theme_are_skipped(db: Session) -> None:
    t1 = theme(db, "T1")
    e1, e2 = entry_id(db, "E1"), entry_id(db, "E2")  # E2 has a coded span of T1
    first = code_entries(db, t1, [e1, e2, e1])
    assert first.added_ids(Table.CODING) == [
        first.added_ids(Table.CODING)[0]
    ]  # e1, once; E2's span stays
    span = db.scalars(select(m.Coding).where(m.Coding.entry_id == e2)).one()
    assert (span.start, span.end) == (68, 144)
    again = code_entries(db, t1, [e1, e2])
    assert again.added == {}
    # Another theme on the same entries is a new coding.
    assert len(code_entries(db, theme(db, "T2"), [e1]).added_ids(Table.CODING)) == 1


def test_entries_without_text_or_gone_are_skipped(db: Session) -> None:
    t1 = theme(db, "T1")
    e1 = db.scalars(select(m.Entry).where(m.Entry.ref == "E1")).one()
    e1.text = None
    db.flush()
    assert code_entries(db, t1, [e1.id, uuid.uuid4()]).added == {}
    assert code_entries(db, t1, []).added == {}


def test_the_undo_given_the_codings_result_takes_back_exactly_those(db: Session) -> None:
    t1 = theme(db, "T1")
    e1, e2 = entry_id(db, "E1"), entry_id(db, "E2")  # E2 has a span of T1 already: kept
    before = codings(db, t1)
    coded = code_entries(db, t1, [e1, e2])
    undone = undo_code_entries(db, coded)
    assert undone.removed_ids(Table.CODING) == coded.added_ids(Table.CODING)
    assert codings(db, t1) == before


def test_a_redo_can_put_back_the_same_ids(db: Session) -> None:
    t3 = theme(db, "T3")
    e1, e9 = entry_id(db, "E1"), entry_id(db, "E9")
    ids = {e1: uuid.uuid4(), e9: uuid.uuid4()}
    created = code_entries(db, t3, [e1, e9], ids=ids).added_ids(Table.CODING)
    assert created == [ids[e1], ids[e9]]
    uncode(db, created)
    assert code_entries(db, t3, [e1, e9], ids=ids).added_ids(Table.CODING) == created


def test_bulk_coding_is_audited_without_content(db: Session) -> None:
    t3 = theme(db, "T3")
    created = code_entries(db, t3, [entry_id(db, "E1")]).added_ids(Table.CODING)
    uncode(db, created)
    events = list(db.scalars(select(m.AuditEvent).order_by(m.AuditEvent.at)))[-2:]
    assert [e.action for e in events] == ["bulk-code", "bulk-uncode"]
    assert events[0].record_ids == [str(t3), str(created[0])]
    assert events[1].record_ids == [str(created[0])]
    assert events[0].detail == {"codings": 1}


def test_a_deleted_theme(db: Session) -> None:
    with pytest.raises(UnknownTheme):
        code_entries(db, uuid.uuid4(), [entry_id(db, "E1")])


def test_many_entries_at_once(db: Session) -> None:
    """More ids than one IN (...) takes: the chunks add up."""
    t2 = theme(db, "T2")
    everything = list(db.scalars(select(m.Entry.id).where(m.Entry.text.is_not(None))))
    wanted = everything + [uuid.uuid4() for _ in range(1200)]
    already = set(db.scalars(select(m.Coding.entry_id).where(m.Coding.theme_id == t2)))
    created = code_entries(db, t2, wanted).added_ids(Table.CODING)
    assert len(created) == len(set(everything) - already)
    assert len(uncode(db, created).removed_ids(Table.CODING)) == len(created)
