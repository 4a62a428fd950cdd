"""A merge conflict copy in study-json-v1 (`entries[].conflict`): dumped, imported back, checked."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from plrdesk.interchange.errors import InvalidDocument
from plrdesk.interchange.parse import parse_document
from plrdesk.services.study_dump import dump_document
from plrdesk.services.study_import import import_document
from plrdesk.storage.study_file import StudyFile
from tests.support.files import PASSPHRASE
from tests.support.merging import change, copy_of, entry, merge_files, read

Doc = dict[str, object]


def _dumped_with_a_conflict(demo_path: Path) -> Doc:
    other = copy_of(demo_path, "other.plr")
    # appended, so the codings of E3 still lie inside its text
    change(demo_path, lambda db: setattr(entry(db, "E3"), "text", f"{entry(db, 'E3').text} here"))
    change(other, lambda db: setattr(entry(db, "E3"), "text", f"{entry(db, 'E3').text} there"))
    merge_files(demo_path, other, label="other.plr, merged 2026-11-27")
    return read(demo_path, dump_document)


def _entries(doc: Doc) -> list[dict[str, object]]:
    sessions = doc["sessions"]
    assert isinstance(sessions, list)
    return [e for s in sessions for e in s["entries"]]


def test_the_dump_marks_a_conflict_copy(demo_path: Path) -> None:
    doc = _dumped_with_a_conflict(demo_path)
    marked = [e for e in _entries(doc) if "conflict" in e]
    assert [e["conflict"] for e in marked] == [
        {"of": "E3", "source": "other.plr, merged 2026-11-27"}
    ]
    assert str(marked[0]["text"]).endswith(" there")
    assert all("conflict" not in e for e in _entries(doc) if e["ref"] == "E3")


def test_the_marker_comes_back_on_import(demo_path: Path, empty_study_path: Path) -> None:
    from plrdesk.cli.study_commands import shipped_forms

    doc = _dumped_with_a_conflict(demo_path)
    fresh = empty_study_path.with_name("fresh.plr")
    parsed = parse_document(json.dumps(doc), "dump.json")
    assert parsed.study is not None
    with StudyFile.create(fresh, PASSPHRASE, title=parsed.study.title) as study:
        with study.transaction() as db:
            import_document(
                db, parsed, merge=False, source="dump.json", forms=shipped_forms(), new_study=True
            )
        with study.transaction() as db:
            assert dump_document(db)["sessions"] == doc["sessions"]


def test_a_marker_naming_no_entry_is_refused(demo_path: Path, empty_study: StudyFile) -> None:
    from plrdesk.cli.study_commands import shipped_forms

    doc = _dumped_with_a_conflict(demo_path)
    for e in _entries(doc):
        if "conflict" in e:
            e["conflict"] = {"of": "E999", "source": "x"}
    parsed = parse_document(json.dumps(doc), "dump.json")
    with (
        pytest.raises(
            InvalidDocument, match=r"entries\[\d+\]\.conflict\.of: no entry has ref 'E999'"
        ),
        empty_study.transaction() as db,
    ):
        import_document(db, parsed, merge=True, source="dump.json", forms=shipped_forms())
