"""Codebook files as the app exchanges them: read on the database worker, the bytes handed
back with the result so a redo imports what the first import read, and an export whose
format follows the file's name."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from plrdesk.services.codebook import (
    export_codebook_file,
    import_codebook_file,
    undo_codebook_import,
)
from plrdesk.services.themes import list_themes
from plrdesk.storage.study_file import StudyFile


def shape(db: Session) -> list[tuple[str, str | None, int]]:
    """(name, description, depth) in reading order, whatever the refs and ids."""
    return [(row.name, row.description, row.depth) for row in list_themes(db)]


def test_a_file_imports_once_and_its_redo_imports_the_same_bytes(
    demo_study: StudyFile, tmp_path: Path
) -> None:
    """What the app runs: the file read on the worker, the bytes handed back with the
    result, so a redo after the file changed still imports what the first import did."""
    path = tmp_path / "more.csv"
    path.write_bytes("name,parent_ref\nWaiting lists,T2\nCafé culture,\n".encode("cp1252"))
    with demo_study.transaction() as db:
        before = list_themes(db)
        first = import_codebook_file(db, path)
        assert first.new_themes == 2
        assert first.data == path.read_bytes()
        after = shape(db)
        undo_codebook_import(db, first)
        assert list_themes(db) == before
        path.write_text("name\nSomething else\n", encoding="utf-8")
        again = import_codebook_file(db, path, first.data)
        assert shape(db) == after
        assert again.data == first.data


def test_export_writes_the_format_its_name_says(demo_study: StudyFile, tmp_path: Path) -> None:
    with demo_study.transaction() as db:
        assert export_codebook_file(db, tmp_path / "book.csv").themes == 5
        assert export_codebook_file(db, tmp_path / "book.qdc").themes == 5
    assert (tmp_path / "book.csv").read_bytes().startswith(b"\xef\xbb\xbfref,name,parent_ref")
    assert b"<CodeBook" in (tmp_path / "book.qdc").read_bytes()
    with demo_study.transaction() as db:
        assert import_codebook_file(db, tmp_path / "book.qdc").new_themes == 0
