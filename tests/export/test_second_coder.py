"""A second coder's codings, brought back for agreement, do not enter the report: the same
words coded by two people were quoted twice and their passages counted twice."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from plrdesk.domain import models as m
from plrdesk.export.model import ExportBundle
from plrdesk.storage.study_file import StudyFile
from tests.export.conftest import WordListAnonymiser
from tests.export.support import all_quotes, build, change
from tests.support.second_coder import SECOND, add_second_coder


def test_the_report_is_the_researchers_coding_and_says_what_it_left_out(
    demo_study: StudyFile, stand_in: WordListAnonymiser, demo_bundle: ExportBundle
) -> None:
    change(demo_study, add_second_coder)
    after = build(demo_study, stand_in)
    assert all_quotes(after) == all_quotes(demo_bundle)
    assert after.summary.model_dump(exclude={"generated_at"}) == demo_bundle.summary.model_dump(
        exclude={"generated_at"}
    )
    assert any(f"by {SECOND} left out of the report" in note for note in after.notes)


def test_codings_named_for_the_researcher_count_as_theirs(
    demo_study: StudyFile, stand_in: WordListAnonymiser, demo_bundle: ExportBundle
) -> None:
    """A dump may name the researcher outright ("claire  beaumont"): the same person."""

    def name_them(db: Session) -> None:
        researcher = db.scalar(select(m.Study.researcher))
        assert researcher
        for coding in db.scalars(select(m.Coding)):
            coding.coder = f"  {researcher.lower()} "

    change(demo_study, name_them)
    after = build(demo_study, stand_in)
    assert all_quotes(after) == all_quotes(demo_bundle)
    assert not any("left out of the report" in note for note in after.notes)
