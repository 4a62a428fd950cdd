"""A new note's ref is found by SQLite (the largest E<digits> plus one), and must agree
with `refs.next_ref`, the rule every other kind of record follows, whatever refs the study
already holds (imports and merges bring odd ones: E007, E1a, Ex, e5)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, update

from plrdesk.domain import models as m
from plrdesk.services.entries import _free_ref
from plrdesk.services.refs import next_ref
from plrdesk.storage.study_file import StudyFile

odd_refs = st.one_of(
    st.integers(0, 10**6).map(lambda n: f"E{n}"),
    st.from_regex(r"\AE0\d{1,3}\Z"),
    st.from_regex(r"\AE\d{1,3}[a-z]\Z"),
    st.sampled_from(["Ex", "e5", "E", "EE3", "E-4", "E 5", "F9"]),
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(refs=st.lists(odd_refs, min_size=1, max_size=8, unique=True))
def test_the_next_note_ref_agrees_with_next_ref(demo_study: StudyFile, refs: list[str]) -> None:
    with demo_study.transaction() as db:
        ids = list(db.scalars(select(m.Entry.id)))[: len(refs)]
        db.execute(
            update(m.Entry).values(ref=m.Entry.id.cast(m.Entry.ref.type))
        )  # all out of the way
        for entry_id, ref in zip(ids, refs, strict=False):
            db.execute(update(m.Entry).where(m.Entry.id == entry_id).values(ref=ref))
        held = list(db.scalars(select(m.Entry.ref)))
        assert _free_ref(db) == next_ref(held, "E")
        db.rollback()


def test_a_wanted_ref_that_is_free_is_kept(demo_study: StudyFile) -> None:
    with demo_study.transaction() as db:
        assert _free_ref(db, "E999999") == "E999999"
        taken = db.scalars(select(m.Entry.ref)).first()
        assert taken is not None
        assert _free_ref(db, taken) != taken
