"""The study's details from the command line: `forms print` and `forms check --study` name
the details a form would print blank; `import STUDY details.json --merge` sets them (and
refuses a bad one at its JSON path, changing nothing); `dump` writes them back."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from plrdesk.cli.exit_codes import Exit
from tests.conftest import CliResult
from tests.support.files import digest

DETAILS: dict[str, Any] = {
    "title": "Moving up",
    "researcher": "Ama Mensah",
    "organisation": "Riverside Youth Trust",
    "phone": "020 7946 0000",
    "email": "ama@example.org",
    "ethics_reference": "ETH-2026-14",
    "aims": ["What helps the move", "What hinders it"],
    "endorsement": {"by": "Dr Kwame Osei", "role": "Head teacher", "on": "2026-10-01"},
}

Cli = Callable[..., CliResult]


def details_file(tmp_path: Path, study: dict[str, Any], name: str = "details.json") -> Path:
    path = tmp_path / name
    document = {"format": "plrdesk-study", "version": 1, "study": study}
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


@pytest.fixture
def new_study(cli: Cli, tmp_path: Path) -> Path:
    path = tmp_path / "s.plr"
    assert cli("new", path, "--title", "Moving up").code == 0
    return path


def pdf_text(path: Path) -> str:
    done = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return " ".join(done.stdout.split())


def test_printing_from_a_new_study_warns_of_each_blank(
    cli: Cli, new_study: Path, tmp_path: Path
) -> None:
    out = tmp_path / "consent.pdf"
    result = cli("forms", "print", "parental-consent", "--study", new_study, "-o", out)
    assert result.code == Exit.OK  # printed all the same: blanks to fill in by hand
    assert out.exists()
    lines = result.err.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(
        "plrdesk: warning: parental-consent prints a blank for the study's"
        " researcher, organisation, contact (s.plr has none yet;"
    )
    assert "please contact ________, ________: ________." in pdf_text(out)


def test_a_guide_needs_no_contact(cli: Cli, new_study: Path, tmp_path: Path) -> None:
    out = tmp_path / "guide.pdf"
    result = cli("forms", "print", "practitioner-interview", "--study", new_study, "-o", out)
    assert result.code == Exit.OK
    assert "the study's researcher, organisation (" in result.err


def test_details_set_by_import_merge_end_the_warnings(
    cli: Cli, new_study: Path, tmp_path: Path
) -> None:
    imported = cli("import", new_study, details_file(tmp_path, DETAILS), "--merge")
    assert imported.code == Exit.OK, imported.err
    out = tmp_path / "consent.pdf"
    result = cli("forms", "print", "parental-consent", "--study", new_study, "-o", out)
    assert result.code == Exit.OK
    assert result.err == ""
    text = pdf_text(out)
    assert "________" not in text
    assert "Researcher: Ama Mensah · Organisation: Riverside Youth Trust" in text
    assert "Ethics reference: ETH-2026-14" in text
    assert "020 7946 0000, ama@example.org" in text
    checked = cli("forms", "check", "--study", new_study)
    assert checked.code == Exit.OK
    assert "prints a blank" not in checked.out


def test_dump_writes_the_details_back(cli: Cli, new_study: Path, tmp_path: Path) -> None:
    assert cli("import", new_study, details_file(tmp_path, DETAILS), "--merge").code == 0
    dumped = tmp_path / "dump.json"
    assert cli("dump", new_study, "-o", dumped, "--yes").code == Exit.OK
    assert json.loads(dumped.read_text(encoding="utf-8"))["study"] == DETAILS


def test_a_merge_of_some_details_leaves_the_others(
    cli: Cli, new_study: Path, tmp_path: Path
) -> None:
    assert cli("import", new_study, details_file(tmp_path, DETAILS), "--merge").code == 0
    some = {"title": "Moving up", "phone": "020 7946 0999", "ethics_reference": None}
    assert cli("import", new_study, details_file(tmp_path, some, "some.json"), "--merge").code == 0
    dumped = tmp_path / "dump.json"
    assert cli("dump", new_study, "-o", dumped, "--yes").code == Exit.OK
    study = json.loads(dumped.read_text(encoding="utf-8"))["study"]
    expected = {**DETAILS, "phone": "020 7946 0999"}
    del expected["ethics_reference"]  # given as null: cleared
    assert study == expected


@pytest.mark.parametrize(
    ("change", "where"),
    [
        ({"email": "ama.example.org"}, "study.email: “ama.example.org” is not an e-mail address"),
        ({"phone": 2079460000}, "study.phone: Input should be a valid string"),
        ({"endorsement": {"by": "X", "on": "2999-01-01"}}, "study.endorsement.on: 1 January 2999"),
        ({"endorsement": {"by": "X", "rank": "Head"}}, "study.endorsement.rank: unknown key"),
        ({"ethics_reference": "a\nb"}, "study.ethics_reference: keep it to one line."),
    ],
)
def test_a_bad_detail_is_one_line_at_its_path_and_changes_nothing(
    cli: Cli, new_study: Path, tmp_path: Path, change: dict[str, Any], where: str
) -> None:
    before = digest(new_study)
    bad = details_file(tmp_path, {**DETAILS, **change}, "bad.json")
    result = cli("import", new_study, bad, "--merge")
    assert result.code == Exit.INVALID_INPUT
    assert result.err.startswith(f"plrdesk: {bad}: {where}")
    assert result.err.count("\n") == 1
    assert "Traceback" not in result.err
    assert digest(new_study) == before


def test_forms_check_lists_the_blanks_of_every_form(cli: Cli, new_study: Path) -> None:
    result = cli("forms", "check", "--study", new_study)
    assert result.code == Exit.OK  # a study detail missing is a warning, not a form error
    blanks = [line for line in result.out.splitlines() if "prints a blank" in line]
    assert len(blanks) == 10  # every shipped form shows at least the researcher
    consent = next(line for line in blanks if "/parental-consent.yaml:" in line)
    assert ": warning: parental-consent prints a blank for the study's researcher," in consent
    assert "researcher, organisation, contact (s.plr has none yet" in consent
    assert result.out.splitlines()[-1].startswith("10 form file(s) checked: no errors, 10 warning")


def test_a_details_only_merge_says_what_it_set_and_the_same_again_says_nothing_new(
    cli: Cli, new_study: Path, tmp_path: Path
) -> None:
    first = cli("import", new_study, details_file(tmp_path, DETAILS), "--merge")
    assert first.code == Exit.OK, first.err
    assert first.out.strip().endswith(": the study's details"), first.out
    again = cli("import", new_study, details_file(tmp_path, DETAILS, "again.json"), "--merge")
    assert again.out.strip().endswith(": nothing new"), again.out
