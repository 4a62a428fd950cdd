"""The matrix model without a widget: its numbers are the shared counting function's
(`raised_by`, what the export reports), for kind, for the attribute 'sector' and per person,
and they equal the hand-computed demo figures."""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester

from plrdesk.cli.study_commands import shipped_forms
from plrdesk.domain.passages import Grouping, by_attribute, by_kind, by_person, raised_by
from plrdesk.services.corpus import Corpus, load_corpus
from plrdesk.storage.study_file import StudyFile
from plrdesk.ui.analysis.matrix_model import (
    ALL,
    KIND,
    MISSING,
    CountRole,
    MatrixModel,
    PeopleRole,
    ThemeRole,
    attribute_choice,
    groupings_for,
    person_choice,
    theme_rows,
)
from tests.services.test_counting import EXPECTED
from tests.support.files import PASSPHRASE


@pytest.fixture(scope="module")
def corpus(demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    path = tmp_path_factory.mktemp("matrix") / "demo.plr"
    shutil.copyfile(demo_template, path)
    with StudyFile.open(path, PASSPHRASE) as study, study.transaction() as db:
        return load_corpus(db, shipped_forms())


@pytest.fixture
def model(corpus: Corpus, qapp: object) -> MatrixModel:
    model = MatrixModel()
    model.set_corpus(corpus)
    return model


def theme(corpus: Corpus, ref: str) -> uuid.UUID:
    return next(node.id for node in corpus.tree.nodes.values() if node.ref == ref)


def counts(model: MatrixModel, theme_id: uuid.UUID) -> dict[str, int]:
    """The row's numbers by column key, zeros left out, without the All column."""
    row = model.row_of(theme_id)
    found = {}
    for key in model.group_keys():
        value = model.index(row, model.column_of(key)).data(CountRole)
        if value:
            found[key] = value
    return found


@pytest.mark.parametrize("grouping", ["kind", "attribute:sector", "person", "empty"])
def test_the_model_passes_qt_model_tester(
    qtmodeltester: ModelTester, corpus: Corpus, grouping: str, qapp: object
) -> None:
    model = MatrixModel()
    if grouping == "empty":
        model.set_corpus(Corpus([], corpus.tree))
    else:
        model.set_corpus(
            corpus, next(c for c in groupings_for(corpus.passages) if c.key == grouping)
        )
    qtmodeltester.check(model, force_py=True)
    model.set_grouping(KIND)  # the tester watches the reset too


def test_by_kind_the_numbers_are_the_hand_counts(model: MatrixModel, corpus: Corpus) -> None:
    assert model.choice is KIND
    for ref, expected in EXPECTED.items():
        assert counts(model, theme(corpus, ref)) == expected, ref
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(5)] == [
        "Theme", "practitioner", "parent or carer", "child", "All participants"
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("choice_key", "grouping"),
    [
        ("kind", by_kind),
        ("attribute:sector", by_attribute("sector")),
        ("attribute:year_group", by_attribute("year_group")),
        ("person", by_person),
    ],
)
def test_every_cell_is_what_raised_by_reports(
    model: MatrixModel, corpus: Corpus, choice_key: str, grouping: Grouping
) -> None:
    choice = next(c for c in groupings_for(corpus.passages) if c.key == choice_key)
    model.set_grouping(choice)
    for node in corpus.tree.nodes.values():
        shared = raised_by(corpus.passages, corpus.tree, node.id, grouping)
        everyone = set().union(*raised_by(corpus.passages, corpus.tree, node.id).values())
        row = model.row_of(node.id)
        for key in model.group_keys():
            if key == MISSING:  # an attribute's last column: everyone without it
                expected = everyone - set().union(*shared.values())
            else:
                expected = shared.get(key, set())
            index = model.index(row, model.column_of(key))
            assert index.data(CountRole) == len(expected), (node.ref, key)
            assert index.data(PeopleRole) == sorted(expected, key=lambda r: (r[0], int(r[1:])))
        assert set(model.group_keys()) - {MISSING} >= set(shared)
        total = model.index(row, model.column_of(ALL))
        assert total.data(CountRole) == len(everyone)


def test_by_sector_the_columns_add_up(model: MatrixModel, corpus: Corpus) -> None:
    model.set_grouping(attribute_choice("sector"))
    t1 = theme(corpus, "T1")
    assert counts(model, t1) == {"school": 2, "voluntary": 2, MISSING: 2}  # G3 and C2
    assert model.index(model.row_of(t1), model.column_of(ALL)).data(CountRole) == 6
    assert model.group_keys() == ["local authority", "school", "voluntary", MISSING]
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(6)]
    assert headers == [
        "Theme", "local authority", "school", "voluntary", "no sector", "All participants"
    ]  # fmt: skip


def test_theme_by_participant_shows_who_raised_what(model: MatrixModel, corpus: Corpus) -> None:
    model.set_grouping(person_choice(corpus.passages))
    keys = model.group_keys()
    assert keys[:6] == ["P1", "P2", "P3", "P4", "P5", "P6"]  # kinds in order, refs natural
    assert "C6" not in keys  # withdrawn: in no count
    t1 = model.row_of(theme(corpus, "T1"))
    assert model.index(t1, model.column_of("P1")).data() == "✓"
    assert model.index(t1, model.column_of("P5")).data() == ""
    tip = model.headerData(model.column_of("P1"), Qt.Orientation.Horizontal, 3)
    assert tip == "P1: practitioner · voluntary · project worker"
    assert all(not any(c.isspace() for c in ref) for ref in keys)  # refs, never names


def test_groupings_offered(corpus: Corpus) -> None:
    labels = [choice.label for choice in groupings_for(corpus.passages)]
    assert labels == [
        "Kind", "Sector", "Role", "Relationship", "Age", "Gender", "Year group",
        "Participant (ref)",
    ]  # fmt: skip


def test_rows_are_themes_with_sub_themes_indented(model: MatrixModel, corpus: Corpus) -> None:
    names = [model.index(r, 0).data() for r in range(model.rowCount())]
    t2 = names.index("Knowing and using common tools")
    assert names[t2 + 1] == "\u2003\u2003Using the CAF"
    assert model.index(t2 + 1, 0).data(ThemeRole) == theme(corpus, "T5")
    assert [node.ref for node, _ in theme_rows(corpus.tree)] == ["T1", "T2", "T5", "T3", "T4"]


def test_drill_down_lists_the_passages_behind_a_cell(model: MatrixModel, corpus: Corpus) -> None:
    model.set_grouping(attribute_choice("sector"))
    t1 = model.row_of(theme(corpus, "T1"))
    behind = model.passages_behind(model.index(t1, model.column_of("voluntary")))
    assert [p.entry_ref for p in behind] == ["E2", "E30"]
    assert {p.speaker_ref for p in behind} == {"P1", "P4"}
    everything = model.passages_behind(model.index(t1, 0))
    assert {p.speaker_ref for p in everything} == {"P1", "P2", "P3", "P4", "G3", "C2"}
    assert model.describe(model.index(t1, model.column_of("voluntary"))) == (
        "Relationships between professionals × voluntary"
    )
