"""study-json-v1's `study` block with every study detail: it round-trips, an older file's
one `contact` line stays the study's contact line, and into an existing study only the
keys given are set (a key given as null clears its detail)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from plrdesk.interchange.errors import InvalidDocument
from plrdesk.interchange.parse import parse_document
from plrdesk.shipped import demo_study_json
from tests.conftest import CliResult

Cli = Callable[..., CliResult]

EVERY_DETAIL: dict[str, Any] = {
    "title": "Moving up",
    "researcher": "Ama Mensah",
    "organisation": "Riverside Youth Trust",
    "contact": "or ask at the school office",
    "phone": "+44 20 7946 0000",
    "email": "ama@example.org",
    "ethics_reference": "ETH-2026-14",
    "aims": ["What helps the move"],
    "endorsement": {
        "by": "Dr Kwame Osei",
        "role": "Head teacher",
        "on": "2026-10-01",
        "notes": "At the governors' meeting.",
    },
}


def document(study: dict[str, Any]) -> str:
    return json.dumps({"format": "plrdesk-study", "version": 1, "study": study})


def dumped_study(cli: Cli, path: Path) -> dict[str, Any]:
    result = cli("dump", path, "-o", "-", "--yes")
    assert result.code == 0, result.err
    study: dict[str, Any] = json.loads(result.out)["study"]
    return study


def test_every_detail_round_trips(cli: Cli, tmp_path: Path) -> None:
    source = tmp_path / "in.json"
    source.write_text(document(EVERY_DETAIL), encoding="utf-8")
    path = tmp_path / "new.plr"
    assert cli("import", path, source).code == 0
    assert dumped_study(cli, path) == EVERY_DETAIL
    first = cli("dump", path, "-o", "-", "--yes").out
    again = tmp_path / "again.plr"
    (tmp_path / "first.json").write_text(first, encoding="utf-8")
    assert cli("import", again, tmp_path / "first.json").code == 0
    assert cli("dump", again, "-o", "-", "--yes").out == first  # byte for byte


def test_an_older_files_contact_line_is_kept_as_it_was(cli: Cli, demo_path: Path) -> None:
    """The demo file is what an older plrdesk wrote: one `contact` line, no phone or e-mail."""
    study = dumped_study(cli, demo_path)
    assert study["contact"] == "01632 960123, researcher@example.org"
    assert "phone" not in study
    assert "email" not in study
    assert study == json.loads(demo_study_json().read_text(encoding="utf-8"))["study"]


def test_a_merge_sets_only_the_keys_given(cli: Cli, demo_path: Path, tmp_path: Path) -> None:
    before = dumped_study(cli, demo_path)
    some = {
        "title": before["title"],
        "ethics_reference": "ETH-1",
        "contact": None,
        "phone": "01632 960123",
    }
    source = tmp_path / "some.json"
    source.write_text(document(some), encoding="utf-8")
    assert cli("import", demo_path, source, "--merge").code == 0
    after = dumped_study(cli, demo_path)
    expected = {**before, "ethics_reference": "ETH-1", "phone": "01632 960123"}
    del expected["contact"]
    assert after == expected
    assert list(after)[:6] == [
        "title",
        "researcher",
        "organisation",
        "phone",
        "ethics_reference",
        "aims",
    ]


def test_without_merge_another_title_is_still_refused(
    cli: Cli, demo_path: Path, tmp_path: Path
) -> None:
    source = tmp_path / "other.json"
    source.write_text(document({"title": "Another study", "researcher": "X"}), encoding="utf-8")
    result = cli("import", demo_path, source)
    assert result.code == 5
    assert "study.title: the file is for study 'Another study'" in result.err


@pytest.mark.parametrize(
    ("study", "where", "why"),
    [
        ({"title": "T", "email": ""}, "study.email", "“” is not an e-mail address"),
        ({"title": "T", "email": None, "phone": ["020"]}, "study.phone", "valid string"),
        ({"title": "T", "endorsement": {"role": "Head"}}, "study.endorsement.by", "missing"),
        ({"title": "T", "endorsement": {"by": "X", "role": 3}}, "study.endorsement.role", "string"),
        ({"title": "T", "ethics": "E1"}, "study.ethics", "unknown key"),
    ],
)
def test_strict_reading_names_the_path(study: dict[str, Any], where: str, why: str) -> None:
    with pytest.raises(InvalidDocument) as raised:
        parse_document(document(study), "details.json")
    assert raised.value.where == where
    assert why in raised.value.message
