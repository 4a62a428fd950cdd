"""`import --merge` that replaces a coded note's text: its codings follow their words.

The demo's E2 reads "Says things move quickly when the school already knows the project.
At Northfield the head rings her direct if a child is worried about the move." and T1
codes its second sentence (68..144, without the full stop).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from plrdesk.interchange.parse import parse_document
from plrdesk.services.changes import Table
from plrdesk.services.study_import import import_document
from plrdesk.shipped import demo_study_json
from plrdesk.storage.study_file import StudyFile
from tests.conftest import CliResult
from tests.support.files import PASSPHRASE

SECOND_SENTENCE = "At Northfield the head rings her direct if a child is worried about the move."
T1_WORDS = SECOND_SENTENCE[:-1]
T2_WORDS = "Says things move quickly"  # coded by the test: 0..24 of the old text


def demo_doc() -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(demo_study_json().read_text())
    return doc


def e2_with_text(text: str) -> dict[str, Any]:
    """A study document holding only session S1 with its entry E2 given `text`."""
    session = next(s for s in demo_doc()["sessions"] if s["ref"] == "S1")
    entry = next(e for e in session["entries"] if e["ref"] == "E2")
    return {
        "format": "plrdesk-study",
        "version": 1,
        "sessions": [{**session, "entries": [{**entry, "text": text}]}],
    }


def write(path: Path, doc: dict[str, Any]) -> Path:
    path.write_text(json.dumps(doc))
    return path


def add_t2_on_e2(cli: Callable[..., CliResult], study: Path, tmp_path: Path) -> None:
    codings: dict[str, Any] = {
        "format": "plrdesk-study",
        "version": 1,
        "codings": [{"entry": "E2", "theme": "T2", "start": 0, "end": len(T2_WORDS)}],
    }
    result = cli("import", study, write(tmp_path / "t2.json", codings))
    assert result.code == 0, result.err


def e2_codings(dump: dict[str, Any]) -> list[tuple[str, str, str | None]]:
    """E2's codings in a dump, as (theme, coded words, memo)."""
    text = next(e for s in dump["sessions"] for e in s["entries"] if e["ref"] == "E2")["text"]
    return [
        (c["theme"], text[c["start"] : c["end"]], c.get("memo"))
        for c in dump["codings"]
        if c["entry"] == "E2"
    ]


def test_a_shortening_merge_moves_codings_onto_their_words_and_exports_still_work(
    cli: Callable[..., CliResult], demo_path: Path, tmp_path: Path
) -> None:
    add_t2_on_e2(cli, demo_path, tmp_path)
    shorter = write(tmp_path / "shorter.json", e2_with_text(SECOND_SENTENCE))

    merged = cli("import", demo_path, shorter, "--merge")

    assert merged.code == 0, merged.err
    assert "entry E2: its new text moved 1 coding to follow its words and dropped 1" in merged.out
    exported = cli("export", demo_path, "--format", "json", "-o", tmp_path / "summary.json")
    assert exported.code == 0, exported.err
    dump = tmp_path / "dump.json"
    assert cli("dump", demo_path, "-o", dump, "--yes").code == 0
    dumped = json.loads(dump.read_text())
    # T1's sentence survived, so T1 still codes it; T2's words were cut, so T2 went.
    assert e2_codings(dumped) == [("T1", T1_WORDS, "Personal contact speeds things up")]
    again = cli("import", tmp_path / "again.plr", dump)
    assert again.code == 0, again.err


def test_the_import_result_says_which_codings_moved_and_which_were_dropped(
    cli: Callable[..., CliResult], demo_path: Path, tmp_path: Path
) -> None:
    from plrdesk.cli.study_commands import shipped_forms

    add_t2_on_e2(cli, demo_path, tmp_path)
    doc = parse_document(json.dumps(e2_with_text(SECOND_SENTENCE)), "shorter.json")
    with StudyFile.open(demo_path, PASSPHRASE) as study, study.transaction() as db:
        changes = import_document(db, doc, merge=True, source="shorter.json", forms=shipped_forms())

    assert len(changes.removed_ids(Table.CODING)) == 1
    assert len(changes.updated_ids(Table.CODING)) == 1
    assert changes.notices == [
        "entry E2: its new text moved 1 coding to follow its words and dropped 1 whose words"
        " are gone (T2 Knowing and using common tools, characters 0-24 of the old text)"
    ]


def test_a_merged_dump_with_edited_text_keeps_one_coding_on_the_same_words(
    cli: Callable[..., CliResult], demo_path: Path, tmp_path: Path
) -> None:
    """A dump edited by hand still lists E2's coding at its old offsets: that is the stored
    coding, which follows the text, not a second coding on whatever is there now."""
    dump = tmp_path / "dump.json"
    assert cli("dump", demo_path, "-o", dump, "--yes").code == 0
    doc = json.loads(dump.read_text())
    entry = next(e for s in doc["sessions"] for e in s["entries"] if e["ref"] == "E2")
    entry["text"] = "Note: " + entry["text"]

    merged = cli("import", demo_path, write(tmp_path / "edited.json", doc), "--merge")

    assert merged.code == 0, merged.err
    dumped = json.loads(cli("dump", demo_path, "-o", "-", "--yes").out)
    assert e2_codings(dumped) == [("T1", T1_WORDS, "Personal contact speeds things up")]
    assert len(dumped["codings"]) == len(doc["codings"])
