"""The quote bank on the demo study (resources/demo/demo-study.json), against what the file
says by hand: T3 is coded on E7 (P1), E25 (P3), E45 (P5), E62 (G2), E83 (C2), E89 (C3) and
E90 (C6, withdrawn); C5 said no to quotes in her assent; E91 is a group line and E87 (C4)
is flagged for safeguarding, both uncoded in the file."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from plrdesk.cli.study_commands import shipped_forms
from plrdesk.domain import models as m
from plrdesk.domain.passages import (
    EXCLUDED_SAFEGUARDING,
    EXCLUDED_WITHDRAWN,
    raised_by,
)
from plrdesk.forms.catalog import FormCatalog
from plrdesk.services.bulk_coding import code_entries
from plrdesk.services.changes import Table
from plrdesk.services.corpus import Corpus, load_corpus
from plrdesk.services.quote_bank import (
    GROUP_DESCRIPTOR,
    GROUP_LINE,
    NOT_QUOTABLE,
    NOT_VERBATIM,
    NotQuotable,
    QuoteFilters,
    QuoteRow,
    UnknownCoding,
    context,
    count_rows,
    descriptor,
    filter_rows,
    load_quote_bank,
    load_theme_corpus,
    quote_bank,
    set_exemplar,
)
from plrdesk.storage.study_file import StudyFile


@pytest.fixture(scope="module")
def forms() -> FormCatalog:
    return shipped_forms()


@pytest.fixture
def db(demo_study: StudyFile) -> Iterator[Session]:
    with demo_study.transaction() as session:
        yield session


def theme(db: Session, ref: str) -> uuid.UUID:
    return db.scalars(select(m.Theme.id).where(m.Theme.ref == ref)).one()


def entry(db: Session, ref: str) -> m.Entry:
    return db.scalars(select(m.Entry).where(m.Entry.ref == ref)).one()


def coding_on(db: Session, entry_ref: str, theme_ref: str) -> m.Coding:
    return db.scalars(
        select(m.Coding).where(
            m.Coding.entry_id == entry(db, entry_ref).id,
            m.Coding.theme_id == theme(db, theme_ref),
        )
    ).one()


def bank(db: Session, forms: FormCatalog, ref: str, **filters: object) -> list[QuoteRow]:
    corpus = load_corpus(db, forms)
    chosen = QuoteFilters(**filters) if filters else None  # type: ignore[arg-type]
    return quote_bank(corpus, theme(db, ref), chosen, forms=forms)


def refs(rows: list[QuoteRow]) -> list[str]:
    return [row.passage.entry_ref for row in rows]


# -- order, context, who, question -------------------------------------------------------------


def test_rows_come_in_document_order_with_sub_themes(db: Session, forms: FormCatalog) -> None:
    assert refs(bank(db, forms, "T3")) == ["E7", "E25", "E45", "E62", "E83", "E89", "E90"]
    t2 = bank(db, forms, "T2")
    # T2 takes in its sub-theme T5 (Using the CAF), each row naming its own theme.
    assert refs(t2) == [
        "E4", "E5", "E13", "E14", "E17", "E23", "E31", "E32", "E51", "E57", "E63", "E68", "E81"
    ]  # fmt: skip
    assert {row.theme_name for row in t2 if row.passage.entry_ref == "E4"} == {"Using the CAF"}
    assert {row.theme_name for row in t2 if row.passage.entry_ref == "E5"} == {
        "Knowing and using common tools"
    }


def test_context_is_the_sentence_around_the_span() -> None:
    text = "First one. Second one! The span is here. Fourth? Fifth one."
    start = text.index("span")
    end = start + len("span is here.")
    before, after = context(text, start, end)
    assert before == "Second one! The "
    assert after == " Fourth?"
    # A span at the very start has no context before; one at the end none after.
    assert context(text, 0, 10) == ("", " Second one!")
    assert context(text, text.index("Fifth"), len(text)) == ("Fourth? ", "")
    # A whole entry has none either side; a decimal point is no sentence end.
    assert context("It cost 2.5 pounds. Fine.", 0, 25) == ("", "")
    assert context("It cost 2.5 pounds. Fine.", 20, 25) == ("It cost 2.5 pounds. ", "")


def test_a_demo_row_has_its_context_and_question(db: Session, forms: FormCatalog) -> None:
    row = next(r for r in bank(db, forms, "T1") if r.passage.entry_ref == "E2")
    assert row.passage.text.startswith("At Northfield the head rings her direct")
    assert row.before == "Says things move quickly when the school already knows the project. "
    assert row.after == "."  # the span stops before the full stop
    assert row.session_kind == "practitioner-interview"
    assert row.question == "facilitators"
    guide = forms.get("practitioner-interview")
    assert guide is not None
    item = guide.item("facilitators")
    assert item is not None
    assert row.question_label == " ".join(item.text.split())


def test_who_is_a_descriptor_never_a_name(db: Session, forms: FormCatalog) -> None:
    rows = bank(db, forms, "T3")
    who = {row.passage.speaker_ref: row.who for row in rows}
    assert who["P1"] == "practitioner · voluntary · project worker"
    assert who["G2"] == "parent or carer · father"
    assert who["C2"] == "child · age 13 · girl · Year 8"
    names = set(db.scalars(select(m.Participant.name)))
    for row in rows:
        assert not any(part in row.who for name in names for part in name.split() if len(part) > 2)
    assert descriptor(None, {}) == GROUP_DESCRIPTOR
    assert (
        descriptor("child", {"age": 11, "free_school_meals": True})
        == "child · age 11 · free school meals: yes"
    )


# -- filters -----------------------------------------------------------------------------------


def test_filters(db: Session, forms: FormCatalog) -> None:
    assert refs(bank(db, forms, "T3", participant_kind="child")) == ["E83", "E89", "E90"]
    assert refs(bank(db, forms, "T3", session_kind="phone-interview")) == ["E62"]
    assert refs(bank(db, forms, "T1", attribute=("sector", "voluntary"))) == ["E2", "E30"]
    assert refs(bank(db, forms, "T2", question=("practitioner-interview", "tools"))) == [
        "E4", "E5", "E13", "E14", "E23", "E31", "E32", "E51"
    ]  # fmt: skip
    # Filtering loaded rows gives the same as asking for them filtered.
    everything = bank(db, forms, "T3")
    assert filter_rows(everything, QuoteFilters(participant_kind="child")) == bank(
        db, forms, "T3", participant_kind="child"
    )
    assert refs(filter_rows(everything, QuoteFilters(attribute=("year_group", "8")))) == ["E83"]
    assert filter_rows(everything, None) == everything


# -- what never counts or is never quoted ------------------------------------------------------


def test_the_withdrawn_child_is_shown_greyed_and_never_counted(
    db: Session, forms: FormCatalog
) -> None:
    rows = bank(db, forms, "T3")
    c6 = next(row for row in rows if row.passage.speaker_ref == "C6")
    assert c6.excluded == EXCLUDED_WITHDRAWN == "withdrawn participant"
    assert not c6.counts
    assert c6.status == "not counted: withdrawn participant"
    assert c6.not_quotable == EXCLUDED_WITHDRAWN
    count = count_rows(rows)
    assert (count.passages, count.participants, count.not_counted) == (7, 6, 1)
    assert str(count) == "7 passages from 6 participants (1 not counted)"
    # The same participants raised_by counts (the matrix and the export).
    corpus = load_corpus(db, forms)
    counted = raised_by(corpus.passages, corpus.tree, theme(db, "T3"))
    assert sum(len(people) for people in counted.values()) == count.participants


def test_a_child_without_quote_permission_is_counted_not_quotable(
    db: Session, forms: FormCatalog
) -> None:
    c5 = [
        row
        for row in bank(db, forms, "T2") + bank(db, forms, "T4")
        if row.passage.speaker_ref == "C5"
    ]
    assert [row.passage.entry_ref for row in c5] == ["E81", "E86"]
    for row in c5:
        assert row.counts
        assert not row.may_quote
        assert row.status == NOT_QUOTABLE == "counted, not quotable"


def test_group_lines_and_safeguarding(db: Session, forms: FormCatalog) -> None:
    t3 = theme(db, "T3")
    code_entries(db, t3, [entry(db, "E91").id, entry(db, "E87").id])
    rows = {row.passage.entry_ref: row for row in bank(db, forms, "T3")}
    assert rows["E91"].who == GROUP_DESCRIPTOR
    assert rows["E91"].status == GROUP_LINE
    assert not rows["E91"].counts
    assert rows["E87"].excluded == EXCLUDED_SAFEGUARDING
    assert rows["E87"].status == "not counted: flagged for safeguarding"
    assert count_rows(list(rows.values())).not_counted == 3


def test_notes_not_taken_verbatim_are_counted_but_not_quotes(
    db: Session, forms: FormCatalog
) -> None:
    rows = {row.passage.entry_ref: row for row in bank(db, forms, "T1")}
    assert rows["E2"].not_quotable == NOT_VERBATIM  # "Says things move quickly ..."
    assert rows["E11"].not_quotable is None
    assert rows["E11"].status == "counted, quotable"


def test_the_theme_only_loader_matches_load_corpus(db: Session, forms: FormCatalog) -> None:
    code_entries(db, theme(db, "T3"), [entry(db, "E91").id, entry(db, "E87").id])
    full = load_corpus(db, forms)
    for node in full.tree.nodes.values():
        themes = full.tree.descendants(node.id)
        expected = [p for p in full.passages if p.theme_id in themes]
        got = load_theme_corpus(db, forms, node.id)
        assert got.passages == expected, node.ref
        assert got.tree == full.tree
        assert quote_bank(got, node.id, forms=forms) == quote_bank(full, node.id, forms=forms)


def test_the_quote_bank_of_one_theme_as_the_app_loads_it(db: Session, forms: FormCatalog) -> None:
    t2 = theme(db, "T2")
    loaded = load_quote_bank(db, forms, t2)
    assert (loaded.theme_id, loaded.name, loaded.has_sub_themes) == (
        t2,
        "Knowing and using common tools",
        True,
    )
    assert loaded.rows == bank(db, forms, "T2")
    assert not load_quote_bank(db, forms, theme(db, "T5")).has_sub_themes
    gone = load_quote_bank(db, forms, uuid.uuid4())
    assert (gone.name, gone.rows) == (None, [])


# -- the exemplar flag -------------------------------------------------------------------------


def test_marking_and_clearing_an_exemplar(db: Session, forms: FormCatalog) -> None:
    coding = coding_on(db, "E11", "T1")
    changes = set_exemplar(db, coding.id, True, forms=forms)
    assert changes.updated == {Table.CODING: [coding.id]}
    row = next(r for r in bank(db, forms, "T1") if r.coding_id == coding.id)
    assert row.exemplar
    assert row.status == "usable quote"
    assert set_exemplar(db, coding.id, True, forms=forms).updated == {}  # no change
    assert set_exemplar(db, coding.id, False, forms=forms).updated == {Table.CODING: [coding.id]}
    assert not next(r for r in bank(db, forms, "T1") if r.coding_id == coding.id).exemplar


@pytest.mark.parametrize(
    ("entry_ref", "theme_ref", "reason"),
    [
        ("E90", "T3", EXCLUDED_WITHDRAWN),
        ("E86", "T4", NOT_QUOTABLE),
        ("E2", "T1", NOT_VERBATIM),
    ],
)
def test_what_the_report_may_not_quote_cannot_be_marked(
    db: Session, forms: FormCatalog, entry_ref: str, theme_ref: str, reason: str
) -> None:
    coding = coding_on(db, entry_ref, theme_ref)
    with pytest.raises(NotQuotable, match=reason):
        set_exemplar(db, coding.id, True, forms=forms)
    # A mark made before (an import, a withdrawal since) can always be cleared.
    coding.exemplar = True
    db.flush()
    assert set_exemplar(db, coding.id, False, forms=forms).updated == {Table.CODING: [coding.id]}


def test_a_flagged_entry_cannot_be_marked(db: Session, forms: FormCatalog) -> None:
    e87 = entry(db, "E87")
    added = code_entries(db, theme(db, "T3"), [e87.id]).added_ids(Table.CODING)
    with pytest.raises(NotQuotable, match=EXCLUDED_SAFEGUARDING):
        set_exemplar(db, added[0], True, forms=forms)


def test_an_unknown_coding(db: Session) -> None:
    with pytest.raises(UnknownCoding):
        set_exemplar(db, uuid.uuid4(), True)


def test_rows_for_a_corpus_without_forms(db: Session) -> None:
    corpus: Corpus = load_corpus(db, None)
    rows = quote_bank(corpus, theme(db, "T1"))
    assert rows
    assert all(row.question_label is None for row in rows)
