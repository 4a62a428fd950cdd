"""Invalid study documents: one-line message naming the JSON path, exit 5, nothing written."""

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


def break_speaker(doc: dict[str, Any]) -> None:
    doc["sessions"][3]["entries"][2]["speaker"] = "NOBODY"


def break_kind(doc: dict[str, Any]) -> None:
    doc["participants"][1]["kind"] = "teacher"


def add_unknown_key(doc: dict[str, Any]) -> None:
    doc["sessions"][0]["entries"][0]["speakr"] = "P1"


def duplicate_ref(doc: dict[str, Any]) -> None:
    doc["participants"][2]["ref"] = doc["participants"][0]["ref"]


def break_coding(doc: dict[str, Any]) -> None:
    doc["codings"][4]["end"] = 100_000


def unknown_theme(doc: dict[str, Any]) -> None:
    doc["codings"][1]["theme"] = "T99"


def naive_time(doc: dict[str, Any]) -> None:
    doc["sessions"][0]["started_at"] = "2008-11-25T10:00:00"


def bad_date(doc: dict[str, Any]) -> None:
    doc["consents"][0]["given_on"] = "2008-13-45"


def theme_cycle(doc: dict[str, Any]) -> None:
    doc["themes"][1]["parent"] = doc["themes"][4]["ref"]  # T2 -> T5 -> T2


def empty_entry(doc: dict[str, Any]) -> None:
    entry = doc["sessions"][0]["entries"][1]
    entry.pop("text", None)
    entry.pop("show_of_hands", None)


def consent_for_grown_up(doc: dict[str, Any]) -> None:
    doc["consents"][0]["on_behalf_of"] = "P2"


def wrong_format(doc: dict[str, Any]) -> None:
    doc["format"] = "nvivo"


def bad_attribute(doc: dict[str, Any]) -> None:
    doc["participants"][0]["attributes"]["sector"] = ["voluntary"]


CASES = [
    (break_speaker, "sessions[3].entries[2].speaker"),
    (break_kind, "participants[1].kind"),
    (add_unknown_key, "sessions[0].entries[0].speakr"),
    (duplicate_ref, "participants[2].ref"),
    (break_coding, "codings[4].end"),
    (unknown_theme, "codings[1].theme"),
    (naive_time, "sessions[0].started_at"),
    (bad_date, "consents[0].given_on"),
    (theme_cycle, "themes[1].parent"),
    (empty_entry, "sessions[0].entries[1]"),
    (consent_for_grown_up, "consents[0].on_behalf_of"),
    (wrong_format, "format"),
    (bad_attribute, "participants[0].attributes.sector"),
]


@pytest.mark.parametrize(("breaker", "path"), CASES, ids=[c[0].__name__ for c in CASES])
def test_an_invalid_document_names_its_json_path_and_creates_nothing(
    cli: Callable[..., CliResult], tmp_path: Path, breaker: Callable[..., None], path: str
) -> None:
    doc = demo_doc()
    breaker(doc)
    data = tmp_path / "bad.json"
    data.write_text(json.dumps(doc))
    target = tmp_path / "new.plr"
    result = cli("import", target, data)
    assert result.code == 5
    assert result.err.count("\n") == 1
    assert f"bad.json: {path}: " in result.err
    assert "Traceback" not in result.err
    assert list(tmp_path.iterdir()) == [data]


@pytest.mark.parametrize(("breaker", "path"), CASES[:5], ids=[c[0].__name__ for c in CASES[:5]])
def test_a_failed_import_into_an_existing_study_changes_nothing(
    cli: Callable[..., CliResult],
    empty_study_path: Path,
    tmp_path: Path,
    breaker: Callable[..., None],
    path: str,
) -> None:
    doc = demo_doc()
    doc.pop("study")
    breaker(doc)
    data = tmp_path / "bad.json"
    data.write_text(json.dumps(doc))
    before = {p.name: digest(p) for p in study_files(empty_study_path)}
    result = cli("import", empty_study_path, data)
    assert result.code == 5
    assert path in result.err
    assert {p.name: digest(p) for p in study_files(empty_study_path)} == before


def test_json_syntax_errors_name_line_and_column(
    cli: Callable[..., CliResult], tmp_path: Path
) -> None:
    data = tmp_path / "broken.json"
    data.write_text('{\n  "format": "plrdesk-study",\n  "version": 1,,\n}\n')
    result = cli("import", tmp_path / "x.plr", data)
    assert result.code == 5
    assert "broken.json: line 3, column" in result.err


def test_a_new_study_needs_the_study_block(cli: Callable[..., CliResult], tmp_path: Path) -> None:
    data = tmp_path / "nostudy.json"
    data.write_text(json.dumps({"format": "plrdesk-study", "version": 1}))
    result = cli("import", tmp_path / "x.plr", data)
    assert result.code == 5
    assert "study" in result.err
    assert not (tmp_path / "x.plr").exists()


def test_refs_already_in_the_study_need_merge(
    cli: Callable[..., CliResult], demo_path: Path, tmp_path: Path
) -> None:
    doc = demo_doc()
    doc["participants"][0]["attributes"]["role"] = "deputy head"
    data = tmp_path / "again.json"
    data.write_text(json.dumps(doc))
    refused = cli("import", demo_path, data)
    assert refused.code == 5
    assert "participants[0].ref" in refused.err
    assert "--merge" in refused.err
    merged = cli("import", demo_path, data, "--merge")
    assert merged.code == 0, merged.err
    dumped = json.loads(cli("dump", demo_path, "-o", "-", "--yes").out)
    assert dumped["participants"][0]["attributes"]["role"] == "deputy head"
    assert len(dumped["sessions"][0]["entries"]) == len(doc["sessions"][0]["entries"])


def test_another_studys_title_needs_merge(
    cli: Callable[..., CliResult], demo_path: Path, tmp_path: Path
) -> None:
    data = tmp_path / "other.json"
    data.write_text(
        json.dumps({"format": "plrdesk-study", "version": 1, "study": {"title": "Another"}})
    )
    result = cli("import", demo_path, data)
    assert result.code == 5
    assert "study.title" in result.err


def test_adding_to_an_existing_study_may_point_at_its_records(
    cli: Callable[..., CliResult], demo_path: Path, tmp_path: Path
) -> None:
    extra = {
        "format": "plrdesk-study",
        "version": 1,
        "sessions": [
            {
                "ref": "S99",
                "kind": "practitioner-interview",
                "guide": "practitioner-interview",
                "participants": ["P1"],
                "entries": [{"ref": "E999", "question": "tools", "speaker": "P1", "text": "New."}],
            }
        ],
        "codings": [{"entry": "E999", "theme": "T1"}],
    }
    data = tmp_path / "extra.json"
    data.write_text(json.dumps(extra))
    result = cli("import", demo_path, data)
    assert result.code == 0, result.err
    dumped = json.loads(cli("dump", demo_path, "-o", "-", "--yes").out)
    assert dumped["sessions"][-1]["ref"] == "S99"
    assert dumped["codings"][-1] == {"entry": "E999", "theme": "T1"}
