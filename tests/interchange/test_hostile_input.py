"""Hostile or sloppy study documents: exit 5, one line naming the place, nothing changed.

Each document is the demo study with one fault written into its JSON text, imported
through the real command line into an existing study (whose bytes must not change) and
into a new one (which must not be created).
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

Cli = Callable[..., CliResult]
Doc = dict[str, Any]
MARK = '"__fault__": 0'  # replaced in the text by what json.dumps cannot write


def demo_doc() -> Doc:
    doc: Doc = json.loads(demo_study_json().read_text(encoding="utf-8"))
    return doc


def text_of(doc: Doc, fault: str = "") -> str:
    """The document as JSON (non-ASCII escaped, so a surrogate is written as `\\ud800`)."""
    text = json.dumps(doc, indent=1)
    return text.replace(MARK, fault) if fault else text


def line_column(text: str, needle: str) -> str:
    at = text.index(needle)
    line = text.count("\n", 0, at) + 1
    return f"line {line}, column {at - (text.rfind(chr(10), 0, at) + 1) + 1}"


def phone_session(doc: Doc) -> tuple[int, Doc]:
    return next((i, s) for i, s in enumerate(doc["sessions"]) if s.get("call_attempts"))


# -- the faults: each returns (JSON text, what the message must say: see assert_refused) ---


def deep_nesting() -> tuple[str, str]:
    doc = demo_doc()
    doc["study"]["aims"].append("__deep__")
    depth = 100_000
    text = text_of(doc).replace('"__deep__"', "[" * depth + "]" * depth)
    return text, "bad.json: line  ... nested too deeply"


def lone_surrogate_in_a_name() -> tuple[str, str]:
    doc = demo_doc()
    doc["participants"][3]["name"] = "Karen \ud800Lloyd"
    return text_of(doc), "participants[3].name:  ... surrogate"


def lone_low_surrogate_in_entry_text() -> tuple[str, str]:
    doc = demo_doc()
    doc["sessions"][0]["entries"][2]["text"] += "\udc00"
    return text_of(doc), "sessions[0].entries[2].text:  ... surrogate"


def lone_surrogate_in_a_key() -> tuple[str, str]:
    doc = demo_doc()
    doc["participants"][0]["attributes"]["\ud83d"] = "x"
    return text_of(doc), 'participants[0].attributes["\\ud83d"]:  ... surrogate'


def lone_surrogate_in_an_answer() -> tuple[str, str]:
    doc = demo_doc()
    doc["consents"][1]["answers"]["quote"] = "ok \udfff"
    return text_of(doc), "consents[1].answers.quote:  ... surrogate"


def too_large_attribute() -> tuple[str, str]:
    doc = demo_doc()
    doc["participants"][0]["attributes"]["age"] = 2**63
    return text_of(doc), "participants[0].attributes.age: "


def too_small_attribute() -> tuple[str, str]:
    doc = demo_doc()
    doc["participants"][1]["attributes"]["age"] = -(2**63) - 1
    return text_of(doc), "participants[1].attributes.age: "


def too_large_minutes() -> tuple[str, str]:
    doc = demo_doc()
    i, session = phone_session(doc)
    session["call_attempts"][0]["minutes"] = 10**30
    return text_of(doc), f"sessions[{i}].call_attempts[0].minutes: "


def too_large_show_of_hands() -> tuple[str, str]:
    doc = demo_doc()
    i, j, entry = next(
        (i, j, e)
        for i, s in enumerate(doc["sessions"])
        for j, e in enumerate(s["entries"])
        if e.get("show_of_hands")
    )
    key = next(iter(entry["show_of_hands"]))
    entry["show_of_hands"][key] = 2**64
    return text_of(doc), f"sessions[{i}].entries[{j}].show_of_hands.{key}: "


def bad_base64_padding() -> tuple[str, str]:
    doc = demo_doc()
    doc["consents"][0]["signature"] = {"media_type": "image/png", "data": "iVBORw0KGgo"}
    return text_of(doc), "consents[0].signature.data: "


def bad_base64_length() -> tuple[str, str]:
    doc = demo_doc()
    doc["consents"][2]["scan"] = {"media_type": "application/pdf", "data": "JVBERi0xL"}
    return text_of(doc), "consents[2].scan.data: "


def empty_base64() -> tuple[str, str]:
    doc = demo_doc()
    doc["consents"][0]["second_signature"] = {"media_type": "image/png", "data": ""}
    return text_of(doc), "consents[0].second_signature.data: "


def _constant(literal: str) -> Callable[[], tuple[str, str]]:
    def fault() -> tuple[str, str]:
        doc = demo_doc()
        doc["participants"][2]["attributes"]["__fault__"] = 0
        text = text_of(doc, f'"score": {literal}')
        return text, line_column(text, literal) + ": "

    fault.__name__ = f"literal_{literal.replace('-', 'minus_')}"
    return fault


def overflowing_float() -> tuple[str, str]:
    doc = demo_doc()
    doc["participants"][2]["attributes"]["__fault__"] = 0
    return text_of(doc, '"score": 1e400'), "participants[2].attributes.score: "


def integer_with_too_many_digits() -> tuple[str, str]:
    doc = demo_doc()
    doc["participants"][2]["attributes"]["__fault__"] = 0
    digits = "9" * 5000  # past Python's limit for turning digits into an int
    text = text_of(doc, f'"score": {digits}')
    return text, line_column(text, digits) + ": "


def version_true() -> tuple[str, str]:
    doc = demo_doc()
    doc["version"] = True
    return text_of(doc), "version: "


def verbatim_yes() -> tuple[str, str]:
    doc = demo_doc()
    doc["sessions"][0]["entries"][0]["verbatim"] = "yes"
    return text_of(doc), "sessions[0].entries[0].verbatim: "


def given_on_zero() -> tuple[str, str]:
    doc = demo_doc()
    doc["consents"][0]["given_on"] = 0
    return text_of(doc), "consents[0].given_on: "


def given_on_a_timestamp_string() -> tuple[str, str]:
    doc = demo_doc()
    doc["consents"][1]["given_on"] = "0"
    return text_of(doc), "consents[1].given_on: "


def started_at_a_number() -> tuple[str, str]:
    doc = demo_doc()
    doc["sessions"][0]["started_at"] = 1227607200
    return text_of(doc), "sessions[0].started_at: "


def minutes_a_string() -> tuple[str, str]:
    doc = demo_doc()
    i, session = phone_session(doc)
    session["call_attempts"][0]["minutes"] = "25"
    return text_of(doc), f"sessions[{i}].call_attempts[0].minutes: "


def duplicate_key_in_a_participant() -> tuple[str, str]:
    doc = demo_doc()
    doc["participants"][4]["__fault__"] = 0
    return text_of(doc, '"name": "Someone Else"'), 'participants[4]: the key "name" '


def duplicate_key_at_the_top() -> tuple[str, str]:
    doc = demo_doc()
    doc["__fault__"] = 0
    return text_of(doc, '"sessions": []'), '(top level): the key "sessions" '


def duplicate_key_in_answers() -> tuple[str, str]:
    doc = demo_doc()
    doc["consents"][0]["answers"]["__fault__"] = 0
    return text_of(doc, '"quote": false'), 'consents[0].answers: the key "quote" '


FAULTS: list[Callable[[], tuple[str, str]]] = [
    deep_nesting,
    lone_surrogate_in_a_name,
    lone_low_surrogate_in_entry_text,
    lone_surrogate_in_a_key,
    lone_surrogate_in_an_answer,
    too_large_attribute,
    too_small_attribute,
    too_large_minutes,
    too_large_show_of_hands,
    bad_base64_padding,
    bad_base64_length,
    empty_base64,
    _constant("NaN"),
    _constant("Infinity"),
    _constant("-Infinity"),
    overflowing_float,
    integer_with_too_many_digits,
    version_true,
    verbatim_yes,
    given_on_zero,
    given_on_a_timestamp_string,
    started_at_a_number,
    minutes_a_string,
    duplicate_key_in_a_participant,
    duplicate_key_at_the_top,
    duplicate_key_in_answers,
]
IDS = [f.__name__ for f in FAULTS]


def assert_refused(result: CliResult, where: str) -> None:
    """Exit 5 and one line holding `where`; "A ... B" means both A and B, in any order."""
    assert result.code == 5, result.err
    assert result.err.startswith("plrdesk: ")
    assert "bad.json: " in result.err
    for words in where.split(" ... "):
        assert words in result.err
    assert result.err.count("\n") == 1, result.err
    assert "Traceback" not in result.err
    assert "unexpected error" not in result.err


@pytest.mark.parametrize("fault", FAULTS, ids=IDS)
def test_refused_into_an_existing_study_which_is_unchanged(
    cli: Cli, empty_study_path: Path, tmp_path: Path, fault: Callable[[], tuple[str, str]]
) -> None:
    text, where = fault()
    data = tmp_path / "bad.json"
    data.write_text(text, encoding="utf-8")
    before = {p.name: digest(p) for p in study_files(empty_study_path)}
    # --merge: the document's study block may then retitle the study, so only the fault stops it.
    result = cli("import", empty_study_path, data, "--merge")
    assert_refused(result, where)
    assert {p.name: digest(p) for p in study_files(empty_study_path)} == before


@pytest.mark.parametrize("fault", FAULTS, ids=IDS)
def test_refused_into_a_new_study_which_is_not_created(
    cli: Cli, tmp_path: Path, fault: Callable[[], tuple[str, str]]
) -> None:
    text, where = fault()
    data = tmp_path / "bad.json"
    data.write_text(text, encoding="utf-8")
    result = cli("import", tmp_path / "new.plr", data)
    assert_refused(result, where)
    assert list(tmp_path.iterdir()) == [data]


def test_nesting_is_located_by_line_and_column(cli: Cli, tmp_path: Path) -> None:
    data = tmp_path / "bad.json"
    data.write_text('{"format": "plrdesk-study",\n "aims": ' + "[" * 100_000, encoding="utf-8")
    result = cli("import", tmp_path / "new.plr", data)
    assert_refused(result, "bad.json: line 2, column  ... nested too deeply")


def test_escaped_surrogate_pairs_and_the_largest_integers_are_accepted(
    cli: Cli, tmp_path: Path
) -> None:
    doc = demo_doc()
    doc["participants"][0]["name"] = "Helen \U0001f600 Whitaker"  # written as \ud83d\ude00
    doc["participants"][0]["attributes"]["big"] = 2**63 - 1
    doc["participants"][1]["attributes"]["small"] = -(2**63)
    data = tmp_path / "good.json"
    data.write_text(text_of(doc), encoding="utf-8")
    study = tmp_path / "good.plr"
    result = cli("import", study, data)
    assert result.code == 0, result.err
    dumped = json.loads(cli("dump", study, "-o", "-", "--yes").out)
    assert dumped["participants"][0]["name"] == "Helen \U0001f600 Whitaker"
    assert dumped["participants"][0]["attributes"]["big"] == 2**63 - 1
    assert dumped["participants"][1]["attributes"]["small"] == -(2**63)
