"""`plrdesk forms check`: every problem as file:line: message, exit 5; warnings for plain
language. Each case starts from a valid consent form and breaks one thing."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from plrdesk.forms.loader import parse_form
from plrdesk.forms.problems import FormErrors
from tests.conftest import CliResult

VALID = """\
id: tiny-consent
title: Tiny consent form
version: "1"
kind: consent
audience: participant
sections:
  - id: about
    items:
      - id: private
        type: info
        text: What you say stays private.
        covers: [confidentiality]
      - id: stop
        type: info
        text: You can stop at any time. Just tell us.
        covers: [withdrawal]
      - id: take-part
        type: statement
        text: I agree to take part.
        grants: take-part
      - id: quote
        type: yes-no
        text: You may use my words in the report.
        grants: quote
        relevant: ${take-part} = yes
"""


def write(tmp_path: Path, text: str, name: str = "tiny-consent.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_the_valid_form_passes(cli: Callable[..., CliResult], tmp_path: Path) -> None:
    result = cli("forms", "check", write(tmp_path, VALID))
    assert result.code == 0, result.out
    assert "no errors" in result.out


CASES = [
    ("yaml syntax", VALID.replace("title: Tiny", "title: [Tiny"), 3, "YAML syntax"),
    (
        "unknown key",
        VALID.replace("        covers: [withdrawal]", "        colour: red"),
        16,
        "unknown key 'colour'",
    ),
    (
        "duplicate id",
        VALID.replace("id: stop", "id: private"),
        13,
        "duplicate id 'private' (first on line 9)",
    ),
    (
        "relevant names nothing",
        VALID.replace("${take-part} = yes", "${agree} = yes"),
        25,
        "relevant names 'agree'",
    ),
    (
        "unknown type",
        VALID.replace("type: yes-no", "type: thumbs-up"),
        22,
        "unknown type 'thumbs-up'",
    ),
    (
        "no take-part grant",
        VALID.replace("grants: take-part", "required: true"),
        4,
        "needs an item with `grants: take-part`",
    ),
    (
        "no confidentiality",
        VALID.replace("covers: [confidentiality]", "covers: [purpose]"),
        5,
        "must state confidentiality",
    ),
    (
        "no withdrawal",
        VALID.replace("covers: [withdrawal]", "covers: [voluntary]"),
        5,
        "must state withdrawal",
    ),
    (
        "duplicate key",
        VALID.replace('version: "1"', 'version: "1"\nversion: "2"'),
        4,
        "key 'version' appears twice",
    ),
    ("bad expression", VALID.replace("${take-part} = yes", "${take-part} = = yes"), 25, "relevant"),
    (
        "unknown placeholder",
        VALID.replace("I agree", "I agree with {study.budget}"),
        19,
        "unknown placeholder {study.budget}",
    ),
    ("missing key", VALID.replace("kind: consent\n", ""), 1, "kind: required key is missing"),
]


@pytest.mark.parametrize(("case", "text", "line", "message"), CASES, ids=[c[0] for c in CASES])
def test_each_problem_is_reported_at_its_line(
    cli: Callable[..., CliResult], tmp_path: Path, case: str, text: str, line: int, message: str
) -> None:
    path = write(tmp_path, text)
    before = path.read_bytes()
    result = cli("forms", "check", path)
    assert result.code == 5, result.out
    assert f"{path}:{line}: " in result.out
    assert message in result.out
    assert "Traceback" not in result.out + result.err
    assert path.read_bytes() == before


def test_all_problems_in_all_files_are_listed(
    cli: Callable[..., CliResult], tmp_path: Path
) -> None:
    write(tmp_path, VALID.replace("id: stop", "id: private"))
    write(
        tmp_path,
        VALID.replace("tiny-consent", "other").replace("type: yes-no", "type: x"),
        "other.yaml",
    )
    result = cli("forms", "check", tmp_path)
    assert result.code == 5
    assert "tiny-consent.yaml:13:" in result.out
    assert "other.yaml:22:" in result.out


def test_the_file_name_must_match_the_id(cli: Callable[..., CliResult], tmp_path: Path) -> None:
    result = cli("forms", "check", write(tmp_path, VALID, "elsewhere.yaml"))
    assert result.code == 5
    assert "must be named tiny-consent.yaml" in result.out


def test_hard_words_for_a_child_are_a_warning(
    cli: Callable[..., CliResult], tmp_path: Path
) -> None:
    hard = VALID.replace("audience: participant", "audience: participant\nreader: child").replace(
        "You can stop at any time. Just tell us.",
        "Participation is entirely voluntary and discontinuation is permissible notwithstanding"
        " prior authorisation, consistent with multi-agency safeguarding considerations.",
    )
    result = cli("forms", "check", write(tmp_path, hard))
    assert result.code == 0
    assert "warning: stop: reading grade" in result.out
    assert "above 5 for a child reader" in result.out
    assert "jargon 'multi-agency'" in result.out


def test_the_same_words_pass_for_an_adult_reader_at_grade_8() -> None:
    form = parse_form(VALID, "x.yaml")
    assert form.warnings == []


def test_version_may_be_written_as_a_number() -> None:
    form = parse_form(VALID.replace('version: "1"', "version: 2"), "x.yaml")
    assert form.definition.version == "2"


def test_parse_errors_carry_every_problem() -> None:
    broken = VALID.replace("id: stop", "id: private").replace("${take-part}", "${nope}")
    with pytest.raises(FormErrors) as caught:
        parse_form(broken, "x.yaml")
    assert [p.line for p in caught.value.problems] == [13, 25]
