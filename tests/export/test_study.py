"""`export_study`: the one export the command line and the app call, on the demo study with
the real anonymiser (as both callers run it)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from plrdesk.cli.study_commands import shipped_forms
from plrdesk.domain import models as m
from plrdesk.export.build import build_summary
from plrdesk.export.formats import write_export
from plrdesk.export.report import report_lines
from plrdesk.export.study import export_study, record_export, study_anonymiser
from plrdesk.services.export_review import proposed_redactions
from plrdesk.services.export_review import study_anonymiser as review_anonymiser
from plrdesk.services.progress import Cancelled, Progress
from plrdesk.storage.study_file import StudyFile
from tests.export.support import make_one_name
from tests.support.files import PASSPHRASE


@pytest.mark.parametrize("fmt", ["json", "md", "csv"])
@pytest.mark.parametrize("below", [None, 4])
def test_the_bytes_are_the_renderers_of_the_one_summary(
    demo_study: StudyFile, tmp_path: Path, fmt: str, below: int | None
) -> None:
    with demo_study.transaction() as db:
        exported = export_study(db, shipped_forms(), fmt, below)
        bundle = build_summary(db, shipped_forms(), study_anonymiser(db), suppress_below=below)
    written = tmp_path / f"summary.{fmt}"
    write_export(bundle, fmt, written)
    assert exported.data == written.read_bytes()
    report = exported.report
    assert report.lines == tuple(report_lines(bundle, fmt))
    assert (report.fmt, report.suppress_below) == (fmt, below)
    assert report.redactions == sum(bundle.made.values())
    assert report.lines[0].startswith(f"redactions: {report.redactions}")
    assert report.needs_review == len(bundle.review)


def test_small_groups_are_suppressed_and_said_so(demo_study: StudyFile) -> None:
    with demo_study.transaction() as db:
        plain = export_study(db, shipped_forms(), "json")
        hidden = export_study(db, shipped_forms(), "json", 5)
    assert json.loads(plain.data)["methods"]["withdrawn"] == 1
    assert json.loads(hidden.data)["methods"]["withdrawn"] == "fewer than 5"
    assert "counts under 5 shown as 'fewer than 5'" in hidden.report.lines
    assert not any(line.startswith("counts under") for line in plain.report.lines)


def test_a_threshold_under_two_or_an_unknown_format_is_refused(demo_study: StudyFile) -> None:
    with demo_study.transaction() as db:
        with pytest.raises(ValueError, match="2 or more"):
            export_study(db, shipped_forms(), "json", 1)
        with pytest.raises(ValueError, match="unknown export format"):
            export_study(db, shipped_forms(), "rtf")


def test_progress_covers_the_build_then_the_rendering(demo_study: StudyFile) -> None:
    steps: list[tuple[int, int]] = []
    with demo_study.transaction() as db:
        export_study(db, shipped_forms(), "md", progress=Progress(lambda *s: steps.append(s)))
    totals = {total for _, total in steps}
    assert len(totals) == 1
    total = totals.pop()
    assert steps[-2:] == [(total - 1, total), (total, total)]  # built, then rendered


def test_a_cancel_while_rendering_gives_no_bytes(demo_study: StudyFile) -> None:
    """The last step comes after the rendering: a caller writing straight after it writes
    nothing once the researcher has cancelled."""

    def cancel_once_built(done: int, total: int) -> None:
        if done == total - 1:
            progress.cancel()

    progress = Progress(cancel_once_built)
    with demo_study.transaction() as db, pytest.raises(Cancelled):
        export_study(db, shipped_forms(), "md", progress=progress)


def test_the_audit_line_holds_counts_only(demo_study: StudyFile) -> None:
    with demo_study.transaction() as db:
        exported = export_study(db, shipped_forms(), "json", 3)
        record_export(db, exported.report)
    with demo_study.transaction() as db:
        event = db.scalars(select(m.AuditEvent).where(m.AuditEvent.action == "export")).one()
    assert event.detail == {
        "format": "json",
        "redactions": exported.report.redactions,
        "needs_review": exported.report.needs_review,
    }


@pytest.fixture
def one_name(tmp_path: Path) -> Iterator[StudyFile]:
    with StudyFile.open(make_one_name(tmp_path / "one.plr"), PASSPHRASE) as study:
        yield study


@pytest.mark.parametrize("fmt", ["json", "md", "pdf", "docx", "csv", "qdpx"])
def test_a_review_that_lists_one_redaction_is_followed_by_a_report_that_says_1(
    one_name: StudyFile, fmt: str
) -> None:
    with one_name.transaction() as db:
        review = proposed_redactions(db, shipped_forms(), review_anonymiser(db), build_summary)
        exported = export_study(db, shipped_forms(), fmt, extracts=fmt == "md")
        record_export(db, exported.report)
    assert [(p.text, p.count) for p in review.proposals] == [("Castlebrook Academy", 1)]
    assert review.redactions == 1
    report = exported.report
    assert report.redactions == 1
    assert report.lines[0] == "redactions: 1 (school 1)"
    if fmt != "qdpx":  # the quote stops before the name: the summary's own text has none
        assert report.in_summary == 0
        assert report.lines[1].startswith("  0 of them in the summary's own text")
    with one_name.transaction() as db:
        event = db.scalars(select(m.AuditEvent).where(m.AuditEvent.action == "export")).one()
    assert event.detail["redactions"] == 1
