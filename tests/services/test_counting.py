"""The one counting function (matrix and export) on the demo study, against numbers
worked out by hand from resources/demo/demo-study.json:

T1 Relationships between professionals: P1 P2 P3 P4 · G3 · C2
T2 Knowing and using common tools (with T5): P1 P2 P3 P4 P6 · G1 G2 G3 · C5
T3 Engaging children and parents: P1 P3 P5 · G2 · C2 C3
T4 Managing expectations: P1 P2 P4 P5 · G1 · C5
T5 Using the CAF: P1 P2 P3 P4 · G1 G2
C6 is withdrawn: her coded line (E90) counts no one.
"""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from plrdesk.cli.study_commands import shipped_forms
from plrdesk.domain import models as m
from plrdesk.domain.passages import (
    EXCLUDED_SAFEGUARDING,
    EXCLUDED_WITHDRAWN,
    by_attribute,
    by_kind,
    cell_passages,
    matrix,
    raised_by,
)
from plrdesk.services.corpus import Corpus, load_corpus
from plrdesk.storage.study_file import StudyFile

EXPECTED = {
    "T1": {"practitioner": 4, "parent": 1, "child": 1},
    "T2": {"practitioner": 5, "parent": 3, "child": 1},
    "T3": {"practitioner": 3, "parent": 1, "child": 2},
    "T4": {"practitioner": 4, "parent": 1, "child": 1},
    "T5": {"practitioner": 4, "parent": 2},
}


@pytest.fixture
def corpus(demo_study: StudyFile) -> Corpus:
    with demo_study.transaction() as db:
        return load_corpus(db, shipped_forms())


def theme(corpus: Corpus, ref: str) -> uuid.UUID:
    return next(node.id for node in corpus.tree.nodes.values() if node.ref == ref)


def test_raised_by_kind_matches_the_hand_count(corpus: Corpus) -> None:
    for ref, expected in EXPECTED.items():
        got = raised_by(corpus.passages, corpus.tree, theme(corpus, ref), by_kind)
        assert {kind: len(people) for kind, people in got.items()} == expected, ref


def test_a_parent_theme_counts_its_sub_themes(corpus: Corpus) -> None:
    t2 = raised_by(corpus.passages, corpus.tree, theme(corpus, "T2"))
    t5 = raised_by(corpus.passages, corpus.tree, theme(corpus, "T5"))
    for kind, people in t5.items():
        assert people <= t2[kind]


def test_the_withdrawn_child_counts_nowhere(corpus: Corpus) -> None:
    c6 = [p for p in corpus.passages if p.speaker_ref == "C6"]
    assert c6
    assert all(p.excluded == EXCLUDED_WITHDRAWN for p in c6)
    every = matrix(corpus.passages, corpus.tree, by_kind)
    assert not any("C6" in people for cells in every.values() for people in cells.values())


def test_safeguarding_entries_count_nowhere(demo_study: StudyFile) -> None:
    with demo_study.transaction() as db:
        entry = db.scalars(select(m.Entry).where(m.Entry.ref == "E2")).one()
        speaker = entry.speaker.ref if entry.speaker else None
        entry.safeguarding_flagged_at = entry.at or db.scalars(select(m.Study)).one().created_at
        entry.safeguarding_action = "Passed on"
        corpus = load_corpus(db, shipped_forms())
    flagged = [p for p in corpus.passages if p.entry_ref == "E2"]
    assert flagged
    assert all(p.excluded == EXCLUDED_SAFEGUARDING for p in flagged)
    assert speaker is not None


def test_matrix_by_attribute_and_drill_down(corpus: Corpus) -> None:
    sector = by_attribute("sector")
    cells = matrix(corpus.passages, corpus.tree, sector)
    t1 = cells[theme(corpus, "T1")]
    assert sum(len(people) for people in t1.values()) == 4  # only practitioners have a sector
    for key, people in t1.items():
        behind = cell_passages(corpus.passages, corpus.tree, theme(corpus, "T1"), sector, key)
        assert {p.speaker_ref for p in behind} == people
        assert behind == sorted(behind, key=lambda p: (p.entry_position, p.start))


def test_passages_know_quote_permission(corpus: Corpus) -> None:
    c5 = [p for p in corpus.passages if p.speaker_ref == "C5"]
    assert c5
    assert not any(p.may_quote for p in c5)  # C5's assent says no to quotes
    assert any(p.may_quote for p in corpus.passages if p.speaker_ref == "P1")
