"""A wrong passphrase, a zero-length file, random bytes, a plain SQLite file and a truncated
study each give the right exit code and message, and the file's hash is unchanged.

Every bad file lives alone in its own folder, so "nothing was left beside it" is checked by
listing that folder before and after: no -wal, -shm, -journal or .partial file may appear.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlcipher3

from plrdesk.storage.cipher import PAGE_SIZE
from tests.conftest import CliResult
from tests.support.files import PASSPHRASE, digest

Cli = Callable[..., CliResult]

WRONG_PASSPHRASE = "quartz lantern meadow ninety"
SEED = 4242
RANDOM_LENGTH = 10_000  # deliberately not a whole number of 4096-byte pages
assert RANDOM_LENGTH % PAGE_SIZE


# -- making the bad files --------------------------------------------------------------------


def _zero_length(demo: Path, dest: Path) -> None:
    dest.write_bytes(b"")


def _random_bytes(demo: Path, dest: Path) -> None:
    dest.write_bytes(random.Random(SEED).randbytes(RANDOM_LENGTH))


def _plain_sqlite(demo: Path, dest: Path) -> None:
    conn = sqlite3.connect(dest)
    conn.execute("CREATE TABLE participant (name TEXT)")
    conn.execute("INSERT INTO participant VALUES ('Someone')")
    conn.commit()
    conn.close()


def _truncated_mid_page(demo: Path, dest: Path) -> None:
    data = demo.read_bytes()
    cut = len(data) // 2 + 100
    assert cut % PAGE_SIZE, "the cut must fall inside a page"
    dest.write_bytes(data[:cut])


def _truncated_at_page_boundary(demo: Path, dest: Path) -> None:
    data = demo.read_bytes()
    cut = (len(data) // PAGE_SIZE // 2) * PAGE_SIZE
    assert 0 < cut < len(data)
    assert cut % PAGE_SIZE == 0
    dest.write_bytes(data[:cut])


def _demo_copy(demo: Path, dest: Path) -> None:
    shutil.copyfile(demo, dest)


def _damaged_pages(demo: Path, dest: Path) -> None:
    """Page 1 intact, one byte flipped in every later page: anything read beyond page 1,
    the rest of the schema included, fails its HMAC."""
    data = bytearray(demo.read_bytes())
    for page in range(1, len(data) // PAGE_SIZE):
        data[page * PAGE_SIZE + PAGE_SIZE // 2] ^= 0x01
    dest.write_bytes(bytes(data))


def _root_page(study: Path, table: str) -> int:
    conn = sqlcipher3.connect(str(study))
    try:
        conn.execute(f"PRAGMA key = '{PASSPHRASE}'")
        row = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()
    finally:
        conn.close()
    return int(row[0])


def _flip_in_root_page(demo: Path, dest: Path, table: str) -> None:
    page = _root_page(demo, table)
    assert page > 1
    data = bytearray(demo.read_bytes())
    data[(page - 1) * PAGE_SIZE + PAGE_SIZE // 2] ^= 0x01
    dest.write_bytes(bytes(data))


def _damaged_version_page(demo: Path, dest: Path) -> None:
    """One flipped byte in the page holding the schema version, which every open reads after
    the key has been checked: the file opens, then its first query fails the HMAC."""
    _flip_in_root_page(demo, dest, "alembic_version")


def _damaged_participant_page(demo: Path, dest: Path) -> None:
    """One flipped byte in the participant table's root page: the study opens cleanly and
    the damage shows only when a command reads participants, which each of these does."""
    _flip_in_root_page(demo, dest, "participant")


# case -> (how to make it, passphrase to use, acceptable exit codes, words the message must hold)
CASES: dict[str, tuple[Callable[[Path, Path], None], str, set[int], tuple[str, ...]]] = {
    "wrong passphrase": (_demo_copy, WRONG_PASSPHRASE, {3}, ("wrong passphrase",)),
    "zero-length": (_zero_length, PASSPHRASE, {4}, ("empty",)),
    "random bytes": (_random_bytes, PASSPHRASE, {4}, ("not a plrdesk study",)),
    "plain sqlite": (_plain_sqlite, PASSPHRASE, {4}, ("unencrypted",)),
    # A truncated study may be caught by size (4) or only when a page fails to decrypt (3).
    "truncated mid-page": (_truncated_mid_page, PASSPHRASE, {3, 4}, ("damaged",)),
    "truncated at a page boundary": (_truncated_at_page_boundary, PASSPHRASE, {3, 4}, ("damaged",)),
    "damaged pages": (_damaged_pages, PASSPHRASE, {3, 4}, ("damaged",)),
    "damaged version page": (_damaged_version_page, PASSPHRASE, {3, 4}, ("damaged",)),
    "damaged participant page": (_damaged_participant_page, PASSPHRASE, {4}, ("damaged",)),
}

COMMANDS: dict[str, Callable[[Path, Path], list[str | Path]]] = {
    "info": lambda study, other: ["info", study],
    "check": lambda study, other: ["check", study],
    "import": lambda study, other: ["import", study, other / "data.json"],
    "dump": lambda study, other: ["dump", study, "-o", other / "out.json", "--yes"],
    "withdraw": lambda study, other: ["withdraw", study, "C1", "--erase"],
}


@pytest.fixture
def other_dir(tmp_path: Path) -> Path:
    """A folder for the import's input and the dump's output, away from the bad file."""
    folder = tmp_path / "other"
    folder.mkdir()
    document = {
        "format": "plrdesk-study",
        "version": 1,
        "themes": [{"ref": "TNEW", "name": "A theme nobody has yet"}],
    }
    (folder / "data.json").write_text(json.dumps(document), encoding="utf-8")
    return folder


def _make(case: str, demo_path: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "study"
    folder.mkdir()
    path = folder / "bad.plr"
    CASES[case][0](demo_path, path)
    return path


def _assert_one_line_naming(result: CliResult, path: Path, *words: str) -> None:
    assert "Traceback" not in result.err
    lines = result.err.splitlines()
    assert len(lines) == 1, result.err
    assert result.err.endswith("\n")
    assert lines[0].startswith("plrdesk: "), lines[0]
    assert str(path) in lines[0], lines[0]
    for word in words:
        assert word in lines[0], lines[0]


# -- the matrix ------------------------------------------------------------------------------


@pytest.mark.parametrize("command", list(COMMANDS))
@pytest.mark.parametrize("case", list(CASES))
def test_bad_file_gives_its_exit_code_one_line_and_is_untouched(
    cli: Cli, demo_path: Path, tmp_path: Path, other_dir: Path, case: str, command: str
) -> None:
    _, passphrase, codes, words = CASES[case]
    path = _make(case, demo_path, tmp_path)
    before_hash = digest(path)
    before_listing = sorted(os.listdir(path.parent))
    before_other = sorted(os.listdir(other_dir))

    result = cli(*COMMANDS[command](path, other_dir), passphrase=passphrase)

    assert result.code in codes, (result.code, result.err)
    _assert_one_line_naming(result, path, *words)
    assert result.out == ""
    assert digest(path) == before_hash
    assert sorted(os.listdir(path.parent)) == before_listing  # no -wal, -shm or .partial
    assert sorted(os.listdir(other_dir)) == before_other  # the dump wrote nothing


def test_the_wrong_passphrase_case_is_a_real_study(demo_path: Path, cli: Cli) -> None:
    """Control for the matrix: the same copy opens with the right passphrase."""
    result = cli("check", demo_path)
    assert result.code == 0, result.err


def test_page_aligned_random_bytes_cannot_be_told_from_a_wrong_passphrase(
    cli: Cli, tmp_path: Path
) -> None:
    """Whole pages of random bytes look exactly like an encrypted file under another key:
    SQLCipher's page-1 HMAC fails either way, so the answer is exit 3 with a message that
    names both possibilities."""
    path = tmp_path / "noise.plr"
    path.write_bytes(random.Random(SEED).randbytes(2 * PAGE_SIZE))
    before = digest(path)
    for command in ("info", "check"):
        result = cli(command, path)
        assert result.code == 3, result.err
        _assert_one_line_naming(result, path, "wrong passphrase, or the file is damaged")
    assert digest(path) == before
    assert sorted(os.listdir(tmp_path)) == ["noise.plr"]


@pytest.mark.parametrize("command", ["info", "check", "dump", "withdraw"])
def test_a_missing_file_is_exit_4_and_is_not_created(
    cli: Cli, tmp_path: Path, other_dir: Path, command: str
) -> None:
    path = tmp_path / "study" / "absent.plr"
    path.parent.mkdir()
    result = cli(*COMMANDS[command](path, other_dir))
    assert result.code == 4, result.err
    _assert_one_line_naming(result, path, "no such file")
    assert os.listdir(path.parent) == []


# -- --debug ---------------------------------------------------------------------------------


def test_debug_after_the_command_prints_a_traceback(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "empty.plr"
    path.write_bytes(b"")
    result = cli("info", "--debug", path)
    assert result.code == 4
    assert "Traceback (most recent call last)" in result.err
    assert "NotAStudyFile" in result.err
    assert result.err.splitlines()[-1].startswith(f"plrdesk: {path}: ")


def test_debug_before_the_command_prints_a_traceback(cli: Cli, tmp_path: Path) -> None:
    """`plrdesk --debug info FILE` is what --help shows (`plrdesk [--debug] COMMAND`).

    (Regression: one parent parser served both the top level and each subcommand, so the
    subcommand's default debug=False overwrote the flag given before it.)
    """
    path = tmp_path / "empty.plr"
    path.write_bytes(b"")
    result = cli("--debug", "info", path)
    assert result.code == 4
    assert "Traceback (most recent call last)" in result.err


def test_a_wrong_passphrase_file_before_the_command_is_not_ignored(
    cli: Cli, demo_path: Path, tmp_path: Path
) -> None:
    """`plrdesk --passphrase-file WRONG info FILE` must try the passphrase in WRONG.

    (Regression, same cause as above: the subcommand's default passphrase_file=None
    overwrote it, so the file was ignored and PLRDESK_PASSPHRASE, right here, was used.)
    """
    secret = tmp_path / "secret.txt"
    secret.write_text(WRONG_PASSPHRASE + "\n", encoding="utf-8")
    result = cli("--passphrase-file", secret, "info", demo_path)
    assert result.code == 3, (result.code, result.out, result.err)


# -- the real process: nothing else reaches stderr (SQLCipher logs from C, not Python) -------


@pytest.mark.parametrize("case", ["wrong passphrase", "truncated at a page boundary"])
def test_the_real_process_writes_one_line_to_stderr(
    demo_path: Path, tmp_path: Path, case: str
) -> None:
    _, passphrase, codes, words = CASES[case]
    path = _make(case, demo_path, tmp_path)
    before = digest(path)
    env = {**os.environ, "PLRDESK_PASSPHRASE": passphrase}
    proc = subprocess.run(
        [sys.executable, "-m", "plrdesk", "check", str(path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode in codes, proc.stderr
    _assert_one_line_naming(CliResult(proc.returncode, proc.stdout, proc.stderr), path, *words)
    assert digest(path) == before
    assert sorted(os.listdir(path.parent)) == ["bad.plr"]
