"""`plrdesk forms print` on the encrypted demo study: blank forms and participants' copies."""

from __future__ import annotations

import stat
from collections.abc import Callable
from pathlib import Path

from tests.conftest import CliResult
from tests.printing.support import consent_yaml, read_pdf

DEMO_TITLE = "Integrated working and the move to secondary school (demo)"


def test_print_a_blank_form_from_a_file(
    cli: Callable[..., CliResult], demo_path: Path, tmp_path: Path
) -> None:
    source = tmp_path / "test-consent.yaml"
    source.write_text(consent_yaml(signers="[Practitioner]"), encoding="utf-8")
    out = tmp_path / "blank.pdf"
    result = cli("forms", "print", source, "--study", demo_path, "-o", out)
    assert result.code == 0, result.err
    pdf = read_pdf(out)
    assert result.out.strip() == f"wrote {out} ({pdf.pages} page{'s' if pdf.pages > 1 else ''})"
    assert DEMO_TITLE in pdf.text
    assert "Claire Beaumont from Brightpath Youth Trust runs" in pdf.text
    assert "Practitioner Name" in pdf.text
    assert "Helen Whitaker" not in pdf.text


def test_print_a_verbal_consent_with_the_wording_the_study_stored(
    cli: Callable[..., CliResult], demo_path: Path, tmp_path: Path
) -> None:
    """The demo's consent K19 was given on parent-verbal-consent version 1, which the study
    stored on import; the file passed here is a later version 2 with other wording."""
    source = tmp_path / "parent-verbal-consent.yaml"
    later = consent_yaml(form_id="parent-verbal-consent", version="2", kind="verbal-consent-script")
    source.write_text(later, encoding="utf-8")
    out = tmp_path / "copy.pdf"
    result = cli("forms", "print", source, "--study", demo_path, "-o", out, "--participant", "G1")
    assert result.code == 0, result.err
    pdf = read_pdf(out)
    assert "Copy for the participant" in pdf.text
    assert "Lisa Harrington" in pdf.text
    assert "Verbal consent recorded by Claire Beaumont on 7 January 2009" in pdf.text
    assert "parent-verbal-consent, version 1, page 1 of" in pdf.text
    assert "I agree to take part in the study." not in pdf.text  # version 2's wording
    assert stat.S_IMODE(out.stat().st_mode) == 0o600  # a copy holds personal data


def test_print_a_parental_consent_by_the_childs_ref(
    cli: Callable[..., CliResult], demo_path: Path, tmp_path: Path
) -> None:
    out = tmp_path / "copy.pdf"
    result = cli(
        "forms", "print", "parental-consent", "--study", demo_path, "-o", out, "--participant", "C1"
    )
    assert result.code == 0, result.err
    text = read_pdf(out).text
    assert "Name Lisa Harrington For Jordan Harrington" in text
    assert "Consent given on 26 November 2008" in text


def test_an_unknown_participant_fails_and_writes_nothing(
    cli: Callable[..., CliResult], demo_path: Path, tmp_path: Path
) -> None:
    out = tmp_path / "copy.pdf"
    result = cli(
        "forms", "print", "parental-consent", "--study", demo_path, "-o", out, "--participant", "Z9"
    )
    assert result.code != 0
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["demo.plr"]
