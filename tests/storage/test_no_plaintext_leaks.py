"""Marker strings written through every path never appear in the .plr, -wal or -shm bytes,
or in any temporary file.

Paths: `plrdesk import` (names, contacts, attributes, entry text, consent answers, themes,
coding memos, identifiers and aliases) into a closed study and beside an open one, direct ORM
edits, withdrawal reasons (service and CLI, with --erase so VACUUM runs) and backups (the
service and the CLI). `dump` is left out: it writes plain text on purpose.

The raw bytes are scanned while the study is open (WAL present) and after it is closed. Every
scan has its control: tests.support.sqlcipher_pages decrypts the same files without
SQLCipher and must find every marker, so the test fails if encryption were off, or if a
marker never reached the file at all.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import tempfile
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from plrdesk.domain import models as m
from plrdesk.services.withdrawal import withdraw_participant
from plrdesk.storage.backups import backup_to
from plrdesk.storage.study_file import StudyFile
from tests.conftest import CliResult
from tests.support.files import PASSPHRASE
from tests.support.sqlcipher_pages import plaintext_everywhere

Cli = Callable[..., CliResult]

# Folders SQLite or Python might put a temporary file in, whatever TMPDIR says.
SYSTEM_TEMP_DIRS = [Path("/tmp"), Path("/var/tmp"), Path("/usr/tmp"), Path("/dev/shm")]


class Markers:
    """Distinctive ASCII strings, one per field, unique to this test run."""

    def __init__(self) -> None:
        self.token = uuid.uuid4().hex[:10].upper()
        self.by_field: dict[str, str] = {}

    def __call__(self, field: str) -> str:
        marker = f"Zq{field.replace('-', '').capitalize()}{self.token}"
        self.by_field[field] = marker
        return marker

    def needles(self, fields: Iterable[str] | None = None) -> list[bytes]:
        chosen = self.by_field if fields is None else {f: self.by_field[f] for f in fields}
        # The full-text index stores words lower-cased, so look for both spellings.
        return [v.encode() for v in chosen.values()] + [v.lower().encode() for v in chosen.values()]


def _document(mark: Markers, prefix: str) -> dict[str, object]:
    p = prefix
    return {
        "format": "plrdesk-study",
        "version": 1,
        "identifiers": [
            {
                "text": mark(f"{p}identifier"),
                "kind": "school",
                "aliases": [mark(f"{p}alias")],
            }
        ],
        "participants": [
            {
                "ref": f"{p}G1",
                "kind": "parent",
                "name": mark(f"{p}name"),
                "contact": mark(f"{p}contact"),
                "attributes": {"relationship": mark(f"{p}attribute")},
            }
        ],
        "consents": [
            {
                "ref": f"{p}K1",
                "participant": f"{p}G1",
                "form": "parent-verbal-consent",
                "form_version": "1",
                "method": "verbal",
                "given_on": "2009-01-20",
                "answers": {"take-part": True, "quote": mark(f"{p}answer")},
            }
        ],
        "sessions": [
            {
                "ref": f"{p}S1",
                "kind": "phone-interview",
                "participants": [f"{p}G1"],
                "entries": [
                    {
                        "ref": f"{p}E1",
                        "speaker": f"{p}G1",
                        "text": f"She said {mark(f'{p}entry')} about the move to Year 7.",
                    }
                ],
            }
        ],
        "themes": [
            {
                "ref": f"{p}T1",
                "name": mark(f"{p}theme"),
                "description": mark(f"{p}themedescription"),
            }
        ],
        "codings": [{"entry": f"{p}E1", "theme": f"{p}T1", "memo": mark(f"{p}memo")}],
    }


# -- scanning --------------------------------------------------------------------------------


def _files_under(root: Path) -> Iterator[Path]:
    for folder, _dirs, files in os.walk(root):
        for name in files:
            path = Path(folder) / name
            if path.is_file() and not path.is_symlink():
                yield path


def _recent_files_in(folder: Path, since: float) -> Iterator[Path]:
    """Top-level files of a shared temp folder changed since the test began."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        try:
            if entry.is_file(follow_symlinks=False) and entry.stat().st_mtime >= since:
                yield Path(entry.path)
        except OSError:
            continue  # another process removed it meanwhile


def _open_descriptor_files() -> Iterator[Path]:
    """Files this process holds open, including deleted ones (SQLite unlinks its temporary
    files as soon as it opens them, so only /proc can still show them)."""
    fd_dir = Path("/proc/self/fd")
    if not fd_dir.is_dir():
        return
    for fd in os.listdir(fd_dir):
        try:
            target = os.readlink(fd_dir / fd)
        except OSError:
            continue
        if target.startswith("/") and not target.startswith(("/dev/", "/proc/")):
            yield fd_dir / fd


def find_leaks(roots: Iterable[Path], needles: list[bytes], since: float) -> list[str]:
    """Every (file, marker) where a marker appears in raw bytes on disk or in an open file."""
    candidates: list[Path] = []
    for root in roots:
        candidates += _files_under(root)
    for folder in SYSTEM_TEMP_DIRS:
        candidates += _recent_files_in(folder, since)
    candidates += _open_descriptor_files()
    leaks = []
    for path in candidates:
        try:
            data = path.read_bytes()
        except OSError:
            continue
        leaks += [f"{path}: {n.decode()}" for n in needles if n in data]
    return leaks


def assert_everything_is_encrypted(
    study: Path, roots: list[Path], needles: list[bytes], since: float
) -> None:
    assert find_leaks(roots, needles, since) == []
    plain = plaintext_everywhere(study, PASSPHRASE)
    missing = [n.decode() for n in needles[: len(needles) // 2] if n not in plain]
    assert missing == [], "control: these markers never reached the study"


# -- the test --------------------------------------------------------------------------------


@pytest.fixture
def fresh_tempdir(monkeypatch: pytest.MonkeyPatch) -> Path:
    """Make tempfile honour the per-test TMPDIR (it caches the first answer it gives)."""
    monkeypatch.setattr(tempfile, "tempdir", None)
    folder = Path(tempfile.gettempdir())
    assert folder == Path(os.environ["TMPDIR"])
    return folder


def test_markers_never_reach_disk_unencrypted(
    cli: Cli, demo_path: Path, tmp_path: Path, fresh_tempdir: Path
) -> None:
    since = time.time() - 1
    mark = Markers()
    study_dir = demo_path.parent
    roots = [study_dir, Path.home(), fresh_tempdir]
    outputs: list[str] = []

    def import_through_cli(prefix: str) -> None:
        # The input file is plain text by design, so it lives outside every scanned folder
        # and is removed straight after.
        input_dir = Path(tempfile.mkdtemp(prefix="leak-input-", dir=tmp_path.parent))
        try:
            data = input_dir / "data.json"
            data.write_text(json.dumps(_document(mark, prefix)), encoding="utf-8")
            result = cli("import", demo_path, data)
            outputs.extend([result.out, result.err])
            assert result.code == 0, result.err
        finally:
            shutil.rmtree(input_dir)

    # 1. `plrdesk import` into the closed study.
    import_through_cli("A")
    assert_everything_is_encrypted(demo_path, roots, mark.needles(), since)

    # 2. An open study: an import beside it, ORM edits, a withdrawal, a backup.
    backup = study_dir / "backup.plr"
    with StudyFile.open(demo_path, PASSPHRASE) as study:
        import_through_cli("B")  # a second connection, while this one holds the study open
        with study.transaction() as db:
            study.study_row(db).researcher = mark("researcher")
            entry = db.scalars(select(m.Entry).filter_by(ref="E1")).one()
            entry.text = f"Rewritten: {mark('editedentry')} and more words."
            consent = db.scalars(select(m.Consent).filter_by(ref="K1")).one()
            consent.answers = {**consent.answers, "note": mark("editedanswer")}
            db.add(
                m.Participant(ref="ORM1", kind="practitioner", name=mark("ormname"), attributes={})
            )
        with study.transaction() as db:
            withdraw_participant(db, "AG1", on=dt.date(2009, 2, 1), reason=mark("reason"))
        backup_to(study, backup)

        wal = Path(f"{demo_path}-wal")
        assert wal.exists()
        assert wal.stat().st_size > 0, "the open study should have a WAL"
        assert Path(f"{demo_path}-shm").exists()  # scanned with the rest of the folder
        assert_everything_is_encrypted(demo_path, roots, mark.needles(), since)
        assert_everything_is_encrypted(backup, roots, mark.needles(), since)

    assert_everything_is_encrypted(demo_path, roots, mark.needles(), since)

    # 3. The CLI: a withdrawal with --erase (so VACUUM runs), then a backup.
    cli_backup = study_dir / "cli-backup.plr"
    for args in (
        ("withdraw", demo_path, "C3", "--erase", "--reason", mark("clireason")),
        ("backup", demo_path, cli_backup),
    ):
        result = cli(*args)
        outputs += [result.out, result.err]
        assert result.code == 0, result.err
    assert_everything_is_encrypted(demo_path, roots, mark.needles(), since)
    assert_everything_is_encrypted(cli_backup, roots, mark.needles(), since)

    # Nothing the commands printed carries the markers either.
    printed = "\n".join(outputs)
    assert [v for v in mark.by_field.values() if v in printed] == []
