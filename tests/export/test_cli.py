"""`plrdesk export`: writes the file, prints the redaction report, records the export.

The command is a caller of `plrdesk.export.study.export_study`; the stand-in anonymiser is
put where that function chooses the study's anonymiser, so the command runs as it ships.
"""

from __future__ import annotations

import argparse
import json
import stat
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select

from plrdesk.cli import export_command
from plrdesk.cli.app import HANDLERS
from plrdesk.cli.exit_codes import CliError, Exit
from plrdesk.domain import models as m
from plrdesk.export import study as export_study_module
from plrdesk.shipped import demo_study_json
from plrdesk.storage.study_file import StudyFile
from tests.conftest import CliResult
from tests.export.conftest import WordListAnonymiser, register_terms
from tests.support.files import PASSPHRASE


def export_args(
    study: Path,
    fmt: str,
    out: Path,
    suppress_below: int | None = None,
    *,
    extracts: bool = False,
    count_consent_overrides: bool = False,
) -> argparse.Namespace:
    return argparse.Namespace(
        command="export",
        file=study,
        format=fmt,
        output=out,
        suppress_below=suppress_below,
        extracts=extracts,
        count_consent_overrides=count_consent_overrides,
        passphrase_file=None,
        debug=False,
    )


@pytest.fixture
def with_stand_in(monkeypatch: pytest.MonkeyPatch) -> WordListAnonymiser:
    """The register of the demo as the anonymiser, and the test passphrase."""
    document = json.loads(demo_study_json().read_text(encoding="utf-8"))
    stand_in = WordListAnonymiser(register_terms(document), review=["ninety"])
    monkeypatch.setattr(export_study_module, "study_anonymiser", lambda db: stand_in)
    monkeypatch.setenv("PLRDESK_PASSPHRASE", PASSPHRASE)
    return stand_in


def test_export_writes_the_file_and_prints_the_report(
    demo_path: Path,
    tmp_path: Path,
    with_stand_in: WordListAnonymiser,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = tmp_path / "summary.json"
    code = export_command.cmd_export(export_args(demo_path, "json", out))
    assert code == Exit.OK
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["format"] == "plrdesk-summary"
    assert stat.S_IMODE(out.stat().st_mode) == 0o600  # owner-only: see storage/files.py
    printed = capsys.readouterr().out
    assert printed.splitlines()[:4] == [
        f"wrote {out} (json, anonymised)",
        # What Prepare export's review lists: every redaction in what the export read ...
        "redactions: 5 (school 3, name 1, person 1)",
        # ... of which the summary's quotes hold none in the demo.
        "  0 of them in the summary's own text; the others in notes, or parts of notes,"
        " that it does not quote",
        f"descriptors coarsened: {doc['disclosure']['descriptors_coarsened']}",
    ]
    assert doc["disclosure"]["redactions"] == {}
    assert "1 unregistered name needs review" in printed  # the study's, whatever the format
    assert "Prepare export" in printed
    assert "ninety" not in printed  # counted and placed, never printed
    assert "[name] source 'Practitioner interview 2'" in printed


def test_the_report_of_a_qdpx_covers_its_sources(
    demo_path: Path,
    tmp_path: Path,
    with_stand_in: WordListAnonymiser,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = tmp_path / "project.qdpx"
    export_command.cmd_export(export_args(demo_path, "qdpx", out))
    printed = capsys.readouterr().out.splitlines()
    assert printed[1:3] == [
        "redactions: 5 (school 3, name 1, person 1)",
        "descriptors coarsened: 6",
    ]
    with StudyFile.open(demo_path, PASSPHRASE) as study, study.transaction() as db:
        event = db.scalars(select(m.AuditEvent).where(m.AuditEvent.action == "export")).one()
        assert event.detail == {"format": "qdpx", "redactions": 5, "needs_review": 1}


def test_a_missing_output_folder_is_a_usage_error(
    demo_path: Path, tmp_path: Path, with_stand_in: WordListAnonymiser
) -> None:
    with pytest.raises(CliError, match="no such folder") as failed:
        export_command.cmd_export(export_args(demo_path, "md", tmp_path / "no" / "s.md"))
    assert failed.value.code == Exit.USAGE


def test_suppress_below_reaches_the_file(
    demo_path: Path, tmp_path: Path, with_stand_in: WordListAnonymiser
) -> None:
    out = tmp_path / "summary.json"
    export_command.cmd_export(export_args(demo_path, "json", out, suppress_below=5))
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["methods"]["withdrawn"] == "fewer than 5"
    with pytest.raises(CliError, match="2 or more") as failed:
        export_command.cmd_export(export_args(demo_path, "json", out, suppress_below=1))
    assert failed.value.code == Exit.USAGE


def test_without_the_anonymiser_nothing_is_exported(
    demo_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(export_study_module, "ENGINE", "plrdesk.anonymise.no_such_engine")
    monkeypatch.setenv("PLRDESK_PASSPHRASE", PASSPHRASE)
    with (
        StudyFile.open(demo_path, PASSPHRASE) as study,
        study.transaction() as db,
        pytest.raises(export_study_module.NoAnonymiser, match="no anonymiser"),
    ):
        export_study_module.study_anonymiser(db)
    out = tmp_path / "summary.md"
    with pytest.raises(CliError, match="no anonymiser") as failed:
        export_command.cmd_export(export_args(demo_path, "md", out))
    assert failed.value.code == Exit.FAILURE
    assert str(failed.value) == (
        "this build of plrdesk has no anonymiser (plrdesk.anonymise.no_such_engine is"
        " missing); nothing was exported"
    )
    assert [p.name for p in tmp_path.iterdir() if "summary" in p.name] == []  # nor a partial


@pytest.mark.skipif("export" not in HANDLERS, reason="`export` is not yet in cli/app.py HANDLERS")
@pytest.mark.parametrize("fmt", ["md", "pdf", "docx", "csv", "qdpx"])
def test_the_command_line(
    cli: Callable[..., CliResult],
    demo_path: Path,
    tmp_path: Path,
    with_stand_in: WordListAnonymiser,
    fmt: str,
) -> None:
    out = tmp_path / f"summary.{fmt}"
    result = cli("export", demo_path, "--format", fmt, "-o", out, "--suppress-below", "3")
    assert result.code == Exit.OK, result.err
    assert out.stat().st_size > 0
    assert f"wrote {out} ({fmt}, anonymised)" in result.out
    assert cli("export", "--help").out.startswith("usage: plrdesk export")
