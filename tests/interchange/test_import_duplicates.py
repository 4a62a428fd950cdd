"""Duplicates in a study document are named by JSON path (exit 5) before anything is written.

Within one file a repeated session member, guardian or identifier is a mistake to fix.
Repeating, under --merge, what the study already holds is not: it changes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from plrdesk.shipped import demo_study_json
from tests.conftest import CliResult
from tests.support.files import digest, study_files


def demo_doc() -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(demo_study_json().read_text())
    return doc


def repeat_member(doc: dict[str, Any]) -> None:
    doc["sessions"][10]["participants"].append("C1")  # S11 already lists C1 first


def repeat_guardian(doc: dict[str, Any]) -> None:
    doc["participants"][10]["guardians"].append("G1")  # C1's only guardian, again


def repeat_identifier(doc: dict[str, Any]) -> None:
    doc["identifiers"].append({**doc["identifiers"][0], "aliases": []})


CASES = [
    (repeat_member, "sessions[10].participants[6]", "'C1' is listed twice"),
    (repeat_guardian, "participants[10].guardians[1]", "'G1' is listed twice"),
    (repeat_identifier, "identifiers[6].text", "the same text as identifiers[0]"),
]
IDS = [case[0].__name__ for case in CASES]


@pytest.mark.parametrize(("breaker", "path", "why"), CASES, ids=IDS)
def test_a_duplicate_in_a_new_study_is_named_and_creates_nothing(
    cli: Callable[..., CliResult],
    tmp_path: Path,
    breaker: Callable[[dict[str, Any]], None],
    path: str,
    why: str,
) -> None:
    doc = demo_doc()
    breaker(doc)
    data = tmp_path / "dup.json"
    data.write_text(json.dumps(doc))

    result = cli("import", tmp_path / "new.plr", data)

    assert result.code == 5, result.err
    assert f"dup.json: {path}: " in result.err
    assert why in result.err
    assert result.err.count("\n") == 1
    assert list(tmp_path.iterdir()) == [data]


@pytest.mark.parametrize(("breaker", "path", "why"), CASES, ids=IDS)
def test_a_duplicate_in_a_merge_is_refused_but_repeating_the_study_changes_nothing(
    cli: Callable[..., CliResult],
    demo_path: Path,
    tmp_path: Path,
    breaker: Callable[[dict[str, Any]], None],
    path: str,
    why: str,
) -> None:
    doc = demo_doc()  # the demo is the study: every record in it is already stored
    before = cli("dump", demo_path, "-o", "-", "--yes").out
    digests = {p.name: digest(p) for p in study_files(demo_path)}
    breaker(doc)
    data = tmp_path / "dup.json"
    data.write_text(json.dumps(doc))

    refused = cli("import", demo_path, data, "--merge")

    assert refused.code == 5, refused.err
    assert f"dup.json: {path}: " in refused.err
    assert {p.name: digest(p) for p in study_files(demo_path)} == digests
    data.write_text(json.dumps(demo_doc()))
    repeated = cli("import", demo_path, data, "--merge")
    assert repeated.code == 0, repeated.err
    assert cli("dump", demo_path, "-o", "-", "--yes").out == before


def test_an_entry_cannot_move_to_another_session_by_merge(
    cli: Callable[..., CliResult], demo_path: Path, tmp_path: Path
) -> None:
    doc = {
        "format": "plrdesk-study",
        "version": 1,
        "sessions": [
            {
                "ref": "S99",
                "kind": "other",
                "participants": ["P1"],
                "entries": [{"ref": "E2", "speaker": "P1", "text": "Moved here."}],
            }
        ],
    }
    data = tmp_path / "move.json"
    data.write_text(json.dumps(doc))
    digests = {p.name: digest(p) for p in study_files(demo_path)}

    result = cli("import", demo_path, data, "--merge")

    assert result.code == 5, result.err
    assert "move.json: sessions[0].entries[0].ref: " in result.err
    assert "session 'S1'" in result.err
    assert {p.name: digest(p) for p in study_files(demo_path)} == digests
