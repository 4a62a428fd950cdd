"""Search results in words (issue 11): the question as the session's guide asked it (the
version stored in the study), the session and its kind, who spoke; and where in the note
the words searched for are, agreeing with what the index matched."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from sqlalchemy import select, update

from plrdesk.cli.study_commands import shipped_forms
from plrdesk.domain import models as m
from plrdesk.services.entries import add_entry
from plrdesk.services.search import GROUP, RESEARCHER, SearchHit, search_study
from plrdesk.storage.search import fold, matched_spans, query_terms, search_entries, tokens
from plrdesk.storage.study_file import StudyFile

FORMS = shipped_forms()


def hit_for(hits: list[SearchHit], text_part: str, db_texts: dict[object, str]) -> SearchHit:
    return next(h for h in hits if text_part in db_texts[h.entry_id])


def texts(db: object) -> dict[object, str]:
    return {e.id: e.text or "" for e in db.scalars(select(m.Entry))}  # type: ignore[attr-defined]


def test_a_hit_says_the_question_session_and_speaker_in_words(demo_study: StudyFile) -> None:
    with demo_study.transaction() as db:
        hits = search_study(db, "timetable", forms=FORMS)
        by_text = texts(db)
    interview = hit_for(hits, "The timetable makes it hard", by_text)
    assert interview.session_words == "S3, practitioner interview"
    assert interview.speaker == "P3 (practitioner)"
    assert interview.question == "barriers"  # the id stays for the program
    assert interview.question_text == (
        "What gets in the way of timely support during the move? Where do delays happen?"
    )
    phone = hit_for(hits, "Got a letter from Castlebrook", by_text)
    assert phone.session_words == "S7, phone interview"
    assert phone.speaker == "G1 (parent or carer)"
    assert phone.question_text is not None
    assert "information" not in phone.question_text.split()
    group = hit_for(hits, "St Aidan's helped most", by_text)
    assert group.session_words == "S11, focus group"
    assert group.speaker == "C6 (child)"
    for hit in hits:
        assert hit.question_text is not None
        assert hit.question is not None
        assert hit.question_text != hit.question


def test_without_the_forms_a_hit_has_no_question_words(demo_study: StudyFile) -> None:
    with demo_study.transaction() as db:
        hits = search_study(db, "timetable")
    assert hits
    assert all(h.question_text is None for h in hits)


def test_the_question_is_worded_as_the_stored_version_the_session_ran_with(
    demo_study: StudyFile,
) -> None:
    """A session run with an older version of the guide shows that version's wording, kept
    in the study, not today's shipped one."""
    loaded = FORMS.loaded("practitioner-interview")
    assert loaded is not None
    old_words = "What got in the way, back then?"
    shipped_text = loaded.definition.item("barriers").text  # type: ignore[union-attr]
    first_line = shipped_text.split()[0]
    source = loaded.source.replace(f"version: {loaded.definition.version}", "version: 0.9-pilot", 1)
    start = source.index(first_line, source.index("id: barriers"))
    end = source.index("\n", source.index("happen?", start))
    source = source[:start] + old_words + source[end:]
    with demo_study.transaction() as db:
        db.add(
            m.StoredForm(
                form_id="practitioner-interview",
                version="0.9-pilot",
                source=source,
                sha256=hashlib.sha256(source.encode()).hexdigest(),
                stored_at=dt.datetime.now(dt.UTC),
            )
        )
        db.execute(
            update(m.StudySession)
            .where(m.StudySession.ref == "S3")
            .values(guide_version="0.9-pilot")
        )
    with demo_study.transaction() as db:
        hits = search_study(db, "timetable", forms=FORMS)
        by_text = texts(db)
    assert hit_for(hits, "The timetable makes it hard", by_text).question_text == old_words
    # S5 still runs with the shipped version.
    s5 = hit_for(hits, "shared transition timetable", by_text)
    assert s5.question_text is not None
    assert s5.question_text != old_words


def test_who_spoke_the_researcher_and_the_group(demo_study: StudyFile) -> None:
    with demo_study.transaction() as db:
        add_entry(db, "S1", "tools", None, "quokka note by the researcher")
        add_entry(db, "S1", "tools", None, "Who else uses the quokka system?", follow_up=True)
        add_entry(db, "S11", "advice", None, "the group agreed: quokka")
        add_entry(db, "S11", "advice", "C3", "a quokka said C3")
        hits = search_study(db, "quokka", forms=FORMS)
        by_text = texts(db)
    assert hit_for(hits, "by the researcher", by_text).speaker == RESEARCHER
    assert hit_for(hits, "Who else uses", by_text).speaker == RESEARCHER
    assert hit_for(hits, "group agreed", by_text).speaker == GROUP
    assert hit_for(hits, "said C3", by_text).speaker == "C3 (child)"


def test_a_note_under_no_question_has_no_question_words(demo_study: StudyFile) -> None:
    with demo_study.transaction() as db:
        add_entry(db, "S1", None, "P1", "an aside about the quokka")
        (hit,) = search_study(db, "quokka", forms=FORMS)
    assert hit.question is None
    assert hit.question_text is None


@pytest.mark.parametrize(
    ("note", "query", "found"),
    [
        ("The summer holiday is the gap; summer again", "summer", ["summer", "summer"]),
        ("Summer Holiday", "holiday summer", ["Summer", "Holiday"]),
        ("the timetable and the times", "time*", ["timetable", "times"]),
        ("She went to Łódź and the café", "lodz cafe", ["café"]),  # Ł has no accent to drop
        ("She went to Łódź and the café", "łodz café", ["Łódź", "café"]),
        ("😀🇬🇧 met the SENCO 😀 senco", "senco", ["SENCO", "senco"]),
        ("don't shout", "don't", ["don", "t"]),
        ("multi-agency work", "multi-agency", ["multi", "agency"]),
        ("mr_oduya", "oduya", ["oduya"]),  # "_" parts words, as in the index
    ],
)
def test_matched_spans_are_python_indexes_of_the_words(
    note: str, query: str, found: list[str]
) -> None:
    assert [note[a:b] for a, b in matched_spans(note, query)] == found


def test_query_terms_follow_the_index_query() -> None:
    assert [(t.word, t.prefix) for t in query_terms("Café time* NEAR(x")] == [
        ("cafe", False),
        ("time", True),
        ("near", False),
        ("x", False),
    ]
    assert query_terms("*** ...") == []
    assert fold("ÉCOLE") == "ecole"
    assert tokens("a, bc") == [(0, 1), (3, 5)]


@pytest.mark.parametrize(
    "query", ["summer", "lead professional", "caf*", "school timetable", "Helen"]
)
def test_every_hit_holds_each_word_searched_for(demo_study: StudyFile, query: str) -> None:
    """The spans agree with the index: each note it matched holds every term where the
    spans say, and a term the index did not need is not invented."""
    with demo_study.transaction() as db:
        raw = search_entries(db, query)
        hits = search_study(db, query)
        by_text = texts(db)
    assert [h.entry_id for h in hits] == [h.entry_id for h in raw]
    assert hits
    terms = query_terms(query)
    for hit in hits:
        text = by_text[hit.entry_id]
        words = [text[a:b] for a, b in hit.spans]
        for term in terms:
            assert any(term.matches(w) for w in words), (term, text)
        assert all(any(t.matches(w) for t in terms) for w in words)


@pytest.mark.parametrize(
    "query", ["lodz", "łodz", "łódź", "cafe", "CAFÉ", "strasse", "straße", "ﬁsh", "fish", "caf*"]
)
def test_the_spans_find_a_word_exactly_when_the_index_does(
    demo_study: StudyFile, query: str
) -> None:
    note = "She went to Łódź and the café; Straße; ﬁsh"
    with demo_study.transaction() as db:
        add_entry(db, "S1", "tools", None, note)
        matched = bool(search_entries(db, query))
    assert bool(matched_spans(note, query)) is matched
