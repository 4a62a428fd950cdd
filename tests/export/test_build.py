"""The demo study's summary: exact methods, the shared counting function's figures, who may
be quoted, descriptors and their coarsening, suppression of small counts."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy.orm import Session

from plrdesk.cli.study_commands import shipped_forms
from plrdesk.domain import models as m
from plrdesk.domain.passages import by_kind, raised_by
from plrdesk.export.build import build_summary
from plrdesk.export.model import ExportBundle, Summary
from plrdesk.services.corpus import load_corpus
from plrdesk.services.progress import Cancelled, Progress
from plrdesk.storage.study_file import StudyFile
from tests.export.conftest import WordListAnonymiser
from tests.export.support import (
    all_quotes,
    build,
    change,
    entry,
    set_export_setting,
    theme_id,
)

# tests/services/test_counting.py works these out by hand from the demo's JSON.
HAND_COUNTED = {
    "Relationships between professionals": {"practitioner": 4, "parent": 1, "child": 1},
    "Knowing and using common tools": {"practitioner": 5, "parent": 3, "child": 1},
    "Engaging children and parents": {"practitioner": 3, "parent": 1, "child": 2},
    "Managing expectations and clarity of roles": {"practitioner": 4, "parent": 1, "child": 1},
    "Using the CAF": {"practitioner": 4, "parent": 2, "child": 0},
}


def test_methods_are_exact(demo_bundle: ExportBundle) -> None:
    methods = demo_bundle.summary.to_jsonable()["methods"]
    assert methods == {
        "sessions": {"practitioner-interview": 6, "phone-interview": 4, "focus-group": 1},
        "participants": {"practitioner": 6, "parent": 4, "child": 5},
        "withdrawn": 1,
        "period": {"from": "2008-11", "to": "2009-01"},
    }


def test_raised_by_is_the_shared_counting_function(
    demo_study: StudyFile, demo_bundle: ExportBundle
) -> None:
    with demo_study.transaction() as db:
        corpus = load_corpus(db, shipped_forms())
    by_name = {node.name: node.id for node in corpus.tree.nodes.values()}
    got = {theme.name: theme.raised_by for theme in demo_bundle.summary.themes}
    assert got == HAND_COUNTED
    for name, counts in got.items():
        shared = raised_by(corpus.passages, corpus.tree, by_name[name], by_kind)
        assert {kind: len(shared.get(kind, ())) for kind in counts} == counts
    # every kind present among the participants, in the contract's order, 0 where none
    assert all(list(counts) == ["practitioner", "parent", "child"] for counts in got.values())


def test_themes_come_in_tree_order_with_sub_themes_after_their_parent(
    demo_bundle: ExportBundle,
) -> None:
    names = [t.name for t in demo_bundle.summary.themes]
    assert names.index("Using the CAF") == names.index("Knowing and using common tools") + 1
    themes, outline = demo_bundle.summary.themes, demo_bundle.outline
    depths = {t.name: o.depth for t, o in zip(themes, outline, strict=True)}
    assert depths["Using the CAF"] == 1
    assert depths["Relationships between professionals"] == 0


def test_quotes_are_verbatim_coded_spans_of_people_who_may_be_quoted(
    demo_bundle: ExportBundle,
) -> None:
    first = demo_bundle.summary.themes[0]
    assert [q.model_dump() for q in first.quotes] == [
        {
            "text": "When you know the person at the other end by name, you pick up the phone",
            "descriptor": "a practitioner from a school",
            "session_kind": "practitioner-interview",
        },
        {
            "text": "Schools sometimes see us as outsiders",
            "descriptor": "a practitioner from the voluntary sector",
            "session_kind": "practitioner-interview",
        },
    ]
    assert len(all_quotes(demo_bundle)) == 13
    assert "Just say help" in all_quotes(demo_bundle)  # a child with both consents
    assert not any(q.startswith("Says") for q in all_quotes(demo_bundle))  # notes, not quotes


def _make_everyone_verbatim(db: Session) -> None:
    for ref in ("E81", "E86", "E90", "E24"):  # C5 (no quote permission), C6 (withdrawn), P3
        entry(db, ref).verbatim = True


def test_no_quote_permission_withdrawal_or_safeguarding_ever_quoted(
    demo_study: StudyFile, stand_in: WordListAnonymiser
) -> None:
    def edit(db: Session) -> None:
        _make_everyone_verbatim(db)
        flagged = entry(db, "E87")  # C4's disclosure, already flagged in the demo
        flagged.verbatim = True
        db.add(m.Coding(entry_id=flagged.id, theme_id=theme_id(db, "T3"), exemplar=True))

    change(demo_study, edit)
    bundle = build(demo_study, stand_in)
    text = bundle.summary.to_json()
    assert "trust between the school and the family" in text  # P3's line, now verbatim: quoted
    for words in (
        "nobody at the new school ever mentioned it",  # C5
        "do what they were going to do anyway",  # C5
        "plain English so her mum",  # C6, withdrawn
        "worried about going home",  # safeguarding
    ):
        assert words not in text
        assert not any(words in p.text for p in bundle.passages)
        assert not any(words in s.text for s in bundle.sources)
    counts = {t.name: t.raised_by for t in bundle.summary.themes}
    assert counts["Engaging children and parents"]["child"] == 2  # C4's flagged line counts no one


def test_exemplars_come_first_then_document_order(
    demo_study: StudyFile, stand_in: WordListAnonymiser
) -> None:
    def edit(db: Session) -> None:
        coding = next(c for c in entry(db, "E35").codings)  # the last T4 quote
        coding.exemplar = True

    change(demo_study, edit)
    bundle = build(demo_study, stand_in)
    index = next(i for i, t in enumerate(bundle.summary.themes) if t.name.startswith("Managing"))
    t4, place = bundle.summary.themes[index], bundle.outline[index]
    assert t4.quotes[0].text.startswith("I've been in meetings")
    assert place.exemplars == (True, False, False, False)
    assert [q.text[:12] for q in t4.quotes[1:]] == ["nobody owns ", "I don't know", "Everyone ass"]


def test_a_quote_that_starts_with_a_name_keeps_its_label(
    demo_study: StudyFile, stand_in: WordListAnonymiser
) -> None:
    def edit(db: Session) -> None:
        helped = entry(db, "E59")  # G1: "Helen came to the house ..." (Helen is P1)
        helped.verbatim = True
        db.add(m.Coding(entry_id=helped.id, theme_id=theme_id(db, "T3"), start=0, end=40))

    change(demo_study, edit)
    bundle = build(demo_study, stand_in)
    assert "[practitioner] came to the house before the first" in all_quotes(bundle)
    assert bundle.summary.disclosure.redactions == {"practitioner": 1}
    assert "Helen" not in bundle.summary.to_json()


def test_every_text_that_leaves_goes_through_the_anonymiser(
    demo_study: StudyFile, demo_bundle: ExportBundle
) -> None:
    everything = WordListAnonymiser([], review=["school", "schools"])
    bundle = build(demo_study, everything)
    text = bundle.summary.to_json().casefold()
    assert "school" not in text.replace("[name]", "")
    assert bundle.summary.disclosure.redactions["name"] > 10
    assert all("school" not in p.text.casefold() for p in bundle.passages)
    assert all("school" not in s.text.casefold() for s in bundle.sources)
    # the same figures and shape as with the real register
    assert [t.raised_by for t in bundle.summary.themes] == [
        t.raised_by for t in demo_bundle.summary.themes
    ]
    assert len(bundle.review) >= 1  # flagged for review: counted, placed, never printed


def test_each_distinct_text_goes_to_the_anonymiser_once(
    demo_study: StudyFile, stand_in: WordListAnonymiser
) -> None:
    build(demo_study, stand_in)
    first = stand_in.calls
    build(demo_study, stand_in)
    assert stand_in.calls == 2 * first
    assert first < 200  # about 150 distinct texts in the demo


def test_descriptors_fitting_one_participant_are_coarsened_with_a_warning(
    demo_bundle: ExportBundle,
) -> None:
    disclosure = demo_bundle.summary.disclosure
    assert disclosure.warnings == [
        "descriptor 'a school head teacher' fits one participant;"
        " shown as 'a practitioner from a school'",
        "descriptor 'a family support worker from the voluntary sector' fits one participant;"
        " shown as 'a practitioner from the voluntary sector'",
        "descriptor 'a project worker from the voluntary sector' fits one participant;"
        " shown as 'a practitioner from the voluntary sector'",
        "descriptor 'an inclusion lead from the local authority' fits one participant;"
        " shown as 'a practitioner'",
        "descriptor 'a school learning mentor' fits one participant;"
        " shown as 'a practitioner from a school'",
    ]
    assert disclosure.descriptors_coarsened == 5
    descriptors = {q.descriptor for t in demo_bundle.summary.themes for q in t.quotes}
    assert descriptors == {
        "a practitioner from a school",
        "a practitioner from the voluntary sector",
        "a practitioner",
        "a parent or carer",
        "a girl in Year 8",
        "a boy in Year 7",
    }


def test_export_settings_choose_attributes_and_may_allow_unique(
    demo_study: StudyFile, stand_in: WordListAnonymiser
) -> None:
    def edit(db: Session) -> None:
        set_export_setting(db, "practitioner", ["sector", "role"], allow_unique=True)
        set_export_setting(db, "child", ["year_group", "gender", "age"])
        set_export_setting(db, "parent", ["relationship"])

    change(demo_study, edit)
    bundle = build(demo_study, stand_in)
    descriptors = [q.descriptor for t in bundle.summary.themes for q in t.quotes]
    assert "a school head teacher" in descriptors
    assert "a project worker from the voluntary sector" in descriptors
    assert "an inclusion lead from the local authority" in descriptors
    assert "a 13-year-old girl in Year 8" in descriptors  # C2 and C5 share it
    assert "a boy in Year 7" in descriptors  # C3, the only 11-year-old
    assert "a mother" in descriptors  # G1; G4 is a mother too
    assert "a parent or carer" in descriptors  # G2, the only father
    assert bundle.summary.disclosure.warnings == [
        "descriptor 'a father' fits one participant; shown as 'a parent or carer'",
        "descriptor 'an 11-year-old boy in Year 7' fits one participant;"
        " shown as 'a boy in Year 7'",
    ]


def test_withdrawal_leaves_every_count_but_withdrawn(
    demo_study: StudyFile, stand_in: WordListAnonymiser
) -> None:
    def edit(db: Session) -> None:
        from sqlalchemy import select

        g4 = db.scalars(select(m.Participant).where(m.Participant.ref == "G4")).one()
        g4.withdrawn_on = dt.date(2009, 1, 20)

    change(demo_study, edit)
    methods = build(demo_study, stand_in).summary.methods
    assert methods.sessions == {"practitioner-interview": 6, "phone-interview": 3, "focus-group": 1}
    assert methods.participants == {"practitioner": 6, "parent": 3, "child": 5}
    assert methods.withdrawn == 2


def test_questions_count_responses_and_sum_show_of_hands(demo_bundle: ExportBundle) -> None:
    questions = {(q.guide, q.question): q for q in demo_bundle.summary.questions}
    assert len(questions) == 19  # every question of the three guides used
    trust = questions[("children-focus-group", "ideal-practitioner")]
    assert trust.label.startswith("Think about an adult whose job is to help children.")
    assert (trust.responses, trust.show_of_hands) == (2, {"agree": 6, "disagree": 0})
    listened = questions[("children-focus-group", "being-listened-to")]
    assert listened.responses == 1  # C5's line; C4's flagged line is left out
    assert questions[("children-focus-group", "advice")].responses == 2  # C6's line left out
    assert questions[("practitioner-interview", "tools")].responses == 11
    assert questions[("practitioner-interview", "role")].show_of_hands == {}
    assert any("withdrawn" in note for note in demo_bundle.notes)


def test_suppress_below_replaces_small_counts_and_nothing_else(
    demo_study: StudyFile, stand_in: WordListAnonymiser, demo_bundle: ExportBundle
) -> None:
    bundle = build(demo_study, stand_in, suppress_below=3)
    doc = json.loads(bundle.summary.to_json())
    plain = demo_bundle.summary.to_jsonable()
    few = "fewer than 3"
    assert doc["methods"]["sessions"] == {
        "practitioner-interview": 6,
        "phone-interview": 4,
        "focus-group": few,
    }
    assert doc["methods"]["withdrawn"] == few
    assert doc["themes"][0]["raised_by"] == {"practitioner": 4, "parent": few, "child": few}
    hands = {q["question"]: q for q in doc["questions"]}["moving-up"]
    assert (hands["responses"], hands["show_of_hands"]) == (few, {"agree": 5, "disagree": few})

    def strip_counts(value: object) -> object:
        if isinstance(value, dict):
            return {k: strip_counts(v) for k, v in value.items()}
        if isinstance(value, list):
            return [strip_counts(v) for v in value]
        return "n" if isinstance(value, int) or str(value).startswith("fewer than") else value

    # the same document apart from the counts (the disclosure block's own numbers stay)
    assert strip_counts(doc) == strip_counts(plain)
    assert doc["disclosure"] == plain["disclosure"]
    Summary.model_validate(doc)


def test_suppress_below_must_be_two_or_more(
    demo_study: StudyFile, stand_in: WordListAnonymiser
) -> None:
    with pytest.raises(ValueError, match="2 or more"):
        build(demo_study, stand_in, suppress_below=1)


def test_progress_is_reported_and_cancel_stops_the_build(
    demo_study: StudyFile, stand_in: WordListAnonymiser
) -> None:
    seen: list[tuple[int, int]] = []
    with demo_study.transaction() as db:
        build_summary(db, shipped_forms(), stand_in, progress=Progress(lambda *s: seen.append(s)))
    assert seen == [(n, 5) for n in range(6)]
    cancelled = Progress()
    cancelled.cancel()
    with demo_study.transaction() as db, pytest.raises(Cancelled):
        build_summary(db, shipped_forms(), stand_in, progress=cancelled)
