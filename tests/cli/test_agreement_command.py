"""`plrdesk agreement`, and `codings[].coder` through import and dump, on real study files.

The small study below, by entry (4 entries), has these tables, worked by hand:
- Trust: E1 coded by both, E4 by Bo only, E2 and E3 by neither: p_o = 3/4,
  p_e = (1*2 + 3*2)/16 = 1/2, kappa = 1/2;
- Play: E2 by both, E3 by Ann only, E1 and E4 by neither: the same figures;
- Unused: neither coder, kappa 1, and left out of the pool;
- pooled (Trust + Play): 2 both, 1 Ann only, 1 Bo only, 4 neither: p_o = 6/8,
  p_e = (3*3 + 5*5)/64 = 34/64, kappa = (48 - 34)/(64 - 34) = 7/15.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from plrdesk.storage.study_lock import APP, StudyLock
from tests.conftest import CliResult
from tests.support.files import digest

Cli = Callable[..., CliResult]

BO = "Bo Chan"
SMALL: dict[str, Any] = {
    "format": "plrdesk-study",
    "version": 1,
    "study": {"title": "Small", "researcher": "Ann Lee"},
    "sessions": [
        {
            "ref": "S1",
            "kind": "other",
            "entries": [
                {"ref": "E1", "text": "We trust the school. They ring us."},
                {"ref": "E2", "text": "Play helps."},
                {"ref": "E3", "text": "Nothing to add."},
                {"ref": "E4", "text": "The head knows every child."},
            ],
        }
    ],
    "themes": [
        {"ref": "T1", "name": "Trust"},
        {"ref": "T2", "name": "Play"},
        {"ref": "T3", "name": "Unused"},
    ],
    "codings": [
        {"entry": "E1", "theme": "T1", "start": 0, "end": 19},
        {"entry": "E1", "theme": "T1", "start": 0, "end": 19, "coder": BO},
        {"entry": "E4", "theme": "T1", "coder": BO},
        {"entry": "E2", "theme": "T2"},
        {"entry": "E2", "theme": "T2", "coder": BO},
        {"entry": "E3", "theme": "T2"},
    ],
}


@pytest.fixture
def small(cli: Cli, tmp_path: Path) -> Path:
    doc = tmp_path / "small.json"
    doc.write_text(json.dumps(SMALL))
    study = tmp_path / "small.plr"
    result = cli("import", study, doc)
    assert result.code == 0, result.err
    return study


def test_json_by_entry_matches_the_hand_computed_tables(cli: Cli, small: Path) -> None:
    result = cli("agreement", small, "--coders", "Ann Lee", BO, "--format", "json")
    assert result.code == 0, result.err
    assert json.loads(result.out) == {
        "unit": "entry",
        "coders": ["Ann Lee", BO],
        "themes": [
            {"name": "Trust", "agreement": 0.75, "kappa": 0.5, "units": 4},
            {"name": "Play", "agreement": 0.75, "kappa": 0.5, "units": 4},
            {"name": "Unused", "agreement": 1.0, "kappa": 1.0, "units": 4},
        ],
        "overall": {"agreement": 0.75, "kappa": round(7 / 15, 4)},
    }


def test_by_sentence_and_character_count_other_units(cli: Cli, small: Path) -> None:
    by_sentence = json.loads(
        cli(
            "agreement", small, "--coders", "Ann Lee", BO, "--unit", "sentence", "--format", "json"
        ).out
    )
    # E1 has two sentences, the others one each: five units; Trust differs on E4 only.
    assert by_sentence["themes"][0] == {
        "name": "Trust", "agreement": 0.8, "kappa": round(6 / 11, 4), "units": 5
    }  # fmt: skip
    by_char = json.loads(
        cli(
            "agreement", small, "--coders", BO, "Ann Lee", "--unit", "character", "--format", "json"
        ).out
    )
    assert by_char["coders"] == [BO, "Ann Lee"]
    assert by_char["themes"][0]["units"] == sum(
        not ch.isspace() for e in SMALL["sessions"][0]["entries"] for ch in e["text"]
    )


def test_text_output_is_a_table(cli: Cli, small: Path) -> None:
    result = cli("agreement", small, "--coders", "ann  lee", "bo chan")  # as people type names
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert lines[0] == "agreement between Ann Lee and Bo Chan, by entry"
    assert lines[2].split() == ["Trust", "0.75", "0.50", "4"]
    assert lines[-1].split() == ["Overall", "(pooled)", "0.75", "0.47", "8"]


def test_an_unknown_coder_is_one_line_naming_the_coders(cli: Cli, small: Path) -> None:
    before = digest(small)
    result = cli("agreement", small, "--coders", "Ann Lee", "Cy")
    assert result.code == 2
    assert result.out == ""
    assert result.err == (
        f'plrdesk: {small}: no coding is by "Cy"; the coders are "Ann Lee", "Bo Chan"\n'
    )
    assert digest(small) == before


def test_the_same_coder_twice_is_refused(cli: Cli, small: Path) -> None:
    result = cli("agreement", small, "--coders", "Ann Lee", "ANN LEE")
    assert result.code == 2
    assert result.err == f'plrdesk: {small}: "Ann Lee" twice: name two different coders\n'


def test_a_bad_unit_is_a_usage_error(cli: Cli, small: Path) -> None:
    result = cli("agreement", small, "--coders", "Ann Lee", BO, "--unit", "word")
    assert result.code == 2
    assert "invalid choice: 'word'" in result.err
    assert len(result.err.splitlines()) == 1


def test_it_reads_while_the_app_holds_the_study(cli: Cli, small: Path) -> None:
    before = digest(small)
    with StudyLock.acquire(small, APP):
        result = cli("agreement", small, "--coders", "Ann Lee", BO)
    assert result.code == 0, result.err
    assert digest(small) == before


def _codings(cli: Cli, study: Path) -> list[dict[str, Any]]:
    dumped = cli("dump", study, "-o", "-", "--yes")
    assert dumped.code == 0, dumped.err
    codings: list[dict[str, Any]] = json.loads(dumped.out)["codings"]
    return codings


def test_coder_survives_dump_and_import(cli: Cli, small: Path, tmp_path: Path) -> None:
    first = _codings(cli, small)
    assert first == SMALL["codings"]  # absent stays absent: the researcher
    dumped = tmp_path / "dump.json"
    assert cli("dump", small, "-o", dumped, "--yes").code == 0
    again = tmp_path / "again.plr"
    assert cli("import", again, dumped).code == 0
    assert _codings(cli, again) == first


def test_merge_keeps_two_coders_codings_of_one_span(cli: Cli, small: Path, tmp_path: Path) -> None:
    more = tmp_path / "more.json"
    span = {"entry": "E3", "theme": "T1", "start": 0, "end": 7}
    more.write_text(
        json.dumps(
            {
                "format": "plrdesk-study",
                "version": 1,
                "codings": [{**span, "memo": "by Ann"}, {**span, "coder": BO, "memo": "by Bo"}],
            }
        )
    )
    assert cli("import", small, more, "--merge").code == 0
    # Again: each names its own coding now (memo updated in place), nothing added.
    assert cli("import", small, more, "--merge").code == 0
    on_e3 = [c for c in _codings(cli, small) if c["entry"] == "E3" and c["theme"] == "T1"]
    assert on_e3 == [{**span, "memo": "by Ann"}, {**span, "memo": "by Bo", "coder": BO}]


def test_a_coder_on_two_lines_is_refused_at_its_path(cli: Cli, small: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    coding = {"entry": "E3", "theme": "T1", "coder": "Bo\nChan"}
    bad.write_text(json.dumps({"format": "plrdesk-study", "version": 1, "codings": [coding]}))
    before = digest(small)
    result = cli("import", small, bad)
    assert result.code == 5
    assert "codings[0].coder" in result.err
    assert len(result.err.splitlines()) == 1
    assert digest(small) == before
