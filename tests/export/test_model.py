"""The summary model is the contract: its keys, their order, their types."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pydantic
import pytest

from plrdesk.export.model import ExportBundle, Summary

CONTRACT = Path(__file__).resolve().parents[3] / "shared" / "contracts" / "summary-json-v1.md"

KEYS = ["format", "version", "study", "methods", "themes", "questions", "disclosure"]
STUDY = ["title", "aims"]
METHODS = ["sessions", "participants", "withdrawn", "period"]
PERIOD = ["from", "to"]
THEME = ["name", "description", "raised_by", "quotes"]
QUOTE = ["text", "descriptor", "session_kind"]
QUESTION = ["guide", "question", "label", "responses", "show_of_hands"]
DISCLOSURE = ["redactions", "descriptors_coarsened", "warnings"]


def contract_example() -> dict[str, Any]:
    if not CONTRACT.exists():
        pytest.skip(f"the contract is not beside this checkout ({CONTRACT})")
    text = CONTRACT.read_text(encoding="utf-8")
    block = re.search(r"```json\n(.*?)```", text, re.DOTALL)
    assert block is not None
    example: dict[str, Any] = json.loads(block.group(1))
    return example


def assert_shape(doc: dict[str, Any]) -> None:
    """Keys in the contract's order and the types it shows, at every level."""
    assert list(doc) == KEYS
    assert doc["format"] == "plrdesk-summary"
    assert doc["version"] == 1
    assert list(doc["study"]) == STUDY
    assert isinstance(doc["study"]["title"], str)
    assert all(isinstance(aim, str) for aim in doc["study"]["aims"])
    methods = doc["methods"]
    assert list(methods) == METHODS
    assert list(methods["period"]) == PERIOD
    for counts in (methods["sessions"], methods["participants"]):
        assert all(isinstance(n, int | str) for n in counts.values())
    for theme in doc["themes"]:
        assert list(theme) == THEME
        assert isinstance(theme["name"], str)
        assert isinstance(theme["description"], str)
        for quote in theme["quotes"]:
            assert list(quote) == QUOTE
            assert all(isinstance(value, str) for value in quote.values())
    for question in doc["questions"]:
        assert list(question) == QUESTION
        assert isinstance(question["show_of_hands"], dict)
    assert list(doc["disclosure"]) == DISCLOSURE
    assert all(isinstance(n, int) for n in doc["disclosure"]["redactions"].values())
    assert isinstance(doc["disclosure"]["descriptors_coarsened"], int)
    assert all(isinstance(w, str) for w in doc["disclosure"]["warnings"])


def test_the_contract_example_fits_the_model_and_comes_back_the_same() -> None:
    example = contract_example()
    summary = Summary.model_validate(example)
    assert summary.to_jsonable() == example
    assert list(json.loads(summary.to_json())) == list(example)
    assert_shape(summary.to_jsonable())


def test_the_demo_summary_has_the_contract_shape_and_round_trips(
    demo_bundle: ExportBundle,
) -> None:
    text = demo_bundle.summary.to_json()
    assert text.endswith("}\n")
    assert text.startswith('{\n  "format": "plrdesk-summary",\n  "version": 1,')
    doc = json.loads(text)
    assert_shape(doc)
    again = Summary.model_validate_json(text)
    assert again == demo_bundle.summary
    assert again.to_json() == text


def test_the_model_refuses_what_the_contract_does_not_have() -> None:
    example = contract_example()
    with pytest.raises(pydantic.ValidationError):
        Summary.model_validate({**example, "memo": "no"})
    wrong_count = json.loads(json.dumps(example))
    wrong_count["methods"]["withdrawn"] = "one"
    with pytest.raises(pydantic.ValidationError):
        Summary.model_validate(wrong_count)
    wrong_month = json.loads(json.dumps(example))
    wrong_month["methods"]["period"]["from"] = "2008-11-20"
    with pytest.raises(pydantic.ValidationError):
        Summary.model_validate(wrong_month)
