"""dump -> import into a new study -> dump gives identical JSON (study-json-v1)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from plrdesk.shipped import demo_study_json
from tests.conftest import CliResult


def test_dump_import_dump_is_identical(cli: Callable[..., CliResult], demo_path: Path) -> None:
    first = demo_path.with_name("first.json")
    second = demo_path.with_name("second.json")
    assert cli("dump", demo_path, "-o", first, "--yes").code == 0
    copy = demo_path.with_name("copy.plr")
    result = cli("import", copy, first)
    assert result.code == 0, result.err
    assert cli("dump", copy, "-o", second, "--yes").code == 0
    assert json.loads(first.read_text()) == json.loads(second.read_text())


def test_the_demo_file_survives_import_and_dump_unchanged(
    cli: Callable[..., CliResult], demo_path: Path
) -> None:
    result = cli("dump", demo_path, "-o", "-", "--yes")
    assert result.code == 0
    assert json.loads(result.out) == json.loads(demo_study_json().read_text())


def test_dump_to_a_file_is_private(cli: Callable[..., CliResult], demo_path: Path) -> None:
    out = demo_path.with_name("private.json")
    assert cli("dump", demo_path, "-o", out, "--yes").code == 0
    assert out.stat().st_mode & 0o077 == 0


def test_dump_without_yes_and_no_terminal_refuses(
    cli: Callable[..., CliResult], demo_path: Path
) -> None:
    out = demo_path.with_name("refused.json")
    result = cli("dump", demo_path, "-o", out)
    assert result.code == 2
    assert "--yes" in result.err
    assert not out.exists()


def test_extensions_round_trip(cli: Callable[..., CliResult], tmp_path: Path) -> None:
    """Every documented extension key survives import and dump unchanged."""
    png = "iVBORw0KGgo="
    doc = json.loads(demo_study_json().read_text())
    consent = next(c for c in doc["consents"] if c["method"] == "verbal")
    consent["confirmations"] = {"take-part": "2009-01-07T18:02:00Z"}
    consent["recorded_by"] = "Claire Beaumont"
    written = next(c for c in doc["consents"] if c["form"] == "parental-consent")
    written["signature"] = {"media_type": "image/png", "data": png}
    written["second_signature"] = {"media_type": "image/png", "data": png}
    written["scan"] = {"media_type": "image/jpeg", "data": png}
    doc["sessions"][0]["entries"][1]["follow_up"] = True
    doc["themes"][0]["colour"] = "#aa3366"
    doc["codings"][0]["exemplar"] = True
    doc["export_settings"] = {"child": {"descriptor_attributes": ["age"], "allow_unique": True}}
    data = tmp_path / "ext.json"
    data.write_text(json.dumps(doc))
    study = tmp_path / "ext.plr"
    assert cli("import", study, data).code == 0
    dumped = json.loads(cli("dump", study, "-o", "-", "--yes").out)
    assert dumped == doc
