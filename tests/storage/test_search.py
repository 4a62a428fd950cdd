"""The full-text index follows every insert, edit and delete of an entry."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from plrdesk.domain import models as m
from plrdesk.storage.search import match_expression, search_entries
from plrdesk.storage.study_file import StudyFile


def add_entry(study: StudyFile, ref: str, text: str | None) -> m.Entry:
    with study.transaction() as db:
        session = db.scalars(select(m.StudySession).filter_by(ref="S1")).one()
        entry = m.Entry(ref=ref, text=text, position=len(session.entries))
        session.entries.append(entry)
    return entry


def found(study: StudyFile, query: str) -> set[str]:
    with study.transaction() as db:
        ids = {hit.entry_id for hit in search_entries(db, query)}
        return {e.ref for e in db.scalars(select(m.Entry).where(m.Entry.id.in_(ids)))}


def test_search_finds_demo_entries(demo_study: StudyFile) -> None:
    assert found(demo_study, "CAF")


def test_the_index_follows_insert_edit_delete(demo_study: StudyFile) -> None:
    entry = add_entry(demo_study, "E-new", "a zebracorn wandered into the staff room")
    assert found(demo_study, "zebracorn") == {"E-new"}
    with demo_study.transaction() as db:
        db.get_one(m.Entry, entry.id).text = "a quokka now"
    assert found(demo_study, "zebracorn") == set()
    assert found(demo_study, "quokka") == {"E-new"}
    with demo_study.transaction() as db:
        db.get_one(m.Entry, entry.id).text = None
    assert found(demo_study, "quokka") == set()
    with demo_study.transaction() as db:
        db.get_one(m.Entry, entry.id).text = "the quokka is back"
    assert found(demo_study, "quokka") == {"E-new"}
    with demo_study.transaction() as db:
        db.delete(db.get_one(m.Entry, entry.id))
    assert found(demo_study, "quokka") == set()


def test_every_word_must_match_and_star_is_a_prefix(demo_study: StudyFile) -> None:
    add_entry(demo_study, "E-a", "transition planning meeting")
    add_entry(demo_study, "E-b", "transition to secondary")
    assert found(demo_study, "transition planning") == {"E-a"}
    assert found(demo_study, "plann*") == {"E-a"}


def test_the_index_survives_vacuum(demo_study: StudyFile) -> None:
    add_entry(demo_study, "E-v", "marmalade sandwiches at break")
    demo_study.vacuum()
    assert found(demo_study, "marmalade") == {"E-v"}


@pytest.mark.parametrize("query", ['"', "AND", "NEAR(", "text:", "*", "-", "(", "''", "^x"])
def test_fts_syntax_in_the_box_is_just_words(demo_study: StudyFile, query: str) -> None:
    with demo_study.transaction() as db:
        search_entries(db, query)  # must not raise


@given(st.text(max_size=40))
def test_any_typed_text_makes_a_safe_expression(query: str) -> None:
    expression = match_expression(query)
    if expression is not None:
        for term in expression.split(" "):
            assert term.startswith('"')
            assert term.rstrip("*").endswith('"')
            assert '"' not in term.rstrip("*")[1:-1]
