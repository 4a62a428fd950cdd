"""A merge may not turn a child into another kind while consents speak for them.

A child's permissions need both a guardian's consent on their behalf and their own assent;
as a parent or practitioner their assent alone would grant them. The demo's C1 has the
parental consent K7 (by G1) and their own assent K13.
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


def c1_as(kind: str, *, with_consent: bool) -> dict[str, Any]:
    demo = demo_doc()
    c1 = next(p for p in demo["participants"] if p["ref"] == "C1")
    doc: dict[str, Any] = {
        "format": "plrdesk-study",
        "version": 1,
        "participants": [{**c1, "kind": kind}],
    }
    if with_consent:  # the file restates the guardian's consent for C1 too
        doc["consents"] = [c for c in demo["consents"] if c["ref"] == "K7"]
    return doc


@pytest.mark.parametrize("with_consent", [False, True], ids=["alone", "with-its-consent"])
def test_a_child_with_consents_cannot_become_a_parent(
    cli: Callable[..., CliResult], demo_path: Path, tmp_path: Path, with_consent: bool
) -> None:
    data = tmp_path / "kind.json"
    data.write_text(json.dumps(c1_as("parent", with_consent=with_consent)))
    digests = {p.name: digest(p) for p in study_files(demo_path)}

    result = cli("import", demo_path, data, "--merge")

    assert result.code == 5, result.err
    assert "kind.json: participants[0].kind: " in result.err
    assert "K7, K13" in result.err
    assert {p.name: digest(p) for p in study_files(demo_path)} == digests


def test_a_child_no_consent_speaks_for_may_change_kind(
    cli: Callable[..., CliResult], demo_path: Path, tmp_path: Path
) -> None:
    """The refusal is about consents, not kinds: C1 refused, a new child C9 allowed."""
    refused = tmp_path / "c1.json"
    refused.write_text(json.dumps(c1_as("other", with_consent=False)))
    assert cli("import", demo_path, refused, "--merge").code == 5
    c9 = {"ref": "C9", "kind": "child", "name": "Alex Example"}
    doc: dict[str, Any] = {"format": "plrdesk-study", "version": 1, "participants": [c9]}
    data = tmp_path / "c9.json"
    data.write_text(json.dumps(doc))
    assert cli("import", demo_path, data).code == 0
    doc["participants"] = [{**c9, "kind": "other"}]
    data.write_text(json.dumps(doc))

    result = cli("import", demo_path, data, "--merge")

    assert result.code == 0, result.err
    dumped = json.loads(cli("dump", demo_path, "-o", "-", "--yes").out)
    assert next(p for p in dumped["participants"] if p["ref"] == "C9")["kind"] == "other"
