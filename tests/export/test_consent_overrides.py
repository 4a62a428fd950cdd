"""A child let into a focus group through the audited consent override, without a guardian's
consent or their own assent: left out of every figure by default, counted when the
researcher asks, and the report's methods say which, in every reading format."""

from __future__ import annotations

import datetime as dt
import json
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from plrdesk.cli.study_commands import shipped_forms
from plrdesk.domain import models as m
from plrdesk.export.build import build_summary
from plrdesk.export.formats import write_export
from plrdesk.export.model import Overridden
from plrdesk.export.study import export_study
from plrdesk.services.sessions import create_session
from plrdesk.storage.study_file import StudyFile
from tests.export.conftest import WordListAnonymiser
from tests.export.support import change, flat, theme_id
from tests.export.test_renderers import read_back

SAID = "the new school felt massive but my mentor walked me round"
LEFT_OUT = (
    "Consent overrides: 1 child joined a session before the consent needed to take part was"
    " recorded (the researcher recorded why), and it has not been recorded since. They are"
    " left out of every figure, quote and extract below."
)
COUNTED = "They are counted in the figures below, as the researcher chose"


def admit_without_consent(db: Session, *, with_others: tuple[str, ...] = ()) -> None:
    """C7, with no consent at all, joins a focus group (with `with_others`) through the
    override, says one verbatim line coded under T1, and raises a hand."""
    child = m.Participant(
        ref="C7", kind="child", name="Kemi Adeyemi", position=99,
        attributes={"age": 12, "gender": "girl", "year_group": 7},
    )  # fmt: skip
    db.add(child)
    db.flush()
    made = create_session(
        db,
        shipped_forms(),
        "focus-group",
        "children-focus-group",
        ["C7", *with_others],
        dt.datetime(2009, 1, 20, 15, tzinfo=dt.UTC),
        override_reason="the form is in the post; the parent agreed on the phone",
    )
    session = db.get(m.StudySession, made.record_id)
    assert session is not None
    line = m.Entry(
        ref="E900", session_id=session.id, question="moving-up", speaker_id=child.id,
        text=SAID, verbatim=True, position=0,
    )  # fmt: skip
    hands = m.Entry(
        ref="E901", session_id=session.id, question="moving-up",
        show_of_hands={"agree": 1, "disagree": 0}, position=1,
    )  # fmt: skip
    db.add_all([line, hands])
    db.flush()
    db.add(m.Coding(entry_id=line.id, theme_id=theme_id(db, "T1")))


@pytest.fixture
def overridden(demo_study: StudyFile) -> StudyFile:
    change(demo_study, admit_without_consent)
    return demo_study


def summary(study: StudyFile, how: Overridden, below: int | None = None) -> Any:
    with study.transaction() as db:
        return json.loads(export_study(db, shipped_forms(), "json", below, overridden=how).data)


def test_left_out_by_default_and_counted_when_asked(demo_study: StudyFile) -> None:
    before = summary(demo_study, Overridden.LEAVE_OUT)  # nothing overridden yet: the same
    change(demo_study, admit_without_consent)
    left_out = summary(demo_study, Overridden.LEAVE_OUT)
    counted = summary(demo_study, Overridden.COUNT)
    assert left_out == before  # as if she had never been there
    methods = counted["methods"]
    assert methods["participants"]["child"] == 6
    assert methods["sessions"]["focus-group"] == 2
    themes = counted["themes"]
    assert themes[0]["raised_by"]["child"] == before["themes"][0]["raised_by"]["child"] + 1
    quoted = [q["text"] for t in themes for q in t["quotes"]]
    assert SAID not in quoted  # counted, but without the permission to be quoted


def test_the_methods_say_so_in_every_reading_format(
    overridden: StudyFile, stand_in: WordListAnonymiser, tmp_path: Path
) -> None:
    for how, words in ((Overridden.LEAVE_OUT, LEFT_OUT), (Overridden.COUNT, COUNTED)):
        with overridden.transaction() as db:
            bundle = build_summary(db, shipped_forms(), stand_in, overridden=how)
        for fmt in ("md", "pdf", "docx"):
            path = tmp_path / f"{how}.{fmt}"
            write_export(bundle, fmt, path)
            text = flat(read_back(fmt, path))
            assert flat(words) in text, (how, fmt)
            methods, themes = text.index("Methods"), text.index("Themes", text.index("Period"))
            assert methods < text.index(flat(words)) < themes, (how, fmt)  # in the methods


def test_no_override_no_sentence_and_a_small_group_is_suppressed(
    demo_study: StudyFile, stand_in: WordListAnonymiser, tmp_path: Path
) -> None:
    with demo_study.transaction() as db:
        plain = build_summary(db, shipped_forms(), stand_in)
    write_export(plain, "md", tmp_path / "plain.md")
    assert "Consent overrides" not in (tmp_path / "plain.md").read_text(encoding="utf-8")
    change(demo_study, admit_without_consent)
    with demo_study.transaction() as db:
        hidden = build_summary(db, shipped_forms(), stand_in, suppress_below=3)
    write_export(hidden, "md", tmp_path / "hidden.md")
    text = (tmp_path / "hidden.md").read_text(encoding="utf-8")
    assert "Consent overrides: fewer than 3 children joined a session" in text


def test_consent_recorded_since_makes_an_ordinary_participant(overridden: StudyFile) -> None:
    def consent(db: Session) -> None:
        child = db.scalars(select(m.Participant).where(m.Participant.ref == "C7")).one()
        parent = db.scalars(select(m.Participant).where(m.Participant.ref == "G2")).one()
        given = dt.date(2009, 1, 22)
        for ref, signer, on_behalf, form in (
            ("K90", parent, child, "parental-consent"),
            ("K91", child, None, "child-assent"),
        ):
            db.add(
                m.Consent(
                    ref=ref, participant_id=signer.id,
                    on_behalf_of_id=on_behalf.id if on_behalf else None, form=form,
                    form_version="1", method="written", given_on=given,
                    answers={"take-part": True, "quote": True}, position=90,
                )
            )  # fmt: skip

    change(overridden, consent)
    with overridden.transaction() as db:
        exported = export_study(db, shipped_forms(), "md")
    assert "Consent overrides" not in exported.data.decode("utf-8")
    assert not any(line.startswith("consent overrides") for line in exported.report.lines)
    quoted = json.loads(export_study_json(overridden))
    assert SAID in [q["text"] for t in quoted["themes"] for q in t["quotes"]]


def export_study_json(study: StudyFile) -> bytes:
    with study.transaction() as db:
        return export_study(db, shipped_forms(), "json").data


def test_the_report_says_how_they_were_treated(demo_study: StudyFile) -> None:
    change(demo_study, partial(admit_without_consent, with_others=("C1",)))
    with demo_study.transaction() as db:
        left_out = export_study(db, shipped_forms(), "md").report.lines
        counted = export_study(db, shipped_forms(), "md", overridden=Overridden.COUNT).report
    assert (
        "consent overrides: 1 child without the consent to take part: left out of every"
        " figure, quote and extract (--count-consent-overrides counts them)"
    ) in left_out
    # The session counts (C1 has consent), and so does its show of hands, hers with it.
    assert any(
        line.startswith("note: 1 show(s) of hands (children-focus-group/moving-up)")
        and "someone left out (admitted by a consent override)" in line
        for line in left_out
    )
    assert "consent overrides: 1 child without the consent to take part: counted, as asked" in (
        counted.lines
    )
